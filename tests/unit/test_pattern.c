/* test_pattern.c — parsing, rendering and glob matching of Sigma values. */
#include "harness.h"
#include "ruledex/sigma_pattern.h"

#include <stdio.h>
#include <time.h>

/* A readable picture of a pattern: literals quoted (odd bytes as \xHH),
 * STAR as *, ONE as ?, placeholders as %name%, separated by spaces. */
static const char *show(rdx_arena *a, rdx_pattern p) {
    size_t cap = 8;
    for (size_t i = 0; i < p.n_segs; i++) cap += 4 * p.segs[i].len + 4;
    char *out = rdx_arena_alloc(a, cap), *o = out;
    for (size_t i = 0; i < p.n_segs; i++) {
        const rdx_seg *s = &p.segs[i];
        if (i) *o++ = ' ';
        if (s->kind == RDX_SEG_STAR) *o++ = '*';
        else if (s->kind == RDX_SEG_ONE) *o++ = '?';
        else {
            *o++ = s->kind == RDX_SEG_LIT ? '"' : '%';
            for (size_t j = 0; j < s->len; j++) {
                unsigned char c = s->bytes[j];
                if (c >= 0x20 && c < 0x7F) *o++ = (char)c;
                else o += sprintf(o, "\\x%02X", c);
            }
            *o++ = s->kind == RDX_SEG_LIT ? '"' : '%';
        }
    }
    *o = 0;
    return out;
}

static const char *parse_show(rdx_arena *a, const char *text, int ph) {
    return show(a, rdx_pattern_parse(a, text, strlen(text), ph));
}

static int match(rdx_arena *a, const char *pat, const char *s, int cased) {
    rdx_pattern p = rdx_pattern_parse(a, pat, strlen(pat), 0);
    return rdx_pattern_match(&p, s, strlen(s), cased);
}

TEST(pattern_parse_wildcards) {
    rdx_arena *a = rdx_arena_new(0);
    CHECK_STR(parse_show(a, "prog?.exe", 0), "\"prog\" ? \".exe\"");
    CHECK_STR(parse_show(a, "antivirus_V*.exe", 0), "\"antivirus_V\" * \".exe\"");
    CHECK_STR(parse_show(a, "a**b", 0), "\"a\" * \"b\"");
    CHECK_STR(parse_show(a, "***", 0), "*");
    CHECK_STR(parse_show(a, "*?*", 0), "* ? *");
    CHECK_STR(parse_show(a, "", 0), "");
    CHECK_INT(rdx_pattern_parse(a, "", 0, 0).n_segs, 0);
    CHECK_STR(parse_show(a, "plain", 0), "\"plain\"");
    rdx_arena_free(a);
}

/* The table of the spec's "Escape Character" section, plus pySigma's
 * reading of the cases it leaves open. */
TEST(pattern_parse_escape_table) {
    rdx_arena *a = rdx_arena_new(0);
    CHECK_STR(parse_show(a, "C:\\Windows", 0), "\"C:\\Windows\"");        /* \  */
    CHECK_STR(parse_show(a, "C:\\\\Windows", 0), "\"C:\\Windows\"");      /* \\ */
    CHECK_STR(parse_show(a, "\\*", 0), "\"*\"");
    CHECK_STR(parse_show(a, "\\?", 0), "\"?\"");
    CHECK_STR(parse_show(a, "\\\\*", 0), "\"\\\" *");                    /* \\*   */
    CHECK_STR(parse_show(a, "\\\\\\*", 0), "\"\\*\"");                   /* \\\*  */
    CHECK_STR(parse_show(a, "\\\\\\", 0), "\"\\\\\"");                   /* \\\   */
    CHECK_STR(parse_show(a, "\\\\\\\\", 0), "\"\\\\\"");                 /* \\\\  */
    CHECK_STR(parse_show(a, "abc\\", 0), "\"abc\\\"");                   /* trailing */
    CHECK_STR(parse_show(a, "\\", 0), "\"\\\"");
    CHECK_STR(parse_show(a, "a\\b", 0), "\"a\\b\"");
    CHECK_STR(parse_show(a, "C:\\Windows\\*\\cmd.exe", 0),     /* \* is literal */
              "\"C:\\Windows*\\cmd.exe\"");
    CHECK_STR(parse_show(a, "C:\\Windows\\\\*\\cmd.exe", 0),
              "\"C:\\Windows\\\" * \"\\cmd.exe\"");
    rdx_arena_free(a);
}

