/*
 * detection.c — a Sigma detection map → stages and predicates.
 *
 * Each key of the detection map (but `condition`) is a stage.  Its
 * definition is a map (one AND group), a list (OR: maps are groups, plain
 * values are keywords) or a single keyword.  Each `field|mod|mod: values`
 * entry becomes one predicate, built in three steps:
 *
 *   1. classify the modifiers into a plan — the operator (contains, re,
 *      cidr, lt, exists, ...), the flags (all, cased, neq, i/m/s, expand,
 *      fieldref, a time part) and the ordered value transformations
 *      (contains/startswith/endswith, windash, base64, base64offset, utf16*);
 *   2. check the plan against what the spec allows, so a forbidden chain is
 *      a clear load-time error rather than a silent non-match;
 *   3. build each value: parse it once into a pattern and run it through
 *      the transformations in the order written (`|base64offset|contains`
 *      encodes then wraps in wildcards; `|contains|base64offset` is refused
 *      because wildcards cannot be base64-encoded).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ruledex/event.h"
#include "ruledex/strbuf.h"
#include "sigma_internal.h"

#define MAX_VALUES 65536        /* values (after expansion) in one predicate */

/* ---- the modifier plan ------------------------------------------------- */

typedef enum xform {
    X_CONTAINS, X_STARTSWITH, X_ENDSWITH, X_WINDASH, X_BASE64, X_BASE64OFFSET,
    X_UTF16LE, X_UTF16BE, X_UTF16
} xform;

typedef enum vtype { V_STRING = 0, V_REGEX, V_CIDR, V_EXISTS, V_COMPARE, V_FIELDREF } vtype;

typedef struct plan {
    vtype type;
    rdx_op op;                 /* string op, compare op, ... */
    unsigned flags;
    rdx_timepart timepart;
    xform xforms[16];
    size_t n_xforms;
    int string_op_seen;        /* contains/startswith/endswith given */
    const char *encoder;       /* first encoding modifier, for messages */
} plan;

static const struct {
    const char *name;
    rdx_timepart part;
} timeparts[] = {
    {"minute", RDX_TIME_MINUTE}, {"hour", RDX_TIME_HOUR}, {"day", RDX_TIME_DAY},
    {"week", RDX_TIME_WEEK},     {"month", RDX_TIME_MONTH}, {"year", RDX_TIME_YEAR},
};

static int add_xform(load_ctx *c, const ynode *at, plan *p, xform x) {
    if (p->n_xforms == sizeof p->xforms / sizeof *p->xforms) {
        rdx_sigma_error(c, at, "modifier", "too many modifiers");
        return 0;
    }
    p->xforms[p->n_xforms++] = x;
    return 1;
}

static int set_type(load_ctx *c, const ynode *at, plan *p, vtype t, rdx_op op, const char *m) {
    if (p->type != V_STRING && p->type != t) {
        rdx_sigma_error(c, at, "modifier", "modifier '%s' cannot be combined with the "
                        "modifier before it (a value has one type)", m);
        return 0;
    }
    p->type = t;
    p->op = op;
    return 1;
}

static int string_op(load_ctx *c, const ynode *at, plan *p, rdx_op op, xform x, const char *m) {
    if (p->string_op_seen && p->op != op) {
        rdx_sigma_error(c, at, "modifier", "modifier '%s' conflicts with '%s'", m,
                        rdx_op_name(p->op));
        return 0;
    }
    p->string_op_seen = 1;
    p->op = op;
    return add_xform(c, at, p, x);
}

