/* route_static.c — the web page and the OpenAPI document: files compiled
 * into the binary at build time (web/, Debian's Chart.js, the OpenAPI
 * document), looked up by exact name in that table, so no request can name
 * a file outside it. */
#include <string.h>

#include "routes.h"

#include "store/embedded.h"

extern const struct pb__embedded_file pb__embedded_web[];

static const struct pb__embedded_file *find(const char *name)
{
    for (const struct pb__embedded_file *f = pb__embedded_web; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

static const char *type_of(const char *name)
{
    static const char *const types[][2] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".svg", "image/svg+xml"},
    };
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        size_t k = strlen(types[i][0]);
        if (n > k && strcmp(name + n - k, types[i][0]) == 0)
            return types[i][1];
    }
    return "application/octet-stream";
}

static enum MHD_Result serve(struct srv_req *r, const char *name)
{
    const struct pb__embedded_file *f = find(name);
    if (!f)
        return srv_reply_error(r, 404, "not_found", 0, "no such resource");
    return srv_reply_bytes(r, 200, type_of(f->name), f->text, f->size, false);
}

enum MHD_Result srv_route_static(struct srv_req *r)
{
    const char *name = r->url + 1; /* after the leading slash */
    if (*name == '\0')
        name = "index.html";
    /* Only flat names of the table: no directories, no dot files. */
    if (strchr(name, '/') || name[0] == '.' || strcmp(name, "openapi.json") == 0)
        return srv_reply_error(r, 404, "not_found", 0, "no such resource");
    return serve(r, name);
}

enum MHD_Result srv_route_openapi(struct srv_req *r)
{
    return serve(r, "openapi.json");
}
