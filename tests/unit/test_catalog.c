/*
 * test_catalog.c — the catalog model on small rules written here: which
 * indicators a rule has and how they are counted, tags and their flags,
 * ATT&CK coverage rows, polarity, event coverage, slugs and lookups, and
 * that every renderer's output is well formed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "render/render_internal.h"
#include "ruledex/catalog.h"
#include "ruledex/ruledex.h"
#include "sigma_helpers.h"

static const char rule_a[] =
    "title: Rule A <with> \"markup\"\n"
    "id: 11111111-1111-1111-1111-111111111111\n"
    "status: test\n"
    "level: high\n"
    "tags: [attack.execution, attack.stealth, attack.t1218]\n"
    "logsource: {product: windows, category: process_creation}\n"
    "detection:\n"
    "  sel:\n"
    "    Image|endswith: ['\\cmd.exe', '\\PWSH.exe']\n"
    "    CommandLine|base64offset|contains: 'IEX'\n"
    "    CommandLine|contains|windash: ' -enc '\n"
    "  kw:\n"
    "    - 'mimikatz'\n"
    "  filter:\n"
    "    Image|endswith: '\\cmd.exe'\n"
    "    User|cased: 'SYSTEM'\n"
    "    Port|lt: 1024\n"
    "    Hash|exists: true\n"
    "    Other|fieldref: Image\n"
    "    Empty: null\n"
    "    Ip|cidr: 10.0.0.0/8\n"
    "    Rx|re|i: 'a.*b'\n"
    "    Both|contains|all: ['x', 'y']\n"
    "  condition: (sel or kw) and not filter\n";

static const char rule_b[] =
    "title: Rule B\n"
    "id: not a safe id!\n"
    "tags: [attack.t9999, attack.t1043, attack.t1086, attack.g0001, attack.s0002,\n"
    "       attack.ds0005, cve.2021-44228, attack.t1218.011]\n"
    "logsource: {product: nosuchproduct}\n"
    "detection:\n"
    "  sel:\n"
    "    image|endswith: '\\CMD.EXE'\n"
    "    User: 'system'\n"
    "    CommandLine|contains: 'IEX'\n"
    "  condition: sel\n";

static const char bundle[] =
    "{\"type\":\"bundle\",\"objects\":["
    "{\"type\":\"x-mitre-matrix\",\"id\":\"m\",\"tactic_refs\":[\"t-ex\",\"t-de\"]},"
    "{\"type\":\"x-mitre-tactic\",\"id\":\"t-de\",\"name\":\"Defense Evasion\",\"x_mitre_shortname\":\"defense-evasion\","
    " \"external_references\":[{\"source_name\":\"mitre-attack\",\"external_id\":\"TA0005\"}]},"
    "{\"type\":\"x-mitre-tactic\",\"id\":\"t-ex\",\"name\":\"Execution\",\"x_mitre_shortname\":\"execution\","
    " \"external_references\":[{\"source_name\":\"mitre-attack\",\"external_id\":\"TA0002\"}]},"
    "{\"type\":\"attack-pattern\",\"id\":\"p1\",\"name\":\"System Binary Proxy Execution\","
    " \"kill_chain_phases\":[{\"kill_chain_name\":\"mitre-attack\",\"phase_name\":\"defense-evasion\"}],"
    " \"external_references\":[{\"source_name\":\"mitre-attack\",\"external_id\":\"T1218\"}]},"
    "{\"type\":\"attack-pattern\",\"id\":\"p2\",\"name\":\"Rundll32\",\"x_mitre_is_subtechnique\":true,"
    " \"kill_chain_phases\":[{\"kill_chain_name\":\"mitre-attack\",\"phase_name\":\"defense-evasion\"}],"
    " \"external_references\":[{\"source_name\":\"mitre-attack\",\"external_id\":\"T1218.011\"}]},"
    "{\"type\":\"attack-pattern\",\"id\":\"p3\",\"name\":\"PowerShell\",\"revoked\":true,"
    " \"kill_chain_phases\":[{\"kill_chain_name\":\"mitre-attack\",\"phase_name\":\"execution\"}],"
    " \"external_references\":[{\"source_name\":\"mitre-attack\",\"external_id\":\"T1086\"}]},"
    "{\"type\":\"attack-pattern\",\"id\":\"p4\",\"name\":\"PowerShell\",\"x_mitre_is_subtechnique\":true,"
    " \"kill_chain_phases\":[{\"kill_chain_name\":\"mitre-attack\",\"phase_name\":\"execution\"}],"
    " \"external_references\":[{\"source_name\":\"mitre-attack\",\"external_id\":\"T1059.001\"}]},"
    "{\"type\":\"attack-pattern\",\"id\":\"p5\",\"name\":\"Commonly Used Port\",\"x_mitre_deprecated\":true,"
    " \"external_references\":[{\"source_name\":\"mitre-attack\",\"external_id\":\"T1043\"}]},"
    "{\"type\":\"relationship\",\"id\":\"r\",\"relationship_type\":\"revoked-by\",\"source_ref\":\"p3\",\"target_ref\":\"p4\"},"
    "{\"type\":\"intrusion-set\",\"id\":\"g\",\"name\":\"Axiom\","
    " \"external_references\":[{\"source_name\":\"mitre-attack\",\"external_id\":\"G0001\"}]},"
    "{\"type\":\"tool\",\"id\":\"s\",\"name\":\"Mimikatz\","
    " \"external_references\":[{\"source_name\":\"mitre-attack\",\"external_id\":\"S0002\"}]}"
    "]}";

typedef struct fixture {
    rdx_ruleset *rs;
    rdx_attack *attack;
    rdx_logsources *ls;
    rdx_catalog *cat;
    const rdx_crule *a, *b;
} fixture;

static void setup(fixture *f, int with_attack) {
    memset(f, 0, sizeof *f);
    rdx_diags d;
    rdx_diags_init(&d);
    f->rs = rdx_ruleset_new();
    rdx_sigma_load_buffer(f->rs, "rules/a.yml", rule_a, sizeof rule_a - 1, &d);
    rdx_sigma_load_buffer(f->rs, "rules/b.yml", rule_b, sizeof rule_b - 1, &d);
    CHECK_INT(f->rs->n_rules, 2);
    if (with_attack) f->attack = rdx_attack_parse("bundle.json", bundle, sizeof bundle - 1, &d);
    f->ls = rdx_logsources_load("data/logsources.yml", &d);
    CHECK_INT(d.errors, 0);
    rdx_diags_free(&d);
    f->cat = rdx_catalog_new(f->attack, f->ls);
    size_t src = rdx_catalog_add_source(f->cat, "sigma", "rules/");
    CHECK_INT(rdx_catalog_add_source(f->cat, "sigma", NULL), src);
    for (size_t i = 0; i < f->rs->n_rules; i++) rdx_catalog_add_rule(f->cat, src, f->rs->rules[i]);
    rdx_catalog_finish(f->cat);
    const rdx_crule *const *rules;
    if (rdx_catalog_rules(f->cat, &rules) == 2) {
        f->a = rules[0];
        f->b = rules[1];
    }
}

static void teardown(fixture *f) {
    rdx_catalog_free(f->cat);
    rdx_ruleset_free(f->rs);
    rdx_attack_free(f->attack);
    rdx_logsources_free(f->ls);
}

/* The rule's indicator with this field, kind and value (and mods), or NULL. */
static const rdx_rule_ind *find_ind(const rdx_crule *r, const char *field, rdx_ind_kind kind,
                                    const char *value, const char *mods) {
    for (size_t i = 0; r && i < r->n_inds; i++) {
        const rdx_rule_ind *x = &r->inds[i];
        if (x->ind->kind != kind || strlen(value) != x->value_len || memcmp(x->value, value, x->value_len))
            continue;
        if ((field == NULL) != (x->field == NULL) || (field && strcmp(field, x->field))) continue;
        if ((mods == NULL) != (x->ind->mods == NULL) || (mods && strcmp(mods, x->ind->mods))) continue;
        return x;
    }
    return NULL;
}

