/* reports_internal.h — what the files of src/reports/ share (internal): the
 * fields of a report, the mapping of column names to fields, one raw row,
 * the reference data rows are normalised with, a normalised report, and the
 * percentile and rounding rules. */
#ifndef PB_REPORTS_INTERNAL_H
#define PB_REPORTS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/buf.h"
#include "core/diag.h"
#include "payband/date.h"
#include "payband/reports.h"
#include "reports/strmap.h"
#include "store/db.h"

/* ---- fields and column names ------------------------------------------ */

enum pb__field {
    PB__F_COMPANY,
    PB__F_TITLE,
    PB__F_LEVEL,
    PB__F_LOCATION,
    PB__F_COUNTRY,
    PB__F_YEARS,
    PB__F_YEARS_AT,
    PB__F_BASE,
    PB__F_EQUITY,
    PB__F_BONUS,
    PB__F_TOTAL,
    PB__F_TOTAL_USD,
    PB__F_CURRENCY,
    PB__F_DATE,
    PB__F_TAG,
    PB__F_COUNT,
    PB__F_IGNORE = PB__F_COUNT, /* --map COLUMN=ignore */
    PB__F_NONE = -1,
};

/* The field a column header names through the synonym table, PB__F_NONE
 * when none ("totalyearlycompensation", "Total Comp" -> PB__F_TOTAL). */
int pb__field_of_header(const char *header, size_t n);
/* The field a --map value names ("total", "role", "ignore"), PB__F_NONE. */
int pb__field_of_name(const char *name);
/* The field's name as --map and JSON spell it. */
const char *pb__field_name(int field);

/* One row as read: the raw text of each field (NULL when the file has no
 * such column), NUL-terminated, and where it stands. */
struct pb__rawrow {
    const char *v[PB__F_COUNT];
    size_t n[PB__F_COUNT];
    long line;
};

/* ---- reference data (from the store, read once per import) ------------- */

struct pb__place_ref {
    char kind[8];  /* country, state, metro, city, remote */
    char *name;
    char code[8];
    char country[4];
    char state[8];
    char *metro;
};

typedef struct pb__refdata {
    pb__strmap alias;    /* company key -> index into alias_slug */
    char **alias_slug;
    size_t nalias;
    pb__strmap place;    /* place-name key -> index of its first entry in place_next */
    struct pb__place_ref *places;
    size_t nplaces;
    int64_t *name_place; /* per name entry: the place index */
    int64_t *name_next;  /* per name entry: the next entry with the same key, -1 */
    size_t nnames;
    pb__strmap level;    /* "company-slug\x1fLEVEL KEY" -> index into level_name */
    char **level_name;
    size_t nlevels;
} pb__refdata;

/* Read company aliases, places and the levels the level graph and bands
 * know, through the handle's statements. A handle without a store
 * (r->db NULL) has empty reference data. A failure is told on the handle. */
pb_status pb__refdata_load(pb__refdata *ref, pb_reports *r);
void pb__refdata_release(pb__refdata *ref);

/* ---- a normalised report ------------------------------------------------ */

#define PB__NAME_MAX 208

struct pb__region {
    char kind[8]; /* "city", "state", "country", "metro", "remote"; "" none */
    char key[PB__NAME_MAX * 2];
    char name[PB__NAME_MAX * 2];
    char city[PB__NAME_MAX];
    char city_key[PB__NAME_MAX];
    char state[16];
    char country[4];
    char metro[PB__NAME_MAX];
};

struct pb__report {
    long line;
    uint64_t hash;
    char company[PB__NAME_MAX];  /* key; "" none */
    char company_name[PB__NAME_MAX]; /* the spelling trimmed, spaces folded */
    bool company_alias;
    char role[PB__NAME_MAX];     /* key of the title; "" none */
    char role_name[PB__NAME_MAX];
    char level[PB__NAME_MAX];    /* key: upper case, single spaces; "" none */
    char level_name[PB__NAME_MAX]; /* the level graph's spelling when known */
    bool level_known;
    struct pb__region region;
    bool has_years, has_years_at;
    double years, years_at;
    char currency[4];
    bool has_base, has_equity, has_bonus, has_total;
    int64_t base, equity, bonus, total; /* minor units */
    int64_t tc;          /* the total, else base + equity + bonus */
    bool has_sum;
    int64_t sum;         /* base + equity + bonus, when base is known */
    bool tc_mismatch, base_zero;
    pb_date date;        /* PB_DATE_NONE when unknown */
};

/* Defaults an import applies to rows that lack a value. */
struct pb__defaults {
    const char *currency; /* NULL: none */
    pb_date as_of;        /* PB_DATE_NONE: none */
};

/* The content hash of a raw row (and of the defaults it needs). */
uint64_t pb__report_hash(const struct pb__rawrow *row, const struct pb__defaults *d);

