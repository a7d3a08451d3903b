/*
 * kusto_dump.c — for each KQL rule under the paths named, one JSON line
 * with what ruledex's KQL reader made of its query, for
 * tests/oracle/kusto_check.js (Microsoft's own Kusto parser):
 *
 *     {"file": F, "query": TEXT,            the query as read
 *      "errors": N,                         error diagnostics for F
 *      "several": bool,                     warned: a ';' missing (several
 *                                           queries, or a `let` inside one)
 *      "table": "DeviceProcessEvents"|null, the native table
 *      "source_opaque": bool,               the source is not a table
 *      "wheres": N,                         `where` steps of the pipeline
 *      "wheres_opaque": N,                  of which kept as opaque stages
 *      "fields": [...]}                     fields the where stages test,
 *                                           as written, sorted
 *
 * A file that yields no rule prints {"file": F, "norule": true, "errors": N}.
 * Each file is loaded on its own, so its diagnostics are its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ruledex/json.h"
#include "ruledex/ruledex.h"
#include "ruledex/strbuf.h"
#include "util/yaml.h"

/* The query text the reader read: a Markdown file's fenced block that
 * starts at the rule's line, a Sentinel YAML file's `query:`, else the
 * whole file. */
static const char *query_of(rdx_arena *a, const rdx_rule *r, size_t *len) {
    const char *s = r->body ? r->body : "";
    size_t n = strlen(s), fl = strlen(r->file);
    if (fl > 3 && !strcmp(r->file + fl - 3, ".md")) {
        size_t i = 0;
        for (uint32_t line = 1; line < r->line && i < n; i++)
            if (s[i] == '\n') line++;
        size_t e = i;
        while (e < n && !(!strncmp(s + e, "```", 3) && (e == 0 || s[e - 1] == '\n'))) e++;
        *len = e - i;
        return s + i;
    }
    if (fl > 5 && (!strcmp(r->file + fl - 5, ".yaml") || !strcmp(r->file + fl - 4, ".yml"))) {
        ydoc *docs;
        int failed = 0;
        rdx_diags d;
        rdx_diags_init(&d);
        size_t nd = rdx_yaml_parse(a, r->file, s, n, &docs, &failed, &d);
        rdx_diags_free(&d);
        const ynode *q = nd && docs[0].root && docs[0].root->kind == Y_MAP
                             ? rdx_ymap_get(docs[0].root, "query") : NULL;
        if (q && q->kind == Y_SCALAR) {
            *len = q->len;
            return q->text;
        }
    }
    *len = n;
    return s;
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* "where_3" and its split parts "where_3_part2" are the step "where_3";
 * `filter` is KQL's other name for `where`. */
static int is_where(const rdx_stage *st) {
    return !strncmp(st->name, "where_", 6) || !strncmp(st->name, "filter_", 7);
}
static int is_part(const rdx_stage *st) { return strstr(st->name, "_part") != NULL; }

static void dump(rdx_arena *a, const rdx_rule *r, size_t errors, int several) {
    const char **fields = malloc((1 + 4096) * sizeof *fields);
    size_t nf = 0, wheres = 0, opaque = 0;
    int source_opaque = 0;
    for (size_t s = 0; s < r->n_stages; s++) {
        const rdx_stage *st = &r->stages[s];
        if (!strcmp(st->name, "source") && st->opaque) source_opaque = 1;
        if (!is_where(st)) continue;
        if (!is_part(st)) {
            wheres++;
            if (st->opaque) opaque++;
        }
        for (size_t g = 0; g < st->n_groups; g++)
            for (size_t p = 0; p < st->groups[g].n_preds; p++) {
                const rdx_predicate *pr = &st->groups[g].preds[p];
                if (pr->field_written && nf < 4096) fields[nf++] = pr->field_written;
            }
    }
    qsort(fields, nf, sizeof *fields, cmp);
    rdx_strbuf b = {0};
    rdx_strbuf_puts(&b, "{\"file\": ");
    rdx_json_write_string(&b, r->file, strlen(r->file));
    rdx_strbuf_puts(&b, ", \"query\": ");
    size_t qlen;
    const char *q = query_of(a, r, &qlen);
    rdx_json_write_string(&b, q, qlen);
    rdx_strbuf_printf(&b, ", \"errors\": %zu, \"several\": %s, \"table\": ", errors,
                      several ? "true" : "false");
    if (r->native.kind == RDX_NATIVE_KQL_TABLE && r->native.values.count)
        rdx_json_write_string(&b, r->native.values.items[0], strlen(r->native.values.items[0]));
    else
        rdx_strbuf_puts(&b, "null");
    rdx_strbuf_printf(&b, ", \"source_opaque\": %s, \"wheres\": %zu, \"wheres_opaque\": %zu, \"fields\": [",
                      source_opaque ? "true" : "false", wheres, opaque);
    for (size_t i = 0, k = 0; i < nf; i++) {
        if (i && !strcmp(fields[i], fields[i - 1])) continue;
        if (k++) rdx_strbuf_puts(&b, ", ");
        rdx_json_write_string(&b, fields[i], strlen(fields[i]));
    }
    rdx_strbuf_puts(&b, "]}\n");
    fwrite(b.data, 1, b.len, stdout);
    rdx_strbuf_free(&b);
    free(fields);
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        rdx_ruleset *rs = rdx_ruleset_new();
        rdx_diags d;
        rdx_diags_init(&d);
        const rdx_load_opts opts = {.lang = "kusto"};
        rdx_load_rules_path(rs, argv[i], &opts, &d);
        /* the reader's warnings that the text is no valid KQL: several
         * queries without ';', or a syntax error read around */
        int several = 0;
        for (size_t k = 0; k < d.count; k++)
            several |= strstr(d.items[k].message, "a second query begins") != NULL ||
                       strstr(d.items[k].message, "`let` inside a statement") != NULL ||
                       strstr(d.items[k].message, "not valid KQL:") != NULL;
        for (size_t k = 0; k < rs->n_rules; k++) dump(rs->arena, rs->rules[k], d.errors, several);
        if (!rs->n_rules) {   /* a file with no rule: the checker reads it itself */
            rdx_strbuf b = {0};
            rdx_strbuf_puts(&b, "{\"file\": ");
            rdx_json_write_string(&b, argv[i], strlen(argv[i]));
            rdx_strbuf_printf(&b, ", \"norule\": true, \"errors\": %zu}\n", d.errors);
            fwrite(b.data, 1, b.len, stdout);
            rdx_strbuf_free(&b);
        }
        rdx_diags_free(&d);
        rdx_ruleset_free(rs);
    }
    return 0;
}
