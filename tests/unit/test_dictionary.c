/* test_dictionary.c — the names of companies and regions the document
 * readers recognise (src/docs/dictionary.c): the built-in file
 * data/document-names.yaml loads and holds the names payband has always
 * known; spellings match as written, as whole words, the longest first;
 * a dictionary that does not read makes every document read fail with its
 * message; a failed load is retried; threads loading at once get one
 * dictionary. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <string.h>

#include "core/alloc.h"
#include "docs/doctext.h"
#include "payband/document.h"

static void load(void)
{
    pb__diag diag;
    pb__diag_clear(&diag);
    cr_assert_eq(pb__dictionary_load(&diag), PB_OK, "%s", diag.msg);
}

/* What a company lookup finds at the start of `text`: "slug/length" or "-". */
static const char *company(const char *text, char *buf, size_t cap)
{
    size_t n = 0;
    const char *slug = pb__company_at(text, strlen(text), 0, &n, NULL, NULL);
    if (!slug)
        return "-";
    snprintf(buf, cap, "%s/%zu", slug, n);
    return buf;
}

static const char *region(const char *text, char *buf, size_t cap)
{
    size_t n = 0;
    const char *name = pb__region_at(text, strlen(text), 0, &n);
    if (!name)
        return "-";
    snprintf(buf, cap, "%s/%zu", name, n);
    return buf;
}

Test(dictionary, builtin_names)
{
    load();
    static const struct {
        const char *text, *want;
    } companies[] = {
        {"Hugging Face's offer", "hugging-face/12"},
        {"HF pays", "hugging-face/2"},
        {"Google DeepMind Paris", "google-deepmind/15"},
        {"DeepMind", "google-deepmind/8"},
        {"Google", "google/6"},
        {"Meta AI research", "meta/7"},
        {"Meta, Google", "meta/4"},
        {"Mistral AI's", "mistral-ai/10"},
        {"Mistral pays", "mistral-ai/7"},
        {"NVIDIA", "nvidia/6"},
        {"Nvidia", "nvidia/6"},
        {"Deutsche Telekom", "deutsche-telekom/16"},
        {"EleutherAI", "eleutherai/10"},
        {"SAP", "sap/3"},
        {"Metadata", "-"},  /* whole words only */
        {"hf", "-"},        /* as written: case matters */
        {"nvidia", "-"},
        {"Meta-analysis", "meta/4"},
        {"Paris", "-"},
    };
    char buf[128];
    for (size_t i = 0; i < sizeof companies / sizeof companies[0]; i++)
        cr_expect_str_eq(company(companies[i].text, buf, sizeof buf), companies[i].want, "%s",
                         companies[i].text);
    static const struct {
        const char *text, *want;
    } regions[] = {
        {"New York City", "New York/13"},   {"New York", "New York/8"},
        {"NYC", "New York/3"},              {"Bay Area", "San Francisco/8"},
        {"SF", "San Francisco/2"},          {"Remote Global", "Remote Global/13"},
        {"Remote", "Remote/6"},             {"Z\xC3\xBCrich", "Zurich/7"},
        {"US", "United States/2"},          {"Europe", "Europe/6"},
        {"USA", "-"},                       {"Parisian", "-"},
        {"Hugging Face", "-"},
    };
    for (size_t i = 0; i < sizeof regions / sizeof regions[0]; i++)
        cr_expect_str_eq(region(regions[i].text, buf, sizeof buf), regions[i].want, "%s",
                         regions[i].text);
    cr_expect_str_eq(pb__region_canonical("NYC", 3), "New York");
    cr_expect_str_eq(pb__region_canonical("Bay Area", 8), "San Francisco");
    cr_expect_null(pb__region_canonical("Bay", 3));
    cr_expect_null(pb__region_canonical("", 0));
    cr_expect_str_eq(pb__company_display("nvidia"), "NVIDIA");
    cr_expect_str_eq(pb__company_display("hugging-face"), "Hugging Face");
    cr_expect_str_eq(pb__company_display("sap"), "SAP");
    cr_expect_null(pb__company_display("acme"));
    cr_expect_null(pb__company_display(NULL));
}

Test(dictionary, positions_and_own_company)
{
    load();
    size_t n = 0;
    static const char s[] = "at Google DeepMind Paris and HF's NYC office";
    cr_expect_str_eq(pb__company_at(s, sizeof s - 1, 3, &n, NULL, NULL), "google-deepmind");
    cr_expect_eq(n, strlen("Google DeepMind"));
    cr_expect_str_eq(pb__region_at(s, sizeof s - 1, 19, &n), "Paris");
    cr_expect_str_eq(pb__company_at(s, sizeof s - 1, 29, &n, NULL, NULL), "hugging-face");
    cr_expect_str_eq(pb__region_at(s, sizeof s - 1, 34, &n), "New York");
    /* inside a word is no name: "DeepMind" at 10 follows "Google " (a space), so it
     * is a name, but "eepMind" is not */
    cr_expect_str_eq(pb__company_at(s, sizeof s - 1, 10, &n, NULL, NULL), "google-deepmind");
    cr_expect_null(pb__company_at(s, sizeof s - 1, 11, &n, NULL, NULL));
    /* a name cut by the end of the text given is no match */
    cr_expect_null(pb__company_at(s, 8, 3, &n, NULL, NULL));
    /* the document's own company comes first, longer than the dictionary's */
    cr_expect_str_eq(pb__company_at("Hugging Face Enterprise", 23, 0, &n, "Hugging Face Enterprise",
                                    "hf-enterprise"),
                     "hf-enterprise");
    cr_expect_eq(n, 23);
    cr_expect_str_eq(pb__company_at("Acme Robotics", 13, 0, &n, "Acme Robotics", "acme"), "acme");
    cr_expect_null(pb__company_at("Acme Roboticsx", 14, 0, &n, "Acme Robotics", "acme"));
}

