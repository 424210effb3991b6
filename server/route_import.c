/* route_import.c — the writes that add documents to the store (they need
 * the token): POST /api/v1/import reads a guide or briefing as `payband
 * import FILE --format json` does; POST /api/v1/facts loads a facts file in
 * payband's YAML format as `payband import-facts FILE`. */
#include "routes.h"

#include "payband/document.h"

enum MHD_Result srv_route_import(struct srv_req *r)
{
    char name[129];
    pb_date as_of = PB_DATE_NONE;
    pb_document_type type = PB_DOCUMENT_AUTO;
    const char *t = srv_arg(r, "type");
    if (t && pb_document_type_parse(t, &type) != PB_OK)
        return srv_reply_error(r, 400, "usage", 0, "type is guide or briefing, not '%.40s'", t);
    if (!srv_arg_name(r, "file", "document", name) || !srv_arg_date(r, "as_of", &as_of))
        return srv_reply_bad(r);
    pb_store *store = srv_store(r);
    if (!store)
        return srv_reply_unavailable(r);
    pb_document *doc = NULL;
    json_t *summary = NULL;
    enum MHD_Result ret;
    pb_status st = pb_document_read_text(name, r->body, r->len, type, &doc);
    if (st != PB_OK) {
        ret = srv_reply_status(r, st, pb_document_errmsg(doc), name);
        goto done;
    }
    pb_document_assume_date(doc, as_of);
    if ((st = pb_document_import(doc, store)) != PB_OK) {
        ret = srv_reply_status(r, st, pb_store_errmsg(store), name);
        goto done;
    }
    srv_data_changed(r->srv);
    if ((st = pb_document_summary(doc, &summary)) != PB_OK) {
        ret = srv_reply_error(r, 500, "nomem", 0, "out of memory");
        goto done;
    }
    json_t *rows = json_array();
    if (!rows || json_array_append_new(rows, summary) != 0) {
        json_decref(rows);
        ret = srv_reply_error(r, 500, "nomem", 0, "out of memory");
        goto done;
    }
    ret = srv_reply_json(r, 200, rows);
done:
    pb_document_free(doc);
    return ret;
}

enum MHD_Result srv_route_facts(struct srv_req *r)
{
    char name[129];
    if (!srv_arg_name(r, "file", "facts.yaml", name))
        return srv_reply_bad(r);
    pb_store *store = srv_store(r);
    if (!store)
        return srv_reply_unavailable(r);
    pb_status st = pb_store_import_facts_text(store, name, r->body, r->len);
    if (st != PB_OK)
        return srv_reply_status(r, st, pb_store_errmsg(store), name);
    srv_data_changed(r->srv);
    json_t *out = json_pack("{s:s}", "imported", name);
    return out ? srv_reply_json(r, 200, out)
               : srv_reply_error(r, 500, "nomem", 0, "out of memory");
}
