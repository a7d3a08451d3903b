/*
 * test_hostile.c — rule files and event files written to hurt the tool.
 *
 * ruledex reads evidence from compromised machines; rule files come from
 * the internet.  Every input here is damaged or crafted, and the promise
 * under test is the same for all of them: a diagnostic that says where
 * (file:line:column), or a documented limit (docs/LIMITS.md) — never a
 * crash, a hang or memory without bound.
 *
 *   1. YAML syntax errors, each reported with a position inside the file;
 *   2. the wrong type for every field a rule has, reported at that field;
 *   3. semantic errors (modifiers, values, conditions, collections,
 *      filters), reported at the offending key;
 *   4. sizes: deep nesting, huge values, 100,000 values in a list, long
 *      conditions, many stages, documents and filters, alias expansion
 *      ("billion laughs"), placeholder expansion — each must load (or be
 *      refused) within a time and a memory budget;
 *   5. regex cost: catastrophic backtracking stops at the PCRE2 limits of
 *      src/engine/eval.c and is counted in rdx_eval_stats, and a rule whose
 *      regex backtracks catastrophically is reported when it is loaded;
 *      an event cannot hide a value behind an evaluation limit;
 *   6. readers: zero-length, truncated, bit-flipped, random and huge JSON
 *      and EVTX files end, report every unreadable event with one
 *      diagnostic, and `ruledex hunt` accounts for every event
 *      (read = evaluated + unreadable) with a meaningful exit status.
 *
 * Each input runs in a child process (sandbox.h) with a time limit (5 s,
 * 20 s under ASan) and a memory limit (512 MiB, 1.5 GiB under ASan): a
 * regression is one failed check naming the input and how the child
 * ended.  Sizes are chosen so that a linear implementation takes well under
 * a second; the quadratic and exponential ones this file was written
 * against take minutes or run out of memory.
 */
#include "harness.h"
#include "sandbox.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ruledex/ruledex.h"

/* Generous for any linear implementation of the cases below (ASan adds
 * redzones and a quarantine of freed memory). */
#define MEMORY_MB (rdx_sandbox_asan() ? 1536u : 512u)

static unsigned time_limit(void) { return rdx_sandbox_asan() ? 20 : 5; }

/* ---- loading a rule text in a sandbox ---------------------------------- */

typedef struct load_job {
    const char *text;
    size_t len;
    const char *placeholders;   /* YAML table, or NULL */
    const char *event;          /* JSON event every rule is evaluated on, or NULL */
} load_job;

typedef struct diag_line {
    char sev;                   /* 'e', 'w', 'n' */
    unsigned line, column;
    char category[32];
    char message[200];
} diag_line;

typedef struct load_result {
    int ok;                     /* the child ended normally */
    char why[600];
    double seconds;
    int rc;
    unsigned long rules, filters, errors, warnings, matched, regex_hits, regex_linear, lines;
    diag_line diags[24];
    size_t n_diags;
} load_result;

/* The child: load, apply filters, evaluate, and report as text:
 *   rc R rules N filters F errors E warnings W matched M hits H
 *   e LINE COL CATEGORY MESSAGE           (one line per diagnostic) */
static int load_child(void *arg, char *out, size_t size) {
    const load_job *j = arg;
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_placeholders *ph = NULL;
    if (j->placeholders)
        ph = rdx_placeholders_parse("placeholders.yml", j->placeholders, strlen(j->placeholders), &d);
    rdx_ruleset *rs = rdx_ruleset_new();
    rs->placeholders = ph;
    int rc = rdx_sigma_load_buffer(rs, "hostile.yml", j->text, j->len, &d);
    rdx_ruleset_apply_filters(rs, &d);
    unsigned long matched = 0, hits = 0, linear = 0;
    if (j->event) {
        rdx_arena *a = rdx_arena_new(0);
        rdx_value *v = rdx_json_parse(a, j->event, strlen(j->event), NULL);
        if (v) {
            rdx_event ev;
            rdx_event_init(&ev, a, v);
            rdx_eval *e = rdx_eval_new();
            for (size_t i = 0; i < rs->n_rules; i++) matched += (unsigned long)rdx_eval_rule(e, rs->rules[i], &ev);
            hits = (unsigned long)rdx_eval_get_stats(e)->regex_limit_hits;
            linear = (unsigned long)rdx_eval_get_stats(e)->regex_linear;
            rdx_eval_free(e);
        }
        rdx_arena_free(a);
    }
    size_t o = (size_t)snprintf(out, size, "rc %d rules %zu filters %zu errors %zu warnings %zu matched %lu hits %lu linear %lu\n",
                                rc, rs->n_rules, rs->n_filters, d.errors, d.warnings, matched, hits, linear);
    for (size_t i = 0; i < d.count && i < 24 && o < size; i++) {
        const rdx_diag *g = &d.items[i];
        char msg[200];
        snprintf(msg, sizeof msg, "%s", g->message);
        for (char *p = msg; *p; p++)
            if (*p == '\n') *p = ' ';
        o += (size_t)snprintf(out + o, size - o, "%c %u %u %s %s\n",
                              g->severity == RDX_SEV_ERROR ? 'e' : g->severity == RDX_SEV_WARNING ? 'w' : 'n',
                              g->line, g->column, g->category, msg);
    }
    rdx_ruleset_free(rs);   /* and ph, which it owns */
    rdx_diags_free(&d);
    return 0;
}

static void parse_report(const char *out, load_result *r) {
    sscanf(out, "rc %d rules %lu filters %lu errors %lu warnings %lu matched %lu hits %lu linear %lu",
           &r->rc, &r->rules, &r->filters, &r->errors, &r->warnings, &r->matched, &r->regex_hits,
           &r->regex_linear);
    const char *p = strchr(out, '\n');
    while (p && p[1] && r->n_diags < sizeof r->diags / sizeof *r->diags) {
        p++;
        diag_line *g = &r->diags[r->n_diags];
        int used = 0;
        if (sscanf(p, "%c %u %u %31s %n", &g->sev, &g->line, &g->column, g->category, &used) >= 4) {
            const char *e = strchr(p + used, '\n');
            size_t n = e ? (size_t)(e - (p + used)) : strlen(p + used);
            if (n >= sizeof g->message) n = sizeof g->message - 1;
            memcpy(g->message, p + used, n);
            g->message[n] = 0;
            r->n_diags++;
        }
        p = strchr(p, '\n');
    }
}

static void run_load(const load_job *j, load_result *r) {
    memset(r, 0, sizeof *r);
    r->rc = -2;
    for (size_t i = 0; i < j->len; i++) r->lines += j->text[i] == '\n';
    r->lines++;
    rdx_sandbox sb = {time_limit(), MEMORY_MB, 1};
    static char out[16384];
    r->ok = rdx_sandbox_run(&sb, load_child, (void *)j, out, sizeof out, r->why, sizeof r->why,
                            &r->seconds) == 0;
    if (r->ok) parse_report(out, r);
}

static void load_text(const char *text, load_result *r) {
    load_job j = {text, strlen(text), NULL, NULL};
    run_load(&j, r);
}

