/*
 * vlist.c — long lists of literal values answered in one pass per event
 * value (vlist.h says which lists, and why the answer is the evaluator's).
 *
 * Example: `Image|endswith: ['\a.exe', '\b.exe', '\cmd.exe']` compiles to
 * three suffix keys (hash of the folded literal read backwards, its
 * length); the value "C:\Windows\CMD.EXE" is hashed backwards once, and at
 * lengths 6 and 8 (the lengths some suffix has) the table is probed; the
 * probe at 8 finds '\cmd.exe', whose bytes are then compared.
 */
#include "engine/vlist.h"
#include "engine/fastglob.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { K_EXACT, K_PREFIX, K_SUFFIX, K_CONTAINS };

#define FNV_OFFSET 1469598103934665603ULL
#define FNV_PRIME 1099511628211ULL
#define PAIR_BITS 12   /* the substring filter: 4,096 bits per list */
#define PAIR_SHIFT 4   /* ... and 256 buckets of literals behind it */

typedef struct lit {
    uint32_t off, len;   /* in bytes (folded unless cased) */
    uint8_t kind;
} lit;

typedef struct slot {    /* exact, prefix and suffix keys; lit 0 = empty */
    uint64_t key;
    uint32_t lit;        /* index + 1 */
} slot;

struct rdx_vlist {
    int cased;
    unsigned char *bytes;
    lit *lits;
    size_t n_lits;
    /* per kind: fewer than RDX_VLIST_HASHED literals are compared one by
     * one (few[kind]); more are hashed (hashed[kind]) */
    uint32_t *few[4];
    size_t n_few[4];
    int hashed[4];
    slot *table;               /* hashed exact, prefix and suffix literals */
    size_t mask;
    uint32_t *plens, *slens;   /* distinct hashed prefix / suffix lengths, ascending */
    size_t n_plens, n_slens;
    /* hashed substrings of two bytes or more, by the pair they start with:
     * the filter bit (h), then lits pair_lits[pair_off[b] .. pair_off[b + 1])
     * of bucket b = h >> PAIR_SHIFT */
    uint64_t pair_bits[(1u << PAIR_BITS) / 64];
    uint32_t *pair_off, *pair_lits;
    uint64_t one_bits[4];      /* hashed one-byte substrings */
};

static inline unsigned char fold(unsigned char c) {
    return (unsigned char)((unsigned)(c - 'A') < 26u ? c + 32 : c);
}

static inline unsigned char fold_if(unsigned char c, int cased) { return cased ? c : fold(c); }

static inline uint64_t key_of(uint64_t h, size_t len, int kind) {
    return (h ^ ((uint64_t)len << 40)) * 31 + (uint64_t)kind;
}

static inline size_t slot_of(uint64_t key, size_t mask) {
    return (size_t)((key ^ (key >> 29)) * 0x9E3779B97F4A7C15ULL >> 20) & mask;
}

static inline unsigned pair_hash(unsigned char a, unsigned char b) {
    return (((unsigned)a << 8 | b) * 0x9E3779B1u) >> (32 - PAIR_BITS);
}

/* ---- build --------------------------------------------------------------- */

/* The kind of one variant, or -1 when it is not one ASCII literal with the
 * stars of a kind around it. */
static int variant_kind(const rdx_pattern *pat) {
    const rdx_seg *g = pat->segs;
    size_t n = pat->n_segs;
    int kind;
    const rdx_seg *l;
    if (n == 1 && g[0].kind == RDX_SEG_LIT) kind = K_EXACT, l = &g[0];
    else if (n == 2 && g[0].kind == RDX_SEG_LIT && g[1].kind == RDX_SEG_STAR) kind = K_PREFIX, l = &g[0];
    else if (n == 2 && g[0].kind == RDX_SEG_STAR && g[1].kind == RDX_SEG_LIT) kind = K_SUFFIX, l = &g[1];
    else if (n == 3 && g[0].kind == RDX_SEG_STAR && g[1].kind == RDX_SEG_LIT &&
             g[2].kind == RDX_SEG_STAR)
        kind = K_CONTAINS, l = &g[1];
    else return -1;
    if (l->len == 0 || l->len > UINT32_MAX / 2) return -1;
    for (size_t i = 0; i < l->len; i++)
        if (l->bytes[i] >= 0x80) return -1;
    return kind;
}