/* One modifier into the plan.  Returns 0 on error (reported). */
static int classify(load_ctx *c, const ynode *at, plan *p, const char *m) {
    if (!strcmp(m, "contains")) return string_op(c, at, p, RDX_OP_CONTAINS, X_CONTAINS, m);
    if (!strcmp(m, "startswith")) return string_op(c, at, p, RDX_OP_STARTSWITH, X_STARTSWITH, m);
    if (!strcmp(m, "endswith")) return string_op(c, at, p, RDX_OP_ENDSWITH, X_ENDSWITH, m);
    if (!strcmp(m, "all")) { p->flags |= RDX_PF_ALL; return 1; }
    if (!strcmp(m, "cased")) { p->flags |= RDX_PF_CASED; return 1; }
    if (!strcmp(m, "neq")) { p->flags |= RDX_PF_NEQ; return 1; }
    if (!strcmp(m, "expand")) { p->flags |= RDX_PF_EXPAND; return 1; }
    if (!strcmp(m, "fieldref")) {
        p->flags |= RDX_PF_FIELDREF;
        return set_type(c, at, p, V_FIELDREF, p->string_op_seen ? p->op : RDX_OP_EQUALS, m);
    }
    if (!strcmp(m, "windash")) return add_xform(c, at, p, X_WINDASH);
    struct { const char *n; xform x; } enc[] = {
        {"base64", X_BASE64}, {"base64offset", X_BASE64OFFSET}, {"utf16le", X_UTF16LE},
        {"wide", X_UTF16LE},  {"utf16be", X_UTF16BE},           {"utf16", X_UTF16},
    };
    for (size_t i = 0; i < sizeof enc / sizeof *enc; i++) {
        if (!strcmp(m, enc[i].n)) {
            p->flags |= RDX_PF_ENCODED;
            if (!p->encoder) p->encoder = enc[i].n;
            return add_xform(c, at, p, enc[i].x);
        }
    }
    if (!strcmp(m, "re")) return set_type(c, at, p, V_REGEX, RDX_OP_REGEX, m);
    if (!strcmp(m, "i") || !strcmp(m, "m") || !strcmp(m, "s")) {
        if (p->type != V_REGEX) {
            rdx_sigma_error(c, at, "modifier", "modifier '%s' is a flag of 're' and must follow it", m);
            return 0;
        }
        p->flags |= m[0] == 'i' ? RDX_PF_RE_I : m[0] == 'm' ? RDX_PF_RE_M : RDX_PF_RE_S;
        return 1;
    }
    if (!strcmp(m, "cidr")) return set_type(c, at, p, V_CIDR, RDX_OP_CIDR, m);
    if (!strcmp(m, "exists")) return set_type(c, at, p, V_EXISTS, RDX_OP_EXISTS, m);
    struct { const char *n; rdx_op op; } cmp[] = {
        {"lt", RDX_OP_LT}, {"lte", RDX_OP_LTE}, {"gt", RDX_OP_GT}, {"gte", RDX_OP_GTE},
    };
    for (size_t i = 0; i < sizeof cmp / sizeof *cmp; i++)
        if (!strcmp(m, cmp[i].n)) return set_type(c, at, p, V_COMPARE, cmp[i].op, m);
    for (size_t i = 0; i < sizeof timeparts / sizeof *timeparts; i++) {
        if (!strcmp(m, timeparts[i].name)) {
            if (p->timepart) {
                rdx_sigma_error(c, at, "modifier", "only one time part modifier per value");
                return 0;
            }
            p->timepart = timeparts[i].part;
            return 1;
        }
    }
    rdx_sigma_error(c, at, "modifier", "unknown modifier '%s'", m);
    return 0;
}

