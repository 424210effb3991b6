/* commands.c — the table of payband subcommands. One row per command; each
 * command lives in cli/cmd_<name>.c. */
#include <stdio.h>

#include "cli.h"

static int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("payband 0.1.0\n");
    return CLI_EXIT_OK;
}

const struct cli_command cli_commands[] = {
    {"version", cmd_version, "", "print the version"},
    {NULL, NULL, NULL, NULL},
};
