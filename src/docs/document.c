/* document.c — the public face of the document readers: reading a file,
 * finding the reader of the table (reader.c) that recognises it, the import
 * summary, checking claims against the store's dated rates, and importing
 * facts. It knows no kind of document by name. */
#include "payband/document.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/fileio.h"
#include "docs/document_internal.h"
#include "core/jsonutil.h"
#include "payband/fx.h"
#include "store/store_internal.h"

#define MAX_DOCUMENT_BYTES (16u * 1024u * 1024u)

const char *pb_document_type_name(pb_document_type type)
{
    const struct pb__reader *r = pb__reader_of(type);
    return r ? r->name : "auto";
}

pb_status pb_document_type_parse(const char *text, pb_document_type *out)
{
    if (strcmp(text, "auto") == 0) {
        *out = PB_DOCUMENT_AUTO;
        return PB_OK;
    }
    for (size_t i = 0; i < pb__readers_count; i++)
        if (strcmp(text, pb__readers[i].name) == 0) {
            *out = pb__readers[i].type;
            return PB_OK;
        }
    return PB_ERR_USAGE;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* No reader recognises the text: say what each looked for. */
static pb_status not_recognised(pb_document *doc)
{
    pb__buf b = {0};
    pb__buf_puts(&b, "not a document payband reads: looked for ");
    for (size_t i = 0; i < pb__readers_count; i++)
        pb__buf_printf(&b, "%s%s (a %s)", i == 0 ? "" : i + 1 < pb__readers_count ? ", " : ", or ",
                       pb__readers[i].looks_for, pb__readers[i].name);
    pb__buf_puts(&b, ", and found none");
    char *msg = pb__buf_take(&b, NULL);
    if (!msg)
        return pb__doc_nomem(doc);
    pb_status st = pb__diag_set(&doc->diag, PB_ERR_PARSE, doc->path, 1, "%s", msg);
    pb__free(msg);
    return st;
}

static pb_status read_into(pb_document *doc, pb_document_type type)
{
    /* the names of companies and regions the readers look for */
    pb_status st = pb__dictionary_load(&doc->diag);
    if (st != PB_OK)
        return st;
    /* a UTF-8 byte-order mark some editors write first is no part of the text */
    if (doc->len >= 3 && memcmp(doc->text, "\xEF\xBB\xBF", 3) == 0) {
        memmove(doc->text, doc->text + 3, doc->len - 3 + 1);
        doc->len -= 3;
    }
    if (doc->len == 0)
        return pb__diag_set(&doc->diag, PB_ERR_PARSE, doc->path, 1, "empty document");
    size_t bad;
    if (!pb__valid_text(doc->text, doc->len, &bad)) {
        pb__lines_build(&doc->lines, doc->text, bad);
        long line = doc->lines.starts ? pb__lines_at(&doc->lines, bad) : 1;
        pb__lines_release(&doc->lines);
        return pb__diag_set(&doc->diag, PB_ERR_PARSE, doc->path, line,
                            "not a text file: %s at byte %zu",
                            doc->text[bad] == '\0' ? "a NUL byte" : "invalid UTF-8", bad);
    }
    bool blank = true;
    for (size_t i = 0; i < doc->len && blank; i++)
        if (doc->text[i] != ' ' && doc->text[i] != '\n' && doc->text[i] != '\r' &&
            doc->text[i] != '\t')
            blank = false;
    if (blank)
        return pb__diag_set(&doc->diag, PB_ERR_PARSE, doc->path, 1,
                            "empty document (only white space)");
    if (pb__lines_build(&doc->lines, doc->text, doc->len) != PB_OK)
        return pb__diag_set(&doc->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    if (!(doc->facts = pb__facts_new()))
        return pb__diag_set(&doc->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    const struct pb__reader *reader = NULL;
    if (type == PB_DOCUMENT_AUTO) {
        for (size_t i = 0; i < pb__readers_count && !reader; i++)
            if (pb__readers[i].detect(doc->text, doc->len))
                reader = &pb__readers[i];
        if (!reader)
            return not_recognised(doc);
    } else if (!(reader = pb__reader_of(type))) {
        return pb__diag_set(&doc->diag, PB_ERR_USAGE, NULL, 0, "unknown document type %d",
                            (int)type);
    }
    doc->type = reader->type;
    doc->facts->source.file = pb__strdup(base_name(doc->path));
    if (!doc->facts->source.file)
        return pb__doc_nomem(doc);
    return reader->read(doc);
}

static pb_document *document_new(const char *name)
{
    pb_document *doc = pb__calloc(1, sizeof *doc);
    if (!doc)
        return NULL;
    doc->path = pb__strdup(name);
    if (!doc->path) {
        pb__free(doc);
        return NULL;
    }
    return doc;
}

pb_status pb_document_read_text(const char *name, const char *text, size_t len,
                                pb_document_type type, pb_document **out)
{
    *out = document_new(name ? name : "<memory>");
    if (!*out)
        return PB_ERR_NOMEM;
    pb_document *doc = *out;
    doc->text = pb__malloc(len + 1);
    if (!doc->text)
        return pb__diag_set(&doc->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    memcpy(doc->text, text, len);
    doc->text[len] = '\0';
    doc->len = len;
    pb_status st = read_into(doc, type);
    doc->read_ok = st == PB_OK;
    return st;
}

pb_status pb_document_read(const char *path, pb_document_type type, pb_document **out)
{
    *out = document_new(path);
    if (!*out)
        return PB_ERR_NOMEM;
    pb_document *doc = *out;
    char *buf = NULL;
    size_t len = 0;
    pb_status st = pb__read_file(path, MAX_DOCUMENT_BYTES, &buf, &len, &doc->diag);
    if (st != PB_OK)
        return st;
    doc->text = buf;
    doc->len = len;
    st = read_into(doc, type);
    doc->read_ok = st == PB_OK;
    return st;
}

void pb_document_free(pb_document *doc)
{
    if (!doc)
        return;
    pb__facts_free(doc->facts);
    pb__claims_release(&doc->claims);
    pb__lines_release(&doc->lines);
    for (size_t i = 0; i < doc->warnings_count; i++)
        pb__free(doc->warnings[i]);
    pb__free(doc->warnings);
    pb__free(doc->text);
    pb__free(doc->path);
    pb__free(doc);
}

const char *pb_document_errmsg(const pb_document *doc)
{
    return doc ? doc->diag.msg : "out of memory";
}

pb_document_type pb_document_kind(const pb_document *doc)
{
    return doc->type;
}

void pb_document_assume_date(pb_document *doc, pb_date date)
{
    if (!doc->facts || date == PB_DATE_NONE)
        return;
    struct pb__source *s = &doc->facts->source;
    if (s->published == PB_DATE_NONE)
        s->published = date;
    if (s->as_of == PB_DATE_NONE)
        s->as_of = date;
    if (s->review_due == PB_DATE_NONE) {
        s->review_due = pb_date_add_months(s->published, 3);
        s->review_assumed = true;
    }
}

pb_status pb_document_summary(pb_document *doc, json_t **summary)
{
    *summary = NULL;
    const pb__facts *f = doc->facts;
    if (!f || !doc->read_ok)
        return PB_ERR_USAGE;
    size_t asks = 0, floors = 0, nodes = 0;
    for (size_t i = 0; i < f->targets.count; i++) {
        if (strcmp(f->targets.items[i].kind, "floor") == 0)
            floors++;
        else
            asks++;
    }
    for (size_t i = 0; i < f->level_maps.count; i++)
        nodes += f->level_maps.items[i].count;
    size_t unattributed = 0;
    for (size_t i = 0; i < f->mentions.count; i++)
        if (!f->mentions.items[i].company)
            unattributed++;
    json_t *o = json_object();
    json_t *notices = json_array();
    if (!o || !notices) {
        json_decref(o);
        json_decref(notices);
        return PB_ERR_NOMEM;
    }
    int bad = 0;
    for (size_t i = 0; i < doc->warnings_count; i++)
        bad |= json_array_append_new(notices, json_string(doc->warnings[i]));
    bad |= json_object_set_new(o, "file", json_string(doc->path));
    bad |= json_object_set_new(o, "type", json_string(pb_document_type_name(doc->type)));
    bad |= json_object_set_new(o, "source", pb__json_str(f->source.key));
    bad |= json_object_set_new(o, "title", pb__json_str(f->source.title));
    const struct pb__reader *reader = pb__reader_of(doc->type);
    bad |= json_object_set_new(
        o, "company", pb__json_str(reader && reader->own_company && f->companies.count
                                       ? f->companies.items[0].slug
                                       : NULL));
    bad |= json_object_set_new(o, "role",
                               pb__json_str(f->roles.count ? f->roles.items[0].slug : NULL));
    bad |= json_object_set_new(o, "published", pb__json_date(f->source.published));
    bad |= json_object_set_new(o, "as_of", pb__json_date(f->source.as_of));
    bad |= json_object_set_new(o, "review_due", pb__json_date(f->source.review_due));
    bad |= json_object_set_new(o, "data_quality", pb__json_str(f->source.data_quality));
    bad |= json_object_set_new(o, "bands", json_integer((json_int_t)f->bands.count));
    bad |= json_object_set_new(o, "relative_bands",
                               json_integer((json_int_t)f->relative_bands.count));
    bad |= json_object_set_new(o, "level_statements",
                               json_integer((json_int_t)f->level_maps.count));
    bad |= json_object_set_new(o, "level_nodes", json_integer((json_int_t)nodes));
    bad |= json_object_set_new(o, "offers", json_integer((json_int_t)f->offers.count));
    bad |= json_object_set_new(o, "asks", json_integer((json_int_t)asks));
    bad |= json_object_set_new(o, "floors", json_integer((json_int_t)floors));
    bad |= json_object_set_new(o, "additional_asks",
                               json_integer((json_int_t)f->extra_asks.count));
    bad |= json_object_set_new(o, "premiums", json_integer((json_int_t)f->premiums.count));
    bad |= json_object_set_new(o, "mentions", json_integer((json_int_t)f->mentions.count));
    bad |= json_object_set_new(o, "unattributed", json_integer((json_int_t)unattributed));
    bad |= json_object_set_new(o, "claims", json_integer((json_int_t)doc->claims.count));
    bad |= json_object_set_new(o, "sources", json_integer((json_int_t)f->citations.count));
    bad |= json_object_set_new(o, "notices", notices);
    if (bad) {
        json_decref(o);
        return PB_ERR_NOMEM;
    }
    *summary = o;
    return PB_OK;
}

/* ---- with the store ------------------------------------------------------ */

static pb_status store_rate(void *ctx, const char *from, const char *to, pb_date on,
                            double *rate, pb_date *rate_date)
{
    pb_fx *fx = ctx;
    pb_fx_quote q;
    pb_status st = pb_fx_rate(fx, from, to, on, &q);
    if (st != PB_OK)
        return st;
    *rate = q.rate;
    *rate_date = q.date;
    return PB_OK;
}

/* Rates a document implies (kept in the store with the document as their
 * source, whose key starts with its reader's name: "guide-", "briefing-")
 * would only check the document against itself: keep reference rates only. */
static pb_status keep_reference_rate(void *ctx, pb_date date, const char *base,
                                     const char *quote, double rate, const char *source)
{
    for (size_t i = 0; source && i < pb__readers_count; i++) {
        size_t n = strlen(pb__readers[i].name);
        if (strncmp(source, pb__readers[i].name, n) == 0 && source[n] == '-')
            return PB_OK;
    }
    return pb_fx_add(ctx, date, base, quote, rate, source ? source : "store");
}

pb_status pb_document_check(pb_document *doc, pb_store *store, pb_date as_of, json_t **findings)
{
    *findings = NULL;
    if (!doc->facts || !doc->read_ok)
        return PB_ERR_USAGE;
    pb_fx *all = NULL, *reference = NULL;
    if (store && pb_store_fx(store, &all) == PB_OK && pb_fx_count(all) > 0) {
        reference = pb_fx_new();
        if (!reference)
            return pb__diag_set(&doc->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
        if (pb_fx_each(all, keep_reference_rate, reference) != PB_OK) {
            pb_fx_free(reference);
            return pb__diag_set(&doc->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
        }
    }
    pb_status st = pb__check_claims(doc, as_of == PB_DATE_NONE ? pb_date_today() : as_of,
                                    reference && pb_fx_count(reference) > 0 ? store_rate : NULL,
                                    reference, findings);
    pb_fx_free(reference);
    if (st != PB_OK)
        pb__diag_set(&doc->diag, st, NULL, 0, "out of memory");
    return st;
}

/* A different document stored under the same source key (a guide for the
 * same company and role from another file or with another title) is
 * replaced: say so. Re-importing the same file stays a silent replace. A
 * database failure is returned with its message on the store's handle. */
static pb_status note_replaced(pb_document *doc, pb_store *store)
{
    const struct pb__source *src = &doc->facts->source;
    pb__stmt *st = NULL;
    bool row = false;
    pb_status rc = pb__sql_prepare(pb__store_conn(store),
                                   "SELECT file, title FROM source WHERE key = ? AND builtin = 0",
                                   &st);
    if (rc == PB_OK)
        rc = pb__sql_bind_text(st, 1, src->key);
    if (rc == PB_OK)
        rc = pb__sql_step(st, &row);
    if (rc == PB_OK && row) {
        bool oom = false;
        char *file = pb__sql_dup(st, 0, &oom);
        char *title = pb__sql_dup(st, 1, &oom);
        bool same_file = (!file && !src->file) || (file && src->file && strcmp(file, src->file) == 0);
        bool same_title =
            (!title && !src->title) || (title && src->title && strcmp(title, src->title) == 0);
        if (oom)
            rc = PB_ERR_NOMEM;
        else if (!same_file || !same_title)
            rc = pb__doc_warn(doc, 0,
                                   "replaces the facts of %s ('%s') imported before under the "
                                   "same source key '%s'",
                                   file ? file : "another document", title ? title : "",
                                   src->key);
        pb__free(file);
        pb__free(title);
        if (rc == PB_ERR_NOMEM)
            rc = pb__diag_set(pb__store_diag(store), rc, NULL, 0, "out of memory");
    }
    pb__sql_finalize(st);
    return rc;
}

pb_status pb_document_import(pb_document *doc, pb_store *store)
{
    if (!doc->facts || !doc->read_ok)
        return pb__diag_set(pb__store_diag(store), PB_ERR_USAGE, NULL, 0,
                            "not imported: %s", doc->diag.msg[0] ? doc->diag.msg : doc->path);
    pb_status st = note_replaced(doc, store);
    if (st != PB_OK)
        return st;
    return pb__store_replace_facts(store, doc->facts);
}