/* The combinations the spec forbids, checked once the whole chain is known. */
static int check_plan(load_ctx *c, const ynode *at, const plan *p, int keyword) {
    const char *t = p->type == V_REGEX ? "re" : p->type == V_CIDR ? "cidr"
                  : p->type == V_EXISTS ? "exists" : p->type == V_COMPARE ? rdx_op_name(p->op)
                  : NULL;
    if (t && p->n_xforms) {
        rdx_sigma_error(c, at, "modifier", "'%s' takes the value as it is; it cannot be combined "
                        "with string modifiers such as contains, windash or base64", t);
        return 0;
    }
    if (t && (p->flags & RDX_PF_CASED)) {
        rdx_sigma_error(c, at, "modifier", "'cased' applies to plain string values, not to '%s'", t);
        return 0;
    }
    if (p->type == V_EXISTS && (p->flags & (RDX_PF_ALL | RDX_PF_NEQ))) {
        rdx_sigma_error(c, at, "modifier", "'exists' cannot be combined with 'all' or 'neq'");
        return 0;
    }
    if (p->type == V_FIELDREF && (p->flags & RDX_PF_ENCODED)) {
        rdx_sigma_error(c, at, "modifier", "'fieldref' cannot be combined with encoding modifiers");
        return 0;
    }
    if (keyword && (p->type == V_EXISTS || p->type == V_FIELDREF || p->type == V_COMPARE ||
                    p->type == V_CIDR || p->timepart)) {
        rdx_sigma_error(c, at, "modifier", "keywords have no field: '%s' needs one",
                        t ? t : p->timepart ? "time part" : "fieldref");
        return 0;
    }
    if (p->timepart && p->type != V_STRING && p->type != V_COMPARE) {
        rdx_sigma_error(c, at, "modifier", "a time part compares numbers: use it alone or with lt/lte/gt/gte");
        return 0;
    }
    if (p->timepart && p->n_xforms) {
        rdx_sigma_error(c, at, "modifier", "a time part cannot be combined with string modifiers");
        return 0;
    }
    return 1;
}

/* ---- values ------------------------------------------------------------ */

/* The quantifier at re[i], if any: 0 none, 1 bounded and small ({2},
 * {1,3}, ?), 2 repeating without bound (*, +, {n,}) or at least 10 times. */
static int quantifier(const char *re, size_t len, size_t i) {
    if (i >= len) return 0;
    if (re[i] == '*' || re[i] == '+') return 2;
    if (re[i] == '?') return 1;
    if (re[i] != '{' || i + 1 >= len || re[i + 1] < '0' || re[i + 1] > '9') return 0;
    long lo = 0, hi = -1;
    size_t k = i + 1;
    while (k < len && re[k] >= '0' && re[k] <= '9') lo = lo * 10 + (re[k++] - '0');
    if (k < len && re[k] == '}') hi = lo;
    else if (k < len && re[k] == ',') {
        k++;
        if (k < len && re[k] >= '0' && re[k] <= '9') {
            hi = 0;
            while (k < len && re[k] >= '0' && re[k] <= '9') hi = hi * 10 + (re[k++] - '0');
        }
    }
    return hi < 0 || hi >= 10 ? 2 : 1;
}

/* Does the regex repeat (without bound, or 10+ times) a group that itself
 * holds an unbounded quantifier — (a+)+, (\w+\s?)*, (.*a){12} — the shape
 * whose backtracking grows exponentially with the subject?  A load-time
 * warning names the value; at match time the PCRE2 limits stop it anyway. */
static int nested_quantifier(const char *re, size_t len) {
    enum { MAX_GROUPS = 64 };
    int inner[MAX_GROUPS] = {0};   /* the group at depth d holds an unbounded quantifier */
    int depth = 0, in_class = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = re[i];
        if (ch == '\\') { i++; continue; }
        if (in_class) { in_class = ch != ']'; continue; }
        if (ch == '[') { in_class = 1; if (i + 1 < len && re[i + 1] == ']') i++; continue; }
        if (ch == '(') {
            if (depth < MAX_GROUPS - 1) inner[++depth] = 0;
            continue;
        }
        if (ch == ')' && depth > 0) {
            int had = inner[depth--];
            if (had && quantifier(re, len, i + 1) == 2) return 1;
            if (had) inner[depth] = 1;   /* the enclosing group holds it too */
            continue;
        }
        if (depth > 0 && quantifier(re, len, i) == 2) inner[depth] = 1;
    }
    return 0;
}

/* |re|expand: replace each %name% with (?:value|value...), the values
 * regex-escaped.  Without values the rule is unresolved (and the regex is
 * compiled as written, so syntax is still checked). */
