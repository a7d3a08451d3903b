/*
 * plan.h — what the matcher derives from a rule set, as bytes and back.
 *
 * Building the matcher of the SigmaHQ set derives 17,437 atoms from 3,750
 * rules, sorts and de-duplicates them and writes their vectorscan
 * expressions: 250 M instructions, two thirds of a start-up whose rules
 * come from the snapshot.  None of it depends on anything but the rules,
 * so the matcher stores the result (the "plan") in the compiled-rules
 * cache under a key naming the rules (rdx_snapshot_selection_key), and a
 * later run reads it instead:
 *
 *     "RDXPLAN\0" | u32 format | u32 n_rules | u32 n_words |
 *     u64 always[n_words] | u64 filtered[n_words] | u64 keyword[n_words] |
 *     u8 full[n_rules] | u32 n_atoms | u32 n_refs |
 *     u32 atom_off[n_atoms + 1] | u32 atom_refs[n_refs] |
 *     u32 db_len | db bytes | u32 kw_len | kw bytes
 *
 * (little-endian; the databases as hs_serialize_database wrote them).  The
 * cache file's checksum catches corruption; the decoder still trusts
 * nothing (a plan is only ever as good as its checks): every length is
 * bounded by the bytes left, the rule count must be the caller's, the
 * bitsets must partition the rules, every atom reference must name a
 * filtered rule's existing clause, atoms must be non-empty and in order,
 * and every clause of every filtered rule must be ticked by some atom —
 * so a plan that passes cannot index out of bounds nor make a filtered
 * rule unreachable.  Which atoms a database reports is bounded at scan
 * time (matcher.c on_atom), as for a database from the cache.
 */
#ifndef RDX_ENGINE_PLAN_H
#define RDX_ENGINE_PLAN_H

#include <stddef.h>
#include <stdint.h>
#include "ruledex/arena.h"
#include "ruledex/strbuf.h"

#define RDX_PLAN_FORMAT 1

typedef struct rdx_plan {
    size_t n_rules, n_words;          /* n_words = (n_rules + 63) / 64 + 1 */
    const uint64_t *always, *filtered, *keyword;   /* bitsets over rules */
    const uint8_t *full;              /* per rule: its clauses' bit mask */
    size_t n_atoms, n_refs;
    const uint32_t *atom_off;         /* n_atoms + 1 offsets into atom_refs */
    const uint32_t *atom_refs;        /* rule << 2 | clause */
    const void *db, *kw_db;           /* serialised databases (kw_db may be empty) */
    size_t db_len, kw_len;
} rdx_plan;

/* Append p's bytes to out. */
void rdx_plan_encode(const rdx_plan *p, rdx_strbuf *out);

/* The plan in bytes[0..len) for n_rules rules, arrays copied into a (the
 * databases point into bytes).  0, or -1 and a reason in *why. */
int rdx_plan_decode(const void *bytes, size_t len, size_t n_rules, rdx_arena *a, rdx_plan *p,
                    const char **why);

#endif