static const char doc_text[] = "# Pay at Hugging Face\n\nHugging Face pays \xE2\x82\xAC" "100K in Paris.\n";

/* Embedded names that do not read: the load and every document read fail
 * with a message naming the built-in file; nothing is read without names. */
Test(dictionary, broken_builtin_names_fail_every_read)
{
    static const char *const broken[][2] = {
        /* one line, no line feed: the error is on it (libyaml's own count,
         * which breaks a line at the end of the stream, said 2) */
        {"source: [", "data/document-names.yaml:1: invalid yaml"},
        {"source:\n  key: k\n  kind: dataset\n  title: t\n  as_of: 2026-01-01\n"
         "document_regions:\n  - {region: Paris, written: [Paris, Paris]}\n",
         "data/document-names.yaml:7: spelling 'Paris' is given twice (first on line 7)"},
        {"source:\n  key: k\n  kind: dataset\n  title: t\n  as_of: 2026-01-01\n",
         "data/document-names.yaml: no document_companies or document_regions"},
    };
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        pb__dictionary_test_text(broken[i][0]);
        pb__diag diag;
        pb__diag_clear(&diag);
        cr_expect_neq(pb__dictionary_load(&diag), PB_OK);
        cr_expect(strstr(diag.msg, "payband's names of companies and regions do not read: ") ==
                      diag.msg,
                  "%s", diag.msg);
        cr_expect(strstr(diag.msg, broken[i][1]), "%s lacks %s", diag.msg, broken[i][1]);
        pb_document *doc = NULL;
        cr_expect_eq(pb_document_read_text("t.md", doc_text, sizeof doc_text - 1,
                                           PB_DOCUMENT_AUTO, &doc),
                     PB_ERR_PARSE);
        cr_expect(doc && strstr(pb_document_errmsg(doc), broken[i][1]), "%s",
                  doc ? pb_document_errmsg(doc) : "(no document)");
        pb_document_free(doc);
        size_t n = 0;
        cr_expect_null(pb__company_at("HF", 2, 0, &n, NULL, NULL));
    }
    pb__dictionary_test_text(NULL);
    load();
    pb_document *doc = NULL;
    cr_expect_eq(pb_document_read_text("t.md", doc_text, sizeof doc_text - 1, PB_DOCUMENT_AUTO,
                                       &doc),
                 PB_OK, "%s", doc ? pb_document_errmsg(doc) : "");
    pb_document_free(doc);
}

/* A load that runs out of memory says so, leaves nothing loaded, and the
 * next load tries again. */
Test(dictionary, allocation_failures_are_retried)
{
    unsigned long n;
    pb_status st = PB_ERR_NOMEM;
    for (n = 1; n < 100000 && st != PB_OK; n++) {
        pb__dictionary_test_text(NULL); /* drop what is loaded */
        pb__diag diag;
        pb__diag_clear(&diag);
        pb__alloc_fail_after(n);
        st = pb__dictionary_load(&diag);
        pb__alloc_fail_after(0);
        size_t len = 0;
        if (st != PB_OK) {
            cr_assert_eq(st, PB_ERR_NOMEM, "allocation %lu: %s", n, diag.msg);
            cr_assert_str_eq(diag.msg, "out of memory");
            cr_assert_null(pb__company_at("HF", 2, 0, &len, NULL, NULL));
        } else {
            cr_assert_str_eq(pb__company_at("HF", 2, 0, &len, NULL, NULL), "hugging-face");
        }
    }
    cr_expect(n > 20, "the load made only %lu allocations", n);
}

static void *load_and_look(void *arg)
{
    (void)arg;
    pb__diag diag;
    if (pb__dictionary_load(&diag) != PB_OK)
        return NULL;
    return (void *)pb__company_display("hugging-face");
}

/* Threads that load at once all get the one dictionary. */
Test(dictionary, threads_load_once)
{
    pb__dictionary_test_text(NULL);
    pthread_t t[8];
    void *got[8];
    for (int i = 0; i < 8; i++)
        cr_assert_eq(pthread_create(&t[i], NULL, load_and_look, NULL), 0);
    for (int i = 0; i < 8; i++)
        pthread_join(t[i], &got[i]);
    for (int i = 0; i < 8; i++) {
        cr_assert_not_null(got[i]);
        cr_expect_eq(got[i], got[0], "thread %d saw another dictionary", i);
        cr_expect_str_eq(got[i], "Hugging Face");
    }
}
