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
    const char **regex_src;      /* per code: the pattern it was compiled from
                                    (arena), so a snapshot can recompile it */
    unsigned *regex_flags;       /* per code: its RDX_PF_RE_* flags */
    size_t n_regexes, cap_regexes;
    void (*snapshot_release)(void *);  /* a cached set's strings point into */
    void *snapshot_handle;       /* snapshot bytes (src/cache/snapshot.c):
                                    released with the set */
    unsigned char identity[16];  /* rdx_snapshot_identify: a digest of the
                                    snapshot key that names this content */
    int has_identity;
    rdx_file_id *files;          /* rule files read and directories walked: an open-addressing set */
    size_t n_files, cap_files;   /* cap_files: 0 or a power of two */
};

/* Record a compiled regex (freed with the set) with the source and the
 * RDX_PF_RE_* flags it was compiled from (build.c). */
void rdx_ruleset_track_regex(struct rdx_ruleset *rs, void *code, const char *src, unsigned flags);
/* pcre2_compile as the builder does it (UTF, invalid UTF matched, the
 * RDX_PF_RE_* flags; no JIT: see rdx_relinear_code); NULL with the PCRE2
 * error code and offset on a bad pattern. */
void *rdx_ruleset_compile_regex(const char *re, unsigned flags, int *err, size_t *off);

/* Add a file (or a directory walked) to the set; 0 when it was there. */
int rdx_ruleset_note_file(rdx_ruleset *rs, unsigned long long dev, unsigned long long ino);

#endif
