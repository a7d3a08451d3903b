/*
 * matcher.c — the compiled matcher: route, prefilter, verify (matcher.h).
 *
 * Build time, once per rule set:
 *   - each rule gets its requirement (atoms.c): up to four clauses of
 *     literal atoms, one atom of each clause present in every match.  It
 *     becomes "filtered" (has clauses), "always" (requires no literal:
 *     evaluated on every event it covers, unless a field it requires is
 *     absent) or "never" (cannot match: not evaluated at all);
 *   - the distinct atoms of all rules go into one vectorscan database
 *     (block mode, one pattern per atom, caseless unless cased, single
 *     match), with a table from atom to the (rule, clause) pairs that
 *     listed it;
 *   - rules are grouped by logsource, because routing and field maps are
 *     per logsource, and SigmaHQ has ~3,750 rules but ~250 logsources.
 *
 * Per event:
 *   1. route: the event's identity (channel, provider, event ID) picks a
 *      route — which rules cover the event and with which field map.  A
 *      route is computed on first sight of an identity by asking the
 *      logsource table about each logsource group, and cached in the
 *      scratch (so the matcher itself stays immutable and lock-free);
 *   2. scan: every scalar value some field of the route's rules can
 *      resolve to (read_names), joined with a separator byte, is scanned
 *      once (the other values only for the atoms of keyword rules, with a
 *      second small database); each atom found ticks off its clauses, and
 *      a rule whose clauses are all ticked is marked;
 *   3. check: the route's always rules lose those whose required fields
 *      are not among the event's field names;
 *   4. verify: candidates = (marked ∩ route) ∪ checked always rules, a
 *      bitset walked in rule order; each candidate is evaluated by the
 *      reference evaluator with the route's field map.
 *
 * Example: a Sysmon EventID 1 event whose values contain "\certutil.exe"
 * and "-urlcache" routes to the ~1,200 process_creation rules; the scan
 * marks the few whose clauses are all met, such as the certutil download
 * rule; those plus a dozen always rules are evaluated, instead of 3,750.
 */
#include <hs.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/keytest.h"
#include "engine/plan.h"
#include "ruledex/matcher.h"
#include "ruledex/ruledex.h"
#include "ruledex/strbuf.h"

#define SEPARATOR 0xFF          /* between values in the scan: never in caseless atoms */
#define MAX_ROUTES 1024         /* distinct identities cached per scratch */
#define MAX_SCAN (1u << 30)     /* joined values beyond this: evaluate everything */

/* A conditional group's "covered, without a field map" answer, told apart
 * from "not covered" (NULL) in the per-event memo. */
static const rdx_fieldmap no_fields = {NULL, 0};

/* Which rules an event of one identity considers, and under which names.
 * A group is "conditional" when the table's answer also depends on the
 * event's fields (a `where:` condition, e.g. Security 4657 is registry_set
 * only for some OperationType values): its rules are in mask, and the
 * answer is asked again per event for those that become candidates. */
typedef struct route {
    uint64_t *mask;                 /* rules whose logsource may cover the event */
    uint64_t *always;               /* mask ∩ the always rules */
    const rdx_fieldmap **fields;    /* per logsource group: its field map */
    unsigned char *conditional;     /* per group: ask per event; NULL if none is */
    int scan;                       /* some rule of mask is filtered */
    int translated;                 /* a field map may translate values: the
                                       scan also holds the rule-side values */
    /* Always rules that need some field present: clause c of check k holds
     * when one of hashes[clause_off[c] .. clause_off[c + 1]) is in the
     * event's name filter (the names the field map and aliases give). */
    struct field_check *checks;
    size_t n_checks;
    uint32_t *clause_off;
    uint64_t *hashes;
    /* What the scan reads (see read_names): the name hashes a lookup by
     * the route's filtered rules can end on, an open-addressing set of
     * read_mask + 1 slots (0: empty); a leaf is scanned when its name or
     * its path's last segment is in it.  NULL: every leaf is scanned. */
    uint64_t *read;
    size_t read_mask;
    int keywords;                   /* a rule of mask has a keyword predicate:
                                       the values read does not hold are
                                       scanned with kw_db too */
} route;

typedef struct field_check {
    uint32_t rule;
    uint32_t first, n;              /* its clauses in clause_off */
} field_check;

#define NAME_FILTER_WORDS 16        /* 1024-bit filter of an event's field names */

struct rdx_matcher {
    const rdx_rule *const *rules;
    size_t n_rules, n_words;        /* n_words: 64-bit words of a rule bitset */
    const rdx_logsources *ls;
    const rdx_fieldmap *aliases;    /* shape aliases, for every event */
    rdx_arena *arena;               /* everything below */
    uint32_t *group;                /* per rule: its logsource group */
    const rdx_logsource **groups;   /* per group: the logsource */
    size_t n_groups;
    uint64_t *always, *filtered;    /* bitsets over rules */
    uint8_t *full;                  /* per rule: the bit mask of all its clauses */
    rdx_atomset *needs;             /* per always rule: fields it requires */
    rdx_key_test *keys;             /* per always rule: its key test (keytest.h) */
    uint32_t *atom_off, *atom_refs;    /* atom a ticks atom_refs[atom_off[a]..[a+1]):
                                          rule << 2 | clause */
    size_t n_atoms;
    hs_database_t *db;              /* NULL: no atoms, or the compile failed */
    uint64_t *keyword;              /* filtered rules with a keyword predicate */
    hs_database_t *kw_db;           /* their atoms (ids as in db), for the values
                                       no field of a route reads; NULL: none, or
                                       the compile failed (then such routes scan
                                       every value with db) */
    route everything;               /* the only route when there is no table */
    rdx_matcher_info info;
};

typedef struct route_slot {
    uint64_t hash;
    unsigned char *key;             /* NULL: empty slot */
    size_t key_len;
    route r;
} route_slot;

struct rdx_scratch {
    const rdx_matcher *m;
    hs_scratch_t *hs;
    rdx_eval *eval;
    uint64_t *hits;                 /* this event: rules with every clause ticked */
    uint8_t *ticked;                /* per rule: clauses ticked in this event */
    uint32_t *touched;              /* rules with ticked != 0, to reset them */
    size_t n_touched;
    uint64_t *always_now;           /* this event: the route's always rules left
                                       after the field checks */
    unsigned char *buf;             /* this event's values, joined */
    size_t buf_cap;
    unsigned char *leaf_read;       /* this event: per leaf, scanned() */
    size_t leaf_cap;
    route_slot *slots;              /* route cache: open addressing */
    size_t n_slots, n_routes;
    unsigned char *key;             /* identity key being looked up */
    size_t key_cap;
    rdx_event_identity id;          /* this event's identity */
    uint64_t epoch;                 /* this event's number, for the memo below */
    uint64_t *cond_epoch;           /* per group: event the memo is for */
    const rdx_fieldmap **cond_fields;  /* per group: this event's answer (NULL: no) */
    uint64_t *evaluated;            /* per rule: times handed to the evaluator */
    rdx_key_values key_values;      /* this event's values of the last key field */
    /* Key tests of filtered rules (keytest.h), made on a rule's first
     * candidacy: a rule whose atoms occurred may still need an event ID
     * the event does not have (`Provider_Name: Security` finds its atom
     * in every Microsoft-Windows-Security-Auditing event, but the rule
     * wants EventID 517 or 1102).  NULL until the first candidate. */
    rdx_key_test *fkeys;
    unsigned char *fkeys_made;
    rdx_arena *fkeys_arena;
    rdx_matcher_stats st;
};

static void *xcalloc(size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size);
    if (!p) abort();
    return p;
}

static void set_bit(uint64_t *bits, size_t i) { bits[i >> 6] |= 1ULL << (i & 63); }
static int get_bit(const uint64_t *bits, size_t i) { return (bits[i >> 6] >> (i & 63)) & 1; }

