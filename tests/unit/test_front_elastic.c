/* test_front_elastic.c — the Elastic reader (src/front/elastic): its TOML
 * reader, golden rules whose stages were worked out by hand from the query
 * text, and the conformance figures on the corpus. */
#include "harness.h"
#include "front_helpers.h"
#include "sigma_helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "front/elastic/toml.h"
#include "ruledex/ruledex.h"

/* ---- TOML -------------------------------------------------------------- */

TEST(toml_reads_tables_arrays_and_strings) {
    rdx_arena *a = rdx_arena_new(0);
    const char *t = "# c\n[rule]\nname = \"a \\\"b\\\" \\u00e9\"\nauthor = ['x', \"y\",]\n"
                    "q = '''\nraw \\n'''\nn = 1_000\n[[rule.threat]]\nid = \"T1\"\n"
                    "[[rule.threat]]\nid = \"T2\"\n[rule.threat.tactic]\nname = \"Exec\"\n"
                    "inl = {a = 1, b = [true, 2.5]}\n";
    rdx_toml_error err;
    rdx_value *doc = rdx_toml_parse(a, t, strlen(t), &err);
    CHECK(doc != NULL);
    const rdx_value *rule = rdx_object_get(doc, "rule");
    CHECK_STR(rdx_object_get(rule, "name")->u.str.ptr, "a \"b\" \xc3\xa9");
    CHECK_INT(rdx_object_get(rule, "author")->u.array.count, 2);
    CHECK_STR(rdx_object_get(rule, "q")->u.str.ptr, "raw \\n");
    CHECK_INT(rdx_object_get(rule, "n")->num.i, 1000);
    const rdx_value *th = rdx_object_get(rule, "threat");
    CHECK_INT(th->u.array.count, 2);
    CHECK_STR(rdx_object_get(rdx_object_get(th->u.array.items[1], "tactic"), "name")->u.str.ptr, "Exec");
    rdx_arena_free(a);
}

TEST(toml_errors_have_positions) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_toml_error err;
    const char *t1 = "a = 1\nb = \"open\n";
    CHECK(rdx_toml_parse(a, t1, strlen(t1), &err) == NULL);
    CHECK_INT(err.line, 2);
    const char *t2 = "a = 1\na = 2\n";
    CHECK(rdx_toml_parse(a, t2, strlen(t2), &err) == NULL);
    CHECK(strstr(err.message, "duplicate") != NULL);
    const char *t3 = "[x]\n[x]\n";
    CHECK(rdx_toml_parse(a, t3, strlen(t3), &err) == NULL);
    CHECK_INT(err.line, 2);
    const char *t4 = "d = 1979-05-27\n";
    CHECK(rdx_toml_parse(a, t4, strlen(t4), &err) == NULL);
    CHECK(strstr(err.message, "date") != NULL);
    rdx_arena_free(a);
}

/* ---- golden rules ------------------------------------------------------ */

/* A rule file around a query of a language and type. */
static char *rule_file(const char *type, const char *language, const char *query, const char *extra) {
    size_t n = strlen(query) + strlen(extra) + 1024;
    char *t = malloc(n);
    snprintf(t, n,
             "[metadata]\ncreation_date = \"2024/01/02\"\nmaturity = \"production\"\n"
             "updated_date = \"2024/03/04\"\n\n[rule]\nauthor = [\"Elastic\", \"Someone\"]\n"
             "description = \"d\"\nindex = [\"logs-endpoint.events.*\"]\n%s%s%s\n"
             "name = \"Golden\"\nrisk_score = 47\nrule_id = \"0000-1111\"\nseverity = \"high\"\n"
             "type = \"%s\"\n\nquery = '''\n%s\n'''\n%s",
             language ? "language = \"" : "", language ? language : "", language ? "\"" : "", type,
             query, extra);
    return t;
}

typedef struct golden {
    const char *type, *language, *query, *extra;
    const char *stages, *cond;
    int runnable;
} golden;

