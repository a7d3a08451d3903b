/*
 * snapshot.c — a loaded rule set as bytes, and back (cache.h, "rule-set
 * snapshots").
 *
 * Loading the SigmaHQ set from YAML costs ~0.25 s of CPU; a snapshot of
 * the loaded set (after filters, correlation resolution and field
 * normalisation) is read back in a few milliseconds.  The encoding is a
 * plain pre-order walk of the intermediate form:
 *
 *     u32 little-endian integers; u64 and f64 (IEEE bits) in 8 bytes;
 *     a string is u32 length (0xffffffff: NULL), the bytes, a NUL;
 *     an array is u32 count and its elements;
 *     a pointer to another rule (correlation references) is its index in
 *     rules[] (0xffffffff: NULL); a PCRE2 code is its index in the regex
 *     table, which holds each pattern's source and flags.
 *
 * Decoding trusts nothing: every read is bounded by the bytes left, every
 * count is checked against the bytes left before anything is allocated
 * (each element takes at least one byte), every enum against its range,
 * every index against its table, every string for its NUL, tree depth is
 * bounded, and the regexes are recompiled from their source (PCRE2's own
 * serialised form is not checked when decoded).  Any failure discards the
 * half-built set and says why; the caller then loads the rules from their
 * files.  The decoded set's strings point into the snapshot bytes, which
 * the set owns (no copy); arrays and trees are rebuilt in its arena.
 *
 * The load's diagnostics travel in the snapshot too, so a cached run
 * reports the same warnings about the same rule files as a cold one.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ruledex/build.h"
#include "ruledex/cache.h"
#include "ruledex/event.h"
#include "ruledex/frontend.h"
#include "ruledex/ruledex.h"
#include "rule/rule_internal.h"
#include "util/bytes.h"

#define NIL32 0xffffffffu
#define MAX_DEPTH 512          /* condition and document trees */
#define SNAP_MAGIC "RDXRULES"

/* ---- writing -------------------------------------------------------------- */

typedef struct wr {
    rdx_strbuf *b;
    const rdx_ruleset *rs;
    int bad;                   /* something not representable: no snapshot */
    unsigned flags;            /* RDX_SNAPSHOT_* */
} wr;

static void w_u32(wr *w, uint32_t v) {
    unsigned char p[4];
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
    rdx_strbuf_append(w->b, p, 4);
}
static void w_u64(wr *w, uint64_t v) {
    unsigned char p[8];
    for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i));
    rdx_strbuf_append(w->b, p, 8);
}
static void w_f64(wr *w, double d) {
    uint64_t v;
    memcpy(&v, &d, 8);
    w_u64(w, v);
}
static void w_count(wr *w, size_t n) {
    if (n >= NIL32) w->bad = 1;
    w_u32(w, (uint32_t)n);
}
static void w_bytes(wr *w, const void *s, size_t n) {
    if (!s) {
        w_u32(w, NIL32);
        return;
    }
    w_count(w, n);
    rdx_strbuf_append(w->b, s, n);
    rdx_strbuf_putc(w->b, 0);
}
static void w_str(wr *w, const char *s) { w_bytes(w, s, s ? strlen(s) : 0); }

static void w_strlist(wr *w, const rdx_strlist *l) {
    w_count(w, l->count);
    for (size_t i = 0; i < l->count; i++) w_str(w, l->items[i]);
}

static void w_value(wr *w, const rdx_value *v, int depth) {
    if (!v) {
        w_u32(w, NIL32);
        return;
    }
    if (depth > MAX_DEPTH) w->bad = 1;
    w_u32(w, (uint32_t)v->type);
    switch (v->type) {
    case RDX_BOOL: w_u32(w, v->u.boolean != 0); break;
    case RDX_NUMBER:
        w_u32(w, (uint32_t)v->num_kind);
        w_u64(w, v->num.u);
        w_bytes(w, v->u.str.ptr, v->u.str.len);
        break;
    case RDX_STRING: w_bytes(w, v->u.str.ptr, v->u.str.len); break;
    case RDX_ARRAY:
        w_count(w, v->u.array.count);
        for (size_t i = 0; i < v->u.array.count && !w->bad; i++)
            w_value(w, v->u.array.items[i], depth + 1);
        break;
    case RDX_OBJECT:
        w_count(w, v->u.object.count);
        for (size_t i = 0; i < v->u.object.count && !w->bad; i++) {
            w_bytes(w, v->u.object.members[i].key, v->u.object.members[i].key_len);
            w_value(w, v->u.object.members[i].value, depth + 1);
        }
        break;
    default: break;
    }
}

static void w_pattern(wr *w, const rdx_pattern *p) {
    w_count(w, p->n_segs);
    for (size_t i = 0; i < p->n_segs; i++) {
        w_u32(w, (uint32_t)p->segs[i].kind);
        w_bytes(w, p->segs[i].bytes, p->segs[i].len);
    }
}

static uint32_t regex_index(wr *w, const void *code) {
    const struct rdx_ruleset_priv *p = w->rs->priv;
    for (size_t i = 0; i < p->n_regexes; i++)
        if (p->regexes[i] == code) return (uint32_t)i;
    w->bad = 1;   /* a code the set does not own: cannot be recompiled */
    return NIL32;
}

