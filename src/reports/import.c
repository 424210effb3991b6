/* import.c — `pb_reports_import`: open a report file, tell CSV from a JSON
 * array or JSON Lines, map its columns (or keys) to report fields through
 * the synonym table and --map, then stream the rows: a row already seen in
 * this file only counts once more, a new one is normalised and written (or,
 * in a dry run, listed). Rows that cannot be read are counted and the
 * first 20 kept as "file:line: why". */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/alloc.h"
#include "core/jsonutil.h"
#include "store/places.h"
#include "reports/csv.h"
#include "reports/jsonrows.h"
#include "reports/reports_internal.h"

#define MAX_ERRORS 20
/* Rows seen in one file kept in memory before their counts go to the store. */
#define SEEN_MAX (1u << 20)
#define PROGRESS_EVERY 4096

enum format { FORMAT_CSV, FORMAT_JSON_ARRAY, FORMAT_JSON_LINES };

struct mapping {
    char column[128];
    int field;
    bool used;
};

struct importer {
    pb_reports *r;
    const char *path;
    const pb_reports_import_options *opt;
    struct pb__defaults d;
    pb__refdata ref;            /* an import's own reference data */
    const pb__refdata *refdata; /* what rows are normalised with: ref, or in a dry run the
                                   handle's (read once for the handle: nothing is written) */
    pb__countmap seen;
    pb__writer w;
    bool writing;
    struct mapping *maps;
    size_t nmaps;
    int *colfield; /* CSV: the field of each column, PB__F_NONE */
    size_t ncols;
    pb__strmap keyfield; /* JSON: key -> field + 1 (0: none) */
    uint64_t size, records, accepted, rejected;
    int shown_pct; /* the last percentage progress was told */
    pb_date first, last;
    json_t *errors, *rows, *columns, *ignored;
};

#define NOMEM(im) pb__diag_set(&(im)->r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory")

static bool same_name(const char *a, size_t n, const char *b)
{
    if (strlen(b) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char x = a[i], y = b[i];
        x = (char)(x >= 'A' && x <= 'Z' ? x + 32 : x);
        y = (char)(y >= 'A' && y <= 'Z' ? y + 32 : y);
        if (x != y)
            return false;
    }
    return true;
}

static pb_status parse_maps(struct importer *im)
{
    if (im->opt->nmap == 0)
        return PB_OK;
    im->maps = pb__calloc(im->opt->nmap, sizeof *im->maps);
    if (!im->maps)
        return NOMEM(im);
    for (size_t i = 0; i < im->opt->nmap; i++) {
        const char *spec = im->opt->map[i];
        const char *eq = strrchr(spec, '=');
        if (!eq || eq == spec || (size_t)(eq - spec) >= sizeof im->maps[i].column)
            return pb__diag_set(&im->r->diag, PB_ERR_USAGE, NULL, 0,
                                "--map needs COLUMN=FIELD, not '%s'", spec);
        int f = pb__field_of_name(eq + 1);
        if (f == PB__F_NONE)
            return pb__diag_set(&im->r->diag, PB_ERR_USAGE, NULL, 0,
                                "--map %s: unknown field '%s' (company, title, level, location, "
                                "country, years, years_at_company, base, equity, bonus, total, "
                                "total_usd, currency, date, tag or ignore)",
                                spec, eq + 1);
        snprintf(im->maps[i].column, sizeof im->maps[i].column, "%.*s", (int)(eq - spec), spec);
        im->maps[i].field = f;
        im->nmaps = i + 1;
    }
    return PB_OK;
}

/* The field a column or key names: --map first, then the synonyms. */
static int field_of(struct importer *im, const char *name, size_t n)
{
    for (size_t i = 0; i < im->nmaps; i++)
        if (same_name(name, n, im->maps[i].column)) {
            im->maps[i].used = true;
            return im->maps[i].field == PB__F_IGNORE ? PB__F_NONE : im->maps[i].field;
        }
    return pb__field_of_header(name, n);
}

