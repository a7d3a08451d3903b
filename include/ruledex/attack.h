/*
 * attack.h — MITRE ATT&CK, read from MITRE's official STIX 2.1 bundle.
 *
 * Sigma rules name ATT&CK in their tags: `attack.t1218.011` (a technique),
 * `attack.defense_evasion` / `attack.stealth` (a tactic), `attack.g0016`
 * (a group), `attack.s0002` (software), `attack.c0024` (a campaign).  The
 * catalog turns those ids into names and, for techniques, into the tactics
 * ATT&CK itself files them under (T1218 → Defense Evasion), so a rule is
 * placed in the matrix even when its author named no tactic.
 *
 * The source of truth is enterprise-attack.json as MITRE publishes it
 * (github.com/mitre-attack/attack-stix-data): `{"type": "bundle",
 * "objects": [...]}` with x-mitre-tactic, x-mitre-matrix (the column
 * order), attack-pattern (techniques; kill_chain_phases give the tactics),
 * intrusion-set, malware, tool, campaign and `revoked-by` relationships.
 * Everything else in the bundle is skipped.
 *
 * Tactic names change between ATT&CK versions: v19 split Defense Evasion
 * (TA0005) into Stealth (TA0005) and Defense Impairment (TA0112), and old
 * Sigma rules spell tactics with underscores.  rdx_attack_tactic() accepts
 * any of those spellings: a shortname the bundle does not have is mapped
 * through a small built-in table of renames to the tactic id, and when the
 * bundle lacks even the id (a v19 tactic with a v18 bundle) a tactic is
 * synthesised from the table and marked `builtin`, so it still shows, by
 * name, in the right column.
 *
 * Ownership: everything lives in the rdx_attack and dies with
 * rdx_attack_free().  An rdx_attack is immutable after loading; threads may
 * share it.
 */
#ifndef RULEDEX_ATTACK_H
#define RULEDEX_ATTACK_H

#include <stddef.h>
#include "diag.h"

typedef enum rdx_attack_kind {
    RDX_ATTACK_TACTIC = 0,      /* TA0005 */
    RDX_ATTACK_TECHNIQUE,       /* T1218, T1218.011 */
    RDX_ATTACK_GROUP,           /* G0016 (intrusion-set) */
    RDX_ATTACK_SOFTWARE,        /* S0002 (malware or tool) */
    RDX_ATTACK_CAMPAIGN         /* C0024 */
} rdx_attack_kind;

typedef struct rdx_attack_obj rdx_attack_obj;
struct rdx_attack_obj {
    rdx_attack_kind kind;
    const char *id;               /* ATT&CK id, upper case: "T1218.011" */
    const char *name;             /* "Rundll32" */
    const char *shortname;        /* tactics: "defense-evasion"; else NULL */
    const char *url;              /* attack.mitre.org page, or NULL */
    const rdx_attack_obj **tactics;   /* techniques: their tactics, matrix order */
    size_t n_tactics;
    const rdx_attack_obj *parent; /* sub-techniques: the technique */
    const rdx_attack_obj *revoked_by; /* revoked objects: the replacement */
    int subtechnique;
    int deprecated;               /* x_mitre_deprecated */
    int revoked;                  /* revoked */
    int builtin;                  /* tactic not in the bundle, from the rename table */
    size_t order;                 /* tactics: matrix column (0-based) */
};

typedef struct rdx_attack rdx_attack;

/* Read a bundle.  NULL, with a diagnostic, when the file cannot be read or
 * is not a STIX bundle; objects it cannot use are skipped silently
 * (ATT&CK adds object types over time). */
rdx_attack *rdx_attack_load(const char *path, rdx_diags *d);
rdx_attack *rdx_attack_parse(const char *name, const char *text, size_t len, rdx_diags *d);
void rdx_attack_free(rdx_attack *a);

/* Where the bundle is looked for when no path is given, first that exists:
 * $RULEDEX_ATTACK, $RULEDEX_DATA/enterprise-attack.json,
 * /usr/local/share/ruledex/enterprise-attack.json,
 * /usr/share/ruledex/enterprise-attack.json, ./data/enterprise-attack.json.
 * Returns 1 and the path in buf, or 0 (buf "") when none exists. */
int rdx_attack_default_path(char *buf, size_t size);

/* An object by ATT&CK id (case-insensitive: "t1218.011" works).  A live
 * object wins over a revoked or deprecated one with the same id. */
const rdx_attack_obj *rdx_attack_find(const rdx_attack *a, const char *id);

/* A tactic by shortname in any spelling Sigma uses: "defense-evasion",
 * "defense_evasion", "Defense Evasion", and renamed ones ("stealth" with a
 * v18 bundle gives TA0005).  *renamed (if non-NULL) is set when the name
 * was mapped through the rename table.  NULL when unknown. */
const rdx_attack_obj *rdx_attack_tactic(const rdx_attack *a, const char *name, int *renamed);

/* Tactics in matrix order (synthesised ones included); techniques sorted
 * by id (sub-techniques after their parent). */
size_t rdx_attack_tactics(const rdx_attack *a, const rdx_attack_obj *const **out);
size_t rdx_attack_techniques(const rdx_attack *a, const rdx_attack_obj *const **out);

/* The ATT&CK release ("18.1") when the bundle says (x-mitre-collection),
 * else NULL.  The file name the bundle was read from. */
const char *rdx_attack_version(const rdx_attack *a);
const char *rdx_attack_source(const rdx_attack *a);

const char *rdx_attack_kind_name(rdx_attack_kind k);   /* "tactic", "technique", ... */

#endif
