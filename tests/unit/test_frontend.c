/* test_frontend.c — the front-end registry (frontend.h), `[LANG:]PATH`
 * specs, and rules built by hand with build.h. */
#include "harness.h"
#include "sigma_helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ruledex/ruledex.h"

/* ---- registry ---------------------------------------------------------- */

TEST(frontend_registry_find_list_detect) {
    size_t n = 0;
    const rdx_frontend *const *all = rdx_frontends(&n);
    CHECK(n >= 1);
    CHECK_STR(all[0]->name, "sigma");
    CHECK(rdx_frontend_find("sigma") == all[0]);
    CHECK(rdx_frontend_find("kql") == NULL);
    CHECK(rdx_frontend_find(NULL) == NULL);
    for (size_t i = 0; i < n; i++) {
        CHECK(all[i]->description && *all[i]->description);
        CHECK(all[i]->extensions && all[i]->extensions[0]);
        CHECK(rdx_frontend_find(all[i]->name) == all[i]);
    }
    const char head[] = "title: x\nlogsource:\n  product: windows\n";
    CHECK(rdx_frontend_detect("r/a.yml", head, sizeof head - 1) == all[0]);
    CHECK(rdx_frontend_detect("r/a.YAML", NULL, 0) == all[0]);
    CHECK(rdx_frontend_detect("r/README.md", head, sizeof head - 1) == NULL);
    /* Content makes Sigma surer than the extension alone. */
    CHECK(all[0]->detect("a.yml", head, sizeof head - 1) > all[0]->detect("a.yml", NULL, 0));
}

TEST(frontend_split_spec) {
    char lang[16];
    const char *path;
    CHECK_INT(rdx_frontend_split("sigma:rules/x", lang, sizeof lang, &path), 1);
    CHECK_STR(lang, "sigma");
    CHECK_STR(path, "rules/x");
    CHECK_INT(rdx_frontend_split("rules/a:b/x.yml", lang, sizeof lang, &path), 0);
    CHECK_STR(path, "rules/a:b/x.yml");
    CHECK_INT(rdx_frontend_split("/tmp/x:y", lang, sizeof lang, &path), 0);
    CHECK_INT(rdx_frontend_split("c:\\rules", lang, sizeof lang, &path), 0);
    CHECK_INT(rdx_frontend_split("c:/rules", lang, sizeof lang, &path), 0);
    CHECK_INT(rdx_frontend_split("Sigma:rules", lang, sizeof lang, &path), 0);   /* upper case */
    CHECK_INT(rdx_frontend_split("my-lang_2:x", lang, sizeof lang, &path), 1);
    CHECK_STR(lang, "my-lang_2");
}

/* ---- loading specs ----------------------------------------------------- */

static const char rule_text[] =
    "title: t\nid: 11111111-2222-3333-4444-555555555555\nlogsource:\n    product: windows\n"
    "detection:\n    sel:\n        Image|endswith: '\\x.exe'\n    condition: sel\n";

/* dir/name with text; returns 0 on success. */
static int write_file(const char *dir, const char *name, const char *text) {
    char p[2048];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    if (!f) return -1;
    fputs(text, f);
    return fclose(f);
}

