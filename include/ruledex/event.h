/*
 * event.h — one event as the matcher sees it.
 *
 * An event is a value tree (value.h) plus where it came from, plus an index
 * of its leaves by name.  A rule names a field the way its author saw it:
 * by leaf name (`Image`), by dotted path (`winlog.event_data.Image`), or by
 * the Sigma convention for XML attributes (`Provider_Name` for
 * System.Provider.#attributes.Name).  The index gives every scalar leaf all
 * of those names once, so a lookup is a hash compare over a short array.
 *
 * Naming rules (docs/FIELDS.md has the full story):
 *   - leaf name: the member key of the scalar (or of the array holding it);
 *   - path: keys from the root joined with '.';
 *   - `#attributes` children of element E are named E_attr (leaf) and
 *     path.E.attr; `#text` takes its parent's name;
 *   - names compare ASCII-case-insensitively, and spaces in them do not
 *     count: Defender logs `Threat Name`, rules write `ThreatName`;
 *   - a bare name that the event's payload (EventData, UserData) has is
 *     the payload's: System 104 ("log cleared") carries the cleared log in
 *     UserData.LogFileCleared.Channel beside System.Channel, and a rule's
 *     `Channel` there means the cleared log;
 *   - a lookup with a dot matches the full path or any suffix of it that
 *     starts at a segment boundary.
 */
#ifndef RULEDEX_EVENT_H
#define RULEDEX_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include "value.h"

/* A container on the way from the root to a leaf: the key it is under,
 * and the container above it.  Leaves share these, so no leaf's dotted
 * path is built while indexing (a copy per leaf was a fifth of the index's
 * cost): it is written out only when asked (rdx_leaf_path), which dotted
 * lookups do for the few leaves whose last segment they already match. */
typedef struct rdx_path_node {
    const struct rdx_path_node *up;   /* NULL: the root */
    const char *key;
    size_t key_len;
    size_t len;              /* the dotted path down to key: keys from the
                                root joined with '.', where an empty path
                                takes no dot (the root's members are "K") */
} rdx_path_node;

typedef struct rdx_leaf {
    const char *name;        /* leaf name as the index knows it (arena) */
    size_t name_len;
    const rdx_path_node *up; /* the container the path runs through last */
    const char *seg;         /* the path's last key (an attribute's name;
                                for #text and array items, the element's) */
    size_t seg_len;
    size_t path_len;         /* the full dotted path's length (rdx_leaf_path) */
    uint64_t name_hash;      /* rdx_name_hash(name) */
    const rdx_value *value;  /* a scalar: never an array or object */
    int payload;             /* under the event's data: EventData, UserData
                                (evtx_dump), winlog.event_data / user_data */
    uint64_t seg_hash;       /* rdx_name_hash of the path's last segment (after
                                its last '.'), which every dotted lookup that
                                finds this leaf by path ends with */
} rdx_leaf;

/* Where an event came from: a file (path + line, record id or byte
 * offset) or a message (topic + partition + message offset).  source.h
 * fills it; rdx_origin_format() writes it the way output shows it. */
typedef enum rdx_origin_kind {
    RDX_ORIGIN_FILE = 0,
    RDX_ORIGIN_MESSAGE
} rdx_origin_kind;

struct rdx_facts;

