/* commands.c — the table of payband subcommands and everything said about
 * them: usage, summary, the getopt table each reads, every flag with its
 * meaning and default, one example and the page to read. `--help`, `payband
 * help`, the manual page and the bash completion are all printed from this
 * table (help.c); tests/cli/help.cases checks that each command's help names
 * every long option of its getopt table. Each command lives in
 * cli/cmd_<name>.c. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"
#include "payband/limits.h"
#include "payband/reports.h"

/* Flags many commands share. */
#define FLAG_DB                                                                                \
    {"--db PATH", "the database",                                                              \
     "$PAYBAND_DB, else ~/.local/share/payband/payband.db"}
#define FLAG_FORMAT                                                                            \
    {"--format table|json|csv", "a table for people, or JSON or CSV for programs (docs/json.md)", \
     "table"}
#define FLAG_WIDE                                                                              \
    {"--wide", "show every cell in full; without it a table is fitted to the terminal " \
     "(COLUMNS, else the terminal's width, else 100 columns; a pipe or file gets every cell) " \
     "and long cells end with …", NULL}
#define FLAG_HELP {"--help", "print this help", NULL}
#define FLAG_AS_OF(what) {"--as-of DATE", what, "today"}
#define FLAG_END {NULL, NULL, NULL}

#define YEARS_RANGE CLI_STR(PB_YEARS_MIN) " to " CLI_STR(PB_YEARS_MAX)
#define SIMULATIONS_RANGE CLI_STR(PB_SIMULATIONS_MIN) " to " CLI_STR(PB_SIMULATIONS_MAX)

static const struct cli_flag tour_flags[] = {FLAG_DB, FLAG_HELP, FLAG_END};

static const struct cli_flag bands_flags[] = {
    {"--company C", "only this company, by name or slug (\"Hugging Face\", hugging-face)",
     "every company"},
    {"--role R", "only this role, by name or slug", "every role"},
    {"--region X", "only this region (\"New York\", new-york)", "every region"},
    {"--level L", "only bands at this level (L4)", "every level"},
    {"--source KEY", "only bands from this source (`payband sources` lists the keys)",
     "every source"},
    {"--currency CUR", "convert every figure to this currency (ISO 4217) at the rate of the "
                       "as-of date, and name the rate",
     "each band's own"},
    FLAG_AS_OF("answer as of this date (YYYY-MM-DD): only facts known then, staleness and "
               "rates of that date"),
    FLAG_FORMAT, FLAG_WIDE, FLAG_DB, FLAG_HELP, FLAG_END,
};

static const struct cli_flag list_flags[] = {FLAG_FORMAT, FLAG_WIDE, FLAG_DB, FLAG_HELP,
                                             FLAG_END};

static const struct cli_flag gap_flags[] = {
    {"--component tc|base|equity", "what to compare: total comp, base, or equity per year",
     "tc when both bands have one, else base"},
    {"--currency CUR", "compare in this currency", "B's currency"},
    FLAG_AS_OF("facts known by this date (YYYY-MM-DD), rates of that date"),
    FLAG_FORMAT, FLAG_WIDE, FLAG_DB, FLAG_HELP, FLAG_END,
};

static const struct cli_flag stale_flags[] = {
    FLAG_AS_OF("judge staleness on this date (YYYY-MM-DD)"),
    FLAG_FORMAT, FLAG_WIDE, FLAG_DB, FLAG_HELP, FLAG_END,
};

static const struct cli_flag rates_flags[] = {
    {"--to CUR", "convert: the currency to convert to (required for convert)", NULL},
    {"--date DATE", "convert: use the rate of this date, or the nearest earlier one", "today"},
    {"--source KEY", "add: the source the rate is recorded under; delete: only that source's",
     "add: manual; delete: every source"},
    {"--replace", "add: replace the day's rates of the pair that the new rate contradicts "
                  "by more than 2%", "refuse a contradicting rate"},
    {"--base CUR", "list: only rates whose base is CUR", "every base"},
    {"--quote CUR", "list: only rates whose quote is CUR", "every quote"},
    {"--since DATE", "list: only rates on or after DATE", "every date"},
    FLAG_FORMAT, FLAG_DB, FLAG_HELP, FLAG_END,
};

static const struct cli_flag import_flags[] = {
    {"--type guide|briefing", "read every file as this kind of document",
     "told from each file's content"},
    {"--as-of DATE", "the as-of date of documents that state none (YYYY-MM-DD)", "none"},
    {"--format table|json", "a summary table, or JSON (docs/json.md)", "table"},
    FLAG_WIDE, FLAG_DB, FLAG_HELP, FLAG_END,
};

