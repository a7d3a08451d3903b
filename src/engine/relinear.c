/*
 * relinear.c — regexes PCRE2 backtracked on, answered in linear time by
 * vectorscan (relinear.h says when and why that gives the same answer).
 *
 * One table per evaluator: PCRE2 code address -> the vectorscan database
 * compiled from the same pattern once adopted, and PCRE2's time on it until
 * then.  Open addressing, doubled when half full: a rule set evaluates a
 * few hundred regexes at most.
 */
#include "engine/relinear.h"

#include <hs.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ruledex/rule.h"
#include "util/bytes.h"

typedef struct entry {
    const void *code;      /* NULL: a free slot */
    char *re;              /* the pattern, to tell a reused address (owned) */
    size_t re_len;
    unsigned flags;
    int adopted;           /* its twin was asked for (db: NULL if refused) */
    hs_database_t *db;
    uint64_t spent_ns;     /* PCRE2's time on it so far, */
    uint64_t bytes;        /*   over this many subject bytes */
} entry;

struct rdx_relinear {
    entry *slots;
    size_t n_slots, used;
    hs_scratch_t *scratch;   /* grown for every database compiled */
};

rdx_relinear *rdx_relinear_new(void) {
    rdx_relinear *r = calloc(1, sizeof *r);
    if (!r) abort();
    return r;
}

static void free_entries(entry *slots, size_t n) {
    for (size_t i = 0; i < n; i++) {
        free(slots[i].re);
        hs_free_database(slots[i].db);
    }
}

void rdx_relinear_free(rdx_relinear *r) {
    if (!r) return;
    free_entries(r->slots, r->n_slots);
    free(r->slots);
    hs_free_scratch(r->scratch);
    free(r);
}

/* ---- the table ---------------------------------------------------------- */

static size_t slot_of(const void *code, size_t n_slots) {
    uint64_t h = (uint64_t)(uintptr_t)code * 0x9E3779B97F4A7C15ULL;
    return (size_t)(h >> 32) & (n_slots - 1);
}

static entry *probe(entry *slots, size_t n_slots, const void *code) {
    size_t i = slot_of(code, n_slots);
    while (slots[i].code && slots[i].code != code) i = (i + 1) & (n_slots - 1);
    return &slots[i];
}

static void grow(rdx_relinear *r) {
    size_t n = r->n_slots ? r->n_slots * 2 : 64;
    entry *slots = calloc(n, sizeof *slots);
    if (!slots) abort();
    for (size_t i = 0; i < r->n_slots; i++)
        if (r->slots[i].code) *probe(slots, n, r->slots[i].code) = r->slots[i];
    free(r->slots);
    r->slots = slots;
    r->n_slots = n;
}

/* Does the pattern repeat something more than MAX_BOUND times by count
 * ({n}, {n,m}, {n,})?  vectorscan unrolls counted repeats: of SigmaHQ's
 * regexes, `.{1,64}` twice takes it 150 ms to compile, `{2,128}` 80 ms,
 * while the rest take 1-11 ms.  Such a pattern stays with PCRE2. */
#define MAX_BOUND 16

static int large_bound(const char *re, size_t len) {
    for (size_t i = 0; i < len; i++) {
        if (re[i] == '\\') {
            i++;
            continue;
        }
        if (re[i] != '{') continue;
        unsigned long n = 0;
        size_t j = i + 1;
        int digits = 0;
        for (; j < len && ((re[j] >= '0' && re[j] <= '9') || re[j] == ','); j++) {
            if (re[j] == ',') n = 0, digits = 0;
            else if (++digits <= 6) n = n * 10 + (unsigned long)(re[j] - '0');
            else n = MAX_BOUND + 1;
            if (n > MAX_BOUND) break;
        }
        if (n > MAX_BOUND) return 1;
    }
    return 0;
}

