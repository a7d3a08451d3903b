/*
 * vlist.h — a predicate's literal values, compiled once.
 *
 * SigmaHQ rules test one field against tens to hundreds of literals
 * (`Image|endswith: ['\a.exe', '\b.exe', ...]`, `CommandLine|contains:`
 * with 150 tool names).  The evaluator tries them one after another, each
 * through the general pattern path (fastglob.c: is the pattern of a simple
 * shape, is every byte comparable, then the compare), so such a predicate
 * costs one shape check and one comparison (one substring search for
 * `contains`) per literal per event value: on EVTX process events these
 * were the largest single cost of candidate evaluation
 * (docs/PERFORMANCE.md, "Fewer and cheaper evaluations").  A compiled list
 * knows each literal's shape and folded bytes, and per kind of literal:
 *
 *   - fewer than RDX_VLIST_HASHED: each literal compared at its place
 *     (whole value, start, end, or searched eight bytes at a time);
 *   - more, exact literals: one hash of the (folded) value, one probe;
 *   - prefixes: one running hash over the value's first bytes, one probe
 *     at each length some prefix has;
 *   - suffixes: the same from the value's end;
 *   - substrings: one pass over the value, looking each byte pair up in a
 *     4,096-bit filter of the literals' first two bytes; only where the
 *     filter says so are the literals starting with such a pair compared
 *     (one-byte literals: a 256-bit set).
 *
 * Every probe that hits is confirmed by comparing bytes, so hash
 * collisions cost time, never a wrong answer.
 *
 * Which predicates: a field test (no keyword, no field reference, no
 * |all, no time part) of op equals/contains/startswith/endswith whose
 * every value is a string and every variant of every value is one ASCII
 * literal of at least one byte with the op's stars around it (`lit`,
 * `lit*`, `*lit`, `*lit*`).  For these
 * the answer is exactly rdx_fastglob_match's (and so rdx_pattern_match's,
 * fastglob.h says why bytes suffice): an ASCII literal matches ASCII bytes
 * only, and caseless comparison folds ASCII letters only.  Anything else
 * is left to the evaluator (rdx_vlist_build returns NULL).
 * tests/unit/test_vlist.c checks the compiled form against the evaluator's
 * per-literal answer on edge cases and random lists and values.
 *
 * The cache: forms are built on first use per evaluator (rdx_vlists), so a
 * start-up pays nothing and threads share nothing: each thread's scratch
 * has its own evaluator.
 */
#ifndef RULEDEX_ENGINE_VLIST_H
#define RULEDEX_ENGINE_VLIST_H

#include <stddef.h>
#include "ruledex/rule.h"

#define RDX_VLIST_HASHED 4   /* literals of one kind from which hashing pays */

typedef struct rdx_vlist rdx_vlist;
typedef struct rdx_vlists rdx_vlists;

/* The compiled form of p's values, or NULL when p is not such a list
 * (or has no values). */
rdx_vlist *rdx_vlist_build(const rdx_predicate *p);
void rdx_vlist_free(rdx_vlist *f);

/* Does some literal of the list match the whole of s (len bytes) the way
 * its pattern would?  1 or 0. */
int rdx_vlist_match(const rdx_vlist *f, const char *s, size_t len);

/* Per-evaluator cache: predicate -> its form (or "none"), built lazily. */
rdx_vlists *rdx_vlists_new(void);
void rdx_vlists_free(rdx_vlists *c);
const rdx_vlist *rdx_vlists_get(rdx_vlists *c, const rdx_predicate *p);

#endif