TEST(catalog_indicator_kinds_and_modifiers) {
    fixture f;
    setup(&f, 1);
    const rdx_crule *a = f.a;
    CHECK(a != NULL);
    CHECK(find_ind(a, "Image", RDX_IND_ENDS_WITH, "\\cmd.exe", NULL) != NULL);
    CHECK(find_ind(a, "CommandLine", RDX_IND_MATCH, "IEX", "base64offset") != NULL);
    CHECK(find_ind(a, "CommandLine", RDX_IND_MATCH, " -enc ", "windash") != NULL);
    CHECK(find_ind(a, NULL, RDX_IND_KEYWORD, "mimikatz", NULL) != NULL);
    CHECK(find_ind(a, "User", RDX_IND_EQUALS, "SYSTEM", "cased") != NULL);
    CHECK(find_ind(a, "Port", RDX_IND_LT, "1024", NULL) != NULL);
    CHECK(find_ind(a, "Hash", RDX_IND_EXISTS, "true", NULL) != NULL);
    CHECK(find_ind(a, "Other", RDX_IND_FIELDREF, "Image", NULL) != NULL);
    CHECK(find_ind(a, "Empty", RDX_IND_EQUALS, "null", NULL) != NULL);
    CHECK(find_ind(a, "Ip", RDX_IND_CIDR, "10.0.0.0/8", NULL) != NULL);
    CHECK(find_ind(a, "Rx", RDX_IND_REGEX, "a.*b", "i") != NULL);
    /* |all is the stage's structure, not part of the value */
    CHECK(find_ind(a, "Both", RDX_IND_MATCH, "x", NULL) != NULL);
    CHECK(find_ind(a, "Both", RDX_IND_MATCH, "y", NULL) != NULL);
    /* \cmd.exe is written twice in A (selection and filter): one indicator */
    CHECK_INT(a ? a->n_inds : 0, 14);
    CHECK_STR(rdx_ind_kind_name(RDX_IND_STARTS_WITH), "starts_with");
    CHECK_STR(rdx_ind_kind_name(RDX_IND_MATCH), "match");
    teardown(&f);
}

