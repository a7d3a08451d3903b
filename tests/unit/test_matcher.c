/*
 * test_matcher.c — the compiled matcher against the reference evaluator.
 *
 * Two kinds of test.  Targeted ones pin down atom extraction (a rule with
 * only `not` is "always", OR gives the union, |cased keeps case,
 * base64offset's three encodings are three atoms, regexes give their
 * required runs) and a few end-to-end matches.  The differential one loads
 * the whole SigmaHQ rule set and runs every event of the regression data
 * and of examples/events through both the matcher and the reference
 * evaluator (with the same routing and field maps): the hits must be equal,
 * and every difference is printed with its rule and event.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ruledex/matcher.h"
#include "ruledex/ruledex.h"
#include "sigma_helpers.h"

/* ---- atoms --------------------------------------------------------------- */

typedef struct atoms_of {
    rdx_ruleset *rs;
    rdx_arena *a;
    rdx_atomset set;
} atoms_of;

static atoms_of atoms_for(const char *detection) {
    atoms_of x;
    rdx_diags d;
    rdx_diags_init(&d);
    x.rs = th_load_detection(detection, &d);
    x.a = rdx_arena_new(0);
    x.set = (rdx_atomset){1, 0, NULL, 0};
    if (x.rs->n_rules == 1 && !d.errors) rdx_rule_atoms(x.rs->rules[0], x.a, &x.set);
    else fprintf(stderr, "    test rule did not load: %s\n", d.count ? d.items[0].message : "?");
    rdx_diags_free(&d);
    return x;
}

static void atoms_done(atoms_of *x) {
    rdx_arena_free(x->a);
    rdx_ruleset_free(x->rs);
}

/* Is there an atom with these bytes and flags (in any clause)? */
static int has_atom(const rdx_atomset *s, const void *bytes, size_t len, unsigned flags) {
    for (size_t c = 0; c < s->n_clauses; c++)
        for (size_t i = 0; i < s->clauses[c].n; i++) {
            const rdx_atom *a = &s->clauses[c].atoms[i];
            if (a->len == len && a->flags == flags && memcmp(a->bytes, bytes, len) == 0) return 1;
        }
    return 0;
}

/* Atoms in all clauses. */
static size_t n_atoms(const rdx_atomset *s) {
    size_t n = 0;
    for (size_t c = 0; c < s->n_clauses; c++) n += s->clauses[c].n;
    return n;
}
#define HAS(set, str, flags) has_atom(set, str, sizeof str - 1, flags)

TEST(matcher_atoms_not_only_rule_is_always) {
    atoms_of x = atoms_for("filter:\n    Image|endswith: '\\explorer.exe'\ncondition: not filter");
    CHECK(x.set.always);
    atoms_done(&x);
}

TEST(matcher_atoms_or_of_two_literals_gives_two) {
    atoms_of x = atoms_for("sel:\n    CommandLine|contains:\n        - 'mimikatz'\n"
                           "        - 'sekurlsa'\ncondition: sel");
    CHECK(!x.set.always);
    CHECK_INT(x.set.n_clauses, 1);
    CHECK_INT(n_atoms(&x.set), 2);
    CHECK(HAS(&x.set, "mimikatz", 0));
    CHECK(HAS(&x.set, "sekurlsa", 0));
    atoms_done(&x);
}

TEST(matcher_atoms_and_requires_every_child) {
    atoms_of x = atoms_for("a:\n    Image|endswith: '\\certutil.exe'\nb:\n    CommandLine|contains: "
                           "'-urlcache'\nc:\n    User|neq: 'x'\ncondition: a and b and c");
    CHECK(!x.set.always);
    CHECK_INT(x.set.n_clauses, 2);   /* {\certutil.exe} and {-urlcache}; neq adds nothing */
    CHECK(HAS(&x.set, "-urlcache", 0));
    CHECK(HAS(&x.set, "\\certutil.exe", 0));
    atoms_done(&x);
    /* a clause that holds on nearly every event is dropped when there is a better one */
    x = atoms_for("a:\n    Image|endswith: '.exe'\nb:\n    CommandLine|contains: "
                  "'-urlcache -split'\ncondition: a and b");
    CHECK_INT(x.set.n_clauses, 1);
    CHECK(HAS(&x.set, "-urlcache -split", 0));
    atoms_done(&x);
    /* an OR keeps the best clause of each side */
    x = atoms_for("a:\n    Image|endswith: '.exe'\n    CommandLine|contains: 'mimikatz'\n"
                  "b:\n    CommandLine|contains: 'rubeus'\ncondition: a or b");
    CHECK_INT(x.set.n_clauses, 1);
    CHECK_INT(n_atoms(&x.set), 2);
    CHECK(HAS(&x.set, "mimikatz", 0) && HAS(&x.set, "rubeus", 0));
    atoms_done(&x);
    /* at most RDX_ATOM_CLAUSES clauses, the most selective ones */
    x = atoms_for("a:\n    A: 'aaa1'\n    B: 'bbbbb2'\n    C: 'cccccc3'\n    D: 'ddddddd4'\n"
                  "    E: 'eeeeeeee5'\ncondition: a");
    CHECK_INT(x.set.n_clauses, RDX_ATOM_CLAUSES);
    CHECK(!HAS(&x.set, "aaa1", 0));
    atoms_done(&x);
    /* or of a filterable and an unfilterable stage: always */
    x = atoms_for("a:\n    Image|endswith: '\\certutil.exe'\nb:\n    EventID: 4688\n"
                  "condition: a or b");
    CHECK(x.set.always);
    atoms_done(&x);
}

TEST(matcher_atoms_cased_and_caseless) {
    atoms_of x = atoms_for("sel:\n    CommandLine|contains|cased: 'AbC-Def'\ncondition: sel");
    CHECK(HAS(&x.set, "AbC-Def", RDX_ATOM_CASED));
    atoms_done(&x);
    x = atoms_for("sel:\n    CommandLine|contains: 'AbC-Def'\ncondition: sel");
    CHECK(HAS(&x.set, "AbC-Def", 0));
    atoms_done(&x);
    /* caseless non-ASCII letters stay: the scanner gets their case forms */
    x = atoms_for("sel:\n    CommandLine|contains: 'Привет-abcd'\ncondition: sel");
    CHECK_INT(n_atoms(&x.set), 1);
    CHECK(HAS(&x.set, "Привет-abcd", 0));
    atoms_done(&x);
    /* one non-ASCII character is selective enough; two ASCII bytes are not */
    x = atoms_for("sel:\n    CommandLine|contains: 'ˣ'\ncondition: sel");
    CHECK(!x.set.always && HAS(&x.set, "ˣ", 0));
    atoms_done(&x);
    /* characters above U+04FF fold to nothing else: kept byte for byte */
    x = atoms_for("sel:\n    CommandLine|contains: '\U0001F600'\ncondition: sel");
    CHECK(!x.set.always);
    CHECK(HAS(&x.set, "\xF0\x9F\x98\x80", 0));
    atoms_done(&x);
    x = atoms_for("sel:\n    CommandLine|contains|cased: 'Привет'\ncondition: sel");
    CHECK(HAS(&x.set, "Привет", RDX_ATOM_CASED));
    atoms_done(&x);
}

