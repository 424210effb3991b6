/* cli.h — shared pieces of the payband command-line tool: the command table,
 * exit codes, option helpers, and the renderer that prints library results
 * (JSON values) as a table, JSON or CSV. */
#ifndef PAYBAND_CLI_H
#define PAYBAND_CLI_H

#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "payband/date.h"  /* pb_date, for cli_today */
#include "payband/store.h" /* pb_store, for cli_open_store */

enum { CLI_EXIT_OK = 0, CLI_EXIT_FAIL = 1, CLI_EXIT_USAGE = 2 };

/* The version `payband --version` prints. */
#define CLI_VERSION "0.1.0"

/* A limit of payband/limits.h (or any integer literal) as a string, for help
 * text: CLI_STR(PB_YEARS_MAX) is "50". */
#define CLI_STR_(x) #x
#define CLI_STR(x) CLI_STR_(x)

/* One flag of a command as its help, the manual page and the shell
 * completion show it. */
struct cli_flag {
    const char *flag;    /* "--years N", "--format table|json|csv", "--events": the
                            long option, then the placeholder of its value, if any;
                            a placeholder with '|' lists the values it takes */
    const char *meaning; /* what it does */
    const char *def;     /* its default, as written; NULL when there is none */
};

struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;   /* arguments after the command name */
    const char *summary; /* one line for `payband help` */
    const struct option *options; /* the getopt table `run` reads; NULL: no options */
    const struct cli_flag *flags; /* one entry per long option of `options`, then {NULL} */
    const char *example;          /* one command line, without the leading "payband " */
    const char *doc;              /* the page to read, from the project's root */
    const char *operands;         /* what the words that are not flags are, for completion:
                                     "FILE" (file names), "COMMAND" (command names), or
                                     the words themselves ("import add convert"); NULL:
                                     nothing to complete */
};

extern const struct cli_command cli_commands[];

/* The command named `name`; NULL when there is none. */
const struct cli_command *cli_find_command(const char *name);
/* Print a command's help: usage, summary, every flag with its meaning and
 * default, one example, the page to read. */
void cli_print_command_help(const struct cli_command *c, FILE *out);
/* Print the list of commands (`payband help`). */
void cli_print_main_help(FILE *out);
/* The manual page (roff) and the bash completion script, both made from the
 * command table; docs/payband.1 and completion/payband.bash are their
 * output, checked by the tests. */
void cli_print_man_page(FILE *out);
void cli_print_bash_completion(FILE *out);

typedef enum cli_format { CLI_FORMAT_TABLE, CLI_FORMAT_JSON, CLI_FORMAT_CSV } cli_format;

/* Options every command that reads the store shares. */
struct cli_common {
    const char *db;
    cli_format format;
};

/* Database path given before the command (`payband --db PATH bands`). */
extern const char *cli_global_db;
/* The day commands take as today where no --as-of is given: PAYBAND_TODAY
 * when set (reproducible runs and tests), else the system clock. Set once by
 * main through cli_read_today (PB_DATE_NONE before); the library never
 * reads the environment. */
extern pb_date cli_today;
/* Read PAYBAND_TODAY into cli_today; a value that is not a date is a usage
 * error (printed; returns 2), an empty or missing one means the clock. */
int cli_read_today(void);

/* Print "payband: error: <msg>" plus the command's usage; return 2. */
int cli_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Print "payband: error: <msg>" to stderr; return 1. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print a one-line notice to stderr (progress and chatter). */
void cli_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

bool cli_parse_format(const char *text, cli_format *out);
/* Resolve --db, then PAYBAND_DB, then the per-user default; open the store,
 * loading the built-in dataset on first use. Prints the error and returns
 * NULL on failure. */
pb_store *cli_open_store(const char *db_option);
/* The same with pb_store_open flags (PB_STORE_NO_BUILTIN). */
pb_store *cli_open_store_flags(const char *db_option, unsigned flags);
/* The database path the options and environment name (buf holds a default);
 * NULL, after printing why, when the default does not fit in buf. */
const char *cli_db_path(const char *db_option, char *buf, size_t cap);