static void w_rvalue(wr *w, const rdx_rvalue *v) {
    w_u32(w, (uint32_t)v->kind);
    w_bytes(w, v->text, v->text_len);
    w_count(w, v->variants.count);
    for (size_t i = 0; i < v->variants.count; i++) w_pattern(w, &v->variants.items[i]);
    w_f64(w, v->number);
    w_u32(w, (uint32_t)v->boolean);
    w_u32(w, v->regex ? regex_index(w, v->regex) : NIL32);
    w_u32(w, (uint32_t)v->cidr.family);
    rdx_strbuf_append(w->b, v->cidr.addr, 16);
    w_u32(w, (uint32_t)v->cidr.prefix);
    w_u32(w, (uint32_t)v->unresolved);
}

static void w_pred(wr *w, const rdx_predicate *p) {
    w_str(w, p->field);
    /* Sigma: field_written is the same string as field */
    w_u32(w, p->field_written == p->field);
    if (p->field_written != p->field) w_str(w, p->field_written);
    w_u32(w, (uint32_t)p->op);
    w_u32(w, p->flags);
    w_u32(w, (uint32_t)p->timepart);
    w_count(w, p->n_modifiers);
    for (size_t i = 0; i < p->n_modifiers; i++) w_str(w, p->modifiers[i]);
    w_count(w, p->n_values);
    for (size_t i = 0; i < p->n_values; i++) w_rvalue(w, &p->values[i]);
    w_u32(w, p->line);
    w_u32(w, p->column);
}

static void w_stage(wr *w, const rdx_stage *s) {
    w_str(w, s->name);
    w_count(w, s->n_groups);
    for (size_t g = 0; g < s->n_groups; g++) {
        w_count(w, s->groups[g].n_preds);
        for (size_t i = 0; i < s->groups[g].n_preds; i++) w_pred(w, &s->groups[g].preds[i]);
    }
    w_u32(w, s->line);
    w_u32(w, s->column);
    w_u32(w, (uint32_t)s->from_filter);
    w_u32(w, s->opaque != NULL);
    if (s->opaque) {
        w_str(w, s->opaque->text);
        w_str(w, s->opaque->lang);
        w_str(w, s->opaque->reason);
    }
}

static void w_cond(wr *w, const rdx_cond *c, int depth) {
    if (!c) {
        w_u32(w, NIL32);
        return;
    }
    if (depth > MAX_DEPTH) w->bad = 1;
    w_u32(w, (uint32_t)c->kind);
    w_count(w, c->n_kids);
    for (size_t i = 0; i < c->n_kids && !w->bad; i++) w_cond(w, c->kids[i], depth + 1);
    w_u64(w, c->stage);
    w_count(w, c->n_stages);
    for (size_t i = 0; i < c->n_stages; i++) w_u64(w, c->stages[i]);
    w_str(w, c->pattern);
}

static uint32_t rule_index(wr *w, const rdx_rule *r) {
    if (!r) return NIL32;
    for (size_t i = 0; i < w->rs->n_rules; i++)
        if (w->rs->rules[i] == r) return (uint32_t)i;
    w->bad = 1;
    return NIL32;
}

static void w_resolved(wr *w, const rdx_rule *const *res, size_t n) {
    w_u32(w, res != NULL);
    for (size_t i = 0; res && i < n; i++) w_u32(w, rule_index(w, res[i]));
}

static void w_corr(wr *w, const rdx_correlation *k) {
    w_u32(w, (uint32_t)k->type);
    w_strlist(w, &k->rules);
    w_resolved(w, k->resolved, k->rules.count);
    w_strlist(w, &k->group_by);
    w_str(w, k->timespan_text);
    w_u64(w, (uint64_t)k->timespan);
    w_count(w, k->n_tests);
    for (size_t i = 0; i < k->n_tests; i++) {
        w_u32(w, (uint32_t)k->tests[i].op);
        w_f64(w, k->tests[i].number);
        w_str(w, k->tests[i].text);
    }
    w_strlist(w, &k->fields);
    w_f64(w, k->percentile);
    w_u32(w, (uint32_t)k->has_percentile);
    w_count(w, k->n_aliases);
    for (size_t i = 0; i < k->n_aliases; i++) {
        const rdx_corr_alias *a = &k->aliases[i];
        w_str(w, a->name);
        w_count(w, a->count);
        for (size_t j = 0; j < a->count; j++) {
            w_str(w, a->rules[j]);
            w_str(w, a->fields[j]);
        }
        w_resolved(w, a->resolved, a->count);
    }
    w_u32(w, (uint32_t)k->generate);
    w_u32(w, k->line);
    w_u32(w, k->column);
}

