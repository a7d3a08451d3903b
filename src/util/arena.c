/*
 * arena.c — region allocator (see include/ruledex/arena.h).
 *
 * Blocks are a singly linked list, newest first.  A request larger than a
 * quarter of the block size gets a block of its own so that big strings do
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
    size_t size, used;
    _Alignas(16) unsigned char data[];
} block;

struct rdx_arena {
    block *head;
    size_t block_size;
    size_t total;      /* bytes handed out since the last reset */
};

static block *block_new(size_t size) {
    block *b = malloc(sizeof(block) + size);
    if (!b) abort();   /* out of memory: nothing sensible to do */
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

rdx_arena *rdx_arena_new(size_t block_size) {
    rdx_arena *a = calloc(1, sizeof *a);
    if (!a) abort();
    a->block_size = block_size ? block_size : DEFAULT_BLOCK;
    return a;
}

void rdx_arena_free(rdx_arena *a) {
    if (!a) return;
    for (block *b = a->head, *n; b; b = n) {
        n = b->next;
        free(b);
    }
    free(a);
}

void rdx_arena_reset(rdx_arena *a) {
    if (!a->head) return;
    /* Keep one block of normal size, free everything else. */
    block *keep = NULL;
    for (block *b = a->head, *n; b; b = n) {
        n = b->next;
        if (!keep && b->size == a->block_size) keep = b;
        else free(b);
    }
    a->head = keep;
    if (keep) {
        keep->used = 0;
        keep->next = NULL;
    }
    a->total = 0;
}

size_t rdx_arena_used(const rdx_arena *a) { return a->total; }

void *rdx_arena_alloc(rdx_arena *a, size_t n) {
    size_t need = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    if (need == 0) need = ALIGN;
    block *b = a->head;
    if (!b || b->size - b->used < need) {
        if (need > a->block_size / 4) {
            /* Large: own block, linked behind the current head. */
            block *big = block_new(need);
            big->used = need;
            if (b) {
                big->next = b->next;
                b->next = big;
            } else {
                a->head = big;
            }
            a->total += need;
            return big->data;
        }
        b = block_new(a->block_size);
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += need;
    a->total += need;
    return p;
}

void *rdx_arena_zalloc(rdx_arena *a, size_t n) {
    void *p = rdx_arena_alloc(a, n);
    memset(p, 0, n);
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

char *rdx_arena_strndup(rdx_arena *a, const char *s, size_t n) {
    char *p = rdx_arena_alloc(a, n + 1);
    if (n) memcpy(p, s, n);
    p[n] = 0;
    return p;
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
