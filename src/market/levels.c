/* levels.c — level equivalences across companies as a graph built from
 * level-mapping statements ("A = B = C"), walked transitively from one
 * company's level, with conflicts (two levels of one company reached) shown.
 *
 * A range mention ("Google L4–L5") links to each level of the range, but the
 * walk does not continue through a range link: "X = L4–L5" does not make
 * every L4 equivalent to every L5. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/jsonutil.h"
#include "market/bandset.h"
#include "store/facts.h"
#include "store/store_internal.h"

struct mention {
    long map;      /* level_map id */
    char *source;  /* source key */
    long line;
    char *company, *company_name, *role, *level, *title, *region;
    bool is_range; /* the level is a range ("L4–L5"), set by expand_mention */
    pb_date review_due; /* of the source, the 12-month default when unstated */
    bool stale;         /* the source is past its review date */
};

struct node {
    char *key; /* company|role:x or company|level:x */
    char *company, *company_name, *role, *label;
    int hops;       /* -1: not reached */
    bool via_range; /* reached only through a range link */
    int prev_edge;  /* edge that reached it */
};

struct edge {
    int a, b;
    size_t mention_a, mention_b;
    bool range;
};

struct graph {
    PB__LIST(struct mention) mentions;
    PB__LIST(struct node) nodes;
    PB__LIST(struct edge) edges;
};

static void graph_release(struct graph *g)
{
    for (size_t i = 0; i < g->mentions.count; i++) {
        struct mention *m = &g->mentions.items[i];
        pb__free(m->source);
        pb__free(m->company);
        pb__free(m->company_name);
        pb__free(m->role);
        pb__free(m->level);
        pb__free(m->title);
        pb__free(m->region);
    }
    for (size_t i = 0; i < g->nodes.count; i++) {
        struct node *n = &g->nodes.items[i];
        pb__free(n->key);
        pb__free(n->company);
        pb__free(n->company_name);
        pb__free(n->role);
        pb__free(n->label);
    }
    pb__free(g->mentions.items);
    pb__free(g->nodes.items);
    pb__free(g->edges.items);
}

/* Every mention of every level statement. The walk is transitive across
 * statements of any company ("A = B", "B = C" makes A = C), so which rows a
 * question needs is only known while walking: all are loaded, not filtered
 * in SQL. */
static pb_status load_mentions(pb_store *store, struct graph *g, pb_date today)
{
    static const char *sql =
        "SELECT n.map_id, s.key, m.line, c.slug, c.display, r.slug, n.level, n.title, n.region, "
        "s.as_of, s.review_due "
        "FROM level_node n JOIN level_map m ON m.id = n.map_id JOIN source s ON s.id = m.source_id "
        "JOIN company c ON c.id = n.company_id LEFT JOIN role r ON r.id = n.role_id "
        "ORDER BY n.map_id, n.position";
    pb__stmt *st = NULL;
    bool oom = false, row = true;
    pb_status rc = pb__sql_prepare(pb__store_conn(store), sql, &st);
    while (rc == PB_OK && !oom && (rc = pb__sql_step(st, &row)) == PB_OK && row) {
        struct mention *m = PB__PUSH(g->mentions);
        if (!m) {
            oom = true;
            break;
        }
        m->map = (long)pb__sql_int64(st, 0);
        m->source = pb__sql_dup(st, 1, &oom);
        m->line = (long)pb__sql_int64(st, 2);
        m->company = pb__sql_dup(st, 3, &oom);
        m->company_name = pb__sql_dup(st, 4, &oom);
        m->role = pb__sql_dup(st, 5, &oom);
        m->level = pb__sql_dup(st, 6, &oom);
        m->title = pb__sql_dup(st, 7, &oom);
        m->region = pb__sql_dup(st, 8, &oom);
        bool assumed = false;
        m->review_due = pb__review_due(pb__sql_date(st, 9), pb__sql_date(st, 10), &assumed);
        m->stale = m->review_due != PB_DATE_NONE && m->review_due < today;
    }
    pb__sql_finalize(st);
    if (rc == PB_OK && oom)
        rc = pb__diag_set(pb__store_diag(store), PB_ERR_NOMEM, NULL, 0, "out of memory");
    return rc;
}

