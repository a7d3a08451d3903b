/* test_encode.c — windash, base64, base64offset and the UTF-16 modifiers.
 * Expected Base64 strings were computed with Python's base64 module using
 * pySigma's slicing, and are hard-coded here. */
#include "harness.h"
#include "ruledex/sigma_pattern.h"

#include <stdio.h>

static rdx_pattern parse(rdx_arena *a, const char *s) {
    return rdx_pattern_parse(a, s, strlen(s), 0);
}

/* Render a variant for comparison (all test variants are printable). */
static const char *text(rdx_arena *a, const rdx_pattern *p) {
    return rdx_pattern_to_sigma_ex(a, p, 0, NULL);
}

static int list_has(rdx_arena *a, const rdx_patlist *l, const char *want) {
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(text(a, &l->items[i]), want) == 0) return 1;
    return 0;
}

static size_t windash_count(rdx_arena *a, const char *value) {
    rdx_pattern p = parse(a, value);
    rdx_patlist l = {0};
    const char *err = NULL;
    if (!rdx_mod_windash(a, &p, &l, &err)) return 0;
    return l.count;
}

TEST(windash_expands_a_leading_dash) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_pattern p = parse(a, "-foo");
    rdx_patlist l = {0};
    const char *err = NULL;
    CHECK(rdx_mod_windash(a, &p, &l, &err));
    CHECK_INT(l.count, 5);
    CHECK_STR(text(a, &l.items[0]), "-foo");     /* the original first */
    CHECK_STR(text(a, &l.items[1]), "/foo");
    CHECK_STR(text(a, &l.items[2]), "\xE2\x80\x93" "foo");   /* – en dash */
    CHECK_STR(text(a, &l.items[3]), "\xE2\x80\x94" "foo");   /* — em dash */
    CHECK_STR(text(a, &l.items[4]), "\xE2\x80\x95" "foo");   /* ― bar */
    rdx_arena_free(a);
}

TEST(windash_slash_original_first) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_pattern p = parse(a, " /c ");
    rdx_patlist l = {0};
    const char *err = NULL;
    CHECK(rdx_mod_windash(a, &p, &l, &err));
    CHECK_INT(l.count, 5);
    CHECK_STR(text(a, &l.items[0]), " /c ");
    CHECK_STR(text(a, &l.items[1]), " -c ");
    CHECK(list_has(a, &l, " \xE2\x80\x95" "c "));
    rdx_arena_free(a);
}

/* Which dashes count: pySigma's \B[-/]\b (checked against Python's re). */
TEST(windash_which_dashes) {
    rdx_arena *a = rdx_arena_new(0);
    CHECK_INT(windash_count(a, "a-b"), 1);            /* inside a word */
    CHECK_INT(windash_count(a, "x/y"), 1);
    CHECK_INT(windash_count(a, "--foo"), 5);          /* only the second */
    CHECK_INT(windash_count(a, " -e "), 5);
    CHECK_INT(windash_count(a, " /c -x"), 25);
    CHECK_INT(windash_count(a, "-"), 1);              /* nothing follows */
    CHECK_INT(windash_count(a, "- x"), 1);            /* space follows */
    CHECK_INT(windash_count(a, "a -b/c"), 5);         /* b/c: inside a word */
    CHECK_INT(windash_count(a, "\xC3\xA9-x"), 1);     /* é is a word char */
    CHECK_INT(windash_count(a, "-\xC3\xA9"), 5);      /* ... also after */
    CHECK_INT(windash_count(a, "\xE2\x80\x94x"), 1);  /* an em dash is not expanded */
    CHECK_INT(windash_count(a, "\xE2\x80\x9C-x"), 5); /* “ is not a word char */
    CHECK_INT(windash_count(a, ""), 1);
    rdx_arena_free(a);
}

