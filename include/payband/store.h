/* store.h — the payband database: companies, roles, regions, bands, relative
 * bands, level equivalences, exchange rates and the sources behind each fact.
 *
 * SQLite (one file, WAL, foreign keys on) or PostgreSQL (a postgresql:// URI),
 * a versioned schema migrated on open. Every import is one transaction: all
 * of a file or none of it. */
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
    PB_STORE_CREATE = 1 << 1,     /* fail (PB_ERR_USAGE) unless this open creates the store:
                                     the database holds no payband store yet (an empty
                                     PostgreSQL database counts as new) */
};

/* Open (creating if needed) the database at `path`, apply migrations and, on
 * first use unless PB_STORE_NO_BUILTIN, load the built-in dataset. Like
 * sqlite3_open, *out is set whenever memory allows, also on failure, so the
 * message can be read with pb_store_errmsg; close it either way. */
pb_status pb_store_open(const char *path, unsigned flags, pb_store **out);
void pb_store_close(pb_store *store);
/* The detailed message of the last failure on this handle. */
const char *pb_store_errmsg(const pb_store *store);
/* `target` (a path or a postgresql:// URI) as it may be shown to a person or
 * a log: a password, as user:PASSWORD@ or password=PASSWORD, becomes "***".
 * `out` (size bytes) is always terminated, cut when too small. */
void pb_store_target_shown(const char *target, char *out, size_t size);

/* Import a facts file in payband's dataset format (see docs/dataset.md). */
pb_status pb_store_import_facts(pb_store *store, const char *path);
/* The same from memory; `name` stands for the file in messages. */
pb_status pb_store_import_facts_text(pb_store *store, const char *name, const char *text,
                                     size_t len);
/* Import an ECB reference-rate history CSV into the rate table. */
pb_status pb_store_import_rates(pb_store *store, const char *path, size_t *imported);
/* Add one dated exchange rate, 1 base = rate quote, under the source key
 * `source` (made a source when new). Refused: an unknown currency
 * (PB_ERR_CURRENCY), the same currency twice (PB_ERR_USAGE), a rate outside
 * [PB_FX_RATE_MIN, PB_FX_RATE_MAX] (PB_ERR_RANGE), and a rate that
 * contradicts the rates the store holds for that pair and day by more than
 * PB_FX_TOLERANCE_PCT percent (PB_ERR_RANGE, the message naming both; see
 * pb_fx_check). */
pb_status pb_store_add_rate(pb_store *store, pb_date date, const char *base, const char *quote,
                            double rate, const char *source);
/* Flags for pb_store_set_rate. */
enum {
    /* Replace instead of refusing a contradiction: the rates of the pair
     * for that day, either way round and from any source, are removed
     * first (a built-in rate returns when the built-in dataset is next
     * refreshed by a new payband). */
    PB_STORE_RATE_REPLACE = 1 << 0,
};
/* pb_store_add_rate with flags. */
pb_status pb_store_set_rate(pb_store *store, pb_date date, const char *base, const char *quote,
                            double rate, const char *source, unsigned flags);
/* One stored rate, as pb_store_list_rates gives it: 1 base = rate quote on
 * `date`, from the source whose key is `source` (borrowed for the call). */
typedef struct pb_stored_rate {
    pb_date date;
    char base[4], quote[4];
    double rate;
    const char *source;
    int builtin; /* from the built-in dataset */
} pb_stored_rate;
/* Which stored rates to list; NULL fields (PB_DATE_NONE) match all. A
 * currency matches the rate as it is stored: base and quote are not swapped. */
typedef struct pb_rate_filter {
    const char *base, *quote;
    pb_date since; /* on or after */
} pb_rate_filter;
/* Calls `each` for every stored rate matching `filter` (NULL: all), by date,
 * then base, quote and source; stops on a non-OK status and returns it. */
pb_status pb_store_list_rates(pb_store *store, const pb_rate_filter *filter,
                              pb_status (*each)(void *ctx, const pb_stored_rate *rate),
                              void *ctx);
/* Delete the stored rates of base/quote (as stored, not swapped) on `date`,
 * from the source `source` or, when it is NULL, from every source;
 * *deleted (may be NULL) gets how many. PB_ERR_NOT_FOUND when none. */
pb_status pb_store_delete_rate(pb_store *store, pb_date date, const char *base,
                               const char *quote, const char *source, size_t *deleted);
/* A number that changes whenever a write has been committed to the
 * database since the last call, through this handle or any other (another
 * thread's, another process's): for caches of query results. */
pb_status pb_store_data_version(pb_store *store, uint64_t *version);
/* The store's exchange rates, loaded on first use and owned by the store
 * (dropped by the next write; loaded again when another connection —
 * another thread's handle, another process — has written to the database
 * since; the table is valid until the next call on the store). A stored
 * rate the table refuses (a rate of a currency against itself or out of
 * range, written by an older payband) is an error naming it and how to
 * delete it. */
pb_status pb_store_fx(pb_store *store, pb_fx **fx);

#endif
