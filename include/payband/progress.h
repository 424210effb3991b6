/* progress.h — how long library work reports how far it has come.
 *
 * A progress callback receives the caller's context, the units done so far
 * and the units in all (paths simulated, files read). The library calls it
 * one call at a time (never two at once, even from several threads), with
 * `done` never decreasing, a bounded number of times per run (about a
 * hundred), the last call with done == total. It must not call back into
 * the object that reports. It has no effect on any result. */
#ifndef PAYBAND_PROGRESS_H
#define PAYBAND_PROGRESS_H

#include <stdint.h>

typedef void (*pb_progress_fn)(void *ctx, uint64_t done, uint64_t total);

#endif
