/* body.c — reading request bodies into payband's values: one offer, a list
 * of offers, a plan request, an exchange rate. JSON is read by jansson
 * (duplicate keys refused); an offer or profile given as a JSON object is
 * written out as JSON text, which is also YAML, and read by the same
 * reader as a file, so both spellings obey the same rules. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "body.h"
#include "core/alloc.h"
#include "payband/money.h"

static pb_status fail(struct srv_body_error *err, pb_status st, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static pb_status fail(struct srv_body_error *err, pb_status st, long line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    err->status = st;
    err->line = line;
    return st;
}

static json_t *parse_json(const char *body, size_t len, struct srv_body_error *err)
{
    json_error_t je;
    json_t *v = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
    if (!v)
        fail(err, PB_ERR_PARSE, je.line > 0 ? je.line : 0, "request:%d: not valid JSON: %s",
             je.line > 0 ? je.line : 1, je.text);
    return v;
}

/* Refuse keys an object may not have (`allowed` is NULL-terminated). */
static pb_status only_keys(json_t *obj, const char *what, const char *const *allowed,
                           struct srv_body_error *err)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        bool ok = false;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, key) == 0;
        if (!ok)
            return fail(err, PB_ERR_PARSE, 0, "%s: unknown key '%.100s'", what, key);
    }
    return PB_OK;
}

/* A "file:N: why" message: N, when the message starts with `name`. */
static long line_of(const char *msg, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(msg, name, n) != 0 || msg[n] != ':')
        return 0;
    long line = 0;
    const char *p = msg + n + 1;
    while (*p >= '0' && *p <= '9' && line < 100000000)
        line = line * 10 + (*p++ - '0');
    return *p == ':' ? line : 0;
}

/* An offer from a JSON value: a string is an offer file's text, an object
 * its fields. */
static pb_status offer_of(json_t *v, const char *name, pb_offer **out,
                          struct srv_body_error *err)
{
    *out = NULL;
    char *dumped = NULL;
    const char *text;
    size_t len;
    if (json_is_string(v)) {
        text = json_string_value(v);
        len = json_string_length(v);
    } else if (json_is_object(v)) {
        dumped = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
        if (!dumped)
            return fail(err, PB_ERR_NOMEM, 0, "out of memory");
        text = dumped;
        len = strlen(dumped);
    } else {
        return fail(err, PB_ERR_PARSE, 0,
                    "%s: an offer is the text of an offer file or an object of its fields",
                    name);
    }
    pb_offer *o = NULL;
    pb_status st = pb_offer_parse(name, text, len, &o);
    if (st != PB_OK) {
        const char *msg = o ? pb_offer_errmsg(o) : pb_strerror(st);
        fail(err, st, dumped ? 0 : line_of(msg, name), "%s", msg);
        pb_offer_free(o);
    } else {
        *out = o;
    }
    free(dumped);
    return st;
}

pb_status srv_read_offer(const char *body, size_t len, bool json, const char *name,
                         pb_offer **out, struct srv_body_error *err)
{
    *out = NULL;
    if (!json) {
        pb_offer *o = NULL;
        pb_status st = pb_offer_parse(name, body, len, &o);
        if (st != PB_OK) {
            const char *msg = o ? pb_offer_errmsg(o) : pb_strerror(st);
            fail(err, st, line_of(msg, name), "%s", msg);
            pb_offer_free(o);
            return st;
        }
        *out = o;
        return PB_OK;
    }
    json_t *v = parse_json(body, len, err);
    if (!v)
        return err->status;
    pb_status st = offer_of(v, name, out, err);
    json_decref(v);
    return st;
}

/* A document name from the request: printable, no path. */
static pb_status name_of(json_t *v, size_t i, char *buf, size_t cap,
                         struct srv_body_error *err)
{
    const char *s = json_string_value(v);
    size_t n = s ? json_string_length(v) : 0;
    if (!s || n == 0 || n >= cap)
        return fail(err, PB_ERR_PARSE, 0, "files[%zu] must be a name of 1 to %zu characters", i,
                    cap - 1);
    for (size_t k = 0; k < n; k++)
        if ((unsigned char)s[k] < ' ' || s[k] == 0x7f || s[k] == '/' || s[k] == '\\')
            return fail(err, PB_ERR_PARSE, 0,
                        "files[%zu]: a name has no control characters or slashes", i);
    memcpy(buf, s, n + 1);
    return PB_OK;
}