static const struct cli_flag check_flags[] = {
    {"--type guide|briefing", "read every file as this kind of document",
     "told from each file's content"},
    {"--no-store", "check each document against itself only, not against the store's facts",
     "use the store"},
    FLAG_FORMAT, FLAG_WIDE, FLAG_DB, FLAG_HELP, FLAG_END,
};

static const struct cli_flag offer_flags[] = {
    {"--years N", "years to count, " YEARS_RANGE, CLI_STR(PB_YEARS_DEFAULT)},
    {"--currency CUR", "convert every amount at the store's rate as of today, and name the rate",
     "the offer's currency"},
    {"--events", "list every vest date and amount under the table", NULL},
    {"--template", "print a commented offer file to start from, and nothing else", NULL},
    FLAG_FORMAT, FLAG_WIDE, FLAG_DB, FLAG_HELP, FLAG_END,
};

/* The default of an assumption flag: a flag beats the offer file, which
 * beats the store's company facts, which beat the stage's default. */
#define ASSUMED "the offer file's, else the store's company facts, else the stage's"
static const struct cli_flag compare_flags[] = {
    {"--years N", "years to value, " YEARS_RANGE, CLI_STR(PB_YEARS_DEFAULT)},
    {"--simulations S", "Monte Carlo paths, " SIMULATIONS_RANGE,
     CLI_STR(PB_SIMULATIONS_DEFAULT)},
    {"--seed K", "the random seed, 0 to 18446744073709551615; the same seed gives the same "
                 "figures",
     "1"},
    {"--risk-aversion R", "relative risk aversion of the certainty equivalent (CRRA), 0 to "
                          CLI_STR(PB_RISK_AVERSION_MAX),
     CLI_STR(PB_RISK_AVERSION_DEFAULT)},
    {"--wealth W", "other wealth added to every outcome before the certainty equivalent, in "
                   "the report currency, 0 to " CLI_STR(PB_WEALTH_MAX),
     "0"},
    {"--threads T", "threads that simulate, 1 to " CLI_STR(PB_THREADS_MAX)
                    "; the figures do not depend on it",
     CLI_STR(PB_THREADS_DEFAULT)},
    {"--currency CUR", "report every offer in this currency, at the store's rate as of today",
     "the first offer's"},
    {"--scenarios", "show each offer's discrete exit scenarios", NULL},
    {"--black-scholes", "value option grants with Black-Scholes too", NULL},
    {"--volatility PCT", "yearly volatility of the share price, in percent", ASSUMED},
    {"--drift PCT", "expected yearly growth of a public share price, in percent",
     "the offer file's, else 0"},
    {"--liquidity PCT", "chance per year of a liquidity event (IPO or sale)", ASSUMED},
    {"--failure PCT", "chance per year that the company fails", ASSUMED},
    {"--dilution PCT", "how much each share's slice shrinks per year", ASSUMED},
    {"--exit-median X", "median exit value as a multiple of the last round", ASSUMED},
    {"--exit-sigma S", "spread (log standard deviation) of the exit multiple", ASSUMED},
    {"--risk-free PCT", "risk-free rate of Black-Scholes, in percent", "the offer file's, else 4"},
    {"--option-term YEARS", "option term of Black-Scholes, in years", "the offer file's, else 10"},
    FLAG_FORMAT, FLAG_WIDE, FLAG_DB, FLAG_HELP, FLAG_END,
};

static const struct cli_flag plan_flags[] = {
    {"--company C", "the company, by name or slug (required)", NULL},
    {"--role R", "the role, by name or slug (required)", NULL},
    {"--region X", "the region (required)", NULL},
    {"--level L", "plan for the band at this level when the store has several",
     "the preferred band"},
    {"--offer FILE", "the offer in hand from that company (docs/offers.md)", "none"},
    {"--competing FILE", "a competing offer; repeat for several, at most "
                         CLI_STR(PB_COMPETING_MAX),
     "the offers the band's document names"},
    {"--profile FILE", "your profile (docs/plan.md)", "medium risk appetite, no premium"},
    {"--currency CUR", "report in this currency, each conversion with its rate and date",
     "the band's"},
    {"--years N", "years of every N-year total, " YEARS_RANGE, CLI_STR(PB_YEARS_DEFAULT)},
    {"--seed K", "the random seed of the valuation, 0 to 18446744073709551615", "1"},
    {"--simulations S", "Monte Carlo paths of the valuation, " SIMULATIONS_RANGE,
     CLI_STR(PB_PLAN_SIMULATIONS_DEFAULT)},
    FLAG_AS_OF("facts known by this date (YYYY-MM-DD), staleness and rates then"),
    {"--output FILE", "write the plan to FILE, whole or not at all", "standard output"},
    {"--format md|json", "Markdown, or JSON (docs/plan.md)", "md"},
    FLAG_DB, FLAG_HELP, FLAG_END,
};