/* A diagnostic of severity sev ('e', 'w' or 0 for either) whose category
 * is cat (NULL: any) at line (0: any line). */
static const diag_line *find_diag(const load_result *r, char sev, const char *cat, unsigned line) {
    for (size_t i = 0; i < r->n_diags; i++) {
        const diag_line *g = &r->diags[i];
        if ((!sev || g->sev == sev) && (!cat || !strcmp(g->category, cat)) && (!line || g->line == line))
            return g;
    }
    return NULL;
}

static void show(const char *name, const load_result *r) {
    fprintf(stderr, "    %s: ", name);
    if (!r->ok) {
        fprintf(stderr, "%s\n", r->why);
        return;
    }
    fprintf(stderr, "rc %d, %lu rules, %lu errors, %.2f s\n", r->rc, r->rules, r->errors, r->seconds);
    for (size_t i = 0; i < r->n_diags && i < 4; i++)
        fprintf(stderr, "      %c %u:%u %s: %s\n", r->diags[i].sev, r->diags[i].line,
                r->diags[i].column, r->diags[i].category, r->diags[i].message);
}

/* Every diagnostic has a position inside the text. */
static int positioned(const load_result *r) {
    for (size_t i = 0; i < r->n_diags; i++)
        if (r->diags[i].line < 1 || r->diags[i].line > r->lines) return 0;
    return 1;
}

/* ---- 1. YAML syntax errors --------------------------------------------- */

