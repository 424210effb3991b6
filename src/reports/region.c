/* region.c — the reference data of an import (company aliases, places and
 * the levels the store knows, read from the store once) and the reading of
 * a report's location into a region: city, state, country and metro area,
 * with the original text kept by the caller. */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "store/places.h"
#include "reports/reports_internal.h"

#define NOMEM(diag) pb__diag_set((diag), PB_ERR_NOMEM, NULL, 0, "out of memory")

void pb__refdata_release(pb__refdata *ref)
{
    pb__strmap_clear(&ref->alias);
    for (size_t i = 0; i < ref->nalias; i++)
        pb__free(ref->alias_slug[i]);
    pb__free(ref->alias_slug);
    pb__strmap_clear(&ref->place);
    for (size_t i = 0; i < ref->nplaces; i++) {
        pb__free(ref->places[i].name);
        pb__free(ref->places[i].metro);
    }
    pb__free(ref->places);
    pb__free(ref->name_place);
    pb__free(ref->name_next);
    pb__strmap_clear(&ref->level);
    for (size_t i = 0; i < ref->nlevels; i++)
        pb__free(ref->level_name[i]);
    pb__free(ref->level_name);
    memset(ref, 0, sizeof *ref);
}

/* `array` (of `count` elements of `size` bytes, room for `*cap`) with room
 * for one more; NULL when out of memory, the array left as it was. */
static void *room(void *array, size_t count, size_t *cap, size_t size)
{
    if (count < *cap)
        return array;
    size_t more = *cap ? *cap * 2 : 64;
    void *grown = pb__realloc(array, more * size);
    if (grown)
        *cap = more;
    return grown;
}

static void copy_col(char *dst, size_t cap, pb__stmt *st, int col)
{
    const char *t = pb__sql_text(st, col);
    snprintf(dst, cap, "%s", t ? t : "");
}

struct loading {
    pb__refdata *ref;  /* being filled */
    pb__diag *diag;
    size_t cap;        /* of the array being filled */
    size_t place_cap, next_cap; /* of name_place, name_next */
    pb__strmap ids;    /* place id -> index */
};

static pb_status alias_row(pb__stmt *st, void *ctx)
{
    struct loading *l = ctx;
    pb__refdata *ref = l->ref;
    const char *key = pb__sql_text(st, 0);
    const char *slug = pb__sql_text(st, 1);
    if (!key || !slug)
        return PB_OK;
    char **slugs = room(ref->alias_slug, ref->nalias, &l->cap, sizeof *slugs);
    if (!slugs)
        return NOMEM(l->diag);
    ref->alias_slug = slugs;
    char *copy = pb__strdup(slug);
    if (!copy || pb__strmap_put(&ref->alias, key, strlen(key), (int64_t)ref->nalias) != PB_OK) {
        pb__free(copy);
        return NOMEM(l->diag);
    }
    ref->alias_slug[ref->nalias++] = copy;
    return PB_OK;
}

static pb_status load_aliases(pb__refdata *ref, pb_reports *r)
{
    struct loading l = {.ref = ref, .diag = &r->diag};
    return pb__reports_each_row(r, PB__SLOT_REF_ALIASES,
                                "SELECT a.key, c.slug FROM company_alias a "
                                "JOIN company c ON c.id = a.company_id",
                                "aliases", alias_row, &l);
}

static pb_status place_row(pb__stmt *st, void *ctx)
{
    struct loading *l = ctx;
    pb__refdata *ref = l->ref;
    struct pb__place_ref *places = room(ref->places, ref->nplaces, &l->cap, sizeof *places);
    if (!places)
        return NOMEM(l->diag);
    ref->places = places;
    struct pb__place_ref *p = &ref->places[ref->nplaces];
    memset(p, 0, sizeof *p);
    char id[24];
    int len = snprintf(id, sizeof id, "%lld", (long long)pb__sql_int64(st, 0));
    copy_col(p->kind, sizeof p->kind, st, 1);
    copy_col(p->code, sizeof p->code, st, 3);
    copy_col(p->country, sizeof p->country, st, 4);
    copy_col(p->state, sizeof p->state, st, 5);
    bool oom = false;
    p->name = pb__sql_dup(st, 2, &oom);
    p->metro = pb__sql_dup(st, 6, &oom);
    ref->nplaces++;
    if (oom || !p->name ||
        pb__strmap_put(&l->ids, id, (size_t)len, (int64_t)ref->nplaces - 1) != PB_OK)
        return NOMEM(l->diag);
    return PB_OK;
}

