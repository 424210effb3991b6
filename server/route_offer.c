/* route_offer.c — POST /api/v1/offer: the year-by-year schedule of one
 * offer, as `payband offer FILE --format json`. The body is the offer file
 * (YAML) or its fields as a JSON object. */
#include "routes.h"

#include "body.h"
#include "payband/compare.h"

enum MHD_Result srv_route_offer(struct srv_req *r)
{
    long long years = 4;
    bool events = false;
    char name[129];
    if (!srv_arg_int(r, "years", 1, 50, &years) || !srv_arg_bool(r, "events", &events) ||
        !srv_arg_name(r, "file", "offer", name))
        return srv_reply_bad(r);
    const char *currency = srv_arg(r, "currency");
    pb_offer *offer = NULL;
    struct srv_body_error err;
    if (srv_read_offer(r->body, r->len, srv_body_is_json(r), name, &offer, &err) != PB_OK)
        return srv_reply_failure(r, err.status, err.line, err.message);
    pb_store *store = NULL;
    if (currency && !(store = srv_store(r))) {
        pb_offer_free(offer);
        return srv_reply_unavailable(r);
    }
    pb_schedule_options opt = {.years = (int)years, .events = events};
    json_t *out = NULL;
    pb_status st = pb_offer_schedule_in(offer, store, currency, srv_today(r), &opt, &out);
    enum MHD_Result ret = st == PB_OK ? srv_reply_json(r, 200, out)
                                      : srv_reply_status(r, st, pb_offer_errmsg(offer), name);
    pb_offer_free(offer);
    return ret;
}
