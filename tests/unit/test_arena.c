/* test_arena.c — the region allocator (include/ruledex/arena.h): the
 * inline bump and the slow path give aligned, disjoint, intact blocks of
 * any size; reset keeps one block and forgets the rest; rdx_arena_used
 * counts what was handed out. */
#include "harness.h"
#include "ruledex/arena.h"

#include <stdint.h>
#include <stdio.h>

#define CHECKF(ok, ...) rdx_test_checkf(!!(ok), __FILE__, __LINE__, __VA_ARGS__)

static size_t rounded(size_t n) { return n ? (n + 15) & ~(size_t)15 : 16; }

/* Sizes from 0 to past the block size, in a pattern that fills blocks
 * exactly, leaves slivers, and asks for blocks of their own; each
 * allocation is filled with its own byte and all are checked at the end. */
static void fill_and_check(rdx_arena *a, size_t block) {
    enum { N = 3000 };
    static unsigned char *p[N];
    static size_t len[N];
    size_t want_used = 0;
    uint64_t x = 0x9E3779B97F4A7C15ULL;
    for (size_t i = 0; i < N; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        size_t n = i % 97 == 0 ? block / 4 + x % block   /* a block of its own */
                   : i % 13 == 0 ? 0 : x % 200;
        p[i] = rdx_arena_alloc(a, n);
        len[i] = n;
        CHECKF(((uintptr_t)p[i] & 15) == 0, "allocation %zu of %zu bytes is not 16-byte aligned", i, n);
        const rdx_arena_bump *room = (const rdx_arena_bump *)(const void *)a;
        if (room->cur > room->end || ((room->end - room->cur) & 15)) {
            CHECKF(0, "allocation %zu of %zu bytes left the room at %td bytes", i, n,
                   room->end - room->cur);
            return;
        }
        memset(p[i], (int)(i & 0xFF), n);
        want_used += rounded(n);
    }
    int intact = 1;
    for (size_t i = 0; i < N && intact; i++)
        for (size_t k = 0; k < len[i]; k++)
            if (p[i][k] != (unsigned char)(i & 0xFF)) {
                CHECKF(0, "allocation %zu was overwritten at byte %zu", i, k);
                intact = 0;
                break;
            }
    CHECK_INT(rdx_arena_used(a), want_used);
}

TEST(arena_blocks_are_aligned_disjoint_and_counted) {
    size_t sizes[] = {0, 100, 4096, 64 * 1024};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        rdx_arena *a = rdx_arena_new(sizes[s]);
        fill_and_check(a, sizes[s] ? (sizes[s] + 15) & ~(size_t)15 : 64 * 1024);
        rdx_arena_reset(a);
        CHECK_INT(rdx_arena_used(a), 0);
        fill_and_check(a, sizes[s] ? (sizes[s] + 15) & ~(size_t)15 : 64 * 1024);   /* after a reset too */
        rdx_arena_free(a);
    }
}

TEST(arena_zalloc_strndup_grow) {
    rdx_arena *a = rdx_arena_new(256);
    unsigned char *junk = rdx_arena_alloc(a, 64);
    memset(junk, 0xAB, 64);
    rdx_arena_reset(a);   /* the same block again: zalloc must clear what was there */
    unsigned char *z = rdx_arena_zalloc(a, 64);
    int zero = 1;
    for (size_t i = 0; i < 64; i++) zero &= z[i] == 0;
    CHECK(zero);
    char *s = rdx_arena_strndup(a, "cmd.exe /c whoami", 7);
    CHECK_STR(s, "cmd.exe");
    CHECK(rdx_arena_strdup(a, NULL) == NULL);
    CHECK_STR(rdx_arena_printf(a, "%s-%d", "rule", 42), "rule-42");
    size_t cap = 0;
    int *items = NULL;
    for (int i = 0; i < 100; i++) {
        items = rdx_arena_grow(a, items, (size_t)i, &cap, sizeof *items);
        items[i] = i * i;
    }
    int ok = cap >= 100;
    for (int i = 0; i < 100; i++) ok &= items[i] == i * i;
    CHECK(ok);
    rdx_arena_free(a);
}
