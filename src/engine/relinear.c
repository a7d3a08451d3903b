/*
 * relinear.c — regexes PCRE2 backtracked on, answered in linear time by
 * vectorscan (relinear.h says when and why that gives the same answer).
 *
 * One table per evaluator: PCRE2 code address -> this evaluator's JIT
 * copy of that code, the vectorscan database compiled from the same
 * pattern once adopted, and PCRE2's time on it until then.  Open
 * addressing, doubled when half full: a rule set evaluates a few hundred
 * regexes at most.
 */
#include "engine/relinear.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <hs.h>
#include <pcre2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ruledex/rule.h"
#include "util/bytes.h"

struct rdx_relinear_regex {
    const void *code;      /* NULL: a free slot */
    char *re;              /* the pattern, to tell a reused address (owned) */
    unsigned flags;
    pcre2_code *jit;       /* this thread's copy, JIT-compiled (owned; NULL: not
                              made yet, or JIT refused it: the set's code answers) */
    int jit_tried;
    int adopted;           /* its twin was asked for (db: NULL if refused) */
    hs_database_t *db;
    uint64_t spent_ns;     /* PCRE2's time on it so far, */
    uint64_t bytes;        /*   over this many subject bytes */
};

typedef rdx_relinear_regex entry;

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
        pcre2_code_free(slots[i].jit);
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

static int large_bound(const char *re) {
    for (const char *p = re; *p; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            continue;
        }
        if (*p != '{') continue;
        unsigned n = 0;   /* each number of the braces; a brace of no quantifier ends early */
        for (const char *q = p + 1; (*q >= '0' && *q <= '9') || *q == ','; q++) {
            n = *q == ',' ? 0 : n * 10 + (unsigned)(*q - '0');
            if (n > MAX_BOUND) return 1;
        }
    }
    return 0;
}

/* vectorscan's database for the pattern, or NULL. */
static hs_database_t *compile(rdx_relinear *r, const char *re, unsigned flags) {
    if (!rdx_all_ascii(re, strlen(re)) || large_bound(re)) return NULL;
    unsigned hs_flags = HS_FLAG_SINGLEMATCH;
    if (flags & RDX_PF_RE_I) hs_flags |= HS_FLAG_CASELESS;
    if (flags & RDX_PF_RE_M) hs_flags |= HS_FLAG_MULTILINE;
    if (flags & RDX_PF_RE_S) hs_flags |= HS_FLAG_DOTALL;
    hs_database_t *db = NULL;
    hs_compile_error_t *err = NULL;
    if (hs_compile(re, hs_flags, HS_MODE_BLOCK, NULL, &db, &err) != HS_SUCCESS) {
        hs_free_compile_error(err);   /* unsupported here: PCRE2 answers */
        db = NULL;
    } else if (hs_alloc_scratch(db, &r->scratch) != HS_SUCCESS) {
        hs_free_database(db);
        db = NULL;
    }
    return db;
}

static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned fl,
                    void *ctx) {
    (void)id, (void)from, (void)to, (void)fl;
    *(int *)ctx = 1;
    return 1;   /* one match answers: stop */
}

rdx_relinear_regex *rdx_relinear_get(rdx_relinear *r, const void *code, const char *re,
                                     unsigned flags) {
    if (2 * (r->used + 1) > r->n_slots) grow(r);
    entry *e = probe(r->slots, r->n_slots, code);
    if (e->code && e->flags == flags && strcmp(e->re, re) == 0) return e;
    if (e->code) {   /* the address now holds another pattern */
        free(e->re);
        pcre2_code_free(e->jit);
        hs_free_database(e->db);
    } else {
        r->used++;
    }
    memset(e, 0, sizeof *e);
    e->code = code;
    e->re = strdup(re);
    if (!e->re) abort();
    e->flags = flags;
    return e;
}

const void *rdx_relinear_code(rdx_relinear_regex *e) {
    if (!e->jit_tried) {
        e->jit_tried = 1;
        e->jit = pcre2_code_copy(e->code);
        if (e->jit && pcre2_jit_compile(e->jit, PCRE2_JIT_COMPLETE) != 0) {
            pcre2_code_free(e->jit);   /* no JIT here: the interpreter, on the set's code */
            e->jit = NULL;
        }
    }
    return e->jit ? e->jit : e->code;
}

int rdx_relinear_adopt(rdx_relinear *r, rdx_relinear_regex *e) {
    if (!e->adopted) {
        e->adopted = 1;
        e->db = compile(r, e->re, e->flags);
    }
    return e->db != NULL;
}

void rdx_relinear_spent(rdx_relinear *r, rdx_relinear_regex *e, size_t len, uint64_t ns) {
    e->spent_ns += ns;
    e->bytes += len + 1;
    if (!e->adopted && e->spent_ns >= RDX_RELINEAR_ADOPT_NS &&
        e->spent_ns >= RDX_RELINEAR_ADOPT_NS_PER_BYTE * e->bytes)
        rdx_relinear_adopt(r, e);
}

int rdx_relinear_match(rdx_relinear *r, const rdx_relinear_regex *e, const char *s, size_t len) {
    if (!e->db || len > UINT32_MAX || !rdx_all_ascii(s, len)) return -1;
    int found = 0;
    hs_error_t rc = hs_scan(e->db, s, (unsigned)len, 0, r->scratch, on_match, &found);
    if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED) return -1;
    return found;
}