pb_status srv_read_offers(const char *body, size_t len, size_t max, pb_offer **offers,
                          size_t *n, struct srv_body_error *err)
{
    static const char *const keys[] = {"offers", "files", NULL};
    *n = 0;
    json_t *v = parse_json(body, len, err);
    if (!v)
        return err->status;
    pb_status st = PB_OK;
    json_t *list = json_object_get(v, "offers"), *files = json_object_get(v, "files");
    if (!json_is_object(v))
        st = fail(err, PB_ERR_PARSE, 0, "request: the body is an object {\"offers\": [...]}");
    else if ((st = only_keys(v, "request", keys, err)) != PB_OK)
        ;
    else if (!json_is_array(list) || json_array_size(list) < 1 || json_array_size(list) > max)
        st = fail(err, PB_ERR_PARSE, 0, "request: \"offers\" is an array of 1 to %zu offers",
                  max);
    else if (files && (!json_is_array(files) || json_array_size(files) != json_array_size(list)))
        st = fail(err, PB_ERR_PARSE, 0,
                  "request: \"files\" is an array with one name for each offer");
    for (size_t i = 0; st == PB_OK && i < json_array_size(list); i++) {
        char name[129];
        if (files)
            st = name_of(json_array_get(files, i), i, name, sizeof name, err);
        else
            snprintf(name, sizeof name, "offer-%zu", i + 1);
        if (st == PB_OK)
            st = offer_of(json_array_get(list, i), name, &offers[i], err);
        if (st == PB_OK)
            (*n)++;
    }
    if (st != PB_OK) {
        for (size_t i = 0; i < *n; i++)
            pb_offer_free(offers[i]);
        *n = 0;
    }
    json_decref(v);
    return st;
}

/* ---- plan ------------------------------------------------------------------------ */

void srv_plan_input_release(struct srv_plan_input *in)
{
    pb__free(in->company);
    pb__free(in->role);
    pb__free(in->region);
    pb__free(in->level);
    pb__free(in->currency);
    pb_profile_free(in->profile);
    pb_offer_free(in->offer);
    for (size_t i = 0; i < in->ncompeting; i++)
        pb_offer_free(in->competing[i]);
    memset(in, 0, sizeof *in);
    in->as_of = PB_DATE_NONE;
}

static pb_status text_field(json_t *obj, const char *key, bool required, char **out,
                            struct srv_body_error *err)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required)
            return fail(err, PB_ERR_PARSE, 0, "request: \"%s\" is required", key);
        return PB_OK;
    }
    if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > 200 ||
        strlen(json_string_value(v)) != json_string_length(v))
        return fail(err, PB_ERR_PARSE, 0, "request: \"%s\" is a string of 1 to 200 characters",
                    key);
    *out = pb__strdup(json_string_value(v));
    return *out ? PB_OK : fail(err, PB_ERR_NOMEM, 0, "out of memory");
}

static pb_status whole_field(json_t *obj, const char *key, long long lo, long long hi,
                             long long *out, struct srv_body_error *err)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return PB_OK;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return fail(err, PB_ERR_PARSE, 0, "request: \"%s\" is a whole number from %lld to %lld",
                    key, lo, hi);
    *out = json_integer_value(v);
    return PB_OK;
}

static pb_status seed_field(json_t *obj, struct srv_plan_input *in, struct srv_body_error *err)
{
    json_t *v = json_object_get(obj, "seed");
    if (!v || json_is_null(v))
        return PB_OK;
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        in->seed = (uint64_t)json_integer_value(v);
    } else if (json_is_string(v) && json_string_length(v) > 0 && json_string_length(v) <= 20) {
        const char *s = json_string_value(v);
        uint64_t x = 0;
        for (; *s; s++) {
            if (*s < '0' || *s > '9' || x > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
                return fail(err, PB_ERR_PARSE, 0,
                            "request: \"seed\" is a whole number from 0 to 2^64-1");
            x = x * 10 + (uint64_t)(*s - '0');
        }
        in->seed = x;
    } else {
        return fail(err, PB_ERR_PARSE, 0, "request: \"seed\" is a whole number from 0 to 2^64-1");
    }
    in->has_seed = true;
    return PB_OK;
}

static pb_status profile_field(json_t *obj, struct srv_plan_input *in,
                               struct srv_body_error *err)
{
    json_t *v = json_object_get(obj, "profile");
    if (!v || json_is_null(v))
        return PB_OK;
    char *dumped = NULL;
    const char *text;
    if (json_is_string(v)) {
        text = json_string_value(v);
    } else if (json_is_object(v)) {
        dumped = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
        if (!dumped)
            return fail(err, PB_ERR_NOMEM, 0, "out of memory");
        text = dumped;
    } else {
        return fail(err, PB_ERR_PARSE, 0,
                    "request: \"profile\" is the text of a profile file or an object");
    }
    size_t len = dumped ? strlen(dumped) : json_string_length(v);
    pb_status st = pb_profile_parse("profile", text, len, &in->profile);
    if (st != PB_OK) {
        const char *msg = in->profile ? pb_profile_errmsg(in->profile) : pb_strerror(st);
        fail(err, st, dumped ? 0 : line_of(msg, "profile"), "%s", msg);
    }
    free(dumped);
    return st;
}