static void w_rule(wr *w, const rdx_rule *r) {
    w_u32(w, (uint32_t)r->kind);
    w_u32(w, (uint32_t)r->status_load);
    int docs = !(w->flags & RDX_SNAPSHOT_NO_DOCUMENTS);
    const char *strs[] = {r->lang, r->file, docs ? r->body : NULL, r->title, r->id, r->name, r->status,
                          r->description, r->license, r->author, r->date, r->modified,
                          r->taxonomy, r->level_text, r->logsource.category,
                          r->logsource.product, r->logsource.service, r->logsource.definition};
    for (size_t i = 0; i < sizeof strs / sizeof *strs; i++) w_str(w, strs[i]);
    w_u32(w, r->line);
    w_u32(w, (uint32_t)r->level);
    const rdx_strlist *lists[] = {&r->references, &r->tags, &r->falsepositives, &r->fields,
                                  &r->scope, &r->conditions, &r->filter_rules};
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++) w_strlist(w, lists[i]);
    w_count(w, r->n_related);
    for (size_t i = 0; i < r->n_related; i++) {
        w_str(w, r->related[i].id);
        w_str(w, r->related[i].type);
    }
    w_u32(w, (uint32_t)r->native.kind);
    w_strlist(w, &r->native.values);
    w_count(w, r->n_stages);
    for (size_t i = 0; i < r->n_stages; i++) w_stage(w, &r->stages[i]);
    w_cond(w, r->condition, 0);
    w_u32(w, r->correlation != NULL);
    if (r->correlation) w_corr(w, r->correlation);
    /* the document behind its byte length, so a reader that does not
     * want it (hunt) steps over it */
    size_t at = w->b->len;
    w_u32(w, 0);
    w_value(w, docs ? r->document : NULL, 0);
    uint32_t n = (uint32_t)(w->b->len - at - 4);
    unsigned char le[4] = {(unsigned char)n, (unsigned char)(n >> 8), (unsigned char)(n >> 16),
                           (unsigned char)(n >> 24)};
    memcpy(w->b->data + at, le, 4);
}

static void w_diags(wr *w, const rdx_diags *d, size_t from) {
    w_count(w, d ? d->count - from : 0);
    for (size_t i = from; d && i < d->count; i++) {
        const rdx_diag *g = &d->items[i];
        w_str(w, g->file);
        w_u32(w, g->line);
        w_u32(w, g->column);
        w_u64(w, g->offset);
        w_u32(w, (uint32_t)g->severity);
        w_str(w, g->category);
        w_str(w, g->message);
    }
}

int rdx_snapshot_encode(const rdx_ruleset *rs, const rdx_diags *d, size_t diags_from,
                        rdx_strbuf *out) {
    return rdx_snapshot_encode_flags(rs, 0, d, diags_from, out);
}

int rdx_snapshot_encode_flags(const rdx_ruleset *rs, unsigned flags, const rdx_diags *d,
                              size_t diags_from, rdx_strbuf *out) {
    wr w = {out, rs, 0, flags & RDX_SNAPSHOT_NO_DOCUMENTS};
    rdx_strbuf_append(out, SNAP_MAGIC, 8);
    w_u32(&w, RDX_SNAPSHOT_FORMAT);
    w_u32(&w, w.flags);
    const struct rdx_ruleset_priv *p = rs->priv;
    w_count(&w, p->n_regexes);
    for (size_t i = 0; i < p->n_regexes; i++) {
        w_str(&w, p->regex_src[i]);
        w_u32(&w, p->regex_flags[i]);
    }
    w_u64(&w, rs->files_read);
    w_u64(&w, rs->files_failed);
    w_count(&w, rs->n_rules);
    for (size_t i = 0; i < rs->n_rules && !w.bad; i++) w_rule(&w, rs->rules[i]);
    w_count(&w, rs->n_filters);
    for (size_t i = 0; i < rs->n_filters && !w.bad; i++) w_rule(&w, rs->filters[i]);
    w_diags(&w, d, diags_from);
    /* a placeholder table is only read while loading: its effect is in
     * the rules (and its file is part of the key) */
    return w.bad ? -1 : 0;
}

/* ---- reading -------------------------------------------------------------- */

typedef struct rd {
    const unsigned char *p, *end;
    rdx_arena *a;
    rdx_ruleset *rs;
    const char *why;           /* the first problem; then everything reads as 0 */
    unsigned flags;            /* RDX_SNAPSHOT_* */
} rd;

static void r_fail(rd *r, const char *why) {
    if (!r->why) r->why = why;
    r->p = r->end;
}

static int r_have(rd *r, size_t n) {
    if (r->why) return 0;
    if (r->p > r->end || (size_t)(r->end - r->p) < n) {
        r_fail(r, "truncated");
        return 0;
    }
    return 1;
}

/* Every read checks what is left; after a failure p == end, so reads
 * keep failing (and r->why keeps the first reason). */
static inline uint32_t r_u32(rd *r) {
    if (r->p > r->end || (size_t)(r->end - r->p) < 4) {
        r_fail(r, "truncated");
        return 0;
    }
    uint32_t v = rdx_le32(r->p);
    r->p += 4;
    return v;
}
static uint64_t r_u64(rd *r) {
    if (r->p > r->end || (size_t)(r->end - r->p) < 8) {
        r_fail(r, "truncated");
        return 0;
    }
    uint64_t v = rdx_le64(r->p);
    r->p += 8;
    return v;
}
static double r_f64(rd *r) {
    uint64_t v = r_u64(r);
    double d;
    memcpy(&d, &v, 8);
    return d;
}
/* An enum in [0, max]. */
static uint32_t r_enum(rd *r, uint32_t max) {
    uint32_t v = r_u32(r);
    if (v > max) r_fail(r, "a value out of its range");
    return v > max ? 0 : v;
}
/* A count of elements each encoded in at least min bytes: bounded by
 * what is left, so a hostile count cannot make us allocate much. */
