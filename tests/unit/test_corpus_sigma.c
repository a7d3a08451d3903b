/*
 * test_corpus_sigma.c — conformance over the SigmaHQ rule set in
 * ../shared/corpus/sigma.  Every rule of the required folders must load;
 * the test asserts the exact count per folder and names every rule that
 * does not load, with its reason.  rules-placeholder must load with the
 * unresolved-placeholder status; deprecated/ and unsupported/ are
 * reported, and every file there must be accounted for (loaded or with an
 * error), never silently dropped.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "ruledex/ruledex.h"

static void print_errors(const rdx_diags *d, size_t max) {
    size_t shown = 0;
    for (size_t i = 0; i < d->count && shown < max; i++) {
        if (d->items[i].severity != RDX_SEV_ERROR) continue;
        char buf[1024];
        rdx_diag_format(&d->items[i], buf, sizeof buf);
        fprintf(stderr, "    not loaded: %s\n", buf);
        shown++;
    }
}

/* Load one corpus folder as a user does — no language named, every file
 * to the reader that claims it — so a Sigma rule another reader claims
 * (a rule about Splunk is not a Splunk detection) shows up as a missing
 * rule; returns rules loaded, fills files/errors. */
static size_t load_folder(const char *corpus, const char *folder, rdx_ruleset **out,
                          rdx_diags *d) {
    char path[4096];
    snprintf(path, sizeof path, "%s/sigma/%s", corpus, folder);
    rdx_ruleset *rs = rdx_ruleset_new();
    rdx_load_rules_path(rs, path, NULL, d);
    rdx_ruleset_apply_filters(rs, d);
    *out = rs;
    return rs->n_rules;
}

static void required_folder(const char *folder, size_t want_files, size_t want_rules) {
    const char *corpus = rdx_test_corpus();
    if (!corpus) {
        rdx_test_skip("../shared/corpus not found (set RDX_CORPUS)");
        return;
    }
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs;
    size_t n = load_folder(corpus, folder, &rs, &d);
    rdx_test_checkf(rs->files_read == want_files, __FILE__, __LINE__, "%s: %zu files read, expected %zu",
                    folder, rs->files_read, want_files);
    rdx_test_checkf(n == want_rules, __FILE__, __LINE__, "%s: %zu rules loaded, expected %zu", folder, n,
                    want_rules);
    rdx_test_checkf(d.errors == 0, __FILE__, __LINE__, "%s: %zu rules with errors", folder, d.errors);
    print_errors(&d, 50);
    size_t placeholders = 0;
    for (size_t i = 0; i < rs->n_rules; i++) {
        const rdx_rule *r = rs->rules[i];
        placeholders += r->status_load == RDX_RULE_UNRESOLVED_PLACEHOLDER;
        /* Every loaded rule is complete enough to run. */
        if (!r->title || !r->condition || r->n_stages == 0)
            rdx_test_checkf(0, __FILE__, __LINE__, "%s: incomplete rule %s", folder, r->file);
        if (!r->lang || strcmp(r->lang, "sigma") != 0)
            rdx_test_checkf(0, __FILE__, __LINE__, "%s: %s read as %s", folder, r->file,
                            r->lang ? r->lang : "?");
    }
    fprintf(stderr, "    %s: %zu files, %zu rules loaded, %zu with unresolved placeholders\n", folder,
            rs->files_read, n, placeholders);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}

TEST(corpus_sigma_rules_all_load) { required_folder("rules", 3141, 3141); }
TEST(corpus_sigma_emerging_threats_all_load) { required_folder("rules-emerging-threats", 473, 473); }
TEST(corpus_sigma_threat_hunting_all_load) { required_folder("rules-threat-hunting", 140, 140); }
TEST(corpus_sigma_compliance_all_load) { required_folder("rules-compliance", 3, 3); }
TEST(corpus_sigma_dfir_all_load) { required_folder("rules-dfir", 0, 0); }

TEST(corpus_sigma_placeholder_rules_load_unresolved) {
    REQUIRE_CORPUS(corpus);
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs;
    size_t n = load_folder(corpus, "rules-placeholder", &rs, &d);
    CHECK_INT(n, 23);
    CHECK_INT(d.errors, 0);
    print_errors(&d, 50);
    size_t unresolved = 0;
    for (size_t i = 0; i < rs->n_rules; i++) {
        if (rs->rules[i]->status_load == RDX_RULE_UNRESOLVED_PLACEHOLDER) unresolved++;
        else fprintf(stderr, "    resolved without placeholders: %s\n", rs->rules[i]->file);
    }
    CHECK_INT(unresolved, 23);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}

/* deprecated/ and unsupported/: not required to load, but every file is
 * either loaded or reported with an error. */
static void reported_folder(const char *folder) {
    const char *corpus = rdx_test_corpus();
    if (!corpus) {
        rdx_test_skip("../shared/corpus not found (set RDX_CORPUS)");
        return;
    }
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs;
    size_t n = load_folder(corpus, folder, &rs, &d);
    /* files with no loaded rule must have an error naming them */
    size_t silent = 0;
    char path[4096];
    snprintf(path, sizeof path, "%s/sigma/%s", corpus, folder);
    CHECK(rs->files_read > 0);
    size_t files_with_error = 0;
    for (size_t i = 0; i < d.count; i++) {
        if (d.items[i].severity != RDX_SEV_ERROR) continue;
        int first = 1;
        for (size_t k = 0; k < i; k++)
            if (d.items[k].severity == RDX_SEV_ERROR && !strcmp(d.items[k].file, d.items[i].file)) first = 0;
        files_with_error += first;
    }
    size_t files_with_rule = 0;
    for (size_t i = 0; i < rs->n_rules; i++) {
        int first = 1;
        for (size_t k = 0; k < i; k++)
            if (!strcmp(rs->rules[k]->file, rs->rules[i]->file)) first = 0;
        files_with_rule += first;
    }
    if (files_with_rule + files_with_error < rs->files_read) silent = rs->files_read - files_with_rule - files_with_error;
    CHECK_INT(silent, 0);
    fprintf(stderr, "    %s: %zu files, %zu rules loaded, %zu errors (reported, not required)\n",
            folder, rs->files_read, n, d.errors);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}

TEST(corpus_sigma_deprecated_is_accounted_for) { reported_folder("deprecated"); }
TEST(corpus_sigma_unsupported_is_accounted_for) { reported_folder("unsupported"); }