/* Node for (company, role) or (company, level label); created when missing. */
static int node_for(struct graph *g, const struct mention *m, const char *level, bool use_role)
{
    char *slug = pb__slugify(level);
    if (!slug)
        return -1;
    char *key = use_role && m->role ? pb__asprintf("%s|role:%s", m->company, m->role)
                                    : pb__asprintf("%s|level:%s", m->company, slug);
    pb__free(slug);
    if (!key)
        return -1;
    for (size_t i = 0; i < g->nodes.count; i++)
        if (strcmp(g->nodes.items[i].key, key) == 0) {
            pb__free(key);
            return (int)i;
        }
    struct node *n = PB__PUSH(g->nodes);
    if (!n) {
        pb__free(key);
        return -1;
    }
    n->key = key;
    n->company = pb__strdup(m->company);
    n->company_name = pb__strdup(m->company_name);
    n->role = use_role && m->role ? pb__strdup(m->role) : NULL;
    n->label = pb__strdup(level);
    n->hops = -1;
    n->prev_edge = -1;
    if (!n->company || !n->company_name || !n->label || (use_role && m->role && !n->role))
        return -1;
    return (int)(g->nodes.count - 1);
}

/* Split "L4–L5" / "L4-L5" / "E5-E6" into its levels; returns the count (0:
 * not a range). Writes at most `max` labels into out (caller frees). */
static int expand_range(const char *level, char **out, int max)
{
    const char *dash = strstr(level, "\xE2\x80\x93");
    size_t dash_len = 3;
    if (!dash) {
        dash = strchr(level, '-');
        dash_len = 1;
    }
    if (!dash)
        return 0;
    size_t plen = 0;
    while (level + plen < dash && isalpha((unsigned char)level[plen]))
        plen++;
    char *end = NULL;
    long lo = strtol(level + plen, &end, 10);
    if (plen == 0 || end != dash)
        return 0;
    const char *hi_text = dash + dash_len;
    if (strncmp(hi_text, level, plen) == 0)
        hi_text += plen;
    long hi = strtol(hi_text, &end, 10);
    if (*end != '\0' || hi <= lo || hi - lo >= max)
        return 0;
    int n = 0;
    for (long v = lo; v <= hi; v++) {
        out[n] = pb__asprintf("%.*s%ld", (int)plen, level, v);
        if (!out[n]) {
            while (n > 0)
                pb__free(out[--n]);
            return -1;
        }
        n++;
    }
    return n;
}

struct expanded {
    int nodes[8];
    int count;
    bool range;
};

static pb_status expand_mention(struct graph *g, size_t mi, struct expanded *x)
{
    const struct mention *m = &g->mentions.items[mi];
    char *labels[8];
    int n = m->role ? 0 : expand_range(m->level, labels, 8);
    if (n < 0)
        return PB_ERR_NOMEM;
    x->range = n > 0;
    g->mentions.items[mi].is_range = n > 0;
    if (n == 0) {
        x->count = 1;
        x->nodes[0] = node_for(g, m, m->level, true);
        return x->nodes[0] < 0 ? PB_ERR_NOMEM : PB_OK;
    }
    x->count = n;
    pb_status rc = PB_OK;
    for (int i = 0; i < n; i++) {
        x->nodes[i] = node_for(g, m, labels[i], false);
        if (x->nodes[i] < 0)
            rc = PB_ERR_NOMEM;
        pb__free(labels[i]);
    }
    return rc;
}