TEST(hostile_yaml_syntax_errors_have_positions) {
    static const struct {
        const char *name, *text;
    } cases[] = {
        {"unclosed quote", "title: 'abc\nlogsource: {product: windows}\n"},
        {"unclosed double quote", "title: \"abc\n"},
        {"bad indentation", "title: t\n  logsource: x\n bad: y\n"},
        {"tab indentation", "title: t\ndetection:\n\tsel: x\n"},
        {"unclosed flow sequence", "title: t\ntags: [a, b\n"},
        {"unclosed flow map", "title: t\nlogsource: {product: windows\n"},
        {"stray bracket", "title: t\n]\n"},
        {"unknown alias", "title: t\nauthor: *nobody\n"},
        {"key without value in flow", "title: {a: b, : }\n}\n"},
        {"directive with invalid UTF-8", "%A\x9f\ntitle: t\n"},
        {"NUL byte", "title: a\0b\n"},
        {"document end then garbage", "title: t\n...\n]]]\n"},
        {"block scalar with bad indicator", "title: |9x\n  t\n"},
        {"complex key (sequence)", "title: t\nlogsource: {product: windows}\ndetection:\n    ? [a]\n    : {x: y}\n    condition: a\n"},
        {"complex key in a global document", "action: global\n? [a]\n: b\n---\ntitle: t\n"},
        {"complex key with repeat", "? {a: b}\n: c\ntitle: t\n---\naction: repeat\nx: y\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        load_result r;
        /* "NUL byte" has its length past the NUL. */
        load_job j = {cases[i].text, strlen(cases[i].text), NULL, NULL};
        if (!strcmp(cases[i].name, "NUL byte")) j.len = 11;
        run_load(&j, &r);
        rdx_test_checkf(r.ok, __FILE__, __LINE__, "%s: %s", cases[i].name, r.why);
        if (!r.ok) continue;
        rdx_test_checkf(r.errors > 0 && r.rules == 0, __FILE__, __LINE__,
                        "%s: expected an error and no rule (%lu errors, %lu rules)", cases[i].name,
                        r.errors, r.rules);
        rdx_test_checkf(positioned(&r), __FILE__, __LINE__,
                        "%s: a diagnostic without a position inside the file", cases[i].name);
        if (getenv("RDX_TEST_VERBOSE")) show(cases[i].name, &r);
    }
}

/* Unusual but valid YAML loads (and anything said about it has a position). */
TEST(hostile_yaml_unusual_but_valid) {
    static const char *const texts[] = {
        "\xEF\xBB\xBFtitle: t\r\nlogsource: {product: windows}\r\ndetection:\r\n  sel: {Image: x}\r\n  condition: sel\r\n",
        "title: !t x\nlogsource: {product: windows}\ndetection:\n  sel: {Image: !!str 1}\n  condition: sel\n",
        "---\n---\ntitle: t\nlogsource: {product: windows}\ndetection: {sel: {Image: x}, condition: sel}\n...\n",
        "title: &t t\nname: *t\nlogsource: {product: windows}\ndetection:\n  sel: &s {Image: x}\n  sel2: *s\n  condition: sel and sel2\n",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        load_result r;
        load_text(texts[i], &r);
        rdx_test_checkf(r.ok, __FILE__, __LINE__, "valid text %zu: %s", i, r.why);
        rdx_test_checkf(!r.ok || r.rules == 1, __FILE__, __LINE__, "valid text %zu: %lu rules, %lu errors",
                        i, r.rules, r.errors);
        rdx_test_checkf(!r.ok || positioned(&r), __FILE__, __LINE__,
                        "valid text %zu: a diagnostic without a position (%s)", i,
                        r.n_diags ? r.diags[0].message : "");
    }
}

/* ---- 2. wrong types ---------------------------------------------------- */

/* A complete rule, one field per line, so each field's line is known. */
static const char *const RULE_LINES[] = {
    "title: T",                                                          /* 1 */
    "id: 11111111-2222-4333-8444-555555555555",                          /* 2 */
    "name: n",                                                           /* 3 */
    "status: test",                                                      /* 4 */
    "description: d",                                                    /* 5 */
    "license: MIT",                                                      /* 6 */
    "author: a",                                                         /* 7 */
    "date: 2024-01-01",                                                  /* 8 */
    "modified: 2024-01-02",                                              /* 9 */
    "level: high",                                                       /* 10 */
    "taxonomy: sigma",                                                   /* 11 */
    "references: [r]",                                                   /* 12 */
    "tags: [attack.t1059]",                                              /* 13 */
    "falsepositives: [f]",                                               /* 14 */
    "fields: [f]",                                                       /* 15 */
    "scope: [s]",                                                        /* 16 */
    "related: [{id: 11111111-2222-4333-8444-555555555556, type: derived}]", /* 17 */
    "logsource: {product: windows, category: process_creation}",         /* 18 */
    "detection:",                                                        /* 19 */
    "    sel: {Image: x}",                                               /* 20 */
    "    condition: sel",                                                /* 21 */
};
#define N_RULE_LINES (sizeof RULE_LINES / sizeof *RULE_LINES)

/* The rule with line `line` (1-based) replaced; replacing `detection:`
 * drops the selection and condition under it. */
static char *rule_with(unsigned line, const char *replacement) {
    rdx_strbuf b = RDX_STRBUF_INIT;
    for (unsigned i = 1; i <= N_RULE_LINES; i++) {
        if (line == 19 && i > 19) break;
        rdx_strbuf_puts(&b, i == line ? replacement : RULE_LINES[i - 1]);
        rdx_strbuf_putc(&b, '\n');
    }
    return rdx_strbuf_take(&b);
}

TEST(hostile_wrong_type_for_every_field) {
    load_result r;
    char *base = rule_with(0, NULL);
    load_text(base, &r);
    free(base);
    CHECK(r.ok && r.rules == 1 && r.errors == 0 && r.warnings == 0);

    static const struct {
        unsigned line;
        const char *text;
        int fatal;              /* the rule must not load */
    } cases[] = {
        {1, "title: {a: b}", 1},          {1, "title: [[a]]", 1},
        {2, "id: {a: b}", 0},             {3, "name: {a: b}", 0},
        {4, "status: {a: b}", 0},         {4, "status: [[x]]", 0},
        {5, "description: {a: b}", 0},    {6, "license: {a: b}", 0},
        {7, "author: {a: b}", 0},         {7, "author: [{a: b}]", 0},
        {8, "date: {a: b}", 0},           {9, "modified: [[a]]", 0},
        {10, "level: {a: b}", 0},         {10, "level: [[high]]", 0},
        {11, "taxonomy: {a: b}", 0},
        {12, "references: {a: b}", 0},    {12, "references: [[a]]", 0},
        {13, "tags: {a: b}", 0},          {13, "tags: [{a: b}]", 0},
        {14, "falsepositives: {a: b}", 0}, {15, "fields: {a: b}", 0},
        {16, "scope: {a: b}", 0},
        {17, "related: x", 0},            {17, "related: [x]", 0},
        {17, "related: [{type: derived}]", 0}, {17, "related: {id: x}", 0},
        {18, "logsource: [a]", 1},        {18, "logsource: x", 1},
        {18, "logsource: {product: {a: b}}", 0}, {18, "logsource: {category: [[a]]}", 0},
        {19, "detection: [a]", 1},        {19, "detection: x", 1},
        {20, "    sel: [[a]]", 1},        {20, "    sel: {Image: {a: b}}", 1},
        {20, "    sel: {Image: [[a]]}", 1}, {20, "    sel: {Image: [{a: b}]}", 1},
        {20, "    sel: [{Image: [x, [y]]}]", 1},
        {21, "    condition: {a: b}", 1}, {21, "    condition: [[sel]]", 1},
        {21, "    condition: [{a: b}]", 1}, {21, "    condition: 5", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *text = rule_with(cases[i].line, cases[i].text);
        load_text(text, &r);
        free(text);
        rdx_test_checkf(r.ok, __FILE__, __LINE__, "'%s': %s", cases[i].text, r.why);
        if (!r.ok) continue;
        rdx_test_checkf(find_diag(&r, 0, NULL, cases[i].line) != NULL, __FILE__, __LINE__,
                        "'%s': no diagnostic at line %u (%lu errors, %lu warnings)",
                        cases[i].text, cases[i].line, r.errors, r.warnings);
        if (cases[i].fatal)
            rdx_test_checkf(r.rules == 0 && r.errors > 0, __FILE__, __LINE__,
                            "'%s': the rule loaded anyway", cases[i].text);
        rdx_test_checkf(positioned(&r), __FILE__, __LINE__, "'%s': unpositioned diagnostic",
                        cases[i].text);
        if (getenv("RDX_TEST_VERBOSE")) show(cases[i].text, &r);
    }
}

/* ---- 3. semantic errors ------------------------------------------------ */

static const char HEAD[] = "title: t\nlogsource: {product: windows}\ndetection:\n";   /* 3 lines */

TEST(hostile_semantic_errors_at_the_offending_key) {
    static const struct {
        const char *name, *body;   /* detection body, from line 4 */
        const char *category;      /* expected category of an error */
        unsigned line;             /* expected line */
    } cases[] = {
        {"unknown modifier", "    sel: {Image|containz: x}\n    condition: sel\n", "modifier", 4},
        {"conflicting modifiers", "    sel: {Image|contains|startswith: x}\n    condition: sel\n", "modifier", 4},
        {"re with contains", "    sel: {Image|re|contains: x}\n    condition: sel\n", "modifier", 4},
        {"invalid regex", "    sel: {Image|re: '(ab'}\n    condition: sel\n", "regex", 4},
        {"invalid CIDR", "    sel: {Ip|cidr: 999.1.1.1/33}\n    condition: sel\n", "value", 4},
        {"exists without a boolean", "    sel: {Image|exists: maybe}\n    condition: sel\n", "value", 4},
        {"lt without a number", "    sel: {Id|lt: abc}\n    condition: sel\n", "modifier", 4},
        {"i without re", "    sel: {Image|i: x}\n    condition: sel\n", "modifier", 4},
        {"cased with re", "    sel: {Image|re|cased: x}\n    condition: sel\n", "modifier", 4},
        {"keyword with exists", "    sel: {'|exists': true}\n    condition: sel\n", "modifier", 4},
        {"null with a modifier", "    sel: {Image|contains: null}\n    condition: sel\n", "value", 4},
        {"two time parts", "    sel: {Ts|minute|hour: 5}\n    condition: sel\n", "modifier", 4},
        {"too many modifiers",
         "    sel: {Image|contains|contains|contains|contains|contains|contains|contains|contains|"
         "contains|contains|contains|contains|contains|contains|contains|contains|contains: x}\n"
         "    condition: sel\n", "modifier", 4},
        {"contains then base64offset", "    sel: {Image|contains|base64offset: x}\n    condition: sel\n",
         "modifier", 4},
        {"fieldref with an encoding", "    sel: {Image|fieldref|base64: Other}\n    condition: sel\n",
         "modifier", 4},
        {"unknown selection", "    sel: {Image: x}\n    condition: nope\n", "condition", 5},
        {"empty condition", "    sel: {Image: x}\n    condition: ''\n", "condition", 5},
        {"aggregation", "    sel: {Image: x}\n    condition: sel | count() > 5\n", "condition", 5},
        {"unbalanced parenthesis", "    sel: {Image: x}\n    condition: (sel\n", "condition", 5},
        {"extra parenthesis", "    sel: {Image: x}\n    condition: sel)\n", "condition", 5},
        {"pattern matching nothing", "    sel: {Image: x}\n    condition: 1 of nomatch*\n", "condition", 5},
        {"them matching nothing", "    _sel: {Image: x}\n    condition: all of them\n", "condition", 5},
        {"wildcard without quantifier", "    sel: {Image: x}\n    condition: sel*\n", "condition", 5},
        {"bad character", "    sel: {Image: x}\n    condition: sel & sel\n", "condition", 5},
        {"empty condition list", "    sel: {Image: x}\n    condition: []\n", "condition", 5},
        {"no condition", "    sel: {Image: x}\n", "condition", 4},
        {"empty selection map", "    sel: {}\n    condition: sel\n", "detection", 4},
        {"empty selection list", "    sel: []\n    condition: sel\n", "detection", 4},
        {"null selection", "    sel: ~\n    condition: sel\n", "detection", 4},
        {"windash with too many dashes",
         "    sel: {CommandLine|windash: '-a -b -c -d -e -f -g -h -i -j -k -l -m -n -o -p -q -r'}\n"
         "    condition: sel\n", NULL, 4},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        rdx_strbuf b = RDX_STRBUF_INIT;
        rdx_strbuf_puts(&b, HEAD);
        rdx_strbuf_puts(&b, cases[i].body);
        load_result r;
        load_text(b.data, &r);
        rdx_strbuf_free(&b);
        rdx_test_checkf(r.ok, __FILE__, __LINE__, "%s: %s", cases[i].name, r.why);
        if (!r.ok) continue;
        rdx_test_checkf(r.rules == 0, __FILE__, __LINE__, "%s: the rule loaded", cases[i].name);
        rdx_test_checkf(find_diag(&r, 'e', cases[i].category, cases[i].line) != NULL, __FILE__,
                        __LINE__, "%s: no %s error at line %u (first: %u:%u %s: %s)", cases[i].name,
                        cases[i].category ? cases[i].category : "", cases[i].line,
                        r.n_diags ? r.diags[0].line : 0, r.n_diags ? r.diags[0].column : 0,
                        r.n_diags ? r.diags[0].category : "-", r.n_diags ? r.diags[0].message : "-");
        if (getenv("RDX_TEST_VERBOSE")) show(cases[i].name, &r);
    }
}

TEST(hostile_document_level_errors) {
    static const struct {
        const char *name, *text, *category;
        unsigned line;
    } cases[] = {
        {"no title", "logsource: {product: windows}\ndetection: {sel: {a: b}, condition: sel}\n", "metadata", 1},
        {"no logsource", "title: t\ndetection: {sel: {a: b}, condition: sel}\n", "metadata", 1},
        {"no detection", "title: t\nlogsource: {product: windows}\n", "detection", 1},
        {"document is a list", "- a\n- b\n", "yaml", 1},
        {"document is a scalar", "hello\n", "yaml", 1},
        {"repeat first", "action: repeat\ntitle: t\n", "collection", 1},
        {"unknown action", "action: explode\ntitle: t\n", "collection", 1},
        {"filter without condition", "title: f\nlogsource: {product: windows}\nfilter:\n  rules: [x]\n  sel: {a: b}\n",
         "filter", 4},
        {"filter as a scalar", "title: f\nlogsource: {product: windows}\nfilter: x\n", "filter", 3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        load_result r;
        load_text(cases[i].text, &r);
        rdx_test_checkf(r.ok, __FILE__, __LINE__, "%s: %s", cases[i].name, r.why);
        if (!r.ok) continue;
        rdx_test_checkf(r.rules == 0 && r.filters == 0, __FILE__, __LINE__, "%s: loaded", cases[i].name);
        rdx_test_checkf(find_diag(&r, 'e', cases[i].category, cases[i].line) != NULL, __FILE__,
                        __LINE__, "%s: no %s error at line %u", cases[i].name, cases[i].category,
                        cases[i].line);
    }
}

/* ---- 4. sizes ---------------------------------------------------------- */

static const char TAIL[] = "detection:\n    sel: {Image: x}\n    condition: sel\n";
static const char EVENT[] =
    "{\"Image\": \"C:\\\\x\\\\v77.exe\", \"CommandLine\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\", \"Id\": 5}";

typedef struct sized {
    const char *name;
    char *text;
    const char *placeholders;
    int must_load;          /* 1: must load; 0: must be refused with a "limit" error; -1: either */
} sized;

static void check_sized(const sized *s) {
    load_job j = {s->text, strlen(s->text), s->placeholders, EVENT};
    load_result r;
    run_load(&j, &r);
    rdx_test_checkf(r.ok, __FILE__, __LINE__, "%s (%zu bytes): %s", s->name, j.len, r.why);
    if (getenv("RDX_TEST_VERBOSE")) show(s->name, &r);
    if (!r.ok) return;
    if (s->must_load == 1)
        rdx_test_checkf(r.rules >= 1 && r.errors == 0, __FILE__, __LINE__,
                        "%s: expected to load (%lu rules, %lu errors; %s)", s->name, r.rules, r.errors,
                        r.n_diags ? r.diags[0].message : "");
    else if (s->must_load == 0)
        rdx_test_checkf(r.errors > 0 && find_diag(&r, 'e', NULL, 0) && positioned(&r), __FILE__,
                        __LINE__, "%s: expected a positioned error (%lu rules)", s->name, r.rules);
    else
        rdx_test_checkf(r.rules >= 1 || (r.errors > 0 && positioned(&r)), __FILE__, __LINE__,
                        "%s: neither loaded nor reported", s->name);
}

static char *repeat(const char *head, const char *item, size_t n, const char *sep, const char *tail) {
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_strbuf_puts(&b, head);
    for (size_t i = 0; i < n; i++) {
        if (i && sep) rdx_strbuf_puts(&b, sep);
        rdx_strbuf_printf(&b, item, i, i);
    }
    rdx_strbuf_puts(&b, tail);
    return rdx_strbuf_take(&b);
}

TEST(hostile_nesting_limits) {
    sized cases[] = {
        {"100,000 nested flow sequences",
         repeat("title: t\nx: ", "[", 100000, NULL, ""), NULL, 0},
        {"300 nested block maps", NULL, NULL, 0},
        {"10,000 nested parentheses in a condition",
         repeat("title: t\nlogsource: {product: windows}\ndetection:\n    sel: {Image: x}\n    condition: ",
                "(", 10000, NULL, "sel\n"), NULL, 0},
        {"10,000 nots in a condition",
         repeat("title: t\nlogsource: {product: windows}\ndetection:\n    sel: {Image: x}\n    condition: ",
                "not ", 10000, NULL, "sel\n"), NULL, 0},
        {"1,000 nested YAML levels in a value",
         repeat("title: t\nlogsource: {product: windows}\ndetection:\n    sel: {Image: ", "[", 1000, NULL,
                "]}\n    condition: sel\n"), NULL, 0},
    };
    /* 300 nested block maps, two spaces per level */
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_strbuf_puts(&b, "title: t\n");
    for (int i = 0; i < 300; i++) rdx_strbuf_printf(&b, "%*sk%d:\n", 2 * i, "", i);
    rdx_strbuf_printf(&b, "%*sx\n", 600, "");
    cases[1].text = rdx_strbuf_take(&b);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        check_sized(&cases[i]);
        free(cases[i].text);
    }
}

TEST(hostile_big_values_and_lists) {
    /* 8 MiB in one value */
    size_t big = (size_t)8 << 20;
    char *huge = malloc(big + 256);
    CHECK(huge != NULL);
    if (!huge) return;
    size_t n = (size_t)sprintf(huge, "title: t\nlogsource: {product: windows}\ndetection:\n    sel: {Image: '");
    memset(huge + n, 'A', big);
    n += big;
    strcpy(huge + n, "'}\n    condition: sel\n");
    sized cases[] = {
        {"an 8 MiB value", huge, NULL, 1},
        {"100,000 values in one list",
         repeat("title: t\nlogsource: {product: windows}\ndetection:\n    sel:\n        Image|endswith:\n",
                "            - '\\v%zu.exe'\n", 100000, NULL, "    condition: sel\n"), NULL, 1},
        {"100,000 keywords",
         repeat("title: t\nlogsource: {product: windows}\ndetection:\n    kw:\n", "        - 'kw%zu'\n",
                100000, NULL, "    condition: kw\n"), NULL, 1},
        {"100,000 fields in one selection",
         repeat("title: t\nlogsource: {product: windows}\ndetection:\n    sel:\n", "        F%zu: v\n",
                100000, NULL, "    condition: sel\n"), NULL, 1},
        {"500,000 authors",
         repeat("title: t\nlogsource: {product: windows}\nauthor:\n", "    - a\n", 500000, NULL, TAIL),
         NULL, 1},
        {"100,000 tags",
         repeat("title: t\nlogsource: {product: windows}\ntags:\n", "    - attack.t%zu\n", 100000, NULL,
                TAIL), NULL, 1},
        {"10,000 regexes",
         repeat("title: t\nlogsource: {product: windows}\ndetection:\n    sel:\n        CommandLine|re:\n",
                "            - 'a%zu[bc]+d'\n", 10000, NULL, "    condition: sel\n"), NULL, 1},
        {"a 100,000-byte field name", NULL, NULL, 1},
    };
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_strbuf_puts(&b, "title: t\nlogsource: {product: windows}\ndetection:\n    sel: {");
    for (int i = 0; i < 100000; i++) rdx_strbuf_putc(&b, 'F');
    rdx_strbuf_puts(&b, ": x}\n    condition: sel\n");
    cases[7].text = rdx_strbuf_take(&b);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        check_sized(&cases[i]);
        if (cases[i].text != huge) free(cases[i].text);
    }
    free(huge);
}

TEST(hostile_long_conditions_and_many_stages) {
    sized cases[] = {
        {"a condition of 50,000 'or'",
         repeat("title: t\nlogsource: {product: windows}\ndetection:\n    sel: {Image: x}\n    condition: ",
                "sel", 50000, " or ", "\n"), NULL, -1},
        {"a condition of 50,000 'and'",
         repeat("title: t\nlogsource: {product: windows}\ndetection:\n    sel: {Image: x}\n    condition: ",
                "sel", 50000, " and ", "\n"), NULL, -1},
        {"20,000 stages named in the condition", NULL, NULL, -1},
        {"a list of 20,000 conditions", NULL, NULL, -1},
        {"20,000 stages and '1 of them'",
         repeat("title: t\nlogsource: {product: windows}\ndetection:\n", "    s%zu: {Image: x}\n", 20000,
                NULL, "    condition: 1 of them\n"), NULL, 1},
    };
    char *stages = repeat("title: t\nlogsource: {product: windows}\ndetection:\n",
                          "    s%zu: {Image: x}\n", 20000, NULL, "    condition: ");
    char *names = repeat(stages, "s%zu", 20000, " or ", "\n");
    cases[2].text = names;
    char *list = repeat(stages, "\n        - s%zu", 20000, NULL, "\n");
    cases[3].text = list;
    free(stages);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        check_sized(&cases[i]);
        free(cases[i].text);
    }
}

