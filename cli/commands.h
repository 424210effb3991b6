/* commands.h — the entry points of the subcommands listed in commands.c. */
#ifndef PAYBAND_CLI_COMMANDS_H
#define PAYBAND_CLI_COMMANDS_H

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
int cmd_reports(int argc, char **argv);

#endif
