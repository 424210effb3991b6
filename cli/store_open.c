/* store_open.c — finding and opening the user's database for a command, and
 * the options every store-reading command shares. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

const char *cli_global_db;
pb_date cli_today = PB_DATE_NONE;

int cli_read_today(void)
{
    const char *fixed = getenv("PAYBAND_TODAY");
    cli_today = pb_date_today();
    if (fixed && *fixed && pb_date_parse(fixed, &cli_today) != PB_OK) {
        fprintf(stderr, "payband: error: PAYBAND_TODAY must be a date YYYY-MM-DD, not '%s'\n",
                fixed);
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

/* mkdir -p for the directory part of `path`. */
static int make_parent_dirs(const char *path)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return -1;
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0700) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return 0;
}

/* The path, and whether it is payband's own default (whose directory payband
 * may create) rather than one the user named. */
static const char *db_path(const char *db_option, char *buf, size_t cap, bool *is_default)
{
    *is_default = false;
    if (db_option)
        return db_option;
    if (cli_global_db)
        return cli_global_db;
    const char *env = getenv("PAYBAND_DB");
    if (env && *env)
        return env;
    *is_default = true;
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    int n = xdg && *xdg ? snprintf(buf, cap, "%s/payband/payband.db", xdg)
                        : snprintf(buf, cap, "%s/.local/share/payband/payband.db",
                                   home ? home : ".");
    if (n < 0 || (size_t)n >= cap) {
        cli_fail("the default database path is too long; set PAYBAND_DB or use --db");
        return NULL;
    }
    return buf;
}

const char *cli_db_path(const char *db_option, char *buf, size_t cap)
{
    bool is_default;
    return db_path(db_option, buf, cap, &is_default);
}

/* A PostgreSQL URI (postgresql://, postgres://) names a server's database,
 * not a file. */
static bool is_uri(const char *path)
{
    return strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0;
}

/* A path the user named must be in a directory that exists: a typo in --db
 * must not leave a tree of new directories behind. */
static bool parent_exists(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash)
        return true; /* the current directory */
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    if (n >= sizeof dir) {
        cli_fail("%s: path too long", path);
        return false;
    }
    memcpy(dir, path, n);
    dir[n] = '\0';
    struct stat sb;
    if (stat(dir, &sb) != 0) {
        cli_fail("%s: directory %s does not exist; create it first",
                 path, dir);
        return false;
    }
    if (!S_ISDIR(sb.st_mode)) {
        cli_fail("%s: %s is not a directory", path, dir);
        return false;
    }
    return true;
}

pb_store *cli_open_store_flags(const char *db_option, unsigned flags)
{
    char buf[4096];
    bool is_default;
    const char *path = db_path(db_option, buf, sizeof buf, &is_default);
    if (!path)
        return NULL;
    if (!is_default && !is_uri(path) && !parent_exists(path))
        return NULL;
    if (is_default && make_parent_dirs(path) != 0) {
        cli_fail("%s: cannot create its directory: %s", path, strerror(errno));
        return NULL;
    }
    pb_store *store = NULL;
    pb_status rc = pb_store_open(path, flags, &store);
    if (rc != PB_OK) {
        cli_fail("%s", pb_store_errmsg(store));
        pb_store_close(store);
        return NULL;
    }
    return store;
}

pb_store *cli_open_store(const char *db_option)
{
    return cli_open_store_flags(db_option, 0);
}

int cli_common_option(const char *command, int opt, const char *arg, struct cli_common *common)
{
    switch (opt) {
    case CLI_OPT_DB:
        common->db = arg;
        return 0;
    case CLI_OPT_FORMAT:
        if (!cli_parse_format(arg, &common->format))
            return cli_usage_error(command, "unknown format '%s' (table, json or csv)", arg);
        return 0;
    case CLI_OPT_WIDE:
        cli_wide = true;
        return 0;
    case CLI_OPT_HELP: {
        const struct cli_command *c = cli_find_command(command);
        if (c)
            cli_print_command_help(c, stdout);
        return -1;
    }
    case ':':
        return cli_usage_error(command, "option '%s' needs a value", cli_last_option);
    default:
        return cli_usage_error(command, "unknown option '%s'", cli_last_option);
    }
}

const char *cli_last_option = "";

int cli_getopt(int argc, char **argv, const struct option *options)
{
    opterr = 0;
    int idx = 0;
    int c = getopt_long(argc, argv, ":", options, &idx);
    if ((c == '?' || c == ':') && optind > 0 && optind <= argc)
        cli_last_option = argv[optind - 1];
    return c;
}