static const struct cli_flag reports_flags[] = {
    {"--map COLUMN=FIELD", "import: read COLUMN as FIELD (company, title, level, location, "
                           "country, years, years_at_company, base, equity, bonus, total, "
                           "total_usd, currency, date, tag) or drop it (ignore); repeatable",
     "the column names payband knows"},
    {"--source KEY", "import: the source the reports belong to", "reports- and the file's name"},
    {"--currency CUR", "import: the currency of rows that give none; percentiles: convert each "
                       "group at the rate of its last report's date",
     "import: none (such rows are refused); percentiles: each group's own"},
    {"--as-of DATE", "import: the date of rows that give none (YYYY-MM-DD)", "none"},
    {"--strict", "import: refuse the whole file at its first bad row, writing nothing",
     "import the rows that can be read"},
    {"--dry-run", "import: read and normalise, write nothing; with --format json, every row "
                  "beside what it became",
     NULL},
    {"--company C", "percentiles: only this company (name, slug or alias)", "every company"},
    {"--role R", "percentiles: only this role (title or slug)", "every role"},
    {"--level L", "percentiles: only this level (L5; case and spaces do not matter)",
     "every level"},
    {"--region X", "percentiles: only this city, \"City, ST\", state, country, metro area or "
                   "Remote",
     "everywhere"},
    {"--years-min N", "percentiles: at least N years of experience", "no minimum"},
    {"--years-max N", "percentiles: at most N years of experience", "no maximum"},
    {"--since DATE", "percentiles: only reports dated on or after DATE", "every date"},
    {"--component tc|base|equity|bonus", "percentiles: of total comp, base, equity per year or "
                                         "bonus",
     "tc"},
    {"--by company|role|level|region|years", "percentiles: one line per group", "one group"},
    {"--min-reports K", "percentiles: show groups of at least K distinct reports, K from "
                        CLI_STR(PB_REPORTS_K),
     CLI_STR(PB_REPORTS_K)},
    FLAG_FORMAT, FLAG_WIDE, FLAG_DB, FLAG_HELP, FLAG_END,
};

static const struct cli_flag import_facts_flags[] = {FLAG_DB, FLAG_HELP, FLAG_END};

static const struct cli_flag init_flags[] = {
    {"--empty", "create it without the built-in dataset, for your own facts only",
     "with the built-in dataset"},
    FLAG_DB, FLAG_HELP, FLAG_END,
};

static const struct cli_flag roles_flags[] = {
    {"--company C", "only roles at this company, by name or slug", "every company"},
    FLAG_FORMAT, FLAG_WIDE, FLAG_DB, FLAG_HELP, FLAG_END,
};

static const struct cli_flag premiums_flags[] = {
    {"--company C", "premiums for this company, and the general ones", "every company"},
    {"--role R", "premiums for this role, and the general ones", "every role"},
    FLAG_FORMAT, FLAG_WIDE, FLAG_DB, FLAG_HELP, FLAG_END,
};

static const struct cli_flag help_flags[] = {
    {"--man", "print the manual page (roff), as installed by `make install`", NULL},
    FLAG_HELP, FLAG_END,
};

static const struct cli_flag only_help_flags[] = {FLAG_HELP, FLAG_END};

static int cmd_version(int argc, char **argv)
{
    int c;
    while ((c = cli_getopt(argc, argv, cli_version_options)) != -1) {
        if (c == CLI_OPT_HELP) {
            cli_print_command_help(cli_find_command("version"), stdout);
            return CLI_EXIT_OK;
        }
        return cli_usage_error("version", "unknown option '%s'", cli_last_option);
    }
    if (optind < argc)
        return cli_usage_error("version", "unexpected argument '%s'", argv[optind]);
    printf("payband %s\n", CLI_VERSION);
    return CLI_EXIT_OK;
}

const struct option cli_version_options[] = {
    {"help", no_argument, 0, CLI_OPT_HELP},
    {0, 0, 0, 0},
};