static size_t r_count(rd *r, size_t min) {
    uint32_t n = r_u32(r);
    if (r->why) return 0;
    if (n == NIL32 || (uint64_t)n * min > (uint64_t)(r->end - r->p)) {
        r_fail(r, "a count larger than the data");
        return 0;
    }
    return n;
}
static void *r_array(rd *r, size_t n, size_t size) {
    return n ? rdx_arena_zalloc(r->a, n * size) : NULL;
}
/* A string in place (the set owns the bytes); NULL stays NULL. */
static const char *r_bytes(rd *r, size_t *len) {
    uint32_t n = r_u32(r);
    if (len) *len = 0;
    if (n == NIL32 || r->why) return r->why ? "" : NULL;
    if (!r_have(r, (size_t)n + 1)) return "";
    const char *s = (const char *)r->p;
    if (r->p[n] != 0) {
        r_fail(r, "a string without its terminator");
        return "";
    }
    r->p += (size_t)n + 1;
    if (len) *len = n;
    return s;
}
static const char *r_str(rd *r) { return r_bytes(r, NULL); }
/* A string that must be there and hold no NUL (a name, a key). */
static const char *r_cstr(rd *r) {
    size_t n;
    const char *s = r_bytes(r, &n);
    if (!s || strlen(s) != n) r_fail(r, "a malformed string");
    return s ? s : "";
}

static void r_strlist(rd *r, rdx_strlist *l) {
    l->count = r_count(r, 4);
    l->items = r_array(r, l->count, sizeof *l->items);
    for (size_t i = 0; i < l->count; i++) l->items[i] = r_str(r);
}

static rdx_value *r_value(rd *r, int depth) {
    uint32_t t = r_u32(r);
    if (t == NIL32 || r->why) return NULL;
    if (t > RDX_OBJECT || depth > MAX_DEPTH) {
        r_fail(r, t > RDX_OBJECT ? "a value out of its range" : "a document nested too deep");
        return NULL;
    }
    rdx_value *v = rdx_arena_zalloc(r->a, sizeof *v);
    v->type = (rdx_vtype)t;
    switch (v->type) {
    case RDX_BOOL: v->u.boolean = r_enum(r, 1); break;
    case RDX_NUMBER:
        v->num_kind = (rdx_numkind)r_enum(r, RDX_NUM_FLOAT);
        v->num.u = r_u64(r);
        v->u.str.ptr = r_bytes(r, &v->u.str.len);
        break;
    case RDX_STRING: v->u.str.ptr = r_bytes(r, &v->u.str.len); break;
    case RDX_ARRAY: {
        size_t n = r_count(r, 4);
        v->u.array.items = r_array(r, n, sizeof *v->u.array.items);
        v->u.array.count = v->u.array.cap = n;
        for (size_t i = 0; i < n; i++) v->u.array.items[i] = r_value(r, depth + 1);
        break;
    }
    case RDX_OBJECT: {
        size_t n = r_count(r, 8);
        v->u.object.members = r_array(r, n, sizeof *v->u.object.members);
        v->u.object.count = v->u.object.cap = n;
        for (size_t i = 0; i < n; i++) {
            rdx_member *m = &v->u.object.members[i];
            m->key = r_bytes(r, &m->key_len);
            m->value = r_value(r, depth + 1);
        }
        break;
    }
    default: break;
    }
    /* a string or number whose text is missing, a member without a key
     * or value: not what the writer produces */
    if ((v->type == RDX_STRING || v->type == RDX_NUMBER) && !v->u.str.ptr)
        r_fail(r, "a value without its text");
    if (v->type == RDX_OBJECT)
        for (size_t i = 0; i < v->u.object.count; i++)
            if (!v->u.object.members[i].key || !v->u.object.members[i].value)
                r_fail(r, "a member without key or value");
    if (v->type == RDX_ARRAY)
        for (size_t i = 0; i < v->u.array.count; i++)
            if (!v->u.array.items[i]) r_fail(r, "an empty array item");
    return r->why ? NULL : v;
}

static void r_pattern(rd *r, rdx_pattern *p) {
    p->n_segs = r_count(r, 8);
    p->segs = r_array(r, p->n_segs, sizeof *p->segs);
    for (size_t i = 0; i < p->n_segs; i++) {
        rdx_seg *s = &p->segs[i];
        s->kind = (rdx_segkind)r_enum(r, RDX_SEG_PLACEHOLDER);
        s->bytes = (const unsigned char *)r_bytes(r, &s->len);
        if (!s->bytes && (s->kind == RDX_SEG_LIT || s->kind == RDX_SEG_PLACEHOLDER))
            r_fail(r, "a literal without its bytes");
    }
}

