/* test_ir.c — intermediate-form features no Sigma rule produces, built by
 * hand: the term operator (RDX_OP_TERM). */
#include <string.h>

#include "harness.h"
#include "render/render_internal.h"
#include "ruledex/engine.h"
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
