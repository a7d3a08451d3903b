/*
 * atoms.c — the literals a rule cannot match without.
 *
 * The compiled matcher (matcher.c) only evaluates a rule on an event when
 * one of the rule's atoms occurs somewhere in the event's values.  That is
 * safe exactly when the atom set is *necessary*: if the rule matches, then
 * at least one atom occurs.  Every choice here keeps that invariant; the
 * price of a mistake would be a missed detection, the price of caution is
 * only a few more candidates.
 *
 * Example — this detection
 *
 *     selection_img:
 *         Image|endswith: '\certutil.exe'
 *     selection_cli:
 *         CommandLine|contains: ['-urlcache', '-verifyctl']
 *     filter:
 *         ParentImage: 'C:\Windows\System32\svchost.exe'
 *     condition: all of selection_* and not filter
 *
 * gives the clauses {"\certutil.exe"} and {"-urlcache", "-verifyctl"}, both
 * required (all of); `not filter` can hold without any literal, so it adds
 * nothing.  The rule is evaluated only on events whose values contain
 * "\certutil.exe" and one of "-urlcache", "-verifyctl", in any case.
 *
 * The algebra, bottom up ("none" = may hold without any literal).  A
 * requirement is a few clauses that must all hold, a clause a set of atoms
 * one of which must occur:
 *   value      each variant's literal; a variant without one → none
 *   predicate  one clause, the union of its values (|all: a clause per
 *              value); none for |neq, null, exists, numbers, cidr,
 *              fieldref, time parts
 *   group, AND the clauses of all children (none children add nothing)
 *   stage, OR  the union of each child's best clause; none if a child is
 *   NOT, TRUE  none
 * An empty union (a stage with no groups) is the empty clause: "never".
 *
 * Case: an atom is a whole literal segment, and the scanner folds it the
 * way the reference matcher does: ASCII letters by the scanner's caseless
 * flag, the Latin, Greek and Cyrillic letters below U+0500 by one literal
 * per spelling of their case forms (matcher.c), everything else byte for
 * byte.  Cased predicates keep their bytes as they are.  Numbers are never
 * atoms: 4688 also matches "0x1250" by value.
 *
 * Length: an atom needs RDX_ATOM_MIN bytes, or two when it holds a
 * non-ASCII character — a lone Cyrillic "А" or "ˣ" is rare in event data,
 * which is exactly why rules look for it.
 */
#include <stdlib.h>
#include <string.h>

#include "ruledex/atoms.h"

#define MAX_SET 4096   /* atoms in one set; beyond that the set is dropped */

/* ---- atom sets under construction --------------------------------------- */

typedef struct aset {
    int none;          /* no set: may hold without any literal */
    rdx_atom *v;
    size_t n, cap;
} aset;

static aset aset_none(void) { return (aset){1, NULL, 0, 0}; }
static aset aset_empty(void) { return (aset){0, NULL, 0, 0}; }

static void aset_free(aset *s) {
    free(s->v);
    *s = aset_none();
}

static void aset_push(aset *s, rdx_atom a) {
    if (s->none) return;
    if (s->n == MAX_SET) {   /* too many to be useful: give up on the set */
        aset_free(s);
        return;
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->v = realloc(s->v, s->cap * sizeof *s->v);
        if (!s->v) abort();
    }
    s->v[s->n++] = a;
}

/* dst = dst ∪ src; src is consumed. */
static void aset_unite(aset *dst, aset *src) {
    if (src->none) aset_free(dst);
    for (size_t i = 0; !dst->none && i < src->n; i++) aset_push(dst, src->v[i]);
    aset_free(src);
}

static aset aset_copy(const aset *s) {
    aset c = *s;
    if (s->none || s->n == 0) return (aset){s->none, NULL, 0, 0};
    c.v = malloc(s->n * sizeof *c.v);
    if (!c.v) abort();
    memcpy(c.v, s->v, s->n * sizeof *c.v);
    c.cap = s->n;
    return c;
}

