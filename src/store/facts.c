/* facts.c — lifetime of the per-document fact lists, and slugs. */
#include "store/facts.h"

#include <ctype.h>
#include <string.h>

#include "core/alloc.h"
#include "store/places.h"

pb__facts *pb__facts_new(void)
{
    pb__facts *f = pb__calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->source.published = PB_DATE_NONE;
    f->source.as_of = PB_DATE_NONE;
    f->source.review_due = PB_DATE_NONE;
    return f;
}

static void free_node(struct pb__level_node *n)
{
    pb__free(n->company);
    pb__free(n->role);
    pb__free(n->level);
    pb__free(n->title);
    pb__free(n->region);
}

void pb__band_release(struct pb__band *b)
{
    pb__free(b->company);
    pb__free(b->role);
    pb__free(b->region);
    pb__free(b->level);
    pb__free(b->currency);
    pb__free(b->note);
}

void pb__facts_free(pb__facts *f)
{
    if (!f)
        return;
    struct pb__source *s = &f->source;
    pb__free(s->key);
    pb__free(s->kind);
    pb__free(s->title);
    pb__free(s->file);
    pb__free(s->publisher);
    pb__free(s->data_quality);
    pb__free(s->period);
    pb__free(s->notes);
    for (size_t i = 0; i < f->companies.count; i++) {
        pb__free(f->companies.items[i].slug);
        pb__free(f->companies.items[i].display);
    }
    for (size_t i = 0; i < f->roles.count; i++) {
        pb__free(f->roles.items[i].slug);
        pb__free(f->roles.items[i].display);
    }
    for (size_t i = 0; i < f->bands.count; i++)
        pb__band_release(&f->bands.items[i]);
    for (size_t i = 0; i < f->relative_bands.count; i++) {
        struct pb__relative_band *r = &f->relative_bands.items[i];
        pb__free(r->company);
        pb__free(r->role);
        pb__free(r->region);
        pb__free(r->of_region);
    }
    for (size_t i = 0; i < f->level_maps.count; i++) {
        struct pb__level_map *m = &f->level_maps.items[i];
        for (size_t j = 0; j < m->count; j++)
            free_node(&m->nodes[j]);
        pb__free(m->nodes);
    }
    for (size_t i = 0; i < f->fx.count; i++)
        pb__free(f->fx.items[i].note);
    for (size_t i = 0; i < f->offers.count; i++) {
        struct pb__offer_mention *o = &f->offers.items[i];
        pb__free(o->company);
        pb__free(o->role);
        pb__free(o->level);
        pb__free(o->region);
        pb__free(o->currency);
        pb__free(o->note);
    }
    for (size_t i = 0; i < f->premiums.count; i++) {
        struct pb__premium *p = &f->premiums.items[i];
        pb__free(p->name);
        pb__free(p->applies_to);
        pb__free(p->company);
        pb__free(p->role);
        pb__free(p->note);
    }
    for (size_t i = 0; i < f->targets.count; i++) {
        struct pb__target *t = &f->targets.items[i];
        pb__free(t->kind);
        pb__free(t->company);
        pb__free(t->role);
        pb__free(t->region);
        pb__free(t->currency);
        pb__free(t->premiums);
    }
    for (size_t i = 0; i < f->mentions.count; i++) {
        struct pb__mention *m = &f->mentions.items[i];
        pb__free(m->company);
        pb__free(m->role);
        pb__free(m->region);
        pb__free(m->level);
        pb__free(m->component);
        pb__free(m->currency);
        pb__free(m->text);
        pb__free(m->sentence);
    }
    for (size_t i = 0; i < f->percentages.count; i++) {
        struct pb__percentage *p = &f->percentages.items[i];
        pb__free(p->kind);
        pb__free(p->company);
        pb__free(p->role);
        pb__free(p->region);
        pb__free(p->level);
        pb__free(p->component);
        pb__free(p->of);
        pb__free(p->note);
    }
    for (size_t i = 0; i < f->company_facts.count; i++) {
        struct pb__company_fact *c = &f->company_facts.items[i];
        pb__free(c->company);
        pb__free(c->stage);
        pb__free(c->currency);
        pb__free(c->note);
    }
    for (size_t i = 0; i < f->extra_asks.count; i++) {
        struct pb__extra_ask *a = &f->extra_asks.items[i];
        pb__free(a->kind);
        pb__free(a->text);
        pb__free(a->currency);
    }
    for (size_t i = 0; i < f->citations.count; i++)
        pb__free(f->citations.items[i].text);
    pb__free(f->companies.items);
    pb__free(f->roles.items);
    pb__free(f->bands.items);
    pb__free(f->relative_bands.items);
    pb__free(f->level_maps.items);
    pb__free(f->fx.items);
    pb__free(f->offers.items);
    pb__free(f->premiums.items);
    pb__free(f->targets.items);
    pb__free(f->mentions.items);
    pb__free(f->percentages.items);
    pb__free(f->company_facts.items);
    pb__free(f->extra_asks.items);
    pb__free(f->citations.items);
    pb__places_release(f);
    pb__free(f);
}

pb_status pb__facts_name(pb__facts *f, bool company, const char *slug, const char *display)
{
    struct pb__name *items = company ? f->companies.items : f->roles.items;
    size_t count = company ? f->companies.count : f->roles.count;
    for (size_t i = 0; i < count; i++)
        if (strcmp(items[i].slug, slug) == 0)
            return PB_OK;
    struct pb__name *n = company ? PB__PUSH(f->companies) : PB__PUSH(f->roles);
    if (!n)
        return PB_ERR_NOMEM;
    n->slug = pb__strdup(slug);
    n->display = pb__strdup(display ? display : slug);
    if (n->slug && n->display)
        return PB_OK;
    pb__free(n->slug);
    pb__free(n->display);
    if (company)
        f->companies.count--;
    else
        f->roles.count--;
    return PB_ERR_NOMEM;
}

char *pb__slugify(const char *text)
{
    size_t n = strlen(text);
    char *out = pb__malloc(n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    bool dash = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (isalnum(c)) {
            if (dash && o > 0)
                out[o++] = '-';
            dash = false;
            out[o++] = (char)tolower(c);
        } else {
            dash = true;
        }
    }
    out[o] = '\0';
    return out;
}

bool pb__slug_into(char *out, size_t cap, const char *text, size_t n)
{
    if (cap == 0)
        return false;
    size_t o = 0;
    bool dash = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (!isalnum(c)) {
            dash = true;
            continue;
        }
        if (o + (dash && o > 0) + 1 >= cap) {
            out[0] = '\0';
            return false;
        }
        if (dash && o > 0)
            out[o++] = '-';
        dash = false;
        out[o++] = (char)tolower(c);
    }
    out[o] = '\0';
    return true;
}
