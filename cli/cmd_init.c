/* cmd_init.c — `payband init [--empty]` and `payband import-facts FILE...`:
 * creating a database and loading facts files in payband's own format. */
#include <stdio.h>
#include <sys/stat.h>

#include "cli.h"
#include "commands.h"

const struct option cli_init_options[] = {
    {"empty", no_argument, 0, 'e'},         {"db", required_argument, 0, CLI_OPT_DB},
    {"help", no_argument, 0, CLI_OPT_HELP}, {0, 0, 0, 0},
};

const struct option cli_import_facts_options[] = {
    {"db", required_argument, 0, CLI_OPT_DB},
    {"help", no_argument, 0, CLI_OPT_HELP},
    {0, 0, 0, 0},
};

int cmd_init(int argc, char **argv)
{
    struct cli_common common = {0};
    bool empty = false;
    int c, rc;
    while ((c = cli_getopt(argc, argv, cli_init_options)) != -1) {
        if (c == 'e')
            empty = true;
        else if ((rc = cli_common_option("init", c, optarg, &common)) != 0)
            return rc < 0 ? CLI_EXIT_OK : rc;
    }
    if (optind < argc)
        return cli_usage_error("init", "unexpected argument '%s'", argv[optind]);
    char buf[4096];
    const char *path = cli_db_path(common.db, buf, sizeof buf);
    if (!path)
        return CLI_EXIT_FAIL;
    /* a file of any kind is in the way; a PostgreSQL database may exist
     * already, empty (the store says when it holds a payband store) */
    struct stat sb;
    if (stat(path, &sb) == 0)
        return cli_fail("%s: a database already exists there", path);
    pb_store *store =
        cli_open_store_flags(common.db, PB_STORE_CREATE | (empty ? PB_STORE_NO_BUILTIN : 0));
    if (!store)
        return CLI_EXIT_FAIL;
    pb_store_close(store);
    char shown[sizeof buf];
    pb_store_target_shown(path, shown, sizeof shown);
    printf("created %s %s\n", shown, empty ? "(empty)" : "with the built-in dataset");
    return CLI_EXIT_OK;
}

int cmd_import_facts(int argc, char **argv)
{
    struct cli_common common = {0};
    int c, rc;
    while ((c = cli_getopt(argc, argv, cli_import_facts_options)) != -1)
        if ((rc = cli_common_option("import-facts", c, optarg, &common)) != 0)
            return rc < 0 ? CLI_EXIT_OK : rc;
    if (optind >= argc)
        return cli_usage_error("import-facts", "no file given");
    pb_store *store = cli_open_store(common.db);
    if (!store)
        return CLI_EXIT_FAIL;
    rc = CLI_EXIT_OK;
    for (int i = optind; i < argc; i++) {
        if (pb_store_import_facts(store, argv[i]) != PB_OK) {
            rc = cli_fail("%s", pb_store_errmsg(store));
            break;
        }
        printf("imported %s\n", argv[i]);
    }
    pb_store_close(store);
    return rc;
}
