/* body.h — the readers of request bodies (internal to server/): offers,
 * lists of offers, plan requests and exchange rates, as JSON or YAML. They
 * know nothing of HTTP, so the fuzz target (fuzz/fuzz_http_body.c) can call
 * them directly.
 *
 * An offer document is either the text of an offer file (YAML, a JSON
 * string) or the same fields as a JSON object. A failed read fills a
 * srv_body_error: the status, a message, and the line in the document it
 * names (0 when none: JSON objects have no lines of their own).
 *
 * Ownership: offers, profiles and strings returned are the caller's, freed
 * with srv_plan_input_release / pb_offer_free. */
#ifndef PAYBAND_SERVER_BODY_H
#define PAYBAND_SERVER_BODY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "payband/compare.h"
#include "payband/date.h"
#include "payband/offer.h"
#include "payband/plan.h"

struct srv_body_error {
    pb_status status;
    long line;
    char message[1024];
};

/* One offer: `json` says whether the body is JSON (else it is the YAML text
 * of an offer file). `name` stands for the file. */
pb_status srv_read_offer(const char *body, size_t len, bool json, const char *name,
                         pb_offer **out, struct srv_body_error *err);

/* A compare body: {"offers": [OFFER, ...], "files": [NAME, ...]} with 1..max
 * offers; "files" (optional) names them, else "offer-1", "offer-2", ... */
pb_status srv_read_offers(const char *body, size_t len, size_t max, pb_offer **offers,
                          size_t *n, struct srv_body_error *err);

/* A plan request (docs/serve.md, POST /api/v1/plan). */
struct srv_plan_input {
    char *company, *role, *region, *level, *currency;
    int years;          /* 0: the plan's default */
    long simulations;   /* 0: the plan's default */
    bool has_seed;
    uint64_t seed;
    pb_date as_of;      /* PB_DATE_NONE: today */
    pb_profile *profile;
    pb_offer *offer;
    pb_offer *competing[PB_COMPARE_MAX_OFFERS];
    size_t ncompeting;
};
pb_status srv_read_plan(const char *body, size_t len, struct srv_plan_input *in,
                        struct srv_body_error *err);
void srv_plan_input_release(struct srv_plan_input *in);

/* A rate for POST /api/v1/rates: {"date", "base", "quote", "rate", "source"?}. */
struct srv_rate_input {
    pb_date date;
    char base[4], quote[4];
    double rate;
    char source[96];
};
pb_status srv_read_rate(const char *body, size_t len, struct srv_rate_input *in,
                        struct srv_body_error *err);

#endif
