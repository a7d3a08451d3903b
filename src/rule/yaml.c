/*
 * yaml.c — libfyaml events → positioned node tree (see yaml.h).
 *
 * We drive libfyaml's parser event by event and keep a stack of open
 * collections.  Every node records the start mark of its event, which is
 * what the document API of libfyaml 0.7 does not expose.  Errors are
 * collected from libfyaml's diagnostic object (never printed) and turned
 * into rdx_diags.
 */
#include "yaml.h"

#include <libfyaml.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_DEPTH 256     /* deeper YAML is refused: no rule needs it */
#define MAX_ANCHORS 1024

typedef struct anchor {
    const char *name;
    size_t len;
    ynode *node;
} anchor;

typedef struct builder {
    rdx_arena *a;
    const char *input;              /* the text being parsed */
    size_t input_len;
    ynode *stack[MAX_DEPTH];
    ynode *pending_key[MAX_DEPTH];   /* map whose key was read, awaiting value */
    int depth;
    ynode *root;
    anchor anchors[MAX_ANCHORS];
    size_t n_anchors;
} builder;

void rdx_ynode_push(rdx_arena *a, ynode *coll, ynode *key, ynode *item) {
    if (coll->n == coll->cap) {
        size_t ncap = coll->cap ? coll->cap * 2 : 8;
        ynode **items = rdx_arena_alloc(a, ncap * sizeof *items);
        if (coll->n) memcpy(items, coll->items, coll->n * sizeof *items);
        coll->items = items;
        if (coll->kind == Y_MAP) {
            ynode **keys = rdx_arena_alloc(a, ncap * sizeof *keys);
            if (coll->n) memcpy(keys, coll->keys, coll->n * sizeof *keys);
            coll->keys = keys;
        }
        coll->cap = ncap;
    }
    if (coll->kind == Y_MAP) coll->keys[coll->n] = key;
    coll->items[coll->n++] = item;
}

static ynode *new_node(rdx_arena *a, ykind k, const struct fy_mark *m) {
    ynode *n = rdx_arena_zalloc(a, sizeof *n);
    n->kind = k;
    n->line = m ? (uint32_t)m->line + 1 : 0;
    n->column = m ? (uint32_t)m->column + 1 : 0;
    return n;
}

static void remember_anchor(builder *b, struct fy_token *tok, ynode *n) {
    if (!tok || b->n_anchors == MAX_ANCHORS) return;
    size_t len;
    const char *name = fy_token_get_text(tok, &len);
    if (!name) return;
    b->anchors[b->n_anchors++] = (anchor){rdx_arena_strndup(b->a, name, len), len, n};
}

static ynode *find_anchor(builder *b, struct fy_token *tok) {
    size_t len;
    const char *name = tok ? fy_token_get_text(tok, &len) : NULL;
    if (!name) return NULL;
    for (size_t i = b->n_anchors; i-- > 0;)
        if (b->anchors[i].len == len && memcmp(b->anchors[i].name, name, len) == 0)
            return b->anchors[i].node;
    return NULL;
}

/* Attach a finished node to its parent (or make it the root). */
static void attach(builder *b, ynode *n) {
    if (b->depth == 0) {
        b->root = n;
        return;
    }
    ynode *parent = b->stack[b->depth - 1];
    if (parent->kind == Y_SEQ) {
        rdx_ynode_push(b->a, parent, NULL, n);
    } else if (!b->pending_key[b->depth - 1]) {
        b->pending_key[b->depth - 1] = n;
    } else {
        rdx_ynode_push(b->a, parent, b->pending_key[b->depth - 1], n);
        b->pending_key[b->depth - 1] = NULL;
    }
}

/* A one-line single-quoted scalar, unescaped from the source ('' is ').
 * libfyaml 0.7.12 gets runs of doubled quotes wrong ('a''''b' gives a'''
 * instead of a''b), and SigmaHQ rules contain such values.  Multi-line
 * single-quoted scalars (folding rules) are left to libfyaml.  Returns 0
 * when the token is not such a scalar. */
