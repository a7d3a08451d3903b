/* test_vlist.c — compiled value lists (src/engine/vlist.h) against the
 * per-literal answer of the reference glob (rdx_pattern_match): which
 * predicates compile, edge cases, a random differential of lists and
 * values, and whole rules through an evaluator with and without lists. */
#include "harness.h"
#include "engine/vlist.h"
#include "ruledex/sigma_pattern.h"
#include "sigma_helpers.h"

#include <stdint.h>
#include <stdio.h>

#define CHECKF(ok, ...) rdx_test_checkf(!!(ok), __FILE__, __LINE__, __VA_ARGS__)

/* A predicate on field "f" whose values are the given patterns (one variant
 * each), in Sigma notation. */
static rdx_predicate make_pred(rdx_arena *a, rdx_op op, unsigned flags, const char *const *pats,
                               size_t n) {
    rdx_predicate p = {0};
    p.field = "f";
    p.field_len = 1;
    p.op = op;
    p.flags = flags;
    p.values = rdx_arena_zalloc(a, (n + 1) * sizeof *p.values);
    p.n_values = n;
    for (size_t i = 0; i < n; i++) {
        p.values[i].kind = RDX_VK_STRING;
        rdx_patlist_push(a, &p.values[i].variants, rdx_pattern_parse(a, pats[i], strlen(pats[i]), 0));
    }
    return p;
}

/* What the evaluator answers without lists: some variant matches s. */
static int reference(const rdx_predicate *p, const char *s, size_t len) {
    int cased = (p->flags & RDX_PF_CASED) != 0;
    for (size_t k = 0; k < p->n_values; k++)
        for (size_t i = 0; i < p->values[k].variants.count; i++)
            if (rdx_pattern_match(&p->values[k].variants.items[i], s, len, cased)) return 1;
    return 0;
}

/* Compiled and reference agree on s; returns the answer. */
static int both(const rdx_vlist *f, const rdx_predicate *p, const char *s) {
    size_t len = strlen(s);
    int fast = rdx_vlist_match(f, s, len), ref = reference(p, s, len);
    CHECKF(fast == ref, "list %d, reference %d on \"%s\"", fast, ref, s);
    return fast;
}

TEST(vlist_which_predicates_compile) {
    rdx_arena *a = rdx_arena_new(0);
    const char *four[] = {"*\\a.exe", "*\\b.exe", "*\\c.exe", "*\\d.exe"};
    rdx_predicate p = make_pred(a, RDX_OP_ENDSWITH, 0, four, 4);
    rdx_vlist *f = rdx_vlist_build(&p);
    CHECK(f != NULL);
    rdx_vlist_free(f);
    CHECK(rdx_vlist_build(&(rdx_predicate){0}) == NULL);
    p = make_pred(a, RDX_OP_ENDSWITH, 0, four, 1);   /* one literal: compared at its place */
    f = rdx_vlist_build(&p);
    CHECK(f != NULL);
    CHECK_INT(rdx_vlist_match(f, "x\\A.EXE", 7), 1);
    CHECK_INT(rdx_vlist_match(f, "x\\B.EXE", 7), 0);
    rdx_vlist_free(f);
    p = make_pred(a, RDX_OP_ENDSWITH, 0, four, 0);   /* no values: nothing to compile */
    CHECK(rdx_vlist_build(&p) == NULL);
    p = make_pred(a, RDX_OP_ENDSWITH, RDX_PF_ALL, four, 4);   /* |all is an AND */
    CHECK(rdx_vlist_build(&p) == NULL);
    p = make_pred(a, RDX_OP_ENDSWITH, RDX_PF_FIELDREF, four, 4);
    CHECK(rdx_vlist_build(&p) == NULL);
    p = make_pred(a, RDX_OP_REGEX, 0, four, 4);
    CHECK(rdx_vlist_build(&p) == NULL);
    p = make_pred(a, RDX_OP_ENDSWITH, 0, four, 4);
    p.field = NULL;   /* keywords search every value: not a field list */
    CHECK(rdx_vlist_build(&p) == NULL);
    const char *wild[] = {"a?c", "*b*", "*c*", "*d*"};
    p = make_pred(a, RDX_OP_CONTAINS, 0, wild, 4);
    CHECK(rdx_vlist_build(&p) == NULL);
    const char *inner[] = {"a*c", "*b*", "*c*", "*d*"};
    p = make_pred(a, RDX_OP_CONTAINS, 0, inner, 4);
    CHECK(rdx_vlist_build(&p) == NULL);
    const char *utf8[] = {"*\xC3\xA9*", "*b*", "*c*", "*d*"};   /* folds: left to the glob */
    p = make_pred(a, RDX_OP_CONTAINS, 0, utf8, 4);
    CHECK(rdx_vlist_build(&p) == NULL);
    const char *empty[] = {"", "b", "c", "d"};
    p = make_pred(a, RDX_OP_EQUALS, 0, empty, 4);
    CHECK(rdx_vlist_build(&p) == NULL);
    const char *star[] = {"*", "b", "c", "d"};
    p = make_pred(a, RDX_OP_EQUALS, 0, star, 4);
    CHECK(rdx_vlist_build(&p) == NULL);
    p = make_pred(a, RDX_OP_ENDSWITH, 0, four, 4);
    p.values[2].kind = RDX_VK_NUMBER;   /* numbers also compare by value */
    CHECK(rdx_vlist_build(&p) == NULL);
    rdx_arena_free(a);
}

