/*
 * event.c — the leaf index that lets rules name fields (see event.h).
 *
 * A rule reads a handful of fields from an event that may hold a hundred.
 * Rather than walk the tree per lookup, we flatten it once per event into
 * an array of scalar leaves, each with the name a Sigma author would use
 * and its full dotted path, and a hash of the name.  Lookups are then a
 * linear scan comparing 64-bit hashes — for events of tens to hundreds of
 * leaves that beats any hash table, and it needs no allocation beyond the
 * one array in the event's arena.
 *
 * Example: evtx_dump's
 *     {"Event": {"System": {"Provider": {"#attributes": {"Name": "X"}},
 *                           "EventID": 1}}}
 * gives the leaves
 *     Provider_Name  Event.System.Provider.Name   "X"
 *     EventID        Event.System.EventID         1
 */
#include "ruledex/event.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/bytes.h"

#define FNV_OFFSET 1469598103934665603ULL
#define FNV_PRIME 1099511628211ULL
#define MAX_DEPTH 600   /* beyond the JSON reader's nesting limit (512): every
                           leaf a reader can produce is indexed, so no value
                           can hide from a rule behind a depth limit */

static inline unsigned char lower(unsigned char c) {
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* The name hash, eight bytes at a time: each word is folded to lower case
 * in the register (a byte from 'A' to 'Z' gets 0x20: the classic
 * range test on the seven low bits, kept off bytes from 0x80 up), mixed
 * in with one multiply, and the length at the end.  One byte at a time
 * (FNV-1a) was the largest part of building the leaf index: every leaf's
 * name is hashed per event.  *marks gets bit 0 when the name has a space,
 * bit 1 when it has a dot (the zero-byte test on w ^ ' ' and w ^ '.'),
 * which add_leaf needs and would otherwise search for. */
#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL
#define MIX 0x9E3779B97F4A7C15ULL

static inline uint64_t has_zero_byte(uint64_t w) { return (w - ONES) & ~w & HIGHS; }

static inline uint64_t fold_word(uint64_t w) {
    uint64_t x = w & ~HIGHS;
    uint64_t upper = (x + ONES * (0x80 - 'A')) & ~(x + ONES * (0x80 - 'Z' - 1)) & ~w & HIGHS;
    return w | (upper >> 2);
}

static inline uint64_t mix_word(uint64_t h, uint64_t w) {
    h = (h ^ w) * MIX;
    return h ^ (h >> 32);
}

static uint64_t name_hash_marks(const char *name, size_t len, unsigned *marks) {
    uint64_t h = FNV_OFFSET, w, any = 0;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        w = rdx_le64((const unsigned char *)name + i);
        any |= has_zero_byte(w ^ (ONES * ' ')) | (has_zero_byte(w ^ (ONES * '.')) >> 1);
        h = mix_word(h, fold_word(w));
    }
    if (i < len) {   /* the tail, zero-padded: a pad byte is never ' ' or '.' */
        w = rdx_le_tail((const unsigned char *)name + i, len - i);
        any |= has_zero_byte(w ^ (ONES * ' ')) | (has_zero_byte(w ^ (ONES * '.')) >> 1);
        h = mix_word(h, fold_word(w));
    }
    *marks = (unsigned)((any & HIGHS) != 0) | (unsigned)((any & (HIGHS >> 1)) != 0) << 1;
    h = (h ^ len) * MIX;
    return h ^ (h >> 29);
}

uint64_t rdx_name_hash(const char *name, size_t len) {
    unsigned marks;
    return name_hash_marks(name, len, &marks);
}

void rdx_event_init(rdx_event *ev, rdx_arena *arena, rdx_value *root) {
    memset(ev, 0, sizeof *ev);
    ev->root = root;
    ev->arena = arena;
}

/* The memo (event.h): per leaf position, the name seen there last, its
 * hash and marks, and the same for the path's last segment when that is
 * another string.  Names longer than MEMO_NAME are hashed every time. */
#define MEMO_LEAVES 512
#define MEMO_NAME 32

typedef struct memo_name {
    uint64_t hash;
    uint32_t len;            /* 0: empty slot (an empty name is never kept) */
    unsigned marks;
    char text[MEMO_NAME];
} memo_name;