TEST(pattern_parse_placeholders) {
    rdx_arena *a = rdx_arena_new(0);
    CHECK_STR(parse_show(a, "%name%", 1), "%name%");
    CHECK_STR(parse_show(a, "%name%", 0), "\"%name%\"");
    /* The spec's example: \%plain%name% is "%plain" then a placeholder. */
    CHECK_STR(parse_show(a, "\\%plain%name%", 1), "\"%plain\" %name%");
    CHECK_STR(parse_show(a, "\\%plain%name%", 0), "\"\\%plain%name%\"");
    CHECK_STR(parse_show(a, "%Servers%*", 1), "%Servers% *");
    CHECK_STR(parse_show(a, "%%", 1), "\"%%\"");
    CHECK_STR(parse_show(a, "%a b%", 1), "\"%a b%\"");
    CHECK_STR(parse_show(a, "100%", 1), "\"100%\"");
    CHECK_STR(parse_show(a, "%a%%b%", 1), "%a% %b%");
    CHECK_STR(parse_show(a, "%a%b%", 1), "%a% \"b%\"");
    rdx_pattern p = rdx_pattern_parse(a, "x%a%", 4, 1);
    CHECK(rdx_pattern_has_placeholders(&p));
    CHECK(!rdx_pattern_has_wildcards(&p));
    CHECK(!rdx_pattern_match(&p, "xa", 2, 0));   /* unexpanded never matches */
    rdx_arena_free(a);
}

TEST(pattern_literal_helpers) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_pattern p = rdx_pattern_literal(a, "a*b\0c", 5);
    CHECK_INT(p.n_segs, 1);
    CHECK(!rdx_pattern_has_wildcards(&p));
    CHECK(rdx_pattern_match(&p, "a*b\0c", 5, 1));
    CHECK(!rdx_pattern_match(&p, "a*b\0d", 5, 1));
    CHECK(!rdx_pattern_match(&p, "axb\0c", 5, 1));
    CHECK_INT(rdx_pattern_literal(a, "", 0).n_segs, 0);

    rdx_pattern q = rdx_pattern_parse(a, "ab*cd?e", 7, 0);
    unsigned char *bytes;
    CHECK_INT(rdx_pattern_literal_bytes(a, &q, &bytes), 5);
    CHECK_STR((char *)bytes, "abcde");
    CHECK(rdx_pattern_has_wildcards(&q));
    rdx_arena_free(a);
}

static const char *render(rdx_arena *a, const char *text, int ph) {
    rdx_pattern p = rdx_pattern_parse(a, text, strlen(text), ph);
    return rdx_pattern_to_sigma_ex(a, &p, ph, NULL);
}

TEST(pattern_render_escapes) {
    rdx_arena *a = rdx_arena_new(0);
    CHECK_STR(render(a, "C:\\Windows\\System32", 0), "C:\\Windows\\System32");
    CHECK_STR(render(a, "C:\\\\Windows", 0), "C:\\Windows");
    CHECK_STR(render(a, "C:\\Windows\\*\\cmd.exe", 0), "C:\\Windows\\*\\cmd.exe");
    CHECK_STR(render(a, "\\\\*", 0), "\\\\*");
    CHECK_STR(render(a, "\\\\\\*", 0), "\\\\\\*");
    CHECK_STR(render(a, "\\\\\\", 0), "\\\\\\\\");        /* two backslashes: 4 */
    CHECK_STR(render(a, "a\\?b", 0), "a\\?b");
    CHECK_STR(render(a, "x\\", 0), "x\\");
    CHECK_STR(render(a, "\\%a%", 1), "\\%a\\%");
    CHECK_STR(render(a, "%a%\\%", 1), "%a%\\%");
    CHECK_STR(render(a, "50%", 0), "50%");
    rdx_pattern p = rdx_pattern_parse(a, "%a%", 3, 1);
    CHECK_STR(rdx_pattern_to_sigma(a, &p), "%a%");
    rdx_arena_free(a);
}

