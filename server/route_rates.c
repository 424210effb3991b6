/* route_rates.c — GET /api/v1/rates/convert (as `payband rates convert
 * --format json`) and POST /api/v1/rates, which adds one dated rate (a
 * write: it needs the token). */
#include "routes.h"

#include "body.h"
#include "payband/market.h"

enum MHD_Result srv_route_convert(struct srv_req *r)
{
    const char *amount = srv_arg(r, "amount"), *to = srv_arg(r, "to");
    pb_date on = srv_today(r);
    if (!amount || !to)
        return srv_reply_error(r, 400, "usage", 0, "rates/convert needs amount and to");
    if (!srv_arg_date(r, "date", &on))
        return srv_reply_bad(r);
    pb_store *store = srv_store(r);
    if (!store)
        return srv_reply_unavailable(r);
    json_t *out = NULL;
    pb_status st = pb_market_convert(store, amount, to, on, &out);
    if (st != PB_OK)
        return srv_reply_status(r, st, pb_store_errmsg(store), NULL);
    return srv_reply_json(r, 200, out);
}

enum MHD_Result srv_route_rates_add(struct srv_req *r)
{
    struct srv_rate_input in;
    struct srv_body_error err;
    if (srv_read_rate(r->body, r->len, &in, &err) != PB_OK)
        return srv_reply_error(r, srv_http_status(err.status),
                               err.status == PB_ERR_NOMEM ? "nomem" : "parse", err.line, "%s",
                               err.message);
    pb_store *store = srv_store(r);
    if (!store)
        return srv_reply_unavailable(r);
    pb_status st = pb_store_add_rate(store, in.date, in.base, in.quote, in.rate, in.source);
    if (st != PB_OK)
        return srv_reply_status(r, st, pb_store_errmsg(store), NULL);
    srv_data_changed(r->srv);
    char day[11];
    pb_date_format(in.date, day);
    json_t *out = json_pack("{s:s, s:s, s:s, s:f, s:s}", "date", day, "base", in.base, "quote",
                            in.quote, "rate", in.rate, "source", in.source);
    return out ? srv_reply_json(r, 201, out)
               : srv_reply_error(r, 500, "nomem", 0, "out of memory");
}
