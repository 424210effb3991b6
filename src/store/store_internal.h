/* store_internal.h — what other library modules need of the store (internal). */
#ifndef PB_STORE_INTERNAL_H
#define PB_STORE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/diag.h"
#include "store/db.h"
#include "store/facts.h"
#include "payband/money.h"
#include "payband/store.h"

/* The store's database connection (borrowed): what the modules query
 * through (store/db.h). */
pb__db *pb__store_conn(pb_store *store);
/* The handle's message buffer, for modules that report through the store. */
pb__diag *pb__store_diag(pb_store *store);

/* Run `body(ctx)` as one write transaction of the store
 * (pb__sql_transaction, PB__TX_WRITE): the cached rate table is dropped, and
 * a conflict with another writer is retried, so `body` may run more than
 * once and must start from nothing each time. On failure nothing of it
 * remains. */
pb_status pb__store_write(pb_store *store, pb_status (*body)(void *ctx), void *ctx);
/* Inside a write: find the user source row `key`, or make it (a `dataset`
 * source titled `title`, read from `file`, as of `as_of`). */
pb_status pb__store_source_row(pb_store *store, const char *key, const char *title,
                               const char *file, pb_date as_of, int64_t *id);
/* The cached rate table (pb_store_fx) and the data version it was loaded
 * at. */
pb_fx **pb__store_fx_cache(pb_store *store);
int64_t *pb__store_fx_version(pb_store *store);
/* The one handle a subsystem above the store keeps with it (the reports
 * handle of pb_reports_of): NULL until kept; pb_store_close calls `close`
 * on it before the connection closes. The store never looks inside. */
void *pb__store_companion(pb_store *store);
void pb__store_keep_companion(pb_store *store, void *companion, void (*close)(void *companion));
/* The connection's data version (pb__db_ops.data_version): it changes when
 * any connection commits a write (-1 when it cannot be read). */
int64_t pb__store_pragma_data_version(pb_store *store);

/* Write every fact of one source document in a single write transaction,
 * first deleting what the same source key gave before (so a re-import
 * replaces, never duplicates). On failure nothing changes. */
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