static pb_status build_edges(struct graph *g)
{
    size_t start = 0;
    while (start < g->mentions.count) {
        size_t end = start;
        while (end < g->mentions.count && g->mentions.items[end].map == g->mentions.items[start].map)
            end++;
        for (size_t i = start; i < end; i++)
            for (size_t j = i + 1; j < end; j++) {
                struct expanded xi, xj;
                if (expand_mention(g, i, &xi) != PB_OK || expand_mention(g, j, &xj) != PB_OK)
                    return PB_ERR_NOMEM;
                for (int a = 0; a < xi.count; a++)
                    for (int b = 0; b < xj.count; b++) {
                        struct edge *e = PB__PUSH(g->edges);
                        if (!e)
                            return PB_ERR_NOMEM;
                        e->a = xi.nodes[a];
                        e->b = xj.nodes[b];
                        e->mention_a = i;
                        e->mention_b = j;
                        e->range = xi.range || xj.range;
                    }
            }
        start = end;
    }
    return PB_OK;
}

/* Breadth-first walk from every start node; range links are entered but not
 * walked through. */
static void walk(struct graph *g)
{
    bool changed = true;
    for (int hops = 0; changed; hops++) {
        changed = false;
        for (size_t e = 0; e < g->edges.count; e++) {
            struct edge *ed = &g->edges.items[e];
            for (int dir = 0; dir < 2; dir++) {
                struct node *from = &g->nodes.items[dir ? ed->b : ed->a];
                struct node *to = &g->nodes.items[dir ? ed->a : ed->b];
                if (from->hops != hops || from->via_range)
                    continue;
                bool better = to->hops < 0 || (to->via_range && !ed->range);
                if (!better)
                    continue;
                to->hops = hops + 1;
                to->via_range = ed->range;
                to->prev_edge = (int)e;
                changed = true;
            }
        }
    }
}

static const char *mention_label(const struct mention *m, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s%s%s%s%s%s%s", m->company_name, m->title ? " " : "",
             m->title ? m->title : "", strcmp(m->level, m->title ? m->title : "") ? " " : "",
             strcmp(m->level, m->title ? m->title : "") ? m->level : "",
             m->region ? " (" : "", m->region ? m->region : "");
    if (m->region && strlen(buf) + 2 < cap)
        strcat(buf, ")");
    return buf;
}

/* "A = B = C" rebuilt from a statement's mentions (our words, the document's figures). */
static json_t *statement_json(const struct graph *g, long map)
{
    char text[1024] = "", label[256];
    const struct mention *first = NULL;
    for (size_t i = 0; i < g->mentions.count; i++) {
        const struct mention *m = &g->mentions.items[i];
        if (m->map != map)
            continue;
        if (!first)
            first = m;
        else
            strncat(text, " = ", sizeof text - strlen(text) - 1);
        strncat(text, mention_label(m, label, sizeof label), sizeof text - strlen(text) - 1);
    }
    if (!first)
        return json_null();
    return json_pack("{s:s, s:I, s:s, s:o, s:b}", "source", first->source, "line",
                     (json_int_t)first->line, "chain", text, "review_due",
                     pb__json_date(first->review_due), "stale", first->stale);
}

static json_t *path_json(const struct graph *g, int node)
{
    json_t *path = json_array();
    char buf[300];
    while (path && node >= 0) {
        const struct node *n = &g->nodes.items[node];
        snprintf(buf, sizeof buf, "%s %s", n->company, n->role ? n->role : n->label);
        json_array_insert_new(path, 0, json_string(buf));
        if (n->prev_edge < 0)
            break;
        const struct edge *e = &g->edges.items[n->prev_edge];
        node = e->a == node ? e->b : e->a;
    }
    return path;
}