static int single_quoted(builder *b, struct fy_token *tok, ynode *n) {
    if (fy_token_scalar_style(tok) != FYSS_SINGLE_QUOTED) return 0;
    const struct fy_mark *s = fy_token_start_mark(tok), *e = fy_token_end_mark(tok);
    if (!s || !e || e->input_pos < s->input_pos || e->input_pos > b->input_len) return 0;
    const char *raw = b->input + s->input_pos;
    size_t len = e->input_pos - s->input_pos;
    if (memchr(raw, '\n', len) || memchr(raw, '\r', len)) return 0;
    char *out = rdx_arena_alloc(b->a, len + 1);
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        out[k++] = raw[i];
        if (raw[i] == '\'' && i + 1 < len && raw[i + 1] == '\'') i++;
    }
    out[k] = 0;
    n->text = out;
    n->len = k;
    return 1;
}

static ynode *scalar_node(builder *b, struct fy_event *ev) {
    struct fy_token *tok = ev->scalar.value;
    ynode *n = new_node(b->a, Y_SCALAR, fy_event_start_mark(ev));
    size_t len = 0;
    if (!tok || !single_quoted(b, tok, n)) {
        const char *text = tok ? fy_token_get_text(tok, &len) : "";
        if (!text) text = "";
        n->text = rdx_arena_strndup(b->a, text, len);
        n->len = len;
    }
    n->plain = tok ? fy_token_scalar_style(tok) == FYSS_PLAIN : 1;
    /* An explicit tag (!!str) makes a plain scalar a string. */
    if (ev->scalar.tag && !ev->scalar.tag_implicit) n->plain = 0;
    return n;
}

static void collect_errors(struct fy_diag *diag, const char *file, rdx_diags *d) {
    void *iter = NULL;
    struct fy_diag_error *err;
    int any = 0;
    while ((err = fy_diag_errors_iterate(diag, &iter)) != NULL) {
        if (err->type < FYET_ERROR) continue;
        rdx_diag_add(d, RDX_SEV_ERROR, "yaml", file, (uint32_t)err->line + 1,
                     (uint32_t)err->column + 1, "YAML syntax error: %s", err->msg);
        any = 1;
    }
    if (!any) rdx_diag_add(d, RDX_SEV_ERROR, "yaml", file, 0, 0, "YAML syntax error");
}

/* Handles one parser event; returns 0 to stop (error). */
static int on_event(builder *b, struct fy_event *ev, const char *file, rdx_diags *d) {
    const struct fy_mark *m = fy_event_start_mark(ev);
    ynode *n;
    switch (ev->type) {
    case FYET_SCALAR:
        n = scalar_node(b, ev);
        remember_anchor(b, ev->scalar.anchor, n);
        attach(b, n);
        return 1;
    case FYET_ALIAS:
        n = find_anchor(b, ev->alias.anchor);
        if (!n) {
            rdx_diag_add(d, RDX_SEV_ERROR, "yaml", file, m ? (uint32_t)m->line + 1 : 0,
                         m ? (uint32_t)m->column + 1 : 0, "alias to an unknown anchor");
            return 0;
        }
        attach(b, n);
        return 1;
    case FYET_SEQUENCE_START:
    case FYET_MAPPING_START:
        if (b->depth == MAX_DEPTH) {
            rdx_diag_add(d, RDX_SEV_ERROR, "limit", file, m ? (uint32_t)m->line + 1 : 0,
                         m ? (uint32_t)m->column + 1 : 0, "YAML nested deeper than %d levels",
                         MAX_DEPTH);
            return 0;
        }
        n = new_node(b->a, ev->type == FYET_SEQUENCE_START ? Y_SEQ : Y_MAP, m);
        remember_anchor(b, ev->type == FYET_SEQUENCE_START ? ev->sequence_start.anchor
                                                           : ev->mapping_start.anchor, n);
        b->stack[b->depth] = n;
        b->pending_key[b->depth] = NULL;
        b->depth++;
        return 1;
    case FYET_SEQUENCE_END:
    case FYET_MAPPING_END:
        if (b->depth > 0) {
            n = b->stack[--b->depth];
            attach(b, n);
        }
        return 1;
    default:
        return 1;
    }
}

