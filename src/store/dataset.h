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

#endif