static void r_rvalue(rd *r, rdx_rvalue *v) {
    v->kind = (rdx_vkind)r_enum(r, RDX_VK_CIDR);
    v->text = r_bytes(r, &v->text_len);
    size_t n = r_count(r, 4);
    v->variants.items = r_array(r, n, sizeof *v->variants.items);
    v->variants.count = v->variants.cap = n;
    for (size_t i = 0; i < n; i++) r_pattern(r, &v->variants.items[i]);
    v->number = r_f64(r);
    v->boolean = (int)r_enum(r, 1);
    uint32_t re = r_u32(r);
    if (re != NIL32) {
        if (re >= r->rs->priv->n_regexes) r_fail(r, "a regex index out of its table");
        else v->regex = r->rs->priv->regexes[re];
    }
    v->cidr.family = (int)r_enum(r, 6);
    if (r_have(r, 16)) {
        memcpy(v->cidr.addr, r->p, 16);
        r->p += 16;
    }
    v->cidr.prefix = (int)r_enum(r, 128);
    if (v->kind == RDX_VK_CIDR && !((v->cidr.family == 4 && v->cidr.prefix <= 32) ||
                                    v->cidr.family == 6))
        r_fail(r, "a malformed network");
    v->unresolved = (int)r_enum(r, 1);
}

static void r_pred(rd *r, rdx_predicate *p) {
    p->field = r_str(r);
    p->field_written = r_enum(r, 1) ? p->field : r_str(r);
    p->op = (rdx_op)r_enum(r, RDX_OP_TERM);
    p->flags = r_u32(r);
    p->timepart = (rdx_timepart)r_enum(r, RDX_TIME_YEAR);
    p->n_modifiers = r_count(r, 4);
    p->modifiers = r_array(r, p->n_modifiers, sizeof *p->modifiers);
    for (size_t i = 0; i < p->n_modifiers; i++) p->modifiers[i] = r_cstr(r);
    p->n_values = r_count(r, 16);
    p->values = r_array(r, p->n_values, sizeof *p->values);
    for (size_t i = 0; i < p->n_values; i++) r_rvalue(r, &p->values[i]);
    p->line = r_u32(r);
    p->column = r_u32(r);
    /* derived, so recomputed rather than read */
    p->field_len = p->field ? strlen(p->field) : 0;
    p->field_hash = p->field ? rdx_name_hash(p->field, p->field_len) : 0;
}

static void r_stage(rd *r, rdx_stage *s) {
    s->name = r_str(r);
    s->n_groups = r_count(r, 4);
    s->groups = r_array(r, s->n_groups, sizeof *s->groups);
    for (size_t g = 0; g < s->n_groups; g++) {
        rdx_group *gr = &s->groups[g];
        gr->n_preds = r_count(r, 16);
        gr->preds = r_array(r, gr->n_preds, sizeof *gr->preds);
        for (size_t i = 0; i < gr->n_preds; i++) r_pred(r, &gr->preds[i]);
    }
    s->line = r_u32(r);
    s->column = r_u32(r);
    s->from_filter = (int)r_enum(r, 1);
    if (r_enum(r, 1)) {
        rdx_opaque *o = rdx_arena_zalloc(r->a, sizeof *o);
        o->text = r_str(r);
        o->lang = r_str(r);
        o->reason = r_str(r);
        s->opaque = o;
    }
}

static rdx_cond *r_cond(rd *r, size_t n_stages, int depth) {
    uint32_t k = r_u32(r);
    if (k == NIL32 || r->why) return NULL;
    if (k > RDX_COND_TRUE || depth > MAX_DEPTH) {
        r_fail(r, k > RDX_COND_TRUE ? "a value out of its range" : "a condition nested too deep");
        return NULL;
    }
    rdx_cond *c = rdx_arena_zalloc(r->a, sizeof *c);
    c->kind = (rdx_cond_kind)k;
    c->n_kids = r_count(r, 4);
    c->kids = r_array(r, c->n_kids, sizeof *c->kids);
    for (size_t i = 0; i < c->n_kids; i++)
        if (!(c->kids[i] = r_cond(r, n_stages, depth + 1))) r_fail(r, "an empty condition");
    c->stage = (size_t)r_u64(r);
    if (c->kind == RDX_COND_STAGE && c->stage >= n_stages) r_fail(r, "a stage index out of range");
    c->n_stages = r_count(r, 8);
    c->stages = r_array(r, c->n_stages, sizeof *c->stages);
    for (size_t i = 0; i < c->n_stages; i++)
        if ((c->stages[i] = (size_t)r_u64(r)) >= n_stages) r_fail(r, "a stage index out of range");
    c->pattern = r_str(r);
    return r->why ? NULL : c;
}

/* Rule references are indices into rules[], filled in once all are read. */
typedef struct fixup {
    const rdx_rule **slot;
    uint32_t index;
} fixup;

typedef struct fixups {
    fixup *items;
    size_t n, cap;
} fixups;

static const rdx_rule **r_resolved(rd *r, size_t n, fixups *f) {
    if (!r_enum(r, 1)) return NULL;
    const rdx_rule **res = rdx_arena_zalloc(r->a, (n ? n : 1) * sizeof *res);
    for (size_t i = 0; i < n && !r->why; i++) {
        uint32_t idx = r_u32(r);
        if (idx == NIL32) continue;
        if (f->n == f->cap) {
            f->cap = f->cap ? 2 * f->cap : 64;
            f->items = realloc(f->items, f->cap * sizeof *f->items);
            if (!f->items) abort();
        }
        f->items[f->n++] = (fixup){&res[i], idx};
    }
    return res;
}