static void push_doc(rdx_arena *a, ydoc **docs, size_t *n, size_t *cap, ydoc doc) {
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 4;
        ydoc *nd = rdx_arena_alloc(a, ncap * sizeof *nd);
        if (*n) memcpy(nd, *docs, *n * sizeof *nd);
        *docs = nd;
        *cap = ncap;
    }
    (*docs)[(*n)++] = doc;
}

size_t rdx_yaml_parse(rdx_arena *a, const char *file, const char *text, size_t len,
                      ydoc **docs, int *failed, rdx_diags *d) {
    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.level = FYET_ERROR;
    struct fy_diag *diag = fy_diag_create(&dcfg);
    fy_diag_set_collect_errors(diag, true);
    struct fy_parse_cfg cfg = {.flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG, .diag = diag};
    struct fy_parser *fyp = fy_parser_create(&cfg);
    size_t n = 0, cap = 0;
    *docs = NULL;
    *failed = 0;
    if (!fyp || fy_parser_set_string(fyp, text, len) != 0) {
        rdx_diag_add(d, RDX_SEV_ERROR, "yaml", file, 0, 0, "cannot start the YAML parser");
        *failed = 1;
        goto out;
    }
    builder *b = calloc(1, sizeof *b);
    if (!b) abort();
    b->a = a;
    b->input = text;
    b->input_len = len;
    ydoc cur = {0};
    struct fy_event *ev;
    while ((ev = fy_parser_parse(fyp)) != NULL) {
        const struct fy_mark *m = fy_event_start_mark(ev);
        if (ev->type == FYET_DOCUMENT_START) {
            memset(&cur, 0, sizeof cur);
            b->root = NULL;
            b->depth = 0;
            b->n_anchors = 0;
            cur.start = m ? m->input_pos : 0;
            cur.line = m ? (uint32_t)m->line + 1 : 1;
        } else if (ev->type == FYET_DOCUMENT_END) {
            const struct fy_mark *e = fy_event_end_mark(ev);
            cur.end = e ? e->input_pos : len;
            cur.root = b->root;
            push_doc(a, docs, &n, &cap, cur);
        } else if (!on_event(b, ev, file, d)) {
            fy_parser_event_free(fyp, ev);
            *failed = 1;
            break;
        }
        fy_parser_event_free(fyp, ev);
    }
    if (!*failed && fy_parser_get_stream_error(fyp)) {
        collect_errors(diag, file, d);
        *failed = 1;
    }
    free(b);
out:
    if (fyp) fy_parser_destroy(fyp);
    fy_diag_destroy(diag);
    return n;
}

ynode *rdx_ymap_get(const ynode *map, const char *key) {
    if (!map || map->kind != Y_MAP) return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (map->keys[i]->kind == Y_SCALAR && strcmp(map->keys[i]->text, key) == 0)
            return map->items[i];
    return NULL;
}

static int is_one_of(const char *s, const char *const *words) {
    for (; *words; words++)
        if (strcmp(s, *words) == 0) return 1;
    return 0;
}

/* PyYAML's (YAML 1.1) int, exactly:
 *   [-+]?0b[0-1_]+ | [-+]?0[0-7_]+ | [-+]?(?:0|[1-9][0-9_]*)
 *   | [-+]?0x[0-9a-fA-F_]+ | [-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+
 * so 0755 is octal, 0129 and 00000429 are strings, 0X1F is a string and
 * 12:30 is sexagesimal.  pySigma types values this way; so do we. */
static int all_of(const char *s, const char *set) {
    if (!*s) return 0;
    for (; *s; s++)
        if (!strchr(set, *s)) return 0;
    return 1;
}

static int sexagesimal(const char *s) {
    if (*s < '1' || *s > '9') return 0;
    while ((*s >= '0' && *s <= '9') || *s == '_') s++;
    if (*s != ':') return 0;
    while (*s == ':') {
        s++;
        if (*s >= '0' && *s <= '5' && s[1] >= '0' && s[1] <= '9') s += 2;
        else if (*s >= '0' && *s <= '9') s++;
        else return 0;
    }
    return *s == 0;
}