struct rdx_name_memo {
    memo_name leaf[MEMO_LEAVES], seg[MEMO_LEAVES];
};

rdx_name_memo *rdx_name_memo_new(void) {
    rdx_name_memo *m = calloc(1, sizeof *m);
    if (!m) abort();
    return m;
}

void rdx_name_memo_free(rdx_name_memo *m) { free(m); }

/* name_hash_marks through the memo slot m (NULL: no memo). */
static uint64_t memo_hash(memo_name *m, const char *name, size_t len, unsigned *marks) {
    if (!m || len == 0 || len > MEMO_NAME) return name_hash_marks(name, len, marks);
    if (m->len == len && memcmp(m->text, name, len) == 0) {
        *marks = m->marks;
        return m->hash;
    }
    m->hash = name_hash_marks(name, len, marks);
    m->marks = *marks;
    m->len = (uint32_t)len;
    memcpy(m->text, name, len);
    return m->hash;
}

typedef struct builder {
    rdx_event *ev;
    size_t cap;
} builder;

/* A name without its spaces (arena), or name itself when it has none. */
static const char *without_spaces(rdx_arena *a, const char *name, size_t *len) {
    if (!memchr(name, ' ', *len)) return name;
    char *s = rdx_arena_alloc(a, *len + 1);
    size_t n = 0;
    for (size_t i = 0; i < *len; i++)
        if (name[i] != ' ') s[n++] = name[i];
    s[n] = 0;
    *len = n;
    return s;
}

/* The length of the dotted path of key under container up (rdx_path_node:
 * an empty path takes no dot). */
static size_t path_len_under(const rdx_path_node *up, size_t key_len) {
    return up && up->len ? up->len + 1 + key_len : key_len;
}

static void add_leaf(builder *b, const char *name, size_t name_len, const rdx_path_node *up,
                     const char *seg, size_t seg_len, const rdx_value *v, int payload) {
    rdx_event *ev = b->ev;
    if (ev->n_leaves == b->cap) {
        size_t ncap = b->cap ? b->cap * 2 : 32;
        rdx_leaf *n = rdx_arena_alloc(ev->arena, ncap * sizeof *n);
        if (ev->n_leaves) memcpy(n, ev->leaves, ev->n_leaves * sizeof *n);
        ev->leaves = n;
        b->cap = ncap;
    }
    size_t at = ev->n_leaves;
    rdx_leaf *l = &ev->leaves[ev->n_leaves++];
    rdx_name_memo *memo = at < MEMO_LEAVES ? ev->names : NULL;
    unsigned marks;
    uint64_t h = memo_hash(memo ? &memo->leaf[at] : NULL, name, name_len, &marks);
    if (marks & 1) {   /* spaces do not count: hash the name without them */
        name = without_spaces(ev->arena, name, &name_len);
        h = name_hash_marks(name, name_len, &marks);
    }
    l->name = name;
    l->name_len = name_len;
    l->payload = payload;
    l->up = up;
    l->seg = seg;
    l->seg_len = seg_len;
    l->path_len = path_len_under(up, seg_len);
    l->name_hash = h;
    l->value = v;
    /* The path's last segment (after its last '.') is usually the name:
     * the key is (no dot in it, and it is the name).  Otherwise
     * (attributes, #text, names with spaces or dots) find the segment: the
     * end of the key after its last dot (all of it when it has none). */
    if (!(marks & 2) && seg_len == name_len && memcmp(seg, name, name_len) == 0) {
        l->seg_hash = h;
        return;
    }
    size_t from = seg_len;
    while (from > 0 && seg[from - 1] != '.') from--;
    seg += from;
    seg_len -= from;
    unsigned seg_marks;
    l->seg_hash = seg_len == name_len && memcmp(seg, l->name, seg_len) == 0
                      ? l->name_hash
                      : memo_hash(memo ? &memo->seg[at] : NULL, seg, seg_len, &seg_marks);
    /* A dotted name a lookup finds by name, not path: its last segment
     * must be the path's for the segment table to find it too. */
    if (marks & 2) {
        const char *last = l->name + name_len;
        while (last[-1] != '.') last--;
        if (rdx_name_hash(last, (size_t)(l->name + name_len - last)) != l->seg_hash)
            ev->seg_exact = 0;
    }
}

