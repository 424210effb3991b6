/* csv.c — the streaming RFC 4180 reader: a state machine over a read buffer
 * that copies each record's unquoted bytes into one growing record buffer.
 * Runs of ordinary bytes are copied with one memcpy each. */
#include "reports/csv.h"

#include <stdbool.h>
#include <string.h>

#include "core/alloc.h"

#define CHUNK (1u << 18)

enum state { FIELD_START, UNQUOTED, QUOTED, QUOTE_SEEN };

struct pb__csv {
    FILE *file;
    const char *data; /* memory input, or the chunk buffer */
    char *chunk;      /* owned chunk buffer for file input */
    size_t pos, end;
    uint64_t consumed; /* bytes before data[0] */
    bool eof, started, skip_lf;
    long line; /* current physical line */
    /* the record being built */
    char *rec;
    size_t rec_len, rec_cap;
    size_t *start;    /* field start offsets into rec */
    size_t *len;      /* field lengths */
    const char **field;
    size_t nfields, fields_cap;
    const char *error;
};

pb__csv *pb__csv_open_file(FILE *f)
{
    pb__csv *c = pb__calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->chunk = pb__malloc(CHUNK);
    if (!c->chunk) {
        pb__free(c);
        return NULL;
    }
    c->file = f;
    c->data = c->chunk;
    c->line = 1;
    return c;
}

pb__csv *pb__csv_open_mem(const char *data, size_t len)
{
    pb__csv *c = pb__calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->data = data;
    c->end = len;
    c->eof = true;
    c->line = 1;
    return c;
}

void pb__csv_close(pb__csv *c)
{
    if (!c)
        return;
    pb__free(c->chunk);
    pb__free(c->rec);
    pb__free(c->start);
    pb__free(c->len);
    pb__free(c->field);
    pb__free(c);
}

uint64_t pb__csv_offset(const pb__csv *c)
{
    return c->consumed + c->pos;
}

/* Make bytes available at data[pos]; false at the end of input or on a read
 * error (c->error set). */
static bool fill(pb__csv *c)
{
    if (c->pos < c->end)
        return true;
    if (c->eof)
        return false;
    c->consumed += c->end;
    c->pos = 0;
    c->end = fread(c->chunk, 1, CHUNK, c->file);
    if (c->end == 0) {
        c->eof = true;
        return false;
    }
    return true;
}

const char pb__csv_nomem[] = "out of memory";

static void set_error(pb__csv *c, const char *why)
{
    if (!c->error)
        c->error = why;
}

/* Append bytes to the record, up to the record limit. */
static void append(pb__csv *c, const char *p, size_t n)
{
    if (n == 0)
        return;
    if (c->rec_len + n + 1 > PB__CSV_MAX_RECORD) {
        set_error(c, "record longer than 1 MiB");
        return;
    }
    if (c->rec_len + n + 1 > c->rec_cap) {
        size_t cap = c->rec_cap ? c->rec_cap : 4096;
        while (cap < c->rec_len + n + 1)
            cap *= 2;
        char *grown = pb__realloc(c->rec, cap);
        if (!grown) {
            set_error(c, pb__csv_nomem);
            return;
        }
        c->rec = grown;
        c->rec_cap = cap;
    }
    memcpy(c->rec + c->rec_len, p, n);
    c->rec_len += n;
}

/* Start a new field at the current end of the record. */
static void begin_field(pb__csv *c)
{
    if (c->nfields == PB__CSV_MAX_FIELDS) {
        set_error(c, "more than 4096 fields");
        return;
    }
    if (c->nfields == c->fields_cap) {
        size_t cap = c->fields_cap ? c->fields_cap * 2 : 64;
        size_t *s = pb__realloc(c->start, cap * sizeof *s);
        if (s)
            c->start = s;
        size_t *l = s ? pb__realloc(c->len, cap * sizeof *l) : NULL;
        if (l)
            c->len = l;
        const char **f = l ? pb__realloc(c->field, cap * sizeof *f) : NULL;
        if (!f) {
            set_error(c, pb__csv_nomem);
            return;
        }
        c->field = f;
        c->fields_cap = cap;
    }
    c->start[c->nfields++] = c->rec_len;
}