TEST(hostile_many_documents_filters_and_merges) {
    sized cases[] = {
        {"100,000 documents in one file",
         repeat("", "---\ntitle: t%zu\nlogsource: {product: windows}\ndetection: {sel: {Image: x}, condition: sel}\n",
                100000, NULL, ""), NULL, 1},
        {"20,000 filters on one rule",
         repeat("title: r\nname: r\nlogsource: {product: windows}\ndetection: {sel: {a: b}, condition: sel}\n",
                "---\ntitle: f%zu\nlogsource: {product: windows}\nfilter: {rules: [r], s: {a: c}, condition: s}\n",
                20000, NULL, ""), NULL, -1},
        {"a global document and a rule of 100,000 keys each", NULL, NULL, -1},
        {"100,000 repeat documents",
         repeat("title: t\nlogsource: {product: windows}\ndetection: {sel: {a: b}, condition: sel}\n",
                "---\naction: repeat\ntitle: t%zu\n", 100000, NULL, ""), NULL, -1},
    };
    char *global = repeat("action: global\n", "g%zu: v\n", 100000, NULL,
                          "---\ntitle: t\nlogsource: {product: windows}\n"
                          "detection: {sel: {a: b}, condition: sel}\n");
    cases[2].text = repeat(global, "k%zu: v\n", 100000, NULL, "");
    free(global);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        check_sized(&cases[i]);
        free(cases[i].text);
    }
}