const struct cli_command cli_commands[] = {
    {.name = "tour", .run = cmd_tour, .usage = "[--db PATH]",
     .summary = "a short tour of the built-in market data: bands in two currencies, level "
                "equivalents, a gap, what is stale",
     .options = cli_tour_options, .flags = tour_flags, .example = "tour --db /tmp/tour.db",
     .doc = "docs/guide.md#getting-started"},
    {.name = "bands", .run = cmd_bands,
     .usage = "[--company C] [--role R] [--region X] [--level L] [--source KEY] [--currency CUR]\n"
              "  [--as-of DATE] [--format table|json|csv] [--wide]",
     .summary = "pay bands with computed and stated total comp",
     .options = cli_bands_options, .flags = bands_flags,
     .example = "bands --company hugging-face --role senior-software-engineer --currency USD",
     .doc = "docs/guide.md#bands"},
    {.name = "levels", .run = cmd_levels, .usage = "COMPANY ROLE [--format table|json|csv] [--wide]",
     .summary = "levels stated equivalent at other companies, following chains of statements",
     .options = cli_levels_options, .flags = list_flags,
     .example = "levels hugging-face senior-software-engineer",
     .doc = "docs/guide.md#level-equivalents"},
    {.name = "gap", .run = cmd_gap,
     .usage = "A B [--component tc|base|equity] [--currency CUR] [--as-of DATE]\n"
              "  [--format table|json|csv] [--wide]\n"
              "  A and B are company[/role[/region[/level]]][@source]",
     .summary = "how far one band sits above or below another",
     .options = cli_gap_options, .flags = gap_flags,
     .example = "gap hugging-face/senior-ml-researcher mistral-ai/senior-research-engineer",
     .doc = "docs/guide.md#gap-between-two-bands"},
    {.name = "stale", .run = cmd_stale, .usage = "[--as-of DATE] [--format table|json|csv] [--wide]",
     .summary = "facts past their review date, with the days overdue",
     .options = cli_stale_options, .flags = stale_flags, .example = "stale --as-of 2026-06-01",
     .doc = "docs/guide.md#freshness-and-sources"},
    {.name = "sources", .run = cmd_sources,
     .usage = "[--as-of DATE] [--format table|json|csv] [--wide]",
     .summary = "the documents behind the data, with what each gave",
     .options = cli_stale_options, .flags = stale_flags, .example = "sources --format json",
     .doc = "docs/guide.md#freshness-and-sources"},
    {.name = "companies", .run = cmd_companies, .usage = "[--format table|json|csv] [--wide]",
     .summary = "the companies the store holds facts about: bands, levels, offers, sources, "
                "funding stage",
     .options = cli_companies_options, .flags = list_flags, .example = "companies",
     .doc = "docs/guide.md#what-the-store-holds"},
    {.name = "roles", .run = cmd_roles,
     .usage = "[--company C] [--format table|json|csv] [--wide]",
     .summary = "the roles the store holds facts about, with the companies that have them",
     .options = cli_roles_options, .flags = roles_flags,
     .example = "roles --company hugging-face", .doc = "docs/guide.md#what-the-store-holds"},
    {.name = "premiums", .run = cmd_premiums,
     .usage = "[--company C] [--role R] [--format table|json|csv] [--wide]",
     .summary = "the premiums the sources state (skills, circumstances), with where each "
                "was stated",
     .options = cli_premiums_options, .flags = premiums_flags,
     .example = "premiums --company hugging-face",
     .doc = "docs/guide.md#what-the-store-holds"},
    {.name = "rates", .run = cmd_rates,
     .usage = "import FILE | add DATE BASE QUOTE RATE [--source KEY] [--replace]\n"
              "  | list [--base CUR] [--quote CUR] [--since DATE] [--format table|json|csv]\n"
              "  | delete DATE BASE QUOTE [--source KEY]\n"
              "  | convert AMOUNT --to CUR [--date DATE] [--format table|json|csv]",
     .summary = "exchange rates: import the ECB's history, add, list or delete a rate, convert "
                "an amount",
     .options = cli_rates_options, .flags = rates_flags,
     .example = "rates convert '€105K' --to USD --date 2026-04-13",
     .doc = "docs/guide.md#exchange-rates", .operands = "import add list delete convert"},
    {.name = "import", .run = cmd_import,
     .usage = "FILE... [--type guide|briefing] [--as-of DATE] [--format table|json] [--wide]",
     .summary = "read negotiation guides and market briefings into the store, one "
                "transaction per file",
     .options = cli_import_options, .flags = import_flags,
     .example = "import guide.md briefing.txt", .doc = "docs/documents.md",
     .operands = "FILE"},
    {.name = "check", .run = cmd_check,
     .usage = "FILE... [--type guide|briefing] [--no-store] [--format table|json|csv] [--wide]",
     .summary = "recompute every numeric claim of guides and briefings; exit status 1 when a "
                "claim is wrong or inconsistent",
     .options = cli_check_options, .flags = check_flags, .example = "check guide.md",
     .doc = "docs/documents.md", .operands = "FILE"},
    {.name = "offer", .run = cmd_offer,
     .usage = "FILE [--years N] [--currency CUR] [--events] [--format table|json|csv] [--wide]\n"
              "  | --template",
     .summary = "year-by-year schedule and totals of one offer",
     .options = cli_offer_options, .flags = offer_flags,
     .example = "offer examples/offers/google-paris-l4.yaml --currency USD",
     .doc = "docs/offers.md", .operands = "FILE"},
    {.name = "compare", .run = cmd_compare,
     .usage = "FILE FILE... [--years N] [--simulations S] [--seed K] [--risk-aversion R]\n"
              "  [--wealth W] [--threads T] [--currency CUR] [--scenarios] [--black-scholes]\n"
              "  [--volatility PCT] [--drift PCT] [--liquidity PCT] [--failure PCT]\n"
              "  [--dilution PCT] [--exit-median X] [--exit-sigma S] [--risk-free PCT]\n"
              "  [--option-term YEARS] [--format table|json|csv] [--wide]",
     .summary = "compare offers: totals, value under uncertainty, odds, break-even",
     .options = cli_compare_options, .flags = compare_flags,
     .example = "compare examples/offers/google-paris-l4.yaml "
                "examples/offers/startup-paris-options.yaml --seed 7",
     .doc = "docs/offers.md", .operands = "FILE"},
    {.name = "plan", .run = cmd_plan,
     .usage = "--company C --role R --region X [--level L] [--offer FILE] [--competing FILE]...\n"
              "  [--profile FILE] [--currency CUR] [--years N] [--format md|json] [--output FILE]\n"
              "  [--seed K] [--simulations S] [--as-of DATE]",
     .summary = "a negotiation plan: ask, accept-at floor, levers, additional asks, scripts",
     .options = cli_plan_options, .flags = plan_flags,
     .example = "plan --company hugging-face --role senior-software-engineer --region Paris "
                "--profile examples/profiles/maintainer.yaml",
     .doc = "docs/plan.md"},
    {.name = "reports", .run = cmd_reports,
     .usage = "import FILE... [--map COLUMN=FIELD]... [--source KEY] [--currency CUR]\n"
              "  [--as-of DATE] [--strict] [--dry-run] [--format table|json]\n"
              "  | percentiles [--company C] [--role R] [--level L] [--region X]\n"
              "  [--years-min N] [--years-max N] [--since DATE]\n"
              "  [--component tc|base|equity|bonus] [--by company|role|level|region|years]\n"
              "  [--currency CUR] [--min-reports K] [--format table|json|csv] [--wide]\n"
              "  | summary [--format table|json] [--wide]",
     .summary = "offer reports: import CSV and JSON files of reported pay, percentiles of any "
                "group with k-anonymity, what is loaded",
     .options = cli_reports_options, .flags = reports_flags,
     .example = "reports percentiles --company Google --level L5 --region \"Mountain View, CA\"",
     .doc = "docs/reports.md", .operands = "import percentiles summary"},
    {.name = "import-facts", .run = cmd_import_facts, .usage = "FILE...",
     .summary = "load facts files in payband's YAML format, one transaction per file",
     .options = cli_import_facts_options, .flags = import_facts_flags,
     .example = "import-facts my-bands.yaml", .doc = "docs/dataset.md", .operands = "FILE"},
    {.name = "init", .run = cmd_init, .usage = "[--empty]",
     .summary = "create the database (--empty: without the built-in data)",
     .options = cli_init_options, .flags = init_flags,
     .example = "--db /tmp/mine.db init --empty", .doc = "docs/guide.md#getting-started"},
    {.name = "completion", .run = cmd_completion, .usage = "bash",
     .summary = "print the bash completion script (`make install` installs it)",
     .options = cli_completion_options, .flags = only_help_flags,
     .example = "completion bash > ~/.local/share/bash-completion/completions/payband",
     .doc = "docs/guide.md#shell-completion", .operands = "bash"},
    {.name = "help", .run = cmd_help, .usage = "[COMMAND] | --man",
     .summary = "the list of commands, one command's help, or the manual page",
     .options = cli_help_options, .flags = help_flags, .example = "help bands",
     .doc = "docs/guide.md", .operands = "COMMAND"},
    {.name = "version", .run = cmd_version, .usage = "",
     .summary = "print payband's version (also `payband --version`)",
     .options = cli_version_options, .flags = only_help_flags, .example = "version",
     .doc = "README.md"},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
};