/* ---- logsource groups --------------------------------------------------- */

static int same_str(const char *a, const char *b) {
    return a == b || (a && b && strcmp(a, b) == 0);
}

static int same_logsource(const rdx_logsource *a, const rdx_logsource *b) {
    return same_str(a->category, b->category) && same_str(a->product, b->product) &&
           same_str(a->service, b->service) && same_str(a->definition, b->definition);
}

/* FNV-1a over the four strings, NULL told apart from "". */
static uint64_t logsource_hash(const rdx_logsource *ls) {
    const char *parts[4] = {ls->category, ls->product, ls->service, ls->definition};
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < 4; i++) {
        for (const char *p = parts[i]; p && *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ULL;
        h = (h ^ (parts[i] ? 0x100u : 0x200u)) * 1099511628211ULL;
    }
    return h;
}

/* Group the rules by logsource (exact spelling: rules that differ only in
 * case get separate groups, which costs a little and is always right).
 * The groups are found through a hash table: comparing each rule with
 * every group so far cost a cached start-up 11 M instructions. */
static void group_rules(rdx_matcher *m) {
    m->group = rdx_arena_alloc(m->arena, (m->n_rules + 1) * sizeof *m->group);
    m->groups = rdx_arena_alloc(m->arena, (m->n_rules + 1) * sizeof *m->groups);
    size_t slots = 16;
    while (slots < 2 * m->n_rules) slots *= 2;
    uint32_t *table = xcalloc(slots, sizeof *table);   /* group + 1; 0: empty */
    for (size_t i = 0; i < m->n_rules; i++) {
        const rdx_logsource *ls = &m->rules[i]->logsource;
        size_t k = logsource_hash(ls) & (slots - 1);
        while (table[k] && !same_logsource(m->groups[table[k] - 1], ls)) k = (k + 1) & (slots - 1);
        if (!table[k]) {
            m->groups[m->n_groups++] = ls;
            table[k] = (uint32_t)m->n_groups;
        }
        m->group[i] = table[k] - 1;
    }
    free(table);
    m->info.logsource_groups = m->n_groups;
}

/* ---- the atom table and the database ------------------------------------ */

typedef struct atom_ref {
    rdx_atom atom;
    uint32_t ref;                   /* rule << 2 | clause */
} atom_ref;

_Static_assert(RDX_ATOM_CLAUSES <= 4, "a clause index is two bits of an atom reference");

static unsigned char lower(unsigned char c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }


static int ref_cmp(const void *x, const void *y) {
    const atom_ref *a = x, *b = y;
    int c = rdx_atom_compare(&a->atom, &b->atom);
    return c ? c : (a->ref > b->ref) - (a->ref < b->ref);
}

#define FOLD_CLASS_MAX 256   /* bytes of one fold_class (a handful of forms) */

/* The case forms of a character in U+0080..U+04FF, the range where the
 * reference matcher folds non-ASCII letters: as an alternation of their
 * UTF-8 bytes, e.g. (?:\xD0\x90|\xD0\xB0) for А/а.  The class is found by
 * asking rdx_pattern_match itself, so it is exactly the reference's
 * folding, whatever that is.  p has room for it; returns its length. */
static size_t fold_class(const unsigned char *c, size_t n, char *p) {
    rdx_seg seg = {RDX_SEG_LIT, c, n};
    rdx_pattern pat = {&seg, 1};
    size_t len = (size_t)sprintf(p, "(?:");
    int first = 1;
    for (uint32_t x = 0x80; x <= 0x4FF && len < FOLD_CLASS_MAX - 16; x++) {
        unsigned char u[2] = {(unsigned char)(0xC0 | (x >> 6)), (unsigned char)(0x80 | (x & 0x3F))};
        if (!rdx_pattern_match(&pat, (const char *)u, 2, 0)) continue;
        len += (size_t)sprintf(p + len, "%s\\x%02X\\x%02X", first ? "" : "|", u[0], u[1]);
        first = 0;
    }
    return len + (size_t)sprintf(p + len, ")");
}

/* fold_class of each character, made once per database: it asks the
 * reference about 1,152 characters, and the same few letters recur in
 * many atoms (75 M instructions of a cached start-up without this). */
typedef struct fold_memo {
    char *cls[0x500 - 0x80];     /* malloc'd; NULL until asked */
} fold_memo;

static size_t fold_class_memo(fold_memo *fm, const unsigned char *c, uint32_t cp, char *p) {
    if (cp < 0x80 || cp > 0x4FF) return fold_class(c, 2, p);   /* not memoised */
    char **slot = &fm->cls[cp - 0x80];
    if (!*slot) {
        char buf[FOLD_CLASS_MAX + 1];
        fold_class(c, 2, buf);
        *slot = strdup(buf);
        if (!*slot) abort();
    }
    size_t n = strlen(*slot);
    memcpy(p, *slot, n);
    return n;
}

static void fold_memo_free(fold_memo *fm) {
    for (size_t i = 0; i < sizeof fm->cls / sizeof *fm->cls; i++) free(fm->cls[i]);
}

/* "\xHH" without printf (this runs for every byte of every atom). */
static size_t hex_escape(char *p, unsigned char b) {
    static const char digits[] = "0123456789ABCDEF";
    p[0] = '\\';
    p[1] = 'x';
    p[2] = digits[b >> 4];
    p[3] = digits[b & 15];
    return 4;
}

/* A vectorscan expression matching the atom's bytes: letters and digits as
 * they are, everything else as \xHH (so NUL and UTF-16 bytes are fine).
 * Caseless atoms fold ASCII by the caseless flag and the letters up to
 * U+04FF by fold_class.  For UNIFOLD atoms (ASCII only) k, s and i also
 * accept the non-ASCII characters PCRE2 folds them with (Kelvin sign, long
 * s, dotted and dotless i).  e has room for len * FOLD_CLASS_MAX + 1. */
static void atom_expression(const rdx_atom *at, char *e, fold_memo *fm) {
    char *p = e;
    int unifold = (at->flags & RDX_ATOM_UNIFOLD) != 0, cased = (at->flags & RDX_ATOM_CASED) != 0;
    for (size_t i = 0; i < at->len;) {
        unsigned char c = at->bytes[i], l = lower(c);
        uint32_t cp = 0;
        size_t n = c < 0x80 || cased ? 1 : rdx_utf8_decode(at->bytes + i, at->len - i, &cp);
        if (n == 2 && cp <= 0x4FF) p += fold_class_memo(fm, at->bytes + i, cp, p);
        else if (unifold && l == 'k') p += sprintf(p, "(?:k|\\xE2\\x84\\xAA)");
        else if (unifold && l == 's') p += sprintf(p, "(?:s|\\xC5\\xBF)");
        else if (unifold && l == 'i') p += sprintf(p, "(?:i|\\xC4\\xB0|\\xC4\\xB1)");
        else if ((l >= 'a' && l <= 'z') || (c >= '0' && c <= '9')) *p++ = (char)c;
        else
            for (size_t k = 0; k < n; k++) p += hex_escape(p, at->bytes[i + k]);
        i += n;
    }
    *p = 0;
}

/* ---- the compiled database's cache (cache.h) ------------------------------ */

/* v in decimal, as %u writes it. */
static void key_uint(rdx_strbuf *k, unsigned v) {
    char d[16];
    size_t n = 0;
    do d[n++] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    while (n) rdx_strbuf_putc(k, d[--n]);
}

/* The key: everything hs_compile_multi is given, and the vectorscan that
 * compiles it.  Any change to rules, tables or atom derivation changes an
 * expression, a flag or the count, hence the key. */
