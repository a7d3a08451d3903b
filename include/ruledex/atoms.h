/*
 * atoms.h — the literals a rule cannot match without (YARA's atoms).
 *
 * Before running the evaluator on a (rule, event) pair, the matcher wants
 * to know cheaply whether the rule could match at all.  Most rules cannot
 * match unless some literal occurs in some value of the event:
 *
 *     Image|endswith: '\powershell.exe'          → needs "\powershell.exe"
 *     CommandLine|contains: ['-enc', '-e ']       → needs "-enc" or "-e "
 *     sel1 and sel2                               → needs both sel1's and sel2's
 *     not filter, |neq, exists, numbers, cidr     → need nothing
 *
 * A rule's requirement is a small CNF over such literals: clauses AND-ed,
 * the atoms inside a clause OR-ed.  The matcher (matcher.h) finds every
 * atom of every rule in one vectorscan pass per event and evaluates only
 * the rules whose every clause had an atom.  The derivation is
 * conservative: a requirement may be too weak (more candidates), never too
 * strong (a missed detection) — test_matcher.c checks that on the corpus.
 */
#ifndef RULEDEX_ATOMS_H
#define RULEDEX_ATOMS_H

#include <stddef.h>
#include "arena.h"
#include "rule.h"

enum {
    RDX_ATOM_CASED = 1u << 0,    /* compare bytes exactly (else ASCII case folded) */
    RDX_ATOM_UNIFOLD = 1u << 1,  /* from a caseless regex: PCRE2's Unicode folding
                                    also lets i/k/s match İ ı K ſ */
    RDX_ATOM_FIELD = 1u << 2     /* rdx_rule_fields: a field name that must be present */
};

typedef struct rdx_atom {
    const unsigned char *bytes;
    size_t len;
    unsigned flags;              /* RDX_ATOM_* */
} rdx_atom;

/* A clause: one of its atoms occurs in every match. */
typedef struct rdx_atomclause {
    rdx_atom *atoms;
    size_t n;
} rdx_atomclause;

/* A rule's requirement: every clause holds in every match (a CNF).  Two
 * clauses make `Image|endswith: '\powershell.exe' and CommandLine|contains:
 * '-nop'` a candidate only where both literals occur. */
#define RDX_ATOM_CLAUSES 4       /* the most selective ones are kept */

typedef struct rdx_atomset {
    int always;                  /* the rule may match without any literal */
    int never;                   /* the rule cannot match at all */
    rdx_atomclause *clauses;     /* otherwise: 1..RDX_ATOM_CLAUSES clauses */
    size_t n_clauses;
} rdx_atomset;

/* The order atoms sort and de-duplicate in: flags, length, then bytes
 * (ASCII-folded unless RDX_ATOM_CASED). */
int rdx_atom_compare(const rdx_atom *a, const rdx_atom *b);

/* Atoms shorter than this make a predicate unfilterable: a 2-byte atom
 * occurs in nearly every event and would only flood the candidates (one
 * non-ASCII character of two bytes is the exception: rare in event data). */
#define RDX_ATOM_MIN 3

/* Compute the atom requirement of rule r into out, allocating in a (atom
 * bytes may point into the rule).  Derived from the condition tree: AND
 * collects its children's clauses, OR unites its children's best clauses,
 * and anything that can hold by absence or negation (NOT, |neq, null,
 * exists, numbers, cidr, fieldref, a regex without a required literal,
 * unresolved placeholders) requires nothing.  A rule that requires nothing
 * is `always`. */
void rdx_rule_atoms(const rdx_rule *r, rdx_arena *a, rdx_atomset *out);

/* The same algebra over field names, for rules that require no literal:
 * a predicate that cannot hold while its field is absent (anything but
 * |neq, null and exists: false) requires the field, so a rule like
 * `logtype: 5001` is skipped on events without a `logtype` (under any name
 * the field map gives it).  Atoms are field names with RDX_ATOM_FIELD. */
void rdx_rule_fields(const rdx_rule *r, rdx_arena *a, rdx_atomset *out);

/* The atoms of one regex as one clause: the literals a match must contain
 * (one per top-level alternative), or out->always when none can be found —
 * the syntax is read conservatively, so anything unusual means "always".
 * caseless: the regex was compiled with |re|i. */
void rdx_regex_atoms(const char *re, size_t len, int caseless, rdx_arena *a, rdx_atomset *out);

#endif
