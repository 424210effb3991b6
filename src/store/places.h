/* places.h — company aliases and places (internal): the facts-file sections
 * `company_aliases` and `regions`, their tables in the store, and the one
 * normalisation of names that both the store and the report reader use. */
#ifndef PB_PLACES_H
#define PB_PLACES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/yamlutil.h"
#include "store/db.h"
#include "store/facts.h"

/* The key of a name: ASCII letters and digits lower-cased, other UTF-8
 * characters kept, and every run of spaces (also non-breaking and other
 * Unicode spaces), punctuation and invalid bytes turned into one '-' between
 * words: "\u00a0GOogle" -> "google", "Facebook, Inc." -> "facebook-inc",
 * "São Paulo" -> "são-paulo". False (out set to "") when it does not fit in
 * cap bytes; an empty key means the name had no letters or digits. */
bool pb__name_key(char *out, size_t cap, const char *text, size_t n);

/* Read the top-level `company_aliases` and `regions` lists of a facts file
 * into `facts` (companies must be read first: an alias names a declared
 * company). */
pb_status pb__dataset_read_places(pb__yaml *y, yaml_node_t *root, pb__facts *facts,
                                  pb__diag *diag);

/* Write a document's aliases and places inside the caller's transaction;
 * `company_id` gives the id of a declared company slug. Messages go to the
 * connection's diag. */
pb_status pb__store_write_places(pb__db *db, const pb__facts *facts, int64_t source,
                                 pb_status (*company_id)(void *ctx, const char *slug,
                                                         int64_t *id),
                                 void *ctx);

/* Free the aliases and places of a facts value (called by pb__facts_free). */
void pb__places_release(pb__facts *facts);

#endif