pb_status pb_market_levels(pb_store *store, const char *company, const char *role,
                           pb_date as_of, json_t **out)
{
    struct graph g = {0};
    pb__diag *diag = pb__store_diag(store);
    *out = NULL;
    pb_status rc = load_mentions(store, &g, as_of == PB_DATE_NONE ? pb_date_today() : as_of);
    if (rc == PB_OK && build_edges(&g) != PB_OK)
        rc = pb__diag_set(diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    size_t starts = 0;
    for (size_t i = 0; rc == PB_OK && i < g.nodes.count; i++) {
        struct node *n = &g.nodes.items[i];
        if (pb__slug_match(company, n->company) &&
            ((n->role && pb__slug_match(role, n->role)) || pb__slug_match(role, n->label))) {
            n->hops = 0;
            starts++;
        }
    }
    if (rc == PB_OK && starts == 0)
        rc = pb__diag_set(diag, PB_ERR_NOT_FOUND, NULL, 0,
                          "no level-mapping statement names %s %s", company, role);
    if (rc != PB_OK) {
        graph_release(&g);
        return rc;
    }
    walk(&g);
    json_t *equivalents = json_array(), *conflicts = json_array();
    char label[256];
    for (size_t i = 0; equivalents && i < g.nodes.count; i++) {
        const struct node *n = &g.nodes.items[i];
        if (n->hops <= 0)
            continue;
        const struct edge *e = &g.edges.items[n->prev_edge];
        const struct mention *m =
            &g.mentions.items[e->b == (int)i ? e->mention_b : e->mention_a];
        json_t *o = json_pack(
            "{s:s, s:s, s:o, s:s, s:o, s:o, s:s, s:i, s:b, s:o, s:o}", "company", n->company,
            "company_name", n->company_name, "role", pb__json_str(n->role),
            "level", n->label, "title", pb__json_str(m->title), "region",
            pb__json_str(m->region), "as_written",
            mention_label(m, label, sizeof label), "hops", n->hops, "via_range", n->via_range,
            "path", path_json(&g, (int)i), "statement", statement_json(&g, m->map));
        if (!o || json_array_append_new(equivalents, o) != 0)
            rc = PB_ERR_NOMEM;
    }
    /* conflicts: a company with two or more distinct levels in the closure;
     * the levels of one range mention ("L4–L5") are one claim, not two */
    for (size_t i = 0; conflicts && i < g.nodes.count; i++) {
        const struct node *n = &g.nodes.items[i];
        if (n->hops < 0)
            continue;
        bool first = true;
        for (size_t j = 0; j < i; j++)
            if (g.nodes.items[j].hops >= 0 && strcmp(g.nodes.items[j].company, n->company) == 0)
                first = false;
        if (!first)
            continue;
        json_t *levels = json_array();
        for (size_t j = i; levels && j < g.nodes.count; j++) {
            const struct node *o = &g.nodes.items[j];
            if (o->hops < 0 || strcmp(o->company, n->company) != 0)
                continue;
            const char *claim = o->role ? o->role : o->label;
            if (o->prev_edge >= 0) {
                const struct edge *e = &g.edges.items[o->prev_edge];
                const struct mention *m =
                    &g.mentions.items[e->b == (int)j ? e->mention_b : e->mention_a];
                if (m->is_range)
                    claim = m->level;
            }
            bool seen = false;
            size_t k;
            json_t *v;
            json_array_foreach(levels, k, v) seen |= strcmp(json_string_value(v), claim) == 0;
            if (!seen)
                json_array_append_new(levels, json_string(claim));
        }
        if (json_array_size(levels) > 1) {
            char reason[200];
            snprintf(reason, sizeof reason,
                     "%zu different %s levels are each stated equivalent to %s %s",
                     json_array_size(levels), n->company_name, company, role);
            json_array_append_new(conflicts,
                                  json_pack("{s:s, s:o, s:s}", "company", n->company, "levels",
                                            levels, "reason", reason));
        } else {
            json_decref(levels);
        }
    }
    graph_release(&g);
    if (rc != PB_OK || !equivalents || !conflicts) {
        json_decref(equivalents);
        json_decref(conflicts);
        return pb__diag_set(diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    }
    *out = json_pack("{s:s, s:s, s:o, s:o}", "company", company, "role", role, "equivalents",
                     equivalents, "conflicts", conflicts);
    return *out ? PB_OK : pb__diag_set(diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
}