static const golden GOLDEN[] = {
    /* 1. EQL `:` is case-insensitive and ORs a list; the category is a test */
    {"eql", "eql", "process where process.name : \"cmd.exe\" and process.args : (\"/c\", \"/k\")", "",
     "where{event.category equals process & process.name equals cmd.exe & process.args equals /c,/k}",
     "where", 1},
    /* 2. `==` and `in` are case-sensitive; `not` makes an exclusion stage */
    {"eql", "eql",
     "process where process.parent.name == \"winword.exe\" and not process.name in (\"a.exe\", \"b.exe\")", "",
     "where{event.category equals process & process.parent.name equals/c winword.exe} "
     "where_2{process.name equals/c a.exe,b.exe}",
     "and(where, not(where_2))", 1},
    /* 3. like~ wildcards; regex~ anchored and case-insensitive */
    {"eql", "eql",
     "file where file.path like~ \"C:\\\\Users\\\\*\\\\AppData\\\\*.exe\" and file.name regex~ \"[a-z]{8}\\\\.exe\"", "",
     "where{event.category equals file & file.path equals C:\\Users\\*\\AppData\\*.exe & "
     "file.name regex/i ^(?:[a-z]{8}\\.exe)$}",
     "where", 1},
    /* 4. functions that are predicates; numbers; any adds no category */
    {"eql", "eql",
     "any where cidrMatch(destination.ip, \"10.0.0.0/8\", \"192.168.0.0/16\") and destination.port >= 1024 "
     "and startsWith~(process.name, \"pow\")", "",
     "where{destination.ip cidr 10.0.0.0/8,192.168.0.0/16 & destination.port gte 1024 & "
     "process.name startswith pow*}",
     "where", 1},
    /* 5. a sequence: a stage per query, the ordering opaque */
    {"eql", "eql",
     "sequence by host.id with maxspan=1m\n  [process where process.name : \"a.exe\"]\n"
     "  [network where destination.port == 443]", "",
     "event1{event.category equals process & process.name equals a.exe} "
     "event2{event.category equals network & destination.port equals/c 443} sequence{opaque}",
     "and(event1, event2, sequence)", 0},
    /* 6. a function we do not represent: an opaque stage beside the rest */
    {"eql", "eql", "process where length(process.args) > 3 and process.name : \"x\"", "",
     "where{event.category equals process & process.name equals x} where_2{opaque}",
     "and(where, where_2)", 0},
    /* 7. KQL: case-sensitive values, value lists, wildcards, not */
    {"query", "kuery",
     "event.category:process and process.name:(cmd.exe or powershell.exe) and not user.name:SYSTEM "
     "and process.args:*enc*", "",
     "query{event.category equals/c process & process.name equals/c cmd.exe,powershell.exe & "
     "process.args equals/c *enc*} query_2{user.name equals/c SYSTEM}",
     "and(query, not(query_2))", 1},
    /* 8. KQL: a quoted value is literal (its \\ an escape), ranges, exists */
    {"query", "kuery",
     "file.path:\"C:\\\\Temp\\\\x y*.exe\" and process.pid >= 4 and registry.data.strings:*", "",
     "query{file.path equals/c C:\\Temp\\x y*.exe & process.pid gte 4 & registry.data.strings exists true}",
     "query", 1},
    /* 9. new_terms: the query filters, the aggregation is opaque */
    {"new_terms", "kuery", "host.os.type:windows",
     "\n[rule.new_terms]\nfield = \"new_terms_fields\"\nvalue = [\"user.name\"]\n",
     "query{host.os.type equals/c windows} new_terms{opaque}", "and(query, new_terms)", 0},
    /* 10. threshold */
    {"threshold", "kuery", "event.action:\"logon-failed\"",
     "\n[rule.threshold]\nfield = [\"source.ip\"]\nvalue = 20\n",
     "query{event.action equals/c logon-failed} threshold{opaque}", "and(query, threshold)", 0},
    /* 11. ES|QL: where before stats filters; TO_LOWER folds case; stats on is opaque;
     *     `not f in (...)` under three-valued logic: no f, no row (fx_null_strict) */
    {"esql", "esql",
     "from logs-endpoint.events.process-* metadata _id\n| where process.name == \"curl\" and "
     "to_lower(process.command_line) like \"*--data*\" and not process.parent.name in (\"bash\", \"sh\")\n"
     "| stats c = count() by host.id\n| where c > 5", "",
     "where{process.name equals/c curl & process.command_line equals *--data*} "
     "where_2{process.parent.name exists false | process.parent.name equals/c bash,sh} pipeline{opaque}",
     "and(where, not(where_2), pipeline)", 0},
    /* 12. Lucene: upper-case operators, an anchored /regex/ */
    {"query", "lucene", "event.category:process AND NOT user.name:root AND process.args:/2[0-9]{3}/", "",
     "query{event.category equals/c process & process.args regex/c ^(?:2[0-9]{3})$} "
     "query_2{user.name equals/c root}",
     "and(query, not(query_2))", 1},
    /* 13. an ES|QL filter alone runs; keep/sort change nothing */
    {"esql", "esql",
     "from logs-* | where event.code == \"4688\" or process.name rlike \"ps.*\" | keep host.name | sort @timestamp", "",
     "where{event.code equals/c 4688 | process.name regex/c ^(?:ps.*)$}", "where", 1},
    /* 14. ES|QL: in a quoted string `\\` is one backslash, so LIKE gets `\\`
     *     (a literal backslash) and `\*` (a literal star); starts_with has
     *     no wildcards; two fields compared are a field reference */
    {"esql", "esql",
     "from logs-* | where process.executable like \"C:\\\\\\\\Temp\\\\\\\\*\\\\*\" and "
     "starts_with(file.path, \"C:\\\\*\") and process.name == process.parent.name", "",
     "where{process.executable equals/c C:\\Temp\\** & file.path startswith/c C:\\** & "
     "process.name equals/c process.parent.name}",
     "where", 1},
    /* 15. EQL `\u{...}` is a code point; `\\` a backslash that `:` keeps literal */
    {"eql", "eql", "any where file.name : \"\\u{e9}t\\u{E9}\" and file.path : \"C:\\\\x\\\\*\"", "",
     "where{file.name equals \xc3\xa9t\xc3\xa9 & file.path equals C:\\x\\*}", "where", 1},
    /* 16. Lucene: a /regex/ token is the longest "/" (~["/"] | "\\/")* "/",
     *     kept as written: in `/(^|\\/)x/` the '/' after `\\` does not
     *     close it (pySigma's lnx_auditd_hidden_files_directories), and a
     *     '/' after no backslash does */
    {"query", "lucene", "process.args:/(^|\\\\/)\\.[^.\\\\/]/ AND process.name:/a\\/b/", "",
     "query{process.args regex/c ^(?:(^|\\\\/)\\.[^.\\\\/])$ & process.name regex/c ^(?:a\\/b)$}",
     "query", 1},
    /* 17. EQL: `?` marks a quoted field optional too (?`cs-referer`, as
     *     Elastic's grammar and its eql package read it); numbers by `==`
     *     and `in`; a boolean has no case, so `==` on it is not cased */
    {"eql", "eql",
     "any where ?`cs-referer` == null and `cs-method` : \"POST\" and EventID in (400, 401) and Signed == true", "",
     "where{cs-referer null  & cs-method equals POST & EventID equals/c 400,401 & Signed equals true}", "where", 1},
};

