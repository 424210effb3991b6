/* alloc.h — the one allocation wrapper of the library (internal).
 *
 * Every allocation payband makes goes through these functions so that tests
 * can make the Nth allocation fail and check that each caller copes. The
 * failure injection exists only in a library compiled with PB_TEST_HOOKS
 * (the one the tests and fuzz replays link; see docs/internals/alloc.md):
 * in the payband tool these are the C library's allocators and nothing
 * else. */
#ifndef PB_ALLOC_H
#define PB_ALLOC_H

#include <stddef.h>

void *pb__malloc(size_t size);
void *pb__calloc(size_t count, size_t size);
void *pb__realloc(void *ptr, size_t size);
void pb__free(void *ptr);
char *pb__strdup(const char *s);
char *pb__strndup(const char *s, size_t n);
/* printf into a new string; NULL on failure. */
char *pb__asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#ifdef PB_TEST_HOOKS
/* Test hook: make allocation number `n` (counting from 1 after the call) and
 * every later one fail; 0 turns failure injection off. */
void pb__alloc_fail_after(unsigned long n);
/* Test hook: make allocation number `n` alone fail (counting from 1 after
 * the call), so that a caller swallowing the failure shows; 0 turns failure
 * injection off. pb__alloc_count tells how many allocations were counted
 * since either hook was called. */
void pb__alloc_fail_only(unsigned long n);
unsigned long pb__alloc_count(void);
/* Test hook: call `fn(arg)` when allocation number `n` is about to be made
 * (counting from 1 after the call; 0 or a NULL fn turns it off); the crash
 * tests stop the process there. Independent of the failure hooks. */
void pb__alloc_on_count(unsigned long n, void (*fn)(void *arg), void *arg);
#endif

#endif