TEST(hostile_alias_expansion) {
    /* "Billion laughs": nine levels of ten aliases each stand for 10^9 nodes. */
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_strbuf_puts(&b, "title: t\nlogsource: {product: windows}\n"
                        "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i < 10; i++) {
        rdx_strbuf_printf(&b, "l%d: &l%d [", i, i);
        for (int k = 0; k < 10; k++) rdx_strbuf_printf(&b, "%s*l%d", k ? ", " : "", i - 1);
        rdx_strbuf_puts(&b, "]\n");
    }
    rdx_strbuf_puts(&b, TAIL);
    /* The same trick through maps, in a global document and in the rule,
     * which the collection merge then walks together. */
    rdx_strbuf m = RDX_STRBUF_INIT;
    for (int doc = 0; doc < 2; doc++) {
        rdx_strbuf_puts(&m, doc ? "---\ntitle: t\nlogsource: {product: windows}\n" : "action: global\n");
        rdx_strbuf_puts(&m, "m0: &m0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8}\n");
        for (int i = 1; i < 10; i++)
            rdx_strbuf_printf(&m, "m%d: &m%d {a: *m%d, b: *m%d, c: *m%d, d: *m%d, e: *m%d, f: *m%d, "
                              "g: *m%d, h: *m%d}\n", i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1,
                              i - 1, i - 1);
    }
    rdx_strbuf_puts(&m, TAIL);
    /* One list of 10,000 values, named by 300 selections: 3,000,000 values. */
    char *values = repeat("title: t\nlogsource: {product: windows}\nbig: &big\n", "    - v%zu\n", 10000,
                          NULL, "detection:\n");
    char *stages = repeat(values, "    s%zu: {Image: *big}\n", 300, NULL, "    condition: 1 of them\n");
    free(values);
    sized cases[] = {
        {"billion laughs (sequences)", rdx_strbuf_take(&b), NULL, -1},
        {"billion laughs (maps, merged)", rdx_strbuf_take(&m), NULL, -1},
        {"one 10,000-value list aliased by 300 selections", stages, NULL, -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        check_sized(&cases[i]);
        free(cases[i].text);
    }
}

TEST(hostile_placeholder_expansion) {
    char *table = repeat("p: [", "v%zu", 100, ", ", "]\n");
    sized cases[] = {
        {"four placeholders of 100 values each (10^8 variants)",
         strdup("title: t\nlogsource: {product: windows}\ndetection:\n"
                "    sel: {Image|expand: '%p%-%p%-%p%-%p%'}\n    condition: sel\n"),
         table, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        check_sized(&cases[i]);
        free(cases[i].text);
    }
    free(table);
}

/* ---- 5. regex cost ----------------------------------------------------- */

TEST(hostile_regex_backtracking_hits_the_limits) {
    static const char *const regexes[] = {
        "^(a+)+$", "^(a|aa)+$", "^(a|a?)+$", "^(.*a){12}$", "^(\\w+\\s?)*$", "^(([a-z])+.)+[A-Z]([a-z])+$",
    };
    for (size_t i = 0; i < sizeof regexes / sizeof *regexes; i++) {
        rdx_strbuf b = RDX_STRBUF_INIT;
        rdx_strbuf_printf(&b, "title: t\nlogsource: {product: windows}\ndetection:\n"
                              "    sel:\n        CommandLine|re: '%s'\n    condition: sel\n", regexes[i]);
        load_job j = {b.data, b.len, NULL, EVENT};
        load_result r;
        run_load(&j, &r);
        rdx_test_checkf(r.ok, __FILE__, __LINE__, "%s: %s", regexes[i], r.why);
        if (r.ok) {
            rdx_test_checkf(r.rules == 1, __FILE__, __LINE__, "%s: did not load", regexes[i]);
            /* the match is cut off at PCRE2's limits: counted, or answered
             * by the regex's vectorscan twin (relinear.h), never a match */
            rdx_test_checkf(r.matched == 0 && r.regex_hits + r.regex_linear == 1, __FILE__, __LINE__,
                            "%s: expected one cut-off match, counted or answered by vectorscan "
                            "(matched %lu, hits %lu, vectorscan %lu)",
                            regexes[i], r.matched, r.regex_hits, r.regex_linear);
            rdx_test_checkf(r.seconds < 5, __FILE__, __LINE__, "%s: %.1f s", regexes[i], r.seconds);
        }
        rdx_strbuf_free(&b);
    }
}

/* An event of 64 values against 8 catastrophic regexes: a match cut off
 * by PCRE2's limits (a few milliseconds) has the regex adopted by
 * vectorscan (relinear.h), which answers that value and the rest correctly
 * in linear time; a regex vectorscan cannot take (here \d{0}) keeps
 * running into the limits, each time counted.  So the whole evaluation
 * stays bounded, every value is answered one way or the other, and no
 * answer is a match. */
TEST(hostile_regex_many_values_stay_bounded) {
    rdx_strbuf ev = RDX_STRBUF_INIT;
    rdx_strbuf_puts(&ev, "{\"CommandLine\": [");
    for (int i = 0; i < 64; i++)
        rdx_strbuf_printf(&ev, "%s\"%.*s!\"", i ? ", " : "", 30 + i % 10,
                          "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    rdx_strbuf_puts(&ev, "]}");
    char *rule = repeat("title: t\nlogsource: {product: windows}\ndetection:\n    sel:\n        CommandLine|re:\n",
                        "            - '^(a+)+\\d{%zu}$'\n", 8, NULL, "    condition: sel\n");
    load_job j = {rule, strlen(rule), NULL, ev.data};
    load_result r;
    run_load(&j, &r);
    rdx_test_checkf(r.ok, __FILE__, __LINE__, "%s", r.why);
    rdx_test_checkf(r.ok && r.rules == 1 && r.matched == 0 &&
                        r.regex_hits + r.regex_linear == 64 * 8 && r.regex_linear >= 64 * 7,
                    __FILE__, __LINE__,
                    "expected %d answers, each a limit hit or vectorscan's, counted %lu and %lu",
                    64 * 8, r.regex_hits, r.regex_linear);
    if (getenv("RDX_TEST_VERBOSE"))
        fprintf(stderr, "    %lu regex limit hits, %lu answered by vectorscan, in %.2f s\n",
                r.regex_hits, r.regex_linear, r.seconds);
    free(rule);
    rdx_strbuf_free(&ev);
}

/* docs/LIMITS.md promises that a rule whose regex backtracks
 * catastrophically is reported when it is loaded, not first met on an
 * event: a warning (category "regex") at the value. */
TEST(hostile_regex_pathological_is_reported_at_load) {
    load_result r;
    load_text("title: t\nlogsource: {product: windows}\ndetection:\n"
              "    sel:\n        CommandLine|re: '^(a+)+$'\n    condition: sel\n", &r);
    CHECK(r.ok);
    rdx_test_checkf(r.ok && find_diag(&r, 'w', "regex", 5) != NULL, __FILE__, __LINE__,
                    "no load-time warning for '^(a+)+$' at line 5");
    load_text("title: t\nlogsource: {product: windows}\ndetection:\n"
              "    sel:\n        CommandLine|re: '^a+b$'\n    condition: sel\n", &r);
    CHECK(r.ok && r.rules == 1 && r.warnings == 0);
}

/* ---- limits an event must not use to hide ------------------------------ */

/* An attacker who controls an event must not be able to push a value out
 * of the rules' sight: the 300th value of a multi-valued field, or a field
 * nested deeper than the leaf index goes (the JSON reader accepts 512
 * levels), is either matched or counted — and there is no counter, so it
 * must be matched. */
TEST(hostile_event_cannot_hide_a_value_behind_a_limit) {
    static const char rule[] = "title: t\nlogsource: {product: windows}\ndetection:\n"
                               "    sel: {CommandLine|contains: mimikatz}\n    condition: sel\n";
    rdx_strbuf ev = RDX_STRBUF_INIT;
    rdx_strbuf_puts(&ev, "{\"CommandLine\": [");
    for (int i = 0; i < 300; i++) rdx_strbuf_puts(&ev, "\"benign\", ");
    rdx_strbuf_puts(&ev, "\"mimikatz.exe\"]}");
    load_job j = {rule, sizeof rule - 1, NULL, ev.data};
    load_result r;
    run_load(&j, &r);
    rdx_test_checkf(r.ok && r.matched == 1, __FILE__, __LINE__,
                    "the 301st value of a field is not seen (matched %lu)", r.matched);
    rdx_strbuf_clear(&ev);
    for (int i = 0; i < 100; i++) rdx_strbuf_puts(&ev, "{\"a\": ");
    rdx_strbuf_puts(&ev, "{\"CommandLine\": \"mimikatz.exe\"}");
    for (int i = 0; i < 100; i++) rdx_strbuf_putc(&ev, '}');
    j.event = ev.data;
    run_load(&j, &r);
    rdx_test_checkf(r.ok && r.matched == 1, __FILE__, __LINE__,
                    "a field nested 101 levels deep is not seen (matched %lu)", r.matched);
    rdx_strbuf_free(&ev);
}

/* ---- 6. readers and the hunt summary ----------------------------------- */

/* A fresh scratch directory under $TMPDIR (buf holds its path; empty on
 * failure).  Each test removes its own. */
static const char *scratch_dir(char *buf, size_t size) {
    const char *t = getenv("TMPDIR");
    snprintf(buf, size, "%s/rdx-hostile-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(buf)) buf[0] = 0;
    return buf;
}

static void remove_tree(const char *dir) {
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "    could not remove %s\n", dir);
}

static int write_file(const char *path, const void *data, size_t len) {
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t w = fwrite(data, 1, len, f);
    return fclose(f) == 0 && w == len ? 0 : -1;
}

/* A small deterministic generator (xorshift64*), so failures reproduce. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rng(void) {
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}

/* Read a file to the end through the reader interface, in a child: it
 * must end, and every unreadable event must come with an error.  Reports
 * "events E errors X calls C diags D". */
typedef struct read_job {
    const char *path;
    size_t size;
} read_job;

static int read_child(void *arg, char *out, size_t size) {
    const read_job *j = arg;
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_reader *rd = rdx_reader_open(j->path, RDX_FMT_AUTO, &d);
    if (!rd) {
        snprintf(out, size, "open-failed diags %zu", d.count);
        int ok = d.errors > 0;
        rdx_diags_free(&d);
        return ok ? 0 : 1;
    }
    rdx_arena *a = rdx_arena_new(0);
    rdx_event ev;
    unsigned long events = 0, errors = 0, calls = 0;
    int rc, bad = 0;
    size_t before = d.errors;
    while ((rc = rdx_reader_next(rd, a, &ev, &d)) != 0) {
        if (++calls > 2 * j->size + 64) {
            bad = 2;   /* does not end */
            break;
        }
        if (rc > 0) {
            events++;
            rdx_strbuf b = RDX_STRBUF_INIT;
            rdx_json_write(&b, ev.root, 0);
            rdx_strbuf_free(&b);
        } else {
            errors++;
            if (d.errors == before) bad = 3;   /* an unreadable event says why */
        }
        before = d.errors;
        rdx_arena_reset(a);
    }
    snprintf(out, size, "events %lu errors %lu calls %lu diags %zu%s", events, errors, calls, d.count,
             bad == 2 ? " (does not end)" : bad == 3 ? " (an unreadable event without an error diagnostic)" : "");
    rdx_arena_free(a);
    rdx_reader_close(rd);
    rdx_diags_free(&d);
    return bad;
}

static int read_in_sandbox(const char *path, size_t size, char *why, size_t why_size) {
    read_job j = {path, size};
    rdx_sandbox sb = {time_limit(), MEMORY_MB, 1};
    char out[256];
    int rc = rdx_sandbox_run(&sb, read_child, &j, out, sizeof out, why, why_size, NULL);
    if (rc != 0 && !why[0]) snprintf(why, why_size, "%s", out);
    return rc;
}

/* Run `ruledex hunt` on path; check the summary adds up: read = evaluated
 * + unreadable, the reasons in parentheses count the unreadable events,
 * and the exit status has the input-error bit when anything was
 * unreadable.  Returns 0 when it does, and fills why otherwise. */
static const char *cli_path(void) {
    static char path[512];
    const char *b = getenv("RDX_BUILD");
    snprintf(path, sizeof path, "%s/ruledex", b && *b ? b : "build");
    return path;
}

static int hunt_adds_up(const char *path, char *why, size_t why_size) {
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "RDX_NO_PROGRESS=1 NO_COLOR=1 '%s' hunt -r examples/rules '%s' 2>&1 >/dev/null",
             cli_path(), path);
    FILE *p = popen(cmd, "r");
    if (!p) {
        snprintf(why, why_size, "cannot run %s", cli_path());
        return -1;
    }
    char line[4096];
    int found = 0;
    unsigned long long rd = 0, ev = 0, un = 0, reasons = 0;
    while (fgets(line, sizeof line, p)) {
        if (strncmp(line, "events: ", 8) != 0) continue;
        char clean[4096];
        size_t k = 0;
        for (const char *s = line; *s && k + 1 < sizeof clean; s++)
            if (*s != ',') clean[k++] = *s;
        clean[k] = 0;
        found = sscanf(clean, "events: %llu read %llu evaluated %llu unreadable", &rd, &ev, &un) == 3;
        /* "(json: 3 evtx: 1)": the reasons, by category */
        const char *r = strchr(clean, '(');
        while (r && (r = strchr(r, ':')) != NULL) reasons += strtoull(++r, NULL, 10);
    }
    int st = pclose(p);
    int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    if (!found) {
        snprintf(why, why_size, "%s: no 'events:' summary line (exit %d)", path, code);
        return -1;
    }
    if (rd != ev + un) {
        snprintf(why, why_size, "%s: %llu read != %llu evaluated + %llu unreadable", path, rd, ev, un);
        return -1;
    }
    if (code != 0 && code != 1 && code != 4 && code != 5) {
        snprintf(why, why_size, "%s: exit status %d", path, code);
        return -1;
    }
    if (reasons != un) {
        snprintf(why, why_size, "%s: %llu unreadable events, but the reasons count %llu", path, un, reasons);
        return -1;
    }
    if (un > 0 && !(code & 4)) {
        snprintf(why, why_size, "%s: %llu unreadable events but exit status %d (no input-error bit)", path, un, code);
        return -1;
    }
    return 0;
}