static void db_key(rdx_strbuf *k, const char *const *exprs, const unsigned *flags,
                   const unsigned *ids, size_t n) {
    rdx_strbuf_printf(k, "ruledex matcher prefilter 1; block mode; %s; %zu patterns\n",
                       hs_version(), n);
    for (size_t i = 0; i < n; i++) {   /* "%u %u %s\n" without printf: 17,000 lines */
        key_uint(k, flags[i]);
        rdx_strbuf_putc(k, ' ');
        key_uint(k, ids[i]);
        rdx_strbuf_putc(k, ' ');
        rdx_strbuf_puts(k, exprs[i]);
        rdx_strbuf_putc(k, '\n');
    }
}

/* A database from the cache, if it deserialises and can scan; NULL
 * otherwise (a note in d).  The ids it reports are bounded by the scan
 * callback (on_atom), so a hostile database cannot index past the table. */
/* A database from serialised bytes that can scan, or NULL. */
static hs_database_t *db_from_bytes(const void *bytes, size_t len) {
    hs_database_t *db = NULL;
    hs_scratch_t *scratch = NULL;
    size_t size = 0;
    int ok = hs_deserialize_database(bytes, len, &db) == HS_SUCCESS &&
             hs_database_size(db, &size) == HS_SUCCESS &&
             hs_alloc_scratch(db, &scratch) == HS_SUCCESS;
    hs_free_scratch(scratch);
    if (ok) return db;
    hs_free_database(db);
    return NULL;
}

static hs_database_t *db_from_cache(const rdx_blob_cache *c, const rdx_strbuf *key, size_t n,
                                    rdx_diags *d) {
    size_t len = 0;
    char *bytes = c->get(c->ctx, key->data, key->len, &len, d);
    if (!bytes) return NULL;
    hs_database_t *db = db_from_bytes(bytes, len);
    free(bytes);
    if (!db) {
        rdx_diag_add(d, RDX_SEV_NOTE, "cache", NULL, 0, 0,
                     "cached prefilter (%zu patterns) is not a usable database; recompiling", n);
        return NULL;
    }
    return db;
}

static void db_to_cache(const rdx_blob_cache *c, const rdx_strbuf *key, const hs_database_t *db,
                        rdx_diags *d) {
    char *bytes = NULL;
    size_t len = 0;
    if (hs_serialize_database(db, &bytes, &len) != HS_SUCCESS) return;
    c->put(c->ctx, key->data, key->len, bytes, len, d);
    free(bytes);
}

static int compile_db(rdx_matcher *m, const atom_ref *refs, const uint32_t *first,
                      const rdx_blob_cache *cache, rdx_diags *d) {
    size_t n = m->n_atoms, longest = 0;
    char **exprs = xcalloc(n, sizeof *exprs);
    unsigned *flags = xcalloc(n, sizeof *flags), *ids = xcalloc(n, sizeof *ids);
    for (size_t i = 0; i < n; i++)
        if (refs[first[i]].atom.len > longest) longest = refs[first[i]].atom.len;
    char *buf = xcalloc(longest * FOLD_CLASS_MAX + 1, 1);
    fold_memo *fm = xcalloc(1, sizeof *fm);
    for (size_t i = 0; i < n; i++) {
        const rdx_atom *at = &refs[first[i]].atom;
        atom_expression(at, buf, fm);
        exprs[i] = strdup(buf);
        if (!exprs[i]) abort();
        flags[i] = HS_FLAG_SINGLEMATCH | ((at->flags & RDX_ATOM_CASED) ? 0 : HS_FLAG_CASELESS);
        ids[i] = (unsigned)i;
    }
    free(buf);
    fold_memo_free(fm);
    free(fm);
    rdx_strbuf key = RDX_STRBUF_INIT;
    if (cache) {
        db_key(&key, (const char *const *)exprs, flags, ids, n);
        m->db = db_from_cache(cache, &key, n, d);
        m->info.prefilter_cached = m->db != NULL;
    }
    hs_compile_error_t *err = NULL;
    hs_error_t rc = m->db ? HS_SUCCESS
                          : hs_compile_multi((const char *const *)exprs, flags, ids, (unsigned)n,
                                             HS_MODE_BLOCK, NULL, &m->db, &err);
    if (rc == HS_SUCCESS && cache && !m->info.prefilter_cached) db_to_cache(cache, &key, m->db, d);
    rdx_strbuf_free(&key);
    if (rc != HS_SUCCESS) {
        if (d)
            rdx_diag_add(d, RDX_SEV_ERROR, "matcher", NULL, 0, 0,
                         "prefilter could not be compiled (%s, pattern %d); every rule will be "
                         "evaluated on every event", err && err->message ? err->message : "?",
                         err ? err->expression : -1);
        hs_free_compile_error(err);
        m->db = NULL;
    }
    for (size_t i = 0; i < n; i++) free(exprs[i]);
    free(exprs);
    free(flags);
    free(ids);
    return m->db != NULL;
}

/* The keyword database: the atoms of the filtered rules that have a
 * keyword predicate, under their ids in db.  A keyword reads every value,
 * so these rules need every value scanned for their atoms; the other rules
 * only the values of the fields they name (read_names).  Scanning the
 * values no field reads with this small database instead of the whole one
 * keeps one keyword rule for every Windows event (Mimikatz Use) from
 * costing the full scan on every event.  A failed compile only makes the
 * routes with such rules scan every value with db (a note). */
static void compile_keyword_db(rdx_matcher *m, const atom_ref *refs, const uint32_t *first,
                               const rdx_blob_cache *cache, rdx_diags *d) {
    size_t n = 0, longest = 0;
    char **exprs = xcalloc(m->n_atoms, sizeof *exprs);
    unsigned *flags = xcalloc(m->n_atoms, sizeof *flags), *ids = xcalloc(m->n_atoms, sizeof *ids);
    for (size_t a = 0; a < m->n_atoms; a++)
        if (refs[first[a]].atom.len > longest) longest = refs[first[a]].atom.len;
    char *buf = xcalloc(longest * FOLD_CLASS_MAX + 1, 1);
    fold_memo *fm = xcalloc(1, sizeof *fm);
    for (size_t a = 0; a < m->n_atoms; a++) {
        int kw = 0;
        for (uint32_t k = m->atom_off[a]; k < m->atom_off[a + 1] && !kw; k++)
            kw = get_bit(m->keyword, m->atom_refs[k] >> 2);
        if (!kw) continue;
        const rdx_atom *at = &refs[first[a]].atom;
        atom_expression(at, buf, fm);
        exprs[n] = strdup(buf);
        if (!exprs[n]) abort();
        flags[n] = HS_FLAG_SINGLEMATCH | ((at->flags & RDX_ATOM_CASED) ? 0 : HS_FLAG_CASELESS);
        ids[n++] = (unsigned)a;
    }
    free(buf);
    fold_memo_free(fm);
    free(fm);
    if (n) {
        rdx_strbuf key = RDX_STRBUF_INIT;
        rdx_strbuf_printf(&key, "keyword ");
        if (cache) {
            db_key(&key, (const char *const *)exprs, flags, ids, n);
            m->kw_db = db_from_cache(cache, &key, n, d);
        }
        hs_compile_error_t *err = NULL;
        int cached = m->kw_db != NULL;
        if (!cached && hs_compile_multi((const char *const *)exprs, flags, ids, (unsigned)n,
                                        HS_MODE_BLOCK, NULL, &m->kw_db, &err) != HS_SUCCESS) {
            rdx_diag_add(d, RDX_SEV_NOTE, "matcher", NULL, 0, 0,
                         "keyword prefilter could not be compiled (%s); rules with keywords "
                         "scan every value with the whole prefilter",
                         err && err->message ? err->message : "?");
            hs_free_compile_error(err);
            m->kw_db = NULL;
        } else if (!cached && cache) {
            db_to_cache(cache, &key, m->kw_db, d);
        }
        rdx_strbuf_free(&key);
    }
    for (size_t i = 0; i < n; i++) free(exprs[i]);
    free(exprs);
    free(flags);
    free(ids);
}

