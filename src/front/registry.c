/*
 * registry.c — the table of rule front-ends, and loading `[LANG:]PATH`
 * through it (see frontend.h).
 *
 * The directory walk lives here, not in a front-end, so every language
 * walks the same way: sorted, recursive, at most 64 levels deep, hidden
 * entries skipped, and only files with an extension some front-end lists
 * are opened.  A file's first bytes are read only when two front-ends
 * share its extension and detect() has to choose.
 *
 * Rule packs come from anywhere, so the walk trusts nothing it finds:
 *   - each directory is walked once (device and inode); one that leads
 *     back to a directory the walk is inside (a symbolic link loop) is
 *     reported and not entered: no infinite or exponential walk;
 *   - inside a directory only regular files are read: a FIFO, socket or
 *     device named *.yml is reported and skipped (opening a FIFO would
 *     wait for a writer for ever); a file named on the command line is
 *     read whatever it is, so `-r <(curl ...)` works;
 *   - a file is read once per rule set, however it is reached (two -r that
 *     overlap, a link to it): files are known by device and inode.
 */
#include "ruledex/dir.h"
#include "ruledex/frontend.h"
#include "rule/rule_internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define MAX_DEPTH 64
/* What detect() sees of a file: enough that a YAML rule's top-level keys
 * (Sigma's detection:/logsource:, Splunk's search:) are in it even after a
 * long description — with 512 bytes a Sigma rule about Splunk was claimed
 * by the Splunk reader and loaded as nothing. */
#define HEAD_BYTES 16384

/* ---- the table: one line per language ----------------------------------- */

#define FRONTENDS(X) \
    X(sigma) \
    X(splunk) \
    X(kusto) \
    X(elastic) \
    X(yaral)

#define DECLARE(lang) extern const rdx_frontend rdx_frontend_##lang;
FRONTENDS(DECLARE)
#define ENTRY(lang) &rdx_frontend_##lang,
static const rdx_frontend *const registry[] = {FRONTENDS(ENTRY)};
#define N_FRONTENDS (sizeof registry / sizeof *registry)

const rdx_frontend *const *rdx_frontends(size_t *n) {
    if (n) *n = N_FRONTENDS;
    return registry;
}

/* Corpus labels that name a language by its vendor: `-r chronicle:DIR`. */
static const char *const aliases[][2] = {
    {"chronicle", "yaral"},
};

const rdx_frontend *rdx_frontend_find(const char *name) {
    for (size_t i = 0; name && i < sizeof aliases / sizeof *aliases; i++)
        if (!strcmp(aliases[i][0], name)) name = aliases[i][1];
    for (size_t i = 0; name && i < N_FRONTENDS; i++)
        if (!strcmp(registry[i]->name, name)) return registry[i];
    return NULL;
}

const rdx_frontend *rdx_frontend_detect(const char *path, const void *head, size_t len) {
    const rdx_frontend *best = NULL;
    int best_score = 0;
    for (size_t i = 0; i < N_FRONTENDS; i++) {
        int s = registry[i]->detect(path, head, len);
        if (s > best_score) best = registry[i], best_score = s;
    }
    return best;
}

/* ---- specs ------------------------------------------------------------ */

static int is_lang_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

int rdx_frontend_split(const char *spec, char *lang, size_t size, const char **path) {
    *path = spec;
    size_t n = 0;
    if (!(spec[0] >= 'a' && spec[0] <= 'z')) return 0;
    while (is_lang_char(spec[n])) n++;
    if (spec[n] != ':') return 0;
    if (n == 1 && (spec[2] == '/' || spec[2] == '\\')) return 0;   /* c:\ — a drive */
    struct stat st;
    if (stat(spec, &st) == 0) return 0;   /* an existing path that holds a ':' */
    if (size) {
        size_t k = n < size - 1 ? n : size - 1;
        memcpy(lang, spec, k);
        lang[k] = 0;
    }
    *path = spec + n + 1;
    return 1;
}

/* "sigma" or "sigma, spl, kql": for the unknown-language error. */
static void known_names(char *buf, size_t size) {
    size_t used = 0;
    buf[0] = 0;
    for (size_t i = 0; i < N_FRONTENDS && used < size; i++) {
        int k = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", registry[i]->name);
        if (k < 0) break;
        used += (size_t)k;
    }
}

/* ---- files and directories -------------------------------------------- */

static int has_ext(const rdx_frontend *f, const char *path) {
    size_t n = strlen(path);
    for (const char *const *e = f->extensions; e && *e; e++) {
        size_t k = strlen(*e);
        if (n > k && !strcasecmp(path + n - k, *e)) return 1;
    }
    return 0;
}

/* The front-end a file goes to: the forced one (if it takes files with this
 * extension, or the file was named explicitly), else the one detect()
 * prefers among those listing the extension, else for a named file the
 * default.  NULL: skip the file. */
static const rdx_frontend *choose(const rdx_frontend *forced, const char *path, int named,
                                  int can_peek) {
    if (forced) return named || has_ext(forced, path) ? forced : NULL;
    const rdx_frontend *cand[N_FRONTENDS];
    size_t nc = 0;
    for (size_t i = 0; i < N_FRONTENDS; i++)
        if (has_ext(registry[i], path)) cand[nc++] = registry[i];
    /* One candidate is trusted blindly only when it is Sigma (every .yml
     * was Sigma's before there were other languages); a language that
     * shares a common extension (.md, .txt) must recognise the file. */
    if (nc == 1 && cand[0] == registry[0]) return cand[0];
    const rdx_frontend *best = NULL;
    /* A pipe is read once: its first bytes cannot be looked at first. */
    if ((nc >= 1 || named) && !can_peek) return nc ? cand[0] : named ? registry[0] : NULL;
    if (nc >= 1 || named) {
        char head[HEAD_BYTES];
        size_t len = 0;
        FILE *f = fopen(path, "rb");
        if (f) {
            len = fread(head, 1, sizeof head, f);
            fclose(f);
        }
        best = rdx_frontend_detect(path, head, len);
    }
    return best ? best : named ? registry[0] : NULL;
}

