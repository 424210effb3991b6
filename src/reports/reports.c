/* reports.c — the pb_reports handle: the store it works on, its message,
 * and the cache of prepared statements the query path reuses. */
#include <string.h>

#include "core/alloc.h"
#include "store/store_internal.h"
#include "reports/reports_internal.h"

pb_status pb_reports_open(pb_store *store, pb_reports **out)
{
    pb_reports *r = pb__calloc(1, sizeof *r);
    *out = r;
    if (!r)
        return PB_ERR_NOMEM;
    r->store = store;
    r->db = pb__store_db(store);
    return PB_OK;
}

void pb_reports_close(pb_reports *r)
{
    if (!r)
        return;
    for (int i = 0; i < PB__STMT_COUNT; i++)
        sqlite3_finalize(r->stmt[i]);
    pb__refdata_release(&r->ref);
    pb__strmap_clear(&r->names);
    pb__free(r->resolved);
    pb__free(r);
}

const char *pb_reports_errmsg(const pb_reports *r)
{
    return r ? r->diag.msg : "out of memory";
}

pb_status pb__reports_db_error(pb_reports *r, const char *what)
{
    return pb__diag_set(&r->diag, PB_ERR_DB, NULL, 0, "%s: %s", what, sqlite3_errmsg(r->db));
}

pb_status pb__reports_stmt(pb_reports *r, int slot, const char *sql, sqlite3_stmt **out)
{
    if (!r->stmt[slot] &&
        sqlite3_prepare_v3(r->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &r->stmt[slot], NULL) !=
            SQLITE_OK)
        return pb__reports_db_error(r, "prepare");
    sqlite3_reset(r->stmt[slot]);
    sqlite3_clear_bindings(r->stmt[slot]);
    *out = r->stmt[slot];
    return PB_OK;
}

pb_status pb__reports_refdata(pb_reports *r, const pb__refdata **out)
{
    if (!r->ref_loaded) {
        pb_status rc = pb__refdata_load(&r->ref, r->db, &r->diag);
        if (rc != PB_OK)
            return rc;
        r->ref_loaded = true;
    }
    *out = &r->ref;
    return PB_OK;
}
