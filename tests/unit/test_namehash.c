/* test_namehash.c — rdx_name_hash, eight bytes at a time (event.c): equal
 * up to ASCII case means equal hashes, on random names of every length
 * around the word size, with the bytes its folding must leave alone; and
 * the leaf index built with it answers lookups of names with spaces and
 * dots as a scan of the leaves does. */
#include "harness.h"
#include "ruledex/ruledex.h"

#include <stdint.h>
#include <stdio.h>

#define CHECKF(ok, ...) rdx_test_checkf(!!(ok), __FILE__, __LINE__, __VA_ARGS__)

static uint64_t rnd(uint64_t *x) {   /* xorshift64: the same cases every run */
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* Every byte, with the edges of the folding range more often. */
static unsigned char random_byte(uint64_t *x) {
    static const unsigned char edges[] = {'@', 'A', 'Z', '[', '`', 'a', 'z', '{', ' ', '.',
                                          0x00, 0x7F, 0x80, 0xC1, 0xDA, 0xE1, 0xFA, 0xFF};
    uint64_t r = rnd(x);
    return r % 3 ? edges[(r >> 8) % sizeof edges] : (unsigned char)(r >> 16);
}

static unsigned char fold(unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

TEST(name_hash_folds_ascii_case_only) {
    uint64_t x = 0x2545F4914F6CDD1DULL;
    unsigned char a[40], b[40];
    size_t same = 0, differ = 0, bad = 0;
    for (int round = 0; round < 100000 && bad < 5; round++) {
        size_t len = rnd(&x) % 33;
        for (size_t i = 0; i < len; i++) {
            a[i] = random_byte(&x);
            /* b: a with ASCII letters' case flipped at random ... */
            b[i] = (unsigned char)(fold(a[i]) != a[i] || (a[i] >= 'a' && a[i] <= 'z')
                                       ? (rnd(&x) % 2 ? a[i] ^ 0x20 : a[i]) : a[i]);
        }
        if (len && rnd(&x) % 4 == 0) {   /* ... or one byte changed */
            size_t k = rnd(&x) % len;
            b[k] = random_byte(&x);
        }
        int equal = 1;
        for (size_t i = 0; i < len; i++) equal &= fold(a[i]) == fold(b[i]);
        uint64_t ha = rdx_name_hash((const char *)a, len), hb = rdx_name_hash((const char *)b, len);
        if (equal) {
            same++;
            if (ha != hb) bad++, CHECKF(0, "round %d: names equal up to case, hashes differ", round);
        } else {
            differ++;
            if (ha == hb) bad++, CHECKF(0, "round %d: different names, same hash", round);
        }
    }
    CHECKF(same > 10000 && differ > 10000, "%zu equal and %zu different pairs", same, differ);
    /* the length counts: trailing NULs are bytes of the name */
    CHECK(rdx_name_hash("ab\0", 3) != rdx_name_hash("ab", 2));
    CHECK(rdx_name_hash("", 0) != rdx_name_hash("\0", 1));
    CHECK(rdx_name_hash("TargetFilename", 14) == rdx_name_hash("targetfilename", 14));
    CHECK(rdx_name_hash("\xC3\x89", 2) != rdx_name_hash("\xC3\xA9", 2));   /* no fold outside ASCII */
}

/* Lookups through the index against the same question asked leaf by leaf. */
static size_t scan(const rdx_event *ev, const char *name, size_t len) {
    size_t n = 0;
    for (size_t i = 0; i < ev->n_leaves; i++) {
        const rdx_leaf *l = &ev->leaves[i];
        size_t k = 0;
        while (k < l->name_len && k < len && fold((unsigned char)l->name[k]) == fold((unsigned char)name[k])) k++;
        n += k == len && k == l->name_len;
    }
    return n;
}

TEST(name_hash_index_names_with_spaces_and_dots) {
    static const char *json =
        "{\"Event\":{\"System\":{\"Provider\":{\"#attributes\":{\"Name\":\"P\"}},"
        "\"EventID\":4688,\"Channel\":\"Security\"},"
        "\"EventData\":{\"Threat Name\":\"x\",\"a.b\":\"dot\",\"LongerThanEightBytesName\":\"y\","
        "\"Exactly8\":\"z\",\"sixteen_bytes_16\":\"w\",\"ends.\":\"e\",\".starts\":\"s\"}}}";
    static const char *names[] = {"ThreatName", "threatname", "a.b", "LONGERTHANEIGHTBYTESNAME",
                                  "exactly8", "Sixteen_Bytes_16", "Provider_Name", "EventID",
                                  "Channel", "ends.", ".starts", "Threat Name", "b", "Missing"};
    rdx_arena *a = rdx_arena_new(0);
    rdx_json_error err;
    rdx_value *v = rdx_json_parse(a, json, strlen(json), &err);
    CHECK(v != NULL);
    rdx_event ev;
    rdx_event_init(&ev, a, v);
    rdx_event_index(&ev);
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const rdx_value *out[8];
        size_t len = strlen(names[i]);
        size_t got = rdx_event_lookup(&ev, names[i], len, rdx_name_hash(names[i], len), out, 8);
        size_t want = scan(&ev, names[i], len);
        if (!strcmp(names[i], "Threat Name")) want = scan(&ev, "ThreatName", 10);   /* spaces do not count */
        if (strchr(names[i], '.')) {   /* dotted: by name or by path suffix, at least the name */
            CHECKF(got >= want, "%s: %zu found, %zu by name", names[i], got, want);
        } else {
            CHECKF(got == want, "%s: %zu found, %zu by scan", names[i], got, want);
        }
    }
    rdx_arena_free(a);
}
