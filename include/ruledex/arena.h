/*
 * arena.h — region allocation.
 *
 * Rules and events are trees of many small objects that all die together:
 * a rule set when it is unloaded, an event when the next one is read.  An
 * arena hands out memory from large blocks and frees everything at once, so
 * there is no per-node free and no way to leak a node.  rdx_arena_reset()
 * keeps the first block, which makes per-event reuse allocation-free in the
 * steady state.
 *
 * Ownership: whoever calls rdx_arena_new() calls rdx_arena_free().
 */
#ifndef RULEDEX_ARENA_H
#define RULEDEX_ARENA_H

#include <stddef.h>
#include <string.h>

typedef struct rdx_arena rdx_arena;

rdx_arena *rdx_arena_new(size_t block_size);   /* 0 = default (64 KiB) */
void rdx_arena_free(rdx_arena *a);
void rdx_arena_reset(rdx_arena *a);            /* drop all allocations */
size_t rdx_arena_used(const rdx_arena *a);     /* bytes handed out */

/* 16-byte aligned; never returns NULL (aborts only if malloc fails).
 *
 * Most allocations are a bump of a pointer, inlined here: an event's tree
 * is hundreds of them, and the call alone cost more than the bump.  The
 * arena begins with the free room of its newest block (cur up to end, a
 * multiple of 16 bytes), so a request that fits takes it there;
 * rdx_arena_alloc_slow (arena.c) makes a new block.  The rest of the arena
 * is private to arena.c. */
typedef struct rdx_arena_bump {
    unsigned char *cur, *end;
} rdx_arena_bump;

void *rdx_arena_alloc_slow(rdx_arena *a, size_t n);

static inline void *rdx_arena_alloc(rdx_arena *a, size_t n) {
    rdx_arena_bump *b = (rdx_arena_bump *)(void *)a;   /* the arena's first member */
    if (n - 1 < (size_t)(b->end - b->cur)) {   /* 1 <= n <= room: the room is a multiple of 16 */
        void *p = b->cur;
        b->cur += (n + 15) & ~(size_t)15;
        return p;
    }
    return rdx_arena_alloc_slow(a, n);
}

static inline void *rdx_arena_zalloc(rdx_arena *a, size_t n) {
    void *p = rdx_arena_alloc(a, n);
    memset(p, 0, n);
    return p;
}
/* An array of n items of size bytes with room for *cap, given room for one
 * more: items itself while n < *cap, else a copy twice as large (*cap
 * updated; the old block stays until the arena goes).  For tables that
 * must not have a fixed size. */
void *rdx_arena_grow(rdx_arena *a, void *items, size_t n, size_t *cap, size_t size);
/* Copy n bytes and add a NUL terminator. */
static inline char *rdx_arena_strndup(rdx_arena *a, const char *s, size_t n) {
    char *p = rdx_arena_alloc(a, n + 1);
    if (n) memcpy(p, s, n);
    p[n] = 0;
    return p;
}
char *rdx_arena_strdup(rdx_arena *a, const char *s);
char *rdx_arena_printf(rdx_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