/* The container under key seg of container up (the root: up NULL, seg ""). */
static const rdx_path_node *path_node(rdx_arena *a, const rdx_path_node *up, const char *seg,
                                      size_t seg_len) {
    rdx_path_node *n = rdx_arena_alloc(a, sizeof *n);
    n->up = up;
    n->key = seg;
    n->key_len = seg_len;
    n->len = path_len_under(up, seg_len);
    return n;
}

/* Write the path of key seg under up so that it ends at buf + end. */
static void write_path(char *buf, size_t end, const rdx_path_node *up, const char *seg,
                       size_t seg_len) {
    for (;;) {
        end -= seg_len;
        if (seg_len) memcpy(buf + end, seg, seg_len);
        if (!up || !up->len) return;
        buf[--end] = '.';
        seg = up->key;
        seg_len = up->key_len;
        up = up->up;
    }
}

size_t rdx_leaf_path(const rdx_leaf *l, char *buf, size_t cap) {
    if (l->path_len < cap) {
        write_path(buf, l->path_len, l->up, l->seg, l->seg_len);
        buf[l->path_len] = 0;
    }
    return l->path_len;
}
static void walk(builder *b, const rdx_value *v, const char *name, size_t name_len,
                 const rdx_path_node *up, const char *seg, size_t seg_len, int depth,
                 int payload);

/* Does the member key of container c start the event's payload? */
static int payload_root(const rdx_path_node *c, const char *key) {
    if (c->len == 5 && c->key_len == 5 && !strncasecmp(c->key, "Event", 5))
        return !strcmp(key, "EventData") || !strcmp(key, "UserData");
    if (c->len == 6 && c->key_len == 6 && !strncasecmp(c->key, "winlog", 6))
        return !strcmp(key, "event_data") || !strcmp(key, "user_data");
    return 0;
}

/* Children of "#attributes" under element E are named E_attr. */
static void walk_attributes(builder *b, const rdx_value *attrs, const char *elem,
                            size_t elem_len, const rdx_path_node *element, int depth,
                            int payload) {
    rdx_arena *a = b->ev->arena;
    for (size_t i = 0; i < attrs->u.object.count; i++) {
        const rdx_member *m = &attrs->u.object.members[i];
        size_t nlen = elem_len ? elem_len + 1 + m->key_len : m->key_len;
        char *n = rdx_arena_alloc(a, nlen + 1);
        if (elem_len) {
            memcpy(n, elem, elem_len);
            n[elem_len] = '_';
            memcpy(n + elem_len + 1, m->key, m->key_len);
        } else {
            memcpy(n, m->key, m->key_len);
        }
        n[nlen] = 0;
        walk(b, m->value, n, nlen, element, m->key, m->key_len, depth + 1, payload);
    }
}

static void walk_object(builder *b, const rdx_value *v, const char *name, size_t name_len,
                        const rdx_path_node *up, const char *seg, size_t seg_len, int depth,
                        int payload) {
    if (!v->u.object.count) return;
    const rdx_path_node *self = path_node(b->ev->arena, up, seg, seg_len);
    for (size_t i = 0; i < v->u.object.count; i++) {
        const rdx_member *m = &v->u.object.members[i];
        int hash_key = m->key[0] == '#';   /* rare: skip the compares for other keys */
        if (hash_key && strcmp(m->key, "#attributes") == 0 && m->value->type == RDX_OBJECT) {
            walk_attributes(b, m->value, name, name_len, self, depth, payload);
        } else if (hash_key && strcmp(m->key, "#text") == 0) {
            walk(b, m->value, name, name_len, up, seg, seg_len, depth + 1, payload);
        } else {
            walk(b, m->value, m->key, m->key_len, self, m->key, m->key_len, depth + 1,
                 payload || payload_root(self, m->key));
        }
    }
}