static const rdx_seg *variant_lit(const rdx_pattern *pat) {
    return &pat->segs[pat->segs[0].kind == RDX_SEG_STAR];
}

/* Can p's values be compiled?  Returns the number of literals, 0 if not. */
static size_t countable(const rdx_predicate *p) {
    if (!p->field || p->timepart || (p->flags & (RDX_PF_ALL | RDX_PF_FIELDREF))) return 0;
    if (p->op != RDX_OP_EQUALS && p->op != RDX_OP_CONTAINS && p->op != RDX_OP_STARTSWITH &&
        p->op != RDX_OP_ENDSWITH)
        return 0;
    size_t n = 0;
    for (size_t k = 0; k < p->n_values; k++) {
        const rdx_rvalue *v = &p->values[k];
        if (v->kind != RDX_VK_STRING || v->unresolved) return 0;
        for (size_t i = 0; i < v->variants.count; i++) {
            if (variant_kind(&v->variants.items[i]) < 0) return 0;
            n++;
        }
    }
    return n;
}

static uint64_t hash_forward(const unsigned char *b, size_t n) {
    uint64_t h = FNV_OFFSET;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * FNV_PRIME;
    return h;
}

static uint64_t hash_backward(const unsigned char *b, size_t n) {
    uint64_t h = FNV_OFFSET;
    for (size_t i = n; i-- > 0;) h = (h ^ b[i]) * FNV_PRIME;
    return h;
}

static void table_put(rdx_vlist *f, uint64_t key, uint32_t idx) {
    size_t i = slot_of(key, f->mask);
    while (f->table[i].lit) i = (i + 1) & f->mask;
    f->table[i].key = key;
    f->table[i].lit = idx + 1;
}

static int cmp_u32(const void *x, const void *y) {
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}

/* Sorted distinct lengths of the literals of one kind. */
static uint32_t *lengths(const rdx_vlist *f, int kind, size_t *count) {
    uint32_t *l = malloc((f->n_lits + 1) * sizeof *l);
    if (!l) abort();
    size_t n = 0;
    for (size_t i = 0; i < f->n_lits; i++)
        if (f->lits[i].kind == kind) l[n++] = f->lits[i].len;
    qsort(l, n, sizeof *l, cmp_u32);
    size_t d = 0;
    for (size_t i = 0; i < n; i++)
        if (d == 0 || l[d - 1] != l[i]) l[d++] = l[i];
    *count = d;
    return l;
}

static void build_pairs(rdx_vlist *f) {
    size_t buckets = (size_t)1 << (PAIR_BITS - PAIR_SHIFT);
    f->pair_off = calloc(buckets + 1, sizeof *f->pair_off);
    f->pair_lits = malloc((f->n_lits + 1) * sizeof *f->pair_lits);
    if (!f->pair_off || !f->pair_lits) abort();
    for (size_t i = 0; i < f->n_lits; i++) {
        const lit *l = &f->lits[i];
        if (l->kind != K_CONTAINS) continue;
        const unsigned char *b = f->bytes + l->off;
        if (l->len == 1) {
            f->one_bits[b[0] >> 6] |= 1ULL << (b[0] & 63);
            continue;
        }
        unsigned h = pair_hash(b[0], b[1]);
        f->pair_bits[h >> 6] |= 1ULL << (h & 63);
        f->pair_off[(h >> PAIR_SHIFT) + 1]++;
    }
    for (size_t b = 0; b < buckets; b++) f->pair_off[b + 1] += f->pair_off[b];
    uint32_t at[(1u << (PAIR_BITS - PAIR_SHIFT))];
    memcpy(at, f->pair_off, sizeof at);
    for (size_t i = 0; i < f->n_lits; i++) {   /* in list order within a bucket */
        const lit *l = &f->lits[i];
        if (l->kind != K_CONTAINS || l->len < 2) continue;
        const unsigned char *b = f->bytes + l->off;
        f->pair_lits[at[pair_hash(b[0], b[1]) >> PAIR_SHIFT]++] = (uint32_t)i;
    }
}

