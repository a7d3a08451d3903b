/* test_sigma.c — loading Sigma documents into the intermediate form. */
#include "harness.h"
#include "sigma_helpers.h"

static const char *FULL_RULE =
    "title: Every Field\n"
    "id: 11111111-2222-4333-8444-555555555555\n"
    "name: every_field\n"
    "related:\n"
    "    - id: 66666666-7777-4888-9999-000000000000\n"
    "      type: derived\n"
    "taxonomy: sigma\n"
    "status: test\n"
    "description: All the fields the spec names\n"
    "license: DRL-1.1\n"
    "references:\n"
    "    - https://example.org/a\n"
    "    - https://example.org/b\n"
    "author: Alice, Bob\n"
    "date: 2024-01-02\n"
    "modified: 2024-03-04\n"
    "logsource:\n"
    "    category: process_creation\n"
    "    product: windows\n"
    "    service: sysmon\n"
    "    definition: Sysmon with process creation logging\n"
    "detection:\n"
    "    selection:\n"
    "        Image|endswith: '\\cmd.exe'\n"
    "        CommandLine|contains|all:\n"
    "            - '/c'\n"
    "            - 'whoami'\n"
    "    filter_list:\n"
    "        - User: 'SYSTEM'\n"
    "        - User|startswith: 'svc_'\n"
    "    keywords:\n"
    "        - 'evil'\n"
    "        - 'bad'\n"
    "    condition: selection and not 1 of filter_* or keywords\n"
    "fields:\n"
    "    - CommandLine\n"
    "falsepositives:\n"
    "    - Admins\n"
    "level: high\n"
    "tags:\n"
    "    - attack.execution\n"
    "    - attack.t1059\n"
    "scope:\n"
    "    - server\n"
    "custom_field: kept\n";

TEST(sigma_loads_every_rule_field) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_text(FULL_RULE, &d);
    CHECK_INT(d.errors, 0);
    CHECK_INT(d.warnings, 0);
    CHECK_INT(rs->n_rules, 1);
    if (rs->n_rules != 1) goto out;
    const rdx_rule *r = rs->rules[0];
    CHECK_STR(r->title, "Every Field");
    CHECK_STR(r->id, "11111111-2222-4333-8444-555555555555");
    CHECK_STR(r->name, "every_field");
    CHECK_INT(r->n_related, 1);
    CHECK_STR(r->related[0].type, "derived");
    CHECK_STR(r->taxonomy, "sigma");
    CHECK_STR(r->status, "test");
    CHECK_STR(r->license, "DRL-1.1");
    CHECK_INT(r->references.count, 2);
    CHECK_STR(r->author, "Alice, Bob");
    CHECK_STR(r->date, "2024-01-02");
    CHECK_STR(r->modified, "2024-03-04");
    CHECK_STR(r->logsource.category, "process_creation");
    CHECK_STR(r->logsource.service, "sysmon");
    CHECK_STR(r->logsource.definition, "Sysmon with process creation logging");
    CHECK_INT(r->fields.count, 1);
    CHECK_INT(r->falsepositives.count, 1);
    CHECK_INT(r->level, RDX_LEVEL_HIGH);
    CHECK_INT(r->tags.count, 2);
    CHECK_STR(r->scope.items[0], "server");
    /* Unknown fields are kept in the document tree. */
    const rdx_value *custom = rdx_object_get(r->document, "custom_field");
    CHECK(custom && custom->type == RDX_STRING);
    CHECK_STR(r->conditions.items[0], "selection and not 1 of filter_* or keywords");
    CHECK(r->body && strstr(r->body, "custom_field: kept"));
out:
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}