static const char *expand_regex(load_ctx *c, const ynode *v, rdx_rvalue *out) {
    rdx_strbuf b = RDX_STRBUF_INIT;
    const char *t = v->text;
    int any = 0;
    for (size_t i = 0; i < v->len; i++) {
        size_t j = i + 1;
        while (j < v->len && (isalnum((unsigned char)t[j]) || strchr("_.-", t[j]))) j++;
        if (t[i] != '%' || j == i + 1 || j >= v->len || t[j] != '%') {
            rdx_strbuf_putc(&b, t[i]);
            continue;
        }
        any = 1;
        const char *alt = c->rs->placeholders
            ? rdx_placeholders_regex(c->rs->placeholders, c->a, t + i + 1, j - i - 1) : NULL;
        if (!alt) {
            out->unresolved = 1;
            c->unresolved = 1;
            rdx_strbuf_free(&b);
            return v->text;
        }
        rdx_strbuf_puts(&b, alt);
        i = j;
    }
    const char *res = any ? rdx_arena_strndup(c->a, b.data, b.len) : v->text;
    rdx_strbuf_free(&b);
    return res;
}

static int build_regex(load_ctx *c, const ynode *v, unsigned flags, rdx_rvalue *out) {
    const char *text = (flags & RDX_PF_EXPAND) ? expand_regex(c, v, out) : v->text;
    if (!rdx_build_regex(c->rs, out, text, flags, c->file, v->line, v->column, c->d)) {
        c->errors++;
        return 0;
    }
    if (nested_quantifier(text, strlen(text)))
        rdx_sigma_warning(c, v, "regex", "regular expression '%s' nests unbounded quantifiers and "
                          "may backtrack catastrophically; the first match cut off at the PCRE2 "
                          "limits hands it to vectorscan where it can (docs/LIMITS.md)", v->text);
    return 1;
}

/* base64offset, without the empty variants a value of one or two bytes
 * gives at some offsets: after |contains they would match everything. */
static int base64offset(load_ctx *c, const rdx_pattern *p, rdx_patlist *out, const char **err) {
    rdx_patlist all = {0};
    if (!rdx_mod_base64offset(c->a, p, &all, err)) return 0;
    size_t kept = 0;
    for (size_t i = 0; i < all.count; i++) {
        if (all.items[i].n_segs == 0) continue;
        rdx_patlist_push(c->a, out, all.items[i]);
        kept++;
    }
    if (!kept) *err = "base64offset: the value is too short to leave any stable base64 text";
    return kept > 0;
}

/* Run one transformation over every variant. */
static int apply_xform(load_ctx *c, const ynode *v, xform x, rdx_patlist *l) {
    rdx_patlist out = {0};
    for (size_t i = 0; i < l->count; i++) {
        rdx_pattern *p = &l->items[i];
        const char *err = NULL;
        rdx_pattern q;
        int ok = 1;
        switch (x) {
        case X_CONTAINS: rdx_mod_contains(c->a, p); rdx_patlist_push(c->a, &out, *p); break;
        case X_STARTSWITH: rdx_mod_startswith(c->a, p); rdx_patlist_push(c->a, &out, *p); break;
        case X_ENDSWITH: rdx_mod_endswith(c->a, p); rdx_patlist_push(c->a, &out, *p); break;
        case X_WINDASH: ok = rdx_mod_windash(c->a, p, &out, &err); break;
        case X_BASE64: ok = rdx_mod_base64(c->a, p, &out, &err); break;
        case X_BASE64OFFSET: ok = base64offset(c, p, &out, &err); break;
        case X_UTF16LE:
        case X_UTF16BE:
        case X_UTF16:
            ok = rdx_mod_utf16(c->a, p, x == X_UTF16LE ? RDX_UTF16LE : x == X_UTF16BE
                               ? RDX_UTF16BE : RDX_UTF16BOM, &q, &err);
            if (ok) rdx_patlist_push(c->a, &out, q);
            break;
        }
        if (!ok) {
            rdx_sigma_error(c, v, "modifier", "%s", err ? err : "modifier failed");
            return 0;
        }
        if (out.count > MAX_VALUES) {
            rdx_sigma_error(c, v, "limit", "value expands to more than %d variants", MAX_VALUES);
            return 0;
        }
    }
    *l = out;
    return 1;
}