TEST(vlist_edge_cases) {
    rdx_arena *a = rdx_arena_new(0);
    const char *mixed[] = {"cmd.exe", "C:\\Win*", "*\\PING.EXE", "*-enc*", "*x*", "*@*", "[a",
                           "*.dll", "*\\ping.exe.bak"};
    for (int cased = 0; cased < 2; cased++) {
        rdx_predicate p = make_pred(a, RDX_OP_EQUALS, cased ? RDX_PF_CASED : 0, mixed, 9);
        rdx_vlist *f = rdx_vlist_build(&p);
        CHECK(f != NULL);
        if (!f) continue;
        const char *subjects[] = {"cmd.exe", "CMD.EXE", "cmd.exe ", "xcmd.exe", "c:\\windows",
                                  "C:\\Wi", "c:\\x\\ping.exe", "ping.exe", "\\PING.EXE",
                                  "a -ENC b", "-en", "X", "x", "`", "@", "{a", "[A", "[a",
                                  ".dll", "dll", "", "\xC3\xA9x", "\xE2\x84\xAA", "K\\ping.exe.BAK",
                                  "a\\ping.exe.bak"};
        for (size_t i = 0; i < sizeof subjects / sizeof *subjects; i++) both(f, &p, subjects[i]);
        rdx_vlist_free(f);
    }
    /* duplicates, a literal that is a prefix of another, one-byte substrings */
    const char *dups[] = {"*ab*", "*ab*", "*abc*", "*a*", "ab*", "ab*", "*b", "*b"};
    rdx_predicate p = make_pred(a, RDX_OP_CONTAINS, 0, dups, 8);
    rdx_vlist *f = rdx_vlist_build(&p);
    CHECK(f != NULL);
    if (f) {
        CHECK_INT(both(f, &p, "xxA"), 1);
        CHECK_INT(both(f, &p, "xxx"), 0);
        CHECK_INT(both(f, &p, "B"), 1);
        CHECK_INT(both(f, &p, ""), 0);
        rdx_vlist_free(f);
    }
    rdx_arena_free(a);
}

/* ---- random differential ------------------------------------------------ */

