/* status.h — the one status enum every payband function returns.
 *
 * Codes are append-only: a value, once published, keeps its number forever.
 * The detailed message for a failure lives on the handle that failed
 * (pb_store_errmsg, pb_fx_errmsg, ...); pb_strerror gives the short class. */
#ifndef PAYBAND_STATUS_H
#define PAYBAND_STATUS_H

typedef enum pb_status {
    PB_OK = 0,
    PB_ERR_NOMEM = 1,     /* an allocation failed */
    PB_ERR_USAGE = 2,     /* a caller passed an invalid argument */
    PB_ERR_PARSE = 3,     /* input is malformed */
    PB_ERR_IO = 4,        /* a file could not be read or written */
    PB_ERR_DB = 5,        /* the database reported an error */
    PB_ERR_NOT_FOUND = 6, /* nothing matches */
    PB_ERR_CURRENCY = 7,  /* unknown currency, or currencies that cannot be mixed */
    PB_ERR_NO_RATE = 8,   /* no exchange rate on or before the date asked */
    PB_ERR_AMBIGUOUS = 9, /* input or a selector matches more than one thing */
    PB_ERR_RANGE = 10,    /* a value is outside what can be represented or allowed */
    PB_ERR_SCHEMA = 11,   /* the database was written by a newer payband */
} pb_status;

/* A short, lower-case, static description of a status code. */
const char *pb_strerror(pb_status status);

#endif