TEST(windash_wildcard_neighbours) {
    rdx_arena *a = rdx_arena_new(0);
    /* After a wildcard the dash starts a literal run: like the start. */
    CHECK_INT(windash_count(a, "*-foo"), 5);
    CHECK_INT(windash_count(a, "a?-foo"), 5);
    /* Before a wildcard the run ends: \b fails, no expansion. */
    CHECK_INT(windash_count(a, " -*"), 1);
    CHECK_INT(windash_count(a, " -?x"), 1);
    rdx_pattern p = parse(a, "*cmd* -enc *");
    rdx_patlist l = {0};
    const char *err = NULL;
    CHECK(rdx_mod_windash(a, &p, &l, &err));
    CHECK_INT(l.count, 5);
    CHECK_STR(text(a, &l.items[1]), "*cmd* /enc *");
    CHECK(rdx_pattern_match(&l.items[1], "cmd.exe /ENC abc", 16, 0));
    CHECK(!rdx_pattern_match(&l.items[0], "cmd.exe /ENC abc", 16, 0));
    rdx_arena_free(a);
}

TEST(windash_all_combinations) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_pattern p = parse(a, "-a -b");
    rdx_patlist l = {0};
    const char *err = NULL;
    CHECK(rdx_mod_windash(a, &p, &l, &err));
    CHECK_INT(l.count, 25);
    CHECK_STR(text(a, &l.items[0]), "-a -b");
    CHECK_STR(text(a, &l.items[1]), "-a /b");          /* last dash varies fastest */
    CHECK_STR(text(a, &l.items[5]), "/a -b");
    CHECK(list_has(a, &l, "\xE2\x80\x95" "a \xE2\x80\x93" "b"));
    /* No two variants are the same. */
    int dup = 0;
    for (size_t i = 0; i < l.count; i++)
        for (size_t j = i + 1; j < l.count; j++)
            dup |= rdx_pattern_equal(&l.items[i], &l.items[j]);
    CHECK(!dup);
    rdx_arena_free(a);
}

TEST(windash_limit) {
    rdx_arena *a = rdx_arena_new(0);
    CHECK_INT(windash_count(a, "-a -b -c -d -e -f"), 15625);
    rdx_pattern p = parse(a, "-a -b -c -d -e -f -g -h -i");
    rdx_patlist l = {0};
    const char *err = NULL;
    CHECK(!rdx_mod_windash(a, &p, &l, &err));
    CHECK(err && strncmp(err, "windash: too many dashes", 24) == 0);
    rdx_arena_free(a);
}

static const char *b64(rdx_arena *a, const char *value) {
    rdx_pattern p = rdx_pattern_literal(a, value, strlen(value));
    rdx_patlist l = {0};
    const char *err = NULL;
    if (!rdx_mod_base64(a, &p, &l, &err) || l.count != 1) return "(error)";
    return text(a, &l.items[0]);
}

TEST(base64_encodes_literal_bytes) {
    rdx_arena *a = rdx_arena_new(0);
    CHECK_STR(b64(a, "/bin/sh"), "L2Jpbi9zaA==");
    CHECK_STR(b64(a, "a"), "YQ==");
    CHECK_STR(b64(a, "ab"), "YWI=");
    CHECK_STR(b64(a, "abc"), "YWJj");
    CHECK_STR(b64(a, ""), "");
    CHECK_STR(b64(a, "\xFF\xFE\xFD"), "//79");
    CHECK_STR(b64(a, "Invoke-Mimikatz"), "SW52b2tlLU1pbWlrYXR6");
    rdx_arena_free(a);
}

TEST(base64_rejects_wildcards) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_patlist l = {0};
    const char *err = NULL;
    rdx_pattern p = parse(a, "foo*");
    CHECK(!rdx_mod_base64(a, &p, &l, &err));
    CHECK_STR(err, "base64 of a value with wildcards is not allowed");
    err = NULL;
    p = parse(a, "f?o");
    CHECK(!rdx_mod_base64offset(a, &p, &l, &err));
    CHECK_STR(err, "base64 of a value with wildcards is not allowed");
    p = parse(a, "f\\*o");   /* an escaped star is a plain character */
    CHECK(rdx_mod_base64(a, &p, &l, &err));
    CHECK_STR(text(a, &l.items[0]), "Zipv");
    p = rdx_pattern_parse(a, "%x%", 3, 1);
    CHECK(!rdx_mod_base64(a, &p, &l, &err));
    CHECK_INT(l.count, 1);
    rdx_arena_free(a);
}