static pb_status place_name_row(pb__stmt *st, void *ctx)
{
    struct loading *l = ctx;
    pb__refdata *ref = l->ref;
    const char *key = pb__sql_text(st, 0);
    char id[24];
    int len = snprintf(id, sizeof id, "%lld", (long long)pb__sql_int64(st, 1));
    int64_t index = -1, head = -1;
    if (!key || !pb__strmap_get(&l->ids, id, (size_t)len, &index))
        return PB_OK;
    int64_t *place = room(ref->name_place, ref->nnames, &l->place_cap, sizeof *place);
    if (place)
        ref->name_place = place;
    int64_t *next = place ? room(ref->name_next, ref->nnames, &l->next_cap, sizeof *next) : NULL;
    if (!next)
        return NOMEM(l->diag);
    ref->name_next = next;
    size_t e = ref->nnames++;
    ref->name_place[e] = index;
    ref->name_next[e] = pb__strmap_get(&ref->place, key, strlen(key), &head) ? head : -1;
    if (pb__strmap_put(&ref->place, key, strlen(key), (int64_t)e) != PB_OK)
        return NOMEM(l->diag);
    return PB_OK;
}

static pb_status load_places(pb__refdata *ref, pb_reports *r)
{
    struct loading l = {.ref = ref, .diag = &r->diag};
    pb_status rc = pb__reports_each_row(
        r, PB__SLOT_REF_PLACES,
        "SELECT id, kind, name, code, country, state, metro FROM place ORDER BY id", "places",
        place_row, &l);
    if (rc == PB_OK)
        rc = pb__reports_each_row(r, PB__SLOT_REF_PLACE_NAMES,
                                  "SELECT key, place_id FROM place_name ORDER BY place_id, key",
                                  "place names", place_name_row, &l);
    pb__strmap_clear(&l.ids);
    return rc;
}

static pb_status level_row(pb__stmt *st, void *ctx)
{
    struct loading *l = ctx;
    pb__refdata *ref = l->ref;
    const char *slug = pb__sql_text(st, 0);
    const char *name = pb__sql_text(st, 1);
    char key[PB__NAME_MAX * 2], level[PB__NAME_MAX];
    if (!slug || !name || !pb__level_key(level, sizeof level, name, strlen(name)) || !level[0])
        return PB_OK;
    int len = snprintf(key, sizeof key, "%s\x1f%s", slug, level);
    int64_t old;
    if (len < 0 || (size_t)len >= sizeof key || pb__strmap_get(&ref->level, key, (size_t)len, &old))
        return PB_OK; /* the first spelling of a level wins */
    char **names = room(ref->level_name, ref->nlevels, &l->cap, sizeof *names);
    if (!names)
        return NOMEM(l->diag);
    ref->level_name = names;
    char *copy = pb__strdup(name);
    if (!copy || pb__strmap_put(&ref->level, key, (size_t)len, (int64_t)ref->nlevels) != PB_OK) {
        pb__free(copy);
        return NOMEM(l->diag);
    }
    ref->level_name[ref->nlevels++] = copy;
    return PB_OK;
}

static pb_status load_levels(pb__refdata *ref, pb_reports *r)
{
    struct loading l = {.ref = ref, .diag = &r->diag};
    return pb__reports_each_row(
        r, PB__SLOT_REF_LEVELS,
        "SELECT slug, name FROM (SELECT c.slug AS slug, n.level AS name "
        "FROM level_node n JOIN company c ON c.id = n.company_id UNION "
        "SELECT c.slug, l.name FROM level l JOIN company c ON c.id = l.company_id) "
        "AS known_levels ORDER BY slug, name",
        "levels", level_row, &l);
}

pb_status pb__refdata_load(pb__refdata *ref, pb_reports *r)
{
    memset(ref, 0, sizeof *ref);
    if (!r->db)
        return PB_OK;
    pb_status rc = load_aliases(ref, r);
    if (rc == PB_OK)
        rc = load_places(ref, r);
    if (rc == PB_OK)
        rc = load_levels(ref, r);
    if (rc != PB_OK)
        pb__refdata_release(ref);
    return rc;
}

/* ---- locations ---------------------------------------------------------- */

/* The place of `kind` called `text` (in `country` unless NULL or ""), or -1;
 * with `unique`, -1 also when several match. */
