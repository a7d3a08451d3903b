/*
 * pattern.h — patterns: what a string value of any rule language becomes.
 *
 * A pattern is a sequence of segments, matched against an event value as a
 * glob:
 *
 *     LIT "C:\Windows\"  STAR  LIT "\cmd.exe"
 *
 * matches every value that starts with the first literal and ends with the
 * second.  Each front-end parses its own notation into segments (Sigma's
 * `*` `?` and backslash escapes: sigma_pattern.h; an SPL or KQL reader
 * would do the same with its wildcards), and from then on only segments
 * exist: the matcher knows one thing, the glob match of a pattern against
 * bytes, and the compiler sees the literal segments as the atoms it
 * prefilters on.  A predicate keeps the OR-ed variants a written value
 * expands to as a pattern list.
 *
 * Also here: the other typed values a predicate compares — CIDR networks,
 * numbers, parts of timestamps — which are the same whatever the language.
 *
 * Everything here allocates in the arena it is given and never fails on
 * well-typed input; functions that can reject a value return 0 and write a
 * reason into err (a static string).
 */
#ifndef RULEDEX_PATTERN_H
#define RULEDEX_PATTERN_H

#include <stddef.h>
#include <stdint.h>
#include "arena.h"

typedef enum rdx_segkind {
    RDX_SEG_LIT = 0,       /* bytes, matched literally (case per flags) */
    RDX_SEG_STAR,          /* any run of bytes, possibly empty */
    RDX_SEG_ONE,           /* exactly one character (one UTF-8 sequence) */
    RDX_SEG_PLACEHOLDER    /* %name%; bytes hold the name, without % */
} rdx_segkind;

typedef struct rdx_seg {
    rdx_segkind kind;
    const unsigned char *bytes;   /* LIT, PLACEHOLDER; arena */
    size_t len;
} rdx_seg;

typedef struct rdx_pattern {
    rdx_seg *segs;
    size_t n_segs;
} rdx_pattern;

/* A list of patterns: the OR-ed variants a single written value expands to. */
typedef struct rdx_patlist {
    rdx_pattern *items;
    size_t count, cap;
} rdx_patlist;

void rdx_patlist_push(rdx_arena *a, rdx_patlist *l, rdx_pattern p);

/* A pattern of one literal segment (no wildcard interpretation). */
rdx_pattern rdx_pattern_literal(rdx_arena *a, const void *bytes, size_t len);

int rdx_pattern_has_wildcards(const rdx_pattern *p);     /* STAR or ONE */
int rdx_pattern_has_placeholders(const rdx_pattern *p);
/* Concatenate the literal bytes (only meaningful without wildcards). */
size_t rdx_pattern_literal_bytes(rdx_arena *a, const rdx_pattern *p, unsigned char **out);
/* Same segments with the same bytes. */
int rdx_pattern_equal(const rdx_pattern *x, const rdx_pattern *y);

/* Decode the UTF-8 character at s (len > 0): returns its length (1..4) and
 * the code point in *cp.  A byte that does not start a valid, shortest-form
 * sequence is a character of its own: length 1, *cp = RDX_UTF8_RAW + byte. */
#define RDX_UTF8_RAW 0x110000u
size_t rdx_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

/* Glob match of the whole of s against p.  cased == 0 folds ASCII case
 * (and the common 2-byte UTF-8 Latin/Cyrillic/Greek letters).  Linear-ish:
 * the classic greedy-star algorithm with one backtrack point, so no input
 * can make it exponential (O(len * pattern) at worst).  ONE and STAR count
 * UTF-8 characters; a byte that is not valid UTF-8 is one character.  A
 * pattern that still has placeholders matches nothing. */
int rdx_pattern_match(const rdx_pattern *p, const char *s, size_t len, int cased);

/* ---- typed values ------------------------------------------------------ */

typedef struct rdx_cidr {
    int family;              /* 4 or 6 */
    uint8_t addr[16];        /* network address, host bits cleared */
    int prefix;              /* 0..32 or 0..128 */
} rdx_cidr;

/* "10.0.0.0/8", "fe80::/10", or a bare address (full-length prefix). */
int rdx_cidr_parse(const char *text, size_t len, rdx_cidr *out, const char **err);
/* Does the textual IP address s lie in c?  Non-addresses never match. */
int rdx_cidr_match(const rdx_cidr *c, const char *s, size_t len);

/* Parse a number as Sigma values and event fields write it: decimal
 * integers, decimals, exponents, and 0x-prefixed hex.  Leading/trailing
 * spaces are not accepted.  1 on success. */
int rdx_parse_number(const char *s, size_t len, double *out);

typedef enum rdx_timepart {
    RDX_TIME_NONE = 0, RDX_TIME_MINUTE, RDX_TIME_HOUR, RDX_TIME_DAY,
    RDX_TIME_WEEK, RDX_TIME_MONTH, RDX_TIME_YEAR
} rdx_timepart;

/* Extract a part of a timestamp written as ISO 8601 / RFC 3339
 * ("2024-03-05T14:07:09.123Z", "2024-03-05 14:07:09") or as EVTX
 * SystemTime.  week is the ISO week number.  1 on success. */
int rdx_time_part(const char *s, size_t len, rdx_timepart part, int *out);

#endif
