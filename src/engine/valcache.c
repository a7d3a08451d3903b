/*
 * valcache.c — the atoms found in each value lately scanned (valcache.h).
 *
 * Open addressing over RDX_VALCACHE_SLOTS slots, kept at most half full so a
 * probe ends soon; each slot points into two append-only stores, one for
 * the values' bytes and one for their atom ids.  Nothing is ever removed
 * alone: when a store or the table fills, everything goes (reset).
 */
#include "engine/valcache.h"

#include <stdlib.h>
#include <string.h>

#include "util/bytes.h"

#define TEXT_BYTES (1u << 20)
#define ATOM_IDS (1u << 18)
#define MAX_PROBE 8
#define WINDOW 4096          /* lookups per verdict */
#define OFF_SCANS 8192       /* scans without the cache after a poor window */

typedef struct slot {
    uint64_t hash;           /* 0: empty (a hash of 0 is stored as 1) */
    uint32_t text, len;      /* the value: text store [text, text + len) */
    uint32_t atoms, n;       /* its atoms: id store [atoms, atoms + n) */
    uint32_t db;
} slot;

struct rdx_valcache {
    slot *slots;
    size_t used;
    unsigned char *text;
    size_t text_len;
    uint32_t *ids;
    size_t ids_len;
    uint64_t lookups, hits;                  /* in all */
    uint64_t window_lookups, window_hits;    /* in this window */
    uint64_t off_left;                       /* scans still without the cache */
};

static void *xmalloc(size_t n) {
    void *p = malloc(n);
    if (!p) abort();
    return p;
}

rdx_valcache *rdx_valcache_new(void) {
    rdx_valcache *c = xmalloc(sizeof *c);
    memset(c, 0, sizeof *c);
    c->slots = calloc(RDX_VALCACHE_SLOTS, sizeof *c->slots);
    if (!c->slots) abort();
    c->text = xmalloc(TEXT_BYTES);
    c->ids = xmalloc(ATOM_IDS * sizeof *c->ids);
    return c;
}

void rdx_valcache_free(rdx_valcache *c) {
    if (!c) return;
    free(c->slots);
    free(c->text);
    free(c->ids);
    free(c);
}

static void reset(rdx_valcache *c) {
    memset(c->slots, 0, RDX_VALCACHE_SLOTS * sizeof *c->slots);
    c->used = 0;
    c->text_len = 0;
    c->ids_len = 0;
}

int rdx_valcache_on(rdx_valcache *c) {
    if (!c->off_left) return 1;
    c->off_left--;
    return 0;
}

/* Eight bytes a step, one multiply each (the name hash's mix, without its
 * case folding: values are told apart by case). */
uint64_t rdx_valcache_hash(const unsigned char *text, size_t len) {
    const uint64_t mix = 0x9E3779B97F4A7C15ULL;
    uint64_t h = 0x243F6A8885A308D3ULL ^ len;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        h = (h ^ rdx_le64(text + i)) * mix;
        h ^= h >> 32;
    }
    if (i < len) {
        h = (h ^ rdx_le_tail(text + i, len - i)) * mix;
        h ^= h >> 32;
    }
    h = (h ^ (h >> 29)) * mix;
    return (h ^ (h >> 32)) | (h == 0);
}

static void count(rdx_valcache *c, int hit) {
    c->lookups++;
    c->hits += (uint64_t)hit;
    c->window_hits += (uint64_t)hit;
    if (++c->window_lookups < WINDOW) return;
    if (c->window_hits * 4 < c->window_lookups) c->off_left = OFF_SCANS;
    c->window_lookups = c->window_hits = 0;
}

int rdx_valcache_get(rdx_valcache *c, unsigned db, const unsigned char *text, size_t len,
                     uint64_t hash, const uint32_t **atoms, size_t *n) {
    hash |= hash == 0;
    for (size_t k = 0; k < MAX_PROBE; k++) {
        const slot *s = &c->slots[(hash + k) & (RDX_VALCACHE_SLOTS - 1)];
        if (!s->hash) break;
        if (s->hash == hash && s->len == len && s->db == db &&
            memcmp(c->text + s->text, text, len) == 0) {
            *atoms = c->ids + s->atoms;
            *n = s->n;
            count(c, 1);
            return 1;
        }
    }
    count(c, 0);
    return 0;
}

void rdx_valcache_put(rdx_valcache *c, unsigned db, const unsigned char *text, size_t len,
                      uint64_t hash, const uint32_t *atoms, size_t n) {
    if (len > RDX_VALCACHE_MAX_VALUE || n > ATOM_IDS / 16) return;
    hash |= hash == 0;
    if (c->used >= RDX_VALCACHE_SLOTS / 2 || c->text_len + len > TEXT_BYTES ||
        c->ids_len + n > ATOM_IDS)
        reset(c);
    slot *s = NULL;
    for (size_t k = 0; k < MAX_PROBE && !s; k++) {
        slot *t = &c->slots[(hash + k) & (RDX_VALCACHE_SLOTS - 1)];
        if (!t->hash) s = t;
    }
    if (!s) return;   /* a crowded neighbourhood: this value is scanned each time */
    s->hash = hash;
    s->text = (uint32_t)c->text_len;
    s->len = (uint32_t)len;
    s->atoms = (uint32_t)c->ids_len;
    s->n = (uint32_t)n;
    s->db = db;
    if (len) memcpy(c->text + c->text_len, text, len);
    c->text_len += len;
    if (n) memcpy(c->ids + c->ids_len, atoms, n * sizeof *atoms);
    c->ids_len += n;
    c->used++;
}

void rdx_valcache_counts(const rdx_valcache *c, uint64_t *lookups, uint64_t *hits) {
    *lookups = c->lookups;
    *hits = c->hits;
}
