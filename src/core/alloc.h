/* alloc.h — the one allocation wrapper of the library (internal).
 *
 * Every allocation payband makes goes through these functions so that tests
 * can make the Nth allocation fail and check that each caller copes. */
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

/* Test hook: make allocation number `n` (counting from 1 after the call) and
 * every later one fail; 0 turns failure injection off. */
void pb__alloc_fail_after(unsigned long n);
/* Test hook: make allocation number `n` alone fail (counting from 1 after
 * the call), so that a caller swallowing the failure shows; 0 turns failure
 * injection off. pb__alloc_count tells how many allocations were counted
 * since either hook was called. */
void pb__alloc_fail_only(unsigned long n);
unsigned long pb__alloc_count(void);

#endif
