/* dictionary.c — the names of companies and regions the document readers
 * recognise in running text. They live in the built-in dataset
 * (data/document-names.yaml, compiled into the binary); the first document
 * read loads them, once for the process and under a lock (the server reads
 * documents from several threads), into an index by first byte in which
 * the longest spelling comes first. */
#include "docs/doctext.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/diag.h"
#include "store/dataset.h"
#include "store/embedded.h"

#define NAMES_FILE "document-names.yaml"

/* A spelling and what it means. */
struct word {
    const char *text;
    size_t len;
    const char *value; /* a company's slug or a region's name */
};

/* Spellings ordered by first byte, the longer first among those of a byte:
 * items[first[c]] .. items[first[c + 1] - 1] start with byte c. */
struct words {
    struct word *items;
    size_t count, cap;
    uint32_t first[257];
};

struct company_name {
    const char *slug, *display;
};

struct dictionary {
    char *strings; /* every text the words and names point into */
    struct words companies, regions;
    struct {
        struct company_name *items;
        size_t count, cap;
    } names;
};

/* ---- building --------------------------------------------------------------- */

/* A spelling as read, its texts kept as offsets into the growing strings. */
struct pending {
    size_t written, value, display; /* display: (size_t)-1 for a region */
    size_t len;
};

struct builder {
    pb__buf strings;
    struct {
        struct pending *items;
        size_t count, cap;
    } pending;
};

static size_t keep(struct builder *b, const char *text)
{
    size_t at = b->strings.len;
    pb__buf_append(&b->strings, text, strlen(text) + 1);
    return at;
}

static pb_status collect(void *arg, const char *written, const char *company,
                         const char *display, const char *region)
{
    struct builder *b = arg;
    struct pending *p = PB__PUSH(b->pending);
    if (!p)
        return PB_ERR_NOMEM;
    p->len = strlen(written);
    p->written = keep(b, written);
    p->value = keep(b, company ? company : region);
    p->display = company ? keep(b, display ? display : company) : (size_t)-1;
    return pb__buf_status(&b->strings);
}

static int by_first_byte_longest(const void *a, const void *b)
{
    const struct word *x = a, *y = b;
    unsigned char cx = (unsigned char)x->text[0], cy = (unsigned char)y->text[0];
    if (cx != cy)
        return cx < cy ? -1 : 1;
    if (x->len != y->len)
        return x->len > y->len ? -1 : 1;
    return strcmp(x->text, y->text);
}

static void index_words(struct words *w)
{
    if (w->count)
        qsort(w->items, w->count, sizeof *w->items, by_first_byte_longest);
    size_t k = 0;
    for (unsigned c = 0; c <= 256; c++) {
        while (c < 256 && k < w->count && (unsigned char)w->items[k].text[0] < c)
            k++;
        w->first[c] = (uint32_t)k;
    }
    w->first[256] = (uint32_t)w->count;
}

static void dictionary_free(struct dictionary *d)
{
    if (!d)
        return;
    pb__free(d->strings);
    pb__free(d->companies.items);
    pb__free(d->regions.items);
    pb__free(d->names.items);
    pb__free(d);
}

/* The index of the spellings `pending` holds, its texts in `strings`. */
static pb_status dictionary_make(char *strings, const struct builder *b,
                                 struct dictionary **out)
{
    struct dictionary *d = pb__calloc(1, sizeof *d);
    if (!d) {
        pb__free(strings);
        return PB_ERR_NOMEM;
    }
    d->strings = strings;
    for (size_t i = 0; i < b->pending.count; i++) {
        const struct pending *p = &b->pending.items[i];
        bool company = p->display != (size_t)-1;
        struct word *w = company ? PB__PUSH(d->companies) : PB__PUSH(d->regions);
        if (!w) {
            dictionary_free(d);
            return PB_ERR_NOMEM;
        }
        *w = (struct word){strings + p->written, p->len, strings + p->value};
        bool named = !company;
        for (size_t k = 0; !named && k < d->names.count; k++)
            named = strcmp(d->names.items[k].slug, w->value) == 0;
        struct company_name *n = named ? NULL : PB__PUSH(d->names);
        if (!named && !n) {
            dictionary_free(d);
            return PB_ERR_NOMEM;
        }
        if (n)
            *n = (struct company_name){w->value, strings + p->display};
    }
    index_words(&d->companies);
    index_words(&d->regions);
    *out = d;
    return PB_OK;
}

/* Read the dictionary from a facts file's document_companies and
 * document_regions. */
static pb_status dictionary_read(const char *name, const char *text, size_t len,
                                 struct dictionary **out, pb__diag *diag)
{
    struct builder b = {0};
    pb__diag inner = {{0}};
    *out = NULL;
    pb_status st = pb__dataset_written_names(name, text, len, collect, &b, &inner);
    if (st == PB_OK && b.pending.count == 0)
        st = pb__diag_set(&inner, PB_ERR_PARSE, name, 0,
                          "no document_companies or document_regions");
    if (st == PB_OK) {
        char *strings = pb__buf_take(&b.strings, NULL);
        st = strings ? dictionary_make(strings, &b, out) : PB_ERR_NOMEM;
    }
    pb__buf_release(&b.strings);
    pb__free(b.pending.items);
    if (st == PB_ERR_NOMEM)
        return pb__diag_set(diag, st, NULL, 0, "out of memory");
    if (st != PB_OK)
        return pb__diag_set(diag, st, NULL, 0,
                            "payband's names of companies and regions do not read: %s",
                            inner.msg);
    return PB_OK;
}

