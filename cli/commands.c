/* commands.c — the table of payband subcommands. One row per command; each
 * command lives in cli/cmd_<name>.c. */
#include <stdio.h>

#include "cli.h"

int cmd_offer(int argc, char **argv);
int cmd_compare(int argc, char **argv);

static int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("payband 0.1.0\n");
    return CLI_EXIT_OK;
}

const struct cli_command cli_commands[] = {
    {"version", cmd_version, "", "print the version"},
    {"offer", cmd_offer, "FILE [--years N] [--currency CUR] [--events] [--format table|json|csv]",
     "year-by-year schedule and totals of one offer"},
    {"compare", cmd_compare,
     "FILE FILE... [--years N] [--simulations S] [--seed K] [--risk-aversion R] "
     "[--currency CUR] [--scenarios] [--black-scholes] [--format table|json|csv]",
     "compare offers: totals, value under uncertainty, odds, break-even"},
    {NULL, NULL, NULL, NULL},
};