static void run_golden(const golden *g, size_t k) {
    char *text = rule_file(g->type, g->language, g->query, g->extra);
    front_check_golden("golden.toml", text, g->stages, g->cond, g->runnable, k);
    free(text);
}

TEST(elastic_golden_rules) {
    for (size_t k = 0; k < sizeof GOLDEN / sizeof *GOLDEN; k++) run_golden(&GOLDEN[k], k);
}

TEST(elastic_metadata_and_attack) {
    const char *extra =
        "\n[[rule.threat]]\nframework = \"MITRE ATT&CK\"\n[[rule.threat.technique]]\nid = \"T1059\"\n"
        "name = \"x\"\n[[rule.threat.technique.subtechnique]]\nid = \"T1059.001\"\nname = \"y\"\n"
        "[rule.threat.tactic]\nid = \"TA0002\"\nname = \"Execution\"\n";
    char *text = rule_file("eql", "eql", "process where true", extra);
    rdx_diags d;
    rdx_ruleset *rs = front_load("meta.toml", text, &d);
    CHECK_INT(rs->n_rules, 1);
    if (rs->n_rules == 1) {
        const rdx_rule *r = rs->rules[0];
        CHECK_STR(r->lang, "elastic");
        CHECK_STR(r->title, "Golden");
        CHECK_STR(r->id, "0000-1111");
        CHECK_STR(r->author, "Elastic, Someone");
        CHECK_STR(r->date, "2024/01/02");
        CHECK_STR(r->modified, "2024/03/04");
        CHECK_INT(r->level, RDX_LEVEL_HIGH);
        CHECK_INT(r->native.kind, RDX_NATIVE_ECS_DATASET);
        CHECK_STR(r->native.values.items[0], "logs-endpoint.events.*");
        CHECK_INT(r->tags.count, 3);
        CHECK_STR(r->tags.items[0], "attack.execution");
        CHECK_STR(r->tags.items[1], "attack.t1059");
        CHECK_STR(r->tags.items[2], "attack.t1059.001");
        /* risk_score lives in the document */
        CHECK_INT(rdx_object_get(rdx_object_get(r->document, "rule"), "risk_score")->num.i, 47);
        /* `process where true`: a constant, kept opaque rather than guessed */
        CHECK(r->status_load == RDX_RULE_NOT_RUNNABLE);
    }
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
    free(text);
}