typedef struct damage_stats {
    unsigned files, reader_ok, cli_checked, cli_ok;
} damage_stats;

/* One damaged file: the reader in a sandbox, and (every cli_every-th file)
 * the CLI's accounting. */
static void try_damaged(const char *path, size_t size, const char *what, damage_stats *s, int cli) {
    char why[600];
    s->files++;
    int ok = read_in_sandbox(path, size, why, sizeof why) == 0;
    s->reader_ok += (unsigned)ok;
    rdx_test_checkf(ok, __FILE__, __LINE__, "%s: %s", what, why);
    if (cli && access(cli_path(), X_OK) == 0) {
        s->cli_checked++;
        ok = hunt_adds_up(path, why, sizeof why) == 0;
        s->cli_ok += (unsigned)ok;
        rdx_test_checkf(ok, __FILE__, __LINE__, "%s: %s", what, why);
    }
}

/* Truncations, bit flips, zero length and random bytes of one sample. */
static void damage_sample(const char *dir, const char *tag, const unsigned char *data, size_t len,
                          const char *ext, damage_stats *s) {
    char path[512], what[600];
    unsigned char *copy = malloc(len + 1);
    if (!copy) return;
    snprintf(path, sizeof path, "%s/%s-zero.%s", dir, tag, ext);
    write_file(path, "", 0);
    try_damaged(path, 0, "zero-length file", s, 1);
    for (int k = 1; k <= 24; k++) {   /* truncated */
        size_t cut = len * (size_t)k / 25 + (size_t)(rng() % 7);
        if (cut >= len) cut = len - 1;
        snprintf(path, sizeof path, "%s/%s-cut%d.%s", dir, tag, k, ext);
        write_file(path, data, cut);
        snprintf(what, sizeof what, "%s cut at %zu of %zu bytes", tag, cut, len);
        try_damaged(path, cut, what, s, k % 4 == 0);
    }
    for (int k = 0; k < 60; k++) {    /* bit-flipped: 1 to 8 bits */
        memcpy(copy, data, len);
        int flips = 1 + (int)(rng() % 8);
        size_t first = 0;
        for (int f = 0; f < flips; f++) {
            size_t at = (size_t)(rng() % len);
            if (!f) first = at;
            copy[at] ^= (unsigned char)(1u << (rng() % 8));
        }
        snprintf(path, sizeof path, "%s/%s-flip%d.%s", dir, tag, k, ext);
        write_file(path, copy, len);
        snprintf(what, sizeof what, "%s with %d bits flipped from offset %zu (seed state %llx)", tag, flips,
                 first, (unsigned long long)rng_state);
        try_damaged(path, len, what, s, k % 6 == 0);
    }
    for (int k = 0; k < 4; k++) {     /* random, keeping the format's first bytes */
        size_t n = 4096 + (size_t)(rng() % 65536);
        unsigned char *r = malloc(n);
        if (!r) break;
        for (size_t i = 0; i < n; i++) r[i] = (unsigned char)rng();
        memcpy(r, data, len < 8 ? len : 8);
        snprintf(path, sizeof path, "%s/%s-random%d.%s", dir, tag, k, ext);
        write_file(path, r, n);
        snprintf(what, sizeof what, "%s: %zu random bytes", tag, n);
        try_damaged(path, n, what, s, 1);
        free(r);
    }
    free(copy);
}

