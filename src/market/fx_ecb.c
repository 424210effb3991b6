/* fx_ecb.c — the ECB reference-rate history loader: one pass over the CSV
 * text, every rate written into spare capacity and committed only when the
 * whole file has been read, so that a bad file changes nothing. The table
 * is left prepared (see fx_internal.h). See docs/internals/fx.md. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/diag.h"
#include "core/fileio.h"
#include "market/fx_internal.h"
#include "payband/fx.h"
#include "payband/number.h"

#define ECB_SOURCE "ecb"
/* An ECB history is about 2 MB; this leaves room for decades more. */
#define MAX_ECB_FILE_BYTES (256u * 1024u * 1024u)


/* A field of the line being parsed: [p, p + len), spaces trimmed. */
struct field {
    const char *p;
    size_t len;
};

/* One currency column of an ECB file and the series its rates go into. */
struct column {
    char code[4];
    struct pb__fx_series *s; /* existing series, or `fresh` */
    struct pb__fx_series *fresh;
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
        if (f->len != 3 || !pb__fx_code_ok((char[4]){f->p[0], f->p[1], f->p[2], '\0'})) {
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
        cols[c].s = pb__fx_series_find(fx, "EUR", cols[c].code);
        if (!cols[c].s) {
            cols[c].fresh = pb__fx_series_new("EUR", cols[c].code);
            if (!cols[c].fresh)
                goto nomem;
            cols[c].s = cols[c].fresh;
            nfresh++;
        }
    }
    long src = pb__fx_source_find(fx, ECB_SOURCE);
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
            if (!pb_fx_rate_allowed(rate)) {
                st = pb__diag_set(&fx->diag, PB_ERR_PARSE, name, e.line,
                                  "%s rate '%s' is out of range (%g to %g per EUR)",
                                  cols[c].code, shown(f, shown_buf), PB_FX_RATE_MIN,
                                  PB_FX_RATE_MAX);
                goto done;
            }
            struct pb__fx_series *s = cols[c].s;
            if (!pb__fx_points_reserve(s, s->len + cols[c].added + 1))
                goto nomem;
            s->pts[s->len + cols[c].added++] = (struct pb__fx_point){date, (uint32_t)src, seq, rate};
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
    if (!pb__fx_series_reserve(fx, nfresh))
        goto nomem;
    if (fresh_source && !pb__fx_sources_reserve(fx))
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
            pb__fx_series_insert(fx, col->fresh);
            col->fresh = NULL;
        }
        size_t from = col->s->len;
        col->s->len += col->added;
        fx->count += col->added;
        pb__fx_series_merge(fx, col->s, from);
    }
    fx->seq = seq;
    goto done;

nomem:
    st = pb__diag_set(&fx->diag, PB_ERR_NOMEM, name, 0, "out of memory loading rates");
done:
    for (size_t c = 0; c < ncols && cols; c++)
        pb__fx_series_free(cols[c].fresh);
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

