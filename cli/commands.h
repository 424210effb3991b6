/* commands.h — the entry points of the subcommands listed in commands.c,
 * and the getopt table each reads (the table names it beside the command's
 * help, so that a test can check the help names every option). */
#ifndef PAYBAND_CLI_COMMANDS_H
#define PAYBAND_CLI_COMMANDS_H

#include <getopt.h>

int cmd_init(int argc, char **argv);
int cmd_bands(int argc, char **argv);
int cmd_levels(int argc, char **argv);
int cmd_gap(int argc, char **argv);
int cmd_stale(int argc, char **argv);
int cmd_sources(int argc, char **argv);
int cmd_rates(int argc, char **argv);
int cmd_import_facts(int argc, char **argv);
int cmd_tour(int argc, char **argv);
int cmd_offer(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_companies(int argc, char **argv);
int cmd_roles(int argc, char **argv);
int cmd_premiums(int argc, char **argv);
int cmd_completion(int argc, char **argv);
int cmd_help(int argc, char **argv);

extern const struct option cli_tour_options[];
extern const struct option cli_bands_options[];
extern const struct option cli_levels_options[];
extern const struct option cli_gap_options[];
extern const struct option cli_stale_options[]; /* stale and sources */
extern const struct option cli_companies_options[];
extern const struct option cli_roles_options[];
extern const struct option cli_premiums_options[];
extern const struct option cli_rates_options[];
extern const struct option cli_import_options[];
extern const struct option cli_check_options[];
extern const struct option cli_offer_options[];
extern const struct option cli_compare_options[];
extern const struct option cli_plan_options[];
extern const struct option cli_import_facts_options[];
extern const struct option cli_init_options[];
extern const struct option cli_completion_options[];
extern const struct option cli_help_options[];
extern const struct option cli_version_options[];

#endif
