/*
 * relinear.h — regexes PCRE2 backtracks on, answered in linear time.
 *
 * PCRE2 is a backtracking matcher: a pattern with several unbounded
 * repeats in a row may try every way of splitting the subject among them
 * before it says no.  SigmaHQ has such rules, e.g. for obfuscated
 * PowerShell
 *
 *     CommandLine|re: '\+.*\+.*\+.*\+.*\+.*\+.*\+.*\+.*\+.*\+.*\+.*\+.*\+.*\+'
 *
 * which costs PCRE2 about 0.2 ms on a command line of 800 bytes with a
 * dozen '+' (about 250 ns a byte, where the whole hunt spends about 1), and
 * up to its match limit, then a "no" that may be wrong, on a hostile one.
 * vectorscan compiles the same pattern into automata that read each byte
 * once: 0.65 us for those 800 bytes.  But compiling costs milliseconds
 * (6 ms for that one, 180 ms for a pattern with bounded repeats), too much
 * for the two hundred regexes of a rule set when most never need it.  So
 * the evaluator (eval.c) times PCRE2 on each regex, and a regex on which
 * PCRE2 has spent RDX_RELINEAR_ADOPT_NS at RDX_RELINEAR_ADOPT_NS_PER_BYTE
 * or more, or whose match PCRE2 cut off at its limits, is *adopted*: its
 * vectorscan twin is compiled once and answers every later subject it can
 * (and the cut-off one).  Patterns that would compile slowly are refused
 * (counted repeats over 16), so a twin costs at most about what PCRE2 had
 * already spent on it.  The time is the clock's, not the thread's CPU time
 * (that would be a system call per match): on a loaded machine regexes are
 * adopted sooner, which changes no answer.  A twin answers when:
 *
 *   - the subject is ASCII.  vectorscan runs here in byte mode, where '.'
 *     is one byte; PCRE2 runs in UTF-8 mode, where it is one character.  On
 *     ASCII text the two are the same machine (no PCRE2_UCP: \w, \d, \s and
 *     caseless matching are ASCII in both);
 *   - the pattern is ASCII (a multi-byte literal would be split into bytes,
 *     and a quantifier after it would bind to its last byte only);
 *   - vectorscan compiles it (no back-references, no look-around, nothing
 *     that matches the empty string).
 *
 * Otherwise PCRE2 answers.  Only whether there is a
 * match is asked, which both engines answer alike: greedy or lazy, leftmost
 * or not does not change it.  The unit test holds the two engines to the
 * same answers over every SigmaHQ regex and the values of real events.
 *
 * The table is per evaluator (per thread: no locks) and lives as long as
 * it; each entry also holds the evaluator's JIT-compiled copy of the
 * regex (rdx_relinear_code).  It is keyed by the PCRE2 code's address
 * and checked against the pattern's text and flags, so a rule set freed
 * and another loaded at the same address cannot mix them up.
 */
#ifndef RDX_ENGINE_RELINEAR_H
#define RDX_ENGINE_RELINEAR_H

#include <stddef.h>

#include <stdint.h>

#define RDX_RELINEAR_ADOPT_NS 10000000ULL       /* 10 ms of PCRE2 on one regex, */
#define RDX_RELINEAR_ADOPT_NS_PER_BYTE 20ULL    /* at 20 ns a subject byte or more */

typedef struct rdx_relinear rdx_relinear;

rdx_relinear *rdx_relinear_new(void);
void rdx_relinear_free(rdx_relinear *r);

/* One regex's entry: its PCRE2 code (the key), its pattern (NUL-terminated)
 * and RDX_PF_RE_* flags; made on first use.  Valid until the next get. */
typedef struct rdx_relinear_regex rdx_relinear_regex;
rdx_relinear_regex *rdx_relinear_get(rdx_relinear *r, const void *code, const char *re,
                                     unsigned flags);

/* The PCRE2 code this evaluator matches the regex with: a copy of the
 * set's code (the key), JIT-compiled on the first call, or the set's code
 * itself where JIT is not available.  The set's code is never JIT-compiled
 * (build.c): it stays immutable, so threads share it without a lock, and
 * a cached start does not pay for JIT-compiling the two hundred regexes
 * of a set that a given log mostly never reaches.  JIT before the first
 * match, so that the match limits count the same way on every match. */
const void *rdx_relinear_code(rdx_relinear_regex *e);

/* Adopt it now, whatever PCRE2's time on it (a match cut off at PCRE2's
 * limits, tests): compile its vectorscan twin unless done before.  1 when
 * it has one, 0 when vectorscan cannot take it (PCRE2 keeps answering). */
int rdx_relinear_adopt(rdx_relinear *r, rdx_relinear_regex *e);

/* PCRE2 took ns nanoseconds on a subject of len bytes: account for it,
 * and adopt the regex when the totals call for it. */
void rdx_relinear_spent(rdx_relinear *r, rdx_relinear_regex *e, size_t len, uint64_t ns);

/* Does it match s[0..len)?  1 or 0 from an adopted regex's twin, -1 when
 * the caller must ask PCRE2 (not adopted, no twin, or s is not ASCII). */
int rdx_relinear_match(rdx_relinear *r, const rdx_relinear_regex *e, const char *s, size_t len);

#endif