TEST(catalog_indicator_counts) {
    fixture f;
    setup(&f, 1);
    /* B's image|endswith '\CMD.EXE' is A's Image|endswith '\cmd.exe' */
    const rdx_rule_ind *x = find_ind(f.a, "Image", RDX_IND_ENDS_WITH, "\\cmd.exe", NULL);
    CHECK(x && x->ind->n_rules == 2 && x->ind->by_source[0] == 2);
    CHECK(x && x->ind->rules[0] == f.a && x->ind->rules[1] == f.b);
    const rdx_rule_ind *y = find_ind(f.b, "image", RDX_IND_ENDS_WITH, "\\CMD.EXE", NULL);
    CHECK(x && y && x->ind == y->ind);
    /* cased SYSTEM is not case-folded, so B's uncased 'system' differs */
    x = find_ind(f.a, "User", RDX_IND_EQUALS, "SYSTEM", "cased");
    CHECK(x && x->ind->n_rules == 1);
    /* an encoding changes what is searched for: base64offset IEX is not IEX */
    x = find_ind(f.a, "CommandLine", RDX_IND_MATCH, "IEX", "base64offset");
    y = find_ind(f.b, "CommandLine", RDX_IND_MATCH, "IEX", NULL);
    CHECK(x && y && x->ind != y->ind && x->ind->n_rules == 1 && y->ind->n_rules == 1);
    /* lookups normalise the same way */
    const rdx_indicator *ind = rdx_catalog_indicator(f.cat, "IMAGE", RDX_IND_ENDS_WITH, NULL, "\\Cmd.Exe");
    CHECK(ind && ind->n_rules == 2);
    CHECK(rdx_catalog_indicator(f.cat, "User", RDX_IND_EQUALS, "cased", "system") == NULL);
    CHECK(rdx_catalog_indicator(f.cat, "User", RDX_IND_EQUALS, "cased", "SYSTEM") != NULL);
    CHECK(rdx_catalog_indicator(f.cat, "ignored", RDX_IND_KEYWORD, NULL, "MIMIKATZ") != NULL);
    /* slugs: 16 hex digits, distinct */
    const rdx_indicator *const *all;
    size_t n = rdx_catalog_indicators(f.cat, &all);
    CHECK_INT(n, 16);
    int ok = 1;
    for (size_t i = 0; i < n; i++) {
        ok &= strlen(all[i]->slug) == 16 && strspn(all[i]->slug, "0123456789abcdef") == 16;
        for (size_t k = 0; k < i; k++) ok &= strcmp(all[i]->slug, all[k]->slug) != 0;
    }
    CHECK(ok);
    /* the corpus phrase: blank for one rule */
    rdx_strbuf b = RDX_STRBUF_INIT;
    CHECK(!rdx_put_corpus(&b, f.cat, y->ind));
    CHECK(rdx_put_corpus(&b, f.cat, ind));
    CHECK_STR(b.data, "corpus 2 (sigma 2)");
    rdx_strbuf_free(&b);
    teardown(&f);
}

