/* progress.c — the progress line on standard error for long work: shown only
 * on a terminal and for table output, redrawn in place when the percentage
 * changes, erased when the work ends. */
#include "progress.h"

#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include "core/alloc.h"

struct cli_progress {
    pthread_mutex_t lock;
    const char *what, *unit;
    int shown_pct; /* last percentage drawn; -1 before the first */
    bool drawn;    /* something is on the line */
};

bool cli_progress_wanted(cli_format format)
{
    return format == CLI_FORMAT_TABLE && isatty(STDERR_FILENO);
}

cli_progress *cli_progress_start(const char *what, const char *unit, cli_format format)
{
    if (!cli_progress_wanted(format))
        return NULL;
    cli_progress *p = pb__calloc(1, sizeof *p);
    if (!p)
        return NULL;
    if (pthread_mutex_init(&p->lock, NULL) != 0) {
        pb__free(p);
        return NULL;
    }
    p->what = what;
    p->unit = unit;
    p->shown_pct = -1;
    return p;
}

void cli_progress_update(cli_progress *p, uint64_t done, uint64_t total)
{
    if (!p || total == 0)
        return;
    if (done > total)
        done = total;
    int pct = (int)(done * 100.0 / (double)total);
    pthread_mutex_lock(&p->lock);
    if (pct != p->shown_pct) {
        p->shown_pct = pct;
        fprintf(stderr, "\r%s: %llu of %llu %s (%d%%)\033[K", p->what, (unsigned long long)done,
                (unsigned long long)total, p->unit, pct);
        fflush(stderr);
        p->drawn = true;
    }
    pthread_mutex_unlock(&p->lock);
}

void cli_progress_callback(void *ctx, uint64_t done, uint64_t total)
{
    cli_progress_update(ctx, done, total);
}

void cli_progress_end(cli_progress *p)
{
    if (!p)
        return;
    if (p->drawn) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    pthread_mutex_destroy(&p->lock);
    pb__free(p);
}
