/*
 * test_search.c — the search module (search.h): criteria made into a
 * Sigma rule (literal keywords, the regex, expressions with every
 * modifier the Sigma front-end knows), refused criteria with messages that
 * point into them, the account of every event, the outputs, and the fast
 * path (keywords without the leaf index) judged against the compiled
 * matcher on the same rule over every EVTX sample.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ruledex/ruledex.h"

/* The events, one JSON object per line. */
static const char *EVENTS =
    "{\"Image\": \"C:\\\\Tools\\\\MIMIKATZ.exe\", \"CommandLine\": \"mimikatz.exe privilege::debug\", "
    "\"EventID\": 1, \"UtcTime\": \"2024-05-01 10:00:00\"}\n"
    "{\"Image\": \"C:\\\\Windows\\\\notepad.exe\", \"CommandLine\": \"notepad a*b.txt\", \"EventID\": 1, "
    "\"UtcTime\": \"2024-05-01 11:00:00\"}\n"
    "{\"mimikatz\": \"field name only\", \"EventID\": 4624, \"UtcTime\": \"2024-05-01 12:00:00\"}\n"
    "{\"Message\": \"axxb and C:\\\\temp\\\\x?.dll\", \"DestinationIp\": \"10.1.2.3\"}\n";

typedef struct result {
    rdx_search_account acct;
    rdx_strbuf out;
    int built;
} result;

/* Run a search over EVENTS (or text); output to a JSON Lines sink. */
static result run_on(const rdx_search_options *o, const char *text, rdx_diags *d) {
    result r;
    memset(&r, 0, sizeof r);
    rdx_search *s = rdx_search_new(o, NULL, d);
    if (!s) return r;
    r.built = 1;
    rdx_searcher *u = rdx_searcher_new(s);
    rdx_sink *k = rdx_search_sink_jsonl_new(rdx_write_strbuf, &r.out);
    rdx_diags in;
    rdx_diags_init(&in);
    rdx_source *src = rdx_source_open_buffer(text, strlen(text), NULL, &in);
    rdx_searcher_run(u, src, k, &in);
    rdx_source_close(src);
    rdx_sink_end(k);
    rdx_sink_free(k);
    r.acct = *rdx_searcher_account(u);
    rdx_searcher_free(u);
    rdx_search_free(s);
    rdx_diags_free(&in);
    return r;
}

static uint64_t found(const rdx_search_options *o) {
    rdx_diags d;
    rdx_diags_init(&d);
    result r = run_on(o, EVENTS, &d);
    for (size_t i = 0; i < d.count; i++)
        fprintf(stderr, "    diag: %s:%u:%u: %s\n", d.items[i].file ? d.items[i].file : "",
                d.items[i].line, d.items[i].column, d.items[i].message);
    rdx_diags_free(&d);
    rdx_strbuf_free(&r.out);
    return r.built ? r.acct.found : (uint64_t)-1;
}

static uint64_t keywords(int any, const char *a, const char *b) {
    const char *kw[2] = {a, b};
    rdx_search_options o = RDX_SEARCH_OPTIONS_INIT;
    o.keywords = kw;
    o.n_keywords = b ? 2 : 1;
    o.any = any;
    return found(&o);
}

TEST(search_keywords_are_literal_case_insensitive_values) {
    CHECK_INT(keywords(0, "mimikatz", NULL), 1);        /* not the field name of event 3 */
    CHECK_INT(keywords(0, "MimiKatz.EXE", NULL), 1);
    CHECK_INT(keywords(0, "a*b", NULL), 1);             /* the star is literal: not axxb */
    CHECK_INT(keywords(0, "x?.dll", NULL), 1);
    CHECK_INT(keywords(0, "C:\\temp\\x", NULL), 1);     /* backslashes are literal */
    CHECK_INT(keywords(0, "4624", NULL), 1);            /* numbers are searched as text */
    CHECK_INT(keywords(0, "\"", NULL), 0);              /* a quote cannot break the rule */
}

TEST(search_keywords_all_and_any) {
    CHECK_INT(keywords(0, "mimikatz", "notepad"), 0);   /* all: the default */
    CHECK_INT(keywords(1, "mimikatz", "notepad"), 2);
    CHECK_INT(keywords(0, "mimikatz", "privilege::"), 1);
}

static uint64_t regex(const char *re, int icase) {
    rdx_search_options o = RDX_SEARCH_OPTIONS_INIT;
    o.regex = re;
    o.regex_icase = icase;
    return found(&o);
}

