/*
 * fieldnorm.h — native field names into the Sigma taxonomy, as data
 * (data/fields.yml), for every rule language that is not Sigma.
 *
 * The contract with the readers (Splunk, KQL, YARA-L, Elastic): a reader
 * sets both `field` and `field_written` of a predicate to the name as the
 * rule writes it ("Processes.process", "ProcessCommandLine",
 * "principal.process.command_line", "process.command_line") and sets the
 * rule's lang to its front-end's name.  After loading, one pass
 *
 *     rdx_fieldnorm *m = rdx_fieldnorm_load(rdx_fieldnorm_default_path(buf, sizeof buf), d);
 *     rdx_ruleset_normalise_fields(rs, m, d);      // before matching/cataloguing
 *     rdx_fieldnorm_free(m);
 *
 * rewrites `field` (never field_written) of every rule whose lang is not
 * "sigma":
 *
 *     kusto  ProcessCommandLine contains "iex"  →  CommandLine contains "iex"
 *     kusto  FileName =~ "rundll32.exe"         →  Image endswith "\rundll32.exe"
 *            (the entry says `basename: true`: the native field holds a file
 *             name where Sigma's holds a path, so equals becomes endswith on
 *             '\' + name, startswith becomes contains, and patterns gain a
 *             leading "*\")
 *     kusto  SomeColumn has "x"                 →  kusto:SomeColumn has "x"
 *            (unmapped: prefixed with the language, so it never meets a
 *             Sigma field by accident; rdx_fieldnorm_unmapped lists them)
 *
 * The file:
 *
 *     aliases:            {yaral: chronicle}      # lang → section
 *     kusto:
 *       ProcessCommandLine: CommandLine
 *       FileName: {field: Image, basename: true}
 *       DeviceFileEvents.FileName: {field: TargetFilename, basename: true}
 *
 * A key "NATIVE.field" (NATIVE: the rule's first native selector value,
 * e.g. a KQL table) is preferred to "field".  Lookups are exact.  Two
 * pattern forms: a prefix entry `PREFIX*: "*"` (PREFIX.Name is Name) and a
 * suffix entry `"*SUFFIX": {field: "*", caseless: true}` (Name.SUFFIX is
 * Name as the other entries map it); `caseless: true` on any entry clears
 * RDX_PF_CASED of its predicates and compiles their regexes caseless:
 *
 *     elastic  process.name.caseless == "cmd.exe"
 *              →  Image endswith "\cmd.exe", ignoring case
 * Everything the pass writes lives in the rule set's arena.
 */
#ifndef RULEDEX_FIELDNORM_H
#define RULEDEX_FIELDNORM_H

#include <stddef.h>
#include "diag.h"
#include "rule.h"

typedef struct rdx_fieldnorm rdx_fieldnorm;

/* $RULEDEX_DATA/fields.yml, else PREFIX/share/ruledex/fields.yml when
 * installed (written into buf), else data/fields.yml. */
const char *rdx_fieldnorm_default_path(char *buf, size_t size);

/* Read a table; NULL with an error diagnostic (file:line:column). */
rdx_fieldnorm *rdx_fieldnorm_load(const char *path, rdx_diags *d);
rdx_fieldnorm *rdx_fieldnorm_parse(const char *file, const char *text, size_t len, rdx_diags *d);
void rdx_fieldnorm_free(rdx_fieldnorm *m);

/* The pass described above; m NULL: every native field is unmapped.
 * Returns the number of predicates left unmapped.  Run it once. */
size_t rdx_ruleset_normalise_fields(rdx_ruleset *rs, const rdx_fieldnorm *m, rdx_diags *d);

/* Unmapped fields after the pass: (lang, field as written, predicates),
 * most frequent first, then by name; *out is malloc'ed (free it), strings
 * point into the rule set. */
typedef struct rdx_unmapped {
    const char *lang;
    const char *field;
    size_t count;
} rdx_unmapped;
size_t rdx_fieldnorm_unmapped(const rdx_ruleset *rs, rdx_unmapped **out);

#endif