/* Distinct atoms → ids, and for each atom the clauses it ticks (CSR). */
static void build_atom_table(rdx_matcher *m, atom_ref *refs, size_t n_refs,
                             const rdx_blob_cache *cache, rdx_diags *d) {
    if (n_refs) qsort(refs, n_refs, sizeof *refs, ref_cmp);
    uint32_t *first = xcalloc(n_refs, sizeof *first);   /* per atom: its first ref */
    m->atom_refs = rdx_arena_alloc(m->arena, (n_refs + 1) * sizeof *m->atom_refs);
    m->atom_off = rdx_arena_alloc(m->arena, (n_refs + 1) * sizeof *m->atom_off);
    size_t k = 0;
    for (size_t i = 0; i < n_refs; i++) {
        if (i == 0 || rdx_atom_compare(&refs[i - 1].atom, &refs[i].atom) != 0) {
            first[m->n_atoms] = (uint32_t)i;
            m->atom_off[m->n_atoms++] = (uint32_t)k;
        }
        m->atom_refs[k++] = refs[i].ref;   /* a clause lists an atom once */
    }
    m->atom_off[m->n_atoms] = (uint32_t)k;
    m->info.atoms = m->n_atoms;
    m->info.prefilter_ok = m->n_atoms == 0 || compile_db(m, refs, first, cache, d);
    if (m->info.prefilter_ok && m->n_atoms) compile_keyword_db(m, refs, first, cache, d);
    free(first);
}

static int has_keyword(const rdx_rule *r) {
    for (size_t s = 0; s < r->n_stages; s++)
        for (size_t g = 0; g < r->stages[s].n_groups; g++)
            for (size_t k = 0; k < r->stages[s].groups[g].n_preds; k++)
                if (!r->stages[s].groups[g].preds[k].field) return 1;
    return 0;
}

/* Always rule i: the fields it requires and its key test (cheap: a few
 * hundred rules, so a plan does not store them). */
static void classify_always(rdx_matcher *m, size_t i) {
    m->info.always++;
    rdx_rule_fields(m->rules[i], m->arena, &m->needs[i]);
    rdx_key_test_of(m->rules[i], m->arena, &m->keys[i]);
    m->info.key_tested += m->keys[i].field != NULL;
    m->info.field_checked += !m->needs[i].always;
}

static void alloc_per_rule(rdx_matcher *m) {
    m->needs = rdx_arena_zalloc(m->arena, (m->n_rules + 1) * sizeof *m->needs);
    m->keys = rdx_arena_zalloc(m->arena, (m->n_rules + 1) * sizeof *m->keys);
}

/* Every rule's requirement; the always/filtered bitsets; the atom table. */
static void classify_rules(rdx_matcher *m, const rdx_blob_cache *cache, rdx_diags *d) {
    m->always = rdx_arena_zalloc(m->arena, m->n_words * sizeof *m->always);
    m->filtered = rdx_arena_zalloc(m->arena, m->n_words * sizeof *m->filtered);
    m->keyword = rdx_arena_zalloc(m->arena, m->n_words * sizeof *m->keyword);
    m->full = rdx_arena_zalloc(m->arena, m->n_rules + 1);
    alloc_per_rule(m);
    atom_ref *refs = NULL;
    size_t n_refs = 0, cap = 0;
    for (size_t i = 0; i < m->n_rules; i++) {
        rdx_atomset s;
        rdx_rule_atoms(m->rules[i], m->arena, &s);
        if (s.always) {
            set_bit(m->always, i);
            classify_always(m, i);
            continue;
        }
        if (s.never) {
            m->info.never++;
            continue;
        }
        set_bit(m->filtered, i);
        if (has_keyword(m->rules[i])) set_bit(m->keyword, i);
        m->info.filtered++;
        m->full[i] = (uint8_t)((1u << s.n_clauses) - 1);
        for (size_t c = 0; c < s.n_clauses; c++) {
            const rdx_atomclause *cl = &s.clauses[c];
            if (n_refs + cl->n > cap) {
                cap = (n_refs + cl->n) * 2;
                refs = realloc(refs, cap * sizeof *refs);
                if (!refs) abort();
            }
            for (size_t k = 0; k < cl->n; k++)
                refs[n_refs++] = (atom_ref){cl->atoms[k], (uint32_t)(i << 2 | c)};
        }
    }
    build_atom_table(m, refs, n_refs, cache, d);
    free(refs);
    if (!m->info.prefilter_ok) {   /* no scan: filtered rules become always rules */
        for (size_t w = 0; w < m->n_words; w++) m->always[w] |= m->filtered[w], m->filtered[w] = 0;
        m->info.always += m->info.filtered;
        m->info.filtered = 0;
    }
}

/* ---- field checks for always rules --------------------------------------- */

typedef struct check_builder {
    field_check *checks;
    size_t n_checks, cap_checks;
    uint32_t *clause_off;
    size_t n_clauses, cap_clauses;
    uint64_t *hashes;
    size_t n_hashes, cap_hashes;
} check_builder;

#define GROW(arr, n, cap)                                                   \
    do {                                                                    \
        if ((n) == (cap)) {                                                 \
            (cap) = (cap) ? (cap) * 2 : 16;                                 \
            (arr) = realloc((arr), (cap) * sizeof *(arr));                  \
            if (!(arr)) abort();                                            \
        }                                                                   \
    } while (0)

static void add_hash(check_builder *b, uint64_t h) {
    GROW(b->hashes, b->n_hashes, b->cap_hashes);
    b->hashes[b->n_hashes++] = h;
}

/* What the name filter must hold if rdx_event_lookup finds name: a leaf
 * with that name, or for a dotted name a path ending with it — whose last
 * segment is then the name's last segment. */
static void add_name(check_builder *b, const char *name) {
    size_t len = strlen(name);
    add_hash(b, rdx_name_hash(name, len));
    const char *dot = memchr(name, '.', len) ? strrchr(name, '.') : NULL;
    if (dot) add_hash(b, rdx_name_hash(dot + 1, len - (size_t)(dot + 1 - name)));
}

/* The names a map gives Sigma field f (as the evaluator's map lookup). */
static void add_mapped(check_builder *b, const rdx_fieldmap *map, const rdx_atom *f) {
    uint64_t h = rdx_name_hash((const char *)f->bytes, f->len);
    for (size_t i = 0; map && i < map->count; i++) {
        const rdx_fieldmap_entry *e = &map->entries[i];
        if (e->sigma_hash != h || strlen(e->sigma) != f->len ||
            strncasecmp(e->sigma, (const char *)f->bytes, f->len) != 0)
            continue;
        for (size_t k = 0; k < e->n_names; k++) add_name(b, e->names[k]);
    }
}

/* Resolve rule i's required fields through the route's field map, the
 * name as written and the shape aliases: the evaluator's three lookups. */
static void add_check(const rdx_matcher *m, check_builder *b, size_t i, const rdx_fieldmap *map) {
    const rdx_atomset *need = &m->needs[i];
    GROW(b->checks, b->n_checks, b->cap_checks);
    b->checks[b->n_checks++] = (field_check){(uint32_t)i, (uint32_t)b->n_clauses,
                                             (uint32_t)need->n_clauses};
    for (size_t c = 0; c < need->n_clauses; c++) {
        GROW(b->clause_off, b->n_clauses, b->cap_clauses);
        b->clause_off[b->n_clauses++] = (uint32_t)b->n_hashes;
        for (size_t k = 0; k < need->clauses[c].n; k++) {
            const rdx_atom *f = &need->clauses[c].atoms[k];
            add_mapped(b, map, f);
            add_name(b, (const char *)f->bytes);   /* the predicate's own field string */
            add_mapped(b, m->aliases, f);
        }
    }
}

/* ---- the fields a route's scan reads --------------------------------------- */

