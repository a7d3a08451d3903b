/*
 * keytest.c — the key test of an always rule (keytest.h): derived once per
 * rule from its condition, checked per event against the field's values.
 */
#include "engine/keytest.h"

#include <string.h>

#include "ruledex/pattern.h"

/* A predicate that holds exactly when the field equals one of its numbers
 * (or the text they were written as): plain equality, no modifiers, every
 * value a number written as one literal. */
static int numeric_equality(const rdx_predicate *p) {
    if (!p->field || p->op != RDX_OP_EQUALS || (p->flags & ~(unsigned)RDX_PF_CASED) ||
        p->timepart || p->n_values == 0)
        return 0;
    for (size_t k = 0; k < p->n_values; k++) {
        const rdx_rvalue *v = &p->values[k];
        if (v->kind != RDX_VK_NUMBER || v->unresolved) return 0;
        for (size_t i = 0; i < v->variants.count; i++) {
            const rdx_pattern *pat = &v->variants.items[i];
            if (pat->n_segs > 1 || (pat->n_segs == 1 && pat->segs[0].kind != RDX_SEG_LIT))
                return 0;
        }
    }
    return 1;
}

/* A key: predicates on one field, one of which every match needs. */
#define KEY_PREDS 16
typedef struct key {
    const rdx_predicate *p[KEY_PREDS];
    size_t n;                   /* 0: no key */
} key;

/* x or y (either may be needed): both must have a key on the same field. */
static key key_or(key x, key y) {
    key none = {{0}, 0};
    if (!x.n || !y.n || x.n + y.n > KEY_PREDS || x.p[0]->field_hash != y.p[0]->field_hash ||
        strcmp(x.p[0]->field, y.p[0]->field) != 0)
        return none;
    for (size_t i = 0; i < y.n; i++) x.p[x.n++] = y.p[i];
    return x;
}

/* A group's key: its first numeric equality. */
static key group_key(const rdx_group *g) {
    key k = {{0}, 0};
    for (size_t i = 0; i < g->n_preds && !k.n; i++)
        if (numeric_equality(&g->preds[i])) k.p[k.n++] = &g->preds[i];
    return k;
}

/* A stage is an OR of its groups. */
static key stage_key(const rdx_rule *r, size_t i) {
    key k = {{0}, 0};
    if (i >= r->n_stages || r->stages[i].opaque || r->stages[i].n_groups == 0) return k;
    const rdx_stage *s = &r->stages[i];
    k = group_key(&s->groups[0]);
    for (size_t g = 1; g < s->n_groups && k.n; g++) k = key_or(k, group_key(&s->groups[g]));
    return k;
}

/* A key every match of c needs: AND and `all of` need any one child's,
 * OR and `1 of` the union of all children's; NOT needs nothing. */
static key cond_key(const rdx_rule *r, const rdx_cond *c) {
    key k = {{0}, 0};
    switch (c->kind) {
    case RDX_COND_STAGE:
        return stage_key(r, c->stage);
    case RDX_COND_AND:
        for (size_t i = 0; i < c->n_kids && !k.n; i++) k = cond_key(r, c->kids[i]);
        return k;
    case RDX_COND_ALL_OF:
        for (size_t i = 0; i < c->n_stages && !k.n; i++) k = stage_key(r, c->stages[i]);
        return k;
    case RDX_COND_OR:
        if (c->n_kids == 0) return k;
        k = cond_key(r, c->kids[0]);
        for (size_t i = 1; i < c->n_kids && k.n; i++) k = key_or(k, cond_key(r, c->kids[i]));
        return k;
    case RDX_COND_ONE_OF:
        if (c->n_stages == 0) return k;
        k = stage_key(r, c->stages[0]);
        for (size_t i = 1; i < c->n_stages && k.n; i++) k = key_or(k, stage_key(r, c->stages[i]));
        return k;
    default:   /* NOT, TRUE: nothing is needed */
        return k;
    }
}

void rdx_key_test_of(const rdx_rule *r, rdx_arena *a, rdx_key_test *out) {
    memset(out, 0, sizeof *out);
    if (!r->condition) return;
    key q = cond_key(r, r->condition);
    if (!q.n) return;
    size_t cap = 0;
    for (size_t j = 0; j < q.n; j++)
        for (size_t k = 0; k < q.p[j]->n_values; k++) cap += 1 + q.p[j]->values[k].variants.count;
    double *nums = rdx_arena_alloc(a, cap * sizeof *nums);
    size_t n = 0;
    for (size_t j = 0; j < q.n; j++)
        for (size_t k = 0; k < q.p[j]->n_values; k++) {
            const rdx_rvalue *v = &q.p[j]->values[k];
            nums[n++] = v->number;
            for (size_t i = 0; i < v->variants.count; i++) {   /* as the text parses */
                const rdx_pattern *pat = &v->variants.items[i];
                double x;
                if (pat->n_segs == 1 &&
                    rdx_parse_number((const char *)pat->segs[0].bytes, pat->segs[0].len, &x))
                    nums[n++] = x;
            }
        }
    *out = (rdx_key_test){q.p[0]->field, q.p[0]->field_hash, nums, n};
}

/* Can this value equal a number of some key test only by its number?  No
 * when it has a letter or a non-ASCII byte: then case folding could make
 * it equal a rule's text, so it lets everything through. */
static int plain_number(const char *s, size_t len, double *x) {
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80 || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) return 0;
    }
    return rdx_parse_number(s, len, x);
}

static void load_values(rdx_key_values *kv, const rdx_key_test *t, rdx_eval *e, rdx_event *ev) {
    const rdx_value *vals[RDX_KEY_VALUES];
    size_t n = rdx_eval_field(e, ev, t->field, vals, RDX_KEY_VALUES);
    kv->any = n > RDX_KEY_VALUES;
    kv->n = 0;
    for (size_t i = 0; i < n && !kv->any; i++) {
        size_t len;
        const char *s = rdx_value_text(vals[i], &len);
        if (!s) continue;   /* not a scalar: the evaluator skips it too */
        if (!plain_number(s, len, &kv->numbers[kv->n])) kv->any = 1;
        else kv->n++;
    }
}

int rdx_key_test_may_hold(const rdx_key_test *t, rdx_eval *e, rdx_event *ev, const void *map,
                          uint64_t epoch, rdx_key_values *kv) {
    if (kv->epoch != epoch || kv->map != map || kv->field_hash != t->field_hash ||
        strcmp(kv->field, t->field) != 0) {
        load_values(kv, t, e, ev);
        kv->epoch = epoch;
        kv->map = map;
        kv->field_hash = t->field_hash;
        kv->field = t->field;
    }
    if (kv->any) return 1;
    for (size_t i = 0; i < kv->n; i++)
        for (size_t k = 0; k < t->n; k++)
            if (kv->numbers[i] == t->numbers[k]) return 1;
    return 0;
}