TEST(matcher_atoms_base64offset_gives_three) {
    atoms_of x = atoms_for("sel:\n    CommandLine|base64offset|contains: 'Invoke-Mimikatz'\n"
                           "condition: sel");
    CHECK(!x.set.always);
    CHECK_INT(x.set.n_clauses, 1);
    CHECK_INT(n_atoms(&x.set), 3);
    /* the three shifted encodings of "Invoke-Mimikatz" (pySigma's) */
    CHECK(HAS(&x.set, "SW52b2tlLU1pbWlrYXR6", 0));
    CHECK(HAS(&x.set, "ludm9rZS1NaW1pa2F0e", 0));
    CHECK(HAS(&x.set, "JbnZva2UtTWltaWthdH", 0));
    atoms_done(&x);
}

TEST(matcher_atoms_wide_and_windash) {
    atoms_of x = atoms_for("sel:\n    CommandLine|wide|contains: 'cmd'\ncondition: sel");
    CHECK(HAS(&x.set, "c\0m\0d\0", 0));
    atoms_done(&x);
    x = atoms_for("sel:\n    CommandLine|windash|contains: ' -encodedcommand'\ncondition: sel");
    CHECK(!x.set.always);
    CHECK(HAS(&x.set, " -encodedcommand", 0));
    CHECK(HAS(&x.set, " /encodedcommand", 0));
    CHECK(HAS(&x.set, " \xE2\x80\x93" "encodedcommand", 0));   /* en dash: no case, kept */
    atoms_done(&x);
}

TEST(matcher_atoms_unfilterable_predicates) {
    const char *always[] = {
        "sel:\n    CommandLine|contains: 'ab'\ncondition: sel",            /* too short */
        "sel:\n    EventID: 4688\ncondition: sel",                         /* number */
        "sel:\n    CommandLine: null\ncondition: sel",
        "sel:\n    CommandLine|exists: true\ncondition: sel",
        "sel:\n    DestinationIp|cidr: '10.0.0.0/8'\ncondition: sel",
        "sel:\n    Image|fieldref: ParentImage\ncondition: sel",
        "sel:\n    Image|neq: 'C:\\Windows\\explorer.exe'\ncondition: sel",
        "sel:\n    LogonType|gt: 3\ncondition: sel",
        "sel:\n    CommandLine|re: '^[a-z]+$'\ncondition: sel",
        "sel:\n    CommandLine|contains: 'abc'\nflt:\n    User: 'x'\ncondition: sel or not flt",
    };
    for (size_t i = 0; i < sizeof always / sizeof *always; i++) {
        atoms_of x = atoms_for(always[i]);
        rdx_test_checkf(x.set.always, __FILE__, __LINE__, "not always: %s", always[i]);
        atoms_done(&x);
    }
}

TEST(matcher_atoms_all_and_keywords) {
    atoms_of x = atoms_for("sel:\n    CommandLine|contains|all:\n        - ' -e'\n"
                           "        - 'net user /add'\ncondition: sel");
    CHECK_INT(x.set.n_clauses, 2);   /* |all: every value is required */
    CHECK(HAS(&x.set, "net user /add", 0));
    CHECK(HAS(&x.set, " -e", 0));
    atoms_done(&x);
    x = atoms_for("keywords:\n    - 'sekurlsa::logonpasswords'\n    - 'lsadump::sam'\n"
                  "condition: keywords");
    CHECK_INT(x.set.n_clauses, 1);
    CHECK_INT(n_atoms(&x.set), 2);
    CHECK(HAS(&x.set, "lsadump::sam", 0));
    atoms_done(&x);
}

static rdx_atomset regex_atoms(rdx_arena *a, const char *re, int caseless) {
    rdx_atomset s;
    rdx_regex_atoms(re, strlen(re), caseless, a, &s);
    return s;
}

TEST(matcher_atoms_regex) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_atomset s = regex_atoms(a, "\\\\AppData\\\\Roaming\\\\[a-z]{8}\\.exe", 0);
    CHECK(!s.always && n_atoms(&s) == 1 && HAS(&s, "\\AppData\\Roaming\\", RDX_ATOM_CASED));
    s = regex_atoms(a, "(?i)invoke-(mimikatz|kerberoast)", 0);
    CHECK(!s.always && n_atoms(&s) == 1 && HAS(&s, "invoke-", RDX_ATOM_UNIFOLD));
    s = regex_atoms(a, "^(cmd|powershell)\\.exe$", 0);   /* the group is skipped */
    CHECK(!s.always && n_atoms(&s) == 1 && HAS(&s, ".exe", RDX_ATOM_CASED));
    s = regex_atoms(a, "^(cmd|powershell)$", 0);
    CHECK(s.always);
    s = regex_atoms(a, "mimikatz|rubeus\\.exe", 1);
    CHECK(!s.always && n_atoms(&s) == 2 && HAS(&s, "rubeus.exe", RDX_ATOM_UNIFOLD));
    s = regex_atoms(a, "abc|d", 0);           /* one alternative too short */
    CHECK(s.always);
    s = regex_atoms(a, "powers?hell", 0);     /* s? is optional: runs "power", "hell" */
    CHECK(!s.always && HAS(&s, "power", RDX_ATOM_CASED));
    s = regex_atoms(a, "xyzab+cde", 0);       /* b+: "xyzab" and "bcde" are both required */
    CHECK(!s.always && (HAS(&s, "xyzab", RDX_ATOM_CASED) || HAS(&s, "bcde", RDX_ATOM_CASED)));
    s = regex_atoms(a, "abcd{0,2}efg", 0);    /* d may be absent: "abc" or "efg", never "abcd" */
    CHECK(!s.always && !HAS(&s, "abcd", RDX_ATOM_CASED) &&
          (HAS(&s, "abc", RDX_ATOM_CASED) || HAS(&s, "efg", RDX_ATOM_CASED)));
    s = regex_atoms(a, "(?x) a b c d", 0);    /* extended mode: not followed */
    CHECK(s.always);
    s = regex_atoms(a, "\\Qa.b|c\\E", 0);
    CHECK(s.always);
    s = regex_atoms(a, "\\p{L}bcdef\\x{41}ghij", 0);
    CHECK(!s.always && HAS(&s, "bcdef", RDX_ATOM_CASED));
    rdx_arena_free(a);
}

/* ---- end to end ---------------------------------------------------------- */

static void collect(void *ctx, size_t rule) {
    size_t *n = ctx;
    n[++n[0]] = rule;
}

