/* test_fastglob.c — the fast glob shapes against the reference glob
 * (rdx_pattern_match): targeted edge cases, then a random differential. */
#include "harness.h"
#include "engine/fastglob.h"
#include "ruledex/sigma_pattern.h"

#include <stdint.h>
#include <stdio.h>

#define CHECKF(ok, ...) rdx_test_checkf(!!(ok), __FILE__, __LINE__, __VA_ARGS__)

/* Fast and reference agree; returns the fast answer (-1: not handled). */
static int both(const rdx_pattern *p, const char *s, size_t len, int cased) {
    int fast = rdx_fastglob_match(p, s, len, cased);
    int ref = rdx_pattern_match(p, s, len, cased);
    CHECKF(fast < 0 || fast == ref, "fast %d, reference %d on \"%.*s\" (cased %d)", fast, ref,
           (int)len, s, cased);
    return fast;
}

static int sigma(rdx_arena *a, const char *pat, const char *s, int cased) {
    rdx_pattern p = rdx_pattern_parse(a, pat, strlen(pat), 0);
    return both(&p, s, strlen(s), cased);
}

TEST(fastglob_shapes) {
    rdx_arena *a = rdx_arena_new(0);
    /* exact, prefix, suffix, contains, and both ends */
    CHECK_INT(sigma(a, "cmd.exe", "CMD.EXE", 0), 1);
    CHECK_INT(sigma(a, "cmd.exe", "CMD.EXE", 1), 0);
    CHECK_INT(sigma(a, "cmd.exe", "cmd.exe ", 0), 0);
    CHECK_INT(sigma(a, "C:\\Windows\\\\*", "c:\\windows\\x", 0), 1);   /* \\* is \ then *: Sigma escapes */
    CHECK_INT(sigma(a, "*\\cmd.exe", "C:\\x\\Cmd.Exe", 0), 1);
    CHECK_INT(sigma(a, "*\\cmd.exe", "C:\\x\\cmd.exe.bak", 0), 0);
    CHECK_INT(sigma(a, "*-enc*", "powershell -ENC abc", 0), 1);
    CHECK_INT(sigma(a, "*-enc*", "powershell -EN", 0), 0);
    CHECK_INT(sigma(a, "a*b*c", "aXbYc", 0), 1);
    CHECK_INT(sigma(a, "a*b*c", "ac", 0), 0);
    /* prefix and suffix may not overlap */
    CHECK_INT(sigma(a, "ab*ba", "aba", 0), 0);
    CHECK_INT(sigma(a, "ab*ba", "abba", 0), 1);
    /* empty values and empty patterns */
    CHECK_INT(sigma(a, "", "", 0), 1);
    CHECK_INT(sigma(a, "", "x", 0), 0);
    CHECK_INT(sigma(a, "*", "", 0), 1);
    CHECK_INT(sigma(a, "**", "anything", 0), 1);
    CHECK_INT(sigma(a, "*x*", "", 0), 0);
    /* an escaped * is a literal */
    CHECK_INT(sigma(a, "a\\*b", "a*b", 0), 1);
    CHECK_INT(sigma(a, "a\\*b", "aXb", 0), 0);
    CHECK_INT(sigma(a, "*\\**", "x*y", 0), 1);
    /* case folding is ASCII letters only: '@' is not '`', '[' is not '{' */
    CHECK_INT(sigma(a, "*@*", "x`y", 0), 0);
    CHECK_INT(sigma(a, "[x", "{x", 0), 0);
    /* ASCII literals next to non-ASCII and invalid bytes in the value */
    CHECK_INT(sigma(a, "*k", "\xC3\xA9k", 0), 1);
    CHECK_INT(sigma(a, "k*", "K\xE2\x84\xAA", 0), 1);
    CHECK_INT(sigma(a, "k", "\xE2\x84\xAA", 0), 0);   /* Kelvin sign: no fold to ASCII */
    CHECK_INT(sigma(a, "*a*", "\xC3" "a\xFF", 0), 1);
    CHECK_INT(sigma(a, "*i*", "\xC4\xB0", 0), 0);      /* dotted capital I */
    /* characters that do not fold compare by bytes: windash's dashes, CJK,
     * and every valid character when cased */
    CHECK_INT(sigma(a, "* \xE2\x80\x93" "enc*", "x \xE2\x80\x93" "ENC y", 0), 1);
    CHECK_INT(sigma(a, "* \xE2\x80\x93" "enc*", "x \xE2\x80\x94" "enc y", 0), 0);
    CHECK_INT(sigma(a, "*\xE2\x80\x93", "\xE2\x80\xE2\x80\x93", 0), 1);
    CHECK_INT(sigma(a, "*\xE5\xAD\x97*", "\xE5\xAD\xE5\xAD\x97", 0), 1);
    CHECK_INT(sigma(a, "*\xC3\xA9*", "\xC3\x89", 1), 0);
    CHECK_INT(sigma(a, "*\xC3\xA9*", "x\xC3\xA9", 1), 1);
    /* left to the general glob: ?, folding letters when caseless, invalid
     * UTF-8, placeholders */
    CHECK_INT(sigma(a, "a?c", "abc", 0), -1);
    CHECK_INT(sigma(a, "*\xC3\xA9*", "\xC3\x89", 0), -1);
    CHECK_INT(sigma(a, "*\xE2\x80", "\xE2\x80", 0), -1);
    rdx_pattern ph = rdx_pattern_parse(a, "%x%", 3, 1);
    CHECK_INT(both(&ph, "%x%", 3, 0), -1);
    /* two literals in a row (a parse never makes them, a front-end might) */
    rdx_seg segs[3] = {{RDX_SEG_STAR, NULL, 0}, {RDX_SEG_LIT, (const unsigned char *)"ab", 2},
                       {RDX_SEG_LIT, (const unsigned char *)"c", 1}};
    rdx_pattern two = {segs, 3};
    CHECK_INT(both(&two, "abxabc", 6, 0), -1);
    rdx_arena_free(a);
}