TEST(elastic_machine_learning_and_bad_query) {
    char *ml = rule_file("machine_learning", NULL, "", "");
    /* an ML rule has no query: drop it */
    char *q = strstr(ml, "\nquery = ");
    if (q) strcpy(q, "\nmachine_learning_job_id = \"rare_process\"\nanomaly_threshold = 50\n");
    rdx_diags d;
    rdx_ruleset *rs = front_load("ml.toml", ml, &d);
    char stages[512];
    CHECK_INT(rs->n_rules, 1);
    if (rs->n_rules == 1) CHECK_STR(front_stages(rs->rules[0], stages, sizeof stages), "machine_learning{opaque}");
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
    free(ml);

    char *bad = rule_file("eql", "eql", "process where (process.name : \"x\"", "");
    rs = front_load("bad.toml", bad, &d);
    CHECK_INT(rs->n_rules, 1);   /* kept, with the query opaque */
    CHECK_INT(d.errors, 1);
    CHECK(d.count && d.items[0].line > 1 && d.items[0].column > 1);
    if (rs->n_rules == 1) CHECK_STR(front_stages(rs->rules[0], stages, sizeof stages), "query{opaque}");
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
    free(bad);
}

/* The pattern of the first value of the first predicate of r, as text
 * with its segments marked: `<*>` any run, `<?>` one character. */
static const char *first_pattern(const rdx_rule *r, char *buf, size_t size) {
    size_t n = 0;
    buf[0] = 0;
    if (!r->n_stages || !r->stages[0].n_groups || !r->stages[0].groups[0].n_preds) return buf;
    const rdx_rvalue *v = &r->stages[0].groups[0].preds[0].values[0];
    const rdx_pattern *p = &v->variants.items[0];
    for (size_t i = 0; i < p->n_segs && n + 4 < size; i++) {
        const char *mark = p->segs[i].kind == RDX_SEG_STAR ? "<*>" : p->segs[i].kind == RDX_SEG_ONE ? "<?>" : NULL;
        n += (size_t)snprintf(buf + n, size - n, "%.*s", mark ? 3 : (int)p->segs[i].len,
                              mark ? mark : (const char *)p->segs[i].bytes);
    }
    return buf;
}

/* ES|QL LIKE: `\*`, `\?`, `\\` are the literal characters, `*`, `?` the
 * wildcards (golden 14 cannot show which star is which). */
TEST(esql_like_escapes_are_literal) {
    char *text = rule_file("esql", "esql",
                           "from logs-* | where f like \"\\\\\\\\a*\\\\*b\\\\?c?\"", "");
    rdx_diags d;
    rdx_ruleset *rs = front_load("like.toml", text, &d);
    char pat[256];
    CHECK_INT(d.errors, 0);
    CHECK_INT(rs->n_rules, 1);
    if (rs->n_rules == 1) CHECK_STR(first_pattern(rs->rules[0], pat, sizeof pat), "\\a<*>*b?c<?>");
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
    free(text);
}