TEST(catalog_indicator_order_and_polarity) {
    fixture f;
    setup(&f, 1);
    const rdx_crule *a = f.a;
    /* by field (keywords last), then kind name, then value */
    static const char *const fields[] = {"Both", "Both", "CommandLine", "CommandLine", "Empty", "Hash",
                                         "Image", "Image", "Ip", "Other", "Port", "Rx", "User", NULL};
    for (size_t i = 0; a && i < sizeof fields / sizeof *fields - 1; i++)
        CHECK_STR(a->inds[i].field, fields[i]);
    CHECK(a && a->inds[a->n_inds - 1].field == NULL);
    /* the stages: sel and kw select, filter excludes */
    CHECK(a && a->stage_polarity[0] == RDX_POL_POSITIVE && a->stage_polarity[1] == RDX_POL_POSITIVE &&
          a->stage_polarity[2] == RDX_POL_NEGATED);
    const rdx_rule_ind *x = find_ind(a, "Image", RDX_IND_ENDS_WITH, "\\cmd.exe", NULL);
    CHECK(x && x->polarity == (RDX_POL_POSITIVE | RDX_POL_NEGATED));
    x = find_ind(a, "Port", RDX_IND_LT, "1024", NULL);
    CHECK(x && x->polarity == RDX_POL_NEGATED);
    CHECK_STR(rdx_polarity_name(RDX_POL_NEGATED), "negated");
    teardown(&f);
}

static const rdx_tag_ref *tag(const rdx_crule *r, const char *t) {
    for (size_t i = 0; r && i < r->n_tags; i++)
        if (!strcmp(r->tags[i].tag, t)) return &r->tags[i];
    return NULL;
}

