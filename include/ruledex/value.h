/*
 * value.h — the event model: a JSON-shaped tree of values.
 *
 * Every reader (JSON Lines, EVTX) turns one event into the same tree: null,
 * bool, number, string, array, object.  EVTX records take the shape that
 * evtx_dump and the SigmaHQ regression data use:
 *
 *     {"Event": {"System": {"Provider": {"#attributes": {"Name": "..."}},
 *                           "EventID": 4688, ...},
 *                "EventData": {"NewProcessName": "C:\\...", ...}}}
 *
 * so a rule sees one model whatever the file format was.  All nodes and all
 * string bytes live in an rdx_arena owned by whoever reads the event; a
 * value never owns memory.
 *
 * Numbers keep the text they were written with (`str`) beside the parsed
 * number, because Sigma compares numbers as strings (EventID: 4688 matches
 * "4688") and because printing must not change 0x10 or 1.50.
 */
#ifndef RULEDEX_VALUE_H
#define RULEDEX_VALUE_H

#include <stddef.h>
#include <stdint.h>
#include "arena.h"

typedef enum rdx_vtype {
    RDX_NULL = 0,
    RDX_BOOL,
    RDX_NUMBER,
    RDX_STRING,
    RDX_ARRAY,
    RDX_OBJECT
} rdx_vtype;

typedef enum rdx_numkind {
    RDX_NUM_INT = 0,    /* fits int64 */
    RDX_NUM_UINT,       /* non-negative, above INT64_MAX */
    RDX_NUM_FLOAT
} rdx_numkind;

typedef struct rdx_value rdx_value;

typedef struct rdx_member {
    const char *key;     /* UTF-8, NUL-terminated, in the arena (or, from the
                            JSON stream reader, in its buffer: json.h) */
    size_t key_len;
    rdx_value *value;
} rdx_member;

struct rdx_value {
    rdx_vtype type;
    rdx_numkind num_kind;          /* RDX_NUMBER only */
    union {
        int64_t i;
        uint64_t u;
        double f;
    } num;                         /* RDX_NUMBER only */
    union {
        int boolean;                                              /* RDX_BOOL */
        struct { const char *ptr; size_t len; } str;              /* RDX_STRING, and RDX_NUMBER's text */
        struct { rdx_value **items; size_t count, cap; } array;   /* RDX_ARRAY */
        struct { rdx_member *members; size_t count, cap; } object;/* RDX_OBJECT */
    } u;
};

/* Constructors: every node and byte is allocated in arena a. */
rdx_value *rdx_value_null(rdx_arena *a);
rdx_value *rdx_value_bool(rdx_arena *a, int b);
/* Copies s. */
rdx_value *rdx_value_string(rdx_arena *a, const char *s, size_t len);
/* Does not copy: s must live at least as long as the arena's contents. */
rdx_value *rdx_value_string_ref(rdx_arena *a, const char *s, size_t len);
rdx_value *rdx_value_int(rdx_arena *a, int64_t v);
rdx_value *rdx_value_uint(rdx_arena *a, uint64_t v);
rdx_value *rdx_value_float(rdx_arena *a, double v);
/* A number from its JSON text (copied); NULL if text is not a JSON number. */
rdx_value *rdx_value_number_text(rdx_arena *a, const char *text, size_t len);
/* The same without the copy: text must live at least as long as the
 * arena's contents, be NUL-terminated at len before the value is read as
 * text, and be followed now by a byte that cannot continue a number. */
rdx_value *rdx_value_number_text_ref(rdx_arena *a, const char *text, size_t len);
rdx_value *rdx_value_array(rdx_arena *a);
rdx_value *rdx_value_object(rdx_arena *a);

void rdx_array_push(rdx_arena *a, rdx_value *arr, rdx_value *item);
/* Appends; does not check for duplicate keys (JSON allows them, and the
 * matcher sees every value).  key is copied. */
void rdx_object_add(rdx_arena *a, rdx_value *obj, const char *key, size_t key_len,
                    rdx_value *val);
/* The same without the copy: key (NUL-terminated at key_len) must live at
 * least as long as the arena's contents. */
void rdx_object_add_ref(rdx_arena *a, rdx_value *obj, const char *key, size_t key_len,
                        rdx_value *val);
/* First member with exactly this key, or NULL. */
rdx_value *rdx_object_get(const rdx_value *obj, const char *key);

/* The text a scalar compares as: strings as they are, numbers as written,
 * booleans as "true"/"false", null as "".  Arrays and objects: NULL. */
const char *rdx_value_text(const rdx_value *v, size_t *len);

/* s[0..len) without its leading and trailing white space (Unicode
 * White_Space in UTF-8: ASCII space, tab, LF, VT, FF, CR, U+0085, U+00A0,
 * U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000): returns
 * the first byte kept and sets *out_len.  The evaluator's equality rule
 * (docs/FIELDS.md, "White space") uses it; nothing is copied. */
const char *rdx_text_trim(const char *s, size_t len, size_t *out_len);

/* Deep equality as JSON values (numbers compared by value, object members
 * compared as unordered sets of key/value pairs). */
int rdx_value_equal(const rdx_value *a, const rdx_value *b);

#endif
