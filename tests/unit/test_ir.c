/* test_ir.c — intermediate-form features no Sigma rule produces, built by
 * hand: the term operator (RDX_OP_TERM). */
#include <string.h>

#include "harness.h"
#include "render/render_internal.h"
#include "ruledex/catalog.h"
#include "ruledex/eval.h"
#include "ruledex/json.h"
#include "ruledex/matcher.h"
#include "sigma_helpers.h"

/* `CommandLine has 'needle'`: a Sigma rule loaded, then turned by hand
 * into a term match on a literal (what a KQL reader would build). */
static rdx_ruleset *term_rule(const char *needle, int cased) {
    rdx_diags d;
    rdx_diags_init(&d);
    char det[256];
    snprintf(det, sizeof det, "s:\n    CommandLine|contains%s: x\ncondition: s\n",
             cased ? "|cased" : "");
    rdx_ruleset *rs = th_load_detection(det, &d);
    rdx_diags_free(&d);
    rdx_predicate *p = &rs->rules[0]->stages[0].groups[0].preds[0];
    p->op = RDX_OP_TERM;
    p->n_modifiers = cased ? 1 : 0;
    p->modifiers[0] = "cased";
    p->values[0].text = needle;
    p->values[0].text_len = strlen(needle);
    p->values[0].variants.items[0] = rdx_pattern_literal(rs->arena, needle, strlen(needle));
    return rs;
}

static int term_hit(const rdx_rule *r, const char *value) {
    char json[512];
    snprintf(json, sizeof json, "{\"CommandLine\": \"%s\"}", value);
    return th_eval_json(r, json);
}

TEST(ir_term_matches_whole_terms_only) {
    rdx_ruleset *rs = term_rule("cmd", 0);
    const rdx_rule *r = rs->rules[0];
    CHECK_INT(term_hit(r, "C:\\\\Windows\\\\cmd.exe"), 1);
    CHECK_INT(term_hit(r, "run cmd now"), 1);
    CHECK_INT(term_hit(r, "cmd"), 1);
    CHECK_INT(term_hit(r, "CMD /c dir"), 1);          /* caseless */
    CHECK_INT(term_hit(r, "cmdline"), 0);
    CHECK_INT(term_hit(r, "xcmd"), 0);
    CHECK_INT(term_hit(r, "cmd2 x_cmd"), 1);          /* _ is no letter or digit */
    CHECK_INT(term_hit(r, "a1cmd cmdb"), 0);
    CHECK_STR(rdx_op_name(RDX_OP_TERM), "term");
    rdx_ruleset_free(rs);

    rs = term_rule("cmd.exe", 0);                     /* a phrase of two terms */
    CHECK_INT(term_hit(rs->rules[0], "C:\\\\Windows\\\\CMD.EXE /c"), 1);
    CHECK_INT(term_hit(rs->rules[0], "C:\\\\Windows\\\\xcmd.exe"), 0);
    CHECK_INT(term_hit(rs->rules[0], "cmd.exec"), 0);
    rdx_ruleset_free(rs);

    rs = term_rule("\\cmd", 0);                     /* a non-alphanumeric edge needs no boundary */
    CHECK_INT(term_hit(rs->rules[0], "C:\\\\x\\\\cmd.exe"), 1);
    rdx_ruleset_free(rs);
}

TEST(ir_term_cased_and_caseless) {
    rdx_ruleset *rs = term_rule("Cmd", 1);
    CHECK_INT(term_hit(rs->rules[0], "run Cmd now"), 1);
    CHECK_INT(term_hit(rs->rules[0], "run cmd now"), 0);
    rdx_ruleset_free(rs);
    rs = term_rule("Cmd", 0);
    CHECK_INT(term_hit(rs->rules[0], "run cMD now"), 1);
    rdx_ruleset_free(rs);
}

