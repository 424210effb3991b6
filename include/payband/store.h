/* store.h — the payband database: companies, roles, regions, bands, relative
 * bands, level equivalences, exchange rates and the sources behind each fact.
 *
 * SQLite, one file, WAL, foreign keys on, a versioned schema migrated on open.
 * Every import is one transaction: all of a file or none of it. */
#ifndef PAYBAND_STORE_H
#define PAYBAND_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "payband/fx.h"
#include "payband/status.h"

typedef struct pb_store pb_store;

/* Flags for pb_store_open. */
enum {
    PB_STORE_NO_BUILTIN = 1 << 0, /* never load the built-in dataset into this database */
};

/* Open (creating if needed) the database at `path`, apply migrations and, on
 * first use unless PB_STORE_NO_BUILTIN, load the built-in dataset. Like
 * sqlite3_open, *out is set whenever memory allows, also on failure, so the
 * message can be read with pb_store_errmsg; close it either way. */
pb_status pb_store_open(const char *path, unsigned flags, pb_store **out);
void pb_store_close(pb_store *store);
/* The detailed message of the last failure on this handle. */
const char *pb_store_errmsg(const pb_store *store);

/* Import a facts file in payband's dataset format (see docs/dataset.md). */
pb_status pb_store_import_facts(pb_store *store, const char *path);
/* The same from memory; `name` stands for the file in messages. */
pb_status pb_store_import_facts_text(pb_store *store, const char *name, const char *text,
                                     size_t len);
/* Import an ECB reference-rate history CSV into the rate table. */
pb_status pb_store_import_rates(pb_store *store, const char *path, size_t *imported);
/* Add one dated exchange rate. */
pb_status pb_store_add_rate(pb_store *store, pb_date date, const char *base, const char *quote,
                            double rate, const char *source);
/* A number that changes whenever a write has been committed to the
 * database since the last call, through this handle or any other (another
 * thread's, another process's): for caches of query results. */
pb_status pb_store_data_version(pb_store *store, uint64_t *version);
/* The store's exchange rates, loaded on first use and owned by the store;
 * loaded again when another connection (another thread's handle, another
 * process) has written to the database since. The table is valid until the
 * next call on the store. */
pb_status pb_store_fx(pb_store *store, pb_fx **fx);

#endif