/* vectorscan's database for the pattern, or NULL. */
static hs_database_t *compile(rdx_relinear *r, const char *re, size_t re_len, unsigned flags) {
    if (!rdx_all_ascii(re, re_len) || memchr(re, 0, re_len) || large_bound(re, re_len))
        return NULL;
    char *z = malloc(re_len + 1);
    if (!z) abort();
    memcpy(z, re, re_len);
    z[re_len] = 0;
    unsigned hs_flags = HS_FLAG_SINGLEMATCH;
    if (flags & RDX_PF_RE_I) hs_flags |= HS_FLAG_CASELESS;
    if (flags & RDX_PF_RE_M) hs_flags |= HS_FLAG_MULTILINE;
    if (flags & RDX_PF_RE_S) hs_flags |= HS_FLAG_DOTALL;
    hs_database_t *db = NULL;
    hs_compile_error_t *err = NULL;
    if (hs_compile(z, hs_flags, HS_MODE_BLOCK, NULL, &db, &err) != HS_SUCCESS) {
        hs_free_compile_error(err);   /* unsupported here: PCRE2 answers */
        db = NULL;
    } else if (hs_alloc_scratch(db, &r->scratch) != HS_SUCCESS) {
        hs_free_database(db);
        db = NULL;
    }
    free(z);
    return db;
}

static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned fl,
                    void *ctx) {
    (void)id, (void)from, (void)to, (void)fl;
    *(int *)ctx = 1;
    return 1;   /* one match answers: stop */
}

/* The entry of code when it holds this very pattern, else NULL. */
static entry *find(const rdx_relinear *r, const void *code, const char *re, size_t re_len,
                   unsigned flags) {
    if (!r->used) return NULL;
    entry *e = probe(r->slots, r->n_slots, code);
    if (!e->code || e->re_len != re_len || e->flags != flags || memcmp(e->re, re, re_len) != 0)
        return NULL;
    return e;
}

/* The entry of this pattern, made (not adopted) when there is none. */
static entry *entry_for(rdx_relinear *r, const void *code, const char *re, size_t re_len,
                        unsigned flags) {
    entry *e = find(r, code, re, re_len, flags);
    if (e) return e;
    if (2 * (r->used + 1) > r->n_slots) grow(r);
    e = probe(r->slots, r->n_slots, code);
    if (e->code) {   /* the address now holds another pattern */
        free(e->re);
        hs_free_database(e->db);
    } else {
        r->used++;
    }
    memset(e, 0, sizeof *e);
    e->code = code;
    e->re = malloc(re_len + 1);
    if (!e->re) abort();
    memcpy(e->re, re, re_len);
    e->re[re_len] = 0;
    e->re_len = re_len;
    e->flags = flags;
    return e;
}

static int adopt(rdx_relinear *r, entry *e) {
    if (!e->adopted) {
        e->adopted = 1;
        e->db = compile(r, e->re, e->re_len, e->flags);
    }
    return e->db != NULL;
}

int rdx_relinear_adopt(rdx_relinear *r, const void *code, const char *re, size_t re_len,
                       unsigned flags) {
    return adopt(r, entry_for(r, code, re, re_len, flags));
}

void rdx_relinear_spent(rdx_relinear *r, const void *code, const char *re, size_t re_len,
                        unsigned flags, size_t len, uint64_t ns) {
    entry *e = entry_for(r, code, re, re_len, flags);
    e->spent_ns += ns;
    e->bytes += len + 1;
    if (!e->adopted && e->spent_ns >= RDX_RELINEAR_ADOPT_NS &&
        e->spent_ns >= RDX_RELINEAR_ADOPT_NS_PER_BYTE * e->bytes)
        adopt(r, e);
}

int rdx_relinear_match(rdx_relinear *r, const void *code, const char *re, size_t re_len,
                       unsigned flags, const char *s, size_t len) {
    const entry *e = find(r, code, re, re_len, flags);
    if (!e || !e->db || len > UINT32_MAX || !rdx_all_ascii(s, len)) return -1;
    int found = 0;
    hs_error_t rc = hs_scan(e->db, s, (unsigned)len, 0, r->scratch, on_match, &found);
    if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED) return -1;
    return found;
}