static long find(const pb__refdata *ref, const char *text, size_t n, const char *kind,
                 const char *country, bool unique)
{
    char key[PB__NAME_MAX];
    int64_t e;
    if (!pb__name_key(key, sizeof key, text, n) || !key[0] ||
        !pb__strmap_get(&ref->place, key, strlen(key), &e))
        return -1;
    long found = -1;
    for (; e >= 0; e = ref->name_next[e]) {
        const struct pb__place_ref *p = &ref->places[ref->name_place[e]];
        if (strcmp(p->kind, kind) != 0 || (country && *country && strcmp(p->country, country)))
            continue;
        if (found >= 0 && found != (long)ref->name_place[e])
            return unique ? -1 : found;
        found = (long)ref->name_place[e];
    }
    return found;
}

struct part {
    const char *p;
    size_t n;
};

/* Copy text with its spaces folded (runs of spaces, NBSP, tabs: one space). */
void pb__fold_spaces(char *out, size_t cap, const char *text, size_t n)
{
    size_t o = 0;
    bool gap = false;
    pb__report_trim(&text, &n);
    for (size_t i = 0; i < n && o + 1 < cap; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
            (c == 0xC2 && i + 1 < n && (unsigned char)text[i + 1] == 0xA0)) {
            i += c == 0xC2;
            gap = true;
            continue;
        }
        if (gap && o + 2 < cap)
            out[o++] = ' ';
        gap = false;
        out[o++] = (char)c;
    }
    /* never end inside a UTF-8 sequence cut short by cap */
    while (o > 0 && ((unsigned char)out[o - 1] & 0xC0) == 0x80 && o + 1 >= cap)
        o--;
    if (o > 0 && ((unsigned char)out[o - 1] & 0xC0) == 0xC0 && o + 1 >= cap)
        o--;
    out[o] = '\0';
}

static void upper_code(char *out, size_t cap, const char *text, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < cap; i++) {
        char c = text[i];
        out[o++] = (char)(c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c);
    }
    out[o] = '\0';
}

/* A state or region the places do not know: a code in capitals as written,
 * a longer name with its spaces folded. */
static void state_text(struct pb__region *r, struct part p)
{
    if (p.n <= 3)
        upper_code(r->state, sizeof r->state, p.p, p.n);
    else
        pb__fold_spaces(r->state, sizeof r->state, p.p, p.n);
}

/* The country a part names: by its ISO code or any name, into out[4]. */
static bool country_of(const pb__refdata *ref, const char *text, size_t n, char out[4])
{
    long i = find(ref, text, n, "country", NULL, false);
    if (i < 0)
        return false;
    memcpy(out, ref->places[i].country, 4);
    return true;
}

static void finish_city(const pb__refdata *ref, struct pb__region *r, const char *text, size_t n)
{
    long i = find(ref, text, n, "city", r->country, true);
    if (i >= 0 && r->state[0] && ref->places[i].state[0] && strcmp(r->state, ref->places[i].state))
        i = -1;
    if (i >= 0) {
        const struct pb__place_ref *p = &ref->places[i];
        snprintf(r->city, sizeof r->city, "%s", p->name);
        if (!r->country[0])
            memcpy(r->country, p->country, 4);
        if (!r->state[0])
            snprintf(r->state, sizeof r->state, "%s", p->state);
        snprintf(r->metro, sizeof r->metro, "%s", p->metro ? p->metro : "");
    } else {
        pb__fold_spaces(r->city, sizeof r->city, text, n);
    }
    pb__name_key(r->city_key, sizeof r->city_key, r->city, strlen(r->city));
    snprintf(r->kind, sizeof r->kind, "city");
}

static void name_region(struct pb__region *r, const pb__refdata *ref)
{
    if (strcmp(r->kind, "city") == 0) {
        snprintf(r->key, sizeof r->key, "%s|%s|%s", r->city_key, r->state, r->country);
        snprintf(r->name, sizeof r->name, "%s%s%s%s%s", r->city, r->state[0] ? ", " : "",
                 r->state, r->country[0] ? ", " : "", r->country);
    } else if (strcmp(r->kind, "state") == 0) {
        long i = find(ref, r->state, strlen(r->state), "state", r->country, true);
        snprintf(r->key, sizeof r->key, "|%s|%s", r->state, r->country);
        snprintf(r->name, sizeof r->name, "%s, %s", i >= 0 ? ref->places[i].name : r->state,
                 r->country);
    } else if (strcmp(r->kind, "country") == 0) {
        long i = find(ref, r->country, strlen(r->country), "country", NULL, true);
        snprintf(r->key, sizeof r->key, "||%s", r->country);
        snprintf(r->name, sizeof r->name, "%s", i >= 0 ? ref->places[i].name : r->country);
    } else if (strcmp(r->kind, "metro") == 0) {
        char key[PB__NAME_MAX];
        pb__name_key(key, sizeof key, r->metro, strlen(r->metro));
        snprintf(r->key, sizeof r->key, "metro:%s|%s", key, r->country);
        snprintf(r->name, sizeof r->name, "%s", r->metro);
    } else {
        snprintf(r->key, sizeof r->key, "remote");
        snprintf(r->name, sizeof r->name, "Remote");
    }
}