/* ---- random differential ------------------------------------------------ */

static uint64_t rnd(uint64_t *x) {   /* xorshift64: the same cases every run */
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* Pieces of values and literals: letters of both cases, the characters
 * folding treats specially, UTF-8 letters, a Kelvin sign, invalid bytes. */
static const char *const pieces[] = {"a", "A", "b", "B", "k", "K", "\\", "*", ".", "-", "@",
                                     "`", "[", "{", "0", "\xC3\xA9", "\xC3\x89", "\xC3",
                                     "\xFF", "\xE2\x84\xAA", " ", "\xE2\x80\x93",
                                     "\xE2\x80", "\x93", "\xE5\xAD\x97"};
#define N_PIECES (sizeof pieces / sizeof *pieces)

static size_t random_text(uint64_t *x, char *out, size_t max_pieces, int ascii_only) {
    size_t n = rnd(x) % (max_pieces + 1), len = 0;
    for (size_t i = 0; i < n; i++) {
        const char *p;
        do p = pieces[rnd(x) % N_PIECES];
        while (ascii_only && (unsigned char)p[0] >= 0x80);
        size_t k = strlen(p);
        memcpy(out + len, p, k);
        len += k;
    }
    return len;
}

TEST(fastglob_random_differential) {
    uint64_t x = 0x9E3779B97F4A7C15ULL;
    char lit[6][64], subj[512];
    size_t handled = 0, matched = 0;
    for (int round = 0; round < 200000; round++) {
        rdx_seg segs[6];
        size_t n = rnd(&x) % 6;
        for (size_t i = 0; i < n; i++) {
            int kind = (int)(rnd(&x) % 8);
            if (kind < 3) {
                segs[i] = (rdx_seg){RDX_SEG_STAR, NULL, 0};
            } else {
                size_t len = random_text(&x, lit[i], 3, kind < 6);
                segs[i] = (rdx_seg){kind == 3 && round % 50 == 0 ? RDX_SEG_ONE : RDX_SEG_LIT,
                                    (const unsigned char *)lit[i], len};
            }
        }
        rdx_pattern p = {segs, n};
        /* A subject built from the literals with random text between them
         * matches often; a purely random one rarely does. */
        size_t len = 0;
        for (size_t i = 0; i < n; i++) {
            len += random_text(&x, subj + len, rnd(&x) % 2 ? 0 : 3, 0);
            if (segs[i].kind == RDX_SEG_LIT && rnd(&x) % 4) {
                for (size_t k = 0; k < segs[i].len; k++) {   /* with random case flips */
                    unsigned char c = segs[i].bytes[k];
                    subj[len++] = (char)((rnd(&x) % 2 && ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
                                             ? c ^ 0x20 : c);
                }
            }
        }
        len += random_text(&x, subj + len, rnd(&x) % 2 ? 0 : 3, 0);
        int cased = (int)(rnd(&x) % 3 == 0);
        int fast = rdx_fastglob_match(&p, subj, len, cased);
        int ref = rdx_pattern_match(&p, subj, len, cased);
        if (fast >= 0) {
            handled++;
            matched += ref;
            if (fast != ref) {
                CHECKF(0, "round %d: fast %d, reference %d", round, fast, ref);
                break;
            }
        }
    }
    CHECKF(handled > 100000, "only %zu of 200000 cases had a fast shape", handled);
    CHECKF(matched > handled / 10 && matched < handled - handled / 10,
           "%zu of %zu handled cases matched: too one-sided to test much", matched, handled);
}

/* Patterns the byte compares do not take (`?`, literals with letters the
 * reference folds, invalid bytes) on ASCII values: a non-ASCII literal
 * answers 0 at once (non_ascii_on_ascii), as the reference does, and
 * everything else is still left to it. */
TEST(fastglob_non_ascii_literal_on_ascii_value) {
    uint64_t x = 0x2545F4914F6CDD1DULL;
    char lit[6][64], subj[512];
    size_t decided = 0;
    for (int round = 0; round < 100000; round++) {
        rdx_seg segs[6];
        size_t n = 1 + rnd(&x) % 5;
        for (size_t i = 0; i < n; i++) {
            int kind = (int)(rnd(&x) % 6);
            size_t len = random_text(&x, lit[i], 3, 0);
            segs[i] = kind == 0   ? (rdx_seg){RDX_SEG_STAR, NULL, 0}
                      : kind == 1 ? (rdx_seg){RDX_SEG_ONE, NULL, 0}
                                  : (rdx_seg){RDX_SEG_LIT, (const unsigned char *)lit[i], len};
        }
        rdx_pattern p = {segs, n};
        size_t len = random_text(&x, subj, 12, 1);
        int cased = (int)(rnd(&x) % 3 == 0);
        int fast = rdx_fastglob_match(&p, subj, len, cased);
        int ref = rdx_pattern_match(&p, subj, len, cased);
        decided += fast == 0;
        if (fast >= 0 && fast != ref) {
            CHECKF(0, "round %d: fast %d, reference %d on \"%.*s\"", round, fast, ref, (int)len,
                   subj);
            break;
        }
    }
    CHECKF(decided > 20000, "only %zu cases decided", decided);
    rdx_arena *a = rdx_arena_new(0);
    CHECK_INT(sigma(a, "*\xD0\xB0" "dmin*", "administrator", 0), 0);   /* Cyrillic a */
    CHECK_INT(sigma(a, "*\xE2\x84\xAA*", "k", 0), 0);              /* Kelvin is not k */
    CHECK_INT(sigma(a, "*\xC3\xA9?", "x\xC3\x89y", 0), -1);       /* a non-ASCII value */
    CHECK_INT(sigma(a, "a?c", "abc", 0), -1);                          /* ASCII: the reference */
    rdx_arena_free(a);
}

/* The leftmost start by the definition: every start, every byte folded as
 * eq() folds (an ASCII letter of the literal matches either case). */
static size_t naive_find(const unsigned char *s, size_t from, size_t to, const unsigned char *b,
                         size_t n, int cased) {
    for (size_t i = from; to >= n && i <= to - n; i++) {
        size_t k = 0;
        for (; k < n; k++) {
            unsigned char x = s[i + k], y = b[k];
            int letter = (y | 0x20) >= 'a' && (y | 0x20) <= 'z';
            if (x != y && (cased || !letter || (x | 0x20) != (y | 0x20))) break;
        }
        if (k == n) return i;
    }
    return (size_t)-1;
}

/* The block search (16 starts at a time on the first and last bytes) finds
 * what the definition finds: literals of 1 to 40 bytes over a small
 * alphabet where first and last bytes recur (so many blocks pass the
 * filter and fail the compare), both cases of letters and the bytes that
 * OR 0x20 maps onto letters ('@' and '[' fold to '`' and '{', never to a
 * letter), every offset from 0 to past the block width, windows that end
 * inside a block, and the case where the only match is the last start. */
TEST(fastglob_find_differential) {
    static const unsigned char alphabet[] = "aAbB\\-@[` {zZ9\xe2\x80\x93";
    uint64_t x = 0xD1B54A32D192ED03ULL;
    unsigned char s[300], b[48];
    size_t found = 0, rounds = 300000;
    for (size_t round = 0; round < rounds; round++) {
        size_t len = rnd(&x) % 260, n = 1 + rnd(&x) % 40;
        size_t alpha = 2 + rnd(&x) % (sizeof alphabet - 2);   /* small alphabets repeat more */
        for (size_t i = 0; i < len; i++) s[i] = alphabet[rnd(&x) % alpha];
        for (size_t i = 0; i < n; i++) b[i] = alphabet[rnd(&x) % alpha];
        if (len >= n && rnd(&x) % 2) {   /* plant it, case flipped at random, often at the end */
            size_t at = rnd(&x) % 3 == 0 ? len - n : rnd(&x) % (len - n + 1);
            for (size_t i = 0; i < n; i++) {
                unsigned char c = b[i];
                int letter = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
                s[at + i] = letter && rnd(&x) % 2 ? c ^ 0x20 : c;
            }
        }
        size_t from = 0, to = len;   /* the whole value half the time, else a window */
        if (rnd(&x) % 2) {
            from = rnd(&x) % (len + 1);
            to = from + rnd(&x) % (len - from + 1);
        }
        int cased = (int)(rnd(&x) % 3 == 0);
        size_t want = naive_find(s, from, to, b, n, cased);
        size_t got = rdx_fastglob_find(s, from, to, b, n, cased);
        found += want != (size_t)-1;
        if (got != want) {
            CHECKF(0, "round %zu: [%zu, %zu) of %zu bytes, literal of %zu, cased %d: found %zd, "
                   "want %zd", round, from, to, len, n, cased, (ssize_t)got, (ssize_t)want);
            break;
        }
    }
    CHECKF(found > rounds / 5 && found < rounds - rounds / 5,
           "%zu of %zu searches found the literal: too one-sided to test much", found, rounds);
    /* An empty window, a window shorter than the literal, from past to. */
    const unsigned char *t = (const unsigned char *)"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxabc";
    CHECK_INT((long long)rdx_fastglob_find(t, 0, 35, (const unsigned char *)"ABC", 3, 0), 32);
    CHECK_INT((long long)rdx_fastglob_find(t, 0, 35, (const unsigned char *)"ABC", 3, 1), -1);
    CHECK_INT((long long)rdx_fastglob_find(t, 33, 35, (const unsigned char *)"abc", 3, 0), -1);
    CHECK_INT((long long)rdx_fastglob_find(t, 20, 10, (const unsigned char *)"x", 1, 0), -1);
}
