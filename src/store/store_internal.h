/* store_internal.h — what other library modules need of the store (internal). */
#ifndef PB_STORE_INTERNAL_H
#define PB_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>

#include "core/diag.h"
#include "store/db.h"
#include "store/facts.h"
#include "payband/money.h"
#include "payband/store.h"

/* The store's database connection (borrowed): what the modules query
 * through (store/db.h). */
pb__db *pb__store_conn(pb_store *store);
/* The SQLite handle of a SQLite store (borrowed), for the modules that have
 * not yet moved to pb__store_conn; NULL for other backends. */
sqlite3 *pb__store_db(pb_store *store);
/* A text column as a new string (NULL for SQL NULL); sets *oom when the copy
 * fails, so that callers tell "no value" from "no memory". */
char *pb__col_dup(sqlite3_stmt *st, int col, bool *oom);
/* A 'YYYY-MM-DD' column as a date, PB_DATE_NONE for NULL or a bad value. */
pb_date pb__col_date(sqlite3_stmt *st, int col);
/* The handle's message buffer, for modules that report through the store. */
pb__diag *pb__store_diag(pb_store *store);

/* Pieces of the store that its rate table (store/rates.c) shares: prepare a
 * statement, step it to the end (reset for reuse), bind a date (NULL for
 * none), report the connection's error, open and end a write transaction
 * (opening one drops the cached rate table), find or make a user source row,
 * and the cached rate table itself. */
pb_status pb__store_prepare(pb_store *store, const char *sql, sqlite3_stmt **st);
pb_status pb__store_step(pb_store *store, sqlite3_stmt *st, const char *what);
void pb__store_bind_date(sqlite3_stmt *st, int i, pb_date date);
pb_status pb__store_db_error(pb_store *store, const char *what);
pb_status pb__store_begin(pb_store *store);
pb_status pb__store_finish(pb_store *store, pb_status rc);
pb_status pb__store_source_row(pb_store *store, const char *key, const char *title,
                               const char *file, pb_date as_of, sqlite3_int64 *id);
pb_fx **pb__store_fx_cache(pb_store *store);
/* PRAGMA data_version when the cached rates were loaded (pb_store_fx). */
int *pb__store_fx_version(pb_store *store);
/* PRAGMA data_version of the handle: it changes when another connection
 * commits (-1 when it cannot be read). */
int pb__store_pragma_data_version(pb_store *store);

/* Write every fact of one source document in a single BEGIN IMMEDIATE
 * transaction, first deleting what the same source key gave before (so a
 * re-import replaces, never duplicates). On failure nothing changes. */
pb_status pb__store_replace_facts(pb_store *store, const pb__facts *facts);

/* Remove a source and all its facts. PB_ERR_NOT_FOUND if there is none. */
pb_status pb__store_remove_source(pb_store *store, const char *key);

/* The latest facts (by as_of) the store holds about a company. */
struct pb__stored_company_facts {
    char stage[16];         /* seed ... public */
    bool has_valuation;
    pb_money valuation;     /* last-round post-money, when has_valuation */
    pb_date as_of;
    double volatility_pct;  /* negative when not given */
    char *note;             /* may be NULL */
    long line;              /* 0 when not given */
    char *source;           /* the source's key */
};

/* Look up the facts of company `slug`, the one with the latest as_of (the
 * last written among equals). PB_ERR_NOT_FOUND when there are none. On
 * success release the strings with pb__store_company_facts_release. */
pb_status pb__store_company_facts(pb_store *store, const char *slug,
                                  struct pb__stored_company_facts *out);
void pb__store_company_facts_release(struct pb__stored_company_facts *facts);

/* The built-in dataset's version (newest migration * 1000 + the dataset's
 * own number) and, in `hash`, the FNV-1a hash of the embedded data/ files:
 * what meta 'builtin_version' and 'builtin_hash' hold once it is loaded. */
long long pb__store_builtin_version(char hash[17]);

#endif