/* One part alone: remote, a country, a state by name, a metro area, a city. */
static void one_part(const pb__refdata *ref, struct pb__region *r, struct part p)
{
    long i;
    if (find(ref, p.p, p.n, "remote", NULL, false) >= 0) {
        snprintf(r->kind, sizeof r->kind, "remote");
    } else if (!r->country[0] && country_of(ref, p.p, p.n, r->country)) {
        snprintf(r->kind, sizeof r->kind, "country");
    } else if ((i = find(ref, p.p, p.n, "state", r->country, false)) >= 0) {
        snprintf(r->kind, sizeof r->kind, "state");
        snprintf(r->state, sizeof r->state, "%s", ref->places[i].code);
        memcpy(r->country, ref->places[i].country, 4);
    } else if ((i = find(ref, p.p, p.n, "metro", r->country, true)) >= 0) {
        snprintf(r->kind, sizeof r->kind, "metro");
        snprintf(r->metro, sizeof r->metro, "%s", ref->places[i].name);
        memcpy(r->country, ref->places[i].country, 4);
    } else {
        finish_city(ref, r, p.p, p.n);
    }
}

bool pb__region_of(const pb__refdata *ref, const char *text, size_t n, const char *country,
                   size_t country_n, struct pb__region *out)
{
    struct part parts[6];
    size_t count = 0;
    memset(out, 0, sizeof *out);
    if (country && !pb__report_missing(country, country_n)) {
        pb__report_trim(&country, &country_n);
        if (!country_of(ref, country, country_n, out->country) && country_n == 2)
            upper_code(out->country, sizeof out->country, country, 2);
    }
    if (text && !pb__report_missing(text, n)) {
        const char *p = text, *end = text + n;
        while (p <= end && count < sizeof parts / sizeof parts[0]) {
            const char *comma = memchr(p, ',', (size_t)(end - p));
            const char *stop = comma ? comma : end;
            struct part part = {p, (size_t)(stop - p)};
            pb__report_trim(&part.p, &part.n);
            if (part.n)
                parts[count++] = part;
            if (!comma)
                break;
            p = comma + 1;
        }
    }
    if (count == 0 && !out->country[0])
        return false;
    if (count == 0) {
        snprintf(out->kind, sizeof out->kind, "country");
    } else if (count >= 2 && !out->country[0] && country_of(ref, text, n, out->country)) {
        snprintf(out->kind, sizeof out->kind, "country"); /* "Korea, South" */
    } else if (count == 1) {
        one_part(ref, out, parts[0]);
    } else {
        struct part last = parts[count - 1];
        size_t used = 1;
        long s;
        char joined[PB__NAME_MAX];
        int len = count >= 3 ? snprintf(joined, sizeof joined, "%.*s, %.*s",
                                        (int)parts[count - 2].n, parts[count - 2].p,
                                        (int)last.n, last.p)
                             : 0;
        if (count >= 3 && len > 0 && (size_t)len < sizeof joined &&
            country_of(ref, joined, (size_t)len, out->country)) {
            used = 2; /* "Seoul, Korea, South" */
        } else if (count == 2 && (s = find(ref, last.p, last.n, "state", "US", true)) >= 0) {
            memcpy(out->country, "US", 3); /* "City, ST": a US state */
            snprintf(out->state, sizeof out->state, "%s", ref->places[s].code);
        } else if (country_of(ref, last.p, last.n, out->country)) {
            /* "City, Country" or "City, Region, Country" */
        } else if ((s = find(ref, last.p, last.n, "state", out->country, true)) >= 0) {
            snprintf(out->state, sizeof out->state, "%s", ref->places[s].code);
            memcpy(out->country, ref->places[s].country, 4);
        } else {
            state_text(out, last);
        }
        if (count - used >= 2 && !out->state[0]) {
            struct part st = parts[1];
            s = find(ref, st.p, st.n, "state", out->country, true);
            if (s >= 0)
                snprintf(out->state, sizeof out->state, "%s", ref->places[s].code);
            else
                state_text(out, st);
        }
        finish_city(ref, out, parts[0].p, parts[0].n);
    }
    name_region(out, ref);
    return true;
}
