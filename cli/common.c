/* common.c — shared CLI helpers (see common.h). */
#define _GNU_SOURCE 1
#include "common.h"

#include "ruledex/attack.h"
#include "ruledex/catalog.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- colour ------------------------------------------------------------ */

cli_colors cli_colors_for(FILE *f, const char *mode) {
    int on;
    if (mode && !strcmp(mode, "always")) on = 1;
    else if (mode && !strcmp(mode, "never")) on = 0;
    else {
        const char *term = getenv("TERM");
        on = isatty(fileno(f)) && !getenv("NO_COLOR") && !(term && !strcmp(term, "dumb"));
    }
    cli_colors c = {on, "", "", "", "", "", "", "", ""};
    if (on) {
        c.reset = "\033[0m";
        c.bold = "\033[1m";
        c.dim = "\033[2m";
        c.red = "\033[31m";
        c.yellow = "\033[33m";
        c.green = "\033[32m";
        c.cyan = "\033[36m";
        c.magenta = "\033[35m";
    }
    return c;
}

int cli_check_color(const char *cmd, const char *mode) {
    if (!strcmp(mode, "auto") || !strcmp(mode, "always") || !strcmp(mode, "never")) return 0;
    fprintf(stderr, "ruledex %s: --color takes auto, always or never, not '%s'\n", cmd, cli_esc(mode));
    return -1;
}

int cli_check_statuses(const char *cmd, const char *list) {
    static const char *const known[] = {"stable", "test", "experimental", "deprecated", "unsupported"};
    for (const char *p = list;;) {
        size_t n = strcspn(p, ",");
        size_t k = 0;
        while (k < sizeof known / sizeof *known && !(strlen(known[k]) == n && !strncasecmp(p, known[k], n))) k++;
        if (k == sizeof known / sizeof *known) {
            fprintf(stderr, "ruledex %s: unknown status '%.*s' in --status (stable, test, experimental, "
                            "deprecated, unsupported)\n", cmd, (int)n, cli_esc(p));
            return -1;
        }
        if (!p[n]) return 0;
        p += n + 1;
    }
}

const char *cli_level_color(const cli_colors *c, rdx_level l) {
    switch (l) {
    case RDX_LEVEL_CRITICAL: return c->magenta;
    case RDX_LEVEL_HIGH: return c->red;
    case RDX_LEVEL_MEDIUM: return c->yellow;
    case RDX_LEVEL_LOW: return c->green;
    default: return c->dim;
    }
}

size_t cli_print_diags(FILE *f, const rdx_diags *d, const cli_colors *c, int errors_only,
                       size_t max) {
    size_t shown = 0, hidden = 0;
    for (size_t i = 0; i < d->count; i++) {
        const rdx_diag *g = &d->items[i];
        if (errors_only && g->severity != RDX_SEV_ERROR) continue;
        if (max && shown == max) {
            hidden++;
            continue;
        }
        char buf[4096];
        rdx_diag_format(g, buf, sizeof buf);
        const char *col = g->severity == RDX_SEV_ERROR ? c->red
                        : g->severity == RDX_SEV_WARNING ? c->yellow : c->dim;
        fprintf(f, "%s%s%s\n", col, cli_esc(buf), c->reset);
        shown++;
    }
    if (hidden) fprintf(f, "... and %zu more (use --verbose to see all)\n", hidden);
    return d->errors;
}

/* ---- untrusted text ---------------------------------------------------- */

const char *cli_esc(const char *s) {
    static rdx_strbuf bufs[8];
    static unsigned k;
    rdx_strbuf *b = &bufs[k++ & 7];
    rdx_strbuf_clear(b);
    rdx_esc_texts(b, s ? s : "", 0);
    return b->data ? b->data : "";
}

/* ---- rules ------------------------------------------------------------- */

rdx_ruleset *cli_load_rules(const cli_rules *opt, rdx_diags *d) {
    rdx_ruleset *rs = rdx_ruleset_new();
    if (opt->placeholders) {
        rs->placeholders = rdx_placeholders_load(opt->placeholders, d);
        if (!rs->placeholders) {
            rdx_ruleset_free(rs);
            return NULL;
        }
    }
    for (size_t i = 0; i < opt->n_paths; i++) rdx_load_rules_path(rs, opt->paths[i], NULL, d);
    rdx_ruleset_apply_filters(rs, d);
    rdx_ruleset_resolve_correlations(rs, d);
    cli_normalise_fields(rs, d);
    return rs;
}

