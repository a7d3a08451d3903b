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

/* A file by identity (device, inode): the same file reached twice — two
 * -r that overlap, a link — is read once. */
typedef struct rdx_file_id {
    unsigned long long dev, ino;
} rdx_file_id;

struct rdx_ruleset_priv {
    size_t cap_rules, cap_filters;
    void **regexes;              /* pcre2_code_8 *, freed with the set */
    size_t n_regexes, cap_regexes;
    rdx_file_id *files;          /* rule files read and directories walked: an open-addressing set */
    size_t n_files, cap_files;   /* cap_files: 0 or a power of two */
};

/* Add a file (or a directory walked) to the set; 0 when it was there. */
int rdx_ruleset_note_file(rdx_ruleset *rs, unsigned long long dev, unsigned long long ino);

#endif