static int yaml_int(const char *s) {
    if (*s == '-' || *s == '+') s++;
    if (s[0] == '0' && s[1] == 'b') return all_of(s + 2, "01_");
    if (s[0] == '0' && s[1] == 'x') return all_of(s + 2, "0123456789abcdefABCDEF_");
    if (s[0] == '0') return s[1] == 0 || all_of(s + 1, "01234567_");
    if (*s >= '1' && *s <= '9') return all_of(s, "0123456789_") || sexagesimal(s);
    return 0;
}

int rdx_yaml_int_value(const char *text, double *out) {
    if (!yaml_int(text)) return 0;
    const char *s = text;
    int neg = 0;
    if (*s == '-' || *s == '+') neg = *s++ == '-';
    int base = 10;
    if (s[0] == '0' && s[1] == 'b') { base = 2; s += 2; }
    else if (s[0] == '0' && s[1] == 'x') { base = 16; s += 2; }
    else if (s[0] == '0' && s[1]) { base = 8; s++; }
    double v = 0, part = 0;
    for (; *s; s++) {
        if (*s == '_') continue;
        if (*s == ':') {             /* sexagesimal: 1:30 is 90 */
            v = (v + part) * 60;
            part = 0;
            continue;
        }
        int d = *s <= '9' ? *s - '0' : (*s | 32) - 'a' + 10;
        part = part * base + d;
    }
    v += part;
    *out = neg ? -v : v;
    return 1;
}

/* PyYAML's float needs a dot: [-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)? */
static int yaml_float(const char *s) {
    if (*s == '-' || *s == '+') s++;
    if (!strcasecmp(s, ".inf") || !strcasecmp(s, ".nan")) return 1;
    int digits = 0, dot = 0;
    for (; *s && *s != 'e' && *s != 'E'; s++) {
        if (*s == '.') {
            if (dot++) return 0;
        } else if ((*s >= '0' && *s <= '9') || *s == '_') {
            digits++;
        } else {
            return 0;
        }
    }
    if (!dot || !digits) return 0;
    if (*s) {
        s++;
        if (*s != '-' && *s != '+') return 0;
        s++;
        if (!*s) return 0;
        for (; *s; s++)
            if (*s < '0' || *s > '9') return 0;
    }
    return 1;
}

yscalar rdx_yscalar_type(const ynode *n, int *boolean) {
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
    static const char *const trues[] = {"true", "True", "TRUE", "yes", "Yes", "YES",
                                        "on", "On", "ON", NULL};
    static const char *const falses[] = {"false", "False", "FALSE", "no", "No", "NO",
                                         "off", "Off", "OFF", NULL};
    if (n->kind != Y_SCALAR || !n->plain) return YS_STRING;
    if (is_one_of(n->text, nulls)) return YS_NULL;
    if (is_one_of(n->text, trues)) {
        if (boolean) *boolean = 1;
        return YS_BOOL;
    }
    if (is_one_of(n->text, falses)) {
        if (boolean) *boolean = 0;
        return YS_BOOL;
    }
    if (yaml_int(n->text)) return YS_INT;
    if (yaml_float(n->text)) return YS_FLOAT;
    return YS_STRING;
}

ynode *rdx_ynode_merge(rdx_arena *a, const ynode *base, const ynode *over) {
    if (!base) return (ynode *)over;
    if (!over) return (ynode *)base;
    if (base->kind != Y_MAP || over->kind != Y_MAP) return (ynode *)over;
    ynode *m = rdx_arena_zalloc(a, sizeof *m);
    m->kind = Y_MAP;
    m->line = over->line;
    m->column = over->column;
    for (size_t i = 0; i < base->n; i++) {
        ynode *o = rdx_ymap_get(over, base->keys[i]->text);
        rdx_ynode_push(a, m, base->keys[i], o ? rdx_ynode_merge(a, base->items[i], o)
                                              : base->items[i]);
    }
    for (size_t i = 0; i < over->n; i++)
        if (!rdx_ymap_get(base, over->keys[i]->text))
            rdx_ynode_push(a, m, over->keys[i], over->items[i]);
    return m;
}