/* Normalise one raw row. PB_ERR_PARSE with *why (static text, or text in
 * `whybuf`) when the row cannot be used. */
pb_status pb__report_normalise(const pb__refdata *ref, const struct pb__rawrow *row,
                               const struct pb__defaults *d, struct pb__report *out,
                               char *whybuf, size_t whycap, const char **why);

/* A location ("Mountain View, CA", "Bengaluru, KA, India", "PL", "Remote")
 * as a region; `country` (may be NULL) is a separate country column. False
 * when the text names nothing. */
bool pb__region_of(const pb__refdata *ref, const char *text, size_t n, const char *country,
                   size_t country_n, struct pb__region *out);

/* A date in one of the spellings reports use: ISO (with a time or not),
 * M/D/YYYY [H:MM[:SS]] [AM|PM], D.M.YYYY, YYYY/MM/DD, "7 Jun 2017",
 * "June 7, 2017", YYYY-MM, YYYY. */
bool pb__report_date(const char *text, size_t n, pb_date *out);

/* An amount: "127000", "16100.000000000002", "127,000", "127K", "1.5M",
 * "$127,000" (its currency must be `currency`). *missing for "", NA and
 * friends. */
pb_status pb__report_amount(const char *text, size_t n, const char *currency, int64_t *minor,
                            bool *missing, const char **why);

/* Drop spaces (ASCII and non-breaking) from both ends of text[0..n). */
void pb__report_trim(const char **text, size_t *n);

/* Text with its spaces folded: ends trimmed, every run of spaces, tabs and
 * non-breaking spaces one space; cut to fit cap bytes. */
void pb__fold_spaces(char *out, size_t cap, const char *text, size_t n);
/* A level's key: spaces folded and ASCII letters in upper case ("l5" and
 * "L 5 " are "L5" and "L 5"); false when it does not fit. */
bool pb__level_key(char *out, size_t cap, const char *text, size_t n);

/* Is the text one of the spellings of a missing value ("", NA, N/A, null, -)? */
bool pb__report_missing(const char *text, size_t n);

/* ---- the handle and the writer of an import ------------------------------ */

struct pb__qfilter; /* query_internal.h */

/* The slots of the handle's statement cache: each statement whose text is
 * fixed is prepared once a handle, on first use, and reused by every query
 * and import after (a prepare costs more than a small import's rows). */
enum {
    /* the query path (query.c, query_groups.c) */
    PB__SLOT_COMPANY,     /* a company by alias or slug */
    PB__SLOT_ROLE,
    PB__SLOT_LEVEL,
    PB__SLOT_CITY,        /* a region by city */
    PB__SLOT_STATE,
    PB__SLOT_COUNTRY,
    PB__SLOT_METRO,
    PB__SLOT_REMOTE,
    PB__SLOT_DIRTY,       /* is a company's report_group current? */
    PB__SLOT_ANY_DIRTY,
    PB__SLOT_GROUP_EXACT, /* the report_group questions of query_groups.c */
    PB__SLOT_GROUP_COMPANY,
    PB__SLOT_GROUP_ROLE,
    PB__SLOT_GROUP_LEVEL,
    PB__SLOT_GROUP_REGION,
    /* the writer of an import (writer.c) */
    PB__SLOT_SOURCE_FIND,  /* a source by key */
    PB__SLOT_SOURCE_ADD,
    PB__SLOT_SOURCE_AS_OF, /* the source's date raised to its latest report */
    PB__SLOT_ADD_COMPANY,  /* a company's id, added when new */
    PB__SLOT_ADD_ROLE,
    PB__SLOT_ADD_LEVEL,
    PB__SLOT_ADD_REGION,
    PB__SLOT_RAISE_COPIES,
    PB__SLOT_CLEAR_COUNTS, /* empty the temporary table import_count */
    PB__SLOT_RECORD_IMPORT,
    /* the groups an import rebuilds (groups.c) */
    PB__SLOT_COMPANY_REPORTS,
    PB__SLOT_TAKE_DIRTY,
    /* the reference data (region.c) */
    PB__SLOT_REF_ALIASES,
    PB__SLOT_REF_PLACES,
    PB__SLOT_REF_PLACE_NAMES,
    PB__SLOT_REF_LEVELS,
    /* the summary (summary.c) */
    PB__SLOT_SUMMARY_FILES,
    PB__SLOT_SUMMARY_CURRENCIES,
    PB__SLOT_SUMMARY_TOTALS,
    PB__STMT_COUNT
};

/* Statements whose text is made at run time (a query's filters, a short
 * last batch) are kept by text, the most recently used of them: the same
 * question asked again, or the next small import, is not prepared again. */
