/* plan_reports.c — the offer reports a plan cites. The plan's ask and floor
 * come from a document band; beside it the plan cites the percentiles of
 * offer reports for the same company: the most specific group — role,
 * level and region of the plan, then fewer of them — that has at least k
 * distinct reports, in the plan's currency when the reports have it. */
#include "plan/plan_reports.h"

#include <stdio.h>
#include <string.h>

#include "payband/money.h"
#include "payband/reports.h"

static const char *str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* The group's row in the plan's currency, else the largest; NULL when
 * there is none or it is suppressed. */
static json_t *pick(json_t *rows, const char *currency)
{
    json_t *best = NULL, *row;
    size_t i;
    json_array_foreach(rows, i, row) {
        if (json_is_true(json_object_get(row, "suppressed")))
            continue;
        const char *c = str(row, "currency");
        if (currency && c && strcmp(c, currency) == 0)
            return row;
        if (!best || json_integer_value(json_object_get(row, "n")) >
                         json_integer_value(json_object_get(best, "n")))
            best = row;
    }
    return best;
}

static json_t *figures(json_t *row)
{
    if (!row)
        return json_null();
    return json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:O}", "p10", json_object_get(row, "p10"),
                     "p25", json_object_get(row, "p25"), "p50", json_object_get(row, "p50"),
                     "p75", json_object_get(row, "p75"), "p90", json_object_get(row, "p90"),
                     "mean", json_object_get(row, "mean"), "step", json_object_get(row, "step"));
}

static void money(json_t *row, const char *key, char *buf, size_t cap)
{
    const char *cur = str(row, "currency");
    pb_money m;
    if (!cur || pb_money_from_double_checked(json_number_value(json_object_get(row, key)), cur,
                                             &m) != PB_OK)
        snprintf(buf, cap, "?");
    else
        pb_money_format_compact(m, buf, cap);
}

/* The sentence the plan's notes carry. */
static json_t *note(json_t *row, const char *band_source)
{
    char what[400] = "", p25[48], p50[48], p75[48], text[900];
    const char *parts[] = {str(row, "company"), str(row, "role"), str(row, "level"),
                           str(row, "region")};
    for (size_t i = 0; i < 4; i++)
        if (parts[i]) {
            size_t n = strlen(what);
            snprintf(what + n, sizeof what - n, "%s%s", n ? ", " : "", parts[i]);
        }
    money(row, "p25", p25, sizeof p25);
    money(row, "p50", p50, sizeof p50);
    money(row, "p75", p75, sizeof p75);
    snprintf(text, sizeof text,
             "Market evidence from %lld offer reports (%s; %s to %s): annual total comp p25 "
             "%s, median %s, p75 %s; the ask and floor come from the %s band, the reports are "
             "cited beside it",
             (long long)json_integer_value(json_object_get(row, "n")), what,
             str(row, "first_date") ? str(row, "first_date") : "undated",
             str(row, "last_date") ? str(row, "last_date") : "undated", p25, p50, p75,
             band_source ? band_source : "document");
    return json_string(text);
}

pb_status pb__plan_cite_reports(pb_store *store, json_t *plan, pb__diag *diag)
{
    json_t *band = json_object_get(plan, "band");
    const char *company = str(plan, "company"), *role = str(plan, "role");
    const char *region = str(plan, "region"), *level = str(band, "level");
    const char *currency = str(plan, "currency");
    /* from the most specific group to the company as a whole */
    static const unsigned tries[] = {7, 3, 6, 2, 5, 1, 4, 0}; /* bits: role, level, region */
    pb_reports *rep = NULL;
    json_t *rows = NULL, *found = NULL, *base_rows = NULL;
    pb_status rc = pb_reports_of(store, &rep);
    for (size_t i = 0; rc == PB_OK && !found && i < sizeof tries / sizeof tries[0]; i++) {
        unsigned t = tries[i];
        if (((t & 1) && !role) || ((t & 2) && !level) || ((t & 4) && !region))
            continue;
        pb_reports_query q = {.company = company, .role = (t & 1) ? role : NULL,
                              .level = (t & 2) ? level : NULL, .region = (t & 4) ? region : NULL,
                              .since = PB_DATE_NONE};
        json_decref(rows);
        rows = NULL;
        rc = pb_reports_percentiles(rep, &q, &rows);
        if (rc == PB_OK && (found = pick(rows, currency))) {
            q.component = "base";
            rc = pb_reports_percentiles(rep, &q, &base_rows);
        }
    }
    json_t *cited = json_null();
    if (rc == PB_OK && found) {
        json_t *base = NULL, *row;
        size_t i;
        json_array_foreach(base_rows, i, row) {
            if (!json_is_true(json_object_get(row, "suppressed")) &&
                strcmp(str(row, "currency"), str(found, "currency")) == 0)
                base = row;
        }
        json_decref(cited);
        cited = json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:o, s:o, s:O, s:O, s:s, s:O}",
                          "company", json_object_get(found, "company"), "role",
                          json_object_get(found, "role"), "level",
                          json_object_get(found, "level"), "region",
                          json_object_get(found, "region"), "currency",
                          json_object_get(found, "currency"), "n", json_object_get(found, "n"),
                          "distinct", json_object_get(found, "distinct"), "tc", figures(found),
                          "base", figures(base), "first_date",
                          json_object_get(found, "first_date"), "last_date",
                          json_object_get(found, "last_date"), "used_for", "market evidence",
                          "ask_and_floor_from", json_object_get(band, "source"));
        json_t *notes = json_object_get(plan, "notes");
        if (!cited || (json_is_array(notes) &&
                       json_array_append_new(notes, note(found, str(band, "source"))) != 0))
            rc = PB_ERR_NOMEM;
    }
    if (rc == PB_OK && json_object_set_new(plan, "market_reports", cited) != 0)
        rc = PB_ERR_NOMEM;
    else if (rc != PB_OK)
        json_decref(cited);
    if (rc != PB_OK)
        pb__diag_set(diag, rc, NULL, 0, "offer reports: %s",
                     rc == PB_ERR_NOMEM ? "out of memory" : pb_reports_errmsg(rep));
    json_decref(rows);
    json_decref(base_rows);
    return rc;
}