static void b64off(rdx_arena *a, const void *value, size_t n, const char *w0, const char *w1,
                   const char *w2) {
    rdx_pattern p = rdx_pattern_literal(a, value, n);
    rdx_patlist l = {0};
    const char *err = NULL;
    CHECK(rdx_mod_base64offset(a, &p, &l, &err));
    CHECK_INT(l.count, 3);
    if (l.count != 3) return;
    CHECK_STR(text(a, &l.items[0]), w0);
    CHECK_STR(text(a, &l.items[1]), w1);
    CHECK_STR(text(a, &l.items[2]), w2);
}

TEST(base64offset_matches_pysigma) {
    rdx_arena *a = rdx_arena_new(0);
    b64off(a, "/bin/sh", 7, "L2Jpbi9za", "9iaW4vc2", "vYmluL3No");
    b64off(a, "Invoke-Mimikatz", 15, "SW52b2tlLU1pbWlrYXR6", "ludm9rZS1NaW1pa2F0e",
           "JbnZva2UtTWltaWthdH");
    b64off(a, "abc", 3, "YWJj", "FiY", "hYm");
    b64off(a, "ab", 2, "YW", "Fi", "hY");
    b64off(a, "a", 1, "Y", "", "h");          /* empty middle, as pySigma */
    b64off(a, "", 0, "", "", "");
    b64off(a, "c\0m\0d\0", 6, "YwBtAGQA", "MAbQBkA", "jAG0AZA");   /* wide cmd */
    b64off(a, "\xC3\xA9", 2, "w6", "Op", "Dq");   /* é: byte length, not chars */
    rdx_arena_free(a);
}

/* The point of base64offset: one of the variants occurs in the encoding of
 * any text that contains the value, at any offset. */
TEST(base64offset_finds_value_at_every_offset) {
    rdx_arena *a = rdx_arena_new(0);
    static const char *const hosts[] = {"/bin/sh -c", "x/bin/sh", "xy/bin/sh;", "echo hi; /bin/sh"};
    rdx_pattern p = parse(a, "/bin/sh");
    rdx_patlist l = {0};
    const char *err = NULL;
    CHECK(rdx_mod_base64offset(a, &p, &l, &err));
    for (size_t i = 0; i < l.count; i++) rdx_mod_contains(a, &l.items[i]);
    for (size_t h = 0; h < 4; h++) {
        rdx_pattern hp = rdx_pattern_literal(a, hosts[h], strlen(hosts[h]));
        rdx_patlist enc = {0};
        CHECK(rdx_mod_base64(a, &hp, &enc, &err));
        const char *e = text(a, &enc.items[0]);
        int hit = 0;
        for (size_t i = 0; i < l.count; i++) hit |= rdx_pattern_match(&l.items[i], e, strlen(e), 1);
        rdx_test_checkf(hit, __FILE__, __LINE__, "no variant found in base64 of '%s'", hosts[h]);
    }
    rdx_arena_free(a);
}

static int bytes_are(const rdx_seg *s, const char *want, size_t n) {
    return s->kind == RDX_SEG_LIT && s->len == n && memcmp(s->bytes, want, n) == 0;
}

