/* fx.c — dated exchange rates: the ECB history loader, single dated rates,
 * and conversion between any two currencies by direct, inverse or EUR cross
 * rates on the nearest earlier date that has them.
 *
 * Rates live in one series per ordered pair (1 base = rate quote), each an
 * array of points kept sorted by date once prepared. Additions append; a
 * series that an addition left out of order is sorted (and same-date points
 * reduced to the newest) lazily, before the next lookup, count or walk. See
 * docs/internals/fx.md. */
#include "payband/fx.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/fileio.h"
#include "core/diag.h"
#include "payband/number.h"

#define ECB_SOURCE "ecb"
#define SAME_CURRENCY_SOURCE "identity"
/* An ECB history is about 2 MB; this leaves room for decades more. */
#define MAX_ECB_FILE_BYTES (256u * 1024u * 1024u)

/* One dated rate. `seq` orders additions so the newest of two rates for the
 * same pair and date wins. */
struct point {
    pb_date date;
    uint32_t source; /* index into pb_fx.sources */
    uint32_t seq;
    double rate;
};

/* All rates of one ordered pair: 1 base = rate quote. */
struct series {
    char base[4], quote[4];
    struct point *pts;
    size_t len, cap;
    bool sorted; /* pts strictly ascending by date, no duplicates */
};

struct pb_fx {
    struct series **series; /* sorted by (base, quote) */
    size_t nseries, capseries;
    char **sources; /* interned source names */
    size_t nsources, capsources;
    size_t count; /* points held, duplicates included until prepared */
    uint32_t seq;
    bool dirty; /* some series is not sorted */
    pb__diag diag;
};

/* ---- handle ------------------------------------------------------------ */

pb_fx *pb_fx_new(void)
{
    pb_fx *fx = pb__calloc(1, sizeof *fx);
    return fx;
}

static void series_free(struct series *s)
{
    if (!s)
        return;
    pb__free(s->pts);
    pb__free(s);
}

void pb_fx_free(pb_fx *fx)
{
    if (!fx)
        return;
    for (size_t i = 0; i < fx->nseries; i++)
        series_free(fx->series[i]);
    pb__free(fx->series);
    for (size_t i = 0; i < fx->nsources; i++)
        pb__free(fx->sources[i]);
    pb__free(fx->sources);
    pb__free(fx);
}

const char *pb_fx_errmsg(const pb_fx *fx)
{
    if (!fx)
        return "out of memory";
    return fx->diag.msg;
}

/* ---- helpers ----------------------------------------------------------- */

/* Three ASCII capital letters. */
static bool code_wellformed(const char *code)
{
    if (!code)
        return false;
    for (int i = 0; i < 3; i++)
        if (code[i] < 'A' || code[i] > 'Z')
            return false;
    return code[3] == '\0';
}

static int key_cmp(const char *base_a, const char *quote_a, const char *base_b,
                   const char *quote_b)
{
    int c = memcmp(base_a, base_b, 3);
    return c ? c : memcmp(quote_a, quote_b, 3);
}