/* A temporary tree: DIR/x:y/{a.yml, sub/b.yaml, notes.txt}. */
static int make_tree(char *dir, size_t size, char *colon, size_t csize) {
    const char *t = getenv("TMPDIR");
    snprintf(dir, size, "%s/rdx-front-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(dir)) return -1;
    snprintf(colon, csize, "%s/x:y", dir);
    char sub[1024];
    snprintf(sub, sizeof sub, "%s/sub", colon);
    if (mkdir(colon, 0700) || mkdir(sub, 0700)) return -1;
    return write_file(colon, "a.yml", rule_text) | write_file(sub, "b.yaml", rule_text) |
           write_file(colon, "notes.txt", "not a rule\n");
}

static void remove_tree(const char *dir) {
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
}

/* Rules loaded from spec, -1 when loading failed; errors in *errors. */
static int load_spec(const char *spec, size_t *errors, rdx_diags *keep) {
    rdx_ruleset *rs = rdx_ruleset_new();
    rdx_diags d;
    rdx_diags_init(&d);
    int rc = rdx_load_rules_path(rs, spec, NULL, keep ? keep : &d);
    int n = rc < 0 ? -1 : (int)rs->n_rules;
    *errors = keep ? keep->errors : d.errors;
    rdx_diags_free(&d);
    rdx_ruleset_free(rs);
    return n;
}

TEST(frontend_load_specs) {
    char dir[256], colon[512], spec[1024];
    if (make_tree(dir, sizeof dir, colon, sizeof colon)) {
        CHECK(!"could not make a temporary tree");
        return;
    }
    size_t errors = 0;
    /* A path with ':' later in it: plain path, .yml and .yaml, .txt skipped. */
    CHECK_INT(load_spec(colon, &errors, NULL), 2);
    CHECK_INT(errors, 0);
    /* sigma: loads the directory the same way. */
    snprintf(spec, sizeof spec, "sigma:%s", colon);
    CHECK_INT(load_spec(spec, &errors, NULL), 2);
    CHECK_INT(errors, 0);
    /* A single file named with a language. */
    snprintf(spec, sizeof spec, "sigma:%s/a.yml", colon);
    CHECK_INT(load_spec(spec, &errors, NULL), 1);
    /* An unknown language is an error naming the known ones. */
    rdx_diags d;
    rdx_diags_init(&d);
    snprintf(spec, sizeof spec, "kql:%s", colon);
    CHECK_INT(load_spec(spec, &errors, &d), -1);
    CHECK_INT(errors, 1);
    const rdx_diag *g = th_find_diag(&d, "unknown rule language 'kql'");
    CHECK(g != NULL);
    if (g) CHECK(strstr(g->message, "known: sigma") != NULL);
    rdx_diags_free(&d);
    /* The old entry point still walks the same way. */
    rdx_ruleset *rs = rdx_ruleset_new();
    rdx_diags_init(&d);
    CHECK_INT(rdx_sigma_load_path(rs, colon, &d), 2);
    rdx_diags_free(&d);
    rdx_ruleset_free(rs);
    remove_tree(dir);
}

/* ---- the builder ------------------------------------------------------- */

/* sel: Image endswith \evil.exe AND CommandLine =~ /-enc\s+\S+/i AND
 *      EventID == 4688;  filter: User == SYSTEM;  condition sel and not filter */
static rdx_rule *build_rule(rdx_ruleset *rs, rdx_diags *d) {
    rdx_rule *r = rdx_build_rule(rs, "test", "hand.c", 1);
    r->title = "built by hand";
    size_t sel = rdx_build_stage(rs, r, "sel", 2, 1);
    size_t flt = rdx_build_stage(rs, r, "filter", 6, 1);
    rdx_group *g = rdx_build_group(rs, &r->stages[sel]);

    rdx_predicate p = {.field = "Image", .field_written = "process.executable",
                       .op = RDX_OP_ENDSWITH, .line = 3, .column = 5};
    rdx_predicate *q = rdx_build_predicate(rs, g, &p);
    rdx_seg segs[] = {{RDX_SEG_STAR, NULL, 0}, {RDX_SEG_LIT, (const unsigned char *)"\\evil.exe", 9}};
    rdx_pattern pat = {segs, 2};
    rdx_build_pattern(rs, rdx_build_values(rs, q, 1), "\\evil.exe", 9, &pat);

    rdx_predicate re = {.field = "CommandLine", .op = RDX_OP_REGEX, .flags = RDX_PF_RE_I,
                        .line = 4, .column = 5};
    q = rdx_build_predicate(rs, g, &re);
    if (!rdx_build_regex(rs, rdx_build_values(rs, q, 1), "-enc\\s+\\S+", q->flags, "hand.c", 4,
                         18, d))
        return NULL;

    rdx_predicate num = {.field = "EventID", .op = RDX_OP_EQUALS, .line = 5, .column = 5};
    q = rdx_build_predicate(rs, g, &num);
    rdx_build_number(rs, rdx_build_values(rs, q, 1), "4688", 4, 4688);

    rdx_predicate user = {.field = "User", .op = RDX_OP_EQUALS, .line = 7, .column = 5};
    q = rdx_build_predicate(rs, rdx_build_group(rs, &r->stages[flt]), &user);
    rdx_build_pattern(rs, rdx_build_values(rs, q, 1), "SYSTEM", 6, NULL);

    rdx_arena *a = rs->arena;
    r->condition = rdx_build_cond_and(a, rdx_build_cond_stage(a, sel),
                                      rdx_build_cond_not(a, rdx_build_cond_stage(a, flt)));
    return rdx_build_finish(rs, r, d) ? r : NULL;
}

TEST(build_rule_by_hand_evaluates) {
    rdx_ruleset *rs = rdx_ruleset_new();
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_rule *r = build_rule(rs, &d);
    CHECK(r != NULL);
    CHECK_INT(d.errors, 0);
    CHECK_INT(rs->n_rules, 1);
    if (r) {
        const rdx_predicate *img = &r->stages[0].groups[0].preds[0];
        CHECK_STR(img->field_written, "process.executable");
        CHECK_INT(img->field_len, 5);
        CHECK(img->field_hash == rdx_name_hash("Image", 5));
        CHECK_STR(r->stages[1].groups[0].preds[0].field_written, "User");   /* defaults to field */
        static const struct { const char *json; int want; } cases[] = {
            {"{\"Image\":\"C:\\\\t\\\\EVIL.exe\",\"CommandLine\":\"x -ENC  abc\",\"EventID\":4688,"
             "\"User\":\"bob\"}", 1},
            {"{\"Image\":\"C:\\\\t\\\\evil.exe\",\"CommandLine\":\"x -enc abc\",\"EventID\":\"4688\","
             "\"User\":\"bob\"}", 1},
            {"{\"Image\":\"C:\\\\t\\\\evil.exe\",\"CommandLine\":\"x -enc abc\",\"EventID\":4688,"
             "\"User\":\"SYSTEM\"}", 0},   /* filtered */
            {"{\"Image\":\"C:\\\\t\\\\evil.exe\",\"CommandLine\":\"x -e abc\",\"EventID\":4688,"
             "\"User\":\"bob\"}", 0},      /* regex misses */
            {"{\"Image\":\"C:\\\\t\\\\evil.exe\",\"CommandLine\":\"x -enc abc\",\"EventID\":4689,"
             "\"User\":\"bob\"}", 0},      /* number misses */
            {"{\"Image\":\"C:\\\\t\\\\good.exe\",\"CommandLine\":\"x -enc abc\",\"EventID\":4688}", 0},
        };
        for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
            CHECK_INT(th_eval_json(r, cases[i].json), cases[i].want);
    }
    rdx_diags_free(&d);
    rdx_ruleset_free(rs);
}

TEST(build_bad_regex_is_positioned) {
    rdx_ruleset *rs = rdx_ruleset_new();
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_rvalue v = {0};
    CHECK_INT(rdx_build_regex(rs, &v, "a(b", 0, "x.kql", 12, 34, &d), 0);
    CHECK_INT(d.errors, 1);
    if (d.count) {
        CHECK_STR(d.items[0].file, "x.kql");
        CHECK_INT(d.items[0].line, 12);
        CHECK_INT(d.items[0].column, 34);
        CHECK_STR(d.items[0].category, "regex");
        CHECK(strstr(d.items[0].message, "invalid regular expression at offset 3") != NULL);
    }
    CHECK(v.regex == NULL);
    rdx_diags_free(&d);
    rdx_ruleset_free(rs);
}

TEST(build_finish_checks_condition) {
    rdx_ruleset *rs = rdx_ruleset_new();
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_rule *r = rdx_build_rule(rs, "test", "c.txt", 9);
    rdx_build_stage(rs, r, "only", 9, 1);
    r->condition = rdx_build_cond_or(rs->arena, rdx_build_cond_stage(rs->arena, 0),
                                     rdx_build_cond_stage(rs->arena, 1));
    CHECK_INT(rdx_build_finish(rs, r, &d), 0);
    CHECK_INT(rs->n_rules, 0);
    CHECK_INT(d.errors, 1);
    if (d.count) CHECK_INT(d.items[0].line, 9);
    /* A node the evaluator cannot run is refused here, not met at
     * evaluation: a NOT without its operand (eval.c reads kids[0]), a
     * stage leaf with operands. */
    r->condition = rdx_build_cond_new(rs->arena, RDX_COND_NOT);
    CHECK_INT(rdx_build_finish(rs, r, &d), 0);
    CHECK_INT(rdx_cond_well_formed(r->condition, 1), 0);
    rdx_cond *leaf = rdx_build_cond_stage(rs->arena, 0);
    rdx_build_cond_add(rs->arena, leaf, rdx_build_cond_stage(rs->arena, 0));
    CHECK_INT(rdx_cond_well_formed(leaf, 1), 0);
    CHECK_INT(rdx_cond_well_formed(NULL, 1), 0);
    CHECK_INT(rdx_cond_well_formed(rdx_build_cond_not(rs->arena, leaf->kids[0]), 1), 1);
    CHECK_INT(rs->n_rules, 0);
    CHECK_INT(d.errors, 2);
    size_t one = 0;
    r->condition = rdx_build_cond_of(rs->arena, 1, "them", &one, 1);
    CHECK_INT(rdx_build_finish(rs, r, &d), 1);
    CHECK_INT(rs->n_rules, 1);
    rdx_diags_free(&d);
    rdx_ruleset_free(rs);
}

/* The rule set owns its placeholder table: nothing to free by hand (the
 * sanitizer build's leak check sees a leak if it did not). */
TEST(ruleset_owns_placeholders) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = rdx_ruleset_new();
    const char *ph = "Admins: ['root', 'adm*']\n";
    rs->placeholders = rdx_placeholders_parse("ph.yml", ph, strlen(ph), &d);
    CHECK(rs->placeholders != NULL);
    const char *rule = "title: t\nlogsource:\n    product: x\n"
                       "detection:\n    s:\n        User|expand: '%Admins%'\n    condition: s\n";
    rdx_sigma_load_buffer(rs, "r.yml", rule, strlen(rule), &d);
    CHECK_INT(rs->n_rules, 1);
    if (rs->n_rules) CHECK_INT(th_eval_json(rs->rules[0], "{\"User\":\"admin\"}"), 1);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}

