/* reader.h — what a document reader is and what it is given (internal).
 *
 * Every kind of document payband reads (negotiation guides, market
 * briefings, and whatever comes next: offer reports, ...) is one entry of
 * the reader table: a name, a `detect` that tells from the text alone
 * whether a document is of its kind, a `read` that turns the text into
 * facts (facts.h) and claims (claims.h), and the words that say what
 * `detect` looks for (quoted when no reader recognises a file). document.c
 * only walks the table; a new reader adds its entry in reader.c and never
 * calls back into document.c.
 *
 * A reader fills doc->facts and doc->claims from doc->text (NUL-terminated,
 * its line index built). On failure the message is in doc->diag
 * ("file:line: ..."); notices for the import summary go through
 * pb__doc_warn. */
#ifndef PB_READER_H
#define PB_READER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/diag.h"
#include "docs/claims.h"
#include "docs/doctext.h"
#include "payband/document.h"
#include "store/facts.h"

struct pb_document {
    char *path;           /* as given, for messages */
    char *text;           /* the whole file, NUL-terminated */
    size_t len;
    pb_document_type type;
    pb__lines lines;
    pb__facts *facts;     /* partly filled when reading failed: see read_ok */
    bool read_ok;         /* the whole document was read; only then are its
                             facts imported, summarised or checked */
    pb__claims claims;
    pb__diag diag;
    size_t warnings_count, warnings_cap;
    char **warnings;      /* notices for the import summary ("file:line: ...") */
};

struct pb__reader {
    const char *name;       /* "guide": --type takes it, summaries show it */
    pb_document_type type;
    const char *looks_for;  /* what detect looks for, in a few words */
    bool own_company;       /* the facts' first company is the document's own
                               (the import summary names it) */
    bool (*detect)(const char *text, size_t len);
    pb_status (*read)(struct pb_document *doc);
};

/* The readers, in the order detection tries them. */
extern const struct pb__reader pb__readers[];
extern const size_t pb__readers_count;

/* The reader of a type, or NULL. */
const struct pb__reader *pb__reader_of(pb_document_type type);

/* The readers (reader.c registers them). */
bool pb__guide_detect(const char *text, size_t len);
pb_status pb__guide_read(struct pb_document *doc);
bool pb__prose_detect(const char *text, size_t len);
pb_status pb__prose_read(struct pb_document *doc);

/* What readers use of the document handle. */
/* A notice for the import summary: "file:line: text" ("file: text" for line 0). */
pb_status pb__doc_warn(struct pb_document *doc, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* An input error at a line: PB_ERR_PARSE with "file:line: text". */
pb_status pb__doc_fail(struct pb_document *doc, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* PB_ERR_NOMEM with "out of memory". */
pb_status pb__doc_nomem(struct pb_document *doc);

#endif
