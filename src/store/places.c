/* places.c — the `company_aliases` and `regions` sections of facts files:
 * reading them with file:line errors, writing them to the company_alias,
 * place and place_name tables, and the name key both sides match on. */
#include "store/places.h"

#include <string.h>

#include "core/alloc.h"

/* Length of the UTF-8 sequence starting at p (at most n bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
    size_t len = p[0] < 0x80 ? 1 : (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3
                                   : (p[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || len > n || (len == 2 && p[0] < 0xC2))
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    return len;
}

/* Is the UTF-8 character a space (NBSP, the U+2000 block, narrow NBSP,
 * ideographic space, the BOM)? */
static bool unicode_space(const unsigned char *p, size_t len)
{
    if (len == 2)
        return p[0] == 0xC2 && p[1] == 0xA0;
    if (len != 3)
        return false;
    if (p[0] == 0xE2 && p[1] == 0x80 && (p[2] <= 0x8B || p[2] == 0xAF))
        return true;
    if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80)
        return true;
    return p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF;
}

bool pb__name_key(char *out, size_t cap, const char *text, size_t n)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t o = 0;
    bool gap = false;
    if (cap == 0)
        return false;
    for (size_t i = 0; i < n;) {
        size_t len = 1;
        bool word = false;
        if (s[i] < 0x80) {
            word = (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z') ||
                   (s[i] >= 'A' && s[i] <= 'Z');
        } else {
            len = utf8_len(s + i, n - i);
            word = len > 0 && !unicode_space(s + i, len);
            if (len == 0)
                len = 1;
        }
        if (!word) {
            gap = true;
            i += len;
            continue;
        }
        if (o + (gap && o > 0) + len >= cap) {
            out[0] = '\0';
            return false;
        }
        if (gap && o > 0)
            out[o++] = '-';
        gap = false;
        for (size_t k = 0; k < len; k++) {
            unsigned char c = s[i + k];
            out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
        }
        i += len;
    }
    out[o] = '\0';
    return true;
}

/* ---- reading --------------------------------------------------------- */

#define NOMEM(diag) pb__diag_set((diag), PB_ERR_NOMEM, NULL, 0, "out of memory")

struct reader {
    pb__yaml *y;
    pb__facts *facts;
    pb__diag *diag;
};

static pb_status text_field(struct reader *r, yaml_node_t *m, const char *key, bool required,
                            char **out)
{
    yaml_node_t *n = pb__yaml_get(r->y, m, key);
    const char *text = NULL;
    if (pb__yaml_is_null(n)) {
        if (required)
            return pb__diag_set(r->diag, PB_ERR_PARSE, r->y->file, pb__yaml_line(r->y, m),
                                "missing '%s'", key);
        return PB_OK;
    }
    pb_status st = pb__yaml_string(r->y, n, key, &text, r->diag);
    if (st != PB_OK)
        return st;
    char probe[256];
    if (!text[0] || !pb__name_key(probe, sizeof probe, text, strlen(text)) || !probe[0])
        return pb__diag_set(r->diag, PB_ERR_PARSE, r->y->file, pb__yaml_line(r->y, n),
                            "'%s' must have letters or digits and at most 200 bytes", key);
    *out = pb__strdup(text);
    return *out ? PB_OK : NOMEM(r->diag);
}

static pb_status read_line_no(struct reader *r, yaml_node_t *m, long *line)
{
    int64_t v = 0;
    yaml_node_t *n = pb__yaml_get(r->y, m, "line");
    pb_status st = pb__yaml_int(r->y, n, "line", &v, r->diag);
    if (st == PB_OK && n && !pb__yaml_is_null(n) && v < 1)
        return pb__diag_set(r->diag, PB_ERR_PARSE, r->y->file, pb__yaml_line(r->y, n),
                            "line must be 1 or more");
    *line = (long)v;
    return st;
}

static bool company_declared(const pb__facts *f, const char *slug)
{
    for (size_t i = 0; i < f->companies.count; i++)
        if (strcmp(f->companies.items[i].slug, slug) == 0)
            return true;
    return false;
}