/* An atom of a filtered rule comes from one of its predicates, and can only
 * be in a value that predicate's field resolves to: through the route's
 * field map, as written, or through the shape aliases (the evaluator's
 * three lookups, eval.c field_values).  Each such name is found by a leaf
 * whose name hashes like it (undotted) or whose path's last segment hashes
 * like the name's last segment (dotted: rdx_event_lookup's suffix rule), so
 * the set holds both hashes of every name, spaces removed as a lookup
 * removes them and kept as a long name keeps them.  A keyword predicate
 * reads every value: the values outside the set are scanned again with the
 * keyword database (compile_keyword_db), or, without one, the route scans
 * every value.  A rule whose field map is only known per event (a
 * conditional group) makes its route scan every value too. */
typedef struct read_seen {
    const char *field;              /* NULL: empty slot */
    const rdx_fieldmap *map;
} read_seen;

typedef struct read_builder {
    uint64_t *h;
    size_t n, cap;
    read_seen *seen;                /* (field, map) pairs resolved already: a
                                       route's ~1,000 rules name ~100 fields */
    size_t seen_mask;
} read_builder;

/* Was (p's field, map) resolved already?  Marks it if not. */
static int read_seen_before(read_builder *b, const rdx_predicate *p, const rdx_fieldmap *map) {
    size_t i = (p->field_hash ^ (uintptr_t)map) & b->seen_mask;
    for (; b->seen[i].field; i = (i + 1) & b->seen_mask)
        if (b->seen[i].map == map && strcasecmp(b->seen[i].field, p->field) == 0) return 1;
    b->seen[i] = (read_seen){p->field, map};
    return 0;
}

static void read_add(read_builder *b, uint64_t h) {
    GROW(b->h, b->n, b->cap);
    b->h[b->n++] = h ? h : 1;
}

static void read_add_text(read_builder *b, const char *name, size_t len) {
    size_t seg = len;
    while (seg > 0 && name[seg - 1] != '.') seg--;
    read_add(b, rdx_name_hash(name, len));
    read_add(b, rdx_name_hash(name + seg, len - seg));
}

static void read_add_name(read_builder *b, const char *name, size_t len) {
    read_add_text(b, name, len);
    if (!memchr(name, ' ', len)) return;
    char *t = malloc(len + 1);
    if (!t) abort();
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (name[i] != ' ') t[n++] = name[i];
    read_add_text(b, t, n);
    free(t);
}

static void read_add_mapped(read_builder *b, const rdx_fieldmap *map, const rdx_predicate *p) {
    for (size_t i = 0; map && i < map->count; i++) {
        const rdx_fieldmap_entry *e = &map->entries[i];
        if (e->sigma_hash != p->field_hash || strcasecmp(e->sigma, p->field) != 0) continue;
        for (size_t k = 0; k < e->n_names; k++) read_add_name(b, e->names[k], strlen(e->names[k]));
    }
}

/* Rule r's fields into b (its keyword predicates are kw_db's). */
static void read_rule(const rdx_matcher *m, read_builder *b, const rdx_rule *r,
                      const rdx_fieldmap *map) {
    for (size_t s = 0; s < r->n_stages; s++)
        for (size_t g = 0; g < r->stages[s].n_groups; g++) {
            const rdx_group *gr = &r->stages[s].groups[g];
            for (size_t k = 0; k < gr->n_preds; k++) {
                const rdx_predicate *p = &gr->preds[k];
                if (!p->field || read_seen_before(b, p, map)) continue;
                read_add_mapped(b, map, p);
                read_add_name(b, p->field, p->field_len);
                read_add_mapped(b, m->aliases, p);
            }
        }
}

static int read_has(const route *r, uint64_t h) {
    h = h ? h : 1;
    for (size_t i = h & r->read_mask;; i = (i + 1) & r->read_mask) {
        if (r->read[i] == h) return 1;
        if (!r->read[i]) return 0;
    }
}

static size_t count_preds(const rdx_rule *r) {
    size_t n = 0;
    for (size_t s = 0; s < r->n_stages; s++)
        for (size_t g = 0; g < r->stages[s].n_groups; g++) n += r->stages[s].groups[g].n_preds;
    return n;
}

static void read_names(const rdx_matcher *m, route *r) {
    read_builder b = {NULL, 0, 0, NULL, 0};
    r->read = NULL;
    r->keywords = 0;
    size_t n_preds = 0, slots = 16;
    for (size_t i = 0; i < m->n_rules; i++)
        if (get_bit(r->mask, i) && get_bit(m->filtered, i)) n_preds += count_preds(m->rules[i]);
    while (slots < 2 * n_preds) slots *= 2;
    b.seen = xcalloc(slots, sizeof *b.seen);
    b.seen_mask = slots - 1;
    for (size_t i = 0; i < m->n_rules; i++) {
        if (!get_bit(r->mask, i) || !get_bit(m->filtered, i)) continue;
        size_t g = m->group[i];
        int kw = get_bit(m->keyword, i);
        if ((r->conditional && r->conditional[g]) || (kw && !m->kw_db)) {
            free(b.h);   /* every value, with db */
            free(b.seen);
            r->keywords = 0;
            return;
        }
        r->keywords |= kw;
        read_rule(m, &b, m->rules[i], r->fields[g]);
    }
    free(b.seen);
    slots = 16;
    while (slots < 2 * b.n) slots *= 2;
    r->read = xcalloc(slots, sizeof *r->read);
    r->read_mask = slots - 1;
    for (size_t k = 0; k < b.n; k++) {
        size_t i = b.h[k] & r->read_mask;
        while (r->read[i] && r->read[i] != b.h[k]) i = (i + 1) & r->read_mask;
        r->read[i] = b.h[k];
    }
    free(b.h);
}

/* The checks of a route's always rules (skip_group: per group, 1 when its
 * field map is only known per event, so its rules are not checked). */
static void build_checks(const rdx_matcher *m, route *r, const unsigned char *skip_group) {
    check_builder b;
    memset(&b, 0, sizeof b);
    for (size_t i = 0; i < m->n_rules; i++) {
        if (!get_bit(r->always, i) || m->needs[i].always || m->needs[i].never) continue;
        size_t g = m->group[i];
        if (skip_group && skip_group[g]) continue;
        add_check(m, &b, i, r->fields[g]);
    }
    GROW(b.clause_off, b.n_clauses, b.cap_clauses);
    b.clause_off[b.n_clauses] = (uint32_t)b.n_hashes;
    r->checks = b.checks;
    r->n_checks = b.n_checks;
    r->clause_off = b.clause_off;
    r->hashes = b.hashes;
}

/* The route of an event when there is no logsource table: everything. */
static void build_everything(rdx_matcher *m) {
    route *r = &m->everything;
    r->mask = rdx_arena_alloc(m->arena, m->n_words * sizeof *r->mask);
    r->always = m->always;
    r->fields = rdx_arena_zalloc(m->arena, (m->n_groups + 1) * sizeof *r->fields);
    for (size_t w = 0; w < m->n_words; w++) r->mask[w] = m->always[w] | m->filtered[w];
    r->scan = m->info.filtered > 0;
    build_checks(m, r, NULL);
}

rdx_matcher *rdx_matcher_new(const rdx_rule *const *rules, size_t n, const rdx_logsources *ls,
                             rdx_diags *d) {
    return rdx_matcher_new_cached(rules, n, ls, NULL, d);
}

/* ---- the plan: the derived state above, cached (plan.h) -------------------- */

/* The key: the plan's format, the producers of its bytes and the rules. */
static void plan_key(rdx_strbuf *k, const void *rules_key, size_t len) {
    rdx_strbuf_printf(k, "ruledex matcher plan %d; ruledex %s; %s; rule %zu, stage %zu\n",
                      RDX_PLAN_FORMAT, RULEDEX_VERSION, hs_version(), sizeof(rdx_rule),
                      sizeof(rdx_stage));
    rdx_strbuf_append(k, rules_key, len);
}

