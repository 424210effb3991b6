/* route_levels.c — GET /api/v1/levels?company=&role=: the levels stated
 * equivalent at other companies, as `payband levels --format json`. */
#include "routes.h"

#include "payband/market.h"

enum MHD_Result srv_route_levels(struct srv_req *r)
{
    const char *company = srv_arg(r, "company"), *role = srv_arg(r, "role");
    if (!company || !role || !*company || !*role)
        return srv_reply_error(r, 400, "usage", 0, "levels needs company and role");
    pb_store *store = srv_store(r);
    if (!store)
        return srv_reply_unavailable(r);
    json_t *out = NULL;
    pb_status st = pb_market_levels_cited(store, company, role, srv_today(r), &out);
    if (st != PB_OK)
        return srv_reply_status(r, st, pb_store_errmsg(store), NULL);
    return srv_reply_json(r, 200, out);
}
