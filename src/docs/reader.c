/* reader.c — the table of document readers and the services of the
 * document handle that readers use: notices, input errors, out of memory.
 * A new kind of document adds one entry here (and its own files). */
#include "docs/reader.h"

#include <stdarg.h>
#include <stdio.h>

#include "core/alloc.h"
#include "core/buf.h"

const struct pb__reader pb__readers[] = {
    {"guide", PB_DOCUMENT_GUIDE,
     "YAML front matter, a title '### <Role> | <Company> Negotiation Guide' or a comp table "
     "with a Region column",
     true, pb__guide_detect, pb__guide_read},
    {"briefing", PB_DOCUMENT_BRIEFING,
     "money figures in running text ('\xE2\x82\xAC" "120K', '$1.4 million')",
     false, pb__prose_detect, pb__prose_read},
};

const size_t pb__readers_count = sizeof pb__readers / sizeof pb__readers[0];

const struct pb__reader *pb__reader_of(pb_document_type type)
{
    for (size_t i = 0; i < pb__readers_count; i++)
        if (pb__readers[i].type == type)
            return &pb__readers[i];
    return NULL;
}

pb_status pb__doc_nomem(struct pb_document *doc)
{
    return pb__diag_set(&doc->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
}

pb_status pb__doc_fail(struct pb_document *doc, long line, const char *fmt, ...)
{
    pb__buf msg = {0};
    va_list ap;
    va_start(ap, fmt);
    pb__buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    char *text = pb__buf_take(&msg, NULL);
    if (!text)
        return pb__doc_nomem(doc);
    pb_status st = pb__diag_set(&doc->diag, PB_ERR_PARSE, doc->path, line, "%s", text);
    pb__free(text);
    return st;
}

pb_status pb__doc_warn(struct pb_document *doc, long line, const char *fmt, ...)
{
    pb__buf msg = {0};
    if (line > 0)
        pb__buf_printf(&msg, "%s:%ld: ", doc->path, line);
    else
        pb__buf_printf(&msg, "%s: ", doc->path);
    va_list ap;
    va_start(ap, fmt);
    pb__buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    char *full = pb__buf_take(&msg, NULL);
    if (!full)
        return pb__doc_nomem(doc);
    char **slot = pb__list_push(&doc->warnings, &doc->warnings_count, &doc->warnings_cap,
                                sizeof *doc->warnings);
    if (!slot) {
        pb__free(full);
        return pb__doc_nomem(doc);
    }
    *slot = full;
    return PB_OK;
}