/* The directories the walk is inside, innermost first. */
typedef struct walk_dir {
    dev_t dev;
    ino_t ino;
    const char *path;
    const struct walk_dir *up;
} walk_dir;

static const char *file_kind(mode_t m) {
    return S_ISFIFO(m) ? "a FIFO" : S_ISSOCK(m) ? "a socket" : S_ISCHR(m) ? "a character device"
         : S_ISBLK(m) ? "a block device" : "not a regular file";
}

/* Read one file with front-end f, unless this rule set has read it. */
static int load_file(rdx_ruleset *rs, const rdx_frontend *f, const char *path, const struct stat *st,
                     const rdx_load_opts *opts, rdx_diags *d) {
    if (!rdx_ruleset_note_file(rs, (unsigned long long)st->st_dev, (unsigned long long)st->st_ino))
        return 0;   /* reached before: read once */
    return f->load(rs, path, opts, d);
}

static int load_dir(rdx_ruleset *rs, const rdx_frontend *forced, const char *dir,
                    const rdx_load_opts *opts, rdx_diags *d, int depth, const walk_dir *up) {
    if (depth > MAX_DEPTH) {
        rdx_diag_add(d, RDX_SEV_ERROR, "limit", dir, 0, 0, "directories nested deeper than 64");
        return 0;
    }
    size_t n = 0;
    char **names = rdx_dir_names(dir, -1, 1, &n, d);
    if (!names) return -1;
    int total = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        const rdx_frontend *f;
        int k = 0;
        errno = 0;
        int ok = stat(names[i], &st) == 0, err = errno;
        if (ok && S_ISDIR(st.st_mode)) {
            const walk_dir *a = up;
            while (a && !(a->dev == st.st_dev && a->ino == st.st_ino)) a = a->up;
            if (a) {
                rdx_diag_add(d, RDX_SEV_WARNING, "io", names[i], 0, 0,
                             "symbolic link loop: leads back to %s; not followed", a->path);
            } else if (rdx_ruleset_note_file(rs, (unsigned long long)st.st_dev,
                                             (unsigned long long)st.st_ino)) {
                /* each directory once: links that reach it again add nothing */
                walk_dir here = {st.st_dev, st.st_ino, names[i], up};
                k = load_dir(rs, forced, names[i], opts, d, depth + 1, &here);
            }
        } else if (!ok || !S_ISREG(st.st_mode)) {
            /* only what a front-end would read is worth a word */
            if (!choose(forced, names[i], 0, 0)) {
            } else if (!ok) {
                rdx_diag_add(d, RDX_SEV_ERROR, "io", names[i], 0, 0, "cannot open: %s", strerror(err));
                rs->files_failed++;
            } else {
                rdx_diag_add(d, RDX_SEV_WARNING, "io", names[i], 0, 0, "%s, not a regular file; skipped",
                             file_kind(st.st_mode));
            }
        } else if ((f = choose(forced, names[i], 0, 1)) != NULL) {
            k = load_file(rs, f, names[i], &st, opts, d);
        }
        if (k > 0) total += k;
        free(names[i]);
    }
    free(names);
    return total;
}

/* The front-end a spec forces (opts->lang, else its prefix); *path gets the
 * path.  Returns 0 on an unknown language (reported). */
static int forced_frontend(const char *spec, const rdx_load_opts *opts, const rdx_frontend **out,
                           const char **path, rdx_diags *d) {
    char lang[64];
    const char *want = opts && opts->lang ? opts->lang : NULL;
    *path = spec;
    if (!want && rdx_frontend_split(spec, lang, sizeof lang, path)) want = lang;
    *out = want ? rdx_frontend_find(want) : NULL;
    if (want && !*out) {
        char known[256];
        known_names(known, sizeof known);
        rdx_diag_add(d, RDX_SEV_ERROR, "usage", spec, 0, 0,
                     "unknown rule language '%s' (known: %s)", want, known);
        return 0;
    }
    return 1;
}

int rdx_load_rules_path(rdx_ruleset *rs, const char *spec, const rdx_load_opts *opts,
                        rdx_diags *d) {
    const rdx_frontend *forced;
    const char *path;
    if (!forced_frontend(spec, opts, &forced, &path, d)) {
        rs->files_failed++;
        return -1;
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        rdx_diag_add(d, RDX_SEV_ERROR, "io", path, 0, 0, "cannot open: %s", strerror(errno));
        rs->files_failed++;
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        if (!rdx_ruleset_note_file(rs, (unsigned long long)st.st_dev, (unsigned long long)st.st_ino))
            return 0;   /* walked already: every file in it is read */
        walk_dir top = {st.st_dev, st.st_ino, path, NULL};
        return load_dir(rs, forced, path, opts, d, 0, &top);
    }
    return load_file(rs, choose(forced, path, 1, S_ISREG(st.st_mode)), path, &st, opts, d);
}
