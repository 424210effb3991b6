/* reply.c — answering a request: JSON bodies printed exactly as the command
 * line prints them, errors as {"error": {"code", "message", "line"}} with
 * the HTTP status a library status calls for, the headers every response
 * carries, and typed query arguments. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "payband/json.h"
#include "payband/number.h"
#include "server.h"

/* No script but our own files, no framing, no sniffing, no referrer. */
static const char CSP[] = "default-src 'none'; script-src 'self'; style-src 'self'; "
                          "img-src 'self' data: blob:; connect-src 'self'; "
                          "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

bool srv_add_common_headers(struct MHD_Response *resp, const char *type)
{
    static const char *const headers[][2] = {
        {"Content-Security-Policy", CSP},
        {"X-Content-Type-Options", "nosniff"},
        {"X-Frame-Options", "DENY"},
        {"Referrer-Policy", "no-referrer"},
        {"Cross-Origin-Opener-Policy", "same-origin"},
        {"Cross-Origin-Resource-Policy", "same-origin"},
        {"Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
    };
    for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++)
        if (MHD_add_response_header(resp, headers[i][0], headers[i][1]) != MHD_YES)
            return false;
    if (type && MHD_add_response_header(resp, "Content-Type", type) != MHD_YES)
        return false;
    return true;
}

enum MHD_Result srv_queue(struct srv_req *r, unsigned status, struct MHD_Response *resp)
{
    r->status = status;
    r->answered = true;
    return MHD_queue_response(r->conn, status, resp);
}

static bool retry_after(struct MHD_Response *resp, unsigned seconds)
{
    char value[16];
    snprintf(value, sizeof value, "%u", seconds ? seconds : 1);
    return MHD_add_response_header(resp, "Retry-After", value) == MHD_YES;
}

enum MHD_Result srv_reply_bytes(struct srv_req *r, unsigned status, const char *type,
                                const void *data, size_t len, bool owned)
{
    struct MHD_Response *resp =
        owned ? MHD_create_response_from_buffer_with_free_callback(len, (void *)data, free)
              : MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        if (owned)
            free((void *)data);
        return MHD_NO; /* MHD closes the connection */
    }
    bool api = strncmp(r->url, "/api/", 5) == 0 || strcmp(r->url, "/metrics") == 0 ||
               strcmp(r->url, "/healthz") == 0;
    if (!srv_add_common_headers(resp, type) ||
        MHD_add_response_header(resp, "Cache-Control", api ? "no-store" : "no-cache") != MHD_YES ||
        (status == 401 &&
         MHD_add_response_header(resp, "WWW-Authenticate", "Bearer realm=\"payband\"") !=
             MHD_YES) ||
        (status == 429 && !retry_after(resp, r->retry_after)) ||
        (r->disposition &&
         MHD_add_response_header(resp, "Content-Disposition", r->disposition) != MHD_YES) ||
        (status == 405 && r->route &&
         MHD_add_response_header(resp, "Allow", strcmp(r->route->method, "GET") == 0
                                                    ? "GET, HEAD"
                                                    : r->route->method) != MHD_YES)) {
        MHD_destroy_response(resp);
        return MHD_NO;
    }
    enum MHD_Result ret = srv_queue(r, status, resp);
    if (ret == MHD_YES && status == 200 && r->cache_key && r->srv->cache)
        srv_cache_put(r->srv->cache, r->cache_key, r->cache_generation, r->cache_day, resp, len);
    else
        MHD_destroy_response(resp);
    return ret;
}