static void walk(builder *b, const rdx_value *v, const char *name, size_t name_len,
                 const rdx_path_node *up, const char *seg, size_t seg_len, int depth,
                 int payload) {
    if (depth > MAX_DEPTH) return;
    switch (v->type) {
    case RDX_OBJECT:
        walk_object(b, v, name, name_len, up, seg, seg_len, depth, payload);
        break;
    case RDX_ARRAY:
        for (size_t i = 0; i < v->u.array.count; i++)
            walk(b, v->u.array.items[i], name, name_len, up, seg, seg_len, depth + 1, payload);
        break;
    default:
        add_leaf(b, name, name_len, up, seg, seg_len, v, payload);
        break;
    }
}

/* The name table (event.h): a power of two of at least twice as many slots
 * as leaves, chains filled back to front so that each lists its leaves in
 * leaf order, as a scan of the leaves would find them. */
static void build_name_table(rdx_event *ev) {
    size_t n = ev->n_leaves, slots = 16;
    while (slots < 2 * n) slots *= 2;
    ev->name_mask = slots - 1;
    ev->name_slots = rdx_arena_zalloc(ev->arena, slots * sizeof *ev->name_slots);
    ev->name_next = rdx_arena_alloc(ev->arena, (n + 1) * sizeof *ev->name_next);
    ev->seg_slots = rdx_arena_zalloc(ev->arena, slots * sizeof *ev->seg_slots);
    ev->seg_next = rdx_arena_alloc(ev->arena, (n + 1) * sizeof *ev->seg_next);
    for (size_t i = n; i-- > 0;) {
        uint32_t *head = &ev->name_slots[ev->leaves[i].name_hash & ev->name_mask];
        ev->name_next[i] = *head;
        *head = (uint32_t)(i + 1);
        head = &ev->seg_slots[ev->leaves[i].seg_hash & ev->name_mask];
        ev->seg_next[i] = *head;
        *head = (uint32_t)(i + 1);
    }
}

void rdx_event_index(rdx_event *ev) {
    if (ev->indexed) return;
    ev->indexed = 1;
    ev->n_leaves = 0;
    ev->name_slots = NULL;
    ev->seg_slots = NULL;
    ev->seg_exact = 1;
    if (!ev->root) return;
    builder b = {ev, 0};
    walk(&b, ev->root, "", 0, NULL, "", 0, 0, 0);
    if (ev->n_leaves < UINT32_MAX) build_name_table(ev);
}

static int ieq(const char *a, const char *b, size_t n) {
    /* a rule usually spells a name as the event does: one compare of
     * bytes confirms most hash hits */
    if (memcmp(a, b, n) == 0) return 1;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i])) return 0;
    return 1;
}

/* Does l's path end with name at a segment boundary?  Compared from the
 * end, key by key up the container chain, so that no path is written out
 * (a key may hold a dot of its own: the boundary is the joined text's). */
static int path_suffix(const rdx_leaf *l, const char *name, size_t len) {
    if (l->path_len < len) return 0;
    const rdx_path_node *up = l->up;
    const char *key = l->seg;
    size_t key_len = l->seg_len, rest = len;   /* name[0, rest) still to compare */
    for (;;) {
        size_t n = key_len < rest ? key_len : rest;
        if (!ieq(key + key_len - n, name + rest - n, n)) return 0;
        rest -= n;
        if (rest == 0)   /* before the match: this key's own dot, a joining dot or the start */
            return n == key_len || key[key_len - n - 1] == '.';
        if (!up || !up->len || name[rest - 1] != '.') return 0;
        rest--;
        key = up->key;
        key_len = up->key_len;
        up = up->up;
    }
}

/* Is l's full path name? */
static int path_is(const rdx_leaf *l, const char *name, size_t len) {
    return l->path_len == len && path_suffix(l, name, len);
}

/* Does leaf l answer to name (hash = its rdx_name_hash)? */
static int leaf_hit(const rdx_leaf *l, const char *name, size_t len, uint64_t hash, int dotted) {
    return (l->name_hash == hash && l->name_len == len && ieq(l->name, name, len)) ||
           (dotted && path_suffix(l, name, len));
}

/* An undotted name through the name table: the same answer as the scan
 * of every leaf below, from the leaves that share its hash slot. */