TEST(ir_term_literal_is_an_atom_and_the_matcher_agrees) {
    rdx_ruleset *rs = term_rule("mimikatz", 0);
    const rdx_rule *r = rs->rules[0];
    rdx_arena *a = rdx_arena_new(0);
    rdx_atomset set;
    rdx_rule_atoms(r, a, &set);
    CHECK(!set.always && !set.never);
    CHECK_INT(set.n_clauses, 1);
    if (set.n_clauses == 1) {
        CHECK_INT(set.clauses[0].n, 1);
        CHECK(set.clauses[0].atoms[0].len == 8 && !memcmp(set.clauses[0].atoms[0].bytes, "mimikatz", 8));
    }
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_matcher *m = rdx_matcher_new(&r, 1, NULL, &d);
    rdx_scratch *s = rdx_scratch_new(m);
    static const struct { const char *json; size_t want; } cases[] = {
        {"{\"CommandLine\": \"x MimiKatz.exe\"}", 1},
        {"{\"CommandLine\": \"mimikatzz\"}", 0},   /* the atom occurs, the term does not */
        {"{\"CommandLine\": \"nothing\"}", 0},
    };
    for (size_t i = 0; i < 3; i++) {
        rdx_arena *ea = rdx_arena_new(0);
        rdx_json_error err;
        rdx_value *v = rdx_json_parse(ea, cases[i].json, strlen(cases[i].json), &err);
        rdx_event ev;
        rdx_event_init(&ev, ea, v);
        CHECK_INT(rdx_matcher_match(m, s, &ev, NULL, NULL), cases[i].want);
        CHECK_INT(th_eval_json(r, cases[i].json), (int)cases[i].want);
        rdx_arena_free(ea);
    }
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_stage_lines(&b, &r->stages[0], "");
    CHECK_STR(b.data, "CommandLine|term: 'mimikatz'\n");
    rdx_strbuf_free(&b);
    rdx_scratch_free(s);
    rdx_matcher_free(m);
    rdx_diags_free(&d);
    rdx_arena_free(a);
    rdx_ruleset_free(rs);
}

/* ---- the log-source table's `where:` as predicates ------------------------ */

static const char where_table[] =
    "version: 1\nlogsources:\n"
    "  - product: windows\n    category: file_access\n    sources:\n"
    "      - channel: Security\n        provider: Microsoft-Windows-Security-Auditing\n"
    "        events: {4663: An attempt was made to access an object.}\n"
    "        where: {ObjectType: File}\n";

static int covered(const rdx_logsources *ls, const char *json) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_json_error err;
    rdx_value *v = rdx_json_parse(a, json, strlen(json), &err);
    rdx_event ev;
    rdx_event_init(&ev, a, v);
    rdx_event_identity id;
    rdx_event_identify(&ev, &id);
    rdx_logsource rl = {.category = "file_access", .product = "windows"};
    const rdx_fieldmap *f;
    int hit = rdx_logsources_covers_event(ls, &rl, &id, &ev, &f);
    rdx_arena_free(a);
    return hit;
}

TEST(ir_where_is_predicates_and_reads_every_value) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_logsources *ls = rdx_logsources_parse("t.yml", where_table, strlen(where_table), &d);
    CHECK(ls != NULL);
    if (!ls) {
        for (size_t i = 0; i < d.count; i++) fprintf(stderr, "    %s\n", d.items[i].message);
        rdx_diags_free(&d);
        return;
    }
    const rdx_event_source *src;
    int known;
    rdx_logsource rl = {.category = "file_access", .product = "windows"};
    CHECK_INT(rdx_logsources_lookup(ls, &rl, &src, &known), 1);
    const rdx_group *w = src[0].where;
    CHECK(w && w->n_preds == 1);
    if (w) {
        CHECK_STR(w->preds[0].field, "ObjectType");
        CHECK_INT(w->preds[0].op, RDX_OP_EQUALS);
        CHECK_INT(w->preds[0].line, 9);
    }
    /* 20 values, only the 20th satisfies it: every value is examined. */
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_strbuf_puts(&b, "{\"Channel\": \"Security\", \"EventID\": 4663, \"ObjectType\": [");
    for (int i = 1; i < 20; i++) rdx_strbuf_printf(&b, "\"Key%d\", ", i);
    rdx_strbuf_puts(&b, "\"file\"]}");
    CHECK_INT(covered(ls, b.data), 1);
    rdx_strbuf_clear(&b);
    rdx_strbuf_puts(&b, "{\"Channel\": \"Security\", \"EventID\": 4663, \"ObjectType\": [");
    for (int i = 1; i < 20; i++) rdx_strbuf_printf(&b, "\"Key%d\", ", i);
    rdx_strbuf_puts(&b, "\"Key20\"]}");
    CHECK_INT(covered(ls, b.data), 0);
    CHECK_INT(covered(ls, "{\"Channel\": \"Security\", \"EventID\": 4663, \"ObjectType\": \"Files\"}"), 0);
    rdx_strbuf_free(&b);

    /* The catalog's event coverage shows the condition. */
    const char *yaml = "title: fa\nid: 00000000-0000-4000-8000-0000000000fa\n"
                       "logsource: {product: windows, category: file_access}\n"
                       "detection: {s: {FileName|endswith: '.kdbx'}, condition: s}\n";
    rdx_ruleset *rs = th_load_text(yaml, &d);
    rdx_catalog *c = rdx_catalog_new(NULL, ls);
    rdx_catalog_add_rule(c, rdx_catalog_add_source(c, "sigma", "."), rs->rules[0]);
    rdx_catalog_finish(c);
    const rdx_crule *const *rules;
    CHECK_INT(rdx_catalog_rules(c, &rules), 1);
    rdx_strbuf out = RDX_STRBUF_INIT;
    rdx_render_rule(&out, c, rules[0], RDX_PAGE_TEXT, NULL);
    CHECK(strstr(out.data, "(only where ObjectType is File)") != NULL);
    rdx_strbuf_clear(&out);
    rdx_render_rule(&out, c, rules[0], RDX_PAGE_JSON, NULL);
    CHECK(strstr(out.data, "\"where\"") && strstr(out.data, "ObjectType is File"));
    rdx_strbuf_free(&out);
    rdx_catalog_free(c);
    rdx_ruleset_free(rs);
    rdx_logsources_free(ls);
    rdx_diags_free(&d);
}

