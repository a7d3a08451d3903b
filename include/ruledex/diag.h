/*
 * diag.h — errors as values.
 *
 * The library never prints and never exits. Every function that can fail on
 * bad input appends an rdx_diag to an rdx_diags list that the caller owns,
 * and carries on with the next unit of input where it can.  A diagnostic
 * says where (file, line and column, or a byte offset for binary input),
 * how bad (warning or error) and why, in a sentence meant for a person:
 *
 *     rules/x.yml:12:9: error: unknown modifier 'containz'
 *
 * The CLI decides how to show them; tests assert on them.
 */
#ifndef RULEDEX_DIAG_H
#define RULEDEX_DIAG_H

#include <stddef.h>
#include <stdint.h>

typedef enum rdx_severity {
    RDX_SEV_NOTE = 0,
    RDX_SEV_WARNING = 1,
    RDX_SEV_ERROR = 2
} rdx_severity;

typedef struct rdx_diag {
    char *file;          /* owned; NULL when the input has no name */
    uint32_t line;       /* 1-based; 0 when unknown or not meaningful */
    uint32_t column;     /* 1-based; 0 when unknown */
    uint64_t offset;     /* byte offset for binary input; UINT64_MAX when unused */
    rdx_severity severity;
    char *category;      /* owned short tag: "yaml", "condition", "modifier",
                            "json", "limit", ... used for summaries */
    char *message;       /* owned */
} rdx_diag;

typedef struct rdx_diags {
    rdx_diag *items;
    size_t count, cap;
    size_t errors, warnings;
} rdx_diags;

void rdx_diags_init(rdx_diags *d);
void rdx_diags_free(rdx_diags *d);
void rdx_diags_clear(rdx_diags *d);

/* Append a diagnostic; message is printf-formatted. Returns the new entry. */
rdx_diag *rdx_diag_add(rdx_diags *d, rdx_severity sev, const char *category,
                       const char *file, uint32_t line, uint32_t column,
                       const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* Drop (and free) the entries from index count on; the error and warning
 * counts follow.  For callers that keep only the first N of a flood. */
void rdx_diags_truncate(rdx_diags *d, size_t count);

/* Move every entry of src to the end of dst; src is left empty. */
void rdx_diags_move(rdx_diags *dst, rdx_diags *src);

/* Format "file:line:col: severity: message" into buf (always NUL-terminated).
 * Returns the length it wanted to write, like snprintf. */
int rdx_diag_format(const rdx_diag *d, char *buf, size_t size);

const char *rdx_severity_name(rdx_severity s);

#endif
