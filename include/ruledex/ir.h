/*
 * ir.h — the intermediate form of one rule as JSON, exactly as the engine
 * evaluates it.
 *
 * `ruledex show -f json` prints a rule's page: values as the author wrote
 * them and the condition as text.  What a reader *built* — the patterns a
 * value expanded to (wildcards, contains/windash/base64 expansions, the
 * unescaped bytes), the flags, and the resolved condition tree over stage
 * indices — is only here.  The languages round trip compares it across
 * readers (tests/oracle/languages/structure.py, docs/ORACLE.md
 * "Structure"); `ruledex lint -f ir` prints it for every rule loaded.
 *
 * One JSON object, no newline:
 *
 *   {"id":..., "lang":..., "file":..., "kind":"detection", "status":"ok",
 *    "stages":[{"name":..., "opaque":null|{"lang","reason"},
 *               "groups":[[PRED...]...]}...],
 *    "condition":COND}
 *   PRED  {"field":..., "written":..., "op":"equals", "flags":["cased",...],
 *          "timepart":N, "values":[{"kind":"string", "text":...,
 *                                   "patterns":[PAT...]}...]}
 *   PAT   a string: `*` any run, `?` one character, `%name%` a placeholder,
 *         and `\*` `\?` `\%` `\\` the literal characters; every other byte
 *         is itself (JSON-escaped)
 *   COND  {"stage":I} | {"and":[COND...]} | {"or":[...]} | {"not":COND}
 *         | {"one_of":[I...]} | {"all_of":[I...]} | true | null (none)
 *
 * Stage indices I are 0-based into "stages".  The output is stable: the
 * same rule always gives the same bytes.
 */
#ifndef RULEDEX_IR_H
#define RULEDEX_IR_H

#include "rule.h"
#include "strbuf.h"

/* Append rule r's intermediate form to out as one JSON object. */
void rdx_rule_ir_json(rdx_strbuf *out, const rdx_rule *r);

#endif
