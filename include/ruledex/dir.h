/*
 * dir.h — one directory's entries, listed the way every walk in ruledex
 * lists them (rule directories in the front-end registry, event
 * directories in the CLI, the rule-set snapshot's key): hidden entries
 * (a leading '.') skipped, the rest sorted by strcmp, so a walk's order,
 * and everything that follows from it, is the same on every file system.
 *
 *     size_t n;
 *     char **names = rdx_dir_names("rules", -1, 1, &n, d);   // "rules/a.yml", ...
 *     if (!names) ...                                        // d says why
 *     for (size_t i = 0; i < n; i++) ... names[i] ...
 *     rdx_dir_names_free(names, n);
 */
#ifndef RULEDEX_DIR_H
#define RULEDEX_DIR_H

#include <stddef.h>

#include "diag.h"

/* The entries of directory path, or of the open directory descriptor dfd
 * when dfd >= 0 (dfd is left open and its position unused: the listing
 * reads a duplicate).  With paths set each entry is "path/name", one '/'
 * between even when path ends in '/'; otherwise the bare name.  Returns a
 * malloc'ed array of malloc'ed strings (possibly empty, never NULL on
 * success), or NULL when the directory cannot be read, with an error in d
 * (category io, at path: "cannot open directory: REASON") when d is set. */
char **rdx_dir_names(const char *path, int dfd, int paths, size_t *n, rdx_diags *d);

/* Free what rdx_dir_names returned: each of the n strings and the array. */
void rdx_dir_names_free(char **names, size_t n);

#endif