/* The plan's always and filtered rules are evaluated without the check
 * rdx_eval_rule makes (rdx_eval_rule_unchecked): each must be runnable, or
 * a plan could have a correlation rule's missing condition evaluated.
 * NULL when they are. */
static const char *plan_runs_only_runnable(const rdx_matcher *m, const rdx_plan *p) {
    for (size_t i = 0; i < m->n_rules; i++)
        if ((get_bit(p->always, i) || get_bit(p->filtered, i)) &&
            !rdx_eval_rule_runnable(m->rules[i]))
            return "a rule that cannot run marked to be evaluated";
    return NULL;
}

/* The plan under key into m; 0 when there is none or it fails a check
 * (a note in d: it is rebuilt). */
static int plan_load(rdx_matcher *m, const rdx_blob_cache *c, const rdx_strbuf *key,
                     rdx_diags *d) {
    rdx_blob_loan loan = {NULL, 0, free, NULL};
    if (c->lend) {
        if (c->lend(c->ctx, key->data, key->len, &loan, d) != 0) return 0;
    } else if ((loan.handle = c->get(c->ctx, key->data, key->len, &loan.len, d)) != NULL) {
        loan.data = loan.handle;
    } else {
        return 0;
    }
    rdx_plan p;
    const char *why = NULL;
    hs_database_t *db = NULL, *kw = NULL;
    if (rdx_plan_decode(loan.data, loan.len, m->n_rules, m->arena, &p, &why) == 0)
        why = plan_runs_only_runnable(m, &p);
    if (!why &&
        ((p.db_len && !(db = db_from_bytes(p.db, p.db_len))) ||
         (p.kw_len && !(kw = db_from_bytes(p.kw_db, p.kw_len)))))
        why = "a database that does not deserialise";
    loan.release(loan.handle);
    if (why) {
        hs_free_database(db);
        rdx_diag_add(d, RDX_SEV_NOTE, "cache", NULL, 0, 0,
                     "cached matcher plan ignored (%s); rebuilding it", why);
        return 0;
    }
    m->always = (uint64_t *)p.always;
    m->filtered = (uint64_t *)p.filtered;
    m->keyword = (uint64_t *)p.keyword;
    m->full = (uint8_t *)p.full;
    m->atom_off = (uint32_t *)p.atom_off;
    m->atom_refs = (uint32_t *)p.atom_refs;
    m->n_atoms = p.n_atoms;
    m->db = db;
    m->kw_db = kw;
    alloc_per_rule(m);
    for (size_t i = 0; i < m->n_rules; i++) {
        if (get_bit(m->always, i)) classify_always(m, i);
        else if (get_bit(m->filtered, i)) m->info.filtered++;
        else m->info.never++;
    }
    m->info.atoms = m->n_atoms;
    m->info.prefilter_ok = 1;
    m->info.prefilter_cached = 1;
    return 1;
}

/* Store m's plan under key, unless the build fell short (a database that
 * did not compile: the next run must say so again). */
static void plan_store(const rdx_matcher *m, const rdx_blob_cache *c, const rdx_strbuf *key,
                       rdx_diags *d) {
    int kw_needed = 0;
    for (size_t w = 0; w < m->n_words; w++) kw_needed |= m->keyword[w] != 0;
    if (!m->info.prefilter_ok || (m->n_atoms && !m->db) || (kw_needed && !m->kw_db)) return;
    char *db = NULL, *kw = NULL;
    size_t db_len = 0, kw_len = 0;
    if ((m->db && hs_serialize_database(m->db, &db, &db_len) != HS_SUCCESS) ||
        (m->kw_db && hs_serialize_database(m->kw_db, &kw, &kw_len) != HS_SUCCESS)) {
        free(db);
        return;
    }
    size_t n_refs = m->atom_off[m->n_atoms];
    rdx_plan p = {m->n_rules, m->n_words, m->always, m->filtered, m->keyword, m->full,
                  m->n_atoms, n_refs, m->atom_off, m->atom_refs, db, kw, db_len, kw_len};
    rdx_strbuf out = RDX_STRBUF_INIT;
    rdx_plan_encode(&p, &out);
    c->put(c->ctx, key->data, key->len, out.data, out.len, d);
    rdx_strbuf_free(&out);
    free(db);
    free(kw);
}

static rdx_matcher *matcher_start(const rdx_rule *const *rules, size_t n,
                                  const rdx_logsources *ls) {
    rdx_matcher *m = xcalloc(1, sizeof *m);
    m->rules = rules;
    m->n_rules = n;
    m->n_words = (n + 63) / 64 + 1;
    m->ls = ls;
    m->arena = rdx_arena_new(0);
    m->info.rules = n;
    if (ls) m->aliases = rdx_logsources_shape_aliases(ls);
    group_rules(m);
    return m;
}

rdx_matcher *rdx_matcher_new_keyed(const rdx_rule *const *rules, size_t n,
                                   const rdx_logsources *ls, const rdx_blob_cache *cache,
                                   const void *rules_key, size_t key_len, rdx_diags *d) {
    if (!cache || !rules_key || n > UINT32_MAX / 4)
        return rdx_matcher_new_cached(rules, n, ls, cache, d);
    rdx_matcher *m = matcher_start(rules, n, ls);
    rdx_strbuf key = RDX_STRBUF_INIT;
    plan_key(&key, rules_key, key_len);
    if (!plan_load(m, cache, &key, d)) {
        classify_rules(m, cache, d);
        plan_store(m, cache, &key, d);
    }
    rdx_strbuf_free(&key);
    build_everything(m);
    return m;
}

rdx_matcher *rdx_matcher_new_cached(const rdx_rule *const *rules, size_t n,
                                    const rdx_logsources *ls, const rdx_blob_cache *cache,
                                    rdx_diags *d) {
    rdx_matcher *m = matcher_start(rules, n, ls);
    classify_rules(m, cache, d);
    build_everything(m);
    return m;
}

void rdx_matcher_free(rdx_matcher *m) {
    if (!m) return;
    free(m->everything.checks);
    free(m->everything.clause_off);
    free(m->everything.hashes);
    hs_free_database(m->db);
    hs_free_database(m->kw_db);
    rdx_arena_free(m->arena);
    free(m);
}

rdx_matcher_info rdx_matcher_get_info(const rdx_matcher *m) { return m->info; }

/* ---- scratch ------------------------------------------------------------- */

rdx_scratch *rdx_scratch_new(const rdx_matcher *m) {
    rdx_scratch *s = xcalloc(1, sizeof *s);
    s->m = m;
    s->eval = rdx_eval_new();
    rdx_eval_use_value_lists(s->eval);
    s->hits = xcalloc(m->n_words, sizeof *s->hits);
    s->ticked = xcalloc(m->n_rules + 1, 1);
    s->always_now = xcalloc(m->n_words, sizeof *s->always_now);
    s->touched = xcalloc(m->n_rules + 1, sizeof *s->touched);
    if (m->db && hs_alloc_scratch(m->db, &s->hs) != HS_SUCCESS) abort();   /* out of memory */
    if (m->kw_db && hs_alloc_scratch(m->kw_db, &s->hs) != HS_SUCCESS) abort();
    s->n_slots = 2 * MAX_ROUTES;
    s->slots = xcalloc(s->n_slots, sizeof *s->slots);
    s->cond_epoch = xcalloc(m->n_groups + 1, sizeof *s->cond_epoch);
    s->cond_fields = xcalloc(m->n_groups + 1, sizeof *s->cond_fields);
    s->evaluated = xcalloc(m->n_rules, sizeof *s->evaluated);
    return s;
}

static void route_free(route *r) {
    free(r->mask);
    free(r->always);
    free(r->fields);
    free(r->conditional);
    free(r->checks);
    free(r->clause_off);
    free(r->hashes);
    free(r->read);
}

static void clear_routes(rdx_scratch *s) {
    for (size_t i = 0; i < s->n_slots; i++) {
        if (!s->slots[i].key) continue;
        free(s->slots[i].key);
        route_free(&s->slots[i].r);
    }
    memset(s->slots, 0, s->n_slots * sizeof *s->slots);
    s->n_routes = 0;
}