/* The literal text a plain YAML scalar matches as: numbers as written and,
 * when PyYAML reads them as another number (0x17, 0755, 1_000, 1:30), also
 * as that number's decimal text — what pySigma would compare; booleans as
 * true/false. */
static void scalar_variants(load_ctx *c, const ynode *v, yscalar ys, int b, rdx_rvalue *out) {
    if (ys == YS_BOOL) {
        const char *t = b ? "true" : "false";
        rdx_patlist_push(c->a, &out->variants, rdx_pattern_literal(c->a, t, strlen(t)));
        out->kind = RDX_VK_BOOL;
        out->boolean = b;
        return;
    }
    rdx_patlist_push(c->a, &out->variants, rdx_pattern_literal(c->a, v->text, v->len));
    out->kind = RDX_VK_NUMBER;
    double num = 0;
    if (ys == YS_INT ? rdx_yaml_int_value(v->text, &num) : rdx_parse_number(v->text, v->len, &num))
        out->number = num;
    if (ys != YS_INT) return;
    char *dec = rdx_arena_printf(c->a, "%.0f", num);
    if (strcmp(dec, v->text) != 0)
        rdx_patlist_push(c->a, &out->variants, rdx_pattern_literal(c->a, dec, strlen(dec)));
}

static int string_value(load_ctx *c, const ynode *v, const plan *p, int keyword, rdx_rvalue *out) {
    int b = 0;
    yscalar ys = rdx_yscalar_type(v, &b);
    if (ys == YS_BOOL || ys == YS_INT || ys == YS_FLOAT) {
        scalar_variants(c, v, ys, b, out);
    } else {
        out->kind = RDX_VK_STRING;
        rdx_pattern pat = rdx_pattern_parse(c->a, v->text, v->len, (p->flags & RDX_PF_EXPAND) != 0);
        if (rdx_pattern_has_placeholders(&pat)) {
            const char *missing = NULL;
            int rc = c->rs->placeholders
                ? rdx_placeholders_expand(c->rs->placeholders, c->a, &pat, &out->variants, &missing) : 0;
            if (rc < 0) {
                rdx_sigma_error(c, v, "limit", "%s (more than %d)", missing,
                                RDX_PLACEHOLDER_MAX_VARIANTS);
                return 0;
            }
            if (rc == 0) {
                out->unresolved = 1;
                c->unresolved = 1;
                rdx_patlist_push(c->a, &out->variants, pat);
            }
        } else {
            rdx_patlist_push(c->a, &out->variants, pat);
        }
    }
    for (size_t i = 0; i < p->n_xforms; i++)
        if (!apply_xform(c, v, p->xforms[i], &out->variants)) return 0;
    /* A keyword is searched for inside the values of the event. */
    if (keyword && !p->string_op_seen)
        for (size_t i = 0; i < out->variants.count; i++)
            rdx_mod_contains(c->a, &out->variants.items[i]);
    return 1;
}

static int number_operand(load_ctx *c, const ynode *v, const char *what, double *out) {
    char *clean = rdx_arena_alloc(c->a, v->len + 1);
    size_t n = 0;
    for (size_t i = 0; i < v->len; i++)
        if (v->text[i] != '_') clean[n++] = v->text[i];
    clean[n] = 0;
    if (v->kind == Y_SCALAR && rdx_parse_number(clean, n, out)) return 1;
    rdx_sigma_error(c, v, "modifier", "'%s' compares numbers, but '%s' is not a number", what, v->text);
    return 0;
}

