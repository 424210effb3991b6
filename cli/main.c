/* main.c — entry point of the payband tool: global options, then dispatch
 * through the command table. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int main(int argc, char **argv)
{
    int i = 1;
    while (i < argc && argv[i][0] == '-') {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            cli_global_db = argv[i + 1];
            i += 2;
        } else if (strncmp(argv[i], "--db=", 5) == 0) {
            cli_global_db = argv[i] + 5;
            i++;
        } else if (strcmp(argv[i], "--db") == 0) {
            fprintf(stderr, "payband: error: option '--db' needs a value\n");
            cli_print_main_help(stderr);
            return CLI_EXIT_USAGE;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            cli_print_main_help(stdout);
            return CLI_EXIT_OK;
        } else if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0) {
            printf("payband %s\n", CLI_VERSION);
            return CLI_EXIT_OK;
        } else {
            fprintf(stderr, "payband: error: unknown option '%s'\n", argv[i]);
            cli_print_main_help(stderr);
            return CLI_EXIT_USAGE;
        }
    }
    if (i >= argc) {
        fprintf(stderr, "payband: error: no command given\n");
        cli_print_main_help(stderr);
        return CLI_EXIT_USAGE;
    }
    const struct cli_command *c = cli_find_command(argv[i]);
    if (c) {
        int rc = cli_read_today();
        return rc != CLI_EXIT_OK ? rc : c->run(argc - i, argv + i);
    }
    fprintf(stderr, "payband: error: unknown command '%s'\n", argv[i]);
    cli_print_main_help(stderr);
    return CLI_EXIT_USAGE;
}