static uint64_t rnd(uint64_t *x) {   /* xorshift64: the same cases every run */
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* Pieces of literals (ASCII: what compiles) and of values (also UTF-8,
 * a Kelvin sign, invalid bytes, white space). */
static const char *const pieces[] = {"a", "A", "b", "B", "k", "K", "\\", ".", "-", "@", "`",
                                     "[", "{", "0", "exe", "EXE", " ", "\xC3\xA9", "\xC3\x89",
                                     "\xC3", "\xFF", "\xE2\x84\xAA", "\xE2\x80\x93"};
#define N_PIECES (sizeof pieces / sizeof *pieces)
#define N_ASCII 17   /* the first N_ASCII pieces are ASCII */

static size_t random_text(uint64_t *x, char *out, size_t max_pieces, int ascii_only) {
    size_t n = rnd(x) % (max_pieces + 1), len = 0;
    for (size_t i = 0; i < n; i++) {
        const char *p = pieces[rnd(x) % (ascii_only ? N_ASCII : N_PIECES)];
        size_t k = strlen(p);
        memcpy(out + len, p, k);
        len += k;
    }
    out[len] = 0;
    return len;
}

TEST(vlist_random_differential) {
    uint64_t x = 0x9E3779B97F4A7C15ULL;
    static const rdx_op ops[] = {RDX_OP_EQUALS, RDX_OP_CONTAINS, RDX_OP_STARTSWITH, RDX_OP_ENDSWITH};
    size_t compiled = 0, tests = 0, matched = 0;
    int bad = 0;
    for (int round = 0; round < 3000 && !bad; round++) {
        rdx_arena *a = rdx_arena_new(0);
        size_t n = 1 + rnd(&x) % (round % 2 ? 8 : 44);   /* compared one by one, and hashed */
        char **pats = rdx_arena_alloc(a, n * sizeof *pats);
        char lits[48][64];
        for (size_t i = 0; i < n; i++) {
            size_t len;
            do len = random_text(&x, lits[i], 4, 1);
            while (len == 0);
            /* a list of one kind, or of mixed kinds (several ops OR-ed) */
            int kind = round % 3 ? round % 4 : (int)(rnd(&x) % 4);
            pats[i] = rdx_arena_alloc(a, len + 3);
            snprintf(pats[i], len + 3, "%s%s%s", kind == 1 || kind == 3 ? "*" : "", lits[i],
                     kind == 1 || kind == 2 ? "*" : "");
        }
        int cased = rnd(&x) % 4 == 0;
        rdx_predicate p = make_pred(a, ops[round % 4], cased ? RDX_PF_CASED : 0,
                                    (const char *const *)pats, n);
        rdx_vlist *f = rdx_vlist_build(&p);
        if (!f) {   /* a '*' or '\\' piece at the wrong place can make a wildcard */
            rdx_arena_free(a);
            continue;
        }
        compiled++;
        for (int t = 0; t < 60; t++) {
            char subj[512];
            size_t len = random_text(&x, subj, 3, 0);
            if (rnd(&x) % 2) {   /* around one of the literals, case flipped at random */
                const char *l = lits[rnd(&x) % n];
                for (size_t k = 0; l[k]; k++) {
                    unsigned char c = (unsigned char)l[k];
                    subj[len++] = (char)((rnd(&x) % 2 && ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
                                             ? c ^ 0x20 : c);
                }
                len += random_text(&x, subj + len, 3, 0);
            }
            int fast = rdx_vlist_match(f, subj, len), ref = reference(&p, subj, len);
            tests++;
            matched += ref;
            if (fast != ref) {
                bad = 1;
                CHECKF(0, "round %d test %d: list %d, reference %d on \"%.*s\"", round, t, fast,
                       ref, (int)len, subj);
                break;
            }
        }
        rdx_vlist_free(f);
        rdx_arena_free(a);
    }
    CHECKF(compiled > 1500, "only %zu of 3000 random lists compiled", compiled);
    CHECKF(matched > tests / 10 && matched < tests - tests / 10,
           "%zu of %zu cases matched: too one-sided to test much", matched, tests);
}

/* Whole rules: an evaluator with lists against one without, on values with
 * white space at their edges (the white-space rule), several values per
 * field (arrays), |neq and absent fields. */
TEST(vlist_eval_with_and_without_lists) {
    const char *det =
        "s1:\n    Image|endswith: ['\\a.exe', '\\b.exe', '\\c.exe', '\\d.exe']\n"
        "s2:\n    CommandLine|contains: ['-enc', 'iex', 'http', 'NtLmSsp']\n"
        "s3:\n    User|startswith: ['NT AUTHORITY', 'SYSTEM', 'LOCAL', 'admin']\n"
        "s4:\n    Name: ['alpha', 'beta', 'gamma', 'delta']\n"
        "s5:\n    Other|neq: ['one', 'two', 'three', 'four']";
    static const char *const dets[] = {"s1", "s2", "s3", "s4", "s5"};
    static const char *const events[] = {
        "{\"Image\":\"C:\\\\x\\\\A.EXE \"}", "{\"Image\":\"C:\\\\x\\\\a.exe.bak\"}",
        "{\"CommandLine\":\"powershell -ENC abc\"}", "{\"CommandLine\":\" NtLmSsp \"}",
        "{\"CommandLine\":[\"x\", \"y IEX\"]}", "{\"User\":\"  nt authority\\\\system\"}",
        "{\"User\":\"guest\"}", "{\"Name\":\" GAMMA\"}", "{\"Name\":\"gamma2\"}",
        "{\"Other\":\"one\"}", "{\"Other\":\"five\"}", "{}", "{\"Name\":null}",
        "{\"Name\":4}", "{\"Image\":\"\\\\b.exe\\t\"}"};
    for (size_t k = 0; k < sizeof dets / sizeof *dets; k++) {
        char text[1024];
        snprintf(text, sizeof text, "%s\ncondition: %s", det, dets[k]);
        rdx_diags d;
        rdx_diags_init(&d);
        rdx_ruleset *rs = th_load_detection(text, &d);
        CHECK_INT((int)rs->n_rules, 1);
        for (size_t i = 0; rs->n_rules == 1 && i < sizeof events / sizeof *events; i++) {
            rdx_arena *a = rdx_arena_new(0);
            rdx_json_error err;
            rdx_value *v = rdx_json_parse(a, events[i], strlen(events[i]), &err);
            CHECK(v != NULL);
            rdx_event ev;
            rdx_event_init(&ev, a, v);
            rdx_eval *plain = rdx_eval_new(), *lists = rdx_eval_new();
            rdx_eval_use_value_lists(lists);
            int want = rdx_eval_rule(plain, rs->rules[0], &ev);
            int got = rdx_eval_rule(lists, rs->rules[0], &ev);
            CHECKF(got == want, "%s on %s: with lists %d, without %d", dets[k], events[i], got, want);
            rdx_eval_free(plain);
            rdx_eval_free(lists);
            rdx_arena_free(a);
        }
        rdx_ruleset_free(rs);
        rdx_diags_free(&d);
    }
}
