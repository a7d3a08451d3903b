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

static size_t parse_checked(rdx_arena *a, const char *file, const char *text, size_t len,
                            ydoc **docs, int *failed, rdx_diags *d);

static ynode *new_node(rdx_arena *a, ykind k, const struct fy_mark *m) {
    ynode *n = rdx_arena_zalloc(a, sizeof *n);
    n->kind = k;
    n->weight = 1;
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

static uint64_t add_weight(uint64_t a, uint64_t b) {
    uint64_t s = a + b;
    return s > RDX_YAML_MAX_WEIGHT + 1 ? RDX_YAML_MAX_WEIGHT + 1 : s;   /* saturate */
}

/* Attach a finished node to its parent (or make it the root).  Returns the
 * offending node when it is a collection used as a map key — YAML allows
 * it, Sigma has no use for it, and every consumer expects scalar keys. */
static ynode *attach(builder *b, ynode *n) {
    if (b->depth == 0) {
        b->root = n;
        return NULL;
    }
    ynode *parent = b->stack[b->depth - 1];
    parent->weight = add_weight(parent->weight, n->weight);
    if (parent->kind == Y_SEQ) {
        rdx_ynode_push(b->a, parent, NULL, n);
    } else if (!b->pending_key[b->depth - 1]) {
        if (n->kind != Y_SCALAR) return n;
        b->pending_key[b->depth - 1] = n;
    } else {
        rdx_ynode_push(b->a, parent, b->pending_key[b->depth - 1], n);
        b->pending_key[b->depth - 1] = NULL;
    }
    return NULL;
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
    /* An explicit tag (!!str, !x) takes a plain scalar out of the core
     * schema: it stays a string.  (Only the tag token is consulted:
     * libfyaml 0.7.12 leaves tag_implicit uninitialised.) */
    if (ev->scalar.tag) n->plain = 0;
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

static int attached(builder *b, ynode *n, const char *file, rdx_diags *d) {
    ynode *bad = attach(b, n);
    if (!bad) return 1;
    rdx_diag_add(d, RDX_SEV_ERROR, "yaml", file, bad->line, bad->column,
                 "a map key must be a plain value, not a %s",
                 bad->kind == Y_SEQ ? "list" : "map");
    return 0;
}

/* Handles one parser event; returns 0 to stop (error). */
static int on_event(builder *b, struct fy_event *ev, const char *file, rdx_diags *d) {
    const struct fy_mark *m = fy_event_start_mark(ev);
    ynode *n;
    switch (ev->type) {
    case FYET_SCALAR:
        n = scalar_node(b, ev);
        remember_anchor(b, ev->scalar.anchor, n);
        return attached(b, n, file, d);
    case FYET_ALIAS:
        n = find_anchor(b, ev->alias.anchor);
        if (!n) {
            rdx_diag_add(d, RDX_SEV_ERROR, "yaml", file, m ? (uint32_t)m->line + 1 : 0,
                         m ? (uint32_t)m->column + 1 : 0, "alias to an unknown anchor");
            return 0;
        }
        return attached(b, n, file, d);
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
            return attached(b, n, file, d);
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

/* Length of the valid UTF-8 sequence at s (1..4), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n) {
    if (s[0] < 0x80) return s[0] ? 1 : 0;
    size_t len = s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 && s[0] < 0xE0 ? 2 : 0;
    if (!len || len > n) return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    if (len == 3 && ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] > 0x9F))) return 0;
    if (len == 4 && ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] > 0x8F))) return 0;
    return len;
}

/* YAML text is UTF-8 without NUL; check before libfyaml sees it (0.7.12
 * can loop forever on invalid UTF-8 in a directive). */
static int check_text(const char *file, const char *text, size_t len, rdx_diags *d) {
    uint32_t line = 1, col = 1;
    for (size_t i = 0; i < len;) {
        size_t k = utf8_len((const unsigned char *)text + i, len - i);
        if (!k) {
            rdx_diag_add(d, RDX_SEV_ERROR, "yaml", file, line, col, "%s",
                         text[i] ? "invalid UTF-8 (rule files are UTF-8)" : "NUL byte in a rule file");
            return 0;
        }
        if (text[i] == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
        i += k;
    }
    return 1;
}

/* libfyaml may place an error past the end of the text (at EOF); keep the
 * position inside the file so it names a real line. */
static void clamp_positions(rdx_diags *d, size_t from, const char *text, size_t len) {
    uint32_t lines = 1;
    for (size_t i = 0; i < len; i++) lines += text[i] == '\n';
    if (len && text[len - 1] == '\n') lines--;
    if (!lines) lines = 1;
    for (size_t i = from; i < d->count; i++) {
        if (d->items[i].line > lines) {
            d->items[i].line = lines;
            d->items[i].column = 1;
        }
    }
}

size_t rdx_yaml_parse(rdx_arena *a, const char *file, const char *text, size_t len,
                      ydoc **docs, int *failed, rdx_diags *d) {
    *docs = NULL;
    *failed = 0;
    if (!check_text(file, text, len, d)) {
        *failed = 1;
        return 0;
    }
    size_t first_diag = d->count;
    size_t n = parse_checked(a, file, text, len, docs, failed, d);
    clamp_positions(d, first_diag, text, len);
    return n;
}

static size_t parse_checked(rdx_arena *a, const char *file, const char *text, size_t len,
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
    size_t last_end = 0;      /* end of the last node event seen */
    while ((ev = fy_parser_parse(fyp)) != NULL) {
        const struct fy_mark *m = fy_event_start_mark(ev);
        const struct fy_mark *me = fy_event_end_mark(ev);
        if (me && ev->type != FYET_DOCUMENT_END && ev->type != FYET_STREAM_END &&
            me->input_pos <= len && me->input_pos > last_end)
            last_end = me->input_pos;
        if (ev->type == FYET_DOCUMENT_START) {
            memset(&cur, 0, sizeof cur);
            b->root = NULL;
            b->depth = 0;
            b->n_anchors = 0;
            cur.start = m ? m->input_pos : 0;
            cur.line = m ? (uint32_t)m->line + 1 : 1;
        } else if (ev->type == FYET_DOCUMENT_END) {
            /* An implicit document end has no mark: the document then ends
             * where its last node did (not at the end of the input, which
             * would give every document the rest of the file as its body). */
            const struct fy_mark *e = fy_event_end_mark(ev);
            cur.end = e ? e->input_pos : last_end;
            cur.root = b->root;
            if (cur.root && cur.root->weight > RDX_YAML_MAX_WEIGHT) {
                rdx_diag_add(d, RDX_SEV_ERROR, "limit", file, cur.line, 1,
                             "document has more than %d nodes once its aliases are expanded",
                             RDX_YAML_MAX_WEIGHT);
                cur.root = NULL;
            }
            push_doc(a, docs, &n, &cap, cur);
            if (n == RDX_YAML_MAX_DOCS) {
                fy_parser_event_free(fyp, ev);
                break;
            }
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

/* An open-addressing index of a map's keys, so merging two maps of n and m
 * keys costs O(n + m), not O(n * m): a hostile global document may hold
 * 100,000 keys.  Slots hold index + 1 (0 = empty). */
typedef struct key_index {
    size_t *slots;
    size_t mask;
} key_index;

static uint64_t key_hash(const char *s) {
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static key_index index_keys(rdx_arena *a, const ynode *map) {
    size_t cap = 16;
    while (cap < map->n * 2) cap *= 2;
    key_index ix = {rdx_arena_zalloc(a, cap * sizeof(size_t)), cap - 1};
    for (size_t i = 0; i < map->n; i++) {
        size_t h = key_hash(map->keys[i]->text) & ix.mask;
        while (ix.slots[h]) h = (h + 1) & ix.mask;
        ix.slots[h] = i + 1;
    }
    return ix;
}

/* The first value of key in map (indexed by ix), or NULL. */
static ynode *index_get(const key_index *ix, const ynode *map, const char *key) {
    size_t h = key_hash(key) & ix->mask, best = 0;
    for (; ix->slots[h]; h = (h + 1) & ix->mask) {
        size_t i = ix->slots[h] - 1;
        if (strcmp(map->keys[i]->text, key) == 0 && (!best || i + 1 < best)) best = i + 1;
    }
    return best ? map->items[best - 1] : NULL;
}

ynode *rdx_ynode_merge(rdx_arena *a, const ynode *base, const ynode *over) {
    if (!base) return (ynode *)over;
    if (!over) return (ynode *)base;
    if (base->kind != Y_MAP || over->kind != Y_MAP) return (ynode *)over;
    ynode *m = rdx_arena_zalloc(a, sizeof *m);
    m->kind = Y_MAP;
    m->line = over->line;
    m->column = over->column;
    m->weight = 1;
    key_index in_over = index_keys(a, over), in_base = index_keys(a, base);
    for (size_t i = 0; i < base->n; i++) {
        ynode *o = index_get(&in_over, over, base->keys[i]->text);
        ynode *v = o ? rdx_ynode_merge(a, base->items[i], o) : base->items[i];
        rdx_ynode_push(a, m, base->keys[i], v);
        m->weight += v->weight + 1;
    }
    for (size_t i = 0; i < over->n; i++) {
        if (index_get(&in_base, base, over->keys[i]->text)) continue;
        rdx_ynode_push(a, m, over->keys[i], over->items[i]);
        m->weight += over->items[i]->weight + 1;
    }
    return m;
}
