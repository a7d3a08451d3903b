/*
 * frontend.h — rule languages behind one interface.
 *
 * A front-end reads one rule language into the intermediate form
 * (rule.h).  It is a constant description, no state:
 *
 *     name         "sigma": what `-r sigma:rules/` names
 *     extensions   {".yml", ".yaml", NULL}: which files a directory walk
 *                  offers it (other files are never opened)
 *     detect       how sure it is that a file is its language (0..100),
 *                  from the path and the file's first bytes
 *     load         read one file into a rule set
 *
 * Every front-end is one line of the static table in src/front/registry.c
 * (Sigma today; SPL, KQL, YARA-L or Elastic add one line each), so there is
 * nothing to register at start-up and nothing global that changes.
 *
 * Loading a spec, `[LANG:]PATH`:
 *
 *     rdx_load_rules_path(rs, "rules/", NULL, d)          every file some
 *             front-end claims, each to the one whose detect() is surest
 *     rdx_load_rules_path(rs, "sigma:rules/", NULL, d)    only Sigma, only
 *             files with Sigma's extensions
 *     rdx_load_rules_path(rs, "kql:rules/", NULL, d)      an error naming
 *             the known languages, when no front-end is called "kql"
 *
 * Only `^[a-z][a-z0-9_-]*:` before the first '/' is a prefix, and only when
 * the whole spec is not an existing path; a one-letter prefix followed by
 * '/' or '\' is a drive letter, not a language.  So `rules/a:b/`,
 * `/tmp/x:y` and `C:\rules` are plain paths.  A directory is walked
 * recursively in sorted order (results never depend on the file system);
 * a file named on its own goes to the language named, else to the surest
 * detect(), else to the first front-end of the table (Sigma), as ruledex
 * always read an explicitly named file.
 */
#ifndef RULEDEX_FRONTEND_H
#define RULEDEX_FRONTEND_H

#include <stddef.h>
#include "diag.h"
#include "rule.h"

/* Options for loading; NULL means all defaults. */
typedef struct rdx_load_opts {
    const char *lang;    /* read with this front-end, and take the spec as
                            a plain path (no prefix); NULL: the spec's
                            prefix, else detect() */
} rdx_load_opts;

typedef struct rdx_frontend {
    const char *name;                   /* lower case, [a-z][a-z0-9_-]* */
    const char *description;            /* one line, for --help and errors */
    const char *const *extensions;      /* NULL-ended, with the dot */
    /* 0 = not mine, 100 = certainly mine.  head holds up to len first bytes
     * of the file (NULL/0 when the caller has not read it). */
    int (*detect)(const char *path, const void *head, size_t len);
    /* Read one file into rs.  Returns the rules added, or -1 when the file
     * could not be read at all; problems with single rules are diagnostics
     * in d (file, line, column), never a failure of the whole file. */
    int (*load)(rdx_ruleset *rs, const char *path, const rdx_load_opts *opts, rdx_diags *d);
} rdx_frontend;

/* The registered front-ends, in table order (the first is the default);
 * *n gets their number.  Static storage. */
const rdx_frontend *const *rdx_frontends(size_t *n);

/* By name (exact, lower case) or a corpus label that stands for one
 * ("chronicle" for "yaral"); NULL when none. */
const rdx_frontend *rdx_frontend_find(const char *name);

/* The front-end surest that this file is its language (the first on a
 * tie); NULL when every detect() says 0. */
const rdx_frontend *rdx_frontend_detect(const char *path, const void *head, size_t len);

/* Split "LANG:PATH" by the rule above: returns 1 and copies LANG into lang
 * (at most size-1 bytes) with *path after the colon, or returns 0 with
 * *path = spec.  Does not check that LANG is registered. */
int rdx_frontend_split(const char *spec, char *lang, size_t size, const char **path);

/* Load a file or a directory as described at the top.  Returns the rules
 * added, or -1 when spec names an unknown language or nothing could be
 * read; every problem is a diagnostic. */
int rdx_load_rules_path(rdx_ruleset *rs, const char *spec, const rdx_load_opts *opts,
                        rdx_diags *d);

#endif
