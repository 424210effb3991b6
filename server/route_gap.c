/* route_gap.c — GET /api/v1/gap?a=&b=: how far band A sits above or below
 * band B, as `payband gap A B --format json`. */
#include <string.h>

#include "routes.h"

#include "payband/market.h"

enum MHD_Result srv_route_gap(struct srv_req *r)
{
    const char *a = srv_arg(r, "a"), *b = srv_arg(r, "b"), *component = srv_arg(r, "component");
    pb_date as_of = srv_today(r);
    if (!a || !b || !*a || !*b)
        return srv_reply_error(r, 400, "usage", 0,
                               "gap needs a and b, each company[/role[/region[/level]]][@source]");
    if (component && strcmp(component, "tc") && strcmp(component, "base") &&
        strcmp(component, "equity"))
        return srv_reply_error(r, 400, "usage", 0,
                               "component must be tc, base or equity, not '%.40s'", component);
    if (!srv_arg_date(r, "as_of", &as_of))
        return srv_reply_bad(r);
    pb_store *store = srv_store(r);
    if (!store)
        return srv_reply_unavailable(r);
    json_t *out = NULL;
    pb_status st = pb_market_gap(store, a, b, component, srv_arg(r, "currency"), as_of, &out);
    if (st != PB_OK)
        return srv_reply_status(r, st, pb_store_errmsg(store), NULL);
    return srv_reply_json(r, 200, out);
}