static rdx_correlation *r_corr(rd *r, fixups *f) {
    rdx_correlation *k = rdx_arena_zalloc(r->a, sizeof *k);
    k->type = (rdx_corr_type)r_enum(r, RDX_CORR_VALUE_MEDIAN);
    r_strlist(r, &k->rules);
    k->resolved = r_resolved(r, k->rules.count, f);
    r_strlist(r, &k->group_by);
    k->timespan_text = r_str(r);
    k->timespan = (int64_t)r_u64(r);
    k->n_tests = r_count(r, 16);
    k->tests = r_array(r, k->n_tests, sizeof *k->tests);
    for (size_t i = 0; i < k->n_tests; i++) {
        k->tests[i].op = (rdx_corr_cmp)r_enum(r, RDX_CMP_NEQ);
        k->tests[i].number = r_f64(r);
        k->tests[i].text = r_str(r);
    }
    r_strlist(r, &k->fields);
    k->percentile = r_f64(r);
    k->has_percentile = (int)r_enum(r, 1);
    k->n_aliases = r_count(r, 12);
    k->aliases = r_array(r, k->n_aliases, sizeof *k->aliases);
    for (size_t i = 0; i < k->n_aliases; i++) {
        rdx_corr_alias *a = &k->aliases[i];
        a->name = r_str(r);
        a->count = r_count(r, 8);
        a->rules = r_array(r, a->count, sizeof *a->rules);
        a->fields = r_array(r, a->count, sizeof *a->fields);
        for (size_t j = 0; j < a->count; j++) {
            a->rules[j] = r_str(r);
            a->fields[j] = r_str(r);
        }
        a->resolved = r_resolved(r, a->count, f);
    }
    k->generate = (int)r_enum(r, 1);
    k->line = r_u32(r);
    k->column = r_u32(r);
    return k;
}

/* A rule's document: its byte length, then the tree — decoded, and
 * required to fill exactly those bytes, or stepped over unread (NULL)
 * under RDX_SNAPSHOT_NO_DOCUMENTS (60 M instructions of a cached hunt's
 * start-up for trees it never reads). */
static rdx_value *r_document(rd *r) {
    size_t n = r_u32(r);
    if (!r_have(r, n)) return NULL;
    if (r->flags & RDX_SNAPSHOT_NO_DOCUMENTS) {
        r->p += n;
        return NULL;
    }
    const unsigned char *end = r->end;
    r->end = r->p + n;
    rdx_value *v = r_value(r, 0);
    if (!r->why && r->p != r->end) r_fail(r, "a document shorter than its length");
    if (!r->why) r->end = end;   /* after a failure p == end stays the end */
    return v;
}

static rdx_rule *r_rule(rd *r, fixups *f) {
    rdx_rule *x = rdx_arena_zalloc(r->a, sizeof *x);
    x->kind = (rdx_rule_kind)r_enum(r, RDX_KIND_CORRELATION);
    x->status_load = (rdx_rule_status)r_enum(r, RDX_RULE_NOT_RUNNABLE);
    const char **strs[] = {&x->lang, &x->file, &x->body, &x->title, &x->id, &x->name, &x->status,
                           &x->description, &x->license, &x->author, &x->date, &x->modified,
                           &x->taxonomy, &x->level_text, &x->logsource.category,
                           &x->logsource.product, &x->logsource.service,
                           &x->logsource.definition};
    for (size_t i = 0; i < sizeof strs / sizeof *strs; i++) *strs[i] = r_str(r);
    if (r->flags & RDX_SNAPSHOT_NO_DOCUMENTS) x->body = NULL;   /* as if written without */
    x->line = r_u32(r);
    x->level = (rdx_level)r_enum(r, RDX_LEVEL_CRITICAL);
    rdx_strlist *lists[] = {&x->references, &x->tags, &x->falsepositives, &x->fields,
                            &x->scope, &x->conditions, &x->filter_rules};
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++) r_strlist(r, lists[i]);
    x->n_related = r_count(r, 8);
    x->related = r_array(r, x->n_related, sizeof *x->related);
    for (size_t i = 0; i < x->n_related; i++) {
        x->related[i].id = r_str(r);
        x->related[i].type = r_str(r);
    }
    x->native.kind = (rdx_native_kind)r_enum(r, RDX_NATIVE_LAST);
    r_strlist(r, &x->native.values);
    x->n_stages = r_count(r, 24);
    x->stages = r_array(r, x->n_stages, sizeof *x->stages);
    for (size_t i = 0; i < x->n_stages; i++) r_stage(r, &x->stages[i]);
    x->condition = r_cond(r, x->n_stages, 0);
    if (x->condition && !rdx_cond_well_formed(x->condition, x->n_stages))
        r_fail(r, "a condition node with the wrong number of operands");
    if (r_enum(r, 1)) x->correlation = r_corr(r, f);
    x->document = r_document(r);
    return x;
}