rdx_ruleset *cli_load_rules_cached(const cli_rules *opt, rdx_blob_cache *bc, rdx_diags *d,
                                   rdx_diags *notes) {
    if (!bc) return cli_load_rules(opt, d);
    char def[4096];
    const char *files[2] = {
        opt->placeholders,
        cli_data_path(rdx_fieldnorm_default_path(def, sizeof def), "fields.yml"),
    };
    rdx_strbuf key = RDX_STRBUF_INIT;
    if (rdx_snapshot_key(opt->paths, opt->n_paths, files, 2, &key) != 0) {
        rdx_strbuf_free(&key);
        return cli_load_rules(opt, d);
    }
    rdx_blob_loan loan = {NULL, 0, free, NULL};
    int found;
    if (bc->lend) {
        found = bc->lend(bc->ctx, key.data, key.len, &loan, notes) == 0;
    } else {
        loan.handle = bc->get(bc->ctx, key.data, key.len, &loan.len, notes);
        loan.data = loan.handle;
        found = loan.data != NULL;
    }
    const char *why = NULL;
    rdx_ruleset *rs = found ? rdx_snapshot_decode_flags(&loan, RDX_SNAPSHOT_NO_DOCUMENTS, d, &why)
                            : NULL;
    if (found && !rs)
        rdx_diag_add(notes, RDX_SEV_NOTE, "cache", NULL, 0, 0,
                     "rule-set snapshot ignored (%s); rebuilding it", why);
    if (!rs) {
        size_t from = d->count;
        rs = cli_load_rules(opt, d);
        rdx_strbuf snap = RDX_STRBUF_INIT;
        if (rs && rdx_snapshot_encode_flags(rs, RDX_SNAPSHOT_NO_DOCUMENTS, d, from, &snap) == 0)
            bc->put(bc->ctx, key.data, key.len, snap.data, snap.len, notes);
        rdx_strbuf_free(&snap);
    }
    if (rs) rdx_snapshot_identify(rs, key.data, key.len);   /* keys the matcher's plan */
    rdx_strbuf_free(&key);
    return rs;
}

/* Native field names of SPL/KQL/YARA-L/Elastic rules into the Sigma
 * taxonomy (data/fields.yml, found like logsources.yml).  A missing table
 * leaves every native field unmapped (prefixed), which is still correct. */
void cli_normalise_fields(rdx_ruleset *rs, rdx_diags *d) {
    int native = 0;
    for (size_t i = 0; i < rs->n_rules && !native; i++)
        native = rs->rules[i]->lang && strcmp(rs->rules[i]->lang, "sigma");
    if (!native) return;
    char def[4096];
    const char *path = cli_data_path(rdx_fieldnorm_default_path(def, sizeof def), "fields.yml");
    rdx_fieldnorm *m = access(path, R_OK) == 0 ? rdx_fieldnorm_load(path, d) : NULL;
    rdx_ruleset_normalise_fields(rs, m, d);
    rdx_fieldnorm_free(m);
}

int cli_load_source(rdx_ruleset *rs, const char *arg, char *name, size_t size,
                    const char **path, rdx_diags *d) {
    rdx_catalog_parse_source(arg, "sigma", name, size, path);
    if (*path != arg && rdx_frontend_find(name)) {
        const rdx_load_opts lang = {.lang = name};
        return rdx_load_rules_path(rs, *path, &lang, d);
    }
    return rdx_load_rules_path(rs, *path, NULL, d);
}

void cli_load_sources(rdx_ruleset *rs, const char *const *args, size_t n, cli_sources *s,
                      rdx_diags *d) {
    s->n = n;
    for (size_t i = 0; i < n; i++) {
        s->first[i] = rs->n_rules;
        size_t errors = d->errors;
        if (cli_load_source(rs, args[i], s->names[i], sizeof s->names[i], &s->paths[i], d) < 0 &&
            d->errors == errors)
            rdx_diag_add(d, RDX_SEV_ERROR, "io", s->paths[i], 0, 0, "cannot read rules");
    }
    s->first[n] = rs->n_rules;
}

