/*
 * read.h — a rule file read whole for a front-end (internal to src/front).
 *
 * Every reader of a non-Sigma language takes its file as one buffer; this
 * is the one place that reads it, with the same size limit and messages:
 *
 *     size_t len;
 *     char *text = rdx_front_read(rs, path, 4 << 20, &len, d);
 *     if (!text) return -1;          // reported; rs->files_failed counted
 *     int n = load_buffer(rs, path, text, len, d);
 *     free(text);
 */
#ifndef RDX_FRONT_READ_H
#define RDX_FRONT_READ_H

#include <stddef.h>
#include "ruledex/diag.h"
#include "ruledex/rule.h"

/* The whole file (at most max bytes), malloc'ed and NUL-terminated, or
 * NULL after an "io" or "limit" error at path (rs->files_failed is then
 * counted). */
char *rdx_front_read(rdx_ruleset *rs, const char *path, size_t max, size_t *len, rdx_diags *d);

#endif
