/*
 * escape.h — text from evidence and rule packs, made safe for the person
 * who reads it.
 *
 * Event values (command lines, user and computer names, script blocks) are
 * written by an attacker; rule metadata comes from a third party.  Printed
 * raw, an escape sequence in a command line can erase or rewrite the
 * detection it is part of, set the window title or write the clipboard; a
 * NUL hides what follows it from C tools; a cell starting with '=' is a
 * formula to a spreadsheet; '<' and '[' are markup to a wiki.  Everything
 * ruledex prints for a person goes through one of these:
 *
 *     rdx_esc_text(b, s, n, 0)     terminal text: the table, show pages,
 *                                  lint, summaries, error messages
 *     rdx_esc_csv_cell(b, s, n)    one CSV cell (RFC 4180, OWASP)
 *     rdx_esc_markdown(b, s, n, 0) inline Markdown text
 *     rdx_esc_html(b, s, n)        HTML text and attribute values
 *
 * What every form shows visibly instead of raw (docs/LIMITS.md):
 *   NUL                        \0
 *   other C0 controls, DEL     \xNN (ESC is \x1b); \n \t \r as such unless
 *                              the flags keep line breaks / tabs
 *   C1 controls U+0080-U+009F  \u0080 ... \u009f
 *   bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069,
 *   U+200E, U+200F, U+061C), line and paragraph separators (U+2028,
 *   U+2029)                    \u202e ...
 *   bytes that are not UTF-8   \xNN, one per byte
 * Everything else, backslashes included, is shown as it is, so Windows
 * paths stay readable.  JSON output needs none of this: its strings are
 * escaped by the JSON writer (json.h).
 */
#ifndef RULEDEX_ESCAPE_H
#define RULEDEX_ESCAPE_H

#include <stddef.h>
#include "strbuf.h"

#define RDX_ESC_NEWLINES 0x1u   /* keep \n as a line break (descriptions, rule bodies) */
#define RDX_ESC_TABS 0x2u       /* keep \t as a tab */

/* Terminal text. */
void rdx_esc_text(rdx_strbuf *b, const char *s, size_t n, unsigned flags);
/* The same for a C string; NULL appends nothing. */
void rdx_esc_texts(rdx_strbuf *b, const char *s, unsigned flags);
/* 1 when rdx_esc_text would change s. */
int rdx_esc_needed(const char *s, size_t n, unsigned flags);

/* One CSV cell, as the OWASP CSV-injection guidance says: the text made
 * visible as above (line breaks too), a cell that starts with = + - @ tab
 * or CR gets a leading ' so no spreadsheet evaluates it, and a cell with
 * , " CR LF or a leading ' is quoted with its quotes doubled (RFC 4180). */
void rdx_esc_csv_cell(rdx_strbuf *b, const char *s, size_t n);

/* Inline Markdown: the text made visible as above, and every character
 * that Markdown or inline HTML would interpret (\ ` * _ [ ] < > & | ~ and,
 * at the start of a line, # + - = . ) after digits) backslash-escaped, so
 * rule metadata can neither format nor link nor inject HTML.  With
 * RDX_ESC_NEWLINES line breaks are kept (each line escaped as a line
 * start); otherwise they are shown as \n. */
void rdx_esc_markdown(rdx_strbuf *b, const char *s, size_t n, unsigned flags);

/* HTML text or a double- or single-quoted attribute value: & < > " '
 * as entities, the rest as rdx_esc_text with line breaks and tabs kept. */
void rdx_esc_html(rdx_strbuf *b, const char *s, size_t n);

/* The longest run of c in s (Markdown fences must be longer than any run
 * of backticks in what they fence). */
size_t rdx_longest_run(const char *s, size_t n, char c);

/* 1 when s is an http:// or https:// URL without blanks or controls: the
 * only links pages make from rule metadata. */
int rdx_is_web_url(const char *s);

#endif