enum MHD_Result srv_reply_json(struct srv_req *r, unsigned status, json_t *value)
{
    /* printed as the command line prints it (cli_print_json) */
    char *text = value ? pb_json_dumps(value, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(value);
    if (!text)
        return srv_reply_error(r, 500, "nomem", 0, "out of memory");
    size_t len = strlen(text);
    char *body = pb__realloc(text, len + 2); /* the newline the command line prints */
    if (!body) {
        free(text);
        return srv_reply_error(r, 500, "nomem", 0, "out of memory");
    }
    body[len] = '\n';
    body[len + 1] = '\0';
    return srv_reply_bytes(r, status, "application/json", body, len + 1, true);
}

/* Short names of the error classes, for programs. */
static const char *status_code(unsigned http, pb_status st)
{
    switch (st) {
    case PB_OK: break;
    case PB_ERR_NOMEM: return "nomem";
    case PB_ERR_USAGE: return "usage";
    case PB_ERR_PARSE: return "parse";
    case PB_ERR_IO: return "io";
    case PB_ERR_DB: return "database";
    case PB_ERR_NOT_FOUND: return "not_found";
    case PB_ERR_CURRENCY: return "currency";
    case PB_ERR_NO_RATE: return "no_rate";
    case PB_ERR_AMBIGUOUS: return "ambiguous";
    case PB_ERR_RANGE: return "range";
    case PB_ERR_SCHEMA: return "schema";
    }
    return http >= 500 ? "internal" : "bad_request";
}

enum MHD_Result srv_reply_error(struct srv_req *r, unsigned status, const char *code, long line,
                                const char *fmt, ...)
{
    char msg[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_t *err = json_pack("{s:{s:s, s:s, s:o}}", "error", "code", code, "message", msg,
                            "line", line > 0 ? json_integer(line) : json_null());
    if (!err) {
        static const char nomem[] =
            "{\"error\": {\"code\": \"nomem\", \"message\": \"out of memory\", \"line\": null}}\n";
        return srv_reply_bytes(r, 500, "application/json", nomem, sizeof nomem - 1, false);
    }
    char *text = pb_json_dumps(err, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(err);
    if (!text)
        return MHD_NO;
    size_t len = strlen(text);
    char *body = pb__realloc(text, len + 2);
    if (!body) {
        free(text);
        return MHD_NO;
    }
    body[len] = '\n';
    body[len + 1] = '\0';
    char *keep = r->cache_key; /* errors are never cached */
    r->cache_key = NULL;
    enum MHD_Result ret = srv_reply_bytes(r, status, "application/json", body, len + 1, true);
    r->cache_key = keep;
    return ret;
}

enum MHD_Result srv_reply_bad(struct srv_req *r)
{
    return srv_reply_error(r, 400, "usage", 0, "%s", r->err);
}

enum MHD_Result srv_reply_unavailable(struct srv_req *r)
{
    return srv_reply_error(r, 503, "unavailable", 0, "the database cannot be opened just now");
}

unsigned srv_http_status(pb_status st)
{
    switch (st) {
    case PB_OK: return 200;
    case PB_ERR_USAGE:
    case PB_ERR_PARSE:
    case PB_ERR_CURRENCY:
    case PB_ERR_AMBIGUOUS:
    case PB_ERR_RANGE: return 400;
    case PB_ERR_NOT_FOUND:
    case PB_ERR_NO_RATE: return 404;
    case PB_ERR_NOMEM:
    case PB_ERR_IO:
    case PB_ERR_DB:
    case PB_ERR_SCHEMA: return 500;
    }
    return 500;
}

/* The line of a "name:123: why" message (0 when it has none). */
static long message_line(const char *msg, const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (!name || strncmp(msg, name, n) != 0 || msg[n] != ':')
        return 0;
    const char *p = msg + n + 1;
    long line = 0;
    while (*p >= '0' && *p <= '9' && line < 100000000)
        line = line * 10 + (*p++ - '0');
    return *p == ':' ? line : 0;
}

enum MHD_Result srv_reply_status(struct srv_req *r, pb_status st, const char *message,
                                 const char *name)
{
    return srv_reply_failure(r, st, message_line(message, name), message);
}

enum MHD_Result srv_reply_failure(struct srv_req *r, pb_status st, long line,
                                  const char *message)
{
    unsigned http = srv_http_status(st);
    return srv_reply_error(r, http, status_code(http, st), line, "%s", message);
}

/* ---- query arguments -------------------------------------------------------- */

const char *srv_arg(struct srv_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

bool srv_arg_date(struct srv_req *r, const char *name, pb_date *out)
{
    const char *v = srv_arg(r, name);
    if (!v)
        return true;
    if (pb_date_parse(v, out) != PB_OK) {
        snprintf(r->err, sizeof r->err, "%s needs a date YYYY-MM-DD, not '%.100s'", name, v);
        return false;
    }
    return true;
}

bool srv_arg_int(struct srv_req *r, const char *name, long long min, long long max,
                 long long *out)
{
    const char *v = srv_arg(r, name);
    int64_t x;
    if (!v)
        return true;
    if (!pb_integer_parse_str(v, min, max, &x)) {
        snprintf(r->err, sizeof r->err, "%s must be a whole number from %lld to %lld, not '%.100s'",
                 name, min, max, v);
        return false;
    }
    *out = x;
    return true;
}

bool srv_arg_number(struct srv_req *r, const char *name, double *out)
{
    const char *v = srv_arg(r, name);
    if (!v)
        return true;
    if (!pb_decimal_parse_str(v, out)) {
        snprintf(r->err, sizeof r->err, "%s must be a number, not '%.100s'", name, v);
        return false;
    }
    return true;
}

bool srv_arg_bool(struct srv_req *r, const char *name, bool *out)
{
    const char *v = srv_arg(r, name);
    if (!v)
        return true;
    if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 || strcmp(v, "") == 0)
        *out = true;
    else if (strcmp(v, "0") == 0 || strcmp(v, "false") == 0)
        *out = false;
    else {
        snprintf(r->err, sizeof r->err, "%s must be true or false, not '%.100s'", name, v);
        return false;
    }
    return true;
}

bool srv_arg_name(struct srv_req *r, const char *name, const char *fallback, char buf[129])
{
    const char *v = srv_arg(r, name);
    if (!v)
        v = fallback;
    size_t n = strlen(v);
    bool ok = n > 0 && n <= 128;
    for (size_t i = 0; ok && i < n; i++)
        ok = (unsigned char)v[i] >= ' ' && v[i] != 0x7f && v[i] != '/' && v[i] != '\\';
    if (!ok) {
        snprintf(r->err, sizeof r->err,
                 "%s is a name of 1 to 128 characters without slashes or control characters",
                 name);
        return false;
    }
    memcpy(buf, v, n + 1);
    return true;
}

bool srv_body_is_json(struct srv_req *r)
{
    const char *type = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
                                                   MHD_HTTP_HEADER_CONTENT_TYPE);
    return type && strncasecmp(type, "application/json", 16) == 0 &&
           (type[16] == '\0' || type[16] == ';' || type[16] == ' ');
}
