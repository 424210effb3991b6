/* document.h — the documents people publish about pay: negotiation guides
 * (Markdown, with or without YAML front matter) and market briefings
 * (prose). payband reads one into facts with provenance, imports those facts
 * into the store, and recomputes every numeric claim the document makes.
 *
 * Ownership: a pb_document owns everything it holds; json_t values returned
 * through an out-parameter are new references the caller must json_decref. */
#ifndef PAYBAND_DOCUMENT_H
#define PAYBAND_DOCUMENT_H

#include <jansson.h>
#include <stddef.h>

#include "payband/date.h"
#include "payband/status.h"
#include "payband/store.h"

typedef struct pb_document pb_document;

typedef enum pb_document_type {
    PB_DOCUMENT_AUTO = 0,     /* detect: front matter, a guide title or a comp table */
    PB_DOCUMENT_GUIDE = 1,    /* a negotiation guide */
    PB_DOCUMENT_BRIEFING = 2, /* a market briefing (prose) */
} pb_document_type;

/* "guide" or "briefing" (or "auto"). */
const char *pb_document_type_name(pb_document_type type);
pb_status pb_document_type_parse(const char *text, pb_document_type *out);

/* Read a document from a file. Like sqlite3_open, *out is set whenever
 * memory allows, also on failure, so that pb_document_errmsg can tell what
 * went wrong ("file:line: ..."); free it either way. */
pb_status pb_document_read(const char *path, pb_document_type type, pb_document **out);
/* The same from memory; `name` is used in messages and as the file name. */
pb_status pb_document_read_text(const char *name, const char *text, size_t len,
                                pb_document_type type, pb_document **out);
void pb_document_free(pb_document *doc);
const char *pb_document_errmsg(const pb_document *doc);
/* The type the document was read as (never PB_DOCUMENT_AUTO). */
pb_document_type pb_document_kind(const pb_document *doc);

/* For documents that state no date: take `date` as the date their figures
 * describe (and the publication date). Stated dates are kept. */
void pb_document_assume_date(pb_document *doc, pb_date date);

/* What was read: an object with file, type, source, company, role, title,
 * dates, and counts (bands, relative_bands, level_statements, offers, asks,
 * floors, additional_asks, premiums, mentions, claims, sources), plus
 * "notices" (array of strings). See docs/documents.md. */
pb_status pb_document_summary(pb_document *doc, json_t **summary);

/* Recompute every claim: an array of findings, each an object with file,
 * line, kind, claim, stated, computed, verdict ("ok", "wrong",
 * "inconsistent", "unverifiable") and reason. `store` may be NULL; when
 * given, its dated exchange rates are used for currency equivalents, as of
 * the document's own date, or `as_of` when it states none (PB_DATE_NONE:
 * today). */
pb_status pb_document_check(pb_document *doc, pb_store *store, pb_date as_of,
                            json_t **findings);

/* Write the document's facts to the store in one transaction, replacing
 * what an earlier import of the same source gave. On failure nothing
 * changes and pb_store_errmsg tells why. A document that failed to read is
 * never imported (PB_ERR_USAGE), nor summarised or checked. */
pb_status pb_document_import(pb_document *doc, pb_store *store);

#endif