/* Split the literals: per kind, compared one by one or hashed. */
static void build_kinds(rdx_vlist *f) {
    size_t count[4] = {0};
    for (size_t i = 0; i < f->n_lits; i++) count[f->lits[i].kind]++;
    for (int k = 0; k < 4; k++) {
        f->hashed[k] = count[k] >= RDX_VLIST_HASHED;
        if (f->hashed[k] || !count[k]) continue;
        f->few[k] = malloc(count[k] * sizeof *f->few[k]);
        if (!f->few[k]) abort();
        for (size_t i = 0; i < f->n_lits; i++)
            if (f->lits[i].kind == k) f->few[k][f->n_few[k]++] = (uint32_t)i;
    }
    size_t n_table = count[K_EXACT] * f->hashed[K_EXACT] + count[K_PREFIX] * f->hashed[K_PREFIX] +
                     count[K_SUFFIX] * f->hashed[K_SUFFIX];
    if (n_table) {
        size_t slots = 16;
        while (slots < 2 * n_table) slots *= 2;
        f->mask = slots - 1;
        f->table = calloc(slots, sizeof *f->table);
        if (!f->table) abort();
        for (size_t i = 0; i < f->n_lits; i++) {
            const lit *l = &f->lits[i];
            if (l->kind == K_CONTAINS || !f->hashed[l->kind]) continue;
            const unsigned char *b = f->bytes + l->off;
            table_put(f, key_of(l->kind == K_SUFFIX ? hash_backward(b, l->len)
                                                    : hash_forward(b, l->len),
                                l->len, l->kind),
                      (uint32_t)i);
        }
    }
    if (f->hashed[K_PREFIX]) f->plens = lengths(f, K_PREFIX, &f->n_plens);
    if (f->hashed[K_SUFFIX]) f->slens = lengths(f, K_SUFFIX, &f->n_slens);
    if (f->hashed[K_CONTAINS]) build_pairs(f);
}

rdx_vlist *rdx_vlist_build(const rdx_predicate *p) {
    size_t n = countable(p);
    if (n == 0) return NULL;
    rdx_vlist *f = calloc(1, sizeof *f);
    if (!f) abort();
    f->cased = (p->flags & RDX_PF_CASED) != 0;
    size_t total = 0;
    for (size_t k = 0; k < p->n_values; k++)
        for (size_t i = 0; i < p->values[k].variants.count; i++)
            total += variant_lit(&p->values[k].variants.items[i])->len;
    f->bytes = malloc(total + 1);
    f->lits = malloc(n * sizeof *f->lits);
    if (!f->bytes || !f->lits) abort();
    size_t off = 0;
    for (size_t k = 0; k < p->n_values; k++) {
        const rdx_patlist *vs = &p->values[k].variants;
        for (size_t i = 0; i < vs->count; i++) {
            const rdx_seg *g = variant_lit(&vs->items[i]);
            lit *l = &f->lits[f->n_lits++];
            l->kind = (uint8_t)variant_kind(&vs->items[i]);
            l->off = (uint32_t)off;
            l->len = (uint32_t)g->len;
            for (size_t j = 0; j < g->len; j++) f->bytes[off + j] = fold_if(g->bytes[j], f->cased);
            off += g->len;
        }
    }
    build_kinds(f);
    return f;
}

