/* route_bands.c — GET /api/v1/bands: the JSON of `payband bands --format
 * json` for the same filters (the documents' bands, and a band from offer
 * reports beside them); 404 when the company or role is unknown. */
#include "routes.h"

#include "payband/market.h"
#include "payband/reports.h"

enum MHD_Result srv_route_bands(struct srv_req *r)
{
    pb_band_query q = {srv_arg(r, "company"), srv_arg(r, "role"), srv_arg(r, "region"),
                       srv_arg(r, "currency"), srv_today(r)};
    if (!srv_arg_date(r, "as_of", &q.as_of))
        return srv_reply_bad(r);
    pb_store *store = srv_store(r);
    if (!store)
        return srv_reply_unavailable(r);
    json_t *bands = NULL;
    pb_status st =
        pb_market_bands_filtered(store, &q, srv_arg(r, "level"), srv_arg(r, "source"), &bands);
    if (st == PB_OK)
        st = pb_reports_add_bands(store, &q, srv_arg(r, "level"), srv_arg(r, "source"), bands);
    if (st == PB_OK && json_array_size(bands) == 0 && (q.company || q.role))
        st = pb_market_check_names(store, q.company, q.role);
    if (st != PB_OK) {
        json_decref(bands);
        return srv_reply_status(r, st, pb_store_errmsg(store), NULL);
    }
    return srv_reply_json(r, 200, bands);
}
