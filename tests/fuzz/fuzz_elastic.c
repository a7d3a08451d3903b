/*
 * fuzz_elastic.c — libFuzzer / AFL++ target for the elastic reader.
 *
 * The input is an Elastic rule file: TOML (toml.c) → metadata and the query by its language: EQL (eql.c), ES|QL (esql.c), KQL and Lucene (kuery.c) → stages (fexpr.c).
 * Invariants: the loader returns -1, 0 or the rules it added; every rule
 * has a title and a condition whose stage indices exist; an opaque stage
 * has no groups; a rule whose condition needs an opaque stage is not
 * runnable; every diagnostic has a message.  Seeds: the elastic corpus folder
 * (tests/fuzz/run.sh, seed_elastic).
 *
 *   sh tests/fuzz/run.sh elastic
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "front/elastic/elastic_internal.h"
#include "ruledex/ruledex.h"

#define FUZZ_ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)

int rdx_elastic_load_buffer(rdx_ruleset *rs, const char *path, const char *text, size_t len, rdx_diags *d);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_cond(const rdx_cond *c, size_t n_stages, int depth) {
    FUZZ_ASSERT(c && depth < 100000);
    if (c->kind == RDX_COND_STAGE) FUZZ_ASSERT(c->stage < n_stages);
    for (size_t i = 0; i < c->n_kids; i++) check_cond(c->kids[i], n_stages, depth + 1);
    for (size_t i = 0; i < c->n_stages; i++) FUZZ_ASSERT(c->stages[i] < n_stages);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    rdx_ruleset *rs = rdx_ruleset_new();
    rdx_diags d;
    rdx_diags_init(&d);
    int n = rdx_elastic_load_buffer(rs, "fuzz.toml", (const char *)data, size, &d);
    FUZZ_ASSERT(n >= -1 && (n < 0 || (size_t)n == rs->n_rules));
    for (size_t i = 0; i < rs->n_rules; i++) {
        const rdx_rule *r = rs->rules[i];
        FUZZ_ASSERT(r->title && r->condition);
        check_cond(r->condition, r->n_stages, 0);
        for (size_t s = 0; s < r->n_stages; s++)
            if (r->stages[s].opaque) FUZZ_ASSERT(r->stages[s].n_groups == 0 && r->stages[s].opaque->reason);
        if (rdx_rule_opaque_reason(r)) FUZZ_ASSERT(r->status_load == RDX_RULE_NOT_RUNNABLE);
    }
    for (size_t i = 0; i < d.count; i++) FUZZ_ASSERT(d.items[i].message && d.items[i].message[0]);
    rdx_diags_free(&d);
    rdx_ruleset_free(rs);
    return 0;
}