TEST(search_regex_is_pcre2_per_value) {
    CHECK_INT(regex("^C:\\\\Tools\\\\", 0), 1);
    CHECK_INT(regex("mimikatz\\.exe$", 0), 0);         /* case-sensitive: MIMIKATZ.exe */
    CHECK_INT(regex("mimikatz\\.exe$", 1), 1);
    CHECK_INT(regex("^\\d+\\.\\d+\\.\\d+\\.\\d+$", 0), 1);
    CHECK_INT(regex("\"", 0), 0);
}

static uint64_t exprs(const char *a, const char *b, const char *logsource) {
    const char *e[2] = {a, b};
    rdx_search_options o = RDX_SEARCH_OPTIONS_INIT;
    o.exprs = e;
    o.n_exprs = b ? 2 : 1;
    o.logsource = logsource;
    return found(&o);
}

TEST(search_expressions_take_every_sigma_modifier) {
    CHECK_INT(exprs("Image|endswith: \\mimikatz.exe", NULL, NULL), 1);
    CHECK_INT(exprs("Image|endswith|cased: \\mimikatz.exe", NULL, NULL), 0);
    CHECK_INT(exprs("CommandLine|contains|all: [mimikatz, 'privilege::']", NULL, NULL), 1);
    CHECK_INT(exprs("CommandLine|contains: '*b.txt'", NULL, NULL), 1);   /* Sigma wildcards */
    CHECK_INT(exprs("DestinationIp|cidr: 10.0.0.0/8", NULL, NULL), 1);
    CHECK_INT(exprs("EventID: [1, 4624]", NULL, NULL), 3);
    CHECK_INT(exprs("EventID: 1", "Image|re: 'notepad\\.exe$'", NULL), 1);   /* ANDed */
    CHECK_INT(exprs("Image|exists: false", NULL, NULL), 2);
    CHECK_INT(exprs("EventID|gte: 4000", NULL, NULL), 1);
}

TEST(search_combines_keywords_regex_and_expressions) {
    const char *kw[] = {"notepad"};
    const char *e[] = {"EventID: 1"};
    rdx_search_options o = RDX_SEARCH_OPTIONS_INIT;
    o.keywords = kw;
    o.n_keywords = 1;
    o.exprs = e;
    o.n_exprs = 1;
    o.regex = "\\.txt$";
    CHECK_INT(found(&o), 1);
    o.regex = "\\.exe$";
    CHECK_INT(found(&o), 1);
    o.regex = "^nothing$";
    CHECK_INT(found(&o), 0);
}

/* The first error of building the search, or NULL when it builds. */
static char *build_error(const rdx_search_options *o) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_search *s = rdx_search_new(o, NULL, &d);
    char *msg = NULL;
    for (size_t i = 0; i < d.count && !msg; i++) {
        if (d.items[i].severity != RDX_SEV_ERROR) continue;
        char buf[1024];
        rdx_diag_format(&d.items[i], buf, sizeof buf);
        msg = strdup(buf);
    }
    CHECK(!s == !!msg);
    rdx_search_free(s);
    rdx_diags_free(&d);
    return msg;
}

static int expr_error_has(const char *expr, const char *needle) {
    const char *e[] = {expr};
    rdx_search_options o = RDX_SEARCH_OPTIONS_INIT;
    o.exprs = e;
    o.n_exprs = 1;
    char *msg = build_error(&o);
    int ok = msg && strstr(msg, needle);
    if (!ok) fprintf(stderr, "    got: %s\n", msg ? msg : "(builds)");
    free(msg);
    return ok;
}

TEST(search_refuses_bad_expressions_pointing_into_them) {
    CHECK(expr_error_has("Image|containz: x", "expression 'Image|containz: x':1:"));
    CHECK(expr_error_has("Image|containz: x", "containz"));
    CHECK(expr_error_has("Image", "a colon and a space"));
    CHECK(expr_error_has("Image: [a, b", "expression 'Image: [a, b'"));
    CHECK(expr_error_has("Image|re: '(unclosed'", "invalid regular expression"));
    CHECK(expr_error_has("DestinationIp|cidr: 10.0.0.0/99", "expression 'DestinationIp|cidr"));
    /* one line only: nothing can be added beside the expression's stage */
    CHECK(expr_error_has("Image: x\n  condition: 1 of them", "control character \\x0a"));
    CHECK(expr_error_has("Image: x\r", "control character \\x0d"));
}