void rdx_scratch_free(rdx_scratch *s) {
    if (!s) return;
    clear_routes(s);
    free(s->slots);
    free(s->key);
    free(s->cond_epoch);
    free(s->cond_fields);
    free(s->evaluated);
    hs_free_scratch(s->hs);
    rdx_eval_free(s->eval);
    free(s->hits);
    free(s->ticked);
    free(s->always_now);
    free(s->touched);
    free(s->buf);
    free(s->leaf_read);
    free(s->fkeys);
    free(s->fkeys_made);
    rdx_arena_free(s->fkeys_arena);
    free(s);
}

const uint64_t *rdx_scratch_rule_counts(const rdx_scratch *s) { return s->evaluated; }

rdx_matcher_stats rdx_scratch_stats(const rdx_scratch *s) {
    rdx_matcher_stats st = s->st;
    st.regex_limit_hits = rdx_eval_get_stats(s->eval)->regex_limit_hits;
    return st;
}

/* ---- routing ------------------------------------------------------------- */

/* The identity as bytes, so equal identities find the same cached route. */
static size_t identity_key(rdx_scratch *s, const rdx_event_identity *id) {
    size_t need = 24 + id->channel_len + id->provider_len;
    if (need > s->key_cap) {
        s->key_cap = need * 2;
        s->key = realloc(s->key, s->key_cap);
        if (!s->key) abort();
    }
    uint64_t head[3] = {(uint64_t)id->has_event_id, (uint64_t)id->event_id,
                        ((uint64_t)(id->channel != NULL) << 63) | id->channel_len};
    memcpy(s->key, head, sizeof head);
    if (id->channel_len) memcpy(s->key + 24, id->channel, id->channel_len);
    if (id->provider_len) memcpy(s->key + 24 + id->channel_len, id->provider, id->provider_len);
    return need;
}

static uint64_t fnv1a(const unsigned char *p, size_t n) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

/* Is group g covered for this identity, and does the answer depend on the
 * event?  Two probes tell: rdx_logsources_covers takes every `where` as met
 * (a superset), covers_event on an event without fields takes none as
 * met.  When both give the same answer, the identity alone decides. */
static int probe_group(const rdx_matcher *m, size_t g, const rdx_event_identity *id,
                       const rdx_fieldmap **fields, int *conditional) {
    const rdx_fieldmap *f_any = NULL, *f_none = NULL;
    rdx_event bare;
    *conditional = 0;
    *fields = NULL;
    if (!rdx_logsources_covers(m->ls, m->groups[g], id, &f_any)) return 0;
    rdx_event_init(&bare, NULL, NULL);
    rdx_event_index(&bare);
    int c = rdx_logsources_covers_event(m->ls, m->groups[g], id, &bare, &f_none);
    *conditional = !c || f_none != f_any;
    *fields = f_any;
    return 1;
}

static int map_translates(const rdx_fieldmap *f) {
    for (size_t i = 0; f && i < f->count; i++)
        if (f->entries[i].n_values) return 1;
    return 0;
}

/* Ask the table, logsource group by logsource group, whether it covers an
 * event of this identity and under which field names. */
static void route_build(const rdx_matcher *m, const rdx_event_identity *id, route *r) {
    r->mask = xcalloc(m->n_words, sizeof *r->mask);
    r->always = xcalloc(m->n_words, sizeof *r->always);
    r->fields = xcalloc(m->n_groups + 1, sizeof *r->fields);
    r->conditional = xcalloc(m->n_groups + 1, 1);
    unsigned char *covered = xcalloc(m->n_groups + 1, 1);
    int any_conditional = 0;
    for (size_t g = 0; g < m->n_groups; g++) {
        int cond;
        covered[g] = (unsigned char)probe_group(m, g, id, &r->fields[g], &cond);
        r->conditional[g] = (unsigned char)cond;
        any_conditional |= cond;
        /* a conditional group's map is only known per event: assume it may */
        if (covered[g] && (cond || map_translates(r->fields[g]))) r->translated = 1;
    }
    if (!any_conditional) {
        free(r->conditional);
        r->conditional = NULL;
    }
    for (size_t i = 0; i < m->n_rules; i++)
        if (covered[m->group[i]] && (get_bit(m->always, i) || get_bit(m->filtered, i)))
            set_bit(r->mask, i);
    r->scan = 0;
    for (size_t w = 0; w < m->n_words; w++) {
        r->always[w] = r->mask[w] & m->always[w];
        r->scan |= (r->mask[w] & m->filtered[w]) != 0;
    }
    build_checks(m, r, r->conditional);
    read_names(m, r);
    free(covered);
}

/* The field map for rule group g on this event, or NULL when the group
 * does not cover it after all (conditional groups only; memoised). */
static const rdx_fieldmap *conditional_fields(const rdx_matcher *m, rdx_scratch *s, size_t g,
                                              rdx_event *ev) {
    if (s->cond_epoch[g] != s->epoch) {
        const rdx_fieldmap *f = NULL;
        int c = rdx_logsources_covers_event(m->ls, m->groups[g], &s->id, ev, &f);
        s->cond_fields[g] = c ? (f ? f : &no_fields) : NULL;
        s->cond_epoch[g] = s->epoch;
    }
    return s->cond_fields[g];
}

static const route *route_for(const rdx_matcher *m, rdx_scratch *s, rdx_event *ev) {
    if (!m->ls) return &m->everything;
    rdx_event_identity *id = &s->id;
    memset(id, 0, sizeof *id);
    rdx_event_identify(ev, id);
    size_t len = identity_key(s, id);
    uint64_t h = fnv1a(s->key, len);
    size_t mask = s->n_slots - 1, i = h & mask;
    for (; s->slots[i].key; i = (i + 1) & mask) {
        route_slot *sl = &s->slots[i];
        if (sl->hash == h && sl->key_len == len && memcmp(sl->key, s->key, len) == 0) return &sl->r;
    }
    if (s->n_routes == MAX_ROUTES) {   /* a pathological mix of identities: start over */
        clear_routes(s);
        for (i = h & mask; s->slots[i].key; i = (i + 1) & mask) {}
    }
    route_slot *sl = &s->slots[i];
    sl->hash = h;
    sl->key_len = len;
    sl->key = malloc(len);
    if (!sl->key) abort();
    memcpy(sl->key, s->key, len);
    route_build(m, id, &sl->r);
    s->n_routes++;
    s->st.routes++;
    return &sl->r;
}

/* ---- scan and verify ----------------------------------------------------- */

static int on_atom(unsigned int id, unsigned long long from, unsigned long long to,
                   unsigned int flags, void *ctx) {
    rdx_scratch *s = ctx;
    const rdx_matcher *m = s->m;
    if (id >= m->n_atoms) return 0;   /* only a foreign (cached) database could say so */
    s->st.prefilter_hits++;
    for (uint32_t k = m->atom_off[id]; k < m->atom_off[id + 1]; k++) {
        uint32_t rule = m->atom_refs[k] >> 2;
        uint8_t bit = (uint8_t)(1u << (m->atom_refs[k] & 3));
        if (s->ticked[rule] & bit) continue;
        if (!s->ticked[rule]) s->touched[s->n_touched++] = rule;
        s->ticked[rule] |= bit;
        if (s->ticked[rule] == m->full[rule]) set_bit(s->hits, rule);
    }
    return 0;
}

/* Does some filtered rule of the route read leaf l (read_names)? */
static int scanned(const route *r, const rdx_leaf *l) {
    return !r->read || read_has(r, l->name_hash) || read_has(r, l->seg_hash) ? 1 : 0;
}

