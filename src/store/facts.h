/* facts.h — the facts one source document contributes (internal).
 *
 * Every reader of documents (the built-in dataset loader, the guide and
 * briefing importers) produces a `pb__facts`; the store writes one in a single
 * transaction, replacing whatever the same source gave before. All strings
 * and arrays are owned by the facts and released by pb__facts_free. Amounts
 * are in minor units of `currency`; percentages in basis points (1% == 100). */
#ifndef PB_FACTS_H
#define PB_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "payband/date.h"
#include "core/buf.h"
#include "payband/status.h"

struct pb__source {
    char *key;          /* stable identifier, e.g. "guide-hf-senior-swe" */
    char *kind;         /* "guide", "briefing", "dataset", "report" */
    char *title;
    char *file;         /* file name of the document */
    char *publisher;
    char *data_quality; /* as the document states it, or NULL */
    char *period;       /* e.g. "2025-Q4" */
    char *notes;
    pb_date published;
    pb_date as_of;      /* the date the figures describe */
    pb_date review_due; /* PB_DATE_NONE: not stated */
    bool review_assumed; /* review_due not stated by the document itself */
};

struct pb__name {
    char *slug;
    char *display;
};

struct pb__band {
    char *company, *role, *region, *level; /* slugs for company/role; level may be NULL */
    char *currency;
    bool has_base, has_equity, has_bonus, has_stated_tc;
    int64_t base_low, base_high;
    int64_t equity_low, equity_high; /* the grant over vest_years */
    int vest_years;                   /* 0 when there is no equity */
    int32_t bonus_low_bp, bonus_high_bp;
    int64_t stated_tc_low, stated_tc_high;
    char *note;
    long line;
};

/* A region defined as a percentage of another region's band. */
struct pb__relative_band {
    char *company, *role, *region, *of_region;
    int32_t pct_low_bp, pct_high_bp;
    bool equity_same; /* the equity grant is the reference region's */
    long line;
};

struct pb__level_node {
    char *company; /* slug */
    char *role;    /* role slug when the node is one of the source's own roles */
    char *level;   /* level code ("L4", "E5") or title when there is no code */
    char *title;   /* job title as written, optional */
    char *region;  /* qualifier, optional ("Paris", "Paris/NYC") */
};

/* "A = B = C": every node in a chain is stated equivalent to the others. */
struct pb__level_map {
    struct pb__level_node *nodes;
    size_t count;
    long line;
};

struct pb__fx_fact {
    pb_date date;
    char base[4], quote[4]; /* 1 base = rate quote */
    double rate;
    char *note;
    long line;
};

/* A concrete offer a document mentions ("€105K base with €90K/year RSUs"). */
struct pb__offer_mention {
    char *company, *role, *level, *region, *currency;
    int64_t base;
    int64_t equity_per_year; /* -1 when not stated per year */
    int64_t equity_grant;    /* -1 when not stated as a grant */
    int vest_years;
    int64_t sign_on;         /* 0 when none */
    int32_t bonus_bp;        /* yearly bonus as a share of base; 0 when none (not stored) */
    int64_t stated_total;    /* -1 when the document states no total */
    int stated_years;        /* years the stated total covers */
    char *note;
    long line;
};

/* A premium a document names ("Agentic AI premium 20–35%"). */
struct pb__premium {
    char *name;       /* slug, e.g. "agentic-ai" */
    char *applies_to; /* "equity", "base", "total" */
    char *company, *role; /* NULL: applies generally */
    int32_t low_bp, high_bp;
    char *note;
    long line;
};

/* The ask or accept-at floor of a strategy block, one currency at a time. */
struct pb__target {
    char *kind; /* "ask" or "floor" */
    char *company, *role, *region, *currency;
    int64_t base, equity, sign_on; /* -1 when not stated; equity is the grant */
    int vest_years;
    long line;
    /* the premiums its strategy block states ("the agentic-ai premium takes
     * it there"), as premium names separated by commas; NULL when none. The
     * checker accepts a figure above the band that these explain. */
    char *premiums;
};

/* A money figure a briefing (or a guide's prose) mentions, with the sentence
 * it stands in. company/role/region/component are NULL when the sentence
 * does not name them: such mentions are kept unattributed, never guessed.
 * A facts file's `figures` are mentions too: their `sentence` is the file's
 * own note and their `text` the figure written back compactly. */