TEST(search_refuses_hostile_regexes_and_logsources) {
    rdx_search_options o = RDX_SEARCH_OPTIONS_INIT;
    size_t n = RDX_SEARCH_TEXT_MAX + 1;
    char *huge = malloc(n + 1);
    memset(huge, 'a', n);
    huge[n] = 0;
    o.regex = huge;
    char *msg = build_error(&o);
    CHECK(msg && strstr(msg, "aaa…': error: longer than 65536 bytes (65537): refused"));
    free(msg);
    memset(huge, '(', 40000);   /* under the bound, but PCRE2 refuses it */
    huge[40000] = 0;
    msg = build_error(&o);
    CHECK(msg && strstr(msg, "invalid regular expression"));
    free(msg);
    free(huge);
    rdx_search_options l = RDX_SEARCH_OPTIONS_INIT;
    l.logsource = "product=windows,category=a b";
    msg = build_error(&l);
    CHECK(msg && strstr(msg, "logsource 'product=windows,category=a b':1:27: error: a logsource name has only letters"));
    free(msg);
    l.logsource = "produkt=windows";
    msg = build_error(&l);
    CHECK(msg && strstr(msg, "expected product=NAME"));
    free(msg);
}

/* A regex that backtracks catastrophically: its first cut-off match has it
 * answered by vectorscan (relinear.h), correctly; one vectorscan cannot
 * take (a back-reference) is cut off at PCRE2's limits, and counted. */
static void catastrophic(const char *re, int want_cut) {
    rdx_search_options o = RDX_SEARCH_OPTIONS_INIT;
    o.regex = re;
    rdx_strbuf ev = RDX_STRBUF_INIT;
    rdx_strbuf_puts(&ev, "{\"v\": \"");
    for (int i = 0; i < 40; i++) rdx_strbuf_putc(&ev, 'a');
    rdx_strbuf_puts(&ev, "b\"}\n{\"v\": \"aaa\"}\n");
    rdx_diags d;
    rdx_diags_init(&d);
    result r = run_on(&o, ev.data, &d);
    CHECK(r.built);
    CHECK_INT(r.acct.found, 1);
    CHECK_INT(r.acct.regex_limit_hits >= 1, want_cut);
    rdx_strbuf_free(&ev);
    rdx_strbuf_free(&r.out);
    rdx_diags_free(&d);
}

TEST(search_catastrophic_regex_is_abandoned_and_counted) {
    catastrophic("^(a+)+$", 0);
    catastrophic("^(a+)+(a*)\\2$", 1);
}

TEST(search_accounts_for_every_event_and_the_time_range) {
    const char *kw[] = {"i"};
    rdx_search_options o = RDX_SEARCH_OPTIONS_INIT;
    o.keywords = kw;
    o.n_keywords = 1;
    CHECK(rdx_time_parse("2024-05-01T10:30:00Z", 20, &o.from));
    CHECK(rdx_time_parse("2024-05-01T12:00:00Z", 20, &o.to));
    o.has_from = o.has_to = 1;
    rdx_diags d;
    rdx_diags_init(&d);
    char *text = malloc(strlen(EVENTS) + 32);
    strcpy(text, EVENTS);
    strcat(text, "{\"broken\": \n");
    result r = run_on(&o, text, &d);
    free(text);
    CHECK_INT(r.acct.read, 5);
    CHECK_INT(r.acct.unreadable, 1);
    CHECK_INT(r.acct.outside_time, 3);   /* 10:00, 12:00 (to is exclusive), no time */
    CHECK_INT(r.acct.searched, 1);
    CHECK_INT(r.acct.read, r.acct.searched + r.acct.unreadable + r.acct.outside_time);
    CHECK_INT(r.acct.found, 1);
    CHECK(strstr(r.out.data ? r.out.data : "", "notepad a*b.txt") != NULL);
    rdx_strbuf_free(&r.out);
    rdx_diags_free(&d);
}

TEST(search_without_criteria_finds_every_event_and_says_its_rule) {
    rdx_search_options o = RDX_SEARCH_OPTIONS_INIT;
    CHECK_INT(found(&o), 4);
    const char *kw[] = {"a\"b*"};
    o.keywords = kw;
    o.n_keywords = 1;
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_search *s = rdx_search_new(&o, NULL, &d);
    CHECK(s && rdx_search_is_fast(s));
    CHECK(s && strstr(rdx_search_rule_text(s), "    - \"a\\\"b\\\\*\"\n"));
    rdx_search_free(s);
    rdx_diags_free(&d);
}

/* Does any diagnostic's message contain needle? */
static int th_find_diag_text(const rdx_diags *d, const char *needle) {
    for (size_t i = 0; i < d->count; i++)
        if (strstr(d->items[i].message, needle)) return 1;
    return 0;
}