/* Index of the first series whose key is >= (base, quote). */
static size_t series_lower(const pb_fx *fx, const char *base, const char *quote)
{
    size_t lo = 0, hi = fx->nseries;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct series *s = fx->series[mid];
        if (key_cmp(s->base, s->quote, base, quote) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static struct series *series_find(const pb_fx *fx, const char *base, const char *quote)
{
    size_t i = series_lower(fx, base, quote);
    if (i < fx->nseries && key_cmp(fx->series[i]->base, fx->series[i]->quote, base, quote) == 0)
        return fx->series[i];
    return NULL;
}

static struct series *series_new(const char *base, const char *quote)
{
    struct series *s = pb__calloc(1, sizeof *s);
    if (!s)
        return NULL;
    memcpy(s->base, base, 4);
    memcpy(s->quote, quote, 4);
    s->sorted = true;
    return s;
}

/* Make room for `extra` more series in the index (never shrinks it, so a
 * failure leaves the table as it was). */
static bool series_reserve(pb_fx *fx, size_t extra)
{
    if (fx->nseries + extra <= fx->capseries)
        return true;
    size_t ncap = fx->capseries ? fx->capseries * 2 : 64;
    while (ncap < fx->nseries + extra)
        ncap *= 2;
    struct series **grown = pb__realloc(fx->series, ncap * sizeof *grown);
    if (!grown)
        return false;
    fx->series = grown;
    fx->capseries = ncap;
    return true;
}

/* Insert a series into the reserved index at its sorted place. */
static void series_insert(pb_fx *fx, struct series *s)
{
    size_t i = series_lower(fx, s->base, s->quote);
    memmove(fx->series + i + 1, fx->series + i, (fx->nseries - i) * sizeof *fx->series);
    fx->series[i] = s;
    fx->nseries++;
}

/* Make room for points [0, need) in a series. */
static bool points_reserve(struct series *s, size_t need)
{
    if (need <= s->cap)
        return true;
    size_t ncap = s->cap ? s->cap * 2 : 16;
    while (ncap < need)
        ncap *= 2;
    struct point *grown = pb__realloc(s->pts, ncap * sizeof *grown);
    if (!grown)
        return false;
    s->pts = grown;
    s->cap = ncap;
    return true;
}

static long source_find(const pb_fx *fx, const char *name)
{
    for (size_t i = 0; i < fx->nsources; i++)
        if (strcmp(fx->sources[i], name) == 0)
            return (long)i;
    return -1;
}

static bool sources_reserve(pb_fx *fx)
{
    if (fx->nsources < fx->capsources)
        return true;
    size_t ncap = fx->capsources ? fx->capsources * 2 : 8;
    char **grown = pb__realloc(fx->sources, ncap * sizeof *grown);
    if (!grown)
        return false;
    fx->sources = grown;
    fx->capsources = ncap;
    return true;
}

static int point_cmp(const void *a, const void *b)
{
    const struct point *p = a, *q = b;
    if (p->date != q->date)
        return p->date < q->date ? -1 : 1;
    if (p->seq != q->seq)
        return p->seq < q->seq ? -1 : 1;
    return 0;
}

/* Sort a series by date and keep only the newest point of each date. */
static void series_prepare(pb_fx *fx, struct series *s)
{
    if (s->sorted)
        return;
    if (s->len > 1)
        qsort(s->pts, s->len, sizeof *s->pts, point_cmp);
    size_t out = 0;
    for (size_t i = 0; i < s->len; i++) {
        if (out > 0 && s->pts[out - 1].date == s->pts[i].date)
            s->pts[out - 1] = s->pts[i]; /* later seq replaces */
        else
            s->pts[out++] = s->pts[i];
    }
    fx->count -= s->len - out;
    s->len = out;
    s->sorted = true;
}

/* Bring every series into lookup order. Needs no memory, so cannot fail. */
static void fx_prepare(pb_fx *fx)
{
    if (!fx->dirty)
        return;
    for (size_t i = 0; i < fx->nseries; i++)
        series_prepare(fx, fx->series[i]);
    fx->dirty = false;
}

/* Update a series' sorted flag after points [from, len) were appended. A run
 * appended newest first (as ECB files are) is reversed into order. */
static void series_appended(pb_fx *fx, struct series *s, size_t from)
{
    size_t n = s->len - from;
    if (n == 0)
        return;
    struct point *p = s->pts + from;
    bool desc = true, asc = true;
    for (size_t i = 1; i < n && (desc || asc); i++) {
        if (p[i].date >= p[i - 1].date)
            desc = false;
        if (p[i].date <= p[i - 1].date)
            asc = false;
    }
    if (desc && n > 1) {
        for (size_t i = 0, j = n - 1; i < j; i++, j--) {
            struct point t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        asc = true;
    }
    if (!(s->sorted && asc && (from == 0 || p[0].date > s->pts[from - 1].date))) {
        s->sorted = false;
        fx->dirty = true;
    }
}

/* ---- adding single rates ----------------------------------------------- */

pb_status pb_fx_add(pb_fx *fx, pb_date date, const char *base, const char *quote, double rate,
                    const char *source)
{
    if (!fx)
        return PB_ERR_USAGE;
    pb__diag_clear(&fx->diag);
    if (!source)
        source = "";
    if (!code_wellformed(base) || !code_wellformed(quote))
        return pb__diag_set(&fx->diag, PB_ERR_CURRENCY, NULL, 0,
                            "bad currency code '%s', expected three capital letters",
                            code_wellformed(base) ? (quote ? quote : "") : (base ? base : ""));
    if (strcmp(base, quote) == 0)
        return pb__diag_set(&fx->diag, PB_ERR_USAGE, NULL, 0,
                            "rate of %s against itself", base);
    if (date == PB_DATE_NONE)
        return pb__diag_set(&fx->diag, PB_ERR_USAGE, NULL, 0, "%s/%s rate without a date",
                            base, quote);
    if (!(rate > 0) || !isfinite(rate))
        return pb__diag_set(&fx->diag, PB_ERR_RANGE, NULL, 0,
                            "%s/%s rate must be a positive number, got %g", base, quote, rate);

    /* Get everything that can fail before changing anything. */
    struct series *s = series_find(fx, base, quote);
    struct series *fresh = NULL;
    char *fresh_source = NULL;
    long src = source_find(fx, source);
    if (!s) {
        fresh = series_new(base, quote);
        if (!fresh || !series_reserve(fx, 1))
            goto nomem;
        s = fresh;
    }
    if (src < 0) {
        fresh_source = pb__strdup(source);
        if (!fresh_source || !sources_reserve(fx))
            goto nomem;
    }
    if (!points_reserve(s, s->len + 1))
        goto nomem;

    if (fresh_source) {
        src = (long)fx->nsources;
        fx->sources[fx->nsources++] = fresh_source;
    }
    if (fresh)
        series_insert(fx, fresh);
    fx->seq++;
    s->pts[s->len++] = (struct point){date, (uint32_t)src, fx->seq, rate};
    fx->count++;
    series_appended(fx, s, s->len - 1);
    return PB_OK;

nomem:
    series_free(fresh);
    pb__free(fresh_source);
    return pb__diag_set(&fx->diag, PB_ERR_NOMEM, NULL, 0, "out of memory adding a %s/%s rate",
                        base, quote);
}

/* ---- ECB history ------------------------------------------------------- */

/* A field of the line being parsed: [p, p + len), spaces trimmed. */
struct field {
    const char *p;
    size_t len;
};

/* One currency column of an ECB file and the series its rates go into. */
struct column {
    char code[4];
    struct series *s; /* existing series, or `fresh` */
    struct series *fresh;
    size_t added;     /* points written past s->len */
};

/* The date of one data row, to find duplicate rows. */
struct row_date {
    pb_date date;
    long line;
};

struct ecb {
    pb_fx *fx;
    const char *name;
    const char *p, *end;
    long line;
    struct field *fields;
    size_t nfields, capfields;
};

static bool is_blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
            return false;
    return true;
}

/* Split the next non-blank line into fields. Returns 1 with a line, 0 at the
 * end of the text, -1 when out of memory. */
static int next_line(struct ecb *e)
{
    for (;;) {
        if (e->p >= e->end)
            return 0;
        const char *start = e->p;
        const char *nl = memchr(start, '\n', (size_t)(e->end - start));
        const char *stop = nl ? nl : e->end;
        e->p = nl ? nl + 1 : e->end;
        e->line++;
        if (stop > start && stop[-1] == '\r')
            stop--;
        if (is_blank(start, (size_t)(stop - start)))
            continue;
        e->nfields = 0;
        const char *f = start;
        for (;;) {
            const char *comma = memchr(f, ',', (size_t)(stop - f));
            const char *fe = comma ? comma : stop;
            const char *a = f, *b = fe;
            while (a < b && (*a == ' ' || *a == '\t'))
                a++;
            while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
                b--;
            if (e->nfields == e->capfields) {
                size_t ncap = e->capfields ? e->capfields * 2 : 64;
                struct field *grown = pb__realloc(e->fields, ncap * sizeof *grown);
                if (!grown)
                    return -1;
                e->fields = grown;
                e->capfields = ncap;
            }
            e->fields[e->nfields++] = (struct field){a, (size_t)(b - a)};
            if (!comma)
                break;
            f = comma + 1;
        }
        return 1;
    }
}

/* A field quoted for a message: at most 40 bytes, non-printing bytes as '?'. */
static const char *shown(const struct field *f, char buf[48])
{
    size_t n = f->len < 40 ? f->len : 40;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)f->p[i];
        buf[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    if (f->len > 40) {
        memcpy(buf + 40, "...", 3);
        n = 43;
    }
    buf[n] = '\0';
    return buf;
}

static double pow10_exact(int k)
{
    static const double p[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                               1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                               1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    return p[k];
}

/* A rate cell: digits with at most one point ("1.1684", "20082.05",
 * "13168"); the ECB writes no signs and no exponents. */
static bool parse_decimal(const struct field *f, double *out)
{
    for (size_t i = 0; i < f->len; i++)
        if (f->p[i] != '.' && (f->p[i] < '0' || f->p[i] > '9'))
            return false;
    return pb_decimal_parse(f->p, f->len, out);
}

static int row_date_cmp(const void *a, const void *b)
{
    const struct row_date *p = a, *q = b;
    if (p->date != q->date)
        return p->date < q->date ? -1 : 1;
    return p->line < q->line ? -1 : p->line > q->line;
}

pb_status pb_fx_load_ecb_text(pb_fx *fx, const char *name, const char *text, size_t len)
{
    if (!fx)
        return PB_ERR_USAGE;
    pb__diag_clear(&fx->diag);
    if (!name)
        name = "<ecb>";
    if (!text && len > 0)
        return pb__diag_set(&fx->diag, PB_ERR_USAGE, name, 0, "no text given");

    pb_status st = PB_OK;
    struct ecb e = {.fx = fx, .name = name, .p = text, .end = text ? text + len : text};
    struct column *cols = NULL;
    size_t ncols = 0, nfresh = 0;
    bool trailing = false; /* header ends with an empty field */
    struct row_date *rows = NULL;
    size_t nrows = 0, caprows = 0;
    char *fresh_source = NULL;
    char shown_buf[48];
    uint32_t seq = fx->seq + 1;

    /* A UTF-8 byte order mark is not part of the header. */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        e.p += 3;

    int r = next_line(&e);
    if (r < 0)
        goto nomem;
    if (r == 0) {
        st = pb__diag_set(&fx->diag, PB_ERR_PARSE, name, 1, "empty file, expected a Date header");
        goto done;
    }
    if (!(e.fields[0].len == 4 && memcmp(e.fields[0].p, "Date", 4) == 0)) {
        st = pb__diag_set(&fx->diag, PB_ERR_PARSE, name, e.line,
                          "expected a header starting with 'Date', found '%s'",
                          shown(&e.fields[0], shown_buf));
        goto done;
    }
    ncols = e.nfields - 1;
    if (ncols > 0 && e.fields[e.nfields - 1].len == 0) {
        trailing = true;
        ncols--;
    }
    if (ncols == 0) {
        st = pb__diag_set(&fx->diag, PB_ERR_PARSE, name, e.line, "header has no currency columns");
        goto done;
    }
    cols = pb__calloc(ncols, sizeof *cols);
    if (!cols)
        goto nomem;
    for (size_t c = 0; c < ncols; c++) {
        const struct field *f = &e.fields[c + 1];
        if (f->len != 3 || !code_wellformed((char[4]){f->p[0], f->p[1], f->p[2], '\0'})) {
            st = pb__diag_set(&fx->diag, PB_ERR_PARSE, name, e.line,
                              "bad currency code '%s' in column %zu, expected three capital "
                              "letters", shown(f, shown_buf), c + 2);
            goto done;
        }
        memcpy(cols[c].code, f->p, 3);
        if (strcmp(cols[c].code, "EUR") == 0) {
            st = pb__diag_set(&fx->diag, PB_ERR_PARSE, name, e.line,
                              "EUR column in a file of rates per EUR");
            goto done;
        }
        for (size_t k = 0; k < c; k++)
            if (strcmp(cols[k].code, cols[c].code) == 0) {
                st = pb__diag_set(&fx->diag, PB_ERR_PARSE, name, e.line,
                                  "duplicate currency column %s", cols[c].code);
                goto done;
            }
        cols[c].s = series_find(fx, "EUR", cols[c].code);
        if (!cols[c].s) {
            cols[c].fresh = series_new("EUR", cols[c].code);
            if (!cols[c].fresh)
                goto nomem;
            cols[c].s = cols[c].fresh;
            nfresh++;
        }
    }
    long src = source_find(fx, ECB_SOURCE);
    if (src < 0) {
        fresh_source = pb__strdup(ECB_SOURCE);
        if (!fresh_source)
            goto nomem;
        src = (long)fx->nsources; /* its index once committed */
    }

    /* Data rows: points are written past each series' length and only
     * counted in when the whole file has been read. */
    size_t want = ncols + 1 + (trailing ? 1 : 0);
    while ((r = next_line(&e)) > 0) {
        if (e.nfields != want) {
            st = pb__diag_set(&fx->diag, PB_ERR_PARSE, name, e.line,
                              "expected %zu fields like the header, found %zu", want, e.nfields);
            goto done;
        }
        char dbuf[11];
        pb_date date;
        const struct field *df = &e.fields[0];
        if (df->len != 10) {
            st = pb__diag_set(&fx->diag, PB_ERR_PARSE, name, e.line,
                              "bad date '%s', expected YYYY-MM-DD", shown(df, shown_buf));
            goto done;
        }
        memcpy(dbuf, df->p, 10);
        dbuf[10] = '\0';
        if (pb_date_parse(dbuf, &date) != PB_OK) {
            st = pb__diag_set(&fx->diag, PB_ERR_PARSE, name, e.line,
                              "bad date '%s', expected YYYY-MM-DD", shown(df, shown_buf));
            goto done;
        }
        if (trailing && e.fields[want - 1].len != 0) {
            st = pb__diag_set(&fx->diag, PB_ERR_PARSE, name, e.line,
                              "unexpected '%s' after the last rate",
                              shown(&e.fields[want - 1], shown_buf));
            goto done;
        }
        if (nrows == caprows) {
            size_t ncap = caprows ? caprows * 2 : 1024;
            struct row_date *grown = pb__realloc(rows, ncap * sizeof *grown);
            if (!grown)
                goto nomem;
            rows = grown;
            caprows = ncap;
        }
        rows[nrows++] = (struct row_date){date, e.line};
        for (size_t c = 0; c < ncols; c++) {
            const struct field *f = &e.fields[c + 1];
            if (f->len == 3 && memcmp(f->p, "N/A", 3) == 0)
                continue;
            double rate;
            if (!parse_decimal(f, &rate)) {
                st = pb__diag_set(&fx->diag, PB_ERR_PARSE, name, e.line,
                                  "bad %s rate '%s', expected a number or N/A", cols[c].code,
                                  shown(f, shown_buf));
                goto done;
            }
            if (!(rate > 0)) {
                st = pb__diag_set(&fx->diag, PB_ERR_PARSE, name, e.line,
                                  "%s rate must be positive, found '%s'", cols[c].code,
                                  shown(f, shown_buf));
                goto done;
            }
            struct series *s = cols[c].s;
            if (!points_reserve(s, s->len + cols[c].added + 1))
                goto nomem;
            s->pts[s->len + cols[c].added++] = (struct point){date, (uint32_t)src, seq, rate};
        }
    }
    if (r < 0)
        goto nomem;

    /* Two rows for one date: the file contradicts itself. */
    if (nrows > 1)
        qsort(rows, nrows, sizeof *rows, row_date_cmp);
    for (size_t i = 1; i < nrows; i++)
        if (rows[i].date == rows[i - 1].date) {
            char d[11];
            pb_date_format(rows[i].date, d);
            st = pb__diag_set(&fx->diag, PB_ERR_PARSE, name, rows[i].line,
                              "duplicate date %s (also on line %ld)", d, rows[i - 1].line);
            goto done;
        }

    /* Reserve the last things that can fail, then commit. */
    if (!series_reserve(fx, nfresh))
        goto nomem;
    if (fresh_source && !sources_reserve(fx))
        goto nomem;
    if (fresh_source) {
        fx->sources[fx->nsources++] = fresh_source;
        fresh_source = NULL;
    }
    for (size_t c = 0; c < ncols; c++) {
        struct column *col = &cols[c];
        if (col->fresh) {
            if (col->added == 0)
                continue; /* a column of N/A only: no series */
            series_insert(fx, col->fresh);
            col->fresh = NULL;
        }
        size_t from = col->s->len;
        col->s->len += col->added;
        fx->count += col->added;
        series_appended(fx, col->s, from);
    }
    fx->seq = seq;
    goto done;

nomem:
    st = pb__diag_set(&fx->diag, PB_ERR_NOMEM, name, 0, "out of memory loading rates");
done:
    for (size_t c = 0; c < ncols && cols; c++)
        series_free(cols[c].fresh);
    pb__free(cols);
    pb__free(rows);
    pb__free(e.fields);
    pb__free(fresh_source);
    return st;
}

pb_status pb_fx_load_ecb(pb_fx *fx, const char *path)
{
    if (!fx)
        return PB_ERR_USAGE;
    pb__diag_clear(&fx->diag);
    if (!path)
        return pb__diag_set(&fx->diag, PB_ERR_USAGE, NULL, 0, "no file given");
    char *buf = NULL;
    size_t len = 0;
    pb_status st = pb__read_file(path, MAX_ECB_FILE_BYTES, &buf, &len, &fx->diag);
    if (st != PB_OK)
        return st;
    st = pb_fx_load_ecb_text(fx, path, buf, len);
    pb__free(buf);
    return st;
}

/* ---- walking ----------------------------------------------------------- */

size_t pb_fx_count(const pb_fx *fx)
{
    if (!fx)
        return 0;
    /* Preparing only reorders and drops superseded duplicates; the handle is
     * never a const object (pb_fx_new allocates it), so this is sound. */
    fx_prepare((pb_fx *)fx);
    return fx->count;
}

pb_status pb_fx_each(const pb_fx *fx,
                     pb_status (*each)(void *ctx, pb_date date, const char *base,
                                       const char *quote, double rate, const char *source),
                     void *ctx)
{
    if (!fx || !each)
        return PB_ERR_USAGE;
    fx_prepare((pb_fx *)fx); /* see pb_fx_count */
    for (size_t i = 0; i < fx->nseries; i++) {
        const struct series *s = fx->series[i];
        for (size_t k = 0; k < s->len; k++) {
            const struct point *p = &s->pts[k];
            pb_status st = each(ctx, p->date, s->base, s->quote, p->rate, fx->sources[p->source]);
            if (st != PB_OK)
                return st;
        }
    }
    return PB_OK;
}

/* ---- lookup ------------------------------------------------------------ */

/* The latest point of a prepared series dated on or before `on`, or NULL. */
static const struct point *latest(const struct series *s, pb_date on)
{
    if (!s || s->len == 0)
        return NULL;
    size_t lo = 0, hi = s->len; /* first index with date > on */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->pts[mid].date <= on)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? &s->pts[lo - 1] : NULL;
}

/* Units of a currency per EUR, from EUR->X rates or inverted X->EUR rates. */
struct leg {
    const struct series *per_eur; /* EUR -> X */
    const struct series *in_eur;  /* X -> EUR */
};

/* The latest rate of a leg on or before `on`; EUR->X wins a same-date tie. */
static bool leg_latest(const struct leg *leg, pb_date on, pb_date *date, double *rate,
                       uint32_t *source)
{
    const struct point *a = latest(leg->per_eur, on);
    const struct point *b = latest(leg->in_eur, on);
    if (a && (!b || a->date >= b->date)) {
        *date = a->date, *rate = a->rate, *source = a->source;
        return true;
    }
    if (b) {
        *date = b->date, *rate = 1.0 / b->rate, *source = b->source;
        return true;
    }
    return false;
}

/* A currency the caller may ask about: well-formed and either known to
 * payband or present in this table. */
static bool currency_usable(const pb_fx *fx, const char *code)
{
    if (!code_wellformed(code))
        return false;
    if (pb_currency_known(code))
        return true;
    for (size_t i = 0; i < fx->nseries; i++)
        if (strcmp(fx->series[i]->base, code) == 0 || strcmp(fx->series[i]->quote, code) == 0)
            return true;
    return false;
}

static void quote_source(pb_fx_quote *q, const char *a, const char *b)
{
    if (!b || strcmp(a, b) == 0)
        snprintf(q->source, sizeof q->source, "%s", a);
    else
        snprintf(q->source, sizeof q->source, "%s+%s", a, b);
}

pb_status pb_fx_rate(pb_fx *fx, const char *from, const char *to, pb_date on,
                     pb_fx_quote *quote)
{
    if (!fx)
        return PB_ERR_USAGE;
    pb__diag_clear(&fx->diag);
    pb_fx_quote q = {.rate = 0, .date = PB_DATE_NONE};
    if (!currency_usable(fx, from) || !currency_usable(fx, to)) {
        const char *bad = currency_usable(fx, from) ? to : from;
        return pb__diag_set(&fx->diag, PB_ERR_CURRENCY, NULL, 0, "unknown currency '%s'",
                            bad ? bad : "");
    }
    if (on == PB_DATE_NONE)
        return pb__diag_set(&fx->diag, PB_ERR_USAGE, NULL, 0, "%s/%s rate asked without a date",
                            from, to);
    memcpy(q.from, from, 4);
    memcpy(q.to, to, 4);
    if (strcmp(from, to) == 0) {
        q.rate = 1.0;
        q.date = on;
        snprintf(q.source, sizeof q.source, "%s", SAME_CURRENCY_SOURCE);
        if (quote)
            *quote = q;
        return PB_OK;
    }
    fx_prepare(fx);

    /* Candidates in order of preference; the latest date wins, and an
     * earlier candidate wins a tie. */
    const struct point *direct = latest(series_find(fx, from, to), on);
    const struct point *inverse = latest(series_find(fx, to, from), on);
    if (direct && (!inverse || direct->date >= inverse->date)) {
        q.rate = direct->rate;
        q.date = direct->date;
        quote_source(&q, fx->sources[direct->source], NULL);
    } else if (inverse) {
        q.rate = 1.0 / inverse->rate;
        q.date = inverse->date;
        quote_source(&q, fx->sources[inverse->source], NULL);
    }

    if (strcmp(from, "EUR") != 0 && strcmp(to, "EUR") != 0) {
        /* Cross via EUR: the latest date on or before `on` with both legs. */
        struct leg la = {series_find(fx, "EUR", from), series_find(fx, from, "EUR")};
        struct leg lb = {series_find(fx, "EUR", to), series_find(fx, to, "EUR")};
        pb_date da, db;
        double ra, rb;
        uint32_t sa, sb;
        bool ok = leg_latest(&la, on, &da, &ra, &sa) && leg_latest(&lb, on, &db, &rb, &sb);
        while (ok && da != db) {
            if (da > db)
                ok = leg_latest(&la, db, &da, &ra, &sa);
            else
                ok = leg_latest(&lb, da, &db, &rb, &sb);
        }
        if (ok && (q.date == PB_DATE_NONE || da > q.date)) {
            q.rate = rb / ra;
            q.date = da;
            quote_source(&q, fx->sources[sa], fx->sources[sb]);
        }
    }

    if (q.date == PB_DATE_NONE) {
        char d[11];
        pb_date_format(on, d);
        return pb__diag_set(&fx->diag, PB_ERR_NO_RATE, NULL, 0,
                            "no %s/%s rate on or before %s", from, to, d);
    }
    if (quote)
        *quote = q;
    return PB_OK;
}

/* Round to the nearest integer, halves away from zero. A value within a few
 * ulps of a half counts as the half: 1.00 at a rate written 1.005 is meant to
 * give 1.01, though the double nearest 1.005 lies just below it. */
static double round_half_away(double v)
{
    double a = fabs(v);
    double fl = floor(a);
    double frac = a - fl;
    double tol = a * 16 * 2.220446049250313e-16;
    double r = fabs(frac - 0.5) <= tol ? fl + 1 : round(a);
    return v < 0 ? -r : r;
}

pb_status pb_fx_convert(pb_fx *fx, pb_money amount, const char *to, pb_date on, pb_money *out,
                        pb_fx_quote *quote)
{
    if (!fx || !out)
        return PB_ERR_USAGE;
    char from[4];
    memcpy(from, amount.currency, 3);
    from[3] = '\0';
    pb_fx_quote q;
    pb_status st = pb_fx_rate(fx, from, to, on, &q);
    if (st != PB_OK)
        return st;
    int ef = pb_currency_exponent(from), et = pb_currency_exponent(to);
    if (ef < 0 || et < 0)
        return pb__diag_set(&fx->diag, PB_ERR_CURRENCY, NULL, 0,
                            "no minor unit known for %s", ef < 0 ? from : to);
    pb_money m = {0, ""};
    memcpy(m.currency, to, 4);
    if (strcmp(from, to) == 0) {
        m.minor = amount.minor;
    } else {
        double v = (double)amount.minor * q.rate;
        if (et >= ef)
            v *= pow10_exact(et - ef);
        else
            v /= pow10_exact(ef - et);
        v = round_half_away(v);
        if (!isfinite(v) || fabs(v) >= 9.2e18)
            return pb__diag_set(&fx->diag, PB_ERR_RANGE, NULL, 0,
                                "%s amount converted to %s is too large", from, to);
        m.minor = (int64_t)v;
    }
    *out = m;
    if (quote)
        *quote = q;
    return PB_OK;
}
