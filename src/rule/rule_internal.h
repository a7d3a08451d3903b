/*
 * rule_internal.h — the rule set's private bookkeeping.
 *
 * Readers of a rule set see rules/n_rules and filters/n_filters; how much
 * room those arrays have, and which PCRE2 codes must be freed with the set,
 * is the builder's business (build.c) and the destructor's (rule.c).
 */
#ifndef RDX_RULE_INTERNAL_H
#define RDX_RULE_INTERNAL_H

#include <stddef.h>

struct rdx_ruleset_priv {
    size_t cap_rules, cap_filters;
    void **regexes;              /* pcre2_code_8 *, freed with the set */
    size_t n_regexes, cap_regexes;
};

#endif
