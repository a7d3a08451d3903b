/*
 * pattern.h — Sigma string values and the modifiers that transform them.
 *
 * A Sigma string value is not plain text: `*` and `?` are wildcards, `\`
 * escapes them, and with |expand `%name%` is a placeholder.  So a value is
 * parsed once into a pattern, a sequence of segments:
 *
 *     'C:\Windows\\*\cmd.exe'  →  LIT "C:\Windows\"  STAR  LIT "\cmd.exe"
 *
 * and every modifier is a function from patterns to patterns.  `contains`
 * puts a STAR at each end; `windash` turns one pattern into the 5^n
 * variants of its parameter dashes; `base64offset` turns one into three;
 * `wide` re-encodes the literal bytes as UTF-16LE.  The matcher then only
 * knows one thing, the glob match of a pattern against bytes, and the
 * compiler sees the literal segments as the atoms it prefilters on.
 *
 * Escapes (Sigma spec, "Escape Character"):  `\*` `\?` are literal; `\\`
 * before a wildcard or another backslash is one backslash; a backslash
 * before anything else is itself.  With |expand, `\%` is a literal percent.
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

/* Parse a Sigma string value.  placeholders != 0 recognises %name% (for
 * |expand).  Adjacent STARs are merged; empty literals dropped. */
rdx_pattern rdx_pattern_parse(rdx_arena *a, const char *text, size_t len, int placeholders);

/* A pattern of one literal segment (no wildcard interpretation). */
rdx_pattern rdx_pattern_literal(rdx_arena *a, const void *bytes, size_t len);

int rdx_pattern_has_wildcards(const rdx_pattern *p);     /* STAR or ONE */
int rdx_pattern_has_placeholders(const rdx_pattern *p);
/* Concatenate the literal bytes (only meaningful without wildcards). */
size_t rdx_pattern_literal_bytes(rdx_arena *a, const rdx_pattern *p, unsigned char **out);
/* Render back to Sigma syntax (escaping * ? \ as needed), NUL-terminated.
 * Placeholder syntax (\% escapes) is used iff p has placeholders, so
 * parse(render(p), rdx_pattern_has_placeholders(p)) equals p. */
char *rdx_pattern_to_sigma(rdx_arena *a, const rdx_pattern *p);
/* The same for an explicit syntax: parse(render_ex(p, ph), ph) equals p for
 * every p that parse(_, ph) can produce.  *len (if non-NULL) gets the length,
 * which matters when a literal holds NUL bytes. */
char *rdx_pattern_to_sigma_ex(rdx_arena *a, const rdx_pattern *p, int placeholders,
                              size_t *len);
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

/* ---- transformation modifiers: each maps one pattern to variants ------- */

/* contains / startswith / endswith: add STAR at the open ends (in place). */
void rdx_mod_contains(rdx_arena *a, rdx_pattern *p);
void rdx_mod_startswith(rdx_arena *a, rdx_pattern *p);
void rdx_mod_endswith(rdx_arena *a, rdx_pattern *p);

/* windash: every '-' or '/' that starts a word after a non-word character
 * or the start (pySigma's regex \B[-/]\b) becomes each of - / – — ―, in all
 * combinations.  Appends the 5^n variants to out, the original first.  More
 * than RDX_WINDASH_MAX such dashes is rejected (0 + err) rather than
 * expanded into hundreds of thousands of patterns. */
#define RDX_WINDASH_MAX 8
int rdx_mod_windash(rdx_arena *a, const rdx_pattern *p, rdx_patlist *out, const char **err);

/* base64 / base64offset: need a pattern without wildcards (else 0 + err).
 * base64offset appends the three shifted encodings (pySigma's offsets),
 * always three, in offset order: duplicates are kept, and a value shorter
 * than 3 bytes can give an empty one, exactly as pySigma does. */
int rdx_mod_base64(rdx_arena *a, const rdx_pattern *p, rdx_patlist *out, const char **err);
int rdx_mod_base64offset(rdx_arena *a, const rdx_pattern *p, rdx_patlist *out, const char **err);

/* utf16le / utf16be / utf16 (BOM FF FE + LE) / wide (= utf16le): re-encode
 * the UTF-8 of every literal segment; wildcards stay (ONE becomes two ONEs,
 * one UTF-16 code unit).  The BOM goes once, at the very start.  0 + err on
 * bad UTF-8. */
typedef enum rdx_utf16 { RDX_UTF16LE, RDX_UTF16BE, RDX_UTF16BOM } rdx_utf16;
int rdx_mod_utf16(rdx_arena *a, const rdx_pattern *p, rdx_utf16 kind, rdx_pattern *out,
                  const char **err);

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
