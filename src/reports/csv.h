/* csv.h — a streaming reader of RFC 4180 CSV (internal): quoted fields,
 * doubled quotes, newlines inside quotes, CRLF or LF line ends, a UTF-8 byte
 * order mark. Memory stays bounded: one read buffer and the current record
 * (at most PB__CSV_MAX_RECORD bytes and PB__CSV_MAX_FIELDS fields).
 *
 * A malformed record is still returned, with `error` saying why, and the
 * reader goes on with the next one; only a read error stops it. */
#ifndef PB_CSV_H
#define PB_CSV_H

#include <stdint.h>
#include <stdio.h>

#define PB__CSV_MAX_RECORD (1u << 20)
#define PB__CSV_MAX_FIELDS 4096

typedef struct pb__csv pb__csv;

/* One record; the pointers stay valid until the next pb__csv_next. Fields
 * are unquoted and NUL-terminated (a field with a NUL byte is an error). */
struct pb__csv_record {
    size_t count;
    const char *const *field;
    const size_t *len;
    long line;         /* the physical line the record starts on */
    const char *error; /* NULL, or why the record is malformed (static text) */
};

/* A reader over an open file (borrowed, read from its current position) or
 * over `len` bytes in memory (borrowed). NULL when out of memory. */
pb__csv *pb__csv_open_file(FILE *f);
pb__csv *pb__csv_open_mem(const char *data, size_t len);
void pb__csv_close(pb__csv *c);

/* The next record: 1 a record, 0 the end of the input, -1 a read error
 * (errno tells) or no memory (the record's error is then pb__csv_nomem).
 * Empty lines are skipped. */
int pb__csv_next(pb__csv *c, struct pb__csv_record *rec);
extern const char pb__csv_nomem[];
/* Bytes consumed so far, for progress. */
uint64_t pb__csv_offset(const pb__csv *c);

#endif