static pb_status reject(struct importer *im, long line, const char *why)
{
    im->rejected++;
    if (im->opt->strict)
        return pb__diag_set(&im->r->diag, PB_ERR_PARSE, im->path, line, "%s", why);
    if (json_array_size(im->errors) < MAX_ERRORS) {
        char msg[600];
        snprintf(msg, sizeof msg, "%s:%ld: %s", im->path, line, why);
        if (json_array_append_new(im->errors, json_string(msg)) != 0)
            return NOMEM(im);
    }
    return PB_OK;
}

static json_t *money_or_null(bool has, int64_t minor, const char *currency)
{
    return has ? pb__json_money(minor, currency) : json_null();
}

static json_t *raw_json(const struct pb__rawrow *row, int f)
{
    return row->v[f] ? json_stringn(row->v[f], row->n[f]) : json_null();
}

/* A normalised row for a dry run: what was read beside what it became. */
static json_t *row_json(const struct pb__report *p, const struct pb__rawrow *row)
{
    const char *c = p->currency;
    json_t *o = json_object();
    if (!o)
        return NULL;
    int bad = 0;
    bad |= json_object_set_new(o, "line", json_integer(p->line));
    bad |= json_object_set_new(o, "company_raw", raw_json(row, PB__F_COMPANY));
    bad |= json_object_set_new(o, "company", pb__json_str(p->company[0] ? p->company : NULL));
    bad |= json_object_set_new(o, "company_alias", json_boolean(p->company_alias));
    bad |= json_object_set_new(o, "title_raw", raw_json(row, PB__F_TITLE));
    bad |= json_object_set_new(o, "role", pb__json_str(p->role[0] ? p->role : NULL));
    bad |= json_object_set_new(o, "level_raw", raw_json(row, PB__F_LEVEL));
    bad |= json_object_set_new(o, "level", pb__json_str(p->level[0] ? p->level_name : NULL));
    bad |= json_object_set_new(o, "level_known", json_boolean(p->level_known));
    bad |= json_object_set_new(o, "location_raw", raw_json(row, PB__F_LOCATION));
    const struct pb__region *g = &p->region;
    bad |= json_object_set_new(o, "region", pb__json_str(g->kind[0] ? g->name : NULL));
    bad |= json_object_set_new(o, "region_kind", pb__json_str(g->kind[0] ? g->kind : NULL));
    bad |= json_object_set_new(o, "city", pb__json_str(g->city[0] ? g->city : NULL));
    bad |= json_object_set_new(o, "state", pb__json_str(g->state[0] ? g->state : NULL));
    bad |= json_object_set_new(o, "country", pb__json_str(g->country[0] ? g->country : NULL));
    bad |= json_object_set_new(o, "metro", pb__json_str(g->metro[0] ? g->metro : NULL));
    bad |= json_object_set_new(o, "years", p->has_years ? json_real(p->years) : json_null());
    bad |= json_object_set_new(o, "years_at_company",
                               p->has_years_at ? json_real(p->years_at) : json_null());
    bad |= json_object_set_new(o, "currency", json_string(c));
    bad |= json_object_set_new(o, "base", money_or_null(p->has_base, p->base, c));
    bad |= json_object_set_new(o, "equity", money_or_null(p->has_equity, p->equity, c));
    bad |= json_object_set_new(o, "bonus", money_or_null(p->has_bonus, p->bonus, c));
    bad |= json_object_set_new(o, "total", money_or_null(p->has_total, p->total, c));
    bad |= json_object_set_new(o, "components_sum", money_or_null(p->has_sum, p->sum, c));
    bad |= json_object_set_new(o, "tc", pb__json_money(p->tc, c));
    bad |= json_object_set_new(o, "tc_mismatch", json_boolean(p->tc_mismatch));
    bad |= json_object_set_new(o, "base_zero", json_boolean(p->base_zero));
    bad |= json_object_set_new(o, "date", pb__json_date(p->date));
    bad |= json_object_set_new(o, "tag", raw_json(row, PB__F_TAG));
    char hash[17];
    snprintf(hash, sizeof hash, "%016llx", (unsigned long long)p->hash);
    bad |= json_object_set_new(o, "hash", json_string(hash));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Tell the caller how far the file is read, once a percent at most. */
static void progress(struct importer *im, uint64_t offset)
{
    if (!im->opt->progress || im->records % PROGRESS_EVERY != 0 || im->size == 0)
        return;
    if (offset > im->size)
        offset = im->size;
    int pct = (int)(offset * 100 / im->size);
    if (pct > im->shown_pct && offset < im->size) {
        im->shown_pct = pct;
        im->opt->progress(im->opt->progress_ctx, offset, im->size);
    }
}

static pb_status take_row(struct importer *im, const struct pb__rawrow *row)
{
    im->records++;
    uint64_t h = 0;
    if (!im->opt->dry_run) {
        h = pb__report_hash(row, &im->d);
        if (pb__countmap_bump(&im->seen, h)) { /* the same row again in this file */
            im->accepted++;
            return PB_OK;
        }
    }
    struct pb__report rep;
    char whybuf[160];
    const char *why = "";
    if (pb__report_normalise(im->refdata, row, &im->d, &rep, whybuf, sizeof whybuf, &why) !=
        PB_OK)
        return reject(im, row->line, why);
    im->accepted++;
    if (rep.date != PB_DATE_NONE) {
        if (im->first == PB_DATE_NONE || rep.date < im->first)
            im->first = rep.date;
        if (im->last == PB_DATE_NONE || rep.date > im->last)
            im->last = rep.date;
    }
    if (im->opt->dry_run) {
        json_t *o = row_json(&rep, row);
        if (!o || json_array_append_new(im->rows, o) != 0)
            return NOMEM(im);
        return PB_OK;
    }
    pb_status rc = pb__writer_add(&im->w, &rep, row);
    bool fresh;
    if (rc == PB_OK && pb__countmap_add(&im->seen, h, 1, &fresh) != PB_OK)
        rc = NOMEM(im);
    if (rc == PB_OK && pb__countmap_count(&im->seen) >= SEEN_MAX)
        rc = pb__writer_flush_counts(&im->w, &im->seen);
    return rc;
}

/* ---- CSV ---------------------------------------------------------------- */

static pb_status csv_header(struct importer *im, const struct pb__csv_record *h)
{
    im->ncols = h->count;
    im->colfield = pb__malloc((h->count ? h->count : 1) * sizeof *im->colfield);
    if (!im->colfield)
        return NOMEM(im);
    bool taken[PB__F_COUNT] = {false};
    for (size_t i = 0; i < h->count; i++) {
        const char *name = h->field[i];
        size_t n = h->len[i];
        pb__report_trim(&name, &n);
        int f = field_of(im, name, n);
        im->colfield[i] = PB__F_NONE;
        if (f == PB__F_NONE)
            continue;
        json_t *col = json_stringn(name, n);
        if (!col)
            return NOMEM(im);
        if (taken[f]) {
            json_t *note = json_pack("{s:o, s:s}", "column", col, "field", pb__field_name(f));
            if (!note || json_array_append_new(im->ignored, note) != 0)
                return NOMEM(im);
            continue;
        }
        taken[f] = true;
        im->colfield[i] = f;
        if (json_object_setn_new(im->columns, name, n, json_string(pb__field_name(f))) != 0) {
            json_decref(col);
            return NOMEM(im);
        }
        json_decref(col);
    }
    if (!taken[PB__F_TOTAL] && !taken[PB__F_TOTAL_USD] && !taken[PB__F_BASE])
        return pb__diag_set(&im->r->diag, PB_ERR_PARSE, im->path, h->line,
                            "no pay column: no header names a total, a base salary or a total "
                            "in USD; use --map COLUMN=total");
    return PB_OK;
}

/* The reader stopped: no memory, or the file could not be read. */
static pb_status read_error(struct importer *im, const struct pb__csv_record *rec)
{
    if (rec->error == pb__csv_nomem)
        return NOMEM(im);
    return pb__diag_set(&im->r->diag, PB_ERR_IO, im->path, 0, "%s",
                        rec->error ? rec->error : strerror(errno));
}

static pb_status read_csv(struct importer *im, pb__csv *csv)
{
    struct pb__csv_record rec;
    int got = pb__csv_next(csv, &rec);
    if (got < 0)
        return read_error(im, &rec);
    if (got == 0)
        return pb__diag_set(&im->r->diag, PB_ERR_PARSE, im->path, 1, "empty file: no header");
    if (rec.error)
        return pb__diag_set(&im->r->diag, PB_ERR_PARSE, im->path, rec.line, "header: %s",
                            rec.error);
    pb_status rc = csv_header(im, &rec);
    for (size_t i = 0; rc == PB_OK && i < im->nmaps; i++)
        if (!im->maps[i].used)
            rc = pb__diag_set(&im->r->diag, PB_ERR_USAGE, im->path, 0, "--map: no column '%s'",
                              im->maps[i].column);
    while (rc == PB_OK && (got = pb__csv_next(csv, &rec)) > 0) {
        struct pb__rawrow row;
        memset(&row, 0, sizeof row);
        row.line = rec.line;
        if (rec.error) {
            im->records++;
            rc = reject(im, rec.line, rec.error);
            continue;
        }
        if (rec.count != im->ncols) {
            char why[80];
            snprintf(why, sizeof why, "%zu fields where the header has %zu", rec.count,
                     im->ncols);
            im->records++;
            rc = reject(im, rec.line, why);
            continue;
        }
        for (size_t i = 0; i < rec.count; i++)
            if (im->colfield[i] != PB__F_NONE) {
                row.v[im->colfield[i]] = rec.field[i];
                row.n[im->colfield[i]] = rec.len[i];
            }
        rc = take_row(im, &row);
        progress(im, pb__csv_offset(csv));
    }
    if (rc == PB_OK && got < 0)
        rc = read_error(im, &rec);
    return rc;
}

/* ---- JSON --------------------------------------------------------------- */

/* The field of a JSON key, cached. */
static pb_status key_field(struct importer *im, const char *key, int *field)
{
    size_t n = strlen(key);
    int64_t v;
    if (pb__strmap_get(&im->keyfield, key, n, &v)) {
        *field = (int)v - 1;
        return PB_OK;
    }
    *field = field_of(im, key, n);
    if (*field != PB__F_NONE && !json_object_get(im->columns, key) &&
        json_object_set_new(im->columns, key, json_string(pb__field_name(*field))) != 0)
        return NOMEM(im);
    return pb__strmap_put(&im->keyfield, key, n, *field + 1) == PB_OK ? PB_OK : NOMEM(im);
}

static pb_status json_row(struct importer *im, json_t *obj, long line)
{
    struct pb__rawrow row;
    char numbers[PB__F_COUNT][32];
    memset(&row, 0, sizeof row);
    row.line = line;
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        int f;
        pb_status rc = key_field(im, key, &f);
        if (rc != PB_OK)
            return rc;
        if (f == PB__F_NONE || row.v[f] || json_is_null(v))
            continue;
        if (json_is_string(v)) {
            row.v[f] = json_string_value(v);
            row.n[f] = json_string_length(v);
        } else if (json_is_integer(v) || json_is_real(v) || json_is_boolean(v)) {
            int len = json_is_integer(v)
                          ? snprintf(numbers[f], sizeof numbers[f], "%lld",
                                     (long long)json_integer_value(v))
                      : json_is_real(v)
                          ? snprintf(numbers[f], sizeof numbers[f], "%.17g", json_real_value(v))
                          : snprintf(numbers[f], sizeof numbers[f], "%s",
                                     json_is_true(v) ? "true" : "false");
            row.v[f] = numbers[f];
            row.n[f] = (size_t)len;
        } else {
            char why[200];
            im->records++;
            snprintf(why, sizeof why, "'%.60s' is not a single value", key);
            return reject(im, line, why);
        }
    }
    return take_row(im, &row);
}