TEST(sigma_stages_and_predicates_follow_the_yaml_shape) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_text(FULL_RULE, &d);
    if (rs->n_rules != 1) { CHECK(0); goto out; }
    const rdx_rule *r = rs->rules[0];
    CHECK_INT(r->n_stages, 3);
    /* selection: one AND group of two predicates */
    CHECK_STR(r->stages[0].name, "selection");
    CHECK_INT(r->stages[0].n_groups, 1);
    CHECK_INT(r->stages[0].groups[0].n_preds, 2);
    const rdx_predicate *p = &r->stages[0].groups[0].preds[0];
    CHECK_STR(p->field, "Image");
    CHECK_INT(p->op, RDX_OP_ENDSWITH);
    CHECK_INT(p->n_modifiers, 1);
    CHECK_STR(p->modifiers[0], "endswith");
    CHECK_STR(p->values[0].text, "\\cmd.exe");
    p = &r->stages[0].groups[0].preds[1];
    CHECK_INT(p->op, RDX_OP_CONTAINS);
    CHECK(p->flags & RDX_PF_ALL);
    CHECK_INT(p->n_values, 2);
    /* filter_list: a list of maps is an OR of groups */
    CHECK_INT(r->stages[1].n_groups, 2);
    CHECK_INT(r->stages[1].groups[1].preds[0].op, RDX_OP_STARTSWITH);
    /* keywords: one keyword predicate, values OR-ed */
    CHECK_INT(r->stages[2].n_groups, 1);
    CHECK(r->stages[2].groups[0].preds[0].field == NULL);
    CHECK_INT(r->stages[2].groups[0].preds[0].op, RDX_OP_KEYWORD);
    CHECK_INT(r->stages[2].groups[0].preds[0].n_values, 2);
    /* the source position of a predicate is its key */
    CHECK_INT(r->stages[0].groups[0].preds[0].line, 24);
    CHECK_INT(r->stages[0].groups[0].preds[0].column, 9);
out:
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}

TEST(sigma_value_types_follow_yaml) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_detection("sel:\n"
                                        "    EventID: 4688\n"
                                        "    Quoted: '4688'\n"
                                        "    Flag: true\n"
                                        "    Nothing: null\n"
                                        "    Empty: ''\n"
                                        "    Hex: 0x17\n"
                                        "condition: sel", &d);
    CHECK_INT(d.errors, 0);
    if (rs->n_rules != 1) { CHECK(0); goto out; }
    const rdx_group *g = &rs->rules[0]->stages[0].groups[0];
    CHECK_INT(g->preds[0].values[0].kind, RDX_VK_NUMBER);
    CHECK_INT(g->preds[1].values[0].kind, RDX_VK_STRING);
    CHECK_INT(g->preds[2].values[0].kind, RDX_VK_BOOL);
    CHECK_INT(g->preds[3].op, RDX_OP_NULL);
    CHECK_INT(g->preds[4].values[0].kind, RDX_VK_STRING);
    CHECK_INT(g->preds[4].values[0].text_len, 0);
    CHECK_INT(g->preds[5].values[0].kind, RDX_VK_NUMBER);
    CHECK_INT((long long)g->preds[5].values[0].number, 23);
    CHECK_INT(g->preds[5].values[0].variants.count, 2);   /* "0x17" and "23" */
out:
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}

TEST(sigma_collection_global_applies_to_following_documents) {
    const char *yaml =
        "action: global\n"
        "title: Shared title\n"
        "logsource:\n    product: windows\n"
        "detection:\n    base:\n        EventID: 1\n"
        "level: low\n"
        "---\n"
        "id: 00000000-0000-4000-8000-0000000000a1\n"
        "detection:\n    extra:\n        Image: a.exe\n    condition: base and extra\n"
        "---\n"
        "id: 00000000-0000-4000-8000-0000000000a2\n"
        "title: Own title\n"
        "detection:\n    extra:\n        Image: b.exe\n    condition: base and extra\n"
        "level: high\n";
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_text(yaml, &d);
    CHECK_INT(d.errors, 0);
    CHECK_INT(rs->n_rules, 2);
    if (rs->n_rules == 2) {
        CHECK_STR(rs->rules[0]->title, "Shared title");
        CHECK_INT(rs->rules[0]->level, RDX_LEVEL_LOW);
        CHECK_INT(rs->rules[0]->n_stages, 2);          /* base merged in */
        CHECK_STR(rs->rules[1]->title, "Own title");
        CHECK_INT(rs->rules[1]->level, RDX_LEVEL_HIGH);
    }
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}