/* Run the rules of yaml (a multi-document text) on one JSON event with the
 * matcher and with the reference evaluator; both hit lists into out. */
static int run_both(const char *yaml, const char *event, size_t *got, size_t *want) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_text(yaml, &d);
    rdx_arena *a = rdx_arena_new(0);
    rdx_json_error err;
    rdx_value *v = rdx_json_parse(a, event, strlen(event), &err);
    int ok = v && !d.errors;
    for (size_t i = 0; i < d.count; i++) fprintf(stderr, "    %s\n", d.items[i].message);
    if (ok) {
        rdx_matcher *m = rdx_matcher_new((const rdx_rule *const *)rs->rules, rs->n_rules, NULL, &d);
        rdx_scratch *s = rdx_scratch_new(m);
        rdx_event ev;
        rdx_event_init(&ev, a, v);
        got[0] = 0;
        rdx_matcher_match(m, s, &ev, collect, got);
        rdx_eval *e = rdx_eval_new();
        want[0] = 0;
        for (size_t i = 0; i < rs->n_rules; i++)
            if (rdx_eval_rule(e, rs->rules[i], &ev)) want[++want[0]] = i;
        rdx_eval_free(e);
        rdx_scratch_free(s);
        rdx_matcher_free(m);
    }
    rdx_arena_free(a);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
    return ok;
}

#define RULE(n, det) "---\ntitle: r" #n "\nlogsource:\n    product: windows\ndetection:\n" det "\n"

TEST(matcher_end_to_end_small_set) {
    const char *yaml =
        RULE(0, "    sel:\n        CommandLine|contains: 'mimikatz'\n    condition: sel")
        RULE(1, "    sel:\n        Image|endswith: '\\\\whoami.exe'\n    condition: sel")
        RULE(2, "    sel:\n        Image|endswith: '\\\\nothere.exe'\n    condition: not sel")
        RULE(3, "    sel:\n        CommandLine|re|i: 'POWERSHELL'\n    condition: sel")
        RULE(4, "    sel:\n        CommandLine|contains|cased: 'MIMIKATZ'\n    condition: sel")
        RULE(5, "    sel:\n        EventID: 1\n    condition: sel")
        RULE(6, "    sel:\n        User|contains: 'Ärger\U0001F600'\n    condition: sel")
        RULE(7, "    sel:\n        User|contains: 'Привет'\n    condition: sel")
        RULE(8, "    sel:\n        User|contains: 'ΣΊΣΥΦΟΣ'\n    condition: sel");
    size_t got[16] = {0}, want[16] = {0};
    CHECK(run_both(yaml, "{\"EventID\": 1, \"Image\": \"C:\\\\W\\\\WHOAMI.EXE\", "
                         "\"CommandLine\": \"x MimiKatz powerſhell\", "
                         "\"User\": [\"xäRGER\U0001F600\", \"пРИВЕТ\", \"σίσυφος\"]}", got, want));
    CHECK_INT(got[0], want[0]);
    for (size_t i = 1; i <= want[0] && i <= got[0]; i++) CHECK_INT(got[i], want[i]);
    /* rule 3 matches through PCRE2's Unicode folding (ſ is s), and the
     * scanner must have let it through */
    int r3 = 0;
    for (size_t i = 1; i <= want[0]; i++) r3 |= want[i] == 3;
    CHECK(r3);
    CHECK_INT(want[0], 8);   /* 0, 1, 2, 3, 5, 6, 7, 8: not 4 (cased) */
}

/* Atoms with many spellings: the prefilter is compiled from literals, one
 * per spelling of an atom's folded letters, and an atom with more than 64
 * spellings gives its longest run with at most 64.  Each of these rules
 * must still reach the evaluator. */
TEST(matcher_many_spellings_reach_the_evaluator) {
    const char *yaml =
        RULE(0, "    sel:\n        User|contains: 'АДМИНИСТРАТОРЫ ДОМЕНА'\n    condition: sel")
        RULE(1, "    sel:\n        User|contains: 'ΣΊΣΥΦΟΣ ΣΊΣΥΦΟΣ'\n    condition: sel")
        RULE(2, "    sel:\n        CommandLine|re|i: 'kiss kiss kiss'\n    condition: sel")
        RULE(3, "    sel:\n        User|contains: 'администраторы'\n    condition: sel")
        RULE(4, "    sel:\n        User|contains|cased: 'АДМИНИСТРАТОРЫ'\n    condition: sel");
    size_t got[16] = {0}, want[16] = {0};
    CHECK(run_both(yaml, "{\"User\": [\"x администраторы домена x\", \"σίσυφος σίσυφος\"], "
                         "\"CommandLine\": \"\xE2\x84\xAAi\xC5\xBFs KI\xC5\xBFS \xE2\x84\xAAISS\"}",
                   got, want));
    CHECK_INT(want[0], 4);   /* 0, 1, 2, 3; not 4 (cased) */
    CHECK_INT(got[0], want[0]);
    for (size_t i = 1; i <= want[0] && i <= got[0]; i++) CHECK_INT(got[i], want[i]);
}

/* The white-space rule (docs/FIELDS.md) in the matcher as in the
 * reference: "NtLmSsp " is 'NtLmSsp', and the prefilter lets it through. */
TEST(matcher_whitespace_rule_as_the_reference) {
    const char *yaml =
        RULE(0, "    sel:\n        LogonProcessName: 'NtLmSsp'\n    condition: sel")
        RULE(1, "    sel:\n        LogonProcessName|startswith: 'NtLm'\n    condition: sel")
        RULE(2, "    sel:\n        LogonProcessName|re: '^NtLmSsp$'\n    condition: sel")
        RULE(3, "    sel:\n        EventID: 4624\n    f:\n        LogonProcessName: 'NtLmSsp'\n"
                "    condition: sel and not f")
        RULE(4, "    sel:\n        LogonProcessName: 'NtLmSsp '\n    condition: sel")
        RULE(5, "    sel:\n        LogonProcessName: 'Advapi'\n    condition: sel");
    size_t got[16] = {0}, want[16] = {0};
    CHECK(run_both(yaml, "{\"EventID\": 4624, \"LogonProcessName\": \" NtLmSsp \"}", got, want));
    CHECK_INT(want[0], 3);   /* 0, 1, 2; not 3 (excluded), 4 (a leading space), 5 */
    CHECK_INT(got[0], want[0]);
    for (size_t i = 1; i <= want[0] && i <= got[0]; i++) CHECK_INT(got[i], want[i]);
}