#define PB__GENERATED_MAX 32
#define PB__GENERATED_TEXT_MAX 8192 /* a longer text is prepared for one use */
struct pb__generated {
    char *sql;      /* its text (owned); NULL when the entry is empty */
    size_t len;
    pb__stmt *st;
    uint64_t used;  /* the handle's clock at its last use */
    bool busy;      /* handed out and not given back yet */
};

struct pb_reports {
    pb_store *store;
    pb__db *db;         /* the store's connection (borrowed) */
    pb__diag diag;
    pb__stmt *stmt[PB__STMT_COUNT]; /* prepared statements, by slot (above) */
    struct pb__generated generated[PB__GENERATED_MAX];
    uint64_t clock;
    pb__refdata ref;    /* aliases and places for queries, read on first use */
    bool ref_loaded;
    int64_t version;    /* the store's data version ref and names were read at */
    pb__strmap names;   /* query names -> index into resolved (query.c) */
    struct pb__qfilter *resolved;
    size_t nresolved;
};

#define PB__NAMES_MAX 1024

/* The handle's reference data, read from the store on first use (and again
 * after any connection wrote: pb__reports_notice_writes). */
pb_status pb__reports_refdata(pb_reports *r, const pb__refdata **out);
/* At the start of each call of the handle: when the store's data version
 * moved since the last (another connection, another process or this
 * handle wrote), the reference data and the names queries resolved are
 * forgotten, so that a handle kept for long (pb_reports_of, a server's
 * worker) answers as a new one would. */
void pb__reports_notice_writes(pb_reports *r);


/* A prepared statement of the handle's cache (slot < PB__STMT_COUNT),
 * reset and with no parameters bound. */
pb_status pb__reports_stmt(pb_reports *r, int slot, const char *sql, pb__stmt **out);
/* Each row of the handle's statement in `slot` (text `sql`) handed to
 * `row(st, ctx)` in turn, until one fails; a failed step is an error
 * naming `what`. The statement is reset after. */
pb_status pb__reports_each_row(pb_reports *r, int slot, const char *sql, const char *what,
                               pb_status (*row)(pb__stmt *st, void *ctx), void *ctx);
/* A statement of its own (finalize it). */
pb_status pb__reports_prepare(pb_reports *r, const char *sql, pb__stmt **out);
/* A statement of generated text, reset, from the handle's cache of recent
 * texts: prepared when new, and kept in place of the least recently used
 * entry not in use (not kept when every entry is in use, or when longer
 * than PB__GENERATED_TEXT_MAX: a batch of many rows compiles to a large
 * program). Give it back with pb__reports_done; do not finalize it. One
 * handed out is never evicted, so a caller may ask for a second while it
 * steps the first. */
pb_status pb__reports_generated(pb_reports *r, const char *sql, pb__stmt **out);
/* Give back a statement of pb__reports_generated (reset; NULL is nothing). */
void pb__reports_done(pb_reports *r, pb__stmt *st);
/* `rc`, a failure of the database door, told on the handle as "what: why"
 * (the door leaves "why" on the connection's message). */
pb_status pb__reports_db_error(pb_reports *r, pb_status rc, const char *what);

/* `body` in a read transaction (one snapshot; retried when another
 * connection's write gets in the way), after pb__reports_notice_writes:
 * its failure, or the transaction's, told on the handle. */
pb_status pb__reports_read(pb_reports *r, pb_status (*body)(void *ctx), void *ctx);

/* Binds parameters 1, 2, 3 ... of `st` in turn; the first failure sticks in
 * `rc` and later binds do nothing. */
typedef struct pb__binds {
    pb__stmt *st;
    int next; /* the parameter bound last */
    pb_status rc;
} pb__binds;
void pb__bind_int(pb__binds *b, int64_t v);
void pb__bind_opt_int(pb__binds *b, bool has, int64_t v); /* NULL when !has */
void pb__bind_double(pb__binds *b, double v);
void pb__bind_opt_double(pb__binds *b, bool has, double v);
void pb__bind_text(pb__binds *b, const char *s);          /* NULL binds NULL */
void pb__bind_nonempty(pb__binds *b, const char *s);      /* NULL or "" binds NULL */
void pb__bind_date(pb__binds *b, pb_date d);              /* PB_DATE_NONE binds NULL */

/* Rows of one INSERT held until there are enough of them (batch.c): the
 * values are copied as they are added; a flush sends them all in one
 * statement "head (?,...),(?,...)... tail" (pb__sql_values). */