static int build_value(load_ctx *c, const ynode *v, const plan *p, int keyword, rdx_rvalue *out) {
    memset(out, 0, sizeof *out);
    out->text = v->text;
    out->text_len = v->len;
    int b = 0;
    yscalar ys = rdx_yscalar_type(v, &b);
    if (ys == YS_NULL && p->type != V_EXISTS) {
        out->kind = RDX_VK_NULL;
        if (p->n_xforms || p->type != V_STRING) {
            rdx_sigma_error(c, v, "value", "null cannot be used with modifiers");
            return 0;
        }
        return 1;
    }
    switch (p->type) {
    case V_REGEX: return build_regex(c, v, p->flags, out);
    case V_CIDR:
        if (rdx_build_cidr(c->rs, out, v->text, v->len, c->file, v->line, v->column, c->d)) return 1;
        c->errors++;
        return 0;
    case V_EXISTS:
        if (ys != YS_BOOL) {
            rdx_sigma_error(c, v, "value", "'exists' takes true or false, not '%s'", v->text);
            return 0;
        }
        out->kind = RDX_VK_BOOL;
        out->boolean = b;
        return 1;
    case V_COMPARE:
        out->kind = RDX_VK_NUMBER;
        return number_operand(c, v, rdx_op_name(p->op), &out->number);
    case V_FIELDREF:
        out->kind = RDX_VK_STRING;
        return 1;
    case V_STRING:
        if (p->timepart) {
            out->kind = RDX_VK_NUMBER;
            return number_operand(c, v, "time part", &out->number);
        }
        return string_value(c, v, p, keyword, out);
    }
    return 0;
}

/* ---- predicates and stages --------------------------------------------- */

static const char **split_modifiers(load_ctx *c, const char *key, size_t *n, const char **field) {
    const char *bar = strchr(key, '|');
    *field = bar ? rdx_arena_strndup(c->a, key, (size_t)(bar - key)) : key;
    *n = 0;
    if (!bar) return NULL;
    size_t count = 0;
    for (const char *s = bar; *s; s++) count += *s == '|';
    const char **mods = rdx_arena_alloc(c->a, count * sizeof *mods);
    for (const char *s = bar + 1;;) {
        const char *e = strchr(s, '|');
        mods[(*n)++] = rdx_arena_strndup(c->a, s, e ? (size_t)(e - s) : strlen(s));
        if (!e) break;
        s = e + 1;
    }
    return mods;
}

static const ynode **value_list(load_ctx *c, const ynode *val, size_t *n) {
    if (val->kind == Y_SEQ) {
        for (size_t i = 0; i < val->n; i++) {
            if (val->items[i]->kind != Y_SCALAR) {
                rdx_sigma_error(c, val->items[i], "detection",
                                "a value list holds plain values, not lists or maps");
                return NULL;
            }
        }
        *n = val->n;
        /* An empty list still returns a (non-NULL) empty array. */
        return val->n ? (const ynode **)val->items : rdx_arena_alloc(c->a, sizeof(ynode *));
    }
    if (val->kind == Y_MAP) {
        rdx_sigma_error(c, val, "detection", "a field's value must be a value or a list of values, not a map");
        return NULL;
    }
    const ynode **one = rdx_arena_alloc(c->a, sizeof *one);
    one[0] = val;
    *n = 1;
    return one;
}