TEST(matcher_counts_candidates_and_hits) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_text(
        RULE(0, "    sel:\n        CommandLine|contains: 'mimikatz'\n    condition: sel")
        RULE(1, "    sel:\n        CommandLine|contains: 'rubeus'\n    condition: sel")
        RULE(2, "    sel:\n        CommandLine|contains: 'zz'\n    condition: sel"), &d);
    rdx_matcher *m = rdx_matcher_new((const rdx_rule *const *)rs->rules, rs->n_rules, NULL, &d);
    rdx_matcher_info info = rdx_matcher_get_info(m);
    CHECK_INT(info.rules, 3);
    CHECK_INT(info.filtered, 2);
    CHECK_INT(info.always, 1);
    CHECK_INT(info.atoms, 2);
    CHECK(info.prefilter_ok);
    rdx_scratch *s = rdx_scratch_new(m);
    rdx_arena *a = rdx_arena_new(0);
    const char *ev_json = "{\"CommandLine\": \"MIMIKATZ.exe\"}";
    rdx_event ev;
    rdx_event_init(&ev, a, rdx_json_parse(a, ev_json, strlen(ev_json), NULL));
    CHECK_INT(rdx_matcher_match(m, s, &ev, NULL, NULL), 1);
    rdx_matcher_stats st = rdx_scratch_stats(s);
    CHECK_INT(st.events, 1);
    CHECK_INT(st.candidates, 2);   /* rule 0 (atom hit) and rule 2 (always) */
    CHECK_INT(st.prefilter_hits, 1);
    CHECK_INT(st.hits, 1);
    rdx_arena_free(a);
    rdx_scratch_free(s);
    rdx_matcher_free(m);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}

/* Always rules are skipped when a field they require is absent, and only
 * then: dotted names, XML attributes (Provider_Name) and arrays count. */
TEST(matcher_field_checks) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_text(
        RULE(0, "    sel:\n        logtype: 5001\n    condition: sel")
        RULE(1, "    sel:\n        winlog.event_id: 4688\n    condition: sel")
        RULE(2, "    sel:\n        Provider_Name|exists: true\n    condition: sel")
        RULE(3, "    sel:\n        Missing: null\n    condition: sel")
        RULE(4, "    sel:\n        Tags: 7\n    condition: sel"), &d);
    CHECK_INT(d.errors, 0);
    rdx_matcher *m = rdx_matcher_new((const rdx_rule *const *)rs->rules, rs->n_rules, NULL, &d);
    rdx_matcher_info info = rdx_matcher_get_info(m);
    CHECK_INT(info.always, 5);
    CHECK_INT(info.field_checked, 4);   /* not rule 3: null holds when absent */
    rdx_scratch *s = rdx_scratch_new(m);
    rdx_arena *a = rdx_arena_new(0);
    struct { const char *json; size_t hits, evaluated; } cases[] = {
        {"{\"x\": 1}", 1, 1},                                   /* only rule 3 */
        {"{\"LogType\": 5001}", 2, 2},                          /* 0 and 3 */
        {"{\"winlog\": {\"event_id\": 4688}}", 2, 2},         /* 1 and 3 */
        {"{\"Event\": {\"System\": {\"Provider\": {\"#attributes\": {\"Name\": \"X\"}}}}}", 2, 2},
        {"{\"Tags\": [1, 7]}", 2, 2},                           /* 4 and 3 */
    };
    uint64_t before = 0;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        rdx_event ev;
        rdx_event_init(&ev, a, rdx_json_parse(a, cases[i].json, strlen(cases[i].json), NULL));
        size_t hits = rdx_matcher_match(m, s, &ev, NULL, NULL);
        rdx_matcher_stats st = rdx_scratch_stats(s);
        rdx_test_checkf(hits == cases[i].hits && st.candidates - before == cases[i].evaluated,
                        __FILE__, __LINE__, "%s: %zu hits, %llu evaluated", cases[i].json, hits,
                        (unsigned long long)(st.candidates - before));
        before = st.candidates;
        rdx_arena_reset(a);
    }
    rdx_arena_free(a);
    rdx_scratch_free(s);
    rdx_matcher_free(m);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}

/* ---- the differential test over the corpus ------------------------------ */

typedef struct corpus_events {
    rdx_arena *a;               /* every event lives here until the end */
    rdx_event *ev;
    char **where;               /* "file" or "file:line" */
    size_t n, cap;
} corpus_events;

static void add_event(corpus_events *c, const rdx_event *ev, const char *file) {
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->ev = realloc(c->ev, c->cap * sizeof *c->ev);
        c->where = realloc(c->where, c->cap * sizeof *c->where);
        if (!c->ev || !c->where) abort();
    }
    c->ev[c->n] = *ev;
    c->where[c->n] = rdx_arena_printf(c->a, "%s:%llu", file, (unsigned long long)ev->line);
    c->n++;
}

static void read_events(corpus_events *c, const char *path) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_json_reader *r = rdx_json_reader_open(path, &d);
    rdx_event ev;
    int rc;
    while (r && (rc = rdx_json_reader_next(r, c->a, &ev, &d)) != 0)
        if (rc > 0) add_event(c, &ev, path);
    rdx_json_reader_close(r);
    rdx_test_checkf(d.errors == 0, __FILE__, __LINE__, "%s: %zu unreadable", path, d.errors);
    rdx_diags_free(&d);
}

/* Every .json file under the regression data (the INDEX names them). */
static void read_regression(corpus_events *c, const char *corpus) {
    char path[4096];
    snprintf(path, sizeof path, "%s/sigma-regression/INDEX.tsv", corpus);
    char *index = rdx_test_read_file(path, NULL);
    if (!index) return;
    for (char *line = strtok(index, "\n"); line; line = strtok(NULL, "\n")) {
        char *col[5] = {0};
        rdx_test_tsv_cells(line, col, 5);
        if (!col[3] || strcmp(col[0], "rule_id") == 0) continue;
        snprintf(path, sizeof path, "%s/sigma-regression/%s", corpus, col[3]);
        read_events(c, path);
    }
    free(index);
}

static rdx_ruleset *load_sigma(const char *corpus) {
    static const char *folders[] = {"rules", "rules-emerging-threats", "rules-threat-hunting"};
    rdx_ruleset *rs = rdx_ruleset_new();
    rdx_diags d;
    rdx_diags_init(&d);
    for (size_t i = 0; i < 3; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/sigma/%s", corpus, folders[i]);
        rdx_sigma_load_path(rs, path, &d);
    }
    rdx_ruleset_apply_filters(rs, &d);
    rdx_diags_free(&d);
    return rs;
}

typedef struct hits {
    size_t n, cap;
    size_t *v;
} hits;

static void hits_add(void *ctx, size_t rule) {
    hits *h = ctx;
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 64;
        h->v = realloc(h->v, h->cap * sizeof *h->v);
        if (!h->v) abort();
    }
    h->v[h->n++] = rule;
}

/* The reference: every rule whose logsource covers the event (by identity
 * and by the table's `where` conditions), evaluated with the field map the
 * table gives; ls NULL: every rule, no map. */