/* End the current field: its length, and a NUL after it. */
static void end_field(pb__csv *c)
{
    if (c->nfields == 0 || c->error)
        return;
    c->len[c->nfields - 1] = c->rec_len - c->start[c->nfields - 1];
    append(c, "", 1);
}

/* Bytes that end a run of an unquoted field. */
static const unsigned char stop_unquoted[256] = {[','] = 1, ['\n'] = 1, ['\r'] = 1, [0] = 1};

int pb__csv_next(pb__csv *c, struct pb__csv_record *rec)
{
    enum state st = FIELD_START;
    bool any = false;   /* the record has a byte, a quote or a separator */
    bool ended = false; /* by a line end */
    long first = c->line;
    c->rec_len = 0;
    c->nfields = 0;
    c->error = NULL;
    rec->count = 0;
    rec->error = NULL;
    if (!c->started) {
        c->started = true;
        if (fill(c) && c->end - c->pos >= 3 && memcmp(c->data + c->pos, "\xEF\xBB\xBF", 3) == 0)
            c->pos += 3;
    }
    while (!ended) {
        if (!fill(c)) {
            if (c->file && ferror(c->file)) {
                rec->error = "read error";
                return -1;
            }
            if (!any && c->nfields == 0)
                return 0;
            if (st == QUOTED)
                set_error(c, "a quoted field is not closed before the end of the file");
            if (st == FIELD_START)
                begin_field(c); /* after a final separator: an empty last field */
            end_field(c);
            break;
        }
        const char *p = c->data + c->pos, *end = c->data + c->end;
        if (c->skip_lf) {
            c->skip_lf = false;
            if (*p == '\n') {
                c->pos++;
                continue;
            }
        }
        unsigned char ch = (unsigned char)*p;
        if (st == FIELD_START) {
            if (c->nfields == 0)
                first = c->line;
            begin_field(c);
            if (ch == '"') {
                st = QUOTED;
                any = true;
                c->pos++;
                continue;
            }
            st = UNQUOTED;
        }
        if (st == UNQUOTED) {
            const char *q = p;
            while (q < end && !stop_unquoted[(unsigned char)*q])
                q++;
            append(c, p, (size_t)(q - p));
            any |= q > p;
            c->pos += (size_t)(q - p);
            if (q == end)
                continue;
            ch = (unsigned char)*q;
            c->pos++;
            if (ch == 0) {
                set_error(c, "a NUL byte in the record");
                continue;
            }
            end_field(c);
            if (ch == ',') {
                any = true;
                st = FIELD_START;
                continue;
            }
            c->line++; /* LF, CR LF or a lone CR ends the line */
            c->skip_lf = ch == '\r';
            if (!any && c->nfields == 1) { /* an empty line is no record */
                c->nfields = 0;
                c->rec_len = 0;
                c->error = NULL;
                st = FIELD_START;
                continue;
            }
            ended = true;
            continue;
        }
        if (st == QUOTED) {
            const char *q = p;
            long nl = 0;
            while (q < end && *q != '"' && *q != 0) {
                nl += *q == '\n';
                q++;
            }
            append(c, p, (size_t)(q - p));
            c->line += nl;
            c->pos += (size_t)(q - p);
            if (q == end)
                continue;
            c->pos++;
            if (*q == 0)
                set_error(c, "a NUL byte in the record");
            else
                st = QUOTE_SEEN;
            continue;
        }
        /* QUOTE_SEEN: a quote inside a quoted field, doubled or closing */
        if (ch == '"') {
            append(c, "\"", 1);
            c->pos++;
            st = QUOTED;
            continue;
        }
        if (ch != ',' && ch != '\n' && ch != '\r')
            set_error(c, "text after the closing quote of a field");
        st = UNQUOTED; /* the separator, or the stray text, is handled there */
    }
    if (!c->error)
        for (size_t i = 0; i < c->nfields; i++)
            c->field[i] = c->rec + c->start[i];
    rec->count = c->error ? 0 : c->nfields;
    rec->error = c->error;
    if (c->error == pb__csv_nomem)
        return -1; /* not a fault of the record's: the reading stops */
    rec->field = c->field;
    rec->len = c->len;
    rec->line = first;
    rec->error = c->error;
    return 1;
}
