/* test_builtin_version.c — the built-in dataset's version: the data's hash
 * is pinned to DATASET_VERSION (so that two releases with different data
 * never share a version), an open reloads a dataset older than its own, and
 * never one that a newer payband loaded (two versions during a rolling
 * deploy do not reload theirs back and forth). */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "testdb.h"

/* The dataset version (store.c's DATASET_VERSION) and the hash of data/
 * it stands for. */
#define PINNED_DATASET_VERSION 1
#define PINNED_HASH "5ab4159ccb00b0e8"

Test(builtin_version, the_version_pins_the_data)
{
    char hash[17];
    long long version = pb__store_builtin_version(hash);
    cr_expect_eq(version % 1000, PINNED_DATASET_VERSION,
                 "DATASET_VERSION changed: pin its data's hash (%s) here", hash);
    cr_expect_str_eq(hash, PINNED_HASH,
                     "data/ changed: raise DATASET_VERSION in src/store/store.c and pin the "
                     "new hash here (PINNED_DATASET_VERSION %lld, PINNED_HASH \"%s\")",
                     version % 1000 + 1, hash);
    cr_expect_geq(version / 1000, 5, "the newest migration is part of the version");
}

TEST_DB_SUITE(builtin_version);

static void set_meta(pb_store *s, const char *key, const char *value)
{
    char sql[200];
    snprintf(sql, sizeof sql, "UPDATE meta SET value = '%s' WHERE key = '%s'", value, key);
    cr_assert_eq(pb__sql_exec(pb__store_conn(s), sql), PB_OK, "%s", pb_store_errmsg(s));
}

Test(builtin_version, a_first_open_records_the_version_beside_the_hash)
{
    store = test_db_open(&db, 0);
    char hash[17], want[24];
    snprintf(want, sizeof want, "%lld", pb__store_builtin_version(hash));
    char *have = test_db_text(store, "SELECT value FROM meta WHERE key = 'builtin_version'");
    cr_expect_str_eq(have, want);
    free(have);
    have = test_db_text(store, "SELECT value FROM meta WHERE key = 'builtin_hash'");
    cr_expect_str_eq(have, hash);
    free(have);
}

Test(builtin_version, a_dataset_of_a_newer_payband_is_left_alone)
{
    store = test_db_open(&db, 0);
    char hash[17], newer[24];
    snprintf(newer, sizeof newer, "%lld", pb__store_builtin_version(hash) + 1);
    set_meta(store, "builtin_version", newer);
    set_meta(store, "builtin_hash", "0123456789abcdef");
    cr_assert_eq(pb__sql_exec(pb__store_conn(store), "DELETE FROM band"), PB_OK);
    pb_store_close(store);
    store = test_db_open(&db, 0);
    cr_expect_eq(test_db_int(store, "SELECT count(*) FROM band"), 0,
                 "an older payband reloaded a newer one's dataset");
    char *have = test_db_text(store, "SELECT value FROM meta WHERE key = 'builtin_hash'");
    cr_expect_str_eq(have, "0123456789abcdef");
    free(have);
}

Test(builtin_version, an_older_dataset_is_replaced)
{
    store = test_db_open(&db, 0);
    long long bands = test_db_int(store, "SELECT count(*) FROM band");
    set_meta(store, "builtin_version", "1");
    cr_assert_eq(pb__sql_exec(pb__store_conn(store), "DELETE FROM band"), PB_OK);
    pb_store_close(store);
    store = test_db_open(&db, 0);
    cr_expect_eq(test_db_int(store, "SELECT count(*) FROM band"), bands);
    char hash[17], want[24];
    snprintf(want, sizeof want, "%lld", pb__store_builtin_version(hash));
    char *have = test_db_text(store, "SELECT value FROM meta WHERE key = 'builtin_version'");
    cr_expect_str_eq(have, want);
    free(have);
}

/* A database of a payband from before versions: a hash and no version. */
Test(builtin_version, a_database_without_a_version_is_brought_up_to_date)
{
    store = test_db_open(&db, 0);
    cr_assert_eq(pb__sql_exec(pb__store_conn(store),
                              "DELETE FROM meta WHERE key = 'builtin_version'"),
                 PB_OK);
    pb_store_close(store);
    store = test_db_open(&db, 0);
    cr_expect_eq(test_db_int(store, "SELECT count(*) FROM meta WHERE key = 'builtin_version'"),
                 1);
}