static void reference(rdx_eval *e, const rdx_logsources *ls, const rdx_rule *const *rules,
                      size_t n, rdx_event *ev, hits *out) {
    rdx_event_identity id;
    memset(&id, 0, sizeof id);
    if (ls) rdx_event_identify(ev, &id);
    const rdx_fieldmap *aliases = ls ? rdx_logsources_shape_aliases(ls) : NULL;
    out->n = 0;
    for (size_t i = 0; i < n; i++) {
        const rdx_fieldmap *fields = NULL;
        if (ls && !rdx_logsources_covers_event(ls, &rules[i]->logsource, &id, ev, &fields))
            continue;
        rdx_eval_set_fields(e, fields, aliases);
        if (rdx_eval_rule(e, rules[i], ev)) hits_add(out, i);
    }
}

static void print_diff(const rdx_rule *const *rules, const char *where, const hits *got,
                       const hits *want) {
    size_t i = 0, j = 0;
    while (i < got->n || j < want->n) {
        if (j == want->n || (i < got->n && got->v[i] < want->v[j])) {
            fprintf(stderr, "    %s: matcher only: %s\n", where, rules[got->v[i++]]->file);
        } else if (i == got->n || want->v[j] < got->v[i]) {
            fprintf(stderr, "    %s: reference only: %s\n", where, rules[want->v[j++]]->file);
        } else {
            i++, j++;
        }
    }
}

static int same_hits(const hits *a, const hits *b) {
    return a->n == b->n && (a->n == 0 || memcmp(a->v, b->v, a->n * sizeof *a->v) == 0);
}

/* Differential run; returns the number of events that differ.  Three
 * passes over the events: scanning value by value (the value cache filling
 * as values repeat), again (the cache warm: most atoms replayed), and with
 * the cache off (every event's values joined in one scan); each pass must
 * give the reference's hits, and the passes the same candidates. */
static size_t differential(const rdx_rule *const *rules, size_t n, const rdx_logsources *ls,
                           corpus_events *c, size_t *total_hits, rdx_matcher_stats *st) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_matcher *m = rdx_matcher_new(rules, n, ls, &d);
    CHECK_INT(d.errors, 0);
    rdx_scratch *s = rdx_scratch_new(m), *joined = rdx_scratch_new(m);
    rdx_scratch_use_value_cache(joined, 0);
    rdx_eval *e = rdx_eval_new();
    hits got = {0}, want = {0};
    size_t bad = 0;
    rdx_matcher_stats pass[3];
    *total_hits = 0;
    for (int p = 0; p < 3; p++) {
        for (size_t k = 0; k < c->n; k++) {
            got.n = 0;
            size_t ret = rdx_matcher_match(m, p < 2 ? s : joined, &c->ev[k], hits_add, &got);
            reference(e, ls, rules, n, &c->ev[k], &want);
            CHECK_INT(ret, got.n);
            if (p == 0) *total_hits += want.n;
            if (same_hits(&got, &want)) continue;
            bad++;
            fprintf(stderr, "    pass %d (%s):\n", p + 1, p < 2 ? "value cache" : "joined");
            print_diff(rules, c->where[k], &got, &want);
        }
        pass[p] = rdx_scratch_stats(p < 2 ? s : joined);
    }
    /* The same atoms and candidates however the values were scanned. */
    CHECK_INT(pass[1].candidates - pass[0].candidates, pass[0].candidates);
    CHECK_INT(pass[2].candidates, pass[0].candidates);
    CHECK_INT(pass[1].prefilter_hits - pass[0].prefilter_hits, pass[0].prefilter_hits);
    CHECK_INT(pass[2].prefilter_hits, pass[0].prefilter_hits);
    CHECK(pass[1].value_hits - pass[0].value_hits > pass[0].value_hits);
    CHECK_INT(pass[2].value_lookups, 0);
    rdx_scratch_free(joined);
    *st = pass[0];
    rdx_matcher_info info = rdx_matcher_get_info(m);
    fprintf(stderr, "    matcher: %zu rules (%zu filtered, %zu always, %zu never), %zu atoms, "
            "%zu logsources\n", info.rules, info.filtered, info.always, info.never, info.atoms,
            info.logsource_groups);
    free(got.v);
    free(want.v);
    rdx_eval_free(e);
    rdx_scratch_free(s);
    rdx_matcher_free(m);
    rdx_diags_free(&d);
    return bad;
}

/* Two threads share one matcher, each with its own scratch, over the same
 * events; each must get exactly the single-threaded hits. */
typedef struct thread_job {
    const rdx_matcher *m;
    corpus_events *c;
    size_t total;
} thread_job;

static void *thread_run(void *arg) {
    thread_job *j = arg;
    rdx_scratch *s = rdx_scratch_new(j->m);
    for (int round = 0; round < 3; round++)
        for (size_t k = 0; k < j->c->n; k++) j->total += rdx_matcher_match(j->m, s, &j->c->ev[k], NULL, NULL);
    rdx_scratch_free(s);
    return NULL;
}

static void threads_agree(const rdx_rule *const *rules, size_t n, const rdx_logsources *ls,
                          corpus_events *c, size_t expect_hits) {
    rdx_matcher *m = rdx_matcher_new(rules, n, ls, NULL);
    /* events are indexed in advance: indexing writes to the event */
    for (size_t k = 0; k < c->n; k++) rdx_event_index(&c->ev[k]);
    thread_job jobs[2] = {{m, c, 0}, {m, c, 0}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++) CHECK(pthread_create(&t[i], NULL, thread_run, &jobs[i]) == 0);
    for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
    CHECK_INT(jobs[0].total, 3 * expect_hits);
    CHECK_INT(jobs[1].total, 3 * expect_hits);
    rdx_matcher_free(m);
}

TEST(matcher_differential_sigmahq) {
    REQUIRE_CORPUS(corpus);
    rdx_ruleset *rs = load_sigma(corpus);
    CHECK(rs->n_rules > 3500);
    corpus_events c = {rdx_arena_new(1 << 20), NULL, NULL, 0, 0};
    read_regression(&c, corpus);
    size_t from_regression = c.n;
    read_events(&c, "examples/events/sysmon.jsonl");
    read_events(&c, "examples/events/winlogbeat.jsonl");
    CHECK(from_regression >= 129);
    const rdx_rule *const *rules = (const rdx_rule *const *)rs->rules;
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_logsources *table = rdx_logsources_load("data/logsources.yml", &d);
    CHECK(table != NULL);
    rdx_diags_free(&d);
    const rdx_logsources *tables[2] = {NULL, table};
    for (int t = 0; t < 2; t++) {
        size_t total = 0;
        rdx_matcher_stats st;
        size_t bad = differential(rules, rs->n_rules, tables[t], &c, &total, &st);
        rdx_test_checkf(bad == 0, __FILE__, __LINE__, "%zu of %zu events differ", bad, c.n);
        CHECK(total > 0);
        fprintf(stderr, "    differential (%s): %zu events (%zu regression), %zu rules, %zu hits, "
                "%zu differences; %.1f candidates/event, %llu routes\n",
                t ? "data/logsources.yml" : "no logsource table", c.n, from_regression,
                rs->n_rules, total, bad, c.n ? (double)st.candidates / (double)c.n : 0.0,
                (unsigned long long)st.routes);
        threads_agree(rules, rs->n_rules, tables[t], &c, total);
    }
    rdx_logsources_free(table);
    free(c.ev);
    free(c.where);
    rdx_arena_free(c.a);
    rdx_ruleset_free(rs);
}