TEST(sigma_collection_repeat_and_reset) {
    const char *yaml =
        "title: First\nid: 00000000-0000-4000-8000-0000000000b1\n"
        "logsource:\n    product: windows\n    service: security\n"
        "detection:\n    sel:\n        EventID: 4624\n    condition: sel\n"
        "---\n"
        "action: repeat\n"
        "id: 00000000-0000-4000-8000-0000000000b2\n"
        "logsource:\n    service: system\n"
        "---\n"
        "action: global\nlevel: critical\n"
        "---\n"
        "action: reset\n"
        "---\n"
        "title: After reset\n"
        "logsource:\n    product: linux\n"
        "detection:\n    sel:\n        x: 1\n    condition: sel\n";
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_text(yaml, &d);
    CHECK_INT(d.errors, 0);
    CHECK_INT(rs->n_rules, 3);
    if (rs->n_rules == 3) {
        CHECK_STR(rs->rules[1]->title, "First");            /* repeated */
        CHECK_STR(rs->rules[1]->logsource.service, "system");  /* changed */
        CHECK_STR(rs->rules[1]->logsource.product, "windows");  /* kept */
        CHECK_INT(rs->rules[2]->level, RDX_LEVEL_NONE);        /* global was reset */
    }
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}

TEST(sigma_filter_documents_apply_to_named_rules) {
    const char *yaml =
        "title: Rule\nid: 00000000-0000-4000-8000-0000000000c1\n"
        "logsource:\n    category: process_creation\n    product: windows\n"
        "detection:\n    sel:\n        Image|endswith: whoami.exe\n    condition: sel\n"
        "---\n"
        "title: Filter admins\n"
        "logsource:\n    category: process_creation\n    product: windows\n"
        "filter:\n    rules:\n        - 00000000-0000-4000-8000-0000000000c1\n"
        "    selection:\n        User|startswith: adm_\n    condition: selection\n";
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_text(yaml, &d);
    CHECK_INT(d.errors, 0);
    CHECK_INT(rs->n_rules, 1);
    CHECK_INT(rs->n_filters, 1);
    if (rs->n_rules == 1) {
        const rdx_rule *r = rs->rules[0];
        CHECK_INT(r->n_stages, 2);
        CHECK(r->stages[1].from_filter);
        CHECK_INT(r->condition->kind, RDX_COND_AND);
        CHECK_INT(th_eval_json(r, "{\"Image\":\"C:\\\\x\\\\whoami.exe\",\"User\":\"alice\"}"), 1);
        CHECK_INT(th_eval_json(r, "{\"Image\":\"C:\\\\x\\\\whoami.exe\",\"User\":\"adm_bob\"}"), 0);
    }
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}

TEST(sigma_filter_naming_unknown_rule_warns) {
    const char *yaml =
        "title: Filter\nlogsource:\n    product: windows\n"
        "filter:\n    rules: [no-such-rule]\n    sel:\n        a: b\n    condition: sel\n";
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_text(yaml, &d);
    CHECK_INT(d.errors, 0);
    CHECK(th_find_diag(&d, "which is not loaded") != NULL);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}

TEST(sigma_broken_document_does_not_stop_the_others) {
    const char *yaml =
        "title: Good one\nlogsource:\n    product: windows\n"
        "detection:\n    sel:\n        a: b\n    condition: sel\n"
        "---\n"
        "title: Bad one\nlogsource:\n    product: windows\n"
        "detection:\n    sel:\n        a|containz: b\n    condition: sel\n"
        "---\n"
        "title: Good two\nlogsource:\n    product: windows\n"
        "detection:\n    sel:\n        a: b\n    condition: sel\n";
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_text(yaml, &d);
    CHECK_INT(rs->n_rules, 2);
    CHECK_INT(d.errors, 1);
    const rdx_diag *g = th_find_diag(&d, "unknown modifier 'containz'");
    CHECK(g != NULL);
    if (g) {
        CHECK_INT(g->line, 14);
        CHECK_INT(g->column, 9);
        CHECK_STR(g->file, "test.yml");
    }
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}

TEST(sigma_yaml_syntax_error_names_line_and_column) {
    const char *yaml = "title: x\nlogsource:\n  product: windows\ndetection:\n  sel: [a, b\n  condition: sel\n";
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_text(yaml, &d);
    CHECK_INT(rs->n_rules, 0);
    CHECK(d.errors >= 1);
    CHECK(d.count && d.items[0].line >= 5 && d.items[0].column > 0);
    CHECK(d.count && strstr(d.items[0].message, "YAML"));
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}