static rdx_rule **r_rules(rd *r, size_t *n, size_t *cap, fixups *f) {
    *n = r_count(r, 64);
    *cap = *n ? *n : 1;
    rdx_rule **rules = calloc(*cap, sizeof *rules);
    if (!rules) abort();
    for (size_t i = 0; i < *n; i++) rules[i] = r_rule(r, f);
    return rules;
}

static void r_regexes(rd *r) {
    size_t n = r_count(r, 9);
    for (size_t i = 0; i < n && !r->why; i++) {
        const char *src = r_cstr(r);
        unsigned flags = r_u32(r);
        if (flags & ~(unsigned)(RDX_PF_RE_I | RDX_PF_RE_M | RDX_PF_RE_S)) r_fail(r, "bad regex flags");
        if (r->why) return;
        int err;
        size_t off;
        void *code = rdx_ruleset_compile_regex(src, flags, &err, &off);
        if (!code) {
            r_fail(r, "a regex that does not compile");
            return;
        }
        rdx_ruleset_track_regex(r->rs, code, src, flags);
    }
}

static void r_diags(rd *r, rdx_diags *out) {
    size_t n = r_count(r, 28);
    for (size_t i = 0; i < n && !r->why; i++) {
        const char *file = r_str(r);
        uint32_t line = r_u32(r), column = r_u32(r);
        uint64_t offset = r_u64(r);
        uint32_t sev = r_enum(r, RDX_SEV_ERROR);
        const char *cat = r_str(r), *msg = r_str(r);
        if (r->why) return;
        rdx_diag *g = rdx_diag_add(out, (rdx_severity)sev, cat ? cat : "", file, line, column,
                                   "%s", msg ? msg : "");
        g->offset = offset;
    }
}

rdx_ruleset *rdx_snapshot_decode(const rdx_blob_loan *loan, rdx_diags *load_diags,
                                 const char **why) {
    return rdx_snapshot_decode_flags(loan, 0, load_diags, why);
}

rdx_ruleset *rdx_snapshot_decode_flags(const rdx_blob_loan *loan, unsigned flags,
                                       rdx_diags *load_diags, const char **why) {
    rdx_ruleset *rs = rdx_ruleset_new();
    rs->priv->snapshot_release = loan->release;   /* the set's from here on, whatever happens */
    rs->priv->snapshot_handle = loan->handle;
    const void *bytes = loan->data;
    size_t len = loan->len;
    rd r = {bytes, (const unsigned char *)bytes + len, rs->arena, rs, NULL, flags};
    if (len < 12 || memcmp(bytes, SNAP_MAGIC, 8) != 0) r_fail(&r, "not a rule-set snapshot");
    else r.p += 8;   /* past the magic; after a failure p stays at the end */
    if (!r.why && r_u32(&r) != RDX_SNAPSHOT_FORMAT) r_fail(&r, "another snapshot format");
    uint32_t stored = r_u32(&r);   /* what the writer left out */
    if (stored & ~RDX_SNAPSHOT_NO_DOCUMENTS) r_fail(&r, "unknown snapshot flags");
    else if ((stored & RDX_SNAPSHOT_NO_DOCUMENTS) && !(flags & RDX_SNAPSHOT_NO_DOCUMENTS))
        r_fail(&r, "a snapshot without the documents wanted");
    r_regexes(&r);
    rs->files_read = (size_t)r_u64(&r);
    rs->files_failed = (size_t)r_u64(&r);
    fixups f = {0};
    rs->rules = r_rules(&r, &rs->n_rules, &rs->priv->cap_rules, &f);
    rs->filters = r_rules(&r, &rs->n_filters, &rs->priv->cap_filters, &f);
    for (size_t i = 0; i < f.n && !r.why; i++) {
        if (f.items[i].index >= rs->n_rules) r_fail(&r, "a rule reference out of range");
        else *f.items[i].slot = rs->rules[f.items[i].index];
    }
    free(f.items);
    rdx_diags got;
    rdx_diags_init(&got);
    r_diags(&r, &got);
    if (!r.why && r.p != r.end) r_fail(&r, "trailing bytes");
    if (r.why) {
        *why = r.why;
        rdx_diags_free(&got);
        rdx_ruleset_free(rs);
        return NULL;
    }
    rdx_diags_move(load_diags, &got);
    rdx_diags_free(&got);
    *why = NULL;
    return rs;
}

/* ---- the key -------------------------------------------------------------- */

/* What identifies a rule file's content without reading it: device,
 * inode, type, size, modification and change times to the nanosecond.
 * Writing a file changes its ctime, which no user can set back (touch
 * sets mtime only), so an edit is always seen — the rule git's index and
 * make rely on, applied to every file and directory of the walk. */
static void key_stat(rdx_strbuf *k, const char *name, const struct stat *st, int err) {
    uint64_t v[9] = {(uint64_t)st->st_dev, (uint64_t)st->st_ino, (uint64_t)st->st_mode,
                     (uint64_t)st->st_size, (uint64_t)st->st_mtim.tv_sec,
                     (uint64_t)st->st_mtim.tv_nsec, (uint64_t)st->st_ctim.tv_sec,
                     (uint64_t)st->st_ctim.tv_nsec, (uint64_t)err};
    if (err) memset(v, 0, 8 * sizeof *v);   /* st is not filled: only the error counts */
    rdx_strbuf_puts(k, name);
    rdx_strbuf_putc(k, 0);
    rdx_strbuf_append(k, v, sizeof v);
}

