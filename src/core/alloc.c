/* alloc.c — allocation wrapper; with PB_TEST_HOOKS, failure injection and
 * an allocation-count trigger for tests. */
#include "core/alloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef PB_TEST_HOOKS
static unsigned long fail_after;   /* 0: never fail */
static unsigned long alloc_count;
static int fail_once;              /* only allocation `fail_after` fails */
static unsigned long trigger_at;   /* 0: no trigger */
static unsigned long trigger_count;
static void (*trigger_fn)(void *);
static void *trigger_arg;

void pb__alloc_fail_after(unsigned long n)
{
    fail_after = n;
    alloc_count = 0;
    fail_once = 0;
}

void pb__alloc_fail_only(unsigned long n)
{
    fail_after = n;
    alloc_count = 0;
    fail_once = 1;
}

unsigned long pb__alloc_count(void)
{
    return alloc_count;
}

void pb__alloc_on_count(unsigned long n, void (*fn)(void *arg), void *arg)
{
    trigger_at = fn ? n : 0;
    trigger_count = 0;
    trigger_fn = fn;
    trigger_arg = arg;
}

static int should_fail(void)
{
    if (trigger_at != 0 && ++trigger_count == trigger_at)
        trigger_fn(trigger_arg);
    if (fail_after == 0)
        return 0;
    ++alloc_count;
    return fail_once ? alloc_count == fail_after : alloc_count >= fail_after;
}
#else
static inline int should_fail(void)
{
    return 0;
}
#endif

void *pb__malloc(size_t size)
{
    if (should_fail())
        return NULL;
    return malloc(size ? size : 1);
}

void *pb__calloc(size_t count, size_t size)
{
    if (should_fail())
        return NULL;
    return calloc(count ? count : 1, size ? size : 1);
}

void *pb__realloc(void *ptr, size_t size)
{
    if (should_fail())
        return NULL;
    return realloc(ptr, size ? size : 1);
}

void pb__free(void *ptr)
{
    free(ptr);
}

char *pb__strndup(const char *s, size_t n)
{
    char *copy = pb__malloc(n + 1);
    if (!copy)
        return NULL;
    memcpy(copy, s, n);
    copy[n] = '\0';
    return copy;
}

char *pb__strdup(const char *s)
{
    return pb__strndup(s, strlen(s));
}

char *pb__asprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *buf = pb__malloc((size_t)n + 1);
    if (!buf)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(buf, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return buf;
}
