/* progress.h — one progress line on standard error for long work (compare
 * with millions of paths, imports of large reports).
 *
 * Shown only when standard error is a terminal and the output is a table:
 * never in JSON or CSV runs, never in a pipe or a file, so programs and logs
 * see nothing of it. The line is rewritten in place ("\r", erase to the end
 * of the line) and erased by cli_progress_end before the results are
 * printed. Updates may come from any thread; they are serialised inside. */
#ifndef PAYBAND_CLI_PROGRESS_H
#define PAYBAND_CLI_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"

typedef struct cli_progress cli_progress;

/* Whether progress would be shown for a run printing `format`: standard
 * error is a terminal and the format is a table. */
bool cli_progress_wanted(cli_format format);

/* Start a progress line labelled `what` ("simulating", "importing
 * reports"), counting `unit` ("paths", "files"). NULL when progress is not
 * wanted (see above) or memory is short; every function below accepts NULL
 * and then does nothing. */
cli_progress *cli_progress_start(const char *what, const char *unit, cli_format format);

/* `done` of `total` units are done. The line is redrawn when the whole
 * percentage changes (and on the first and the last update), so callers may
 * report as often as they like. */
void cli_progress_update(cli_progress *p, uint64_t done, uint64_t total);

/* Erase the line and free the handle. */
void cli_progress_end(cli_progress *p);

/* An adapter for library callbacks of the shape fn(ctx, done, total), such
 * as pb_valuation_set_progress: ctx is the cli_progress. */
void cli_progress_callback(void *ctx, uint64_t done, uint64_t total);

#endif