TEST(hostile_json_files_damaged) {
    char dirbuf[256];
    const char *dir = scratch_dir(dirbuf, sizeof dirbuf);
    CHECK(dir[0] != 0);
    if (!dir[0]) return;
    damage_stats s = {0};
    static const char *const samples[] = {"examples/events/sysmon.jsonl", "examples/events/winlogbeat.jsonl",
                                          "tests/data/json/pretty.json", "tests/data/json/array.json"};
    for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
        size_t len;
        char *data = rdx_test_read_file(samples[i], &len);
        if (!data || len == 0) {
            free(data);
            continue;
        }
        char tag[32];
        snprintf(tag, sizeof tag, "json%zu", i);
        damage_sample(dir, tag, (const unsigned char *)data, len, "jsonl", &s);
        free(data);
    }
    CHECK(s.files > 100);
    remove_tree(dir);
    if (getenv("RDX_TEST_VERBOSE"))
        fprintf(stderr, "    json: %u damaged files, %u read cleanly, %u summaries checked, %u add up\n",
                s.files, s.reader_ok, s.cli_checked, s.cli_ok);
}

/* An event over the size limit, between two good ones: one unreadable
 * event, and the one after it is not lost. */
TEST(hostile_json_huge_event_between_good_ones) {
    char dirbuf[256];
    const char *dir = scratch_dir(dirbuf, sizeof dirbuf);
    if (!dir[0]) SKIP("no scratch directory");
    char path[512];
    snprintf(path, sizeof path, "%s/huge.jsonl", dir);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (!f) return;
    fputs("{\"Image\": \"a.exe\"}\n{\"Image\": \"", f);
    static char block[1 << 16];
    memset(block, 'x', sizeof block);
    for (int i = 0; i < 1100; i++) fwrite(block, 1, sizeof block, f);   /* 68.75 MiB */
    fputs("\"}\n{\"Image\": \"b.exe\"}\n", f);
    fclose(f);
    char why[600];
    CHECK(read_in_sandbox(path, (size_t)1100 << 16, why, sizeof why) == 0);
    if (access(cli_path(), X_OK) != 0) {
        remove_tree(dir);
        return;
    }
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "RDX_NO_PROGRESS=1 '%s' hunt -r examples/rules '%s' 2>&1 >/dev/null | grep '^events:'",
             cli_path(), path);
    FILE *p = popen(cmd, "r");
    char line[256] = "";
    if (p) {
        if (!fgets(line, sizeof line, p)) line[0] = 0;
        pclose(p);
    }
    CHECK_STR(line, "events: 3 read, 2 evaluated, 1 unreadable (json: 1)\n");
    remove_tree(dir);
}

