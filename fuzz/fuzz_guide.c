/* fuzz_guide.c — libFuzzer target for the document readers and the claim
 * checker.
 *
 * Reads the input as a document three ways (detected, forced guide, forced
 * briefing; the forced read of the type detection chose would repeat the
 * detected read and is left out); when it reads, checks every claim and
 * builds the summary, and checks invariants the rest of payband relies on: every band's low end is
 * at most its high end, every finding has a known verdict and a line inside
 * the document, every mention's equivalent points at an earlier mention.
 * Everything is freed. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "docs/document_internal.h"
#include "payband/document.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void invariants(pb_document *doc)
{
    const pb__facts *f = doc->facts;
    long lines = (long)doc->lines.count;
    for (size_t i = 0; i < f->bands.count; i++) {
        const struct pb__band *b = &f->bands.items[i];
        if ((b->has_base && b->base_low > b->base_high) ||
            (b->has_equity && (b->equity_low > b->equity_high || b->vest_years <= 0)) ||
            (b->has_stated_tc && b->stated_tc_low > b->stated_tc_high) || b->line < 1 ||
            b->line > lines || !b->company || !b->role || !b->region || !b->currency)
            abort();
    }
    for (size_t i = 0; i < f->mentions.count; i++) {
        const struct pb__mention *m = &f->mentions.items[i];
        if (m->low > m->high || m->equivalent_of >= (long)i || !m->currency || !m->text ||
            !m->sentence)
            abort();
    }
    for (size_t i = 0; i < f->level_maps.count; i++)
        if (f->level_maps.items[i].count < 2)
            abort();
    json_t *findings = NULL;
    if (pb_document_check(doc, NULL, PB_DATE_NONE, &findings) == PB_OK) {
        for (size_t i = 0; i < json_array_size(findings); i++) {
            json_t *x = json_array_get(findings, i);
            const char *v = json_string_value(json_object_get(x, "verdict"));
            json_int_t line = json_integer_value(json_object_get(x, "line"));
            if (!v || (strcmp(v, "ok") != 0 && strcmp(v, "wrong") != 0 &&
                       strcmp(v, "inconsistent") != 0 && strcmp(v, "unverifiable") != 0))
                abort();
            if (line < 1 || line > lines || !json_string_value(json_object_get(x, "reason")))
                abort();
        }
        json_decref(findings);
    }
    json_t *summary = NULL;
    if (pb_document_summary(doc, &summary) == PB_OK)
        json_decref(summary);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const pb_document_type types[] = {PB_DOCUMENT_AUTO, PB_DOCUMENT_GUIDE,
                                             PB_DOCUMENT_BRIEFING};
    pb_document_type detected = PB_DOCUMENT_AUTO;
    for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
        /* forcing the type detection chose runs the same reader on the same
         * bytes: the detected read again, to no purpose */
        if (t > 0 && types[t] == detected)
            continue;
        pb_document *doc = NULL;
        pb_status st = pb_document_read_text("fuzz", (const char *)data, size, types[t], &doc);
        if (types[t] == PB_DOCUMENT_AUTO && doc)
            detected = doc->type; /* set once a reader is chosen, AUTO before */
        if (st == PB_OK)
            invariants(doc);
        else if (doc && pb_document_errmsg(doc)[0] == '\0')
            abort(); /* every failure says why */
        pb_document_free(doc);
    }
    return 0;
}
