/*
 * test_corpus_native.c — conformance of the Splunk and KQL readers over
 * ../shared/corpus/splunk and ../shared/corpus/kusto: files read without
 * error, rules loaded, rules runnable (every stage the condition needs is
 * represented), and among the rules with a literal filter (a positive
 * string comparison in a stage the condition uses) those with at least one
 * indicator the catalog counts.  The figures are asserted as floors, so a
 * reader change that loses rules fails here; the reasons rules are not
 * runnable are printed, most frequent first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ruledex/ruledex.h"

typedef struct figures {
    size_t files, failed, rules, runnable, literal, with_indicator, errors;
} figures;

static int literal_pred(const rdx_predicate *p) {
    if (p->flags & (RDX_PF_NEQ | RDX_PF_FIELDREF)) return 0;
    for (size_t k = 0; k < p->n_values; k++) {
        const rdx_rvalue *v = &p->values[k];
        if (v->kind != RDX_VK_STRING && v->kind != RDX_VK_REGEX) continue;
        if (v->text_len) return 1;
    }
    return 0;
}

/* A literal filter a catalog indicator is made of: a positive string
 * predicate on a named field with an indicator kind. */
static int indicator_pred(const rdx_predicate *p) {
    if (!literal_pred(p) || !p->field) return 0;
    switch (p->op) {
    case RDX_OP_EQUALS: case RDX_OP_CONTAINS: case RDX_OP_STARTSWITH: case RDX_OP_ENDSWITH:
    case RDX_OP_TERM: case RDX_OP_REGEX:
        return 1;
    default:
        return 0;
    }
}

typedef struct reason { const char *text; size_t n; } reason;

static void count(const rdx_ruleset *rs, figures *f, reason *rsn, size_t *n_rsn, size_t cap) {
    for (size_t i = 0; i < rs->n_rules; i++) {
        const rdx_rule *r = rs->rules[i];
        f->rules++;
        const char *why = rdx_rule_opaque_reason(r);
        if (!why) f->runnable++;
        else {
            size_t j = 0;
            while (j < *n_rsn && strcmp(rsn[j].text, why)) j++;
            if (j == *n_rsn && *n_rsn < cap) rsn[(*n_rsn)++] = (reason){why, 0};
            if (j < *n_rsn) rsn[j].n++;
        }
        int lit = 0, ind = 0;
        for (size_t s = 0; s < r->n_stages; s++)
            for (size_t g = 0; g < r->stages[s].n_groups; g++)
                for (size_t k = 0; k < r->stages[s].groups[g].n_preds; k++) {
                    lit |= literal_pred(&r->stages[s].groups[g].preds[k]);
                    ind |= indicator_pred(&r->stages[s].groups[g].preds[k]);
                }
        f->literal += lit;
        f->with_indicator += lit && ind;
    }
}

static int by_n(const void *a, const void *b) {
    const reason *x = a, *y = b;
    return x->n < y->n ? 1 : x->n > y->n ? -1 : strcmp(x->text, y->text);
}

static figures corpus_figures(const char *corpus, const char *spec) {
    char path[4096];
    snprintf(path, sizeof path, "%s", spec);
    const char *colon = strchr(spec, ':');
    snprintf(path, sizeof path, "%.*s:%s/%s", (int)(colon - spec), spec, corpus, colon + 1);
    rdx_ruleset *rs = rdx_ruleset_new();
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_load_rules_path(rs, path, NULL, &d);
    figures f = {.files = rs->files_read, .failed = rs->files_failed, .errors = d.errors};
    reason rsn[256];
    size_t n_rsn = 0;
    count(rs, &f, rsn, &n_rsn, 256);
    qsort(rsn, n_rsn, sizeof *rsn, by_n);
    fprintf(stderr, "    %s: %zu files (%zu failed, %zu errors), %zu rules, %zu runnable, "
            "%zu with a literal filter, %zu of them with an indicator\n",
            spec, f.files, f.failed, f.errors, f.rules, f.runnable, f.literal, f.with_indicator);
    for (size_t i = 0; i < n_rsn && i < 12; i++)
        fprintf(stderr, "      not runnable %4zu  %s\n", rsn[i].n, rsn[i].text);
    for (size_t i = 0, shown = 0; i < d.count && shown < 5; i++)
        if (d.items[i].severity == RDX_SEV_ERROR) {
            char buf[512];
            rdx_diag_format(&d.items[i], buf, sizeof buf);
            fprintf(stderr, "      error: %s\n", buf);
            shown++;
        }
    rdx_diags_free(&d);
    rdx_ruleset_free(rs);
    return f;
}

TEST(corpus_splunk_conformance) {
    REQUIRE_CORPUS(corpus);
    figures f = corpus_figures(corpus, "splunk:splunk");
    /* 1,711 detections + 189 macros; 3 files libfyaml refuses (a
     * continuation line of a single-quoted scalar at column 0: two
     * deprecated detections and the base64decode macro). */
    CHECK_INT(f.files, 1900);
    CHECK_INT(f.failed, 3);
    CHECK_INT(f.rules, 1709);
    CHECK(f.runnable >= 1200);                    /* 1,203 when written */
    CHECK(f.with_indicator * 100 >= f.literal * 98);   /* 1,477 of 1,496 */
}

TEST(corpus_kusto_conformance) {
    REQUIRE_CORPUS(corpus);
    figures f = corpus_figures(corpus, "kusto:kusto");
    /* 876 files with a KQL extension (extension-less query files are not
     * offered by the walk); a file without a query block loads no rule. */
    CHECK_INT(f.files, 876);
    CHECK_INT(f.failed, 0);
    CHECK(f.errors <= 2);                         /* 2 unterminated strings */
    CHECK(f.rules >= 820);
    CHECK(f.runnable >= 339);
    CHECK(f.with_indicator * 100 >= f.literal * 99);   /* 528 of 528 */
}