/* ---- key tests of always rules (src/engine/keytest.h) ------------------- */

/* The rules with a key test are skipped on events whose field has none of
 * their numbers, and still match (as the reference does) on every
 * spelling of a number that equals: 4728, "4728", "0x1278", 4728.0, and
 * a YAML octal written as text. */
TEST(matcher_key_tests) {
    const char *yaml =
        RULE(0, "    sel:\n        EventID: 4728\n    condition: sel")
        RULE(1, "    a:\n        EventID: 4738\n    b:\n        EventID: 5136\n"
                "    condition: a or b")
        RULE(2, "    sel:\n        - EventID: 1\n        - EventID: 2\n    condition: sel")
        RULE(3, "    sel:\n        EventID: 4728\n    condition: not sel")
        RULE(4, "    sel:\n        Mode: 0755\n    condition: sel")
        RULE(5, "    a:\n        EventID: 7\n    b:\n        Other: 7\n    condition: a or b");
    static const struct {
        const char *event;
        size_t hits;
    } cases[] = {
        {"{\"EventID\": 4728}", 1},           /* 0 */
        {"{\"EventID\": \"0x1278\"}", 1},     /* 0: 4728 in hex */
        {"{\"EventID\": 4728.0}", 1},         /* 0 */
        {"{\"EventID\": 5136}", 2},           /* 1, 3 */
        {"{\"EventID\": [9, 2]}", 2},         /* 2, 3 */
        {"{\"EventID\": 7, \"Mode\": \"0755\"}", 3},   /* 3, 4 (as written), 5 */
        {"{\"EventID\": 7, \"Mode\": 493}", 3},        /* 3, 4 (the octal's value), 5 */
        {"{\"Other\": 7}", 2},                /* 3 (EventID absent), 5 */
        {"{\"EventID\": \"4728x\"}", 1},      /* 3 */
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        size_t got[16] = {0}, want[16] = {0};
        CHECK(run_both(yaml, cases[c].event, got, want));
        rdx_test_checkf(got[0] == want[0], __FILE__, __LINE__, "%s: %zu hits, reference %zu",
                        cases[c].event, got[0], want[0]);
        for (size_t i = 1; i <= want[0] && i <= got[0]; i++) CHECK_INT(got[i], want[i]);
        /* rule 0 only on 4728, in every spelling */
        int r0 = 0;
        for (size_t i = 1; i <= want[0]; i++) r0 |= want[i] == 0;
        CHECK_INT(r0, c < 3);
        rdx_test_checkf(want[0] == cases[c].hits, __FILE__, __LINE__, "%s: reference %zu hits",
                        cases[c].event, want[0]);
    }
    /* and they are counted as skipped, not evaluated */
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_text(yaml, &d);
    rdx_matcher *m = rdx_matcher_new((const rdx_rule *const *)rs->rules, rs->n_rules, NULL, &d);
    CHECK_INT(rdx_matcher_get_info(m).key_tested, 4);   /* 0, 1, 2, 4; not 3 (not) nor 5 */
    rdx_scratch *s = rdx_scratch_new(m);
    rdx_arena *a = rdx_arena_new(0);
    const char *ev_json = "{\"EventID\": 4624, \"Mode\": 1}";
    rdx_event ev;
    rdx_event_init(&ev, a, rdx_json_parse(a, ev_json, strlen(ev_json), NULL));
    CHECK_INT(rdx_matcher_match(m, s, &ev, NULL, NULL), 1);   /* rule 3 */
    rdx_matcher_stats st = rdx_scratch_stats(s);
    CHECK_INT(st.key_skips, 4);
    CHECK_INT(st.candidates, 2);   /* 3 and 5 */
    rdx_arena_free(a);
    rdx_scratch_free(s);
    rdx_matcher_free(m);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}

/* Filtered rules have key tests too (made per scratch on first
 * candidacy): an atom that occurs does not make a rule whose event IDs
 * the event lacks a candidate, and the answers stay the reference's. */
TEST(matcher_key_tests_of_filtered_rules) {
    const char *yaml =
        RULE(0, "    a:\n        EventID: 517\n        Provider_Name: Security\n"
                "    b:\n        EventID: 1102\n        Provider_Name: Microsoft-Windows-Eventlog\n"
                "    condition: 1 of a*")
        RULE(1, "    sel:\n        EventID: 4688\n        CommandLine|contains: whoami\n"
                "    condition: sel")
        RULE(2, "    sel:\n        CommandLine|contains: whoami\n"
                "    not_id:\n        EventID: 4688\n    condition: sel and not not_id");
    static const char *const events[] = {
        "{\"EventID\": 4624, \"Provider_Name\": \"Microsoft-Windows-Security-Auditing\"}",
        "{\"EventID\": 517, \"Provider_Name\": \"Security\"}",
        "{\"EventID\": \"1102\", \"Provider_Name\": \"Microsoft-Windows-Eventlog\"}",
        "{\"EventID\": 4688, \"CommandLine\": \"cmd /c WHOAMI\"}",
        "{\"EventID\": 1, \"CommandLine\": \"whoami\"}",
        "{\"CommandLine\": \"whoami\"}",
        "{\"EventID\": \"0x1250\", \"CommandLine\": \"whoami\"}",   /* 4688 in hex */
        "{\"EventID\": \"x\", \"CommandLine\": \"whoami\"}",
    };
    for (size_t c = 0; c < sizeof events / sizeof *events; c++) {
        size_t got[16] = {0}, want[16] = {0};
        CHECK(run_both(yaml, events[c], got, want));
        rdx_test_checkf(got[0] == want[0], __FILE__, __LINE__, "%s: %zu hits, reference %zu",
                        events[c], got[0], want[0]);
        for (size_t i = 1; i <= want[0] && i <= got[0]; i++) CHECK_INT(got[i], want[i]);
    }
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_text(yaml, &d);
    rdx_matcher *m = rdx_matcher_new((const rdx_rule *const *)rs->rules, rs->n_rules, NULL, &d);
    rdx_scratch *s = rdx_scratch_new(m);
    rdx_arena *a = rdx_arena_new(0);
    rdx_event ev;
    rdx_event_init(&ev, a, rdx_json_parse(a, events[0], strlen(events[0]), NULL));
    CHECK_INT(rdx_matcher_match(m, s, &ev, NULL, NULL), 0);
    rdx_matcher_stats st = rdx_scratch_stats(s);
    CHECK_INT(st.key_skips, 1);    /* rule 0: its atom occurred, its IDs did not */
    CHECK_INT(st.candidates, 0);
    rdx_arena_free(a);
    rdx_scratch_free(s);
    rdx_matcher_free(m);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}