/* ES|QL's logic has three values: a comparison with a missing field is
 * null, NOT null is null, and WHERE keeps a row only when TRUE.  So
 * neither `not f == "x"` nor `f != "x"` keeps an event without f, while
 * `f is null` does; EQL's two-valued `not` keeps it.  Run on events. */
TEST(esql_three_valued_logic_on_events) {
    static const struct { const char *lang, *where; int absent, other, same; } cases[] = {
        {"esql", "not process.name == \"x\"", 0, 1, 0},
        {"esql", "process.name != \"x\"", 0, 1, 0},
        {"esql", "not (process.name == \"x\" or user.name == \"y\")", 0, 1, 0},
        {"esql", "not process.name != \"x\"", 0, 0, 1},
        {"esql", "process.name is null or not process.name == \"x\"", 1, 1, 0},
        {"esql", "not process.name like \"x*\" and process.pid > 0", 0, 1, 0},
        {"eql", "not process.name == \"x\"", 1, 1, 0},
    };
    /* the events: process.name absent, another value, the value; user.name "z" */
    const char *ev[3] = {"{\"process.pid\": 4, \"user.name\": \"z\"}",
                         "{\"process.pid\": 4, \"process.name\": \"w\", \"user.name\": \"z\"}",
                         "{\"process.pid\": 4, \"process.name\": \"x\", \"user.name\": \"z\"}"};
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        char q[256];
        snprintf(q, sizeof q, "%s%s", !strcmp(cases[k].lang, "esql") ? "from logs-* | where " : "any where ",
                 cases[k].where);
        char *text = rule_file(cases[k].lang, cases[k].lang, q, "");
        rdx_diags d;
        rdx_ruleset *rs = front_load("3vl.toml", text, &d);
        CHECK_INT(d.errors, 0);
        if (rs->n_rules == 1) {
            int want[3] = {cases[k].absent, cases[k].other, cases[k].same};
            for (int i = 0; i < 3; i++)
                rdx_test_checkf(th_eval_json(rs->rules[0], ev[i]) == want[i], __FILE__, __LINE__,
                                "case %zu (%s) event %d: want %d", k + 1, cases[k].where, i, want[i]);
        }
        rdx_ruleset_free(rs);
        rdx_diags_free(&d);
        free(text);
    }
}

/* ECS's `.caseless` multi-fields hold the value lower-cased: with the
 * shipped field map, `process.name.caseless == "cmd.exe"` is Image
 * endswith '\cmd.exe' ignoring case (== alone is cased), and a regex on
 * one is compiled again caseless.  Run on events, not just shown. */
TEST(elastic_caseless_fields_ignore_case) {
    char *text = rule_file("eql", "eql",
                           "process where process.name.caseless == \"cmd.exe\" and "
                           "process.executable.caseless regex \"c:.windows.*\" and "
                           "process.parent.name == \"explorer.exe\"", "");
    rdx_diags d;
    rdx_ruleset *rs = front_load("caseless.toml", text, &d);
    rdx_fieldnorm *m = rdx_fieldnorm_load("data/fields.yml", &d);
    CHECK_INT(d.errors, 0);
    CHECK(m != NULL && rs->n_rules == 1);
    if (m && rs->n_rules == 1) {
        const rdx_rule *r = rs->rules[0];
        CHECK_INT(rdx_ruleset_normalise_fields(rs, m, &d), 1);   /* event.category */
        char buf[1024];
        CHECK_STR(front_stages(r, buf, sizeof buf),
                  "where{elastic:event.category equals process & Image endswith *\\cmd.exe & "
                  "Image regex/i ^(?:c:.windows.*)$ & ParentImage endswith/c *\\explorer.exe}");
        const char *ev = "{\"Image\": \"C:\\\\WINDOWS\\\\System32\\\\CMD.EXE\", "
                         "\"ParentImage\": \"C:\\\\Windows\\\\explorer.exe\"}";
        const char *cased = "{\"Image\": \"C:\\\\WINDOWS\\\\System32\\\\CMD.EXE\", "
                            "\"ParentImage\": \"C:\\\\Windows\\\\EXPLORER.EXE\"}";
        /* the category stage is not on these events: evaluate stage by stage */
        rdx_rule one = *r;
        rdx_stage st = r->stages[0];
        rdx_group g = st.groups[0];
        g.preds++;
        g.n_preds--;   /* without event.category */
        st.groups = &g;
        one.stages = &st;
        CHECK(th_eval_json(&one, ev) == 1);
        CHECK(th_eval_json(&one, cased) == 0);   /* process.parent.name stays cased */
    }
    rdx_fieldnorm_free(m);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
    free(text);
}