struct pb__batch_value;
typedef struct pb__batch {
    const char *head, *tail; /* static text */
    int width, rows_max;     /* parameters of a row; rows of a full batch */
    int rows;                /* rows held */
    size_t used;             /* values held */
    struct pb__batch_value *values;
    char *row;               /* "(?,?,...)": one row's placeholders */
    pb__buf text;            /* the text values, each with its NUL */
    pb__stmt *full;          /* the statement of a full batch, once prepared */
} pb__batch;
/* PB_ERR_NOMEM (nothing told) when memory fails. */
pb_status pb__batch_init(pb__batch *b, const char *head, const char *tail, int width,
                         int rows_max);
void pb__batch_release(pb__batch *b);
bool pb__batch_full(const pb__batch *b);
/* The values of a row, `width` of them in the order of the columns, then
 * pb__batch_end_row (PB_ERR_NOMEM, nothing told, when a copy failed). */
void pb__batch_int(pb__batch *b, int64_t v);
void pb__batch_opt_int(pb__batch *b, bool has, int64_t v);       /* NULL when !has */
void pb__batch_opt_double(pb__batch *b, bool has, double v);     /* NULL when !has */
void pb__batch_text(pb__batch *b, const char *s);                /* NULL: NULL */
void pb__batch_date(pb__batch *b, pb_date d);                    /* PB_DATE_NONE: NULL */
pb_status pb__batch_end_row(pb__batch *b);
/* Send the rows held (none: nothing is sent) in one statement; `each` (when
 * not NULL) is called on every row it returns and its failure, told on the
 * handle, ends the flush. A failure of the database is told as "what: why".
 * The batch is empty afterwards, whatever happened. */
pb_status pb__batch_flush(pb__batch *b, pb_reports *r, const char *what,
                          pb_status (*each)(void *ctx, pb__stmt *st), void *ctx);

/* Writes one file's reports inside one transaction. */
typedef struct pb__writer {
    pb_reports *r;
    int64_t source;
    pb__stmt *company, *role, *level, *region; /* the handle's (PB__SLOT_ADD_*) */
    pb__batch reports, counts; /* INSERT INTO report / import_count */
    pb__strmap companies, roles, levels, regions; /* key -> id caches */
    pb__countmap touched;  /* company ids (0: none) whose groups change */
    uint64_t added, raised;
} pb__writer;

/* A write transaction, the source row (kind report; a key of another kind is
 * refused), the statements. */
pb_status pb__writer_begin(pb__writer *w, pb_reports *r, const char *source, const char *file);
/* Insert a report new to the store (a known hash is left alone). */
pb_status pb__writer_add(pb__writer *w, const struct pb__report *rep, const struct pb__rawrow *row);
/* Move the counts of rows seen into the temporary table import_count (the
 * map is cleared). */
pb_status pb__writer_flush_counts(pb__writer *w, pb__countmap *seen);
/* Raise copies to this file's counts, record the import, rebuild the groups
 * of the companies touched, COMMIT; or ROLLBACK when nothing changed
 * (*changed false). */
pb_status pb__writer_commit(pb__writer *w, const char *file, uint64_t records,
                            uint64_t accepted, uint64_t rejected, pb_date first, pb_date last,
                            bool *changed);
/* Roll back (when begun) and free everything. */
void pb__writer_abort(pb__writer *w);

/* What an import reads: an open file (read from its start), or, when `file`
 * is NULL, `len` bytes of text in memory (a request's body), read in place. */
typedef struct pb__import_input {
    FILE *file;
    const char *text;
    size_t len;
} pb__import_input;
/* pb_reports_import of `in`; `path` names it in messages and the source. */
pb_status pb__reports_import_input(pb_reports *r, const pb__import_input *in, const char *path,
                                   const pb_reports_import_options *opt, json_t **result);

/* Rebuild the report_group rows of the given companies (0: reports naming
 * none) and of every company in report_dirty, inside the caller's
 * transaction. */
pb_status pb__groups_rebuild(pb_reports *r, const pb__countmap *companies);

/* ---- percentiles -------------------------------------------------------- */

/* The quantile q (0..1) of n values sorted ascending, by linear
 * interpolation between order statistics: h = q (n - 1), the value at
 * floor(h) plus (h - floor(h)) times the step to the next (numpy's default,
 * DuckDB's quantile_cont). */
double pb__quantile_sorted(const double *sorted, size_t n, double q);

/* The same over distinct values with multiplicities (copies), sorted. */
double pb__quantile_weighted(const double *values, const uint64_t *copies, size_t count,
                             uint64_t n, double q);

/* The five quantiles payband prints. */
extern const double pb__quantiles[5];

/* The rounding step of a group's published figures (major units): the
 * smallest 1, 2 or 5 x 10^k at least (p90 - p10) / sqrt(n) and at least
 * |p50| / 1000, and at least one major unit (see docs/internals/reports.md). */
double pb__report_step(double p10, double p50, double p90, uint64_t n);
/* x rounded to the nearest multiple of step (half away from zero). */
double pb__round_to(double x, double step);

#endif