/* ---- the scan reads only the fields rules read (matcher.c read_names) ---- */

static uint32_t lcg(uint32_t *x) {
    *x = *x * 1664525u + 1013904223u;
    return *x >> 8;
}

/* Random rules over a pool of field names (Sigma names the table maps,
 * dotted paths, a name with a space, an attribute name) and keyword rules,
 * (run without and with them: the keyword database's ticks could hide
 * a field the set lost), random events of three shapes (evtx_dump Sysmon 1 and Security 4688,
 * Winlogbeat) whose literals sit in fields rules read, in fields they do
 * not, and under mapped names: the matcher with data/logsources.yml gives
 * the reference's hits on every event. */
static void scan_fields_differential(int keywords) {
    static const char *rule_fields[] = {
        "Image", "CommandLine", "ParentImage", "User", "OriginalFileName",
        "winlog.event_data.CommandLine", "EventData.Image", "Threat Name", "Provider_Name",
        "System.Computer", "Data.Name", "Data_Name"};
    static const char *event_fields[] = {
        "Image", "NewProcessName", "CommandLine", "ParentImage", "ParentProcessName",
        "SubjectUserName", "User", "OriginalFileName", "ThreatName", "Threat Name", "Other",
        "a.b", "Data"};   /* Data: an element whose attribute Name holds the value */
    static const char *lits[] = {"mimikatz", "rubeus", "whoami", "psexec", "certutil"};
    static const char *shapes[] = {
        ("{\"Event\":{\"System\":{\"Channel\":\"Microsoft-Windows-Sysmon/Operational\","
         "\"EventID\":1,\"Computer\":\"%s\",\"Provider\":{\"#attributes\":{\"Name\":"
         "\"Microsoft-Windows-Sysmon\"}}},\"EventData\":{%s}}}"),
        ("{\"Event\":{\"System\":{\"Channel\":\"Security\",\"EventID\":4688,\"Computer\":\"%s\","
         "\"Provider\":{\"#attributes\":{\"Name\":\"Microsoft-Windows-Security-Auditing\"}}},"
         "\"EventData\":{%s}}}"),
        ("{\"winlog\":{\"channel\":\"Microsoft-Windows-Sysmon/Operational\",\"event_id\":1,"
         "\"computer_name\":\"%s\",\"event_data\":{%s}}}")};
    uint32_t x = 11;
    rdx_strbuf y = RDX_STRBUF_INIT;
    for (int i = 0; i < 60; i++) {
        rdx_strbuf_printf(&y, "---\ntitle: r%d\nlogsource:\n    %s\ndetection:\n", i,
                          i % 3 ? "category: process_creation\n    product: windows"
                                : "product: windows");
        if (i % 7 == 0 && keywords) {   /* (without: no kw_db ticks to hide a lost field) */
            rdx_strbuf_printf(&y, "    keywords:\n        - '%s'\n", lits[lcg(&x) % 5]);
            rdx_strbuf_printf(&y, "    sel:\n        %s|contains: '%s'\n",
                              rule_fields[lcg(&x) % 12], lits[lcg(&x) % 5]);
            rdx_strbuf_printf(&y, "    condition: keywords%s\n", i % 2 ? " and sel" : "");
            continue;
        }
        rdx_strbuf_printf(&y, "    sel:\n        %s|contains: '%s'\n", rule_fields[lcg(&x) % 12],
                          lits[lcg(&x) % 5]);
        if (i % 2) rdx_strbuf_printf(&y, "        %s|contains: '%s'\n", rule_fields[lcg(&x) % 12],
                                     lits[lcg(&x) % 5]);
        rdx_strbuf_printf(&y, "    f:\n        %s|contains: '%s'\n", rule_fields[lcg(&x) % 12],
                          lits[lcg(&x) % 5]);
        rdx_strbuf_printf(&y, "    condition: sel%s\n", i % 5 == 1 ? " and not f" : "");
    }
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_text(y.data, &d);
    CHECK_INT(d.errors, 0);
    rdx_logsources *table = rdx_logsources_load("data/logsources.yml", &d);
    CHECK(table != NULL);
    const rdx_rule *const *rules = (const rdx_rule *const *)rs->rules;
    corpus_events c = {rdx_arena_new(1 << 20), NULL, NULL, 0, 0};
    char data[2048], json[4096];
    for (int k = 0; k < 1500; k++) {
        size_t at = 0;
        int n = 1 + (int)(lcg(&x) % 3);
        for (int f = 0; f < n; f++) {
            const char *name = event_fields[lcg(&x) % 13];
            const char *lit = lcg(&x) % 3 ? lits[lcg(&x) % 5] : "calc";
            if (strcmp(name, "Data") == 0)
                at += (size_t)snprintf(data + at, sizeof data - at,
                                       "%s\"Data\":{\"#attributes\":{\"Name\":\"x %s\"}}",
                                       f ? "," : "", lit);
            else
                at += (size_t)snprintf(data + at, sizeof data - at, "%s\"%s\":\"C:\\\\x %s%s\"",
                                       f ? "," : "", name, lit, k % 2 ? ".exe" : "");
        }
        snprintf(json, sizeof json, shapes[k % 3], lcg(&x) % 4 ? "host" : lits[lcg(&x) % 5], data);
        rdx_value *v = rdx_json_parse(c.a, json, strlen(json), NULL);
        CHECK(v != NULL);
        if (!v) continue;
        rdx_event ev;
        rdx_event_init(&ev, c.a, v);
        ev.line = (uint64_t)k + 1;
        add_event(&c, &ev, "random");
    }
    size_t total = 0;
    rdx_matcher_stats st;
    size_t bad = differential(rules, rs->n_rules, table, &c, &total, &st);
    rdx_test_checkf(bad == 0, __FILE__, __LINE__, "%zu of %zu events differ", bad, c.n);
    CHECK(total > 300);
    free(c.ev);
    free(c.where);
    rdx_arena_free(c.a);
    rdx_logsources_free(table);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
    rdx_strbuf_free(&y);
}

TEST(matcher_scan_fields_differential) {
    scan_fields_differential(0);
    scan_fields_differential(1);
}

/* The scan skips values no rule of the route reads, and a keyword rule
 * still finds its literal there (through the keyword database). */