void rdx_vlist_free(rdx_vlist *f) {
    if (!f) return;
    free(f->bytes);
    free(f->lits);
    free(f->table);
    free(f->plens);
    free(f->slens);
    free(f->pair_off);
    free(f->pair_lits);
    for (int k = 0; k < 4; k++) free(f->few[k]);
    free(f);
}

/* ---- match --------------------------------------------------------------- */

/* n bytes of s equal the stored literal b (folded unless cased). */
static int same(const rdx_vlist *f, const unsigned char *s, const unsigned char *b, size_t n) {
    if (f->cased) return memcmp(s, b, n) == 0;
    for (size_t i = 0; i < n; i++)
        if (fold(s[i]) != b[i]) return 0;
    return 1;
}

/* Is there a literal of kind with this key whose bytes are at s? */
static int probe(const rdx_vlist *f, uint64_t h, size_t len, int kind, const unsigned char *s) {
    uint64_t key = key_of(h, len, kind);
    for (size_t i = slot_of(key, f->mask); f->table[i].lit; i = (i + 1) & f->mask) {
        if (f->table[i].key != key) continue;
        const lit *l = &f->lits[f->table[i].lit - 1];
        if (l->kind == kind && l->len == len && same(f, s, f->bytes + l->off, len)) return 1;
    }
    return 0;
}

static int match_prefixes(const rdx_vlist *f, const unsigned char *s, size_t len) {
    uint64_t h = FNV_OFFSET;
    size_t at = 0;
    for (size_t k = 0; k < f->n_plens && f->plens[k] <= len; k++) {
        for (; at < f->plens[k]; at++) h = (h ^ fold_if(s[at], f->cased)) * FNV_PRIME;
        if (probe(f, h, at, K_PREFIX, s)) return 1;
    }
    return 0;
}

static int match_suffixes(const rdx_vlist *f, const unsigned char *s, size_t len) {
    uint64_t h = FNV_OFFSET;
    size_t at = 0;   /* bytes hashed from the end */
    for (size_t k = 0; k < f->n_slens && f->slens[k] <= len; k++) {
        for (; at < f->slens[k]; at++) h = (h ^ fold_if(s[len - 1 - at], f->cased)) * FNV_PRIME;
        if (probe(f, h, at, K_SUFFIX, s + len - at)) return 1;
    }
    return 0;
}

static int match_exact(const rdx_vlist *f, const unsigned char *s, size_t len) {
    uint64_t h = FNV_OFFSET;
    for (size_t i = 0; i < len; i++) h = (h ^ fold_if(s[i], f->cased)) * FNV_PRIME;
    return probe(f, h, len, K_EXACT, s);
}

static int match_pairs(const rdx_vlist *f, const unsigned char *s, size_t len) {
    int ones = (f->one_bits[0] | f->one_bits[1] | f->one_bits[2] | f->one_bits[3]) != 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char a = fold_if(s[i], f->cased);
        if (ones && ((f->one_bits[a >> 6] >> (a & 63)) & 1)) return 1;
        if (i + 1 == len) break;
        unsigned h = pair_hash(a, fold_if(s[i + 1], f->cased));
        if (!((f->pair_bits[h >> 6] >> (h & 63)) & 1)) continue;
        for (uint32_t k = f->pair_off[h >> PAIR_SHIFT]; k < f->pair_off[(h >> PAIR_SHIFT) + 1]; k++) {
            const lit *l = &f->lits[f->pair_lits[k]];
            if (l->len <= len - i && same(f, s + i, f->bytes + l->off, l->len)) return 1;
        }
    }
    return 0;
}

/* Does the literal b (n bytes, folded unless cased) occur in s? */
static int occurs(const rdx_vlist *f, const unsigned char *s, size_t len, const unsigned char *b,
                  size_t n) {
    return rdx_fastglob_find(s, 0, len, b, n, f->cased) != (size_t)-1;
}

