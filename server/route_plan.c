/* route_plan.c — POST /api/v1/plan: a negotiation plan as `payband plan
 * --format json`, or with ?format=md its Markdown as a download. */
#include <string.h>

#include "routes.h"

#include "body.h"
#include "payband/plan.h"

enum { DEFAULT_SIMULATIONS = 20000, DEFAULT_YEARS = 4 };

static pb_status configure(pb_plan *plan, const struct srv_plan_input *in, pb_date today)
{
    pb_status st = pb_plan_set_target(plan, in->company, in->role, in->region);
    if (st == PB_OK)
        st = pb_plan_set_today(plan, today);
    if (st == PB_OK && in->level)
        st = pb_plan_set_level(plan, in->level);
    if (st == PB_OK && in->currency)
        st = pb_plan_set_currency(plan, in->currency);
    if (st == PB_OK && in->years)
        st = pb_plan_set_years(plan, in->years);
    if (st == PB_OK && in->has_seed)
        st = pb_plan_set_seed(plan, in->seed);
    if (st == PB_OK && in->simulations)
        st = pb_plan_set_simulations(plan, (int)in->simulations);
    if (st == PB_OK && in->as_of != PB_DATE_NONE)
        st = pb_plan_set_as_of(plan, in->as_of);
    if (st == PB_OK && in->profile)
        st = pb_plan_set_profile(plan, in->profile);
    if (st == PB_OK && in->offer)
        st = pb_plan_set_offer(plan, in->offer);
    for (size_t i = 0; st == PB_OK && i < in->ncompeting; i++)
        st = pb_plan_add_competing(plan, in->competing[i]);
    return st;
}

enum MHD_Result srv_route_plan(struct srv_req *r)
{
    const char *format = srv_arg(r, "format");
    bool markdown = format && (strcmp(format, "md") == 0 || strcmp(format, "markdown") == 0);
    if (format && !markdown && strcmp(format, "json") != 0)
        return srv_reply_error(r, 400, "usage", 0, "format is json or md, not '%.20s'", format);
    struct srv_plan_input in;
    struct srv_body_error err;
    if (srv_read_plan(r->body, r->len, &in, &err) != PB_OK)
        return srv_reply_failure(r, err.status, err.line, err.message);
    double sims = in.simulations ? (double)in.simulations : DEFAULT_SIMULATIONS;
    double years = in.years ? in.years : DEFAULT_YEARS;
    double offers = (double)(in.ncompeting + (in.offer ? 1 : 0));
    enum MHD_Result ret;
    pb_plan *plan = NULL;
    json_t *result = NULL;
    if (sims * years * (offers > 0 ? offers : 1) > r->srv->opt.max_simulation) {
        srv_metrics_refused(r->srv->metrics, "simulation_too_large");
        ret = srv_reply_error(r, 400, "simulation_too_large", 0,
                              "%.0f simulations x %.0f years x %.0f offers is more than this "
                              "server runs in one request (%.0f)",
                              sims, years, offers, r->srv->opt.max_simulation);
        goto done;
    }
    pb_store *store = srv_store(r);
    if (!store) {
        ret = srv_reply_unavailable(r);
        goto done;
    }
    plan = pb_plan_new();
    if (!plan) {
        ret = srv_reply_error(r, 500, "nomem", 0, "out of memory");
        goto done;
    }
    pb_status st = configure(plan, &in, srv_today(r));
    if (st == PB_OK)
        st = pb_plan_build(plan, store, &result);
    if (st != PB_OK) {
        ret = srv_reply_status(r, st, pb_plan_errmsg(plan), "profile");
        goto done;
    }
    if (offers > 0)
        srv_metrics_simulated(r->srv->metrics, sims * offers);
    if (markdown) {
        char *md = NULL;
        if (pb_plan_markdown(result, &md) != PB_OK || !md) {
            ret = srv_reply_error(r, 500, "nomem", 0, "out of memory");
            goto done;
        }
        r->disposition = "attachment; filename=\"payband-plan.md\"";
        ret = srv_reply_bytes(r, 200, "text/markdown; charset=utf-8", md, strlen(md), true);
    } else {
        ret = srv_reply_json(r, 200, result);
        result = NULL;
    }
done:
    json_decref(result);
    pb_plan_free(plan);
    srv_plan_input_release(&in);
    return ret;
}