TEST(pattern_render_roundtrip) {
    static const char *cases[] = {
        "", "*", "?", "a", "\\", "\\\\", "\\\\\\", "\\\\\\\\", "\\*", "\\\\*", "\\\\\\*",
        "\\?\\\\?", "C:\\Windows\\*\\cmd.exe", "%a%", "\\%", "\\\\%a%", "a\\%b%c%",
        "**\\**", "x\\y\\\\z\\", "%%x%%", "\\a\\%\\*", "é?ü*\\",
    };
    rdx_arena *a = rdx_arena_new(0);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        for (int ph = 0; ph <= 1; ph++) {
            rdx_pattern p = rdx_pattern_parse(a, cases[i], strlen(cases[i]), ph);
            size_t n;
            char *r = rdx_pattern_to_sigma_ex(a, &p, ph, &n);
            rdx_pattern q = rdx_pattern_parse(a, r, n, ph);
            rdx_test_checkf(rdx_pattern_equal(&p, &q), __FILE__, __LINE__,
                            "roundtrip of '%s' (ph=%d) via '%s'", cases[i], ph, r);
        }
    }
    rdx_arena_free(a);
}

TEST(pattern_equal) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_pattern p = rdx_pattern_parse(a, "a*b", 3, 0), q = rdx_pattern_parse(a, "a**b", 4, 0);
    rdx_pattern r = rdx_pattern_parse(a, "a?b", 3, 0), s = rdx_pattern_parse(a, "a*c", 3, 0);
    CHECK(rdx_pattern_equal(&p, &q));
    CHECK(!rdx_pattern_equal(&p, &r));
    CHECK(!rdx_pattern_equal(&p, &s));
    rdx_arena_free(a);
}

TEST(pattern_match_basics) {
    rdx_arena *a = rdx_arena_new(0);
    CHECK(match(a, "prog?.exe", "progA.exe", 0));
    CHECK(!match(a, "prog?.exe", "prog.exe", 0));
    CHECK(!match(a, "prog?.exe", "progAB.exe", 0));
    CHECK(match(a, "antivirus_V*.exe", "antivirus_V21.2.1.exe", 0));
    CHECK(match(a, "antivirus_V*.exe", "antivirus_V.exe", 0));
    CHECK(!match(a, "antivirus_V*.exe", "antivirus_V1.exe.bak", 0));
    CHECK(match(a, "", "", 0));
    CHECK(!match(a, "", "a", 0));
    CHECK(match(a, "*", "", 0));
    CHECK(match(a, "*", "anything", 0));
    CHECK(!match(a, "?", "", 0));
    CHECK(match(a, "a*b*c", "aXbYc", 0));
    CHECK(match(a, "a*b*c", "abc", 0));
    CHECK(!match(a, "a*b*c", "acb", 0));
    CHECK(match(a, "*aab", "aaab", 0));
    CHECK(match(a, "*a?b*", "xxaxbyy", 0));
    CHECK(!match(a, "*a?b*", "xxabyy", 0));
    CHECK(match(a, "*ab", "abab", 0));
    CHECK(!match(a, "abc", "ab", 0));
    CHECK(!match(a, "ab", "abc", 0));
    CHECK(match(a, "\\*", "*", 0));          /* escaped star is literal */
    CHECK(!match(a, "\\*", "x", 0));
    CHECK(match(a, "a\\?", "a?", 0));
    CHECK(!match(a, "a\\?", "ab", 0));
    rdx_arena_free(a);
}

