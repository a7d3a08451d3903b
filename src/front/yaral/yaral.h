/*
 * yaral.h — the YARA-L 2.0 reader's entry point for tests and fuzzing (the
 * front-end itself is reached through the registry, frontend.h).
 */
#ifndef RDX_FRONT_YARAL_H
#define RDX_FRONT_YARAL_H

#include <stddef.h>

#include "ruledex/diag.h"
#include "ruledex/rule.h"

/* The rules of one YARA-L file's text (need not be NUL-terminated): the
 * rules added; problems are diagnostics, a rule that does not parse is
 * kept with its body as one opaque stage. */
int rdx_yaral_load_buffer(rdx_ruleset *rs, const char *path, const char *text, size_t len, rdx_diags *d);

#endif