/* ---- opaque stages and native selectors ---------------------------------- */

TEST(ir_opaque_stage_never_matches_and_is_shown) {
    rdx_diags d;
    rdx_diags_init(&d);
    /* sel and not (opaque): were the opaque stage taken as false, `not`
     * would make the rule match everything sel matches. */
    rdx_ruleset *rs = th_load_detection("sel:\n    Image|endswith: '\\cmd.exe'\nx:\n    a: 1\n"
                                        "condition: sel and not x\n", &d);
    CHECK_INT(rs->n_rules, 1);
    rdx_rule *r = rs->rules[0];
    const char *ev = "{\"Image\": \"C:\\\\Windows\\\\cmd.exe\", \"a\": 2}";
    CHECK_INT(th_eval_json(r, ev), 1);
    CHECK(rdx_rule_opaque_reason(r) == NULL);
    rdx_opaque *o = rdx_arena_zalloc(rs->arena, sizeof *o);
    *o = (rdx_opaque){"join kind=inner (DeviceNetworkEvents) on DeviceId", "kql",
                      "joins are not supported"};
    r->stages[1].opaque = o;          /* by hand, as a KQL reader would */
    r->stages[1].n_groups = 0;
    r->status_load = RDX_RULE_NOT_RUNNABLE;
    r->native = (rdx_native_source){RDX_NATIVE_KQL_TABLE, {(const char *[]){"DeviceProcessEvents"}, 1}};
    CHECK_STR(rdx_rule_opaque_reason(r), "joins are not supported");
    CHECK_INT(th_eval_json(r, ev), 0);
    r->status_load = RDX_RULE_OK;     /* even unmarked, the evaluator refuses it */
    CHECK_INT(th_eval_json(r, ev), 0);
    rdx_arena *a = rdx_arena_new(0);
    rdx_atomset set;
    rdx_rule_atoms(r, a, &set);
    CHECK(set.never);                 /* counted with the matcher's never rules */
    const rdx_rule *rr = r;
    rdx_matcher *m = rdx_matcher_new(&rr, 1, NULL, &d);
    CHECK_INT(rdx_matcher_get_info(m).never, 1);
    rdx_matcher_free(m);

    rdx_catalog *c = rdx_catalog_new(NULL, NULL);
    rdx_catalog_add_rule(c, rdx_catalog_add_source(c, "kusto", "."), r);
    rdx_catalog_finish(c);
    const rdx_crule *const *rules;
    rdx_catalog_rules(c, &rules);
    rdx_strbuf out = RDX_STRBUF_INIT;
    rdx_render_rule(&out, c, rules[0], RDX_PAGE_TEXT, NULL);
    CHECK(strstr(out.data, "not runnable: joins are not supported") != NULL);
    CHECK(strstr(out.data, "# not representable (kql): joins are not supported") != NULL);
    CHECK(strstr(out.data, "join kind=inner (DeviceNetworkEvents) on DeviceId") != NULL);
    CHECK(strstr(out.data, "kql_table: DeviceProcessEvents") != NULL);
    rdx_strbuf_clear(&out);
    rdx_render_rule(&out, c, rules[0], RDX_PAGE_JSON, NULL);
    CHECK(strstr(out.data, "\"not_runnable\"") && strstr(out.data, "\"opaque\""));
    CHECK(strstr(out.data, "\"native_source\"") && strstr(out.data, "\"kql_table\""));
    rdx_strbuf_clear(&out);
    rdx_render_rule(&out, c, rules[0], RDX_PAGE_HTML, NULL);   /* must not crash */
    CHECK(out.len > 0);
    rdx_strbuf_free(&out);
    rdx_catalog_free(c);
    rdx_arena_free(a);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}