TEST(pattern_match_case) {
    rdx_arena *a = rdx_arena_new(0);
    CHECK(match(a, "*\\cmd.exe", "C:\\WINDOWS\\SYSTEM32\\CMD.EXE", 0));
    CHECK(!match(a, "*\\cmd.exe", "C:\\WINDOWS\\SYSTEM32\\CMD.EXE", 1));
    CHECK(match(a, "*\\cmd.exe", "C:\\Windows\\System32\\cmd.exe", 1));
    CHECK(match(a, "CMD.EXE", "cmd.exe", 0));
    CHECK(match(a, "cmd.exe", "CMD.EXE", 0));
    CHECK(!match(a, "cmd.exe", "CMD.EXE", 1));
    CHECK(!match(a, "[", "{", 0));           /* only letters fold */
    CHECK(!match(a, "@", "`", 0));
    rdx_arena_free(a);
}

TEST(pattern_match_unicode_fold) {
    rdx_arena *a = rdx_arena_new(0);
    CHECK(match(a, "ÉCOLE", "école", 0));
    CHECK(!match(a, "ÉCOLE", "école", 1));
    CHECK(match(a, "*ÄÖÜ*", "xäöüx", 0));
    CHECK(match(a, "Þ", "þ", 0));
    CHECK(!match(a, "×", "÷", 0));            /* not a case pair */
    CHECK(match(a, "ß", "ß", 0));
    CHECK(match(a, "ŁÓDŹ", "łódź", 0));       /* Latin Extended-A */
    CHECK(match(a, "ĀČĘĞ", "āčęğ", 0));
    CHECK(match(a, "Ÿ", "ÿ", 0));
    CHECK(match(a, "ПРИВЕТ МИР", "привет мир", 0));
    CHECK(match(a, "ЁЖ", "ёж", 0));
    CHECK(!match(a, "ПРИВЕТ", "привет", 1));
    CHECK(match(a, "ΣΟΦΊΑ", "σοφία", 0));
    CHECK(match(a, "ΟΔΟΣ", "οδος", 0));
    CHECK(match(a, "*ός", "ΟΔΌΣ", 0));         /* tonos capitals fold too */
    CHECK(!match(a, "*ος", "ΟΔΌΣ", 0));        /* ό is not ο */
    CHECK(match(a, "*Σ", "οδος", 0));          /* final sigma folds to σ */
    CHECK(!match(a, "é", "e", 0));
    rdx_arena_free(a);
}

TEST(pattern_match_one_is_a_character) {
    rdx_arena *a = rdx_arena_new(0);
    CHECK(match(a, "prog?.exe", "progé.exe", 0));        /* 2 bytes */
    CHECK(match(a, "prog?.exe", "prog€.exe", 0));        /* 3 bytes */
    CHECK(match(a, "prog?.exe", "prog\xF0\x9F\x98\x80.exe", 0));   /* 4 bytes */
    CHECK(!match(a, "prog??.exe", "progé.exe", 0));
    CHECK(match(a, "?", "é", 1));
    CHECK(!match(a, "?", "éé", 1));
    /* Invalid UTF-8: each stray byte is a character of its own. */
    CHECK(match(a, "??", "\xC3\x28", 1));
    CHECK(match(a, "?", "\xFF", 1));
    CHECK(match(a, "???", "\xE2\x82", 1) == 0);
    CHECK(match(a, "??", "\xE2\x82", 1));
    CHECK(match(a, "*?", "é", 0));
    CHECK(match(a, "*€*", "a€b", 0));
    rdx_arena_free(a);
}

TEST(pattern_match_nul_bytes) {
    rdx_arena *a = rdx_arena_new(0);
    static const char w[] = "c\0m\0d\0";
    rdx_pattern p = rdx_pattern_literal(a, w, 6);
    rdx_mod_contains(a, &p);
    CHECK(rdx_pattern_match(&p, "x\0c\0m\0d\0.\0", 10, 0));
    CHECK(rdx_pattern_match(&p, "x\0C\0M\0D\0.\0", 10, 0));
    CHECK(!rdx_pattern_match(&p, "x\0C\0M\0D\0.\0", 10, 1));
    CHECK(!rdx_pattern_match(&p, "cmd", 3, 0));
    rdx_arena_free(a);
}