static int load_error(const char *detection, const char *needle) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_detection(detection, &d);
    int ok = rs->n_rules == 0 && th_find_diag(&d, needle) != NULL;
    if (!ok)
        for (size_t i = 0; i < d.count; i++) fprintf(stderr, "    got: %s\n", d.items[i].message);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
    return ok;
}

TEST(sigma_forbidden_modifier_chains_are_errors) {
    CHECK(load_error("s:\n    a|re|contains: x\ncondition: s", "cannot be combined"));
    CHECK(load_error("s:\n    a|contains|base64: x\ncondition: s", "wildcards"));
    CHECK(load_error("s:\n    a|i: x\ncondition: s", "flag of 're'"));
    CHECK(load_error("s:\n    a|cidr|contains: 10.0.0.0/8\ncondition: s", "cannot be combined"));
    CHECK(load_error("s:\n    a|exists: maybe\ncondition: s", "true or false"));
    CHECK(load_error("s:\n    a|gt: ten\ncondition: s", "not a number"));
    CHECK(load_error("s:\n    a|re: '(unclosed'\ncondition: s", "invalid regular expression"));
    CHECK(load_error("s:\n    a|cidr: 10.0.0.0/33\ncondition: s", "CIDR"));
    CHECK(load_error("s:\n    a|contains|startswith: x\ncondition: s", "conflicts"));
    CHECK(load_error("s:\n    a|re|cased: x\ncondition: s", "cased"));
    CHECK(load_error("s:\n    a|fieldref|base64: x\ncondition: s", "fieldref"));
    CHECK(load_error("s:\n    a|hour|contains: 3\ncondition: s", "time part"));
    CHECK(load_error("s:\n    a:\n        b: c\ncondition: s", "not a map"));
    CHECK(load_error("s:\n    a: b\ncondition: s and t", "unknown selection name"));
    CHECK(load_error("s:\n    a: b", "no 'condition'"));
    CHECK(load_error("s: null\ncondition: s", "empty"));
    CHECK(load_error("s:\n    a|base64offset|contains: ''\ncondition: s", "too short"));
}

TEST(sigma_valid_modifier_chains_load) {
    static const char *const ok[] = {
        "a|contains|all: [x, y]", "a|base64offset|contains: x", "a|wide|base64offset|contains: x",
        "a|contains|windash: ' -x'", "a|windash|contains: ' -x'", "a|re|i|m|s: x", "a|cidr: ::1/128",
        "a|exists: false", "a|lte: 5", "a|fieldref: b", "a|fieldref|neq: b", "a|neq: x",
        "a|cased: X", "a|startswith|cased: X", "a|utf16le|base64: x", "a|utf16be|base64: x",
        "a|utf16|base64offset|contains: x", "a|expand: '%p%'", "a|contains|expand: '%p%'",
        "a|minute: 5", "a|hour|gte: 20", "a|day: 1", "a|week|lt: 10", "a|month: 12", "a|year|gt: 2020",
        "a|endswith|windash: '/x'", "a|base64: x", "a|re|neq: x",
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        char det[256];
        snprintf(det, sizeof det, "s:\n    %s\ncondition: s", ok[i]);
        rdx_diags d;
        rdx_diags_init(&d);
        rdx_ruleset *rs = th_load_detection(det, &d);
        rdx_test_checkf(rs->n_rules == 1 && d.errors == 0, __FILE__, __LINE__, "'%s' should load", ok[i]);
        rdx_ruleset_free(rs);
        rdx_diags_free(&d);
    }
}

TEST(sigma_expand_without_placeholders_marks_rule_unresolved) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_detection("s:\n    User|expand: '%Admins%'\ncondition: s", &d);
    CHECK_INT(d.errors, 0);
    CHECK_INT(rs->n_rules, 1);
    if (rs->n_rules) CHECK_INT(rs->rules[0]->status_load, RDX_RULE_UNRESOLVED_PLACEHOLDER);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}