/* ---- output ------------------------------------------------------------------ */

static char *output_of(rdx_sink *(*make)(rdx_strbuf *), const char *jsonl) {
    rdx_strbuf out = RDX_STRBUF_INIT;
    rdx_search_options o = RDX_SEARCH_OPTIONS_INIT;
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_search *s = rdx_search_new(&o, NULL, &d);
    rdx_searcher *u = rdx_searcher_new(s);
    rdx_sink *k = make(&out);
    rdx_source *src = rdx_source_open_buffer(jsonl, strlen(jsonl), NULL, &d);
    rdx_searcher_run(u, src, k, &d);
    rdx_source_close(src);
    rdx_sink_end(k);
    rdx_sink_free(k);
    rdx_searcher_free(u);
    rdx_search_free(s);
    rdx_diags_free(&d);
    return out.data ? rdx_strbuf_take(&out) : strdup("");
}

static rdx_sink *mk_table(rdx_strbuf *b) { return rdx_search_sink_table_new(NULL, rdx_write_strbuf, b); }
static rdx_sink *mk_csv(rdx_strbuf *b) { return rdx_search_sink_csv_new(1, rdx_write_strbuf, b); }
static rdx_sink *mk_jsonl(rdx_strbuf *b) { return rdx_search_sink_jsonl_new(rdx_write_strbuf, b); }

TEST(search_outputs_escape_what_the_event_says) {
    const char *ev = "{\"Computer\": \"ws\\u001b]0;pwned\\u0007\", \"CommandLine\": \"=cmd|' /C calc'!A0\", "
                     "\"EventID\": 1, \"EventRecordID\": 7}\n";
    char *t = output_of(mk_table, ev);
    CHECK(strchr(t, 0x1b) == NULL && strchr(t, 0x07) == NULL);
    CHECK(strstr(t, "ws\\x1b]0;pwned\\x07 · 1 · (buffer):1\n") != NULL);
    free(t);
    char *c = output_of(mk_csv, ev);
    CHECK(strncmp(c, RDX_SEARCH_CSV_HEADER, strlen(RDX_SEARCH_CSV_HEADER)) == 0);
    CHECK(strstr(c, ",7,(buffer):1,") != NULL);
    CHECK(strstr(c, "'=cmd") == NULL || strstr(c, "CommandLine: =cmd") != NULL);
    CHECK(strchr(c, 0x1b) == NULL);
    free(c);
    char *empty = output_of(mk_csv, "");
    CHECK_STR(empty, RDX_SEARCH_CSV_HEADER);   /* no rows: the header still */
    free(empty);
    char *j = output_of(mk_jsonl, ev);
    CHECK(strncmp(j, "{\"source\":{\"file\":\"(buffer)\",\"line\":1,", 38) == 0);
    CHECK(strstr(j, "\"event\":{\"Computer\":\"ws\\u001b]0;pwned\\u0007\"") != NULL);
    free(j);
}

/* ---- the fast path against the matcher, on every EVTX sample ---------------- */

typedef struct pair {
    rdx_searcher *fast;
    rdx_scratch *scratch;
    const rdx_matcher *m;
    uint64_t events, hits, differ;
} pair;

static void compare_file(pair *p, const char *path) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_source *src = rdx_source_open_file(path, RDX_FMT_AUTO, &d);
    rdx_arena *a = rdx_arena_new(0);
    rdx_event ev;
    int rc;
    while (src && (rc = rdx_source_next(src, a, &ev, &d)) != 0) {
        if (rc > 0) {
            int x = rdx_searcher_event(p->fast, &ev, NULL) > 0;
            int y = rdx_matcher_match(p->m, p->scratch, &ev, NULL, NULL) > 0;
            p->events++;
            p->hits += x;
            if (x != y && p->differ++ < 5)
                fprintf(stderr, "    %s#%llu: fast %d, matcher %d\n", path,
                        (unsigned long long)ev.record_id, x, y);
        }
        rdx_arena_reset(a);
    }
    if (src) rdx_source_close(src);
    rdx_arena_free(a);
    rdx_diags_free(&d);
}

/* Every .evtx under dir, in sorted order. */
static void walk(pair *p, const char *dir) {
    char **names = NULL;
    size_t n = 0;
    char cmd[8400], line[4096];
    snprintf(cmd, sizeof cmd, "find '%.8000s' -name '*.evtx' -type f | LC_ALL=C sort", dir);
    FILE *f = popen(cmd, "r");
    while (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        names = realloc(names, (n + 1) * sizeof *names);
        if (!names) abort();
        names[n++] = strdup(line);
    }
    if (f) pclose(f);
    for (size_t i = 0; i < n; i++) {
        compare_file(p, names[i]);
        free(names[i]);
    }
    free(names);
}