/* Option codes shared by commands; use them in getopt_long tables:
 *   {"db", required_argument, 0, CLI_OPT_DB}, {"format", ..., CLI_OPT_FORMAT},
 *   {"help", no_argument, 0, CLI_OPT_HELP}, {"wide", no_argument, 0, CLI_OPT_WIDE} */
enum { CLI_OPT_DB = 1000, CLI_OPT_FORMAT, CLI_OPT_HELP, CLI_OPT_WIDE, CLI_OPT_FIRST_FREE };
/* getopt_long without getopt's own messages; returns ':' for a missing
 * value and '?' for an unknown option. */
int cli_getopt(int argc, char **argv, const struct option *options);
/* The argument getopt stopped at, for messages. */
extern const char *cli_last_option;
/* Handle a shared option or an option error. Returns 0 when handled, -1
 * after --help (exit 0), or an exit code (2) after a usage error. */
int cli_common_option(const char *command, int opt, const char *arg, struct cli_common *common);

/* Flag values, read with payband/number.h. Each returns 0 and sets *out, or
 * prints a usage error naming the flag and what it takes ("--years must be a
 * whole number from 1 to 50, not '2.9'") and returns CLI_EXIT_USAGE. */
int cli_flag_whole(const char *command, const char *flag, const char *text, int64_t min,
                   int64_t max, int64_t *out);
int cli_flag_number(const char *command, const char *flag, const char *text, double *out);
int cli_flag_seed(const char *command, const char *text, uint64_t *out);
int cli_flag_date(const char *command, const char *flag, const char *text, pb_date *out);

/* Column kinds the table and CSV renderers know. */
typedef enum cli_col_kind {
    CLI_COL_TEXT,   /* string or number as is */
    CLI_COL_MONEY,  /* number in major units of the row's "currency" */
    CLI_COL_PCT,    /* number, printed with % */
    CLI_COL_FLAG,   /* boolean, printed as the column's flag text when true */
    CLI_COL_RANGE,  /* money range: key "base" reads "base_low" and "base_high" */
    CLI_COL_PCT_RANGE, /* percentage range, likewise */
    CLI_COL_KEEP,   /* text as CLI_COL_TEXT, never cut to fit the terminal (figures
                       written in words, file:line) */
} cli_col_kind;

struct cli_column {
    const char *header;
    const char *key;
    cli_col_kind kind;
    const char *flag_text; /* for CLI_COL_FLAG */
};

/* Print an array of objects: table (the listed columns, fitted to
 * cli_table_width by cutting the widest cells with "…"), CSV (the listed
 * columns, keys as headers, every cell in full) or JSON (the whole value,
 * pretty). */
void cli_print_rows(json_t *rows, const struct cli_column *columns, size_t ncolumns,
                    cli_format format);
/* Columns of a table: set by --wide (every cell in full); else the width
 * is COLUMNS, or the terminal's when standard output is one, or 100. */
extern bool cli_wide;
/* The width tables are fitted to; 0 for no limit (--wide). */
size_t cli_table_width(void);
/* Display width of UTF-8 text on a terminal (combining marks 0, wide
 * characters 2); an invalid byte counts as one column. */
size_t cli_display_width(const char *s);
size_t cli_display_width_n(const char *s, size_t len);
/* `text` cut to at most `width` columns, ending with "…" when it is cut,
 * never inside a character, into buf. */
void cli_cut(const char *text, size_t width, char *buf, size_t cap);

/* `path` relative to the current directory ("../shared/seeds/x.txt") into
 * buf; the path as given when it cannot be resolved. */
const char *cli_relative_path(const char *path, char *buf, size_t cap);

/* Print "converted: 1 EUR = 1.091 USD, rate of DATE (source)" for a quote
 * object of the JSON results (nothing for null); a cross names its route:
 * "converted: 1 GBP = 1.17593 EUR via GBP→USD→EUR, rates of D1 and D2 (a+b)". */
void cli_print_fx(const char *indent, json_t *fx);
/* Print any JSON value, pretty, with a trailing newline. */
void cli_print_json(json_t *value);
/* Format a number of major units in the compact money style into buf. */
void cli_format_money(double major, const char *currency, char *buf, size_t cap);

#endif