/* `key: val` (key may be empty or start with '|' for keywords). */
static int build_predicate(load_ctx *c, const ynode *key, const ynode *val, int keyword,
                           rdx_predicate *out) {
    memset(out, 0, sizeof *out);
    out->line = key ? key->line : val->line;
    out->column = key ? key->column : val->column;
    const char *field = NULL;
    out->modifiers = key ? split_modifiers(c, key->text, &out->n_modifiers, &field) : NULL;
    keyword = keyword || !field || !*field;
    out->field = keyword ? NULL : field;
    out->field_written = out->field;   /* Sigma writes the taxonomy's names */

    plan p = {.op = RDX_OP_EQUALS};
    for (size_t i = 0; i < out->n_modifiers; i++)
        if (!classify(c, key, &p, out->modifiers[i])) return 0;
    if (!check_plan(c, key ? key : val, &p, keyword)) return 0;
    out->op = keyword && p.type == V_STRING ? RDX_OP_KEYWORD : p.op;
    out->flags = p.flags;
    out->timepart = p.timepart;

    size_t n;
    const ynode **vals = value_list(c, val, &n);
    if (!vals) return 0;
    if (n == 0) {
        /* pySigma reads [] as null; so do we, and say so. */
        rdx_sigma_warning(c, val, "detection", "empty value list: treated as null (the field "
                          "is absent or empty), as pySigma does");
        out->op = keyword ? RDX_OP_KEYWORD : RDX_OP_NULL;
        out->values = rdx_arena_zalloc(c->a, sizeof *out->values);
        out->values[0].kind = RDX_VK_NULL;
        out->values[0].text = "";
        out->n_values = keyword ? 0 : 1;
        return 1;
    }
    if ((p.flags & RDX_PF_ALL) && n == 1)
        rdx_sigma_warning(c, key, "modifier", "'all' with a single value has no effect");
    out->values = rdx_arena_zalloc(c->a, (n ? n : 1) * sizeof *out->values);
    int nulls = 0;
    for (size_t i = 0; i < n; i++) {
        if (!build_value(c, vals[i], &p, keyword, &out->values[i])) return 0;
        nulls += out->values[i].kind == RDX_VK_NULL;
    }
    out->n_values = n;
    if (nulls && n == 1 && !keyword) out->op = RDX_OP_NULL;
    else if (nulls)
        rdx_sigma_warning(c, val, "value", "null cannot be part of a list of values (Sigma spec, "
                          "\"Special Field Values\"); it is treated as 'empty or absent'");
    return 1;
}

static int build_map_group(load_ctx *c, const ynode *map, rdx_group *g) {
    int ok = 1;
    if (map->n == 0) {
        rdx_sigma_error(c, map, "detection", "empty selection");
        return 0;
    }
    for (size_t i = 0; i < map->n; i++) {
        rdx_predicate p;
        if (map->keys[i]->kind != Y_SCALAR) {
            rdx_sigma_error(c, map->keys[i], "detection", "a field name must be a plain string");
            ok = 0;
            continue;
        }
        if (build_predicate(c, map->keys[i], map->items[i], 0, &p)) rdx_build_predicate(c->rs, g, &p);
        else ok = 0;
    }
    return ok;
}

/* A list definition: maps are alternatives; plain values one keyword list. */
static int build_list_stage(load_ctx *c, const ynode *seq, rdx_stage *s) {
    size_t n_maps = 0, n_scalars = 0;
    for (size_t i = 0; i < seq->n; i++) {
        if (seq->items[i]->kind == Y_MAP) n_maps++;
        else if (seq->items[i]->kind == Y_SCALAR) n_scalars++;
        else {
            rdx_sigma_error(c, seq->items[i], "detection", "a list in a selection holds maps or values, not lists");
            return 0;
        }
    }
    int ok = 1;
    if (n_scalars) {
        ynode *kw = rdx_arena_zalloc(c->a, sizeof *kw);
        kw->kind = Y_SEQ;
        kw->line = seq->line;
        kw->column = seq->column;
        for (size_t i = 0; i < seq->n; i++)
            if (seq->items[i]->kind == Y_SCALAR) rdx_ynode_push(c->a, kw, NULL, seq->items[i]);
        rdx_group *g = rdx_build_group(c->rs, s);
        rdx_predicate p;
        if (build_predicate(c, NULL, kw, 1, &p)) rdx_build_predicate(c->rs, g, &p);
        else ok = 0;
    }
    for (size_t i = 0; i < seq->n; i++)
        if (seq->items[i]->kind == Y_MAP)
            ok &= build_map_group(c, seq->items[i], rdx_build_group(c->rs, s));
    if (seq->n == 0) {
        rdx_sigma_error(c, seq, "detection", "empty selection");
        return 0;
    }
    return ok;
}

/* Fill the stage s (already added, named name) from its definition. */
static int build_stage(load_ctx *c, const ynode *name, const ynode *def, rdx_stage *s) {
    switch (def->kind) {
    case Y_MAP:
        return build_map_group(c, def, rdx_build_group(c->rs, s));
    case Y_SEQ:
        return build_list_stage(c, def, s);
    case Y_SCALAR:
        if (rdx_yscalar_type(def, NULL) == YS_NULL) {
            rdx_sigma_error(c, def, "detection", "selection '%s' is empty", name->text);
            return 0;
        }
        rdx_group *g = rdx_build_group(c->rs, s);
        rdx_predicate p;
        if (!build_predicate(c, NULL, def, 1, &p)) return 0;
        rdx_build_predicate(c->rs, g, &p);
        return 1;
    }
    return 0;
}

