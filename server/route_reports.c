/* route_reports.c — offer reports: GET /api/v1/reports/percentiles and
 * /api/v1/reports/summary (as `payband reports percentiles|summary --format
 * json`), and POST /api/v1/reports/import, a write that reads a CSV, JSON
 * or JSON Lines body as `payband reports import FILE --format json` reads a
 * file. */
#include <string.h>

#include "routes.h"

#include "payband/reports.h"

enum { MAX_MAPS = 64 };

/* The worker's store's reports handle (pb_reports_of), kept from one
 * request to the next with its statements and reference data. */
static pb_reports *worker_reports(struct srv_req *r, pb_store *store, enum MHD_Result *ret)
{
    pb_reports *rep = NULL;
    if (pb_reports_of(store, &rep) != PB_OK) {
        *ret = srv_reply_error(r, 500, "nomem", 0, "%s", pb_reports_errmsg(rep));
        return NULL;
    }
    return rep;
}

/* years_min / years_max: 0 to 100 years. */
static bool years(struct srv_req *r, const char *name, bool *has, double *out)
{
    if (!srv_arg(r, name))
        return true;
    if (!srv_arg_number(r, name, out))
        return false;
    if (*out < 0 || *out > 100) {
        snprintf(r->err, sizeof r->err, "%s must be from 0 to 100 years, not '%.40s'", name,
                 srv_arg(r, name));
        return false;
    }
    *has = true;
    return true;
}

enum MHD_Result srv_route_report_percentiles(struct srv_req *r)
{
    pb_reports_query q = {.company = srv_arg(r, "company"),
                          .role = srv_arg(r, "role"),
                          .level = srv_arg(r, "level"),
                          .region = srv_arg(r, "region"),
                          .component = srv_arg(r, "component"),
                          .by = srv_arg(r, "by"),
                          .currency = srv_arg(r, "currency"),
                          .since = PB_DATE_NONE};
    long long k = 0;
    if (!years(r, "years_min", &q.has_years_min, &q.years_min) ||
        !years(r, "years_max", &q.has_years_max, &q.years_max) ||
        !srv_arg_date(r, "since", &q.since) || !srv_arg_int(r, "k", PB_REPORTS_K, 1000000, &k))
        return srv_reply_bad(r);
    q.k = (int)k;
    pb_store *store = srv_store(r);
    if (!store)
        return srv_reply_unavailable(r);
    enum MHD_Result ret;
    pb_reports *rep = worker_reports(r, store, &ret);
    if (!rep)
        return ret;
    json_t *rows = NULL;
    pb_status st = pb_reports_percentiles(rep, &q, &rows);
    ret = st == PB_OK ? srv_reply_json(r, 200, rows)
                      : srv_reply_status(r, st, pb_reports_errmsg(rep), NULL);
    return ret;
}

enum MHD_Result srv_route_report_summary(struct srv_req *r)
{
    pb_store *store = srv_store(r);
    if (!store)
        return srv_reply_unavailable(r);
    enum MHD_Result ret;
    pb_reports *rep = worker_reports(r, store, &ret);
    if (!rep)
        return ret;
    json_t *s = NULL;
    pb_status st = pb_reports_summary(rep, &s);
    ret = st == PB_OK ? srv_reply_json(r, 200, s)
                      : srv_reply_status(r, st, pb_reports_errmsg(rep), NULL);
    return ret;
}

/* "column=field,column=field" into up to MAX_MAPS items (pointers into buf). */
static bool maps(struct srv_req *r, char *buf, size_t cap, const char **items, size_t *n)
{
    const char *v = srv_arg(r, "map");
    *n = 0;
    if (!v)
        return true;
    if (strlen(v) >= cap) {
        snprintf(r->err, sizeof r->err, "map is longer than %zu characters", cap - 1);
        return false;
    }
    memcpy(buf, v, strlen(v) + 1);
    for (char *p = buf; p && *p;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        if (*n == MAX_MAPS) {
            snprintf(r->err, sizeof r->err, "map takes at most %d COLUMN=FIELD items", MAX_MAPS);
            return false;
        }
        items[(*n)++] = p;
        p = comma ? comma + 1 : NULL;
    }
    return true;
}

enum MHD_Result srv_route_report_import(struct srv_req *r)
{
    char name[129], mapbuf[2048];
    const char *items[MAX_MAPS];
    size_t nmaps = 0;
    pb_reports_import_options opt = {.as_of = PB_DATE_NONE,
                                     .source = srv_arg(r, "source"),
                                     .currency = srv_arg(r, "currency")};
    if (!srv_arg_name(r, "file", "reports.csv", name) || !srv_arg_date(r, "as_of", &opt.as_of) ||
        !srv_arg_bool(r, "strict", &opt.strict) ||
        !maps(r, mapbuf, sizeof mapbuf, items, &nmaps))
        return srv_reply_bad(r);
    opt.map = nmaps ? items : NULL;
    opt.nmap = nmaps;
    pb_store *store = srv_store(r);
    if (!store)
        return srv_reply_unavailable(r);
    enum MHD_Result ret;
    pb_reports *rep = worker_reports(r, store, &ret);
    if (!rep)
        return ret;
    json_t *res = NULL, *all = NULL;
    pb_status st = pb_reports_import_text(rep, name, r->body, r->len, &opt, &res);
    if (st != PB_OK) {
        ret = srv_reply_status(r, st, pb_reports_errmsg(rep), name);
    } else if (json_integer_value(json_object_get(res, "accepted")) == 0 &&
               json_integer_value(json_object_get(res, "records")) > 0) {
        ret = srv_reply_error(r, 400, "parse", 0, "%s: none of its %lld rows could be read", name,
                              (long long)json_integer_value(json_object_get(res, "records")));
    } else if (!(all = json_array()) || json_array_append(all, res) != 0) {
        ret = srv_reply_error(r, 500, "nomem", 0, "out of memory");
    } else {
        srv_data_changed(r->srv);
        ret = srv_reply_json(r, 200, all);
        all = NULL;
    }
    json_decref(all);
    json_decref(res);
    return ret;
}
