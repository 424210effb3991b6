/* route_check.c — POST /api/v1/check: every numeric claim of a guide or a
 * briefing recomputed, as `payband check FILE --format json` (the findings
 * of the one document). The body is the document's text. */
#include <string.h>

#include "routes.h"

#include "payband/document.h"

enum MHD_Result srv_route_check(struct srv_req *r)
{
    char name[129];
    bool use_store = true;
    pb_document_type type = PB_DOCUMENT_AUTO;
    const char *t = srv_arg(r, "type");
    if (t && pb_document_type_parse(t, &type) != PB_OK)
        return srv_reply_error(r, 400, "usage", 0, "type is guide or briefing, not '%.40s'", t);
    if (!srv_arg_name(r, "file", "document", name) || !srv_arg_bool(r, "store", &use_store))
        return srv_reply_bad(r);
    pb_store *store = NULL;
    if (use_store && !(store = srv_store(r)))
        return srv_reply_unavailable(r);
    pb_document *doc = NULL;
    json_t *findings = NULL;
    enum MHD_Result ret;
    pb_status st = pb_document_read_text(name, r->body, r->len, type, &doc);
    if (st == PB_OK)
        st = pb_document_check(doc, store, srv_today(r), &findings);
    if (st != PB_OK)
        ret = srv_reply_status(r, st, pb_document_errmsg(doc), name);
    else
        ret = srv_reply_json(r, 200, findings);
    pb_document_free(doc);
    return ret;
}