/* ---- how good is a set -------------------------------------------------- */

/* Substrings of these occur in most Windows events, so an atom inside one
 * of them filters almost nothing however long it is. */
#define TEXT(s) {s, sizeof s - 1}
static const struct {
    const char *s;
    size_t n;
} common_text[] = {
    TEXT("c:\\windows\\system32\\"), TEXT("c:\\windows\\syswow64\\"),
    TEXT("c:\\program files (x86)\\"), TEXT("\\appdata\\local\\"),
    TEXT("\\appdata\\roaming\\"), TEXT("c:\\users\\"), TEXT("microsoft-windows-"),
    TEXT("svchost.exe"), TEXT("nt authority\\system"), TEXT(".exe"), TEXT(".dll"), TEXT("true"),
    TEXT("false"),
};
#undef TEXT

static unsigned char lower(unsigned char c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

/* Does hay (h bytes, lower case) contain needle, ASCII case folded?  Only
 * positions holding the needle's first byte are compared: this runs for
 * every atom of every rule while the matcher is built (a cached start-up
 * spent 8 % here comparing at every position). */
static int ci_contains(const char *hay, size_t h, const unsigned char *needle, size_t n) {
    if (n == 0) return 1;
    if (n > h) return 0;
    unsigned char c0 = lower(needle[0]);
    const char *end = hay + (h - n) + 1;
    for (const char *p = hay; p < end && (p = memchr(p, c0, (size_t)(end - p))) != NULL; p++) {
        size_t k = 1;
        while (k < n && (unsigned char)p[k] == lower(needle[k])) k++;
        if (k == n) return 1;
    }
    return 0;
}

/* The chance that an atom occurs in an event, roughly: short atoms are
 * everywhere, long ones rare.  UTF-16 atoms count their non-NUL bytes;
 * non-ASCII bytes count double (they are rare in Windows event data). */
static double atom_cost(const rdx_atom *a) {
    if (a->flags & RDX_ATOM_FIELD) return 0.5;   /* most fields are in most events */
    size_t eff = 0;
    for (size_t i = 0; i < a->len; i++) eff += a->bytes[i] >= 0x80 ? 2 : a->bytes[i] != 0;
    for (size_t i = 0; i < sizeof common_text / sizeof *common_text; i++)
        if (ci_contains(common_text[i].s, common_text[i].n, a->bytes, a->len)) return 0.6;
    static const double by_len[] = {1, 1, 1, 0.3, 0.15, 0.08, 0.04, 0.02};
    return eff < 8 ? by_len[eff] : 0.01;
}

static double aset_cost(const aset *s) {
    double c = 0;
    for (size_t i = 0; i < s->n; i++) c += atom_cost(&s->v[i]);
    return c;
}

/* ---- requirements: every clause must have an atom present -------------- */

/*
 * A requirement is a conjunction of atom sets ("clauses"): the rule cannot
 * match unless every clause has an atom in the event.  AND simply collects
 * its children's clauses, which is what makes a rule like
 *     Image|endswith: '\powershell.exe'  and  CommandLine|contains: '-nop'
 * a candidate only on events holding both.  OR must produce something all
 * its children imply, so each child is collapsed to its best clause (any
 * one clause is implied by the child) and those are united.  At most
 * RDX_ATOM_CLAUSES clauses are kept, the most selective ones: dropping a
 * clause only weakens the filter.
 */
typedef struct req {
    int none;                        /* no requirement at all */
    aset cl[RDX_ATOM_CLAUSES + 1];
    size_t n;
} req;

static req req_none(void) { return (req){.none = 1}; }

/* The OR identity: one empty clause, which no event satisfies. */
static req req_never(void) { return (req){.none = 0, .cl = {{0, NULL, 0, 0}}, .n = 1}; }

static req req_clause(aset s) {
    if (s.none) return req_none();
    return (req){.none = 0, .cl = {s}, .n = 1};
}

static void req_free(req *r) {
    for (size_t i = 0; i < r->n; i++) aset_free(&r->cl[i]);
    *r = req_none();
}

static req req_copy(const req *r) {
    req c = *r;
    for (size_t i = 0; i < r->n; i++) c.cl[i] = aset_copy(&r->cl[i]);
    return c;
}

/* Index of the most selective clause (an empty one is best: "never"). */
static size_t req_best(const req *r) {
    size_t best = 0;
    double best_cost = 0;
    for (size_t i = 0; i < r->n; i++) {
        double c = aset_cost(&r->cl[i]);
        if (i == 0 || c < best_cost) best = i, best_cost = c;
    }
    return best;
}

/* dst = dst AND src; src is consumed. */
static void req_and(req *dst, req *src) {
    if (src->none) return;
    if (dst->none) {
        *dst = *src;
        *src = req_none();
        return;
    }
    for (size_t i = 0; i < src->n; i++) {
        dst->cl[dst->n++] = src->cl[i];
        if (dst->n > RDX_ATOM_CLAUSES) {   /* over the cap: drop the least selective */
            size_t worst = 0;
            for (size_t k = 1; k < dst->n; k++)
                if (aset_cost(&dst->cl[k]) > aset_cost(&dst->cl[worst])) worst = k;
            aset_free(&dst->cl[worst]);
            dst->cl[worst] = dst->cl[--dst->n];
        }
    }
    src->n = 0;
    *src = req_none();
}

/* The best clause of r alone (r consumed). */
static aset req_collapse(req *r) {
    if (r->none) return aset_none();
    size_t b = req_best(r);
    aset keep = r->cl[b];
    r->cl[b] = aset_none();
    req_free(r);
    return keep;
}

static int req_is_never(const req *r) {
    for (size_t i = 0; !r->none && i < r->n; i++)
        if (r->cl[i].n == 0) return 1;
    return 0;
}

/* dst = dst OR src; src is consumed. */
static void req_or(req *dst, req *src) {
    if (dst->none || src->none) {
        req_free(dst);
        req_free(src);
        return;
    }
    if (req_is_never(src)) {   /* x OR never = x: keep every clause */
        req_free(src);
        return;
    }
    if (req_is_never(dst)) {
        req_free(dst);
        *dst = *src;
        *src = req_none();
        return;
    }
    aset d = req_collapse(dst), k = req_collapse(src);
    aset_unite(&d, &k);
    *dst = req_clause(d);
}

/* ---- literals of patterns ----------------------------------------------- */

/* Long enough to be selective (see the header comment)? */
static int long_enough(const unsigned char *b, size_t len) {
    if (len >= RDX_ATOM_MIN) return 1;
    for (size_t i = 0; i < len; i++)
        if (b[i] >= 0x80) return len >= 2;
    return 0;
}

/* A literal segment as an atom, if it is the best so far. */
static void consider(const rdx_seg *g, int cased, rdx_atom *best, double *best_cost) {
    if (!long_enough(g->bytes, g->len)) return;
    rdx_atom a = {g->bytes, g->len, cased ? RDX_ATOM_CASED : 0};
    double c = atom_cost(&a);
    if (c < *best_cost) *best = a, *best_cost = c;
}

/* 1 and the atom when the variant has a literal segment long enough. */
static int variant_atom(const rdx_pattern *p, int cased, rdx_atom *out) {
    double cost = 2;
    for (size_t i = 0; i < p->n_segs; i++)
        if (p->segs[i].kind == RDX_SEG_LIT) consider(&p->segs[i], cased, out, &cost);
    return cost < 2;
}

static aset regex_set(const rdx_rvalue *v, int caseless, rdx_arena *a);

static aset value_set(const rdx_predicate *p, const rdx_rvalue *v, rdx_arena *a) {
    if (v->unresolved) return aset_none();
    if (v->kind == RDX_VK_REGEX) return regex_set(v, (p->flags & RDX_PF_RE_I) != 0, a);
    if (v->kind != RDX_VK_STRING && v->kind != RDX_VK_BOOL) return aset_none();
    aset s = aset_empty();
    int cased = (p->flags & RDX_PF_CASED) != 0;
    for (size_t i = 0; i < v->variants.count && !s.none; i++) {
        const rdx_pattern *pat = &v->variants.items[i];
        rdx_atom at;
        if (rdx_pattern_has_placeholders(pat)) continue;   /* matches nothing */
        if (!variant_atom(pat, cased, &at)) aset_free(&s);
        else aset_push(&s, at);
    }
    return s;
}

static int filterable_op(rdx_op op) {
    return op == RDX_OP_EQUALS || op == RDX_OP_CONTAINS || op == RDX_OP_STARTSWITH ||
           op == RDX_OP_ENDSWITH || op == RDX_OP_KEYWORD || op == RDX_OP_REGEX ||
           op == RDX_OP_TERM;   /* a whole term holds its literal */
}

/* Field mode: a predicate that cannot hold while its field is absent
 * requires the field (see rdx_rule_fields). */
static req predicate_field_req(const rdx_predicate *p) {
    int needs = p->field && !(p->flags & RDX_PF_NEQ) && p->op != RDX_OP_NULL &&
                (p->op != RDX_OP_EXISTS || (p->n_values && p->values[0].boolean));
    if (!needs) return req_none();
    aset s = aset_empty();
    aset_push(&s, (rdx_atom){(const unsigned char *)p->field, strlen(p->field), RDX_ATOM_FIELD});
    return req_clause(s);
}

static req predicate_req(const rdx_predicate *p, rdx_arena *a, int fields) {
    if (fields) return predicate_field_req(p);
    if ((p->flags & (RDX_PF_NEQ | RDX_PF_FIELDREF)) || p->timepart || !filterable_op(p->op))
        return req_none();
    if (p->n_values == 0) return req_never();   /* holds for no event */
    if (p->flags & RDX_PF_ALL) {                /* every value must match: a clause each */
        req r = req_none();
        for (size_t k = 0; k < p->n_values; k++) {
            req v = req_clause(value_set(p, &p->values[k], a));
            req_and(&r, &v);
        }
        return r;
    }
    aset s = aset_empty();
    for (size_t k = 0; k < p->n_values && !s.none; k++) {
        aset v = value_set(p, &p->values[k], a);
        aset_unite(&s, &v);
    }
    return req_clause(s);
}

static req stage_req(const rdx_stage *st, rdx_arena *a, int fields) {
    req r = req_never();
    for (size_t g = 0; g < st->n_groups && !r.none; g++) {
        const rdx_group *grp = &st->groups[g];
        req all = req_none();
        for (size_t i = 0; i < grp->n_preds; i++) {
            req pr = predicate_req(&grp->preds[i], a, fields);
            req_and(&all, &pr);
        }
        req_or(&r, &all);
    }
    return r;
}

/* ---- the condition tree ------------------------------------------------- */

static req cond_req(const rdx_cond *c, const req *stages) {
    req r, k;
    switch (c->kind) {
    case RDX_COND_STAGE: return req_copy(&stages[c->stage]);
    case RDX_COND_AND:
        r = req_none();
        for (size_t i = 0; i < c->n_kids; i++) k = cond_req(c->kids[i], stages), req_and(&r, &k);
        return r;
    case RDX_COND_OR:
        r = req_never();
        for (size_t i = 0; i < c->n_kids && !r.none; i++)
            k = cond_req(c->kids[i], stages), req_or(&r, &k);
        return r;
    case RDX_COND_ONE_OF:
        r = req_never();
        for (size_t i = 0; i < c->n_stages && !r.none; i++)
            k = req_copy(&stages[c->stages[i]]), req_or(&r, &k);
        return r;
    case RDX_COND_ALL_OF:   /* no stages at all: vacuously true, so none */
        r = req_none();
        for (size_t i = 0; i < c->n_stages; i++)
            k = req_copy(&stages[c->stages[i]]), req_and(&r, &k);
        return r;
    case RDX_COND_NOT:
    case RDX_COND_TRUE:
        break;
    }
    return req_none();
}

/* Order for sorting and de-duplication: flags, length, then bytes (folded
 * unless cased, because the scanner folds them anyway). */
int rdx_atom_compare(const rdx_atom *a, const rdx_atom *b) {
    if (a->flags != b->flags) return a->flags < b->flags ? -1 : 1;
    if (a->len != b->len) return a->len < b->len ? -1 : 1;
    int cased = (a->flags & RDX_ATOM_CASED) != 0;
    for (size_t i = 0; i < a->len; i++) {
        unsigned char p = cased ? a->bytes[i] : lower(a->bytes[i]);
        unsigned char q = cased ? b->bytes[i] : lower(b->bytes[i]);
        if (p != q) return p < q ? -1 : 1;
    }
    return 0;
}

static int atom_cmp(const void *x, const void *y) { return rdx_atom_compare(x, y); }

/* One clause into the arena, sorted and without duplicates. */
static rdx_atomclause finish_clause(aset *s, rdx_arena *a) {
    rdx_atomclause c = {NULL, 0};
    if (s->n) {
        qsort(s->v, s->n, sizeof *s->v, atom_cmp);
        c.atoms = rdx_arena_alloc(a, s->n * sizeof *c.atoms);
        for (size_t i = 0; i < s->n; i++)
            if (c.n == 0 || atom_cmp(&c.atoms[c.n - 1], &s->v[i]) != 0) c.atoms[c.n++] = s->v[i];
    }
    aset_free(s);
    return c;
}

static int same_clause(const rdx_atomclause *x, const rdx_atomclause *y) {
    if (x->n != y->n) return 0;
    for (size_t i = 0; i < x->n; i++)
        if (atom_cmp(&x->atoms[i], &y->atoms[i]) != 0) return 0;
    return 1;
}

/* A clause this likely to hold filters nothing and only costs the scan
 * callback: ".exe" would tick a clause of hundreds of rules per event. */
#define CLAUSE_USELESS 0.5

static int by_cost(const void *x, const void *y) {
    double a = aset_cost(x), b = aset_cost(y);
    return (a > b) - (a < b);
}

static void finish(req *r, rdx_arena *a, int fields, rdx_atomset *out) {
    *out = (rdx_atomset){r->none, 0, NULL, 0};
    if (r->none) return;
    qsort(r->cl, r->n, sizeof *r->cl, by_cost);   /* the most selective first */
    while (!fields && r->n > 1 && aset_cost(&r->cl[r->n - 1]) >= CLAUSE_USELESS)
        aset_free(&r->cl[--r->n]);
    out->clauses = rdx_arena_alloc(a, r->n * sizeof *out->clauses);
    for (size_t i = 0; i < r->n; i++) {
        rdx_atomclause c = finish_clause(&r->cl[i], a);
        if (c.n == 0) out->never = 1;   /* a clause no event satisfies */
        int dup = 0;
        for (size_t k = 0; k < out->n_clauses && !dup; k++) dup = same_clause(&out->clauses[k], &c);
        if (!dup) out->clauses[out->n_clauses++] = c;
    }
    r->n = 0;
    if (out->never) out->n_clauses = 0;
}

static void rule_req(const rdx_rule *r, rdx_arena *a, int fields, rdx_atomset *out) {
    /* The rules rdx_eval_rule never matches need no evaluation at all. */
    if (r->kind == RDX_KIND_CORRELATION || r->status_load != RDX_RULE_OK || !r->condition ||
        rdx_rule_opaque_reason(r)) {
        *out = (rdx_atomset){0, 1, NULL, 0};
        return;
    }
    req *stages = calloc(r->n_stages + 1, sizeof *stages);
    if (!stages) abort();
    for (size_t i = 0; i < r->n_stages; i++) stages[i] = stage_req(&r->stages[i], a, fields);
    req q = cond_req(r->condition, stages);
    for (size_t i = 0; i < r->n_stages; i++) req_free(&stages[i]);
    free(stages);
    finish(&q, a, fields, out);
}

void rdx_rule_atoms(const rdx_rule *r, rdx_arena *a, rdx_atomset *out) { rule_req(r, a, 0, out); }

void rdx_rule_fields(const rdx_rule *r, rdx_arena *a, rdx_atomset *out) { rule_req(r, a, 1, out); }

/* ---- regular expressions ------------------------------------------------ */

/*
 * A regex is read just far enough to find, in each top-level alternative, a
 * run of plain characters every match must contain:
 *
 *     \\AppData\\Roaming\\[a-z]{8}\.exe   → "\AppData\Roaming\"  (".exe" is shorter)
 *     (?i)invoke-(mimikatz|kerberoast)    → "invoke-"
 *     ^(cmd|powershell)\.exe$             → none: the alternation is in a group
 *
 * Anything that is not a plain character (a class, a group, `.`, an
 * escape sequence with a letter, an anchor) ends the run; a character
 * that may repeat zero times is dropped and ends it too.  Syntax that
 * changes how the rest is read — extended mode (?x), \Q...\E — makes the
 * whole regex "none".  Caseless regexes keep ASCII runs only and are
 * marked UNIFOLD: PCRE2 in UTF mode lets k and s match the Kelvin sign and
 * long s, so the scanner must accept those spellings too.
 */

typedef struct rxscan {
    const unsigned char *s;
    size_t n;
    unsigned char *run;     /* the run being built */
    size_t run_len;
    size_t best_off, best_len;   /* best run of this alternative, in keep */
    unsigned char *keep;    /* copies of finished runs */
    size_t keep_len;
} rxscan;

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static int is_alpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

/* Index after the quantifier at i (i if none); *min_zero when it allows
 * zero repetitions. */
static size_t quantifier(const unsigned char *s, size_t n, size_t i, int *min_zero) {
    *min_zero = 0;
    if (i >= n) return i;
    size_t j = i;
    if (s[j] == '*' || s[j] == '?') *min_zero = 1, j++;
    else if (s[j] == '+') j++;
    else if (s[j] == '{') {
        /* Digits, commas and spaces in braces: a quantifier for some PCRE2
         * version ({2}, {2,}, {,3}, { 2 , 3 }), so treat it as one either
         * way: dropping a character that was literal only costs an atom. */
        size_t k = j + 1, digits = 0, lo_digits = 0;
        unsigned long lo = 0;
        int comma = 0;
        for (; k < n && (is_digit(s[k]) || s[k] == ',' || s[k] == ' '); k++) {
            if (s[k] == ',') comma = 1;
            if (!is_digit(s[k])) continue;
            digits++;
            if (!comma && lo < 100000) lo = lo * 10 + (s[k] - '0'), lo_digits++;
        }
        if (k >= n || s[k] != '}' || digits == 0) return i;   /* a literal '{' */
        *min_zero = lo_digits == 0 || lo == 0;
        j = k + 1;
    } else {
        return i;
    }
    if (j < n && (s[j] == '?' || s[j] == '+')) j++;   /* lazy / possessive */
    return j;
}

/* Index after the character class opening at s[i] == '['; 0 if unterminated. */
static size_t skip_class(const unsigned char *s, size_t n, size_t i) {
    size_t j = i + 1;
    if (j < n && s[j] == '^') j++;
    if (j < n && s[j] == ']') j++;   /* a leading ']' is literal */
    while (j < n) {
        if (s[j] == '\\') j += 2;
        else if (s[j] == '[' && j + 1 < n && s[j + 1] == ':') {
            const unsigned char *e = memchr(s + j + 2, ']', n - j - 2);
            if (!e) return 0;
            j = (size_t)(e - s) + 1;
        } else if (s[j] == ']') return j + 1;
        else j++;
    }
    return 0;
}

/* Index after the group opening at s[i] == '('; 0 if unbalanced. */
static size_t skip_group(const unsigned char *s, size_t n, size_t i) {
    size_t depth = 0, j = i;
    while (j < n) {
        if (s[j] == '\\') j += 2;
        else if (s[j] == '[') {
            j = skip_class(s, n, j);
            if (!j) return 0;
        } else {
            if (s[j] == '(') depth++;
            else if (s[j] == ')' && --depth == 0) return j + 1;
            j++;
        }
    }
    return 0;
}

static size_t skip_to(const unsigned char *s, size_t n, size_t j, unsigned char close) {
    const unsigned char *e = memchr(s + j, close, n - j);
    return e ? (size_t)(e - s) + 1 : n;
}

/* Index after a backslash escape whose letter or digit is s[i + 1]. */
static size_t skip_escape(const unsigned char *s, size_t n, size_t i) {
    unsigned char d = s[i + 1];
    size_t j = i + 2;
    if (d == 'c') return j < n ? j + 1 : n;                        /* \cX */
    if (j < n && s[j] == '{' && strchr("xopPNgku", d)) return skip_to(s, n, j, '}');
    if (j < n && (d == 'g' || d == 'k') && (s[j] == '<' || s[j] == '\''))
        return skip_to(s, n, j + 1, s[j] == '<' ? '>' : '\'');
    if (d == 'p' || d == 'P') return j < n ? j + 1 : n;            /* \pL */
    if (d == 'x')
        for (int k = 0; k < 2 && j < n && (is_digit(s[j]) || ((s[j] | 0x20) >= 'a' && (s[j] | 0x20) <= 'f')); k++) j++;
    if (is_digit(d))
        while (j < n && is_digit(s[j])) j++;
    return j;
}

/* The current run is over: remember it if it is the best so far. */
static void rx_end_run(rxscan *x) {
    if (x->run_len > x->best_len) {
        memcpy(x->keep + x->keep_len, x->run, x->run_len);
        x->best_off = x->keep_len;
        x->best_len = x->run_len;
        x->keep_len += x->run_len;
    }
    x->run_len = 0;
}

/* Reads one character at *i into ch; returns its length, or 0 when the
 * item at *i is not a plain character (then *i is past it). */
static size_t rx_char(rxscan *x, size_t *i, int caseless, unsigned char ch[4]) {
    const unsigned char *s = x->s;
    size_t n = x->n;
    unsigned char c = s[*i];
    if (c == '\\') {
        if (*i + 1 >= n) return (*i = n), 0;
        unsigned char d = s[*i + 1];
        if (is_digit(d) || is_alpha(d)) {
            *i = skip_escape(s, n, *i);
            return 0;
        }
        (*i)++;   /* an escaped symbol is itself; so is an escaped non-ASCII character */
        c = d;
        if (c < 0x80) {
            ch[0] = c;
            (*i)++;
            return 1;
        }
    }
    if (c >= 0x80) {
        uint32_t cp;
        size_t len = rdx_utf8_decode(s + *i, n - *i, &cp);
        memcpy(ch, s + *i, len);
        *i += len;
        return caseless ? 0 : len;   /* non-ASCII case folding is PCRE2's business */
    }
    ch[0] = c;
    (*i)++;
    return 1;
}

/* Scan one top-level alternative from *i up to '|' or the end.  Returns 0
 * when the syntax is beyond this reader. */
static int rx_alternative(rxscan *x, size_t *i, int caseless) {
    const unsigned char *s = x->s;
    size_t n = x->n;
    int zero;
    x->run_len = 0;
    x->best_len = 0;
    while (*i < n && s[*i] != '|') {
        unsigned char c = s[*i], ch[4];
        size_t j;
        if (c == '(' || c == '[') {
            j = c == '(' ? skip_group(s, n, *i) : skip_class(s, n, *i);
            if (!j) return 0;
            *i = quantifier(s, n, j, &zero);
            rx_end_run(x);
        } else if (c == ')') {
            return 0;                     /* unbalanced */
        } else if (c && strchr(".^$*+?{}]", c)) {
            j = c == '{' ? quantifier(s, n, *i, &zero) : *i;
            *i = j > *i ? j : *i + 1;
            if (c == '.') *i = quantifier(s, n, *i, &zero);
            rx_end_run(x);
        } else {
            size_t len = rx_char(x, i, caseless, ch);
            size_t after = quantifier(s, n, *i, &zero);
            int repeats = after > *i;
            *i = after;
            if (!len || zero) {
                rx_end_run(x);
                continue;
            }
            memcpy(x->run + x->run_len, ch, len);
            x->run_len += len;
            if (repeats) {   /* "ab+c" needs "ab" and "bc" */
                rx_end_run(x);
                memcpy(x->run, ch, len);
                x->run_len = len;
            }
        }
    }
    rx_end_run(x);
    return 1;
}

/* Inline options: (?i) makes everything caseless (if it is scoped more
 * narrowly, treating all of it as caseless is merely generous); (?x)
 * changes the meaning of white space and '#', which this reader does not
 * follow.  Returns 0 for "give up". */
static int rx_options(const unsigned char *s, size_t n, int *caseless) {
    for (size_t i = 0; i + 2 < n; i++) {
        if (s[i] == '\\' && s[i + 1] == 'Q') return 0;
        if (s[i] != '(' || s[i + 1] != '?') continue;
        size_t j = i + 2;
        int has_i = 0, has_x = 0;
        while (j < n && (is_alpha(s[j]) || s[j] == '-' || s[j] == '^')) {
            has_i |= s[j] == 'i';
            has_x |= s[j] == 'x';
            j++;
        }
        if (j < n && (s[j] == ')' || s[j] == ':')) {
            if (has_i) *caseless = 1;
            if (has_x) return 0;
        }
    }
    return 1;
}

void rdx_regex_atoms(const char *re, size_t len, int caseless, rdx_arena *a, rdx_atomset *out) {
    const unsigned char *s = (const unsigned char *)re;
    *out = (rdx_atomset){1, 0, NULL, 0};
    if (!rx_options(s, len, &caseless)) return;
    rxscan x = {s, len, rdx_arena_alloc(a, len + 4), 0, 0, 0, rdx_arena_alloc(a, 2 * len + 8), 0};
    size_t alts = 1;
    for (size_t i = 0; i < len; i++) alts += s[i] == '|';   /* an upper bound */
    rdx_atom *atoms = rdx_arena_alloc(a, alts * sizeof *atoms);
    size_t n = 0, i = 0;
    for (;;) {
        if (!rx_alternative(&x, &i, caseless)) return;
        if (x.best_len < RDX_ATOM_MIN) return;   /* this alternative needs no literal */
        atoms[n++] = (rdx_atom){x.keep + x.best_off, x.best_len,
                                caseless ? RDX_ATOM_UNIFOLD : RDX_ATOM_CASED};
        if (i >= len) break;
        i++;   /* past '|' */
    }
    rdx_atomclause *c = rdx_arena_alloc(a, sizeof *c);
    *c = (rdx_atomclause){atoms, n};
    *out = (rdx_atomset){0, 0, c, 1};
}

static aset regex_set(const rdx_rvalue *v, int caseless, rdx_arena *a) {
    rdx_atomset rs;
    rdx_regex_atoms(v->text, v->text_len, caseless, a, &rs);
    aset s = rs.always ? aset_none() : aset_empty();
    for (size_t i = 0; !rs.always && i < rs.clauses[0].n; i++) aset_push(&s, rs.clauses[0].atoms[i]);
    return s;
}
