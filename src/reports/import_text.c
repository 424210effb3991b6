/* import_text.c — offer reports imported from memory (the server's request
 * bodies) through the same reader as a file: the text is opened as a
 * read-only stream (fmemopen) and handed to the file importer. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "reports/reports_internal.h"

pb_status pb_reports_import_text(pb_reports *r, const char *name, const char *text, size_t len,
                                 const pb_reports_import_options *opt, json_t **result)
{
    *result = NULL;
    pb__diag_clear(&r->diag);
    static char nothing[1];
    FILE *f = fmemopen(len ? (void *)text : nothing, len, "rb");
    if (!f)
        return pb__diag_set(&r->diag, errno == ENOMEM ? PB_ERR_NOMEM : PB_ERR_IO, name, 0,
                            "cannot read: %s", strerror(errno));
    pb_status rc = pb__reports_import_file(r, f, name, opt, result);
    fclose(f);
    return rc;
}