typedef struct rdx_event {
    rdx_value *root;         /* the tree; owned by arena */
    rdx_arena *arena;        /* not owned: the reader's per-event arena */
    rdx_origin_kind origin;  /* FILE: source is a path; MESSAGE: a topic */
    const char *source;      /* file name ("-" for stdin) or topic; not owned */
    int32_t partition;       /* MESSAGE: the partition */
    uint64_t line;           /* JSON: 1-based line (in the message, for MESSAGE); 0 otherwise */
    uint64_t record_id;      /* EVTX: event record id; 0 otherwise */
    uint64_t offset;         /* FILE: byte offset of the event; MESSAGE: the message offset */
    /* leaf index: filled by rdx_event_index(), lives in arena */
    rdx_leaf *leaves;
    size_t n_leaves;
    int indexed;
    /* name table over the leaves, built with them: the leaves whose name
     * hashes to slot h & name_mask are name_slots[h & name_mask] - 1, then
     * name_next[that] - 1, ... in leaf order (0 ends a chain).  So a lookup
     * by name visits the few leaves of that name, not every leaf. */
    uint32_t *name_slots;
    uint32_t *name_next;
    size_t name_mask;
    /* the same by the hash of each leaf's last path segment (seg_hash), for
     * dotted lookups: `System.Channel` can only find a leaf whose path ends
     * in `Channel` (or, by name, one whose name is `System.Channel`; when a
     * dotted name's last segment is not its path's, seg_exact is 0 and
     * dotted lookups scan every leaf). */
    uint32_t *seg_slots;
    uint32_t *seg_next;
    int seg_exact;
    /* What output makes of the event, made once per event and reused for
     * each of its detections (rdx_json_write_event, rdx_event_details):
     * its compact JSON and its details digest, kept in arena; NULL until a
     * sink first asks (and always without an arena).  So the tree must not
     * change once a detection of it has been written. */
    const char *out_json;
    size_t out_json_len;
    /* The text a JSON reader read the event from, when it is already what
     * rdx_json_write_event would write — compact, every escape the
     * writer's own, valid UTF-8 — so the first write copies it instead of
     * serialising the tree: in_json[0, in_json_len), except that the byte
     * at offset in_json_nul_at[i] was in_json_nul_was[i] before the reader
     * ended a borrowed string or number there with NUL.  Not owned; set
     * only for borrowed events (rdx_json_reader_set_borrow), so it lives
     * as long as the event; NULL otherwise. */
    const char *in_json;
    size_t in_json_len;
    const size_t *in_json_nul_at;
    const char *in_json_nul_was;
    size_t in_json_n_nul;
    const char *out_details;
    size_t out_details_len;
    /* Its identity facts (rdx_event_facts_identity: channel, provider,
     * event ID), found once per event for routing and then reused by the
     * output's facts; in arena, NULL until asked (always without one). */
    const struct rdx_facts *identity;
    int identity_has;
    /* Optional, not owned (rdx_name_memo below): the leaf names of earlier
     * events and their hashes, which the index reuses.  Set by whoever
     * reads many events of one shape (the hunter) before indexing. */
    struct rdx_name_memo *names;
} rdx_event;

/* Events of one log come in few shapes: the 20th leaf of one Sysmon event
 * is the 20th leaf of the next, with the same name.  A name memo keeps,
 * per leaf position, the last name seen there and its hash, so indexing
 * compares the name (a few bytes) instead of hashing it.  One per thread;
 * the answers are the same with it and without it. */
typedef struct rdx_name_memo rdx_name_memo;
rdx_name_memo *rdx_name_memo_new(void);
void rdx_name_memo_free(rdx_name_memo *m);

/* Case-insensitive (ASCII) hash of a field name (event.c: eight bytes at a
 * time; equal names up to ASCII case hash alike, nothing else is promised). */
uint64_t rdx_name_hash(const char *name, size_t len);

/* Initialise ev around root; source/line/offset/record set by the caller. */
void rdx_event_init(rdx_event *ev, rdx_arena *arena, rdx_value *root);

/* Build the leaf index (idempotent). */
void rdx_event_index(rdx_event *ev);

/* Collect up to max scalar values the field name resolves to; returns how
 * many there are in total (may exceed max).  hash must be
 * rdx_name_hash(name, name_len); it is what makes undotted lookups cheap
 * (dotted names are compared against paths). */
size_t rdx_event_lookup(rdx_event *ev, const char *name, size_t name_len,
                        uint64_t hash, const rdx_value **out, size_t max);

/* The first scalar whose full path is name (ASCII case ignored, spaces
 * count), in leaf order; NULL if none.  A flat JSON export's top-level
 * `Channel`, not a payload's. */
const rdx_value *rdx_event_top_level(rdx_event *ev, const char *name, size_t len);

/* Leaf l's full dotted path, written to buf (NUL-terminated) when it has
 * room for path_len + 1 bytes; returns path_len either way. */
size_t rdx_leaf_path(const rdx_leaf *l, char *buf, size_t cap);

#endif
