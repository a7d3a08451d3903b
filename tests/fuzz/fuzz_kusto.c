/*
 * fuzz_kusto.c — libFuzzer / AFL++ target for the KQL reader: the bytes as a .kql query, a Markdown file and a Sentinel .yaml.
 *
 * What must hold, for any bytes: loading ends without a crash or leak;
 * every rule loaded has a condition whose stage indices exist; an opaque
 * stage has no groups and says why; the field map pass (with no table,
 * so every field gets its language prefix) leaves every named predicate's
 * field_written as written and a field that starts with the language.
 *
 *   sh tests/fuzz/run.sh kusto
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "front/kusto/kql_internal.h"
#include "ruledex/fieldnorm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int cond_ok(const rdx_rule *r, const rdx_cond *c) {
    if (!c) return 0;
    if (c->kind == RDX_COND_STAGE) return c->stage < r->n_stages;
    for (size_t i = 0; i < c->n_kids; i++)
        if (!cond_ok(r, c->kids[i])) return 0;
    return 1;
}

static void check(const rdx_ruleset *rs) {
    for (size_t i = 0; i < rs->n_rules; i++) {
        const rdx_rule *r = rs->rules[i];
        if (!cond_ok(r, r->condition)) __builtin_trap();
        for (size_t s = 0; s < r->n_stages; s++) {
            const rdx_stage *st = &r->stages[s];
            if (st->opaque && (st->n_groups || !st->opaque->reason)) __builtin_trap();
            for (size_t g = 0; g < st->n_groups; g++)
                for (size_t k = 0; k < st->groups[g].n_preds; k++) {
                    const rdx_predicate *p = &st->groups[g].preds[k];
                    size_t ll = strlen(r->lang);
                    if (p->field && (strncmp(p->field, r->lang, ll) || p->field[ll] != ':' ||
                                     strcmp(p->field + ll + 1, p->field_written)))
                        __builtin_trap();
                }
        }
    }
}

static int one(const char *path, const uint8_t *data, size_t size) {
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = 0;
    rdx_ruleset *rs = rdx_ruleset_new();
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_kusto_load_buffer(rs, path, text, size, &d);
    rdx_ruleset_normalise_fields(rs, NULL, &d);
    check(rs);
    rdx_diags_free(&d);
    rdx_ruleset_free(rs);
    free(text);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    one("fuzz.kql", data, size);
    one("fuzz.md", data, size);
    return one("fuzz.yaml", data, size);
}
