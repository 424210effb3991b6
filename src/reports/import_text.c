/* import_text.c — offer reports imported from memory (the server's request
 * bodies) by the importer of files, the readers reading the text in place
 * (no copy, no read buffer). */

#include "reports/reports_internal.h"

pb_status pb_reports_import_text(pb_reports *r, const char *name, const char *text, size_t len,
                                 const pb_reports_import_options *opt, json_t **result)
{
    *result = NULL;
    pb__diag_clear(&r->diag);
    pb__import_input in = {NULL, len ? text : "", len};
    return pb__reports_import_input(r, &in, name, opt, result);
}