void cli_settle_rules(rdx_ruleset *rs, rdx_diags *d) {
    rdx_ruleset_apply_filters(rs, d);
    rdx_diags quiet;
    rdx_diags_init(&quiet);
    rdx_ruleset_resolve_correlations(rs, &quiet);
    rdx_diags_free(&quiet);
    cli_normalise_fields(rs, d);
}

/* ---- data files -------------------------------------------------------- */

const char *cli_logsources_path(const char *given) {
    if (given) return given;
    static char def_buf[4096];     /* the CLI is single-threaded here */
    return cli_data_path(rdx_logsources_default_path(def_buf, sizeof def_buf), "logsources.yml");
}

const char *cli_data_path(const char *def, const char *name) {
    static _Thread_local char buf[4096];
    if (access(def, R_OK) == 0) return def;
    char exe[2048];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return def;
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    if (!slash) return def;
    *slash = 0;
    static const char *const rel[] = {"../share/ruledex", "../data"};
    for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
        snprintf(buf, sizeof buf, "%s/%s/%s", exe, rel[i], name);
        if (access(buf, R_OK) == 0) return buf;
    }
    return def;
}

void cli_load_references(const char *attack, int no_attack, const char *logsources,
                         rdx_attack **attack_out, rdx_logsources **ls_out, rdx_diags *d) {
    char path[4096];
    if (attack) *attack_out = rdx_attack_load(attack, d);
    else if (!no_attack && rdx_attack_default_path(path, sizeof path)) *attack_out = rdx_attack_load(path, d);
    const char *lp = cli_logsources_path(logsources);
    if (logsources || access(lp, R_OK) == 0) *ls_out = rdx_logsources_load(lp, d);
}

/* ---- signals ----------------------------------------------------------- */

/* Temporary files to remove when SIGINT or SIGTERM ends the run.  Set and
 * cleared by the main thread only; read by the handler (unlink is
 * async-signal-safe). */
#define MAX_TEMPS 8
static char *volatile temps[MAX_TEMPS];
static volatile sig_atomic_t deferred, caught;