TEST(catalog_tags_resolved_and_flagged) {
    fixture f;
    setup(&f, 1);
    const rdx_tag_ref *t = tag(f.b, "attack.t9999");
    CHECK(t && t->is_attack && t->status == RDX_TAG_UNKNOWN && !strcmp(t->id, "T9999"));
    t = tag(f.b, "attack.t1043");
    CHECK(t && t->status == RDX_TAG_DEPRECATED && !strcmp(t->name, "Commonly Used Port"));
    t = tag(f.b, "attack.t1086");
    CHECK(t && t->status == RDX_TAG_REVOKED && t->obj && t->obj->revoked_by &&
          !strcmp(t->obj->revoked_by->id, "T1059.001"));
    t = tag(f.b, "attack.g0001");
    CHECK(t && t->kind == RDX_ATTACK_GROUP && t->status == RDX_TAG_OK && !strcmp(t->name, "Axiom"));
    t = tag(f.b, "attack.s0002");
    CHECK(t && t->kind == RDX_ATTACK_SOFTWARE && !strcmp(t->name, "Mimikatz"));
    t = tag(f.b, "attack.ds0005");
    CHECK(t && !t->is_attack && t->status == RDX_TAG_UNKNOWN && !strcmp(t->id, "DS0005"));
    t = tag(f.b, "cve.2021-44228");
    CHECK(t && t->status == RDX_TAG_OTHER && !t->id);
    t = tag(f.a, "attack.stealth");
    CHECK(t && t->status == RDX_TAG_RENAMED && !strcmp(t->id, "TA0005"));
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_put_tag_flag(&b, tag(f.b, "attack.t1086"));
    CHECK_STR(b.data, "revoked, replaced by T1059.001");
    rdx_strbuf_free(&b);
    teardown(&f);
}

TEST(catalog_attack_rows) {
    fixture f;
    setup(&f, 1);
    const rdx_crule *a = f.a, *b = f.b;
    /* A: Execution (named by a tag, no technique of A is in it), then
     * Defense Evasion holding T1218 — named by attack.stealth too */
    CHECK(a && a->n_tactics == 2);
    if (a && a->n_tactics == 2) {
        CHECK_STR(a->tactics[0].name, "Execution");
        CHECK_INT(a->tactics[0].n_techniques, 0);
        CHECK_STR(a->tactics[0].tag, "attack.execution");
        CHECK_STR(a->tactics[1].name, "Defense Evasion");
        CHECK_STR(a->tactics[1].tag, "attack.stealth");
        CHECK(a->tactics[1].n_techniques == 1 && !strcmp(a->tactics[1].techniques[0]->id, "T1218"));
    }
    /* B: the revoked T1086 keeps its own tactic; T1218.011 under Defense
     * Evasion; unknown and tactic-less techniques in the last row */
    CHECK(b && b->n_tactics == 3);
    if (b && b->n_tactics == 3) {
        CHECK_STR(b->tactics[0].name, "Execution");
        CHECK_STR(b->tactics[0].techniques[0]->id, "T1086");
        CHECK_STR(b->tactics[1].techniques[0]->id, "T1218.011");
        CHECK(b->tactics[2].tactic == NULL && b->tactics[2].n_techniques == 2);
        CHECK_STR(b->tactics[2].techniques[0]->id, "T1043");
        CHECK_STR(b->tactics[2].techniques[1]->id, "T9999");
    }
    /* reverse map: T1218 is covered by A directly and by B via T1218.011 */
    const rdx_cover *cv = rdx_catalog_technique(f.cat, "t1218");
    CHECK(cv && cv->n_rules == 2 && cv->n_direct == 1 && cv->obj);
    cv = rdx_catalog_technique(f.cat, "T1218.011");
    CHECK(cv && cv->n_rules == 1 && cv->n_direct == 1);
    const rdx_cover *tc;
    size_t n = rdx_catalog_tactic_cover(f.cat, &tc);
    CHECK(n == 2 && !strcmp(tc[0].id, "TA0002") && tc[0].n_rules == 2 && tc[1].n_rules == 2);
    teardown(&f);
}

