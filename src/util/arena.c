/*
 * arena.c — region allocator (see include/ruledex/arena.h).
 *
 * Blocks are a singly linked list, newest first.  The newest block's free
 * room is the bump region at the front of the arena (rdx_arena_bump), which
 * the header's inline rdx_arena_alloc takes from; this file is the slow
 * path: a new block when the room runs out, or a block of its own for a
 * request larger than a quarter of the block size, so that big strings do
 * not waste the rest of a normal block.
 */
#include "ruledex/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALIGN 16
#define DEFAULT_BLOCK (64 * 1024)

typedef struct block {
    struct block *next;
    size_t size;       /* bytes of data[]: a multiple of ALIGN */
    _Alignas(16) unsigned char data[];
} block;

struct rdx_arena {
    rdx_arena_bump bump;   /* first: the header's fast path reads it */
    block *head;           /* newest normal block (bump is its room), or NULL */
    block *big;            /* blocks of their own, for large requests */
    size_t block_size;
    size_t closed;         /* bytes handed out from blocks other than head's room */
};

static size_t round_up(size_t n) { return (n + ALIGN - 1) & ~(size_t)(ALIGN - 1); }

static block *block_new(size_t size) {
    if (size > SIZE_MAX / 2) abort();   /* a request no arena can meet */
    block *b = malloc(sizeof(block) + size);
    if (!b) abort();   /* out of memory: nothing sensible to do */
    b->next = NULL;
    b->size = size;
    return b;
}

static void free_list(block *b) {
    for (block *n; b; b = n) {
        n = b->next;
        free(b);
    }
}

rdx_arena *rdx_arena_new(size_t block_size) {
    rdx_arena *a = calloc(1, sizeof *a);
    if (!a) abort();
    a->block_size = round_up(block_size ? block_size : DEFAULT_BLOCK);
    return a;
}

void rdx_arena_free(rdx_arena *a) {
    if (!a) return;
    free_list(a->head);
    free_list(a->big);
    free(a);
}

void rdx_arena_reset(rdx_arena *a) {
    /* Keep the newest normal block, free everything else. */
    free_list(a->big);
    a->big = NULL;
    if (a->head) {
        free_list(a->head->next);
        a->head->next = NULL;
        a->bump.cur = a->head->data;
        a->bump.end = a->head->data + a->head->size;
    }
    a->closed = 0;
}

size_t rdx_arena_used(const rdx_arena *a) {
    return a->closed + (a->head ? (size_t)(a->bump.cur - a->head->data) : 0);
}

void *rdx_arena_alloc_slow(rdx_arena *a, size_t n) {
    size_t need = n ? round_up(n) : ALIGN;
    if (need < n) abort();   /* n + 15 wrapped */
    if (need > a->block_size / 4) {   /* large: a block of its own */
        block *b = block_new(need);
        b->next = a->big;
        a->big = b;
        a->closed += need;
        return b->data;
    }
    if ((size_t)(a->bump.end - a->bump.cur) < need) {   /* the room is spent: a new block */
        if (a->head) a->closed += (size_t)(a->bump.cur - a->head->data);
        block *b = block_new(a->block_size);
        b->next = a->head;
        a->head = b;
        a->bump.cur = b->data;
        a->bump.end = b->data + b->size;
    }
    void *p = a->bump.cur;
    a->bump.cur += need;
    return p;
}

void *rdx_arena_grow(rdx_arena *a, void *items, size_t n, size_t *cap, size_t size) {
    if (n < *cap) return items;
    size_t c = *cap ? 2 * *cap : 16;
    void *x = rdx_arena_alloc(a, c * size);
    if (n) memcpy(x, items, n * size);
    *cap = c;
    return x;
}

char *rdx_arena_strdup(rdx_arena *a, const char *s) {
    return s ? rdx_arena_strndup(a, s, strlen(s)) : NULL;
}

char *rdx_arena_printf(rdx_arena *a, const char *fmt, ...) {
    /* Most results are short: format into a stack buffer first, and only
     * format twice when it was too small. */
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) n = 0;
    char *p = rdx_arena_alloc(a, (size_t)n + 1);
    if ((size_t)n < sizeof tmp) {
        memcpy(p, tmp, (size_t)n + 1);
        return p;
    }
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}