/* The pattern that makes backtracking matchers exponential must finish at
 * once: the greedy algorithm is O(n*m). */
TEST(pattern_match_no_exponential_backtracking) {
    rdx_arena *a = rdx_arena_new(0);
    size_t n = 20000;
    char *s = rdx_arena_alloc(a, n + 1);
    memset(s, 'a', n);
    s[n] = 0;
    const char *pat = "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b";
    rdx_pattern p = rdx_pattern_parse(a, pat, strlen(pat), 0);
    clock_t t0 = clock();
    CHECK(!rdx_pattern_match(&p, s, n, 0));
    s[n - 1] = 'b';
    CHECK(rdx_pattern_match(&p, s, n, 0));
    CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
    const char *pat2 = "*?*?*?*?*?*?*?*?*?*?c";
    rdx_pattern q = rdx_pattern_parse(a, pat2, strlen(pat2), 0);
    CHECK(!rdx_pattern_match(&q, s, n, 0));
    rdx_arena_free(a);
}

TEST(pattern_mod_contains_startswith_endswith) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_pattern p = rdx_pattern_parse(a, "foo", 3, 0);
    rdx_mod_contains(a, &p);
    CHECK_STR(show(a, p), "* \"foo\" *");
    CHECK(rdx_pattern_match(&p, "xxFOOxx", 7, 0));
    CHECK(!rdx_pattern_match(&p, "fo", 2, 0));

    p = rdx_pattern_parse(a, "*foo", 4, 0);
    rdx_mod_contains(a, &p);
    CHECK_STR(show(a, p), "* \"foo\" *");
    p = rdx_pattern_parse(a, "foo*", 4, 0);
    rdx_mod_contains(a, &p);
    CHECK_STR(show(a, p), "* \"foo\" *");
    p = rdx_pattern_parse(a, "", 0, 0);
    rdx_mod_contains(a, &p);
    CHECK_STR(show(a, p), "*");
    p = rdx_pattern_parse(a, "\\*foo\\*", 7, 0);   /* literal stars are not STARs */
    rdx_mod_contains(a, &p);
    CHECK_STR(show(a, p), "* \"*foo*\" *");

    p = rdx_pattern_parse(a, "foo", 3, 0);
    rdx_mod_startswith(a, &p);
    CHECK_STR(show(a, p), "\"foo\" *");
    CHECK(rdx_pattern_match(&p, "foobar", 6, 0));
    CHECK(!rdx_pattern_match(&p, "barfoo", 6, 0));
    rdx_mod_startswith(a, &p);
    CHECK_STR(show(a, p), "\"foo\" *");

    p = rdx_pattern_parse(a, "foo", 3, 0);
    rdx_mod_endswith(a, &p);
    CHECK_STR(show(a, p), "* \"foo\"");
    CHECK(rdx_pattern_match(&p, "barfoo", 6, 0));
    CHECK(!rdx_pattern_match(&p, "foobar", 6, 0));
    rdx_mod_endswith(a, &p);
    CHECK_STR(show(a, p), "* \"foo\"");
    p = rdx_pattern_parse(a, "foo*", 4, 0);
    rdx_mod_endswith(a, &p);
    CHECK_STR(show(a, p), "* \"foo\" *");
    rdx_arena_free(a);
}

TEST(patlist_push_grows) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_patlist l = {0};
    for (int i = 0; i < 100; i++) {
        char buf[8];
        int n = snprintf(buf, sizeof buf, "v%d", i);
        rdx_patlist_push(a, &l, rdx_pattern_literal(a, buf, (size_t)n));
    }
    CHECK_INT(l.count, 100);
    CHECK(rdx_pattern_match(&l.items[42], "v42", 3, 1));
    CHECK(rdx_pattern_match(&l.items[99], "v99", 3, 1));
    rdx_arena_free(a);
}