pb_status srv_read_plan(const char *body, size_t len, struct srv_plan_input *in,
                        struct srv_body_error *err)
{
    static const char *const keys[] = {"company", "role",  "region", "level",   "currency",
                                       "years",   "simulations", "seed", "as_of", "profile",
                                       "offer",   "competing", NULL};
    memset(in, 0, sizeof *in);
    in->as_of = PB_DATE_NONE;
    json_t *v = parse_json(body, len, err);
    if (!v)
        return err->status;
    pb_status st = json_is_object(v) ? only_keys(v, "request", keys, err)
                                     : fail(err, PB_ERR_PARSE, 0, "request: the body is an object");
    long long years = 0, sims = 0;
    char *as_of = NULL;
    if (st == PB_OK)
        st = text_field(v, "company", true, &in->company, err);
    if (st == PB_OK)
        st = text_field(v, "role", true, &in->role, err);
    if (st == PB_OK)
        st = text_field(v, "region", true, &in->region, err);
    if (st == PB_OK)
        st = text_field(v, "level", false, &in->level, err);
    if (st == PB_OK)
        st = text_field(v, "currency", false, &in->currency, err);
    if (st == PB_OK)
        st = whole_field(v, "years", 1, 10, &years, err);
    if (st == PB_OK)
        st = whole_field(v, "simulations", 100, 10000000, &sims, err);
    if (st == PB_OK)
        st = seed_field(v, in, err);
    if (st == PB_OK)
        st = text_field(v, "as_of", false, &as_of, err);
    if (st == PB_OK && as_of && pb_date_parse(as_of, &in->as_of) != PB_OK)
        st = fail(err, PB_ERR_PARSE, 0, "request: \"as_of\" is a date YYYY-MM-DD");
    pb__free(as_of);
    in->years = (int)years;
    in->simulations = (long)sims;
    if (st == PB_OK)
        st = profile_field(v, in, err);
    json_t *offer = json_object_get(v, "offer"), *competing = json_object_get(v, "competing");
    if (st == PB_OK && offer && !json_is_null(offer))
        st = offer_of(offer, "offer", &in->offer, err);
    if (st == PB_OK && competing && !json_is_null(competing) &&
        (!json_is_array(competing) || json_array_size(competing) > PB_COMPARE_MAX_OFFERS))
        st = fail(err, PB_ERR_PARSE, 0, "request: \"competing\" is an array of at most %d offers",
                  PB_COMPARE_MAX_OFFERS);
    for (size_t i = 0; st == PB_OK && i < json_array_size(competing); i++) {
        char name[32];
        snprintf(name, sizeof name, "competing-%zu", i + 1);
        st = offer_of(json_array_get(competing, i), name, &in->competing[i], err);
        if (st == PB_OK)
            in->ncompeting++;
    }
    json_decref(v);
    if (st != PB_OK)
        srv_plan_input_release(in);
    return st;
}

/* ---- rates ----------------------------------------------------------------------- */

static pb_status code_field(json_t *obj, const char *key, char out[4], struct srv_body_error *err)
{
    const char *s = json_string_value(json_object_get(obj, key));
    if (!s || strlen(s) != 3 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z' ||
        s[2] < 'A' || s[2] > 'Z')
        return fail(err, PB_ERR_PARSE, 0, "request: \"%s\" is a currency code such as \"EUR\"",
                    key);
    memcpy(out, s, 4);
    return PB_OK;
}

pb_status srv_read_rate(const char *body, size_t len, struct srv_rate_input *in,
                        struct srv_body_error *err)
{
    static const char *const keys[] = {"date", "base", "quote", "rate", "source", NULL};
    memset(in, 0, sizeof *in);
    json_t *v = parse_json(body, len, err);
    if (!v)
        return err->status;
    pb_status st = json_is_object(v) ? only_keys(v, "request", keys, err)
                                     : fail(err, PB_ERR_PARSE, 0, "request: the body is an object");
    const char *date = json_string_value(json_object_get(v, "date"));
    json_t *rate = json_object_get(v, "rate");
    json_t *source = json_object_get(v, "source");
    if (st == PB_OK && (!date || pb_date_parse(date, &in->date) != PB_OK))
        st = fail(err, PB_ERR_PARSE, 0, "request: \"date\" is a date YYYY-MM-DD");
    if (st == PB_OK)
        st = code_field(v, "base", in->base, err);
    if (st == PB_OK)
        st = code_field(v, "quote", in->quote, err);
    if (st == PB_OK && (!json_is_number(rate) || !(json_number_value(rate) > 0)))
        st = fail(err, PB_ERR_PARSE, 0, "request: \"rate\" is a number above 0");
    if (st == PB_OK)
        in->rate = json_number_value(rate);
    if (st == PB_OK && source && !json_is_null(source)) {
        const char *s = json_string_value(source);
        size_t n = s ? json_string_length(source) : 0;
        bool ok = s && n > 0 && n < sizeof in->source && strlen(s) == n;
        for (size_t i = 0; ok && i < n; i++)
            ok = (unsigned char)s[i] > ' ' && s[i] != 0x7f;
        if (!ok)
            st = fail(err, PB_ERR_PARSE, 0,
                      "request: \"source\" is a key of 1 to %zu characters without spaces",
                      sizeof in->source - 1);
        else
            memcpy(in->source, s, n + 1);
    } else if (st == PB_OK) {
        snprintf(in->source, sizeof in->source, "manual");
    }
    json_decref(v);
    return st;
}
