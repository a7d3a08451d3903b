/*
 * plan.c — the matcher's derived state as bytes, and back (plan.h).
 *
 * The writer is a straight dump; the reader is where the care goes: it
 * reads through one bounded cursor (a failure leaves it at the end, so
 * every later read fails too and the first reason is kept), copies the
 * arrays into the caller's arena (the bytes may be unaligned and are
 * released after the build), then checks the plan as a whole (plan_check).
 */
#include "engine/plan.h"

#include <string.h>

#include "util/bytes.h"

#define PLAN_MAGIC "RDXPLAN"   /* with its NUL: 8 bytes */

static void put32(rdx_strbuf *b, uint32_t v) {
    unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    rdx_strbuf_append(b, x, 4);
}

static void put64(rdx_strbuf *b, uint64_t v) {
    put32(b, (uint32_t)v);
    put32(b, (uint32_t)(v >> 32));
}

void rdx_plan_encode(const rdx_plan *p, rdx_strbuf *out) {
    rdx_strbuf_append(out, PLAN_MAGIC, 8);
    put32(out, RDX_PLAN_FORMAT);
    put32(out, (uint32_t)p->n_rules);
    put32(out, (uint32_t)p->n_words);
    const uint64_t *sets[] = {p->always, p->filtered, p->keyword};
    for (size_t s = 0; s < 3; s++)
        for (size_t w = 0; w < p->n_words; w++) put64(out, sets[s][w]);
    rdx_strbuf_append(out, p->full, p->n_rules);
    put32(out, (uint32_t)p->n_atoms);
    put32(out, (uint32_t)p->n_refs);
    for (size_t a = 0; a <= p->n_atoms; a++) put32(out, p->atom_off[a]);
    for (size_t k = 0; k < p->n_refs; k++) put32(out, p->atom_refs[k]);
    put32(out, (uint32_t)p->db_len);
    rdx_strbuf_append(out, p->db, p->db_len);
    put32(out, (uint32_t)p->kw_len);
    rdx_strbuf_append(out, p->kw_db, p->kw_len);
}

/* ---- reading ---------------------------------------------------------------- */

typedef struct cur {
    const unsigned char *p, *end;
    const char *why;
} cur;

/* n bytes, or NULL (and the cursor exhausted) when fewer are left. */
static const unsigned char *take(cur *c, size_t n, const char *why) {
    if ((size_t)(c->end - c->p) < n) {
        if (!c->why) c->why = why;
        c->p = c->end;
        return NULL;
    }
    const unsigned char *q = c->p;
    c->p += n;
    return q;
}

static uint32_t get32(cur *c) {
    const unsigned char *q = take(c, 4, "truncated");
    return q ? rdx_le32(q) : 0;
}

/* count u32s (count < 2^32 by construction) into a, or NULL. */
static uint32_t *get32s(cur *c, size_t count, rdx_arena *a) {
    if (count > (size_t)(c->end - c->p) / 4) {
        take(c, (size_t)(c->end - c->p) + 1, "an array longer than the plan");
        return NULL;
    }
    const unsigned char *q = take(c, count * 4, "truncated");
    uint32_t *v = rdx_arena_alloc(a, (count + 1) * sizeof *v);
    for (size_t i = 0; q && i < count; i++) v[i] = rdx_le32(q + 4 * i);
    return q ? v : NULL;
}

static uint64_t *get64s(cur *c, size_t count, rdx_arena *a) {
    const unsigned char *q = take(c, count * 8, "truncated");
    uint64_t *v = rdx_arena_alloc(a, (count + 1) * sizeof *v);
    for (size_t i = 0; q && i < count; i++) v[i] = rdx_le64(q + 8 * i);
    return q ? v : NULL;
}

static int bit(const uint64_t *s, size_t i) { return (s[i >> 6] >> (i & 63)) & 1; }