/* Join the values of the event's scalars some rule of the route reads
 * (scanned == read; with read 0, those no rule's field reads), each
 * followed by the separator; with read 1, where
 * the route's field maps translate values, also every rule-side value of
 * the table's translations, since the evaluator may show one of them in
 * place of an event value (rdx_fieldmap_entry.values): a rule's atom
 * 'true' must still be found on a 5156 event whose Direction is %%14593. */
static size_t join_values(const rdx_matcher *m, rdx_scratch *s, const route *r,
                          const rdx_event *ev, int read) {
    size_t total = 0, n_extra = 0;
    const char *const *extra = read && r->translated
                                   ? rdx_logsources_translated_values(m->ls, &n_extra)
                                   : NULL;
    for (size_t i = 0; i < ev->n_leaves; i++) {
        size_t len = 0;
        if (s->leaf_read[i] == read && rdx_value_text(ev->leaves[i].value, &len))
            total += len + 1;
    }
    for (size_t i = 0; i < n_extra; i++) total += strlen(extra[i]) + 1;
    if (total > MAX_SCAN) return SIZE_MAX;
    if (total > s->buf_cap) {
        s->buf_cap = total * 2;
        free(s->buf);
        s->buf = malloc(s->buf_cap);
        if (!s->buf) abort();
    }
    size_t at = 0;
    for (size_t i = 0; i < ev->n_leaves; i++) {
        size_t len = 0;
        const char *t = s->leaf_read[i] == read ? rdx_value_text(ev->leaves[i].value, &len) : NULL;
        if (!t) continue;
        if (len) memcpy(s->buf + at, t, len);
        at += len;
        s->buf[at++] = SEPARATOR;
    }
    for (size_t i = 0; i < n_extra; i++) {
        size_t len = strlen(extra[i]);
        memcpy(s->buf + at, extra[i], len);
        at += len;
        s->buf[at++] = SEPARATOR;
    }
    return at;
}

/* One scan of the values join_values gives (read: see there); 0 if the
 * values are too large or the scan fails. */
static int scan_part(const rdx_matcher *m, rdx_scratch *s, const route *r, const rdx_event *ev,
                     const hs_database_t *db, int read) {
    size_t len = join_values(m, s, r, ev, read);
    return len != SIZE_MAX &&
           (len == 0 ||
            hs_scan(db, (const char *)s->buf, (unsigned)len, 0, s->hs, on_atom, s) == HS_SUCCESS);
}

/* Mark the filtered rules whose atoms occur in the values they may read
 * (all of them if the event is too large to scan or a scan fails: slow,
 * but right): the values of the fields the route's rules name with the
 * whole database, and, when a rule of the route has keywords, the other
 * values with the keyword database. */
static void scan(const rdx_matcher *m, rdx_scratch *s, const route *r, const rdx_event *ev) {
    if (ev->n_leaves > s->leaf_cap) {
        s->leaf_cap = ev->n_leaves * 2;
        free(s->leaf_read);
        s->leaf_read = malloc(s->leaf_cap);
        if (!s->leaf_read) abort();
    }
    for (size_t i = 0; i < ev->n_leaves; i++) s->leaf_read[i] = (unsigned char)scanned(r, &ev->leaves[i]);
    if (!scan_part(m, s, r, ev, m->db, 1) ||
        (r->read && r->keywords && !scan_part(m, s, r, ev, m->kw_db, 0)))
        memcpy(s->hits, m->filtered, m->n_words * sizeof *s->hits);
    for (size_t i = 0; i < s->n_touched; i++) s->ticked[s->touched[i]] = 0;
    s->n_touched = 0;
}

static void filter_add(uint64_t *f, uint64_t h) {
    h &= NAME_FILTER_WORDS * 64 - 1;
    f[h >> 6] |= 1ULL << (h & 63);
}

static int filter_has(const uint64_t *f, uint64_t h) {
    h &= NAME_FILTER_WORDS * 64 - 1;
    return (f[h >> 6] >> (h & 63)) & 1;
}

/* The route's always rules minus those whose required fields the event
 * lacks: a filter holds each leaf's name and the last segment of its
 * path, which is all a lookup can match on (see add_name). */
static const uint64_t *checked_always(const rdx_matcher *m, rdx_scratch *s, const route *r,
                                      const rdx_event *ev) {
    uint64_t f[NAME_FILTER_WORDS] = {0};
    for (size_t i = 0; i < ev->n_leaves; i++) {
        const rdx_leaf *l = &ev->leaves[i];
        filter_add(f, l->name_hash);
        if (l->path && l->seg_hash != l->name_hash) filter_add(f, l->seg_hash);
    }
    memcpy(s->always_now, r->always, m->n_words * sizeof *s->always_now);
    for (size_t k = 0; k < r->n_checks; k++) {
        const field_check *c = &r->checks[k];
        for (uint32_t cl = c->first; cl < c->first + c->n; cl++) {
            int found = 0;
            for (uint32_t h = r->clause_off[cl]; h < r->clause_off[cl + 1] && !found; h++)
                found = filter_has(f, r->hashes[h]);
            if (found) continue;
            s->always_now[c->rule >> 6] &= ~(1ULL << (c->rule & 63));
            s->st.field_skips++;
            break;
        }
    }
    return s->always_now;
}

/* Rule i's key test: the matcher's (always rules), or one made for this
 * scratch on the filtered rule's first candidacy. */
static const rdx_key_test *key_test(const rdx_matcher *m, rdx_scratch *s, size_t i) {
    if (m->keys[i].field || !get_bit(m->filtered, i)) return &m->keys[i];
    if (!s->fkeys) {
        s->fkeys = xcalloc(m->n_rules, sizeof *s->fkeys);
        s->fkeys_made = xcalloc(m->n_rules, 1);
        s->fkeys_arena = rdx_arena_new(0);
    }
    if (!s->fkeys_made[i]) {
        rdx_key_test_of(m->rules[i], s->fkeys_arena, &s->fkeys[i]);
        s->fkeys_made[i] = 1;
    }
    return &s->fkeys[i];
}

static unsigned lowest_bit(uint64_t x) {
#if defined(__GNUC__) || defined(__clang__)
    return (unsigned)__builtin_ctzll(x);
#else
    unsigned n = 0;
    while (!(x & 1)) x >>= 1, n++;
    return n;
#endif
}

size_t rdx_matcher_match(const rdx_matcher *m, rdx_scratch *s, rdx_event *ev,
                         void (*hit)(void *ctx, size_t rule), void *ctx) {
    s->st.events++;
    s->epoch++;
    rdx_event_index(ev);
    const route *r = route_for(m, s, ev);
    memset(s->hits, 0, m->n_words * sizeof *s->hits);
    if (r->scan && m->db) scan(m, s, r, ev);
    const uint64_t *always = r->n_checks ? checked_always(m, s, r, ev) : r->always;
    size_t n = 0;
    for (size_t w = 0; w < m->n_words; w++) {
        uint64_t bits = (s->hits[w] & r->mask[w]) | always[w];
        while (bits) {
            size_t i = w * 64 + lowest_bit(bits);
            bits &= bits - 1;
            size_t g = m->group[i];
            const rdx_fieldmap *fields = r->fields[g];
            if (r->conditional && r->conditional[g] && !(fields = conditional_fields(m, s, g, ev)))
                continue;
            rdx_eval_set_fields(s->eval, fields, m->aliases);
            const rdx_key_test *kt = key_test(m, s, i);
            if (kt->field &&
                !rdx_key_test_may_hold(kt, s->eval, ev, fields, s->epoch, &s->key_values)) {
                s->st.key_skips++;
                continue;
            }
            s->st.candidates++;
            s->evaluated[i]++;
            /* Filtered and always rules are runnable: rdx_rule_atoms made
             * every other rule "never" (atoms.c, rule_req). */
            if (!rdx_eval_rule_unchecked(s->eval, m->rules[i], ev)) continue;
            n++;
            if (hit) hit(ctx, i);
        }
    }
    s->st.hits += n;
    return n;
}