/* The literals of one kind compared one by one. */
static int match_few(const rdx_vlist *f, int kind, const unsigned char *s, size_t len) {
    for (size_t k = 0; k < f->n_few[kind]; k++) {
        const lit *l = &f->lits[f->few[kind][k]];
        const unsigned char *b = f->bytes + l->off;
        switch (kind) {
        case K_EXACT:
            if (l->len == len && same(f, s, b, len)) return 1;
            break;
        case K_PREFIX:
            if (l->len <= len && same(f, s, b, l->len)) return 1;
            break;
        case K_SUFFIX:
            if (l->len <= len && same(f, s + len - l->len, b, l->len)) return 1;
            break;
        default:
            if (occurs(f, s, len, b, l->len)) return 1;
            break;
        }
    }
    return 0;
}

int rdx_vlist_match(const rdx_vlist *f, const char *str, size_t len) {
    const unsigned char *s = (const unsigned char *)str;
    if (f->n_few[K_EXACT] && match_few(f, K_EXACT, s, len)) return 1;
    if (f->n_few[K_PREFIX] && match_few(f, K_PREFIX, s, len)) return 1;
    if (f->n_few[K_SUFFIX] && match_few(f, K_SUFFIX, s, len)) return 1;
    if (f->n_few[K_CONTAINS] && match_few(f, K_CONTAINS, s, len)) return 1;
    return (f->hashed[K_EXACT] && match_exact(f, s, len)) ||
           (f->n_plens && match_prefixes(f, s, len)) || (f->n_slens && match_suffixes(f, s, len)) ||
           (f->hashed[K_CONTAINS] && match_pairs(f, s, len));
}

/* ---- the per-evaluator cache --------------------------------------------- */

typedef struct entry {
    const rdx_predicate *p;   /* NULL: empty */
    rdx_vlist *f;             /* NULL: p is not a list we compile */
} entry;

struct rdx_vlists {
    entry *e;
    size_t mask, n;
};

rdx_vlists *rdx_vlists_new(void) {
    rdx_vlists *c = calloc(1, sizeof *c);
    if (!c) abort();
    c->mask = 255;
    c->e = calloc(c->mask + 1, sizeof *c->e);
    if (!c->e) abort();
    return c;
}

void rdx_vlists_free(rdx_vlists *c) {
    if (!c) return;
    for (size_t i = 0; i <= c->mask; i++) rdx_vlist_free(c->e[i].f);
    free(c->e);
    free(c);
}

static size_t ptr_slot(const void *p, size_t mask) {
    return (size_t)(((uintptr_t)p >> 3) * 0x9E3779B97F4A7C15ULL >> 24) & mask;
}

static void grow(rdx_vlists *c) {
    entry *old = c->e;
    size_t old_n = c->mask + 1;
    c->mask = old_n * 2 - 1;
    c->e = calloc(c->mask + 1, sizeof *c->e);
    if (!c->e) abort();
    for (size_t i = 0; i < old_n; i++) {
        if (!old[i].p) continue;
        size_t j = ptr_slot(old[i].p, c->mask);
        while (c->e[j].p) j = (j + 1) & c->mask;
        c->e[j] = old[i];
    }
    free(old);
}

const rdx_vlist *rdx_vlists_get(rdx_vlists *c, const rdx_predicate *p) {
    size_t i = ptr_slot(p, c->mask);
    for (; c->e[i].p; i = (i + 1) & c->mask)
        if (c->e[i].p == p) return c->e[i].f;
    if (2 * (c->n + 1) > c->mask + 1) {
        grow(c);
        for (i = ptr_slot(p, c->mask); c->e[i].p; i = (i + 1) & c->mask) {}
    }
    c->e[i].p = p;
    c->e[i].f = rdx_vlist_build(p);
    c->n++;
    return c->e[i].f;
}