static size_t lookup_name(const rdx_event *ev, const char *name, size_t len, uint64_t hash,
                          const rdx_value **out, size_t max) {
    uint32_t first = ev->name_slots[hash & ev->name_mask];
    size_t n = 0, in_payload = 0;
    for (uint32_t i = first; i; i = ev->name_next[i - 1]) {
        const rdx_leaf *l = &ev->leaves[i - 1];
        if (!leaf_hit(l, name, len, hash, 0)) continue;
        if (n < max) out[n] = l->value;
        n++;
        in_payload += l->payload != 0;
    }
    if (in_payload == 0 || in_payload == n) return n;
    n = 0;   /* a bare name the payload has is the payload's */
    for (uint32_t i = first; i; i = ev->name_next[i - 1]) {
        const rdx_leaf *l = &ev->leaves[i - 1];
        if (!l->payload || !leaf_hit(l, name, len, hash, 0)) continue;
        if (n < max) out[n] = l->value;
        n++;
    }
    return n;
}

/* The hash of a name's last segment (after its last '.'). */
static uint64_t last_segment_hash(const char *name, size_t len) {
    size_t seg = len;
    while (seg > 0 && name[seg - 1] != '.') seg--;
    return rdx_name_hash(name + seg, len - seg);
}

/* A dotted name through the segment table: a leaf it finds by path has
 * the path's last segment as the name's (the name's last segment has no
 * dot), and one it finds by name has it too (seg_exact), so the leaves of
 * that slot, in leaf order, give the scan's answer. */
static size_t lookup_dotted(const rdx_event *ev, const char *name, size_t len, uint64_t hash,
                            const rdx_value **out, size_t max) {
    size_t n = 0;
    for (uint32_t i = ev->seg_slots[last_segment_hash(name, len) & ev->name_mask]; i;
         i = ev->seg_next[i - 1]) {
        const rdx_leaf *l = &ev->leaves[i - 1];
        if (!leaf_hit(l, name, len, hash, 1)) continue;
        if (n < max) out[n] = l->value;
        n++;
    }
    return n;
}

const rdx_value *rdx_event_top_level(rdx_event *ev, const char *name, size_t len) {
    if (!ev->indexed) rdx_event_index(ev);
    if (ev->seg_slots) {   /* a path equal to name ends in name's last segment */
        for (uint32_t i = ev->seg_slots[last_segment_hash(name, len) & ev->name_mask]; i;
             i = ev->seg_next[i - 1]) {
            const rdx_leaf *l = &ev->leaves[i - 1];
            if (path_is(l, name, len)) return l->value;
        }
        return NULL;
    }
    for (size_t i = 0; i < ev->n_leaves; i++) {
        const rdx_leaf *l = &ev->leaves[i];
        if (path_is(l, name, len)) return l->value;
    }
    return NULL;
}

size_t rdx_event_lookup(rdx_event *ev, const char *name, size_t name_len, uint64_t hash,
                        const rdx_value **out, size_t max) {
    if (!ev->indexed) rdx_event_index(ev);
    char buf[256];
    if (memchr(name, ' ', name_len) && name_len < sizeof buf) {   /* spaces do not count */
        size_t n = 0;
        for (size_t i = 0; i < name_len; i++)
            if (name[i] != ' ') buf[n++] = name[i];
        name = buf;
        name_len = n;
        hash = rdx_name_hash(name, name_len);
    }
    int dotted = memchr(name, '.', name_len) != NULL;
    if (!dotted && ev->name_slots) return lookup_name(ev, name, name_len, hash, out, max);
    if (dotted && ev->seg_slots && ev->seg_exact) return lookup_dotted(ev, name, name_len, hash, out, max);
    size_t n = 0, in_payload = 0;
    for (size_t i = 0; i < ev->n_leaves; i++) {
        const rdx_leaf *l = &ev->leaves[i];
        if (!leaf_hit(l, name, name_len, hash, dotted)) continue;
        if (n < max) out[n] = l->value;
        n++;
        in_payload += l->payload != 0;
    }
    /* A bare name the payload has is the payload's (event.h); the rare
     * event that has it in both places is looked at again. */
    if (dotted || in_payload == 0 || in_payload == n) return n;
    n = 0;
    for (size_t i = 0; i < ev->n_leaves; i++) {
        const rdx_leaf *l = &ev->leaves[i];
        if (!l->payload || !leaf_hit(l, name, name_len, hash, 0)) continue;
        if (n < max) out[n] = l->value;
        n++;
    }
    return n;
}
