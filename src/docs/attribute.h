/* attribute.h — who and what a money figure in running text is about
 * (internal): the company, region, level, role and component the words of
 * its clause name. Shared by the briefing and guide readers. */
#ifndef PB_ATTRIBUTE_H
#define PB_ATTRIBUTE_H

#include <stdbool.h>
#include <stddef.h>

#include "docs/doctext.h"
#include "payband/status.h"

/* Strings are borrowed from dictionaries except role and level, which are
 * owned by the caller after the call. */
struct pb__attribution {
    const char *company;   /* slug, NULL when none or a list of several */
    bool company_group;    /* the nearest company is one of a list */
    bool company_after;    /* the company is named after the figure */
    const char *region;
    const char *component; /* "base", "equity", "total", "valuation", "sign-on", "bonus" */
    char *role;            /* slug of the role phrase, or NULL */
    char *level;           /* level code, or NULL */
};

/* The figure s[tok_start, tok_end) in the clause s[clause_start,
 * clause_end); `own_name`/`own_slug` add the document's own company. */
pb_status pb__attribute_figure(const char *s, size_t clause_start, size_t clause_end,
                               size_t tok_start, size_t tok_end, const char *own_name,
                               const char *own_slug, struct pb__attribution *out);

/* A component word at `at` ("total comp", "base", "RSUs", "valuation"...):
 * the component, *n the length matched; NULL when none. */
const char *pb__component_word(const char *s, size_t at, size_t to, size_t *n);
/* Whether w[0, n) is one of `list` (case-insensitive). */
bool pb__word_in(const char *w, size_t n, const char *const *list, size_t count);

#endif
