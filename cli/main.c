/* main.c — entry point of the payband tool: global options, then dispatch
 * through the command table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char *cli_global_db;
pb_date cli_today;

/* PAYBAND_TODAY, when set, fixes the day; anything but a date is an error
 * rather than a silent fall back on the clock. */
static int read_today(void)
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

static void print_help(FILE *out)
{
    fprintf(out, "usage: payband [--db PATH] COMMAND [ARGS]\n\ncommands:\n");
    for (const struct cli_command *c = cli_commands; c->name; c++)
        fprintf(out, "  %-13s %s\n", c->name, c->summary);
    fprintf(out, "\n`payband COMMAND --help` shows a command's options.\n");
}

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
            print_help(stderr);
            return CLI_EXIT_USAGE;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            print_help(stdout);
            return CLI_EXIT_OK;
        } else {
            fprintf(stderr, "payband: error: unknown option '%s'\n", argv[i]);
            print_help(stderr);
            return CLI_EXIT_USAGE;
        }
    }
    if (i >= argc) {
        fprintf(stderr, "payband: error: no command given\n");
        print_help(stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[i], "help") == 0) {
        print_help(stdout);
        return CLI_EXIT_OK;
    }
    int rc = read_today();
    if (rc != CLI_EXIT_OK)
        return rc;
    for (const struct cli_command *c = cli_commands; c->name; c++)
        if (strcmp(c->name, argv[i]) == 0)
            return c->run(argc - i, argv + i);
    fprintf(stderr, "payband: error: unknown command '%s'\n", argv[i]);
    print_help(stderr);
    return CLI_EXIT_USAGE;
}
