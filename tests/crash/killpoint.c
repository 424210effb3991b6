/* killpoint.c — the payband tool with a kill switch, for the crash tests
 * (tests/crash/run_crash.py): `payband-killpoint KIND N PAYBAND-ARGS...` runs
 * the tool's own main (cli/main.c, linked with libpayband-test.a) and
 * stops the process with SIGKILL at an exact, repeatable point:
 *
 *   alloc N   just before payband's allocation number N (pb__alloc_on_count)
 *   step N    at SQLite's Nth progress callback, one per virtual-machine
 *             instruction of every statement (sqlite3_progress_handler)
 *   io N      just before the Nth write, truncate or sync any SQLite file
 *             of the process receives (a VFS that wraps the default one)
 *   count 0   no kill: run to the end and print "killpoint: alloc=A step=S
 *             io=I" on stderr, the totals the other kinds choose N from
 *
 * The point comes from the command line, not the environment. */
#include <limits.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"

int pb_cli_main(int argc, char **argv); /* cli/main.c, compiled -Dmain=pb_cli_main */

enum kind { KIND_COUNT, KIND_ALLOC, KIND_STEP, KIND_IO };

static enum kind kind;
static unsigned long target;
static unsigned long steps, ios;

static void die(void)
{
    kill(getpid(), SIGKILL);
    _exit(137); /* not reached */
}

static void on_alloc(void *arg)
{
    (void)arg;
    die();
}

static int on_step(void *arg)
{
    (void)arg;
    ++steps;
    if (kind == KIND_STEP && steps == target)
        die();
    return 0;
}

static int hook_connection(sqlite3 *db, char **err, const sqlite3_api_routines *api)
{
    (void)err;
    (void)api;
    sqlite3_progress_handler(db, 1, on_step, NULL);
    return SQLITE_OK;
}

/* ---- a VFS that counts writes, truncates and syncs ----------------------- */

struct kfile {
    sqlite3_file base;  /* pMethods = &kmethods */
    sqlite3_file *real; /* the wrapped VFS's file, allocated right after */
};

static sqlite3_vfs *real_vfs;
static sqlite3_io_methods kmethods;

static void io_point(void)
{
    ++ios;
    if (kind == KIND_IO && ios == target)
        die();
}

#define REAL(f) (((struct kfile *)(f))->real)

static int k_close(sqlite3_file *f)
{
    return REAL(f)->pMethods->xClose(REAL(f));
}
static int k_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
    return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}
static int k_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
    io_point();
    return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}
static int k_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    io_point();
    return REAL(f)->pMethods->xTruncate(REAL(f), size);
}
static int k_sync(sqlite3_file *f, int flags)
{
    io_point();
    return REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int k_size(sqlite3_file *f, sqlite3_int64 *size)
{
    return REAL(f)->pMethods->xFileSize(REAL(f), size);
}
static int k_lock(sqlite3_file *f, int level)
{
    return REAL(f)->pMethods->xLock(REAL(f), level);
}
static int k_unlock(sqlite3_file *f, int level)
{
    return REAL(f)->pMethods->xUnlock(REAL(f), level);
}
static int k_check_lock(sqlite3_file *f, int *out)
{
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}
static int k_control(sqlite3_file *f, int op, void *arg)
{
    return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int k_sector(sqlite3_file *f)
{
    return REAL(f)->pMethods->xSectorSize(REAL(f));
}
static int k_device(sqlite3_file *f)
{
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}
static int k_shm_map(sqlite3_file *f, int page, int size, int extend, void volatile **out)
{
    return REAL(f)->pMethods->xShmMap(REAL(f), page, size, extend, out);
}
static int k_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
    return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}
static void k_shm_barrier(sqlite3_file *f)
{
    REAL(f)->pMethods->xShmBarrier(REAL(f));
}
static int k_shm_unmap(sqlite3_file *f, int del)
{
    return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}
static int k_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **out)
{
    return REAL(f)->pMethods->xFetch(REAL(f), off, n, out);
}
static int k_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
    return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static int k_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out)
{
    struct kfile *k = (struct kfile *)file;
    k->real = (sqlite3_file *)(k + 1);
    k->base.pMethods = NULL;
    int rc = real_vfs->xOpen(real_vfs, name, k->real, flags, out);
    (void)vfs;
    if (rc == SQLITE_OK && k->real->pMethods) {
        kmethods.iVersion = k->real->pMethods->iVersion < 3 ? k->real->pMethods->iVersion : 3;
        k->base.pMethods = &kmethods;
    }
    return rc;
}

static int k_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
    (void)vfs;
    io_point();
    return real_vfs->xDelete(real_vfs, name, sync_dir);
}

static sqlite3_io_methods kmethods = {
    3,         k_close,     k_read,      k_write,         k_truncate,  k_sync,
    k_size,    k_lock,      k_unlock,    k_check_lock,    k_control,   k_sector,
    k_device,  k_shm_map,   k_shm_lock,  k_shm_barrier,   k_shm_unmap, k_fetch,
    k_unfetch,
};

static sqlite3_vfs kvfs;

static int install_vfs(void)
{
    real_vfs = sqlite3_vfs_find(NULL);
    if (!real_vfs)
        return -1;
    kvfs = *real_vfs;
    kvfs.szOsFile = (int)sizeof(struct kfile) + real_vfs->szOsFile;
    kvfs.zName = "killpoint";
    kvfs.pNext = NULL;
    kvfs.xOpen = k_open;
    kvfs.xDelete = k_delete;
    /* the rest (access, full path, randomness, time ...) are the real VFS's,
     * called with our vfs pointer: the unix VFS ignores it for those */
    kvfs.pAppData = real_vfs->pAppData;
    return sqlite3_vfs_register(&kvfs, 1) == SQLITE_OK ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: payband-killpoint alloc|step|io|count N PAYBAND-ARGS...\n");
        return 2;
    }
    if (strcmp(argv[1], "alloc") == 0)
        kind = KIND_ALLOC;
    else if (strcmp(argv[1], "step") == 0)
        kind = KIND_STEP;
    else if (strcmp(argv[1], "io") == 0)
        kind = KIND_IO;
    else if (strcmp(argv[1], "count") == 0)
        kind = KIND_COUNT;
    else {
        fprintf(stderr, "payband-killpoint: unknown kind '%s'\n", argv[1]);
        return 2;
    }
    char *end;
    target = strtoul(argv[2], &end, 10);
    if (*end || (kind != KIND_COUNT && target == 0)) {
        fprintf(stderr, "payband-killpoint: bad count '%s'\n", argv[2]);
        return 2;
    }
    if (install_vfs() != 0 ||
        sqlite3_auto_extension((void (*)(void))hook_connection) != SQLITE_OK) {
        fprintf(stderr, "payband-killpoint: cannot hook SQLite\n");
        return 2;
    }
    if (kind == KIND_ALLOC)
        pb__alloc_on_count(target, on_alloc, NULL);
    else
        pb__alloc_fail_only(ULONG_MAX); /* counts, never fails */
    argv[2] = argv[0];
    int rc = pb_cli_main(argc - 2, argv + 2);
    if (kind == KIND_COUNT)
        fprintf(stderr, "killpoint: alloc=%lu step=%lu io=%lu\n", pb__alloc_count(), steps, ios);
    return rc;
}
