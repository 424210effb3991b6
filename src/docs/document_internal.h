/* document_internal.h — what the public face of the documents (document.c)
 * and the claim checker (check.c) share, and what tests and fuzz targets
 * look into (internal).
 *
 * The handle and the reader table are in reader.h, the claims in claims.h;
 * check.c recomputes every claim into a finding. */
#ifndef PB_DOCUMENT_INTERNAL_H
#define PB_DOCUMENT_INTERNAL_H

#include <jansson.h>

#include "docs/claims.h"
#include "docs/reader.h"
#include "payband/date.h"
#include "payband/document.h"

/* A dated rate lookup for the checker: 1 `from` = *rate `to`. */
typedef pb_status (*pb__rate_fn)(void *ctx, const char *from, const char *to, pb_date on,
                                 double *rate, pb_date *rate_date);

/* Recompute every claim of the document; a JSON array of findings. `rate`
 * may be NULL (no dated rates known); `as_of` is the date rates are looked
 * up on when the document states none. */
pb_status pb__check_claims(struct pb_document *doc, pb_date as_of, pb__rate_fn rate,
                           void *rate_ctx, json_t **findings);

#endif
