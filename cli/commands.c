/* commands.c — the table of payband subcommands. One row per command; each
 * command lives in cli/cmd_<name>.c. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"

static int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("payband 0.1.0\n");
    return CLI_EXIT_OK;
}

const struct cli_command cli_commands[] = {
    {"tour", cmd_tour, "[--db PATH]", "a short tour of the built-in market data"},
    {"bands", cmd_bands,
     "[--company C] [--role R] [--region X] [--level L] [--source KEY] [--currency CUR]\n"
     "  [--as-of DATE] [--format F]",
     "pay bands with computed and stated total comp"},
    {"levels", cmd_levels, "COMPANY ROLE [--format F]",
     "levels stated equivalent at other companies"},
    {"gap", cmd_gap,
     "A B [--component tc|base|equity] [--currency CUR] [--as-of DATE] [--format F]\n"
     "  A and B are company[/role[/region[/level]]][@source]",
     "how far one band sits above or below another"},
    {"stale", cmd_stale, "[--as-of DATE] [--format F]", "facts past their review date"},
    {"sources", cmd_sources, "[--as-of DATE] [--format F]", "the documents behind the data"},
    {"rates", cmd_rates,
     "import FILE | add DATE BASE QUOTE RATE [--source KEY] | convert AMOUNT --to CUR "
     "[--date DATE]",
     "exchange rates: import ECB history, add a rate, convert"},
    {"import", cmd_import, "FILE... [--type guide|briefing] [--as-of DATE] [--format table|json]",
     "read negotiation guides and market briefings into the store"},
    {"check", cmd_check, "FILE... [--type guide|briefing] [--no-store] [--format table|json|csv]",
     "recompute every numeric claim of guides and briefings"},
    {"offer", cmd_offer, "FILE [--years N] [--currency CUR] [--events] [--format table|json|csv]",
     "year-by-year schedule and totals of one offer"},
    {"compare", cmd_compare,
     "FILE FILE... [--years N] [--simulations S] [--seed K] [--risk-aversion R] "
     "[--currency CUR] [--scenarios] [--black-scholes] [--format table|json|csv]",
     "compare offers: totals, value under uncertainty, odds, break-even"},
    {"plan", cmd_plan,
     "--company C --role R --region X [--level L] [--offer FILE] [--competing FILE]...\n"
     "  [--profile FILE] [--currency CUR] [--years N] [--format md|json] [--output FILE]\n"
     "  [--seed K] [--simulations S] [--as-of DATE]",
     "a negotiation plan: ask, accept-at floor, levers, additional asks, scripts"},
    {"reports", cmd_reports,
     "import FILE... [--map COLUMN=FIELD]... [--source KEY] [--currency CUR] [--as-of DATE]\n"
     "  [--strict] [--dry-run] [--format table|json]\n"
     "  | percentiles [--company C] [--role R] [--level L] [--region X] [--years-min N]\n"
     "  [--years-max N] [--since DATE] [--component tc|base|equity|bonus]\n"
     "  [--by company|role|level|region|years] [--currency CUR] [--min-reports K]\n"
     "  [--format table|json|csv] | summary [--format table|json]",
     "offer reports: import CSV/JSON, k-anonymous percentiles, summary"},
    {"import-facts", cmd_import_facts, "FILE...", "load facts files in payband's YAML format"},
    {"init", cmd_init, "[--empty]", "create the database (--empty: without the built-in data)"},
    {"version", cmd_version, "", "print the version"},
    {NULL, NULL, NULL, NULL},

};