TEST(catalog_without_attack_data) {
    fixture f;
    setup(&f, 0);
    const rdx_tag_ref *t = tag(f.a, "attack.t1218");
    CHECK(t && t->status == RDX_TAG_UNCHECKED && !t->obj && !strcmp(t->id, "T1218"));
    t = tag(f.a, "attack.stealth");
    CHECK(t && t->status == RDX_TAG_UNCHECKED && !strcmp(t->name, "Stealth"));
    /* rows: the tagged tactics by name, the technique in the unknown row */
    CHECK(f.a && f.a->n_tactics == 3);
    if (f.a && f.a->n_tactics == 3) {
        CHECK_STR(f.a->tactics[0].name, "Execution");
        CHECK_STR(f.a->tactics[1].name, "Stealth");
        CHECK(!f.a->tactics[2].tactic && f.a->tactics[2].n_techniques == 1);
    }
    const rdx_cover *cv = rdx_catalog_technique(f.cat, "T1218");
    CHECK(cv && !cv->obj && cv->n_rules == 2);
    teardown(&f);
}

TEST(catalog_events_from_logsource_table) {
    fixture f;
    setup(&f, 1);
    const rdx_crule *a = f.a;
    CHECK(a && a->logsource_known && a->n_events == 2);
    if (a && a->n_events == 2) {
        CHECK_STR(rdx_event_provider_short(&a->events[0]), "Sysmon");
        CHECK_INT(a->events[0].event_id, 1);
        CHECK_STR(a->events[0].title, "Process creation");
        CHECK_STR(rdx_event_provider_short(&a->events[1]), "Security-Auditing");
        CHECK_INT(a->events[1].event_id, 4688);
        CHECK_STR(a->events[1].title, "A new process has been created.");
    }
    CHECK(f.b && !f.b->logsource_known && f.b->n_events == 0);
    const rdx_cover *ev;
    size_t n = rdx_catalog_events(f.cat, &ev);
    CHECK(n == 2 && !strcmp(ev[0].id, "Security-Auditing-4688") && ev[0].n_rules == 1);
    teardown(&f);
}

TEST(catalog_slugs_and_lookup) {
    fixture f;
    setup(&f, 1);
    CHECK_STR(f.a->slug, "11111111-1111-1111-1111-111111111111");
    CHECK_STR(f.b->slug, "b");       /* the id is not file-name safe */
    CHECK(rdx_catalog_find(f.cat, "11111111-1111-1111-1111-111111111111") == f.a);
    CHECK(rdx_catalog_find(f.cat, "NOT A SAFE ID!") == f.b);
    CHECK(rdx_catalog_find(f.cat, "b") == f.b);
    CHECK(rdx_catalog_find(f.cat, "nothing") == NULL);
    char name[8];
    const char *path;
    rdx_catalog_parse_source("kusto:some/dir", "sigma", name, sizeof name, &path);
    CHECK_STR(name, "kusto");
    CHECK_STR(path, "some/dir");
    rdx_catalog_parse_source("some/dir", "sigma", name, sizeof name, &path);
    CHECK_STR(name, "sigma");
    CHECK_STR(path, "some/dir");
    rdx_catalog_parse_source("averyverylongname:x", "sigma", name, sizeof name, &path);
    CHECK_STR(name, "averyve");
    CHECK_STR(path, "x");
    teardown(&f);
}

TEST(catalog_stage_lines) {
    fixture f;
    setup(&f, 1);
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_stage_lines(&b, &f.a->rule->stages[0], "");
    CHECK_STR(b.data, "and:\n"
                      "    or:\n"
                      "        Image|endswith: '\\cmd.exe'\n"
                      "        Image|endswith: '\\PWSH.exe'\n"
                      "    CommandLine|base64offset|contains: 'IEX'\n"
                      "    CommandLine|contains|windash: ' -enc '\n");
    rdx_strbuf_clear(&b);
    rdx_stage_lines(&b, &f.a->rule->stages[1], "> ");
    CHECK_STR(b.data, "> 'mimikatz'\n");
    rdx_strbuf_clear(&b);
    rdx_stage_lines(&b, &f.a->rule->stages[2], "");
    CHECK(strstr(b.data, "    Port|lt: 1024\n") && strstr(b.data, "    Empty: null\n") &&
          strstr(b.data, "    and:\n        Both|contains: 'x'\n        Both|contains: 'y'\n"));
    rdx_strbuf_free(&b);
    teardown(&f);
}