TEST(matcher_scan_skips_unread_fields) {
    const char *yaml =
        "---\ntitle: field\nlogsource:\n    category: process_creation\n    product: windows\n"
        "detection:\n    sel:\n        CommandLine|contains: 'mimikatz'\n    condition: sel\n";
    const char *with_keyword =
        "---\ntitle: keyword\nlogsource:\n    product: windows\n"
        "detection:\n    keywords:\n        - 'rubeus'\n    condition: keywords\n";
    const char *ev_json =
        "{\"Event\":{\"System\":{\"Channel\":\"Microsoft-Windows-Sysmon/Operational\","
        "\"EventID\":1},\"EventData\":{\"Unread\":\"mimikatz rubeus\",\"CommandLine\":\"x\"}}}";
    for (int kw = 0; kw < 2; kw++) {
        rdx_diags d;
        rdx_diags_init(&d);
        char *text = malloc(strlen(yaml) + strlen(with_keyword) + 1);
        strcpy(text, yaml);
        if (kw) strcat(text, with_keyword);
        rdx_ruleset *rs = th_load_text(text, &d);
        rdx_logsources *table = rdx_logsources_load("data/logsources.yml", &d);
        rdx_matcher *m = rdx_matcher_new((const rdx_rule *const *)rs->rules, rs->n_rules, table, &d);
        CHECK_INT(d.errors, 0);
        rdx_scratch *s = rdx_scratch_new(m);
        rdx_arena *a = rdx_arena_new(0);
        rdx_event ev;
        rdx_event_init(&ev, a, rdx_json_parse(a, ev_json, strlen(ev_json), NULL));
        CHECK_INT(rdx_matcher_match(m, s, &ev, NULL, NULL), (size_t)kw);
        rdx_matcher_stats st = rdx_scratch_stats(s);
        CHECK_INT(st.prefilter_hits, (uint64_t)kw);   /* 'mimikatz' is not in a read field */
        CHECK_INT(st.candidates, (uint64_t)kw);
        rdx_arena_free(a);
        rdx_scratch_free(s);
        rdx_matcher_free(m);
        rdx_logsources_free(table);
        rdx_ruleset_free(rs);
        rdx_diags_free(&d);
        free(text);
    }
}

/* ---- the matcher's plan (src/engine/plan.h) ------------------------------ */

/* A blob cache in memory: a handful of entries, keys compared whole. */
typedef struct mem_entry {
    char *key, *data;
    size_t key_len, len;
} mem_entry;

typedef struct mem_cache {
    mem_entry e[8];
    size_t n, puts;
} mem_cache;

static void *mem_get(void *ctx, const void *key, size_t key_len, size_t *len, rdx_diags *d) {
    mem_cache *c = ctx;
    (void)d;
    for (size_t i = 0; i < c->n; i++) {
        if (c->e[i].key_len != key_len || memcmp(c->e[i].key, key, key_len) != 0) continue;
        char *out = malloc(c->e[i].len + 1);
        if (!out) abort();
        memcpy(out, c->e[i].data, c->e[i].len);
        *len = c->e[i].len;
        return out;
    }
    return NULL;
}

static void mem_put(void *ctx, const void *key, size_t key_len, const void *data, size_t len,
                    rdx_diags *d) {
    mem_cache *c = ctx;
    (void)d;
    if (c->n == 8) return;
    mem_entry *e = &c->e[c->n++];
    e->key = malloc(key_len + 1);
    e->data = malloc(len + 1);
    if (!e->key || !e->data) abort();
    memcpy(e->key, key, key_len);
    memcpy(e->data, data, len);
    e->key_len = key_len;
    e->len = len;
    c->puts++;
}

static void mem_free(mem_cache *c) {
    for (size_t i = 0; i < c->n; i++) free(c->e[i].key), free(c->e[i].data);
}

/* A matcher read from its plan is the matcher that was built: the same
 * counts, and on every regression and example event the same hits as the
 * reference evaluator (with and without the log-source table). */
TEST(matcher_plan_differential_sigmahq) {
    REQUIRE_CORPUS(corpus);
    rdx_ruleset *rs = load_sigma(corpus);
    corpus_events c = {rdx_arena_new(1 << 20), NULL, NULL, 0, 0};
    read_regression(&c, corpus);
    read_events(&c, "examples/events/sysmon.jsonl");
    const rdx_rule *const *rules = (const rdx_rule *const *)rs->rules;
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_logsources *table = rdx_logsources_load("data/logsources.yml", &d);
    CHECK(table != NULL);
    mem_cache mc = {0};
    rdx_blob_cache bc = {&mc, mem_get, mem_put, NULL};
    rdx_matcher *built = rdx_matcher_new_keyed(rules, rs->n_rules, table, &bc, "sigmahq", 7, &d);
    size_t puts = mc.puts;
    rdx_matcher *read = rdx_matcher_new_keyed(rules, rs->n_rules, table, &bc, "sigmahq", 7, &d);
    CHECK_INT(d.count, 0);
    CHECK(puts >= 3);              /* database, keyword database, plan */
    CHECK_INT(mc.puts, puts);      /* nothing rebuilt */
    rdx_matcher_info a = rdx_matcher_get_info(built), b = rdx_matcher_get_info(read);
    CHECK(!a.prefilter_cached && b.prefilter_cached && b.prefilter_ok);
    CHECK_INT(a.filtered, b.filtered);
    CHECK_INT(a.always, b.always);
    CHECK_INT(a.never, b.never);
    CHECK_INT(a.atoms, b.atoms);
    CHECK_INT(a.field_checked, b.field_checked);
    CHECK_INT(a.key_tested, b.key_tested);
    CHECK(a.atoms > 10000);
    rdx_scratch *s = rdx_scratch_new(read);
    rdx_eval *e = rdx_eval_new();
    hits got = {0}, want = {0};
    size_t bad = 0, total = 0;
    for (size_t k = 0; k < c.n; k++) {
        got.n = 0;
        rdx_matcher_match(read, s, &c.ev[k], hits_add, &got);
        reference(e, table, rules, rs->n_rules, &c.ev[k], &want);
        total += want.n;
        if (!same_hits(&got, &want)) bad++, print_diff(rules, c.where[k], &got, &want);
    }
    rdx_test_checkf(bad == 0, __FILE__, __LINE__, "%zu of %zu events differ", bad, c.n);
    CHECK(total > 0);
    /* a plan for another rule count is refused with a note, and rebuilt */
    rdx_matcher *fewer = rdx_matcher_new_keyed(rules, rs->n_rules - 1, table, &bc, "sigmahq", 7, &d);
    CHECK_INT(d.count, 1);
    CHECK(d.count == 1 && strstr(d.items[0].message, "matcher plan ignored (a plan for another rule count)"));
    CHECK_INT(rdx_matcher_get_info(fewer).rules, rs->n_rules - 1);
    CHECK(rdx_matcher_get_info(fewer).prefilter_ok);
    free(got.v);
    free(want.v);
    rdx_eval_free(e);
    rdx_scratch_free(s);
    rdx_matcher_free(fewer);
    rdx_matcher_free(read);
    rdx_matcher_free(built);
    mem_free(&mc);
    rdx_logsources_free(table);
    rdx_diags_free(&d);
    free(c.ev);
    free(c.where);
    rdx_arena_free(c.a);
    rdx_ruleset_free(rs);
}