typedef struct key_dir {
    dev_t dev;
    ino_t ino;
    const struct key_dir *up;
} key_dir;

/* The walk the registry makes (hidden entries skipped, stat following
 * links, sorted, each directory's ancestors checked for loops), recording
 * every entry: a file added, removed, renamed or edited changes the key. */
static int key_dir_walk(rdx_strbuf *k, int dfd, const key_dir *up, int depth) {
    size_t n = 0;
    char **names = rdx_dir_names("", dfd, 0, &n, NULL);
    if (!names) {
        close(dfd);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        int err = fstatat(dfd, names[i], &st, 0) == 0 ? 0 : errno ? errno : EIO;
        key_stat(k, names[i], &st, err);
        if (!err && S_ISDIR(st.st_mode) && rc == 0) {
            const key_dir *a = up;
            while (a && !(a->dev == st.st_dev && a->ino == st.st_ino)) a = a->up;
            if (!a && depth < 64) {
                key_dir here = {st.st_dev, st.st_ino, up};
                int sub = openat(dfd, names[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                rc = sub < 0 ? -1 : key_dir_walk(k, sub, &here, depth + 1);
                rdx_strbuf_putc(k, 0);   /* end of this directory */
            }
        }
    }
    rdx_dir_names_free(names, n);
    close(dfd);
    return rc;
}

int rdx_snapshot_key(const char *const *specs, size_t n, const char *const *files,
                     size_t n_files, rdx_strbuf *k) {
    /* The layout of the intermediate form too: a change to it that forgot
     * to bump RDX_SNAPSHOT_FORMAT still gives another key on most builds. */
    rdx_strbuf_printf(k, "ruledex %s rule-set snapshot %d; layout %zu %zu %zu %zu %zu %zu %zu %d %d",
                      RULEDEX_VERSION, RDX_SNAPSHOT_FORMAT, sizeof(rdx_rule), sizeof(rdx_stage),
                      sizeof(rdx_predicate), sizeof(rdx_rvalue), sizeof(rdx_cond),
                      sizeof(rdx_correlation), sizeof(rdx_value), (int)RDX_OP_TERM,
                      (int)RDX_NATIVE_LAST);
    rdx_strbuf_putc(k, 0);
    for (size_t i = 0; i < n_files; i++) {
        struct stat st;
        int err = files[i] && stat(files[i], &st) == 0 ? 0 : ENOENT;
        key_stat(k, files[i] ? files[i] : "", &st, err);
    }
    for (size_t i = 0; i < n; i++) {
        char lang[64];
        const char *path = specs[i];
        (void)rdx_frontend_split(specs[i], lang, sizeof lang, &path);
        struct stat st;
        rdx_strbuf_puts(k, specs[i]);
        rdx_strbuf_putc(k, 0);
        int err = stat(path, &st) == 0 ? 0 : errno ? errno : EIO;
        key_stat(k, path, &st, err);
        if (err) continue;   /* the load reports it; the report is in the snapshot */
        if (S_ISDIR(st.st_mode)) {
            int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            key_dir top = {st.st_dev, st.st_ino, NULL};
            if (dfd < 0 || key_dir_walk(k, dfd, &top, 0) != 0) return -1;
        } else if (!S_ISREG(st.st_mode)) {
            return -1;   /* a pipe, a device: read once, nothing to key on */
        }
    }
    return 0;
}

/* ---- identity: naming what is derived from a loaded set ------------------ */

void rdx_snapshot_identify(rdx_ruleset *rs, const void *key, size_t key_len) {
    uint64_t h[2] = {rdx_cache_hash(key, key_len, 0x5eed0001),
                     rdx_cache_hash(key, key_len, 0x5eed0002)};
    for (int i = 0; i < 16; i++) rs->priv->identity[i] = (unsigned char)(h[i / 8] >> (i % 8 * 8));
    rs->priv->has_identity = 1;
}

/* rules[] is a subsequence of rs->rules (rdx_hunt's selection keeps the
 * set's order), so one forward walk finds every index. */
int rdx_snapshot_selection_key(const rdx_ruleset *rs, const rdx_rule *const *rules, size_t n,
                               rdx_strbuf *key) {
    if (!rs->priv->has_identity) return -1;
    rdx_strbuf_printf(key, "rule selection 1; %zu rules, %zu filters of ", rs->n_rules,
                      rs->n_filters);
    rdx_strbuf_append(key, rs->priv->identity, sizeof rs->priv->identity);
    rdx_strbuf_printf(key, "; %zu selected:", n);
    size_t i = 0;
    for (size_t k = 0; k < n; k++, i++) {
        while (i < rs->n_rules && rs->rules[i] != rules[k]) i++;
        if (i == rs->n_rules) return -1;
        unsigned char b[4] = {(unsigned char)i, (unsigned char)(i >> 8), (unsigned char)(i >> 16),
                              (unsigned char)(i >> 24)};
        rdx_strbuf_append(key, b, 4);
    }
    return 0;
}
