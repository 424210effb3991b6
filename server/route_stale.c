/* route_stale.c — GET /api/v1/stale and /api/v1/sources: facts past their
 * review date and the documents behind the data, as `payband stale|sources
 * --format json`. */
#include "routes.h"

#include "payband/market.h"

static enum MHD_Result list(struct srv_req *r, pb_status (*query)(pb_store *, pb_date, json_t **))
{
    pb_date as_of = srv_today(r);
    if (!srv_arg_date(r, "as_of", &as_of))
        return srv_reply_bad(r);
    pb_store *store = srv_store(r);
    if (!store)
        return srv_reply_unavailable(r);
    json_t *out = NULL;
    pb_status st = query(store, as_of, &out);
    if (st != PB_OK)
        return srv_reply_status(r, st, pb_store_errmsg(store), NULL);
    return srv_reply_json(r, 200, out);
}

enum MHD_Result srv_route_stale(struct srv_req *r)
{
    return list(r, pb_market_stale);
}

enum MHD_Result srv_route_sources(struct srv_req *r)
{
    return list(r, pb_market_sources);
}