/* Every format renders, and the JSON ones parse. */
TEST(catalog_renderers_well_formed) {
    fixture f;
    setup(&f, 1);
    rdx_arena *ar = rdx_arena_new(0);
    rdx_strbuf b = RDX_STRBUF_INIT;
    for (int k = 0; k < 2; k++) {
        const rdx_crule *r = k ? f.b : f.a;
        rdx_strbuf_clear(&b);
        rdx_render_rule(&b, f.cat, r, RDX_PAGE_JSON, NULL);
        rdx_json_error err;
        rdx_value *v = rdx_json_parse(ar, b.data, b.len, &err);
        CHECK(v && v->type == RDX_OBJECT);
        CHECK(v && rdx_object_get(v, "indicators") && rdx_object_get(v, "attack"));
        rdx_strbuf_clear(&b);
        rdx_render_rule(&b, f.cat, r, RDX_PAGE_HTML, NULL);
        CHECK(strstr(b.data, "<!doctype html>") && strstr(b.data, "</html>\n"));
        /* the title is escaped */
        CHECK(k || strstr(b.data, "<h1>Rule A &lt;with&gt; &quot;markup&quot;</h1>"));
        rdx_strbuf_clear(&b);
        rdx_render_rule(&b, f.cat, r, RDX_PAGE_TEXT, NULL);
        CHECK(strstr(b.data, "MITRE ATT&CK coverage\n") && strstr(b.data, "Stages and Predicates\n"));
        rdx_strbuf_clear(&b);
        rdx_render_rule(&b, f.cat, r, RDX_PAGE_MARKDOWN, NULL);
        CHECK(strstr(b.data, "## Indicators\n") && strstr(b.data, "| Field | Kind | Value | Corpus |\n"));
    }
    rdx_strbuf_clear(&b);
    rdx_render_catalog_json(&b, f.cat);
    rdx_json_error err;
    rdx_value *v = rdx_json_parse(ar, b.data, b.len, &err);
    CHECK(v && v->type == RDX_OBJECT);
    const rdx_value *rules = v ? rdx_object_get(v, "rules") : NULL;
    CHECK(rules && rules->type == RDX_ARRAY && rules->u.array.count == 2);
    rdx_strbuf_clear(&b);
    rdx_render_navigator(&b, f.cat, "test");
    v = rdx_json_parse(ar, b.data, b.len, &err);
    const rdx_value *vers = v ? rdx_object_get(v, "versions") : NULL;
    CHECK(vers && rdx_object_get(vers, "layer") && !strcmp(rdx_object_get(vers, "layer")->u.str.ptr, "4.5"));
    const rdx_value *techs = v ? rdx_object_get(v, "techniques") : NULL;
    CHECK(techs && techs->type == RDX_ARRAY && techs->u.array.count == 5);
    rdx_strbuf_free(&b);
    rdx_arena_free(ar);
    teardown(&f);
}

static int count_files(void *ctx, const char *path, const char *data, size_t len) {
    size_t *n = ctx;
    (*n)++;
    (void)path;
    return data && len ? 0 : -1;
}

TEST(catalog_site_parts_cover_every_page) {
    fixture f;
    setup(&f, 1);
    size_t one = 0, split = 0;
    CHECK_INT(rdx_render_site(f.cat, count_files, &one, 0, 1), 0);
    for (size_t k = 0; k < 3; k++) CHECK_INT(rdx_render_site(f.cat, count_files, &split, k, 3), 0);
    /* 6 shared files + 2 rules + 16 indicators + 5 techniques + 2 tactics + 2 events */
    CHECK_INT(one, 33);
    CHECK_INT(split, one);
    teardown(&f);
}