static pb_status read_alias(struct reader *r, yaml_node_t *m)
{
    static const char *const keys[] = {"alias", "company", "note", "line", NULL};
    struct pb__company_alias *a = PB__PUSH(r->facts->company_aliases);
    if (!a)
        return NOMEM(r->diag);
    pb_status st = pb__yaml_check_keys(r->y, m, keys, r->diag);
    if (st == PB_OK)
        st = text_field(r, m, "alias", true, &a->alias);
    if (st == PB_OK)
        st = text_field(r, m, "company", true, &a->company);
    if (st == PB_OK && !company_declared(r->facts, a->company))
        st = pb__diag_set(r->diag, PB_ERR_PARSE, r->y->file,
                          pb__yaml_line(r->y, pb__yaml_get(r->y, m, "company")),
                          "company '%s' is not in this file's companies list", a->company);
    if (st == PB_OK)
        st = read_line_no(r, m, &a->line);
    if (st != PB_OK)
        return st;
    char key[256], other[256];
    pb__name_key(key, sizeof key, a->alias, strlen(a->alias));
    for (size_t i = 0; i + 1 < r->facts->company_aliases.count; i++) {
        const struct pb__company_alias *b = &r->facts->company_aliases.items[i];
        pb__name_key(other, sizeof other, b->alias, strlen(b->alias));
        if (strcmp(key, other) == 0)
            return pb__diag_set(r->diag, PB_ERR_PARSE, r->y->file, pb__yaml_line(r->y, m),
                                "alias '%s' is given twice (also for %s)", a->alias,
                                b->company);
    }
    return PB_OK;
}

