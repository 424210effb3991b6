/* embedded.h — files compiled into the binary (internal): the schema
 * migrations of src/sql/ (SQLite) and src/sql/pg/ (PostgreSQL) and the
 * built-in dataset of data/. */
#ifndef PB_EMBEDDED_H
#define PB_EMBEDDED_H

#include <stddef.h>

struct pb__embedded_file {
    const char *name;  /* base name, e.g. "001_init.sql"; NULL ends a list */
    const char *text;  /* NUL-terminated contents */
    size_t size;
};

extern const struct pb__embedded_file pb__embedded_sql[];
extern const struct pb__embedded_file pb__embedded_pg_sql[];
extern const struct pb__embedded_file pb__embedded_data[];

#endif