/* The whole-plan checks (plan.h); NULL when they hold. */
static const char *plan_check(const rdx_plan *p, rdx_arena *a) {
    for (size_t w = 0; w < p->n_words; w++) {
        if (p->always[w] & p->filtered[w]) return "a rule both always and filtered";
        if (p->keyword[w] & ~p->filtered[w]) return "a keyword rule that is not filtered";
        size_t lo = w * 64;   /* bits past n_rules must be clear */
        uint64_t valid = lo >= p->n_rules ? 0 : p->n_rules - lo >= 64 ? ~0ULL
                                                 : (1ULL << (p->n_rules - lo)) - 1;
        if ((p->always[w] | p->filtered[w]) & ~valid) return "a rule past the end";
    }
    for (size_t i = 0; i < p->n_rules; i++) {
        unsigned f = p->full[i];
        if (bit(p->filtered, i) ? (f != 1 && f != 3 && f != 7 && f != 15) : f != 0)
            return "a rule's clause mask";
    }
    if (p->atom_off[0] != 0 || p->atom_off[p->n_atoms] != p->n_refs) return "atom offsets";
    for (size_t x = 0; x < p->n_atoms; x++)
        if (p->atom_off[x] >= p->atom_off[x + 1]) return "an atom without a reference";
    uint8_t *ticked = rdx_arena_zalloc(a, p->n_rules + 1);
    for (size_t k = 0; k < p->n_refs; k++) {
        uint32_t r = p->atom_refs[k] >> 2, c = p->atom_refs[k] & 3;
        if (r >= p->n_rules || !bit(p->filtered, r) || !(p->full[r] >> c & 1))
            return "an atom reference to no clause";
        ticked[r] |= (uint8_t)(1u << c);
    }
    for (size_t i = 0; i < p->n_rules; i++)
        if (ticked[i] != p->full[i]) return "a clause no atom ticks";
    if ((p->n_atoms > 0) != (p->db_len > 0)) return "a database without atoms, or atoms without";
    return NULL;
}

int rdx_plan_decode(const void *bytes, size_t len, size_t n_rules, rdx_arena *a, rdx_plan *p,
                    const char **why) {
    cur c = {bytes, (const unsigned char *)bytes + len, NULL};
    memset(p, 0, sizeof *p);
    const unsigned char *magic = take(&c, 8, "not a matcher plan");
    if (magic && memcmp(magic, PLAN_MAGIC, 8) != 0) take(&c, len + 1, "not a matcher plan");
    if (get32(&c) != RDX_PLAN_FORMAT && !c.why) take(&c, len + 1, "another plan format");
    p->n_rules = get32(&c);
    p->n_words = get32(&c);
    if (!c.why && (p->n_rules != n_rules || p->n_words != (n_rules + 63) / 64 + 1))
        take(&c, len + 1, "a plan for another rule count");
    if (c.why) goto fail;   /* n_words is bounded from here on */
    p->always = get64s(&c, p->n_words, a);
    p->filtered = get64s(&c, p->n_words, a);
    p->keyword = get64s(&c, p->n_words, a);
    const unsigned char *full = take(&c, n_rules, "truncated");
    p->n_atoms = get32(&c);
    p->n_refs = get32(&c);
    if (c.why) goto fail;
    uint8_t *full_copy = rdx_arena_alloc(a, n_rules + 1);   /* the bytes are released */
    memcpy(full_copy, full, n_rules);
    p->full = full_copy;
    p->atom_off = get32s(&c, p->n_atoms + 1, a);
    p->atom_refs = get32s(&c, p->n_refs, a);
    p->db_len = get32(&c);
    p->db = take(&c, p->db_len, "truncated");
    p->kw_len = get32(&c);
    p->kw_db = take(&c, p->kw_len, "truncated");
    if (!c.why && c.p != c.end) c.why = "trailing bytes";
    if (!c.why) c.why = plan_check(p, a);
    if (!c.why) return 0;
fail:
    *why = c.why;
    return -1;
}
