/* dataset.h — payband's own facts format (internal): the YAML files of the
 * built-in dataset in data/ and of `payband import-facts`. See docs/dataset.md. */
#ifndef PB_DATASET_H
#define PB_DATASET_H

#include <stddef.h>

#include "core/diag.h"
#include "store/facts.h"

/* Parse one facts document. `name` is used in "name:line:" messages. */
pb_status pb__dataset_parse(const char *name, const char *text, size_t len, pb__facts **out,
                            pb__diag *diag);

/* One spelling of a facts file's `document_companies` or `document_regions`
 * and what it means: a company's slug and display name (region NULL), or a
 * region's name (company and display NULL). Returns PB_OK, or PB_ERR_NOMEM
 * when out of memory. */
typedef pb_status (*pb__written_name_fn)(void *arg, const char *written, const char *company,
                                         const char *display, const char *region);

/* Parse one facts document as pb__dataset_parse does and hand each spelling
 * of its `document_companies` and `document_regions` to `fn`, in file order
 * (the document readers' dictionary; see docs/dataset.md). */
pb_status pb__dataset_written_names(const char *name, const char *text, size_t len,
                                    pb__written_name_fn fn, void *arg, pb__diag *diag);

#endif
