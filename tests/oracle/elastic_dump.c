/*
 * elastic_dump.c — for each Elastic rule file named, one JSON line with
 * the structure ruledex read from its EQL query:
 *
 *     {"file": F, "kind": "event"|"sequence"|"sample",
 *      "categories": ["process", "any", ...],   per subquery, in order
 *      "fields": [...]}                           predicate fields, sorted,
 *                                                 event.category left out
 *
 * Files whose language is not EQL print nothing.  tests/oracle/eql_check.py
 * compares these lines with what Elastic's own `eql` package parses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ruledex/json.h"
#include "ruledex/ruledex.h"
#include "ruledex/strbuf.h"

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The subquery a stage belongs to: "where" → 0, "event3_2" → 3. */
static int subquery(const char *name) {
    if (!strncmp(name, "event", 5)) return atoi(name + 5);
    return !strncmp(name, "where", 5) ? 1 : 0;
}

static void dump(const rdx_rule *r) {
    const rdx_value *rule = rdx_object_get(r->document, "rule");
    const rdx_value *lang = rdx_object_get(rule, "language");
    if (!lang || lang->type != RDX_STRING || strcmp(lang->u.str.ptr, "eql")) return;
    const char *kind = "event";
    int n_sub = 0;
    const char *cats[64] = {0};
    const char *fields[4096];
    size_t nf = 0;
    for (size_t s = 0; s < r->n_stages; s++) {
        const rdx_stage *st = &r->stages[s];
        if (st->opaque && (!strcmp(st->name, "sequence") || !strcmp(st->name, "sample"))) kind = st->name;
        int k = subquery(st->name);
        if (k > n_sub) n_sub = k;
        for (size_t g = 0; g < st->n_groups; g++)
            for (size_t p = 0; p < st->groups[g].n_preds; p++) {
                const rdx_predicate *pr = &st->groups[g].preds[p];
                if (!pr->field) continue;
                if (!strcmp(pr->field, "event.category") && k > 0 && k < 64 && !cats[k] && pr->n_values)
                    cats[k] = pr->values[0].text;
                else if (strcmp(pr->field, "event.category") && nf < 4096)
                    fields[nf++] = pr->field;
            }
    }
    qsort(fields, nf, sizeof *fields, cmp);
    rdx_strbuf b = {0};
    rdx_strbuf_puts(&b, "{\"file\": ");
    rdx_json_write_string(&b, r->file, strlen(r->file));
    rdx_strbuf_printf(&b, ", \"kind\": \"%s\", \"categories\": [", kind);
    for (int k = 1; k <= n_sub && k < 64; k++) {
        const char *c = cats[k] ? cats[k] : "any";
        if (k > 1) rdx_strbuf_puts(&b, ", ");
        rdx_json_write_string(&b, c, strlen(c));
    }
    rdx_strbuf_puts(&b, "], \"fields\": [");
    for (size_t i = 0; i < nf; i++) {
        if (i && !strcmp(fields[i], fields[i - 1])) continue;
        if (i) rdx_strbuf_puts(&b, ", ");
        rdx_json_write_string(&b, fields[i], strlen(fields[i]));
    }
    rdx_strbuf_puts(&b, "]}\n");
    fwrite(b.data, 1, b.len, stdout);
    rdx_strbuf_free(&b);
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        rdx_ruleset *rs = rdx_ruleset_new();
        rdx_diags d;
        rdx_diags_init(&d);
        const rdx_load_opts opts = {.lang = "elastic"};
        rdx_load_rules_path(rs, argv[i], &opts, &d);
        for (size_t k = 0; k < rs->n_rules; k++) dump(rs->rules[k]);
        rdx_diags_free(&d);
        rdx_ruleset_free(rs);
    }
    return 0;
}