TEST(utf16_spec_examples) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_pattern p = parse(a, "cmd"), q;
    const char *err = NULL;
    CHECK(rdx_mod_utf16(a, &p, RDX_UTF16LE, &q, &err));
    CHECK_INT(q.n_segs, 1);
    CHECK(bytes_are(&q.segs[0], "\x63\x00\x6d\x00\x64\x00", 6));
    CHECK(rdx_mod_utf16(a, &p, RDX_UTF16BE, &q, &err));
    CHECK(bytes_are(&q.segs[0], "\x00\x63\x00\x6d\x00\x64", 6));
    CHECK(rdx_mod_utf16(a, &p, RDX_UTF16BOM, &q, &err));
    CHECK(bytes_are(&q.segs[0], "\xFF\xFE\x63\x00\x6d\x00\x64\x00", 8));
    CHECK(rdx_pattern_match(&q, "\xFF\xFE" "c\0m\0d\0", 8, 1));
    CHECK(!rdx_pattern_match(&q, "c\0m\0d\0", 6, 1));
    rdx_arena_free(a);
}

TEST(utf16_non_ascii_and_surrogates) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_pattern q;
    const char *err = NULL;
    rdx_pattern p = parse(a, "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");   /* é € 😀 */
    CHECK(rdx_mod_utf16(a, &p, RDX_UTF16LE, &q, &err));
    CHECK(bytes_are(&q.segs[0], "\xE9\x00\xAC\x20\x3D\xD8\x00\xDE", 8));
    CHECK(rdx_mod_utf16(a, &p, RDX_UTF16BE, &q, &err));
    CHECK(bytes_are(&q.segs[0], "\x00\xE9\x20\xAC\xD8\x3D\xDE\x00", 8));
    p = parse(a, "a\xFF");
    CHECK(!rdx_mod_utf16(a, &p, RDX_UTF16LE, &q, &err));
    CHECK_STR(err, "utf16: the value is not valid UTF-8");
    p = parse(a, "\xED\xA0\x80");   /* an encoded lone surrogate */
    CHECK(!rdx_mod_utf16(a, &p, RDX_UTF16LE, &q, &err));
    rdx_arena_free(a);
}

TEST(utf16_keeps_wildcards) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_pattern p = parse(a, "*ab?c*"), q;
    const char *err = NULL;
    CHECK(rdx_mod_utf16(a, &p, RDX_UTF16LE, &q, &err));
    CHECK_INT(q.n_segs, 6);   /* * "a.b." ? ? "c." * */
    CHECK(q.segs[0].kind == RDX_SEG_STAR);
    CHECK(bytes_are(&q.segs[1], "a\0b\0", 4));
    CHECK(q.segs[2].kind == RDX_SEG_ONE && q.segs[3].kind == RDX_SEG_ONE);
    CHECK(q.segs[5].kind == RDX_SEG_STAR);
    CHECK(rdx_pattern_match(&q, "x\0a\0b\0Z\0c\0y\0", 12, 1));
    CHECK(!rdx_pattern_match(&q, "x\0a\0b\0c\0y\0", 10, 1));
    CHECK(rdx_mod_utf16(a, &p, RDX_UTF16BOM, &q, &err));
    CHECK(bytes_are(&q.segs[0], "\xFF\xFE", 2));   /* BOM before the STAR */
    CHECK(q.segs[1].kind == RDX_SEG_STAR);
    p = parse(a, "");
    CHECK(rdx_mod_utf16(a, &p, RDX_UTF16BOM, &q, &err));
    CHECK(q.n_segs == 1 && bytes_are(&q.segs[0], "\xFF\xFE", 2));
    CHECK(rdx_mod_utf16(a, &p, RDX_UTF16LE, &q, &err));
    CHECK_INT(q.n_segs, 0);
    rdx_arena_free(a);
}

/* The common chain |wide|base64offset|contains, as in PowerShell rules. */
TEST(wide_then_base64offset) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_pattern p = parse(a, "cmd"), q;
    const char *err = NULL;
    rdx_patlist l = {0};
    CHECK(rdx_mod_utf16(a, &p, RDX_UTF16LE, &q, &err));
    CHECK(rdx_mod_base64offset(a, &q, &l, &err));
    CHECK_INT(l.count, 3);
    CHECK_STR(text(a, &l.items[0]), "YwBtAGQA");
    CHECK_STR(text(a, &l.items[1]), "MAbQBkA");
    CHECK_STR(text(a, &l.items[2]), "jAG0AZA");
    rdx_arena_free(a);
}
