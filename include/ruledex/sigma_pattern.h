/*
 * sigma_pattern.h — Sigma's string notation and its value modifiers, on
 * top of the neutral patterns of pattern.h.
 *
 * A Sigma string value is not plain text: `*` and `?` are wildcards, `\`
 * escapes them, and with |expand `%name%` is a placeholder.  So a value is
 * parsed once into a pattern:
 *
 *     'C:\Windows\\*\cmd.exe'  →  LIT "C:\Windows\"  STAR  LIT "\cmd.exe"
 *
 * and every modifier is a function from patterns to patterns.  `contains`
 * puts a STAR at each end; `windash` turns one pattern into the 5^n
 * variants of its parameter dashes; `base64offset` turns one into three;
 * `wide` re-encodes the literal bytes as UTF-16LE.
 *
 * Escapes (Sigma spec, "Escape Character"):  `\*` `\?` are literal; `\\`
 * before a wildcard or another backslash is one backslash; a backslash
 * before anything else is itself.  With |expand, `\%` is a literal percent.
 *
 * Only the Sigma front-end parses with this; the catalog and renderers
 * include it to *show* patterns, because Sigma is the notation the catalog
 * speaks whatever language a rule was written in.  Everything allocates in
 * the arena it is given; functions that can reject a value return 0 and
 * write a reason into err (a static string).
 */
#ifndef RULEDEX_SIGMA_PATTERN_H
#define RULEDEX_SIGMA_PATTERN_H

#include <stddef.h>
#include "arena.h"
#include "pattern.h"

/* Parse a Sigma string value.  placeholders != 0 recognises %name% (for
 * |expand).  Adjacent STARs are merged; empty literals dropped. */
rdx_pattern rdx_pattern_parse(rdx_arena *a, const char *text, size_t len, int placeholders);

/* Render back to Sigma syntax (escaping * ? \ as needed), NUL-terminated.
 * Placeholder syntax (\% escapes) is used iff p has placeholders, so
 * parse(render(p), rdx_pattern_has_placeholders(p)) equals p. */
char *rdx_pattern_to_sigma(rdx_arena *a, const rdx_pattern *p);
/* The same for an explicit syntax: parse(render_ex(p, ph), ph) equals p for
 * every p that parse(_, ph) can produce.  *len (if non-NULL) gets the length,
 * which matters when a literal holds NUL bytes. */
char *rdx_pattern_to_sigma_ex(rdx_arena *a, const rdx_pattern *p, int placeholders,
                              size_t *len);

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


#endif