static int skipped(const char *key, const char *const *skip) {
    for (; skip && *skip; skip++)
        if (!strcmp(key, *skip)) return 1;
    return 0;
}

int rdx_sigma_build_stages(load_ctx *c, const ynode *map, const char *const *skip, rdx_rule *r,
                           int from_filter) {
    int ok = 1;
    for (size_t i = 0; i < map->n; i++) {
        const ynode *key = map->keys[i];
        if (skipped(key->text, skip)) continue;
        size_t k = rdx_build_stage(c->rs, r, key->text, key->line, key->column);
        r->stages[k].from_filter = from_filter;
        ok &= build_stage(c, key, map->items[i], &r->stages[k]);
    }
    return ok;
}

static void push_text(rdx_arena *a, rdx_strlist *l, const char *s) {
    size_t n = l->count;
    if (n == 0 || (n & (n - 1)) == 0) {     /* grow by doubling */
        const char **items = rdx_arena_alloc(a, (n ? n * 2 : 1) * sizeof *items);
        if (n) memcpy(items, l->items, n * sizeof *items);
        l->items = items;
    }
    l->items[l->count++] = s;
}

static rdx_cond *parse_one(load_ctx *c, const ynode *n, const char *const *names, size_t count) {
    const char *err = NULL;
    size_t pos = 0;
    rdx_cond *cond = rdx_condition_parse(c->a, n->text, names, count, &err, &pos);
    if (!cond) {
        /* Point at the offending character when the condition is one line. */
        ynode at = *n;
        if (!memchr(n->text, '\n', n->len)) at.column += (uint32_t)pos + (n->plain ? 0 : 1);
        rdx_sigma_error(c, &at, "condition", "%s in condition '%s'", err, n->text);
    }
    return cond;
}

/* Shift stage indices of a condition parsed against a sub-range. */
static void offset_cond(rdx_cond *cond, size_t first) {
    if (!first || !cond) return;
    if (cond->kind == RDX_COND_STAGE) cond->stage += first;
    for (size_t i = 0; i < cond->n_stages; i++) cond->stages[i] += first;
    for (size_t i = 0; i < cond->n_kids; i++) offset_cond(cond->kids[i], first);
}

rdx_cond *rdx_sigma_build_condition(load_ctx *c, const ynode *cn, rdx_rule *r, size_t first,
                                    size_t count, rdx_strlist *texts) {
    if (!cn) return NULL;
    const ynode *const *items = (const ynode *const *)&cn;
    size_t n = 1;
    if (cn->kind == Y_SEQ) {
        items = (const ynode *const *)cn->items;
        n = cn->n;
    } else if (cn->kind != Y_SCALAR) {
        rdx_sigma_error(c, cn, "condition", "a condition is a string or a list of strings");
        return NULL;
    }
    if (n == 0) {
        rdx_sigma_error(c, cn, "condition", "empty condition list");
        return NULL;
    }
    /* The stage names, once for every condition of the list. */
    const char **names = rdx_arena_alloc(c->a, (count + 1) * sizeof *names);
    for (size_t i = 0; i < count; i++) names[i] = r->stages[first + i].name;
    rdx_cond *any = rdx_build_cond_new(c->a, RDX_COND_OR);
    for (size_t i = 0; i < n; i++) {
        if (items[i]->kind != Y_SCALAR) {
            rdx_sigma_error(c, items[i], "condition", "a condition is a string");
            return NULL;
        }
        rdx_cond *one = parse_one(c, items[i], names, count);
        if (!one) return NULL;
        offset_cond(one, first);
        rdx_build_cond_add(c->a, any, one);
        if (texts) push_text(c->a, texts, items[i]->text);
    }
    return n == 1 ? any->kids[0] : any;
}
