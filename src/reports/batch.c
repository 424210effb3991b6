/* batch.c — many rows in one statement: the import's rows are held in
 * memory (their values copied) until a batch is full, then sent as one
 * `INSERT ... VALUES (...),(...),...` through the database door, so that a
 * server (PostgreSQL) is asked once per batch rather than once per row. The
 * statement of a full batch is prepared once and reused; the last, shorter
 * batch of a file takes one from the handle's cache of generated text. The
 * rows a statement returns (RETURNING) go to the caller's function. */
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "reports/reports_internal.h"

enum kind { V_NULL, V_INT, V_DOUBLE, V_TEXT, V_DATE };

struct pb__batch_value {
    enum kind kind;
    union {
        int64_t i;    /* V_INT, V_DATE (a pb_date) */
        double d;     /* V_DOUBLE */
        size_t text;  /* V_TEXT: offset in the batch's text */
    } u;
};

pb_status pb__batch_init(pb__batch *b, const char *head, const char *tail, int width,
                         int rows_max)
{
    memset(b, 0, sizeof *b);
    b->head = head;
    b->tail = tail;
    b->width = width;
    b->rows_max = rows_max;
    b->values = pb__calloc((size_t)width * (size_t)rows_max, sizeof *b->values);
    /* one row's placeholders: "(?,?,?)" */
    b->row = pb__malloc((size_t)width * 2 + 2);
    if (!b->values || !b->row)
        return PB_ERR_NOMEM;
    char *p = b->row;
    *p++ = '(';
    for (int c = 0; c < width; c++) {
        if (c)
            *p++ = ',';
        *p++ = '?';
    }
    *p++ = ')';
    *p = '\0';
    return PB_OK;
}

void pb__batch_release(pb__batch *b)
{
    pb__sql_finalize(b->full);
    pb__free(b->values);
    pb__free(b->row);
    pb__buf_release(&b->text);
    memset(b, 0, sizeof *b);
}

bool pb__batch_full(const pb__batch *b)
{
    return b->rows == b->rows_max;
}

/* The next value of the row being added. */
static struct pb__batch_value *next(pb__batch *b)
{
    return &b->values[b->used++];
}

void pb__batch_int(pb__batch *b, int64_t v)
{
    struct pb__batch_value *x = next(b);
    x->kind = V_INT;
    x->u.i = v;
}

void pb__batch_opt_int(pb__batch *b, bool has, int64_t v)
{
    if (has)
        pb__batch_int(b, v);
    else
        next(b)->kind = V_NULL;
}

void pb__batch_opt_double(pb__batch *b, bool has, double v)
{
    struct pb__batch_value *x = next(b);
    x->kind = has ? V_DOUBLE : V_NULL;
    x->u.d = v;
}

void pb__batch_text(pb__batch *b, const char *s)
{
    struct pb__batch_value *x = next(b);
    x->kind = s ? V_TEXT : V_NULL;
    x->u.text = b->text.len;
    if (s) /* with its NUL: values follow one another in the text */
        pb__buf_append(&b->text, s, strlen(s) + 1);
}

void pb__batch_date(pb__batch *b, pb_date d)
{
    struct pb__batch_value *x = next(b);
    x->kind = d == PB_DATE_NONE ? V_NULL : V_DATE;
    x->u.i = d;
}

pb_status pb__batch_end_row(pb__batch *b)
{
    b->rows++;
    return pb__buf_status(&b->text);
}

/* The statement of `rows` rows: a full batch's is the batch's own; a
 * shorter one's is from the handle's cache of generated text, so the next
 * small import of the same table does not prepare it again. */
static pb_status prepare(pb__batch *b, pb_reports *r, int rows, pb__stmt **st)
{
    char *text = pb__sql_values(b->head, b->row, (size_t)rows, b->tail);
    if (!text)
        return pb__diag_set(r->db->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    pb_status rc = rows == b->rows_max ? pb__sql_prepare(r->db, text, st)
                                       : pb__reports_generated(r, text, st);
    pb__free(text);
    return rc;
}

static pb_status bind(pb__batch *b, pb__stmt *st)
{
    pb_status rc = PB_OK;
    for (size_t i = 0; rc == PB_OK && i < b->used; i++) {
        const struct pb__batch_value *x = &b->values[i];
        int n = (int)i + 1;
        switch (x->kind) {
        case V_NULL:
            rc = pb__sql_bind_null(st, n);
            break;
        case V_INT:
            rc = pb__sql_bind_int64(st, n, x->u.i);
            break;
        case V_DOUBLE:
            rc = pb__sql_bind_double(st, n, x->u.d);
            break;
        case V_TEXT:
            rc = pb__sql_bind_text(st, n, b->text.s + x->u.text);
            break;
        case V_DATE:
            rc = pb__sql_bind_date(st, n, (pb_date)x->u.i);
            break;
        }
    }
    return rc;
}

pb_status pb__batch_flush(pb__batch *b, pb_reports *r, const char *what,
                          pb_status (*each)(void *ctx, pb__stmt *st), void *ctx)
{
    if (b->rows == 0)
        return PB_OK;
    pb__stmt *st = b->rows == b->rows_max ? b->full : NULL;
    pb_status rc = st ? PB_OK : prepare(b, r, b->rows, &st);
    if (rc == PB_OK && b->rows == b->rows_max)
        b->full = st;
    if (rc == PB_OK)
        rc = bind(b, st);
    pb_status told = PB_OK; /* a failure of `each`, told already */
    bool row = rc == PB_OK;
    while (rc == PB_OK && told == PB_OK && row) {
        rc = pb__sql_step(st, &row);
        if (rc == PB_OK && row && each)
            told = each(ctx, st);
    }
    if (st == b->full)
        pb__sql_reset(st);
    else
        pb__reports_done(r, st);
    b->rows = 0;
    b->used = 0;
    b->text.len = 0;
    if (rc != PB_OK)
        return pb__reports_db_error(r, rc, what);
    return told;
}