/* What Elasticsearch rejects, the reader rejects: an error with its
 * position, the query kept as one opaque stage (never runs). */
TEST(elastic_rejects_what_elasticsearch_rejects) {
    static const struct { const char *lang, *query, *why; } bad[] = {
        /* a LIKE escape of a character that is no wildcard: the pySigma
         * ES|QL backend writes Sigma's `\Windows\` so */
        {"esql", "from logs-* | where f like \"*\\\\Windows\\\\*\"", "invalid LIKE pattern"},
        {"esql", "from logs-* | where f like \"abc\\\\\\\\\\\\\"", "invalid LIKE pattern"},   /* a trailing \ */
        /* string escapes the grammars do not have */
        {"esql", "from logs-* | where f == \"a\\*b\"", "no escape of an ES|QL string"},
        {"eql", "any where f : \"a\\*b\"", "no escape of an EQL string"},
        {"eql", "any where f : \"a\\?b\"", "no escape of an EQL string"},
        {"eql", "any where f : \"\\u{110000}\"", "no escape of an EQL string"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        char *text = rule_file(bad[k].lang, bad[k].lang, bad[k].query, "");
        rdx_diags d;
        rdx_ruleset *rs = front_load("bad.toml", text, &d);
        char stages[512];
        rdx_test_checkf(d.errors == 1 && d.count && strstr(d.items[0].message, bad[k].why) &&
                            d.items[0].line > 1 && d.items[0].column > 1,
                        __FILE__, __LINE__, "case %zu: one error saying '%s' (%zu errors: %s)", k, bad[k].why,
                        d.errors, d.count ? d.items[0].message : "");
        if (rs->n_rules == 1)
            rdx_test_checkf(strstr(front_stages(rs->rules[0], stages, sizeof stages), "opaque") != NULL, __FILE__,
                            __LINE__, "case %zu: opaque, got %s", k, stages);
        rdx_ruleset_free(rs);
        rdx_diags_free(&d);
        free(text);
    }
}

/* ---- the corpus -------------------------------------------------------- */

TEST(corpus_elastic_conformance) {
    REQUIRE_CORPUS(corpus);
    char path[4096];
    snprintf(path, sizeof path, "elastic:%s/elastic", corpus);
    rdx_ruleset *rs = rdx_ruleset_new();
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_load_rules_path(rs, path, NULL, &d);
    size_t with_pred = 0, runnable = 0, ml = 0;
    for (size_t i = 0; i < rs->n_rules; i++) {
        const rdx_rule *r = rs->rules[i];
        size_t np = 0;
        for (size_t s = 0; s < r->n_stages; s++)
            for (size_t g = 0; g < r->stages[s].n_groups; g++) np += r->stages[s].groups[g].n_preds;
        with_pred += np > 0;
        runnable += r->status_load == RDX_RULE_OK;
        ml += r->n_stages == 1 && !strcmp(r->stages[0].name, "machine_learning");
    }
    /* measured 2026-12-06: 2,192 files, every one read without an error;
     * 106 ML rules; of the 2,086 with a query 2,057 have a predicate (the
     * other 29 are ES|QL aggregations over alerts, with no literal filter
     * before their first stats/eval); 1,340 are runnable (2026-12-07: ES|QL
     * a == b over two fields is now a field reference). */
    CHECK_INT(rs->files_read, 2192);
    CHECK_INT(rs->files_failed, 0);
    CHECK_INT(rs->n_rules, 2192);
    CHECK_INT(d.errors, 0);
    CHECK_INT(ml, 106);
    CHECK(with_pred >= 2057);
    CHECK(runnable >= 1340);
    if (getenv("RDX_TEST_VERBOSE"))
        fprintf(stderr, "    elastic: %zu rules, %zu with a predicate, %zu runnable, %zu ML\n", rs->n_rules,
                with_pred, runnable, ml);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}
