/* cli.h — shared pieces of the payband command-line tool: the command table,
 * exit codes, option helpers, and the renderer that prints library results
 * (JSON values) as a table, JSON or CSV. */
#ifndef PAYBAND_CLI_H
#define PAYBAND_CLI_H

#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>

#include "payband/date.h"  /* pb_date, for cli_today */
#include "payband/store.h" /* pb_store, for cli_open_store */

enum { CLI_EXIT_OK = 0, CLI_EXIT_FAIL = 1, CLI_EXIT_USAGE = 2 };

struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;   /* arguments after the command name */
    const char *summary; /* one line for `payband help` */
};

extern const struct cli_command cli_commands[];

typedef enum cli_format { CLI_FORMAT_TABLE, CLI_FORMAT_JSON, CLI_FORMAT_CSV } cli_format;

/* Options every command that reads the store shares. */
struct cli_common {
    const char *db;
    cli_format format;
};

/* Database path given before the command (`payband --db PATH bands`). */
extern const char *cli_global_db;
/* The day commands take as today where no --as-of is given: PAYBAND_TODAY
 * when set (reproducible runs and tests), else the system clock. Read once
 * by main; the library never reads the environment. */
extern pb_date cli_today;

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
 *   {"help", no_argument, 0, CLI_OPT_HELP} */
enum { CLI_OPT_DB = 1000, CLI_OPT_FORMAT, CLI_OPT_HELP, CLI_OPT_FIRST_FREE };
/* getopt_long without getopt's own messages; returns ':' for a missing
 * value and '?' for an unknown option. */
int cli_getopt(int argc, char **argv, const struct option *options);
/* The argument getopt stopped at, for messages. */
extern const char *cli_last_option;
/* Handle a shared option or an option error. Returns 0 when handled, -1
 * after --help (exit 0), or an exit code (2) after a usage error. */
int cli_common_option(const char *command, int opt, const char *arg, struct cli_common *common);

/* Column kinds the table and CSV renderers know. */
typedef enum cli_col_kind {
    CLI_COL_TEXT,   /* string or number as is */
    CLI_COL_MONEY,  /* number in major units of the row's "currency" */
    CLI_COL_PCT,    /* number, printed with % */
    CLI_COL_FLAG,   /* boolean, printed as the column's flag text when true */
    CLI_COL_RANGE,  /* money range: key "base" reads "base_low" and "base_high" */
    CLI_COL_PCT_RANGE, /* percentage range, likewise */
} cli_col_kind;

struct cli_column {
    const char *header;
    const char *key;
    cli_col_kind kind;
    const char *flag_text; /* for CLI_COL_FLAG */
};

/* Print an array of objects: table (the listed columns), CSV (the listed
 * columns, keys as headers) or JSON (the whole value, pretty). */
void cli_print_rows(json_t *rows, const struct cli_column *columns, size_t ncolumns,
                    cli_format format);
/* Print "converted: 1 EUR = 1.091 USD, rate of DATE (source)" for a quote
 * object of the JSON results (nothing for null). */
void cli_print_fx(const char *indent, json_t *fx);
/* Print any JSON value, pretty, with a trailing newline. */
void cli_print_json(json_t *value);
/* Format a number of major units in the compact money style into buf. */
void cli_format_money(double major, const char *currency, char *buf, size_t cap);

#endif