/* Two capital letters: an ISO 3166-1 alpha-2 code. */
static bool iso_country(const char *s)
{
    return s && strlen(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

static pb_status read_aliases(struct reader *r, yaml_node_t *m, struct pb__place *p)
{
    yaml_node_t *list = pb__yaml_get(r->y, m, "aliases");
    if (pb__yaml_is_null(list))
        return PB_OK;
    pb_status st = pb__yaml_expect(r->y, list, YAML_SEQUENCE_NODE, "aliases", r->diag);
    size_t n = st == PB_OK ? pb__yaml_seq_len(list) : 0;
    if (st != PB_OK || n == 0)
        return st;
    p->aliases = pb__calloc(n, sizeof *p->aliases);
    if (!p->aliases)
        return NOMEM(r->diag);
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *item = pb__yaml_seq_at(r->y, list, i);
        const char *text = NULL;
        char probe[256];
        st = pb__yaml_string(r->y, item, "aliases", &text, r->diag);
        if (st != PB_OK)
            return st;
        if (!pb__name_key(probe, sizeof probe, text, strlen(text)) || !probe[0])
            return pb__diag_set(r->diag, PB_ERR_PARSE, r->y->file, pb__yaml_line(r->y, item),
                                "an alias must have letters or digits and at most 200 bytes");
        if (!(p->aliases[i] = pb__strdup(text)))
            return NOMEM(r->diag);
        p->alias_count = i + 1;
    }
    return PB_OK;
}

static pb_status read_place(struct reader *r, yaml_node_t *m)
{
    static const char *const keys[] = {"name", "kind", "code", "country", "state", "metro",
                                       "aliases", "note", "line", NULL};
    static const char *const kinds[] = {"country", "state", "metro", "city", "remote", NULL};
    struct pb__place *p = PB__PUSH(r->facts->places);
    if (!p)
        return NOMEM(r->diag);
    long at = pb__yaml_line(r->y, m);
    pb_status st = pb__yaml_check_keys(r->y, m, keys, r->diag);
    if (st == PB_OK)
        st = text_field(r, m, "name", true, &p->name);
    if (st == PB_OK)
        st = text_field(r, m, "kind", true, &p->kind);
    bool known = false;
    for (size_t i = 0; st == PB_OK && kinds[i]; i++)
        known |= strcmp(p->kind, kinds[i]) == 0;
    if (st == PB_OK && !known)
        return pb__diag_set(r->diag, PB_ERR_PARSE, r->y->file, at,
                            "kind must be country, state, metro, city or remote, not '%s'",
                            p->kind);
    if (st == PB_OK)
        st = text_field(r, m, "code", false, &p->code);
    if (st == PB_OK)
        st = text_field(r, m, "country", false, &p->country);
    if (st == PB_OK)
        st = text_field(r, m, "state", false, &p->state);
    if (st == PB_OK)
        st = text_field(r, m, "metro", false, &p->metro);
    if (st == PB_OK)
        st = read_aliases(r, m, p);
    if (st == PB_OK)
        st = read_line_no(r, m, &p->line);
    if (st != PB_OK)
        return st;
    bool country = strcmp(p->kind, "country") == 0, city = strcmp(p->kind, "city") == 0;
    bool remote = strcmp(p->kind, "remote") == 0;
    if (country && !iso_country(p->code))
        return pb__diag_set(r->diag, PB_ERR_PARSE, r->y->file, at,
                            "a country needs its ISO 3166-1 code: two capital letters");
    if (country && p->country)
        return pb__diag_set(r->diag, PB_ERR_PARSE, r->y->file, at,
                            "a country has a code, not a country");
    if (!country && !remote && !iso_country(p->country))
        return pb__diag_set(r->diag, PB_ERR_PARSE, r->y->file, at,
                            "a %s needs the ISO code of its country: two capital letters",
                            p->kind);
    if (remote && (p->country || p->code))
        return pb__diag_set(r->diag, PB_ERR_PARSE, r->y->file, at,
                            "remote takes no country or code");
    if (!city && (p->state || p->metro))
        return pb__diag_set(r->diag, PB_ERR_PARSE, r->y->file, at,
                            "only a city has a state or a metro");
    if (country && !(p->country = pb__strdup(p->code)))
        return NOMEM(r->diag);
    return PB_OK;
}

static pb_status each(struct reader *r, yaml_node_t *root, const char *what,
                      pb_status (*one)(struct reader *, yaml_node_t *))
{
    yaml_node_t *list = pb__yaml_get(r->y, root, what);
    if (pb__yaml_is_null(list))
        return PB_OK;
    pb_status st = pb__yaml_expect(r->y, list, YAML_SEQUENCE_NODE, what, r->diag);
    for (size_t i = 0; st == PB_OK && i < pb__yaml_seq_len(list); i++) {
        yaml_node_t *m = pb__yaml_seq_at(r->y, list, i);
        st = pb__yaml_expect(r->y, m, YAML_MAPPING_NODE, what, r->diag);
        if (st == PB_OK)
            st = one(r, m);
    }
    return st;
}

pb_status pb__dataset_read_places(pb__yaml *y, yaml_node_t *root, pb__facts *facts,
                                  pb__diag *diag)
{
    struct reader r = {y, facts, diag};
    pb_status st = each(&r, root, "company_aliases", read_alias);
    if (st == PB_OK)
        st = each(&r, root, "regions", read_place);
    return st;
}

void pb__places_release(pb__facts *f)
{
    for (size_t i = 0; i < f->company_aliases.count; i++) {
        pb__free(f->company_aliases.items[i].alias);
        pb__free(f->company_aliases.items[i].company);
    }
    for (size_t i = 0; i < f->places.count; i++) {
        struct pb__place *p = &f->places.items[i];
        pb__free(p->kind);
        pb__free(p->name);
        pb__free(p->code);
        pb__free(p->country);
        pb__free(p->state);
        pb__free(p->metro);
        for (size_t j = 0; j < p->alias_count; j++)
            pb__free(p->aliases[j]);
        pb__free(p->aliases);
    }
    pb__free(f->company_aliases.items);
    pb__free(f->places.items);
}

/* ---- writing --------------------------------------------------------- */

static pb_status bind_line(pb__stmt *st, int i, long line)
{
    return line > 0 ? pb__sql_bind_int64(st, i, line) : pb__sql_bind_null(st, i);
}

static pb_status write_alias(pb__stmt *st, const struct pb__company_alias *a, int64_t company,
                             int64_t source)
{
    char key[256];
    pb__name_key(key, sizeof key, a->alias, strlen(a->alias));
    pb_status rc = pb__sql_bind_text(st, 1, key);
    if (rc == PB_OK)
        rc = pb__sql_bind_int64(st, 2, company);
    if (rc == PB_OK)
        rc = pb__sql_bind_int64(st, 3, source);
    if (rc == PB_OK)
        rc = bind_line(st, 4, a->line);
    return rc == PB_OK ? pb__sql_run(st) : rc;
}

/* Insert the place (the statement returns its id) and give back its id. */
static pb_status write_place(pb__db *db, pb__stmt *st, const struct pb__place *p,
                             int64_t source, int64_t *id)
{
    pb_status rc = pb__sql_bind_int64(st, 1, source);
    if (rc == PB_OK)
        rc = bind_line(st, 2, p->line);
    const char *texts[] = {p->kind, p->name, p->code, p->country, p->state, p->metro};
    for (int i = 0; rc == PB_OK && i < 6; i++)
        rc = pb__sql_bind_text(st, 3 + i, texts[i]);
    bool row = false;
    if (rc == PB_OK)
        rc = pb__sql_step(st, &row);
    if (rc == PB_OK && row)
        *id = pb__sql_int64(st, 0);
    else if (rc == PB_OK)
        rc = pb__diag_set(db->diag, PB_ERR_DB, NULL, 0, "place: the insert returned no id");
    pb__sql_reset(st);
    return rc;
}

static pb_status write_name(pb__stmt *st, int64_t place, const char *text)
{
    char key[256];
    if (!text || !pb__name_key(key, sizeof key, text, strlen(text)) || !key[0])
        return PB_OK;
    pb_status rc = pb__sql_bind_text(st, 1, key);
    if (rc == PB_OK)
        rc = pb__sql_bind_int64(st, 2, place);
    return rc == PB_OK ? pb__sql_run(st) : rc;
}

pb_status pb__store_write_places(pb__db *db, const pb__facts *f, int64_t source,
                                 pb_status (*company_id)(void *ctx, const char *slug,
                                                         int64_t *id),
                                 void *ctx)
{
    pb__stmt *alias = NULL, *place = NULL, *name = NULL;
    if (f->company_aliases.count == 0 && f->places.count == 0)
        return PB_OK;
    /* a later alias of the same spelling (this document's or another's)
     * takes it over */
    pb_status rc = pb__sql_prepare(db,
                                   "INSERT INTO company_alias(key, company_id, source_id, line) "
                                   "VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
                                   "company_id = excluded.company_id, "
                                   "source_id = excluded.source_id, line = excluded.line",
                                   &alias);
    if (rc == PB_OK)
        rc = pb__sql_prepare(db,
                             "INSERT INTO place(source_id, line, kind, name, code, country, "
                             "state, metro) VALUES (?,?,?,?,?,?,?,?) RETURNING id",
                             &place);
    if (rc == PB_OK)
        rc = pb__sql_prepare(db,
                             "INSERT INTO place_name(key, place_id) VALUES (?, ?) "
                             "ON CONFLICT (key, place_id) DO NOTHING",
                             &name);
    for (size_t i = 0; rc == PB_OK && i < f->company_aliases.count; i++) {
        const struct pb__company_alias *a = &f->company_aliases.items[i];
        int64_t id = 0;
        rc = company_id(ctx, a->company, &id);
        if (rc == PB_OK)
            rc = write_alias(alias, a, id, source);
    }
    for (size_t i = 0; rc == PB_OK && i < f->places.count; i++) {
        const struct pb__place *p = &f->places.items[i];
        int64_t id = 0;
        rc = write_place(db, place, p, source, &id);
        if (rc == PB_OK)
            rc = write_name(name, id, p->name);
        if (rc == PB_OK)
            rc = write_name(name, id, p->code);
        for (size_t j = 0; rc == PB_OK && j < p->alias_count; j++)
            rc = write_name(name, id, p->aliases[j]);
    }
    pb__sql_finalize(alias);
    pb__sql_finalize(place);
    pb__sql_finalize(name);
    return rc;
}
