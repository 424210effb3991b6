/* serve.h — the entry point of `payband serve`: the options the command
 * line gives, and the function that runs the server until SIGTERM. */
#ifndef PAYBAND_SERVE_H
#define PAYBAND_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct srv_options {
    const char *host;          /* numeric address to listen on ("127.0.0.1", "::1") */
    unsigned port;             /* 0: any free port (printed on start) */
    const char *db;            /* database path, already created and migrated */
    const char *token_file;    /* NULL: writes are refused */
    int threads;               /* worker threads, each with its own store handle */
    bool private_reads;        /* reads need the token too */
    size_t max_body;           /* request body cap, bytes (413 beyond) */
    unsigned max_connections;  /* open connections overall */
    unsigned max_per_ip;       /* open connections from one address */
    unsigned idle_timeout;     /* seconds a connection may stay silent */
    unsigned request_timeout;  /* seconds to receive one whole request */
    double max_simulation;     /* paths x years x offers in one request */
    unsigned rate_limit;       /* expensive requests per minute per address; 0: off */
    unsigned rate_burst;       /* how many of them may come at once */
    bool cache;                /* keep GET results until the data or the date changes */
    int32_t today;             /* the day taken as today (PAYBAND_TODAY); PB_DATE_NONE
                                  (INT32_MIN): the system clock's, day by day */
    bool access_log;           /* one line per request on stderr */
};

/* Fill in the defaults (docs/serve.md). */
void srv_options_default(struct srv_options *opt);

/* Serve until SIGTERM or SIGINT, then finish the requests in flight and
 * return 0; 1 when the server cannot start (the reason on stderr). */
int srv_run(const struct srv_options *opt);

#endif