/* Two sources: rule A (tags T1218) from "sigma", rule B (tags T1218.011,
 * which covers T1218 too) from "splunk".  The matrix cell says how many
 * rules of each cover T1218 and outlines it as covered by both; the site
 * writes a Navigator layer per source, scored by that source's rules, and
 * one of the overlap, scored by sources. */
typedef struct site_files {
    size_t n;
    char *attack, *layer_sigma, *layer_splunk, *overlap;
} site_files;

static int keep_files(void *ctx, const char *path, const char *data, size_t len) {
    site_files *f = ctx;
    f->n++;
    char **want = !strcmp(path, "attack.html") ? &f->attack
                : !strcmp(path, "navigator-layer-source-sigma.json") ? &f->layer_sigma
                : !strcmp(path, "navigator-layer-source-splunk.json") ? &f->layer_splunk
                : !strcmp(path, "navigator-layer-overlap.json") ? &f->overlap : NULL;
    if (want) *want = strndup(data, len);
    return 0;
}

TEST(catalog_sources_in_matrix_and_layers) {
    fixture f;
    setup(&f, 1);
    rdx_catalog *cat = rdx_catalog_new(f.attack, f.ls);
    rdx_catalog_add_rule(cat, rdx_catalog_add_source(cat, "sigma", "rules/"), f.rs->rules[0]);
    rdx_catalog_add_rule(cat, rdx_catalog_add_source(cat, "splunk", "detections/"), f.rs->rules[1]);
    rdx_catalog_finish(cat);
    site_files got = {0};
    CHECK_INT(rdx_render_site(cat, keep_files, &got, 0, 1), 0);
    CHECK_INT(got.n, 33 + 3);   /* the single-source site's files and three layers */
    CHECK(got.attack && strstr(got.attack, "<li class=\"s2 ov\" data-by=\"1,1\" title=\"T1218: 2 rules "
                                           "(sigma 1, splunk 1)\">"));
    CHECK(got.attack && strstr(got.attack, "<select id=\"m-source\">"));
    CHECK(got.layer_sigma && strstr(got.layer_sigma, "\"techniqueID\": \"T1218\",\n      \"score\": 1,\n"
                                                     "      \"comment\": \"1 rules (1 tag it directly)\""));
    CHECK(got.layer_splunk && strstr(got.layer_splunk, "\"comment\": \"1 rules (0 tag it directly)\""));
    CHECK(got.overlap && strstr(got.overlap, "\"techniqueID\": \"T1218\",\n      \"score\": 2,\n"
                                             "      \"comment\": \"2 sources: sigma 1, splunk 1\""));
    CHECK(got.overlap && !strstr(got.overlap, "T1218.011"));   /* one source only */
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_render_navigator(&b, cat, NULL);
    CHECK(b.data && strstr(b.data, "\"comment\": \"2 rules (1 tag it directly): sigma 1, splunk 1\""));
    rdx_strbuf_free(&b);
    free(got.attack);
    free(got.layer_sigma);
    free(got.layer_splunk);
    free(got.overlap);
    rdx_catalog_free(cat);
    teardown(&f);
}

TEST(catalog_html_escaping) {
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_html_escs(&b, "<a href='x'>&\"\x01\xff</a>");
    CHECK_STR(b.data, "&lt;a href=&#39;x&#39;&gt;&amp;&quot;\\x01\\xff&lt;/a&gt;");
    rdx_strbuf_clear(&b);
    rdx_put_yaml_quoted(&b, "it's", 4);
    CHECK_STR(b.data, "'it''s'");
    rdx_strbuf_clear(&b);
    rdx_put_yaml_quoted(&b, "a\nb", 3);
    CHECK_STR(b.data, "\"a\\nb\"");
    rdx_strbuf_clear(&b);
    rdx_put_display(&b, "", 0);
    CHECK_STR(b.data, "''");
    rdx_strbuf_free(&b);
}