TEST(search_fast_path_agrees_with_the_matcher_on_evtx_samples) {
    REQUIRE_CORPUS(corpus);
    char dir[8192];
    snprintf(dir, sizeof dir, "%.4000s/evtx-samples", corpus);
    const char *kw[] = {"mimikatz", "lsass", "powershell", "\\\\", "4624"};
    for (int any = 0; any <= 1; any++) {
        rdx_search_options o = RDX_SEARCH_OPTIONS_INIT;
        o.keywords = any ? kw : kw + 1;
        o.n_keywords = any ? 5 : 2;
        o.any = any;
        o.regex = any ? NULL : "(?i)c:\\\\windows\\\\system32";
        rdx_diags d;
        rdx_diags_init(&d);
        rdx_search *s = rdx_search_new(&o, NULL, &d);
        CHECK(s && rdx_search_is_fast(s));
        if (!s) break;
        /* the same rule, loaded apart and run by the compiled matcher */
        rdx_ruleset *rs = rdx_ruleset_new();
        const char *text = rdx_search_rule_text(s);
        CHECK_INT(rdx_sigma_load_buffer(rs, "same", text, strlen(text), &d), 1);
        const rdx_rule *r = rs->rules[0];
        rdx_matcher *m = rdx_matcher_new(&r, 1, NULL, &d);
        pair p = {rdx_searcher_new(s), rdx_scratch_new(m), m, 0, 0, 0};
        walk(&p, dir);
        CHECK(p.events > 20000);
        CHECK(p.hits > 0);
        CHECK_INT(p.differ, 0);
        rdx_scratch_free(p.scratch);
        rdx_searcher_free(p.fast);
        rdx_matcher_free(m);
        rdx_ruleset_free(rs);
        rdx_search_free(s);
        rdx_diags_free(&d);
    }
}

/* YAML takes NEL (U+0085), U+2028 and U+2029 as line breaks in some
 * readings: a keyword holding them must arrive byte for byte, and an
 * expression holding them is refused (it could leave its line). */
TEST(search_line_breaks_of_yaml_stay_in_their_criterion) {
    const char *kw[] = {"a\xc2\x85" "b\xe2\x80\xa8" "c"};
    rdx_search_options o = RDX_SEARCH_OPTIONS_INIT;
    o.keywords = kw;
    o.n_keywords = 1;
    rdx_diags d;
    rdx_diags_init(&d);
    result r = run_on(&o, "{\"v\": \"a\\u0085b\\u2028c\"}\n{\"v\": \"a b c\"}\n", &d);
    CHECK(r.built);
    CHECK_INT(r.acct.found, 1);
    rdx_strbuf_free(&r.out);
    rdx_diags_free(&d);
    CHECK(expr_error_has("v: a\xc2\x85" "b", "a C1 control, line or paragraph separator"));
    CHECK(expr_error_has("v: a\xe2\x80\xa9" "b", "expression 'v: a"));
}

/* An indicator list: thousands of keywords with `any` become several
 * rules (the matcher prefilters at most 4,096 atoms per rule), and find
 * what the few that occur find. */
TEST(search_indicator_lists_find_what_their_members_find) {
    size_t n = 5000;
    const char **kw = malloc((n + 2) * sizeof *kw);
    char (*buf)[32] = malloc(n * sizeof *buf);
    for (size_t i = 0; i < n; i++) {
        snprintf(buf[i], sizeof buf[i], "ioc-%zu-absent", i);
        kw[i] = buf[i];
    }
    kw[n] = "NOTEPAD";
    kw[n + 1] = "10.1.2.3";
    rdx_search_options o = RDX_SEARCH_OPTIONS_INIT;
    o.keywords = kw;
    o.n_keywords = n + 2;
    o.any = 1;
    CHECK_INT(found(&o), 2);
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_search *s = rdx_search_new(&o, NULL, &d);
    CHECK(s && strstr(rdx_search_rule_text(s), "\n---\n") != NULL);
    rdx_search_free(s);
    o.any = 0;                                     /* all: a stage each, 256 at most */
    CHECK(rdx_search_new(&o, NULL, &d) == NULL);
    CHECK(th_find_diag_text(&d, "an indicator list wants any"));
    rdx_diags_free(&d);
    free(buf);
    free(kw);
}
