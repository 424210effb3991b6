/* route_compare.c — POST /api/v1/compare: several offers valued under
 * uncertainty and compared, as `payband compare --format json`. The body is
 * {"offers": [...], "files": [...]}; the settings are query parameters named
 * like the library's (years, simulations, seed, risk_aversion, ...). One
 * request may simulate at most --max-simulation paths x years x offers. */
#include <string.h>

#include "routes.h"

#include "body.h"
#include "payband/compare.h"

/* Apply the numeric settings of the query to the valuation. */
static bool apply_settings(struct srv_req *r, pb_valuation *v)
{
    for (const char *const *p = srv_valuation_params; *p; p++) {
        if (!strcmp(*p, "seed") || !strcmp(*p, "currency") || !strcmp(*p, "scenarios") ||
            !strcmp(*p, "black_scholes") || !strcmp(*p, "histogram"))
            continue;
        double x;
        if (!srv_arg(r, *p))
            continue;
        if (!srv_arg_number(r, *p, &x))
            return false;
        if (pb_valuation_set(v, *p, x) != PB_OK) {
            snprintf(r->err, sizeof r->err, "%s", pb_valuation_errmsg(v));
            return false;
        }
    }
    bool scenarios = false, black_scholes = false;
    if (!srv_arg_bool(r, "scenarios", &scenarios) ||
        !srv_arg_bool(r, "black_scholes", &black_scholes))
        return false;
    pb_valuation_set(v, "scenarios", scenarios);
    pb_valuation_set(v, "black_scholes", black_scholes);
    const char *seed = srv_arg(r, "seed");
    if (seed) {
        uint64_t x = 0;
        bool ok = *seed != '\0' && strlen(seed) <= 20;
        for (const char *p = seed; ok && *p; p++) {
            ok = *p >= '0' && *p <= '9' && x <= (UINT64_MAX - (uint64_t)(*p - '0')) / 10;
            x = x * 10 + (uint64_t)(*p - '0');
        }
        if (!ok) {
            snprintf(r->err, sizeof r->err, "seed must be a whole number from 0 to %llu",
                     (unsigned long long)UINT64_MAX);
            return false;
        }
        pb_valuation_set_seed(v, x);
    }
    /* Requests run side by side on the worker threads already. */
    pb_valuation_set(v, "threads", 1);
    return true;
}

enum MHD_Result srv_route_compare(struct srv_req *r)
{
    pb_valuation *v = pb_valuation_new();
    if (!v)
        return srv_reply_error(r, 500, "nomem", 0, "out of memory");
    pb_offer *offers[PB_COMPARE_MAX_OFFERS] = {0};
    size_t n = 0;
    json_t *out = NULL;
    enum MHD_Result ret;
    struct srv_body_error err;
    long long bins = 0;
    if (!apply_settings(r, v) || !srv_arg_int(r, "histogram", 1, 1000, &bins)) {
        ret = srv_reply_bad(r);
        goto done;
    }
    if (srv_read_offers(r->body, r->len, PB_COMPARE_MAX_OFFERS, offers, &n, &err) != PB_OK) {
        ret = srv_reply_failure(r, err.status, err.line, err.message);
        goto done;
    }
    double paths = pb_valuation_get(v, "simulations");
    double size = paths * pb_valuation_get(v, "years") * (double)n;
    if (size > r->srv->opt.max_simulation) {
        srv_metrics_refused(r->srv->metrics, "simulation_too_large");
        ret = srv_reply_error(r, 400, "simulation_too_large", 0,
                              "%.0f simulations x %.0f years x %zu offers is more than this "
                              "server runs in one request (%.0f)",
                              paths, pb_valuation_get(v, "years"), n,
                              r->srv->opt.max_simulation);
        goto done;
    }
    pb_store *store = srv_store(r);
    if (!store) {
        ret = srv_reply_unavailable(r);
        goto done;
    }
    pb_status st = pb_compare_offers(v, offers, n, srv_arg(r, "currency"), store, srv_today(r),
                                     NULL, &out);
    if (st != PB_OK) {
        ret = srv_reply_status(r, st, pb_valuation_errmsg(v), NULL);
        goto done;
    }
    srv_metrics_simulated(r->srv->metrics, paths * (double)n);
    if (bins && pb_compare_histograms(v, out, (int)bins) != PB_OK) {
        json_decref(out);
        ret = srv_reply_error(r, 500, "nomem", 0, "out of memory");
        goto done;
    }
    ret = srv_reply_json(r, 200, out);
done:
    pb_valuation_free(v);
    for (size_t i = 0; i < n; i++)
        pb_offer_free(offers[i]);
    return ret;
}
