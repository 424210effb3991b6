/* fuzz_http_body.c — libFuzzer target for the server's request-body readers
 * (server/body.c): one offer as YAML or JSON, a compare body, a plan
 * request and a rate. The first byte picks the reader, the rest is the
 * body. A body that fails must leave a status and a message, a line never
 * below zero; one that reads gives offers whose schedules build. Everything
 * is freed. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "body.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_failure(pb_status st, const struct srv_body_error *err)
{
    if (st == PB_OK || err->status != st || err->message[0] == '\0' || err->line < 0)
        abort();
}

static void schedule(pb_offer *o)
{
    json_t *s = NULL;
    pb_schedule_options opt = {.years = 4};
    if (pb_offer_schedule(o, &opt, &s) == PB_OK && !json_is_object(s))
        abort();
    json_decref(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *body = (const char *)data + 1;
    size_t len = size - 1;
    struct srv_body_error err = {0};
    pb_status st;
    switch (data[0] % 5) {
    case 0:
    case 1: {
        pb_offer *o = NULL;
        st = srv_read_offer(body, len, data[0] % 5 == 1, "offer", &o, &err);
        if (st == PB_OK) {
            if (!o)
                abort();
            schedule(o);
            pb_offer_free(o);
        } else {
            check_failure(st, &err);
            if (o)
                abort();
        }
        break;
    }
    case 2: {
        pb_offer *offers[PB_COMPARE_MAX_OFFERS];
        size_t n = 0;
        st = srv_read_offers(body, len, PB_COMPARE_MAX_OFFERS, offers, &n, &err);
        if (st == PB_OK) {
            if (n < 1 || n > PB_COMPARE_MAX_OFFERS)
                abort();
            for (size_t i = 0; i < n; i++) {
                schedule(offers[i]);
                pb_offer_free(offers[i]);
            }
        } else {
            check_failure(st, &err);
            if (n != 0)
                abort();
        }
        break;
    }
    case 3: {
        struct srv_plan_input in;
        st = srv_read_plan(body, len, &in, &err);
        if (st == PB_OK) {
            if (!in.company || !in.role || !in.region || in.ncompeting > PB_COMPARE_MAX_OFFERS)
                abort();
            srv_plan_input_release(&in);
        } else {
            check_failure(st, &err);
        }
        break;
    }
    default: {
        struct srv_rate_input in;
        st = srv_read_rate(body, len, &in, &err);
        if (st == PB_OK) {
            if (!(in.rate > 0) || strlen(in.base) != 3 || strlen(in.quote) != 3 || !in.source[0])
                abort();
        } else {
            check_failure(st, &err);
        }
        break;
    }
    }
    return 0;
}