TEST(sigma_expand_with_placeholder_file_matches_its_values) {
    rdx_diags d;
    rdx_diags_init(&d);
    const char *ph = "Admins: ['root', 'adm_*']\n'%Servers%': srv01\n";
    rdx_ruleset *rs = rdx_ruleset_new();
    rs->placeholders = rdx_placeholders_parse("ph.yml", ph, strlen(ph), &d);
    CHECK(rs->placeholders != NULL);
    const char *rule = "title: t\nlogsource:\n    product: x\n"
                       "detection:\n    s:\n        User|expand: '%Admins%'\n"
                       "        Host|expand: '%Servers%'\n    condition: s\n";
    rdx_sigma_load_buffer(rs, "r.yml", rule, strlen(rule), &d);
    CHECK_INT(d.errors, 0);
    CHECK_INT(rs->n_rules, 1);
    if (rs->n_rules == 1) {
        const rdx_rule *r = rs->rules[0];
        CHECK_INT(r->status_load, RDX_RULE_OK);
        static const struct { const char *json; int want; } cases[] = {
            {"{\"User\":\"root\",\"Host\":\"SRV01\"}", 1},
            {"{\"User\":\"adm_x\",\"Host\":\"srv01\"}", 1},
            {"{\"User\":\"bob\",\"Host\":\"srv01\"}", 0},
            {"{\"User\":\"root\",\"Host\":\"srv02\"}", 0},
        };
        for (size_t i = 0; i < 4; i++) CHECK_INT(th_eval_json(r, cases[i].json), cases[i].want);
    }
    rdx_ruleset_free(rs);   /* frees the placeholders it owns */
    rdx_diags_free(&d);
}

TEST(sigma_correlation_rules_are_kept_not_run) {
    const char *yaml = "title: Many failures\nname: many_failures\n"
                       "correlation:\n    type: event_count\n    rules: [x]\n"
                       "    group-by: [User]\n    timespan: 5m\n    condition:\n        gte: 10\n";
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_text(yaml, &d);
    CHECK_INT(d.errors, 0);
    CHECK_INT(rs->n_rules, 1);
    if (rs->n_rules) CHECK_INT(rs->rules[0]->kind, RDX_KIND_CORRELATION);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}

TEST(sigma_lint_warnings_for_questionable_metadata) {
    const char *yaml = "title: t\nid: not-a-uuid\nstatus: wip\nlevel: severe\n"
                       "logsource:\n    product: x\ndetection:\n    s:\n        a|all: [x]\n    condition: s\n";
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_text(yaml, &d);
    CHECK_INT(d.errors, 0);
    CHECK_INT(rs->n_rules, 1);
    CHECK(th_find_diag(&d, "not a UUID") != NULL);
    CHECK(th_find_diag(&d, "unknown status 'wip'") != NULL);
    CHECK(th_find_diag(&d, "unknown level 'severe'") != NULL);
    CHECK(th_find_diag(&d, "single value") != NULL);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}

/* Nothing silently dropped: a rule file with no document, or only comments
 * and empty documents, loads no rule and says so; a `global` document
 * alone is not such a file (it has content, and its own diagnostics). */
TEST(sigma_file_without_a_rule_says_so) {
    static const char *const empty[] = {"", "# a comment only\n", "---\n---\n"};
    for (size_t i = 0; i < sizeof empty / sizeof *empty; i++) {
        rdx_diags d;
        rdx_diags_init(&d);
        rdx_ruleset *rs = rdx_ruleset_new();
        rdx_sigma_load_buffer(rs, "empty.yml", empty[i], strlen(empty[i]), &d);
        CHECK_INT(rs->n_rules, 0);
        CHECK_INT(d.errors, 0);
        CHECK_INT(d.warnings, 1);
        if (d.count == 1) {
            CHECK_STR(d.items[0].file, "empty.yml");
            CHECK_INT(d.items[0].line, 1);
            CHECK(strstr(d.items[0].message, "no rule in this file") != NULL);
        }
        rdx_ruleset_free(rs);
        rdx_diags_free(&d);
    }
    const char *rule = "title: t\nlogsource:\n    product: x\n"
                       "detection:\n    s:\n        A: b\n    condition: s\n";
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = rdx_ruleset_new();
    rdx_sigma_load_buffer(rs, "r.yml", rule, strlen(rule), &d);
    CHECK_INT(rs->n_rules, 1);
    CHECK_INT(d.warnings, 0);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}
