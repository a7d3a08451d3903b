/* strmap.c — open-addressing string map (see strmap.h). */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

uint64_t rdx_strmap_hash(const char *s, size_t len) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

void rdx_strmap_free(rdx_strmap *m) {
    free(m->slots);
    memset(m, 0, sizeof *m);
}

static rdx_strmap_slot *probe(rdx_strmap_slot *slots, size_t cap, const char *key, size_t len,
                              uint64_t h) {
    for (size_t i = (size_t)h & (cap - 1);; i = (i + 1) & (cap - 1)) {
        rdx_strmap_slot *s = &slots[i];
        if (!s->key) return s;
        if (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0) return s;
    }
}

static void grow(rdx_strmap *m) {
    size_t ncap = m->cap ? m->cap * 2 : 64;
    rdx_strmap_slot *ns = calloc(ncap, sizeof *ns);
    if (!ns) abort();
    for (size_t i = 0; i < m->cap; i++) {
        const rdx_strmap_slot *s = &m->slots[i];
        if (s->key) *probe(ns, ncap, s->key, s->len, s->hash) = *s;
    }
    free(m->slots);
    m->slots = ns;
    m->cap = ncap;
}

void *rdx_strmap_get(const rdx_strmap *m, const char *key, size_t len) {
    if (!m->cap) return NULL;
    const rdx_strmap_slot *s = probe(m->slots, m->cap, key, len, rdx_strmap_hash(key, len));
    return s->key ? s->value : NULL;
}

rdx_strmap_slot *rdx_strmap_put(rdx_strmap *m, const char *key, size_t len) {
    if ((m->count + 1) * 2 > m->cap) grow(m);
    uint64_t h = rdx_strmap_hash(key, len);
    rdx_strmap_slot *s = probe(m->slots, m->cap, key, len, h);
    if (!s->key) {
        s->key = key;
        s->len = len;
        s->hash = h;
        s->value = NULL;
        m->count++;
    }
    return s;
}
