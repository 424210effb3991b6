/* store_internal.h — what other library modules need of the store (internal). */
#ifndef PB_STORE_INTERNAL_H
#define PB_STORE_INTERNAL_H

#include <sqlite3.h>

#include "diag.h"
#include "facts.h"
#include "payband/store.h"

/* The open SQLite connection (borrowed). */
sqlite3 *pb__store_db(pb_store *store);
/* The handle's message buffer, for modules that report through the store. */
pb__diag *pb__store_diag(pb_store *store);

/* Write every fact of one source document in a single BEGIN IMMEDIATE
 * transaction, first deleting what the same source key gave before (so a
 * re-import replaces, never duplicates). On failure nothing changes. */
pb_status pb__store_replace_facts(pb_store *store, const pb__facts *facts);

/* Remove a source and all its facts. PB_ERR_NOT_FOUND if there is none. */
pb_status pb__store_remove_source(pb_store *store, const char *key);

#endif