/* ---- loading once ------------------------------------------------------------ */

static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic(struct dictionary *) loaded;

#ifdef PB_TEST_HOOKS
static const char *test_text; /* read instead of the built-in file */
#endif

static pb_status read_builtin(struct dictionary **out, pb__diag *diag)
{
#ifdef PB_TEST_HOOKS
    if (test_text)
        return dictionary_read("data/" NAMES_FILE, test_text, strlen(test_text), out, diag);
#endif
    for (const struct pb__embedded_file *f = pb__embedded_data; f->name; f++)
        if (strcmp(f->name, NAMES_FILE) == 0)
            return dictionary_read("data/" NAMES_FILE, f->text, f->size, out, diag);
    return pb__diag_set(diag, PB_ERR_NOT_FOUND, NULL, 0,
                        "payband's names of companies and regions are missing: the built-in "
                        "dataset has no data/" NAMES_FILE);
}

pb_status pb__dictionary_load(pb__diag *diag)
{
    if (atomic_load_explicit(&loaded, memory_order_acquire))
        return PB_OK;
    pthread_mutex_lock(&load_lock);
    pb_status st = PB_OK;
    if (!atomic_load_explicit(&loaded, memory_order_relaxed)) {
        struct dictionary *d = NULL;
        st = read_builtin(&d, diag);
        if (st == PB_OK)
            atomic_store_explicit(&loaded, d, memory_order_release);
    }
    pthread_mutex_unlock(&load_lock);
    return st;
}

#ifdef PB_TEST_HOOKS
void pb__dictionary_test_text(const char *text)
{
    pthread_mutex_lock(&load_lock);
    dictionary_free(atomic_exchange(&loaded, NULL));
    test_text = text;
    pthread_mutex_unlock(&load_lock);
}
#endif

/* ---- looking up -------------------------------------------------------------- */

static const struct dictionary *dictionary(void)
{
    return atomic_load_explicit(&loaded, memory_order_acquire);
}

/* The longest spelling of `w` written at `pos` as whole words. */
static const struct word *spelling_at(const struct words *w, const char *s, size_t len,
                                      size_t pos)
{
    if (pos >= len || (pos > 0 && pb__is_word_char((unsigned char)s[pos - 1])))
        return NULL;
    unsigned char c = (unsigned char)s[pos];
    for (uint32_t k = w->first[c]; k < w->first[c + 1]; k++) {
        const struct word *e = &w->items[k];
        if (e->len > len - pos ||
            (pos + e->len < len && pb__is_word_char((unsigned char)s[pos + e->len])))
            continue;
        if (memcmp(s + pos + 1, e->text + 1, e->len - 1) == 0)
            return e;
    }
    return NULL;
}

const char *pb__company_at(const char *s, size_t len, size_t pos, size_t *n,
                           const char *extra_name, const char *extra_slug)
{
    if (extra_name && extra_slug && pos < len && extra_name[0] == s[pos]) {
        size_t k = strlen(extra_name);
        if (pos + k <= len && memcmp(s + pos, extra_name, k) == 0 &&
            !(pos > 0 && pb__is_word_char((unsigned char)s[pos - 1])) &&
            !(pos + k < len && pb__is_word_char((unsigned char)s[pos + k]))) {
            *n = k;
            return extra_slug;
        }
    }
    const struct dictionary *d = dictionary();
    const struct word *w = d ? spelling_at(&d->companies, s, len, pos) : NULL;
    if (!w)
        return NULL;
    *n = w->len;
    return w->value;
}

const char *pb__company_display(const char *slug)
{
    const struct dictionary *d = dictionary();
    for (size_t k = 0; d && slug && k < d->names.count; k++)
        if (strcmp(d->names.items[k].slug, slug) == 0)
            return d->names.items[k].display;
    return NULL;
}

const char *pb__region_at(const char *s, size_t len, size_t pos, size_t *n)
{
    const struct dictionary *d = dictionary();
    const struct word *w = d ? spelling_at(&d->regions, s, len, pos) : NULL;
    if (!w)
        return NULL;
    *n = w->len;
    return w->value;
}

const char *pb__region_canonical(const char *text, size_t len)
{
    const struct dictionary *d = dictionary();
    if (!d || len == 0)
        return NULL;
    const struct words *w = &d->regions;
    unsigned char c = (unsigned char)text[0];
    for (uint32_t k = w->first[c]; k < w->first[c + 1]; k++)
        if (w->items[k].len == len && memcmp(w->items[k].text, text, len) == 0)
            return w->items[k].value;
    return NULL;
}