struct pb__mention {
    char *company, *role, *region, *level;
    char *component;     /* "base", "equity", "bonus", "sign-on", "total", "valuation",
                            "other", or NULL */
    char *currency;
    int64_t low, high;   /* a single figure has low == high */
    bool approximate;    /* written with ~ or "approximately" */
    bool at_least;       /* a floor, not a range: "€240K+" */
    bool company_inferred; /* company is the document's subject, not named in the sentence */
    long equivalent_of;  /* index of the mention this one converts ("~$196K equiv"), or -1 */
    char *text;          /* the figure as written */
    char *sentence;      /* the sentence it stands in */
    long line;
};

/* A percentage about pay that is no band, premium or target: a change over
 * time ("up 38% on the year"), a gap to something the facts do not hold
 * ("20–35% below Big Tech"), a multiple ("3–5x at IPO") or a share ("a
 * refresh of 50% of the grant"). Always names what it is taken of. */
struct pb__percentage {
    char *kind;      /* "increase", "decrease", "below", "above", "multiple", "share" */
    char *company, *role, *region, *level; /* NULL when not named */
    char *component; /* as for mentions */
    char *of;        /* what the percentage is of, in payband's words */
    int32_t low_bp, high_bp; /* basis points; a multiple of 3x is 30000 */
    bool approximate, at_least;
    char *note;
    long line;
};

/* What a document says about a company that valuing its equity needs: its
 * funding stage, last-round valuation and the volatility of its shares. */
struct pb__company_fact {
    char *company;          /* slug */
    char *stage;            /* seed, series_a ... series_d, late or public */
    char *currency;         /* NULL when no valuation is given */
    int64_t valuation;      /* last-round post-money, minor units; -1 when not given */
    pb_date as_of;          /* when the facts held */
    double volatility_pct;  /* yearly; negative when not given */
    char *note;
    long line;
};

/* An additional ask of a strategy block ("double-trigger acceleration"). */
struct pb__extra_ask {
    char *kind;     /* "acceleration", "refresh", "sign-on", "title", "budget", "support", "other" */
    char *text;     /* as written */
    char *currency; /* NULL unless the ask names an amount */
    int64_t amount; /* -1 when none */
    long line;
};

/* A spelling of a company that offer reports use ("Facebook" for meta). */
struct pb__company_alias {
    char *alias;   /* as written */
    char *company; /* slug, declared in the file's companies */
    long line;
};

/* A place that the locations of offer reports may name (see docs/dataset.md). */
struct pb__place {
    char *kind;     /* "country", "state", "metro", "city" or "remote" */
    char *name;
    char *code;     /* a country's ISO 3166-1 alpha-2 code, a state's code; or NULL */
    char *country;  /* ISO code of the country it lies in (a country's own); NULL for remote */
    char *state;    /* a city's state code, or NULL */
    char *metro;    /* a city's metro area, or NULL */
    char **aliases; /* other spellings */
    size_t alias_count;
    long line;
};

/* A source a document cites for its figures ("Levels.fyi", an evidence bullet). */
struct pb__citation {
    char *text;
    long line;
};

#define PB__LIST(type)                                                                         \
    struct {                                                                                   \
        type *items;                                                                           \
        size_t count, cap;                                                                     \
    }

typedef struct pb__facts {
    struct pb__source source;
    PB__LIST(struct pb__name) companies;
    PB__LIST(struct pb__name) roles;
    PB__LIST(struct pb__band) bands;
    PB__LIST(struct pb__relative_band) relative_bands;
    PB__LIST(struct pb__level_map) level_maps;
    PB__LIST(struct pb__fx_fact) fx;
    PB__LIST(struct pb__offer_mention) offers;
    PB__LIST(struct pb__premium) premiums;
    PB__LIST(struct pb__target) targets;
    PB__LIST(struct pb__mention) mentions;
    PB__LIST(struct pb__percentage) percentages;
    PB__LIST(struct pb__company_fact) company_facts;
    PB__LIST(struct pb__extra_ask) extra_asks;
    PB__LIST(struct pb__citation) citations;
    PB__LIST(struct pb__company_alias) company_aliases;
    PB__LIST(struct pb__place) places;
} pb__facts;

pb__facts *pb__facts_new(void);
void pb__facts_free(pb__facts *facts);
/* Free the strings of one band (for bands held outside a pb__facts). */
void pb__band_release(struct pb__band *band);


/* Add a company or role display name unless the slug is already listed. */
pb_status pb__facts_name(pb__facts *facts, bool company, const char *slug, const char *display);

/* Lower-case slug of a display name: "Hugging Face" -> "hugging-face",
 * "ML/AI Engineer" -> "ml-ai-engineer". Caller frees. */
char *pb__slugify(const char *text);
/* The same into `out` (cap bytes) from n bytes of text, without allocating;
 * false when it does not fit. */
bool pb__slug_into(char *out, size_t cap, const char *text, size_t n);

#endif