static pb_status read_json(struct importer *im, pb__jsonrows *j)
{
    pb_status rc = PB_OK;
    json_t *obj = NULL;
    long line = 0;
    const char *why = "";
    int got = 0;
    while (rc == PB_OK && (got = pb__jsonrows_next(j, &obj, &line, &why)) > 0) {
        if (!obj) {
            im->records++;
            rc = reject(im, line, why);
            continue;
        }
        rc = json_row(im, obj, line);
        json_decref(obj);
        progress(im, pb__jsonrows_offset(j));
    }
    if (rc == PB_OK && got < 0)
        rc = pb__diag_set(&im->r->diag, got == -1 && strcmp(why, "read error") == 0
                                            ? PB_ERR_IO : PB_ERR_PARSE,
                          im->path, 0, "%s", why);
    return rc;
}

/* ---- the import --------------------------------------------------------- */

/* The format, from the first byte after a BOM and spaces of `head`. */
static enum format sniff(const unsigned char *head, size_t n)
{
    size_t i = 0;
    if (n >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
        i++;
    if (i < n && head[i] == '[')
        return FORMAT_JSON_ARRAY;
    if (i < n && head[i] == '{')
        return FORMAT_JSON_LINES;
    return FORMAT_CSV;
}

static enum format sniff_input(const pb__import_input *in)
{
    if (!in->file)
        return sniff((const unsigned char *)in->text, in->len < 512 ? in->len : 512);
    unsigned char head[512];
    size_t n = fread(head, 1, sizeof head, in->file);
    rewind(in->file);
    return sniff(head, n);
}

static json_t *date_or_null(pb_date d)
{
    return pb__json_date(d);
}

static json_t *result_json(struct importer *im, const char *source, enum format fmt,
                           bool changed)
{
    static const char *const formats[] = {"csv", "json", "jsonl"};
    json_t *o = json_pack("{s:s, s:s, s:s, s:O, s:O, s:I, s:I, s:I, s:I, s:I, s:b, s:o, s:o, "
                          "s:O, s:b}",
                          "file", im->path, "source", source, "format", formats[fmt],
                          "columns", im->columns, "ignored_columns", im->ignored,
                          "records", (json_int_t)im->records, "accepted",
                          (json_int_t)im->accepted, "rejected", (json_int_t)im->rejected,
                          "added", (json_int_t)im->w.added, "raised", (json_int_t)im->w.raised,
                          "changed", changed, "first_date", date_or_null(im->first),
                          "last_date", date_or_null(im->last), "errors", im->errors,
                          "dry_run", im->opt->dry_run);
    if (o && im->opt->dry_run && json_object_set(o, "reports", im->rows) != 0) {
        json_decref(o);
        o = NULL;
    }
    return o;
}

static void release(struct importer *im)
{
    if (im->writing)
        pb__writer_abort(&im->w);
    pb__refdata_release(&im->ref);
    pb__countmap_clear(&im->seen);
    pb__strmap_clear(&im->keyfield);
    pb__free(im->maps);
    pb__free(im->colfield);
    json_decref(im->errors);
    json_decref(im->rows);
    json_decref(im->columns);
    json_decref(im->ignored);
}

pb_status pb_reports_import(pb_reports *r, const char *path,
                            const pb_reports_import_options *opt, json_t **result)
{
    *result = NULL;
    pb__diag_clear(&r->diag);
    FILE *f = fopen(path, "rb");
    if (!f)
        return pb__diag_set(&r->diag, PB_ERR_IO, path, 0, "cannot open: %s", strerror(errno));
    pb__import_input in = {f, NULL, 0};
    pb_status rc = pb__reports_import_input(r, &in, path, opt, result);
    fclose(f);
    return rc;
}

pb_status pb__reports_import_input(pb_reports *r, const pb__import_input *in, const char *path,
                                   const pb_reports_import_options *opt, json_t **result)
{
    static const pb_reports_import_options none = {.as_of = PB_DATE_NONE};
    struct importer im = {.r = r, .path = path, .opt = opt ? opt : &none, .shown_pct = -1};
    pb__csv *csv = NULL;
    pb__jsonrows *json = NULL;
    char source[PB__NAME_MAX + 16];
    bool changed = false;
    enum format fmt = FORMAT_CSV;
    *result = NULL;
    im.d.currency = im.opt->currency;
    im.d.as_of = im.opt->as_of;
    im.first = im.last = PB_DATE_NONE;
    pb__diag_clear(&r->diag);
    pb__reports_notice_writes(r);
    im.errors = json_array();
    im.rows = json_array();
    im.columns = json_object();
    im.ignored = json_array();
    pb_status rc = im.errors && im.rows && im.columns && im.ignored ? PB_OK : NOMEM(&im);
    if (rc == PB_OK && im.d.currency && !pb_currency_known(im.d.currency))
        rc = pb__diag_set(&r->diag, PB_ERR_CURRENCY, NULL, 0, "unknown currency '%s'",
                          im.d.currency);
    if (rc == PB_OK)
        rc = parse_maps(&im);
    if (rc == PB_OK) {
        struct stat sb;
        if (!in->file)
            im.size = in->len;
        else if (fstat(fileno(in->file), &sb) == 0)
            im.size = (uint64_t)sb.st_size;
        fmt = sniff_input(in);
        const char *slash = strrchr(path, '/');
        char key[PB__NAME_MAX];
        pb__name_key(key, sizeof key, slash ? slash + 1 : path, strlen(slash ? slash + 1 : path));
        snprintf(source, sizeof source, "%s%s", im.opt->source ? "" : "reports-",
                 im.opt->source ? im.opt->source : key);
        if (im.opt->dry_run)
            rc = pb__reports_refdata(r, &im.refdata);
        else if ((rc = pb__refdata_load(&im.ref, r)) == PB_OK)
            im.refdata = &im.ref;
    }
    if (rc == PB_OK && !im.opt->dry_run) {
        rc = pb__writer_begin(&im.w, r, source, path);
        im.writing = true;
    }
    if (rc == PB_OK && fmt == FORMAT_CSV) {
        if (!(csv = in->file ? pb__csv_open_file(in->file) : pb__csv_open_mem(in->text, in->len)))
            rc = NOMEM(&im);
        else
            rc = read_csv(&im, csv);
    } else if (rc == PB_OK) {
        bool array = fmt == FORMAT_JSON_ARRAY;
        if (!(json = in->file ? pb__jsonrows_open_file(in->file, array)
                              : pb__jsonrows_open_mem(in->text, in->len, array)))
            rc = NOMEM(&im);
        else
            rc = read_json(&im, json);
    }
    for (size_t i = 0; rc == PB_OK && fmt != FORMAT_CSV && i < im.nmaps; i++)
        if (!im.maps[i].used)
            rc = pb__diag_set(&r->diag, PB_ERR_USAGE, path, 0, "--map: no key '%s'",
                              im.maps[i].column);
    if (rc == PB_OK && im.opt->progress)
        im.opt->progress(im.opt->progress_ctx, im.size, im.size);
    if (rc == PB_OK && im.writing)
        rc = pb__writer_flush_counts(&im.w, &im.seen);
    if (rc == PB_OK && im.writing) {
        im.writing = false;
        rc = pb__writer_commit(&im.w, path, im.records, im.accepted, im.rejected, im.first,
                               im.last, &changed);
    }
    /* the next call reads the reference data again if this one wrote
     * (pb__reports_notice_writes) */
    if (rc == PB_OK || (rc == PB_ERR_PARSE && im.opt->strict && im.rejected > 0)) {
        *result = result_json(&im, source, fmt, changed);
        if (!*result && rc == PB_OK)
            rc = NOMEM(&im);
    }
    pb__csv_close(csv);
    pb__jsonrows_close(json);
    release(&im);
    return rc;
}
