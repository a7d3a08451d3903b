/*
 * test_corpus_regression.c — SigmaHQ regression data: for every test in
 * ../shared/corpus/sigma-regression/INDEX.tsv, hunting its .evtx with the
 * whole rule set (rules/, rules-emerging-threats/, rules-threat-hunting/)
 * fires that rule, at least match_count times where a count is given.
 *
 * It hunts the way `ruledex hunt` does — the EVTX reader, the compiled
 * matcher over every rule with log-source routing and field maps from
 * data/logsources.yml — and asserts the number of tests that pass (the
 * goal: all).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ruledex/matcher.h"
#include "ruledex/ruledex.h"

typedef struct reg_case {
    char rule_id[64];
    char evtx[1024];
    long match_count;      /* -1: at least one */
} reg_case;

static size_t read_index(const char *corpus, reg_case **out) {
    char path[4096];
    snprintf(path, sizeof path, "%s/sigma-regression/INDEX.tsv", corpus);
    size_t len;
    char *text = rdx_test_read_file(path, &len);
    if (!text) return 0;
    size_t n = 0, cap = 256;
    reg_case *cases = calloc(cap, sizeof *cases);
    char *save = NULL;
    int header = 1;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (header) { header = 0; continue; }
        char *cols[5] = {0};
        size_t k = rdx_test_tsv_cells(line, cols, 5);
        if (k < 4 || !cols[2]) continue;
        if (n == cap) cases = realloc(cases, (cap *= 2) * sizeof *cases);
        reg_case *c = &cases[n++];
        snprintf(c->rule_id, sizeof c->rule_id, "%s", cols[0]);
        snprintf(c->evtx, sizeof c->evtx, "%s/sigma-regression/%s", corpus, cols[2]);
        c->match_count = cols[4] && *cols[4] ? strtol(cols[4], NULL, 10) : -1;
    }
    free(text);
    *out = cases;
    return n;
}

typedef struct count_ctx {
    size_t target;
    long hits;
} count_ctx;

static void count_hit(void *arg, size_t rule) {
    count_ctx *c = arg;
    c->hits += rule == c->target;
}

/* How many times rule number `target` fires on the events of one file. */
static long hunt_file(const rdx_matcher *m, rdx_scratch *s, const char *path, size_t target,
                      rdx_diags *d) {
    rdx_reader *r = rdx_reader_open(path, RDX_FMT_AUTO, d);
    if (!r) return -1;
    rdx_arena *a = rdx_arena_new(0);
    rdx_event ev;
    count_ctx c = {target, 0};
    int rc;
    while ((rc = rdx_reader_next(r, a, &ev, d)) != 0) {
        if (rc > 0) rdx_matcher_match(m, s, &ev, count_hit, &c);
        rdx_arena_reset(a);
    }
    rdx_reader_close(r);
    rdx_arena_free(a);
    return c.hits;
}

static size_t rule_index(const rdx_ruleset *rs, const char *id) {
    for (size_t i = 0; i < rs->n_rules; i++)
        if (rs->rules[i]->id && !strcmp(rs->rules[i]->id, id)) return i;
    return (size_t)-1;
}

TEST(corpus_regression_every_test_fires_its_rule) {
    REQUIRE_CORPUS(corpus);
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_logsources *ls = rdx_logsources_load("data/logsources.yml", &d);
    CHECK(ls != NULL);
    rdx_ruleset *rs = rdx_ruleset_new();
    static const char *const folders[] = {"rules", "rules-emerging-threats", "rules-threat-hunting"};
    for (size_t i = 0; i < 3; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/sigma/%s", corpus, folders[i]);
        rdx_sigma_load_path(rs, path, &d);
    }
    CHECK_INT(rs->n_rules, 3754);
    reg_case *cases = NULL;
    size_t n = read_index(corpus, &cases);
    CHECK_INT(n, 129);
    rdx_matcher *m = rdx_matcher_new((const rdx_rule *const *)rs->rules, rs->n_rules, ls, &d);
    rdx_scratch *s = rdx_scratch_new(m);
    size_t passed = 0;
    for (size_t i = 0; ls && i < n; i++) {
        size_t k = rule_index(rs, cases[i].rule_id);
        if (k == (size_t)-1) {
            fprintf(stderr, "    rule %s not loaded\n", cases[i].rule_id);
            continue;
        }
        const rdx_rule *r = rs->rules[k];
        rdx_diags fd;
        rdx_diags_init(&fd);
        long hits = hunt_file(m, s, cases[i].evtx, k, &fd);
        long want = cases[i].match_count < 0 ? 1 : cases[i].match_count;
        if (hits >= want) passed++;
        else fprintf(stderr, "    %s (%s): %ld detections, want %ld%s\n", r->title, cases[i].rule_id, hits,
                     want, fd.errors ? " (reader errors)" : "");
        rdx_diags_free(&fd);
    }
    fprintf(stderr, "    sigma regression: %zu of %zu tests fire their rule\n", passed, n);
    CHECK_INT(passed, 129);
    rdx_scratch_free(s);
    rdx_matcher_free(m);
    free(cases);
    rdx_ruleset_free(rs);
    rdx_logsources_free(ls);
    rdx_diags_free(&d);
}
