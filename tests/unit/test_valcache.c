/* The scan's value cache (src/engine/valcache.h): what it keeps, what it
 * refuses, how it starts over, and when it turns itself off.  The
 * matcher's differential tests (test_matcher.c) check that the hits are
 * the same with it and without it. */
#include "harness.h"
#include "engine/valcache.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int get(rdx_valcache *c, unsigned db, const char *text, const uint32_t **ids, size_t *n) {
    const unsigned char *u = (const unsigned char *)text;
    return rdx_valcache_get(c, db, u, strlen(text), rdx_valcache_hash(u, strlen(text)), ids, n);
}

static void put(rdx_valcache *c, unsigned db, const char *text, const uint32_t *ids, size_t n) {
    const unsigned char *u = (const unsigned char *)text;
    rdx_valcache_put(c, db, u, strlen(text), rdx_valcache_hash(u, strlen(text)), ids, n);
}

/* A value comes back with its atoms, for the database that found them;
 * values that differ by case, by a byte or by length are other values. */
TEST(valcache_keeps_atoms_per_value_and_database) {
    rdx_valcache *c = rdx_valcache_new();
    const uint32_t cmd[] = {412, 9001}, none[] = {0};
    const uint32_t *ids;
    size_t n;
    CHECK(!get(c, 0, "C:\\Windows\\cmd.exe", &ids, &n));
    put(c, 0, "C:\\Windows\\cmd.exe", cmd, 2);
    put(c, 0, "NT AUTHORITY\\SYSTEM", none, 0);
    CHECK(get(c, 0, "C:\\Windows\\cmd.exe", &ids, &n));
    CHECK(n == 2 && ids[0] == 412 && ids[1] == 9001);
    CHECK(get(c, 0, "NT AUTHORITY\\SYSTEM", &ids, &n));
    CHECK_INT(n, 0);
    CHECK(!get(c, 1, "C:\\Windows\\cmd.exe", &ids, &n));      /* another database */
    CHECK(!get(c, 0, "C:\\WINDOWS\\cmd.exe", &ids, &n));      /* cased atoms tell these apart */
    CHECK(!get(c, 0, "C:\\Windows\\cmd.ex", &ids, &n));
    CHECK(!get(c, 0, "C:\\Windows\\cmd.exe ", &ids, &n));
    put(c, 0, "", none, 0);
    CHECK(get(c, 0, "", &ids, &n));
    uint64_t lookups, hits;
    rdx_valcache_counts(c, &lookups, &hits);
    CHECK_INT(lookups, 8);
    CHECK_INT(hits, 3);
    rdx_valcache_free(c);
}

/* Two values given the same hash: the bytes decide, never the hash. */
TEST(valcache_same_hash_other_value_misses) {
    rdx_valcache *c = rdx_valcache_new();
    const uint32_t a[] = {1}, b[] = {2, 3};
    const uint32_t *ids;
    size_t n;
    rdx_valcache_put(c, 0, (const unsigned char *)"alpha", 5, 42, a, 1);
    CHECK(!rdx_valcache_get(c, 0, (const unsigned char *)"omega", 5, 42, &ids, &n));
    rdx_valcache_put(c, 0, (const unsigned char *)"omega", 5, 42, b, 2);
    CHECK(rdx_valcache_get(c, 0, (const unsigned char *)"alpha", 5, 42, &ids, &n));
    CHECK(n == 1 && ids[0] == 1);
    CHECK(rdx_valcache_get(c, 0, (const unsigned char *)"omega", 5, 42, &ids, &n));
    CHECK(n == 2 && ids[0] == 2 && ids[1] == 3);
    /* the hash function itself: every byte and the length count */
    const unsigned char v[] = "abcdefghijklmnopq";
    CHECK(rdx_valcache_hash(v, 17) != rdx_valcache_hash(v, 16));
    CHECK(rdx_valcache_hash(v, 3) != rdx_valcache_hash(v + 1, 3));
    CHECK(rdx_valcache_hash(v, 0) != 0);
    rdx_valcache_free(c);
}

/* A value longer than the limit is never kept; many values make the cache
 * start over, and it goes on keeping new ones. */
TEST(valcache_bounded) {
    rdx_valcache *c = rdx_valcache_new();
    const uint32_t one[] = {7};
    const uint32_t *ids;
    size_t n;
    char big[RDX_VALCACHE_MAX_VALUE + 2];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    put(c, 0, big, one, 1);
    CHECK(!get(c, 0, big, &ids, &n));
    big[RDX_VALCACHE_MAX_VALUE] = 0;   /* at the limit: kept */
    put(c, 0, big, one, 1);
    CHECK(get(c, 0, big, &ids, &n));
    char v[32];
    int kept = 0, puts = 4 * RDX_VALCACHE_SLOTS;
    for (int i = 0; i < puts; i++) {
        snprintf(v, sizeof v, "value %d", i);
        put(c, 0, v, one, 1);
        kept += get(c, 0, v, &ids, &n);   /* a crowded probe may refuse a few */
    }
    CHECK(kept > puts - puts / 100);
    snprintf(v, sizeof v, "value %d", 0);
    CHECK(!get(c, 0, v, &ids, &n));                   /* started over since */
    snprintf(v, sizeof v, "value %d", 4 * RDX_VALCACHE_SLOTS - 1);
    CHECK(get(c, 0, v, &ids, &n) && n == 1 && ids[0] == 7);
    rdx_valcache_free(c);
}

/* When values do not come back, the cache says "off" for a while (the
 * matcher then scans values joined), then tries again. */
TEST(valcache_turns_off_when_nothing_repeats) {
    rdx_valcache *c = rdx_valcache_new();
    const uint32_t *ids;
    size_t n;
    char v[32];
    int i = 0;
    CHECK(rdx_valcache_on(c));
    for (; i < 4096 && rdx_valcache_on(c); i++) {   /* unique values: every lookup misses */
        snprintf(v, sizeof v, "unique %d", i);
        get(c, 0, v, &ids, &n);
        put(c, 0, v, NULL, 0);
    }
    CHECK_INT(i, 4096);
    int off = 0;
    while (!rdx_valcache_on(c) && off < 100000) off++;
    CHECK_INT(off, 8192);
    /* values that repeat keep it on */
    put(c, 0, "svchost.exe", NULL, 0);
    for (i = 0; i < 3 * 4096; i++) {
        CHECK(rdx_valcache_on(c));
        if (!rdx_valcache_on(c)) break;
        get(c, 0, i % 3 ? "svchost.exe" : "once", &ids, &n);
    }
    rdx_valcache_free(c);
}