/* A KQL-like rule: `SecurityEvent | where CommandLine has "mimikatz" | join
 * (...)`.  The join is kept as an opaque stage with its text; the rule is
 * then not runnable — never a weaker rule that fires without the join. */
TEST(build_opaque_stage_and_native_selector) {
    rdx_ruleset *rs = rdx_ruleset_new();
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_rule *r = rdx_build_rule(rs, "kql", "hunt.kql", 1);
    static const char *const tables[] = {"SecurityEvent"};
    rdx_build_native(rs, r, RDX_NATIVE_KQL_TABLE, tables, 1);
    size_t w = rdx_build_stage(rs, r, "where_1", 1, 17);
    rdx_predicate p = {.field = "CommandLine", .op = RDX_OP_TERM, .line = 1, .column = 23};
    rdx_predicate *q = rdx_build_predicate(rs, rdx_build_group(rs, &r->stages[w]), &p);
    rdx_build_pattern(rs, rdx_build_values(rs, q, 1), "mimikatz", 8, NULL);
    const char *join = "join kind=inner (DeviceLogonEvents) on DeviceId";
    size_t j = rdx_build_opaque_stage(rs, r, "join_2", join, strlen(join), "kql",
                                      "joins are not supported", 1, 60);
    rdx_arena *a = rs->arena;
    r->condition = rdx_build_cond_and(a, rdx_build_cond_stage(a, w), rdx_build_cond_stage(a, j));
    CHECK(rdx_build_finish(rs, r, &d));
    CHECK_INT(r->status_load, RDX_RULE_NOT_RUNNABLE);
    CHECK_STR(rdx_rule_opaque_reason(r), "joins are not supported");
    CHECK_STR(r->stages[j].opaque->text, join);
    CHECK_STR(r->stages[j].opaque->lang, "kql");
    CHECK_INT(r->stages[j].n_groups, 0);
    CHECK_INT(r->native.kind, RDX_NATIVE_KQL_TABLE);
    CHECK_STR(r->native.values.items[0], "SecurityEvent");
    CHECK_INT(th_eval_json(r, "{\"CommandLine\":\"run mimikatz now\"}"), 0);
    /* The same rule without the join runs: the term stage alone decides. */
    r->condition = rdx_build_cond_stage(a, w);
    r->status_load = RDX_RULE_OK;
    CHECK_INT(th_eval_json(r, "{\"CommandLine\":\"run mimikatz now\"}"), 1);
    CHECK_INT(th_eval_json(r, "{\"CommandLine\":\"run mimikatzz now\"}"), 0);
    rdx_diags_free(&d);
    rdx_ruleset_free(rs);
}
