/* route_health.c — GET /healthz (the worker can reach its database) and
 * GET /metrics (Prometheus text format). */
#include "routes.h"

enum MHD_Result srv_route_healthz(struct srv_req *r)
{
    pb_store *store = srv_store(r);
    if (!store)
        return srv_reply_unavailable(r);
    /* A question to the database: the worker's connection may be older
     * than a PostgreSQL restart (the store connects again when it can). */
    uint64_t version = 0;
    if (pb_store_data_version(store, &version) != PB_OK)
        return srv_reply_error(r, 503, "unavailable", 0, "the database does not answer: %s",
                               pb_store_errmsg(store));
    json_t *out = json_pack("{s:s}", "status", "ok");
    return out ? srv_reply_json(r, 200, out)
               : srv_reply_error(r, 500, "nomem", 0, "out of memory");
}

enum MHD_Result srv_route_metrics(struct srv_req *r)
{
    size_t len = 0;
    char *text = srv_metrics_render(r->srv, &len);
    if (!text)
        return srv_reply_error(r, 500, "nomem", 0, "out of memory");
    return srv_reply_bytes(r, 200, "text/plain; version=0.0.4; charset=utf-8", text, len, true);
}