/* The first EVTX file of the corpus small enough to damage many times. */
static char *evtx_sample(size_t *len) {
    const char *corpus = rdx_test_corpus();
    if (!corpus) return NULL;
    static const char *const names[] = {
        "evtx-damaged/Application_no_crc32.evtx", "evtx-damaged/MSExchange_Management_wec.evtx",
        "evtx-damaged/issue_201.evtx",
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", corpus, names[i]);
        char *data = rdx_test_read_file(path, len);
        if (data) return data;
    }
    return NULL;
}

TEST(hostile_evtx_files_damaged) {
    size_t len;
    char *data = evtx_sample(&len);
    if (!data) SKIP("no EVTX sample (../shared/corpus/evtx-damaged)");
    char dirbuf[256];
    const char *dir = scratch_dir(dirbuf, sizeof dirbuf);
    CHECK(dir[0] != 0);
    damage_stats s = {0};
    damage_sample(dir, "evtx", (const unsigned char *)data, len, "evtx", &s);
    /* Huge: the sample's header in front of 1 GiB of nothing (sparse). */
    char path[512];
    snprintf(path, sizeof path, "%s/huge.evtx", dir);
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
    CHECK(fd >= 0);
    if (fd >= 0) {
        int ok = write(fd, data, len < 4096 ? len : 4096) > 0 && ftruncate(fd, (off_t)1 << 30) == 0;
        close(fd);
        CHECK(ok);
        if (ok) try_damaged(path, (size_t)1 << 30, "1 GiB EVTX of empty chunks", &s, 1);
        unlink(path);
    }
    free(data);
    remove_tree(dir);
    CHECK(s.files > 80);
    if (getenv("RDX_TEST_VERBOSE"))
        fprintf(stderr, "    evtx: %u damaged files, %u read cleanly, %u summaries checked, %u add up\n",
                s.files, s.reader_ok, s.cli_checked, s.cli_ok);
}

/* Files that cannot be opened are named, counted, and set the input-error
 * bit; --output is written whole or not at all. */
TEST(hostile_hunt_names_unreadable_files_and_writes_output_atomically) {
    if (access(cli_path(), X_OK) != 0) SKIP("ruledex binary not built");
    char dirbuf[256];
    const char *dir = scratch_dir(dirbuf, sizeof dirbuf);
    CHECK(dir[0] != 0);
    char cmd[2048], line[4096];
    snprintf(cmd, sizeof cmd,
             "RDX_NO_PROGRESS=1 NO_COLOR=1 '%s' hunt -r examples/rules -o '%s/out.jsonl' -f jsonl "
             "examples/events/sysmon.jsonl '%s/does-not-exist.jsonl' 2>&1; echo \"exit $?\"",
             cli_path(), dir, dir);
    FILE *p = popen(cmd, "r");
    CHECK(p != NULL);
    if (!p) return;
    int named = 0, files = 0, code = -1;
    while (fgets(line, sizeof line, p)) {
        if (strstr(line, "does-not-exist.jsonl")) named = 1;
        if (!strncmp(line, "files: 1 read, 1 could not be read", 34)) files = 1;
        sscanf(line, "exit %d", &code);
    }
    pclose(p);
    CHECK(named);
    CHECK(files);
    CHECK_INT(code, 5);   /* detections (1) and an input error (4) */
    char out[512];
    snprintf(out, sizeof out, "%s/out.jsonl", dir);
    size_t len = 0;
    char *text = rdx_test_read_file(out, &len);
    CHECK(text != NULL && len > 0 && text[len - 1] == '\n');
    free(text);
    /* No temporary file is left beside the output. */
    snprintf(cmd, sizeof cmd, "ls '%s' | grep -c '\\.tmp\\.'", dir);
    p = popen(cmd, "r");
    int tmps = -1;
    if (p) {
        if (fscanf(p, "%d", &tmps) != 1) tmps = -1;
        pclose(p);
    }
    CHECK_INT(tmps, 0);
    remove_tree(dir);
}