static void on_signal(int sig) {
    for (int i = 0; i < MAX_TEMPS; i++)
        if (temps[i]) unlink(temps[i]);
    if (deferred) {          /* the main thread cleans up and re-raises */
        caught = sig;
        return;
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

void cli_signals_install(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

static void temp_register(char *path, int on) {
    for (int i = 0; i < MAX_TEMPS; i++) {
        if (on && !temps[i]) {
            temps[i] = path;
            return;
        }
        if (!on && temps[i] == path) {
            temps[i] = NULL;
            return;
        }
    }
}

void cli_signals_defer(int on) { deferred = on; }
int cli_interrupted(void) { return caught; }

void cli_signals_reraise(void) {
    if (!caught) return;
    signal(caught, SIG_DFL);
    raise(caught);
}

/* ---- output ------------------------------------------------------------ */

/* Writes go through write(2) behind stdio's buffer, so that every error is
 * seen with its errno, and so that a test can make the disk "full": with
 * RDX_FAULT_WRITE_LIMIT=N in the environment, writing to an --output file
 * fails with ENOSPC once N bytes have been written (tests only; no
 * LD_PRELOAD needed). */
static ssize_t out_cookie_write(void *cookie, const char *buf, size_t n) {
    cli_output *o = cookie;
    size_t done = 0;
    while (done < n) {
        size_t want = n - done;
        if (o->limit != UINT64_MAX) {
            if (o->written >= o->limit) {
                o->err = ENOSPC;
                errno = ENOSPC;
                return done ? (ssize_t)done : -1;
            }
            if (want > o->limit - o->written) want = (size_t)(o->limit - o->written);
        }
        ssize_t k = write(o->fd, buf + done, want);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) {
            o->err = k < 0 ? errno : EIO;
            errno = o->err;
            return done ? (ssize_t)done : -1;
        }
        done += (size_t)k;
        o->written += (uint64_t)k;
    }
    return (ssize_t)n;
}

static int out_cookie_close(void *cookie) {
    cli_output *o = cookie;
    int rc = close(o->fd);
    if (rc != 0 && !o->err) o->err = errno;
    o->fd = -1;
    return rc;
}

static mode_t current_umask(void) {
    mode_t m = umask(022);
    umask(m);
    return m;
}

static void out_fail(cli_output *o, int err) {
    fprintf(stderr, "ruledex: cannot write %s: %s\n", cli_esc(o->path ? o->path : "standard output"),
            strerror(err ? err : EIO));
}

/* Where -o really writes: a symbolic link is followed to its target (the
 * real path of a regular file, so the temporary file goes beside it; a
 * link to a device or pipe, like /dev/stdout, is opened as it is).  NULL,
 * with *err, for a link to nothing. */
static char *resolve_target(const char *path, int *err) {
    struct stat st;
    char *t;
    if (lstat(path, &st) != 0 || !S_ISLNK(st.st_mode)) t = strdup(path);
    else if (stat(path, &st) != 0) t = NULL;
    else t = S_ISREG(st.st_mode) ? realpath(path, NULL) : strdup(path);
    if (!t) *err = errno ? errno : ENOENT;
    return t;
}

int cli_output_open(cli_output *o, const char *path) {
    memset(o, 0, sizeof *o);
    o->fd = -1;
    o->limit = UINT64_MAX;
    if (!path || !strcmp(path, "-")) {
        o->f = stdout;
        return 0;
    }
    o->path = strdup(path);
    if (!o->path) abort();
    int err = 0;
    errno = 0;
    o->target = resolve_target(path, &err);
    if (!o->target) {
        fprintf(stderr, "ruledex: cannot write %s: a symbolic link to %s\n", cli_esc(path),
                err == ENOENT ? "a file that does not exist" : strerror(err));
        free(o->path);
        return -1;
    }
    struct stat st;
    int exists = stat(o->target, &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) {
        err = EISDIR;
    } else if (exists && !S_ISREG(st.st_mode)) {
        /* a device or FIFO (-o /dev/stdout, /dev/null): written to, as a
         * plain > would; never replaced by a regular file */
        o->fd = open(o->target, O_WRONLY | O_CLOEXEC | O_NOCTTY);
        if (o->fd < 0) err = errno;
    } else {
        /* a regular file or a new one: a temporary file beside it, renamed
         * over it when complete, with the mode > would give it */
        const char *slash = strrchr(o->target, '/');
        size_t dl = slash ? (size_t)(slash - o->target) + 1 : 0;
        if (asprintf(&o->tmp, "%.*s.%s.tmp-XXXXXX", (int)dl, o->target, slash ? slash + 1 : o->target) < 0)
            abort();
        o->fd = mkstemp(o->tmp);
        if (o->fd < 0) {
            err = errno;
            free(o->tmp);
            o->tmp = NULL;
        } else {
            temp_register(o->tmp, 1);
            mode_t mode = exists ? (st.st_mode & 07777) : (0666 & ~current_umask());
            if (fchmod(o->fd, mode) != 0) err = errno;
            if (exists && geteuid() == 0 && fchown(o->fd, st.st_uid, st.st_gid) != 0) err = errno;
        }
    }
    const char *limit = getenv("RDX_FAULT_WRITE_LIMIT");
    if (limit && *limit) o->limit = strtoull(limit, NULL, 10);
    cookie_io_functions_t io = {NULL, out_cookie_write, NULL, out_cookie_close};
    if (!err && !(o->f = fopencookie(o, "w", io))) err = errno;
    if (err) {
        fprintf(stderr, "ruledex: cannot write %s: %s\n", cli_esc(path), strerror(err));
        if (o->fd >= 0) close(o->fd);
        if (o->tmp) {
            unlink(o->tmp);
            temp_register(o->tmp, 0);
        }
        free(o->tmp);
        free(o->target);
        free(o->path);
        memset(o, 0, sizeof *o);
        return -1;
    }
    setvbuf(o->f, NULL, _IOFBF, 1 << 16);
    return 0;
}

int cli_output_failed(const cli_output *o) {
    return o->err != 0 || (o->f && ferror(o->f));
}

int cli_output_close(cli_output *o, int ok) {
    if (!o->path) {                       /* standard output */
        int err = fflush(stdout) != 0 || ferror(stdout) ? (errno ? errno : EIO) : 0;
        if (err && ok) out_fail(o, err);
        return err ? -1 : 0;
    }
    int err = 0;
    if (fflush(o->f) != 0 || ferror(o->f)) err = o->err ? o->err : errno ? errno : EIO;
    /* a result file that exists is complete: on disk before it is renamed */
    if (!err && ok && o->tmp && fsync(o->fd) != 0 && errno != EINVAL) err = errno;
    if (fclose(o->f) != 0 && !err) err = o->err ? o->err : errno ? errno : EIO;
    if (!err && ok && o->tmp && rename(o->tmp, o->target) != 0) err = errno;
    if (o->tmp && (err || !ok)) unlink(o->tmp);
    if (o->tmp) temp_register(o->tmp, 0);
    if (err && ok) out_fail(o, err);
    free(o->tmp);
    free(o->target);
    free(o->path);
    memset(o, 0, sizeof *o);
    return err || !ok ? -1 : 0;
}

/* ---- inputs ------------------------------------------------------------ */

/* (device, inode) sets: an open-addressing table, (0, 0) = free. */
static size_t id_slot(const cli_fileid *t, size_t cap, cli_fileid id) {
    size_t i = (size_t)(((unsigned long long)id.ino * 0x9E3779B97F4A7C15ull) ^ (unsigned long long)id.dev) &
               (cap - 1);
    while ((t[i].dev || t[i].ino) && (t[i].dev != id.dev || t[i].ino != id.ino)) i = (i + 1) & (cap - 1);
    return i;
}

static int id_has(const cli_idset *s, cli_fileid id) {
    if (!s->cap) return 0;
    size_t i = id_slot(s->t, s->cap, id);
    return s->t[i].dev == id.dev && s->t[i].ino == id.ino && (id.dev || id.ino);
}

/* 1 when added, 0 when it was there. */
static int id_add(cli_idset *s, cli_fileid id) {
    if (!id.dev && !id.ino) id.ino = (ino_t)-1;
    if (2 * (s->n + 1) > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        cli_fileid *t = calloc(cap, sizeof *t);
        if (!t) abort();
        for (size_t i = 0; i < s->cap; i++)
            if (s->t[i].dev || s->t[i].ino) t[id_slot(t, cap, s->t[i])] = s->t[i];
        free(s->t);
        s->t = t;
        s->cap = cap;
    }
    size_t i = id_slot(s->t, s->cap, id);
    if (s->t[i].dev == id.dev && s->t[i].ino == id.ino) return 0;
    s->t[i] = id;
    s->n++;
    return 1;
}

static cli_fileid id_of(const struct stat *st) { return (cli_fileid){st->st_dev, st->st_ino}; }

static int event_ext(const char *name) {
    static const char *const exts[] = {".evtx", ".json", ".jsonl", ".ndjson", NULL};
    size_t n = strlen(name);
    for (const char *const *e = exts; *e; e++) {
        size_t k = strlen(*e);
        if (n > k && !strcasecmp(name + n - k, *e)) return 1;
    }
    return 0;
}

/* A path as given, with runs of '/' made one ("evidence//x" → "evidence/x"). */
static char *tidy(const char *path) {
    char *p = strdup(path), *o = p;
    if (!p) abort();
    for (const char *s = path; *s; s++)
        if (!(*s == '/' && o > p && o[-1] == '/')) *o++ = *s;
    *o = 0;
    return p;
}

static const char *kind_of(mode_t m) {
    return S_ISFIFO(m) ? "a FIFO" : S_ISSOCK(m) ? "a socket" : S_ISCHR(m) ? "a character device"
         : S_ISBLK(m) ? "a block device" : "not a regular file";
}

static void push_input(cli_inputs *in, char *path, int stream, int walked) {
    if (in->n == in->cap) {
        in->cap = in->cap ? in->cap * 2 : 64;
        in->items = realloc(in->items, in->cap * sizeof *in->items);
        if (!in->items) abort();
    }
    in->items[in->n++] = (cli_input){path, stream, walked};
}

typedef struct ancestor {
    cli_fileid id;
    const char *path;
    const struct ancestor *up;
} ancestor;

static void walk_dir(cli_inputs *in, const char *dir, rdx_diags *d, int depth, const ancestor *up) {
    size_t n = 0;
    char **names = NULL;
    if (depth > 64)
        rdx_diag_add(d, RDX_SEV_ERROR, "io", dir, 0, 0, "cannot open directory: nested too deeply");
    else
        names = rdx_dir_names(dir, -1, 1, &n, d);
    if (!names) {
        in->errors++;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        errno = 0;
        int ok = stat(names[i], &st) == 0, err = errno;
        if (ok && S_ISDIR(st.st_mode)) {
            cli_fileid id = id_of(&st);
            const ancestor *a = up;
            while (a && !(a->id.dev == id.dev && a->id.ino == id.ino)) a = a->up;
            if (a) {          /* a link back up: a loop, reported once, not followed */
                rdx_diag_add(d, RDX_SEV_WARNING, "io", names[i], 0, 0,
                             "symbolic link loop: leads back to %s; not followed", a->path);
            } else if (id_add(&in->dirs, id)) {   /* each directory once */
                ancestor here = {id, names[i], up};
                walk_dir(in, names[i], d, depth + 1, &here);
            }
            free(names[i]);
        } else if (!event_ext(names[i])) {
            free(names[i]);
        } else if (!ok) {
            rdx_diag_add(d, RDX_SEV_ERROR, "io", names[i], 0, 0, "cannot open: %s", strerror(err));
            in->errors++;
            free(names[i]);
        } else if (!S_ISREG(st.st_mode)) {
            /* never opened: a FIFO would wait for a writer for ever */
            rdx_diag_add(d, RDX_SEV_WARNING, "io", names[i], 0, 0, "%s, not a regular file; skipped",
                         kind_of(st.st_mode));
            free(names[i]);
        } else if (!id_add(&in->files, id_of(&st))) {
            free(names[i]);   /* reached before: read once */
        } else {
            push_input(in, names[i], 0, 1);
        }
    }
    free(names);
}

void cli_inputs_add(cli_inputs *in, const char *arg, int walk, rdx_diags *d) {
    struct stat st;
    int is_stdin = !strcmp(arg, "-");
    int ok = is_stdin ? fstat(STDIN_FILENO, &st) == 0 : stat(arg, &st) == 0;
    char *path = tidy(arg);
    if (ok && S_ISDIR(st.st_mode)) {
        if (walk && id_add(&in->dirs, id_of(&st))) {
            ancestor top = {id_of(&st), path, NULL};
            walk_dir(in, path, d, 0, &top);
        } else if (!walk) {
            id_add(&in->dirs, id_of(&st));
        }
        free(path);
        return;
    }
    /* a file, a stream or something that cannot be opened (the reader says
     * why); the same one twice ("-" and /dev/stdin) is read once */
    if (ok && !id_add(&in->files, id_of(&st))) {
        free(path);
        return;
    }
    push_input(in, path, is_stdin || (ok && !S_ISREG(st.st_mode)), 0);
}

/* Every directory above path (path itself when it is one), as (device,
 * inode), until the root; calls f until it returns non-zero. */
static int each_ancestor(const char *path, int (*f)(void *ctx, cli_fileid id, const char *dir), void *ctx) {
    char *dir = strdup(path);
    if (!dir) abort();
    /* start from the directory the path is in */
    char *slash = strrchr(dir, '/');
    if (slash) {
        if (slash == dir) slash[1] = 0;
        else *slash = 0;
    } else {
        free(dir);
        dir = strdup(".");
        if (!dir) abort();
    }
    char *real = realpath(dir, NULL);
    free(dir);
    if (!real) return 0;
    int rc = 0;
    for (;;) {
        struct stat st;
        if (stat(real, &st) == 0 && (rc = f(ctx, id_of(&st), real)) != 0) break;
        char *s = strrchr(real, '/');
        if (!s || s == real) {
            if (s && real[1] && stat("/", &st) == 0) rc = f(ctx, id_of(&st), "/");
            break;
        }
        *s = 0;
    }
    free(real);
    return rc;
}

typedef struct inside_ctx {
    const cli_inputs *in;
    char *dir;
} inside_ctx;

static int inside_input(void *ctx, cli_fileid id, const char *dir) {
    inside_ctx *c = ctx;
    if (!id_has(&c->in->dirs, id)) return 0;
    c->dir = strdup(dir);
    return 1;
}

int cli_output_conflicts(const cli_inputs *in, const char *output, const char *cmd) {
    if (!output || !strcmp(output, "-")) return 0;
    struct stat st;
    if (stat(output, &st) == 0 && !S_ISDIR(st.st_mode) && S_ISREG(st.st_mode) &&
        id_has(&in->files, id_of(&st))) {
        fprintf(stderr, "ruledex %s: %s is one of the inputs; not writing over it\n", cmd, cli_esc(output));
        return 1;
    }
    inside_ctx c = {in, NULL};
    if (stat(output, &st) == 0 && S_ISDIR(st.st_mode) && id_has(&in->dirs, id_of(&st))) {
        fprintf(stderr, "ruledex %s: %s is an input directory; not writing there\n", cmd, cli_esc(output));
        return 1;
    }
    if (each_ancestor(output, inside_input, &c)) {
        fprintf(stderr, "ruledex %s: %s lies inside the input directory %s; outputs are never "
                        "written where inputs are read (they would be read back as input)\n",
                cmd, cli_esc(output), cli_esc(c.dir));
        free(c.dir);
        return 1;
    }
    return 0;
}

int cli_input_fd(const cli_input *in, rdx_diags *d) {
    if (!in->walked) return -2;
    int fd = open(in->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) return -2;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        rdx_diag_add(d, RDX_SEV_WARNING, "io", in->path, 0, 0, "not a regular file any more; skipped");
        close(fd);
        return -1;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
}

rdx_source *cli_input_source(const cli_input *in, rdx_diags *d) {
    int fd = cli_input_fd(in, d);
    if (fd == -1) return NULL;
    if (fd >= 0) return rdx_source_open_fd(fd, 1, in->path, RDX_FMT_AUTO, d);
    return rdx_source_open_file(in->path, RDX_FMT_AUTO, d);
}

void cli_free_list(char **list, size_t n) {
    for (size_t i = 0; i < n; i++) free(list[i]);
    free(list);
}

void cli_inputs_free(cli_inputs *in) {
    for (size_t i = 0; i < in->n; i++) free(in->items[i].path);
    free(in->items);
    free(in->dirs.t);
    free(in->files.t);
    memset(in, 0, sizeof *in);
}

/* ---- progress ---------------------------------------------------------- */

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_progress_start(cli_progress *p, uint64_t total, const char *label) {
    memset(p, 0, sizeof *p);
    p->on = isatty(STDERR_FILENO) && total > (1u << 20) && !getenv("RDX_NO_PROGRESS");
    p->total = total;
    p->label = label;
    p->last = now();
}

void cli_progress_update(cli_progress *p, uint64_t done, const char *label) {
    if (!p->on) return;
    double t = now();
    if (t - p->last < 0.125) return;
    p->last = t;
    p->done = done;
    int width = 30, fill = p->total ? (int)((double)done / (double)p->total * width) : 0;
    if (fill > width) fill = width;
    char bar[64];
    memset(bar, '#', (size_t)fill);
    memset(bar + fill, '.', (size_t)(width - fill));
    bar[width] = 0;
    const char *name = label ? label : "";
    size_t nl = strlen(name);
    if (nl > 40) name += nl - 40;
    fprintf(stderr, "\r[%s] %3d%%  %-40s", bar,
            p->total ? (int)((double)done * 100.0 / (double)p->total) : 0, cli_esc(name));
    fflush(stderr);
}

void cli_progress_end(cli_progress *p) {
    if (p->on) fprintf(stderr, "\r%80s\r", "");
}

const char *cli_num(uint64_t n) {
    static char bufs[8][32];
    static int k;
    char *b = bufs[k++ & 7];
    char tmp[32];
    int len = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)n);
    int o = 0;
    for (int i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0) b[o++] = ',';
        b[o++] = tmp[i];
    }
    b[o] = 0;
    return b;
}
