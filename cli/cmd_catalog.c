/*
 * cmd_catalog.c — `ruledex catalog`: a static HTML catalog of rule sets.
 *
 *     ruledex catalog -r sigma:rules/ -r emerging:more/ -o site/
 *
 * Loads every source into one rule set (Sigma filters apply across all of
 * them), builds the catalog model, and writes the site, catalog.json and
 * an ATT&CK Navigator layer.
 *
 * OUTDIR is often a checkout that is published (GitHub Pages: .git, a
 * CNAME, a README the catalog knows nothing about), so the catalog owns
 * exactly the files it wrote, listed in OUTDIR/.ruledex-catalog (its
 * manifest):
 *   - a new or empty OUTDIR is the catalog's;
 *   - an OUTDIR with a manifest is a catalog: its listed files are
 *     replaced, those the new catalog does not write again are removed,
 *     and nothing else is touched — never .git or CNAME, never a file it
 *     did not write (a page it would write over such a file is refused
 *     before anything changes);
 *   - an OUTDIR with catalog.json and no manifest was written by an
 *     earlier ruledex: its pages (the site's own file names) are the
 *     catalog's;
 *   - any other non-empty OUTDIR is refused.
 * The site is built in a staging directory first (beside a new OUTDIR,
 * inside an existing one), and each file is renamed into place only when
 * every page is written, so a failed or interrupted build (SIGINT, SIGTERM:
 * deferred until the staging directory is removed) leaves the last
 * catalog as it was.  The manifest is written before the files move (all
 * of the old and new files) and after (the new ones).
 *
 * Pages are written by several threads (--jobs): the model is immutable,
 * each thread renders every n-th page into its own buffer.
 */
#define _GNU_SOURCE 1
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "common.h"
#include "ruledex/render.h"
#include "ruledex/logsource.h"


typedef struct cat_opts {
    const char *sources[CLI_MAX_SOURCES];
    size_t n_sources;
    const char *output, *attack, *logsources, *placeholders, *color;
    int no_attack, jobs, quiet, verbose;
} cat_opts;

static void usage(FILE *f) {
    fputs("usage: ruledex catalog -r [NAME:]RULES [-r ...] -o OUTDIR [options]\n"
          "\n"
          "Build a static HTML catalog of rule sets: an index with search and filters,\n"
          "a page per rule and per indicator, the ATT&CK matrix and event coverage, plus\n"
          "OUTDIR/catalog.json (docs/CATALOG.md) and OUTDIR/navigator-layer.json; with\n"
          "several rule sets, a Navigator layer per set and one of where they overlap.\n"
          "NAME names a rule set in corpus counts (default: sigma); a NAME that is a\n"
          "rule language (sigma) also reads the files as that language only.\n"
          "\n"
          "options:\n"
          "  -r, --rules [NAME:]PATH    rule file or directory (repeatable)\n"
          "  -o, --output DIR           the catalog directory: new, empty, or an earlier\n"
          "                             catalog (only the files it wrote are replaced)\n"
          "  -a, --attack FILE          ATT&CK STIX bundle (enterprise-attack.json);\n"
          "                             default $RULEDEX_ATTACK, $RULEDEX_DATA/..., data/\n"
          "      --no-attack            do not read ATT&CK data (ids shown as tagged)\n"
          "  -L, --logsources FILE      log-source table (default data/logsources.yml)\n"
          "  -p, --placeholders FILE    values for |expand placeholders\n"
          "  -j, --jobs N               threads writing pages (default: CPUs, at most 8)\n"
          "      --color WHEN           auto (default), always or never\n"
          "  -q, --quiet                no summary\n"
          "  -v, --verbose              show every rule diagnostic\n"
          "  -h, --help                 this help\n"
          "\n"
          "exit status: 0 built; 2 usage error, nothing loaded, or OUTDIR not a\n"
          "catalog; 4 built, but some rule files could not be read or loaded;\n"
          "74 the catalog could not be written.\n",
          f);
}

static int parse_args(cat_opts *o, int argc, char **argv) {
    static const struct option longs[] = {
        {"rules", required_argument, 0, 'r'},      {"output", required_argument, 0, 'o'},
        {"attack", required_argument, 0, 'a'},     {"no-attack", no_argument, 0, 'N'},
        {"logsources", required_argument, 0, 'L'}, {"placeholders", required_argument, 0, 'p'},
        {"jobs", required_argument, 0, 'j'},       {"color", required_argument, 0, 'C'},
        {"colour", required_argument, 0, 'C'},     {"quiet", no_argument, 0, 'q'},
        {"verbose", no_argument, 0, 'v'},          {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "r:o:a:L:p:j:qvh", longs, NULL)) != -1) {
        switch (c) {
        case 'r':
            if (o->n_sources == CLI_MAX_SOURCES) return -1;
            o->sources[o->n_sources++] = optarg;
            break;
        case 'o': o->output = optarg; break;
        case 'a': o->attack = optarg; break;
        case 'N': o->no_attack = 1; break;
        case 'L': o->logsources = optarg; break;
        case 'p': o->placeholders = optarg; break;
        case 'j':
            o->jobs = atoi(optarg);
            if (o->jobs < 1 || o->jobs > 64) {
                fprintf(stderr, "ruledex catalog: --jobs takes 1 to 64\n");
                return -1;
            }
            break;
        case 'C':
            if (cli_check_color("catalog", optarg) != 0) return -1;
            o->color = optarg;
            break;
        case 'q': o->quiet = 1; break;
        case 'v': o->verbose = 1; break;
        case 'h': usage(stdout); exit(0);
        default: return -1;
        }
    }
    if (!o->n_sources) {
        fprintf(stderr, "ruledex catalog: no rules given (-r [NAME:]RULES)\n");
        return -1;
    }
    if (!o->output) {
        fprintf(stderr, "ruledex catalog: no output directory given (-o OUTDIR)\n");
        return -1;
    }
    if (optind < argc) {
        fprintf(stderr, "ruledex catalog: unexpected argument '%s'\n", cli_esc(argv[optind]));
        return -1;
    }
    return 0;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the model --------------------------------------------------------- */

typedef struct model {
    rdx_ruleset *rs;
    rdx_attack *attack;
    rdx_logsources *ls;
    rdx_catalog *cat;
} model;

static void model_free(model *m) {
    rdx_catalog_free(m->cat);
    rdx_ruleset_free(m->rs);
    rdx_attack_free(m->attack);
    rdx_logsources_free(m->ls);
}

static int load_rules(model *m, const cat_opts *o, rdx_diags *d) {
    cli_sources src;   /* 16 KiB of names: on the stack, once */
    m->rs = rdx_ruleset_new();
    if (o->placeholders && !(m->rs->placeholders = rdx_placeholders_load(o->placeholders, d))) return -1;
    cli_load_sources(m->rs, o->sources, o->n_sources, &src, d);
    cli_settle_rules(m->rs, d);
    m->cat = rdx_catalog_new(m->attack, m->ls);
    for (size_t i = 0; i < src.n; i++) {
        size_t c = rdx_catalog_add_source(m->cat, src.names[i], src.paths[i]);
        for (size_t k = src.first[i]; k < src.first[i + 1]; k++) rdx_catalog_add_rule(m->cat, c, m->rs->rules[k]);
    }
    rdx_catalog_finish(m->cat);
    return m->rs->n_rules ? 0 : -1;
}

/* ---- the manifest ------------------------------------------------------- */

#define MANIFEST ".ruledex-catalog"

typedef struct namelist {
    char **items;
    size_t n, cap;
} namelist;

static void names_add(namelist *l, const char *s) {
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->items = realloc(l->items, l->cap * sizeof *l->items);
        if (!l->items) abort();
    }
    l->items[l->n] = strdup(s);
    if (!l->items[l->n]) abort();
    l->n++;
}

static void names_free(namelist *l) {
    for (size_t i = 0; i < l->n; i++) free(l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

static int cmp_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void names_sort(namelist *l) {
    if (l->n) qsort(l->items, l->n, sizeof *l->items, cmp_name);
}

static int names_has(const namelist *l, const char *s) {
    return l->n && bsearch(&s, l->items, l->n, sizeof *l->items, cmp_name) != NULL;
}

/* A path the catalog may own: relative, at most one directory deep, made
 * of [A-Za-z0-9._-], no "." or ".." part, and never .git or CNAME.  A
 * manifest that lists anything else (edited by hand, or by someone
 * hostile) does not make the catalog touch it. */
static int ownable(const char *rel) {
    if (!*rel || strlen(rel) > 255) return 0;
    int parts = 0;
    for (const char *p = rel; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && !strncmp(p, "..", 2))) return 0;
        if (!strncmp(p, ".git", 4) && (n == 4 || p[4] == '/')) return 0;
        for (size_t i = 0; i < n; i++)
            if (!isalnum((unsigned char)p[i]) && p[i] != '.' && p[i] != '_' && p[i] != '-') return 0;
        if (++parts > 2) return 0;
        p += n;
        if (*p == '/') p++;
        else break;
    }
    return strcmp(rel, "CNAME") != 0 && strcmp(rel, MANIFEST) != 0;
}

static int read_manifest(const char *dir, namelist *out) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, MANIFEST);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (line[0] != '#' && ownable(line)) names_add(out, line);
    }
    fclose(f);
    names_sort(out);
    return 0;
}

/* The manifest, written whole and renamed into place. */
static int write_manifest(const char *dir, const namelist *l) {
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/%s", dir, MANIFEST);
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) return -1;
    fputs("# ruledex catalog: the files this catalog wrote.  `ruledex catalog -o` replaces or\n"
          "# removes only these; everything else in this directory is left alone.\n", f);
    for (size_t i = 0; i < l->n; i++) fprintf(f, "%s\n", l->items[i]);
    int err = fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0;
    err |= fclose(f) != 0;
    if (err || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        errno = e ? e : EIO;
        return -1;
    }
    return 0;
}

/* The files a catalog written before manifests existed holds: the site's
 * own names, nothing else. */
static void legacy_manifest(const char *dir, namelist *out) {
    static const char *const top[] = {"index.html", "attack.html", "events.html", "indicators.html",
                                      "style.css", "catalog.js", "catalog.json", "navigator-layer.json"};
    static const char *const subs[] = {"rules", "indicators", "techniques", "tactics", "events"};
    char path[4096];
    struct stat st;
    for (size_t i = 0; i < sizeof top / sizeof *top; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, top[i]);
        if (lstat(path, &st) == 0 && S_ISREG(st.st_mode)) names_add(out, top[i]);
    }
    for (size_t i = 0; i < sizeof subs / sizeof *subs; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, subs[i]);
        DIR *dp = lstat(path, &st) == 0 && S_ISDIR(st.st_mode) ? opendir(path) : NULL;
        struct dirent *e;
        while (dp && (e = readdir(dp)) != NULL) {
            size_t n = strlen(e->d_name);
            if (n < 6 || strcmp(e->d_name + n - 5, ".html")) continue;
            char rel[600];
            snprintf(rel, sizeof rel, "%s/%s", subs[i], e->d_name);
            char full[4800];
            snprintf(full, sizeof full, "%s/%s", dir, rel);
            if (ownable(rel) && lstat(full, &st) == 0 && S_ISREG(st.st_mode)) names_add(out, rel);
        }
        if (dp) closedir(dp);
    }
    names_sort(out);
}

/* What OUTDIR is: 0 new (does not exist), 1 ours (old gets the files it
 * owns), -1 refused (reported). */
static int outdir_state(const char *dir, namelist *old) {
    struct stat st;
    if (lstat(dir, &st) != 0) {
        if (errno == ENOENT) return 0;
        fprintf(stderr, "ruledex catalog: cannot use %s: %s\n", cli_esc(dir), strerror(errno));
        return -1;
    }
    if (S_ISLNK(st.st_mode) && stat(dir, &st) != 0) st.st_mode = 0;
    if (!S_ISDIR(st.st_mode)) {
        fprintf(stderr, "ruledex catalog: %s exists and is not a directory\n", cli_esc(dir));
        return -1;
    }
    if (read_manifest(dir, old) == 0) return 1;
    char path[4096];
    snprintf(path, sizeof path, "%s/catalog.json", dir);
    if (access(path, F_OK) == 0) {
        legacy_manifest(dir, old);
        return 1;
    }
    DIR *dp = opendir(dir);
    struct dirent *e;
    int empty = dp != NULL;
    while (dp && (e = readdir(dp)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) empty = 0;
    if (dp) closedir(dp);
    if (empty) return 1;
    fprintf(stderr, "ruledex catalog: %s is not empty and is not a ruledex catalog (no %s); "
                    "not writing into it\n", cli_esc(dir), MANIFEST);
    return -1;
}

/* ---- writing ----------------------------------------------------------- */

typedef struct out_dir {
    char *dir;                /* the staging directory being filled */
    size_t files, bytes;
    int error;                /* errno of the first failure */
    namelist written;         /* relative paths, for the manifest */
    pthread_mutex_t lock;
} out_dir;

static int write_file(void *ctx, const char *rel, const char *data, size_t len) {
    out_dir *o = ctx;
    char path[4096];
    int err = cli_interrupted() ? EINTR : !ownable(rel) ? EINVAL : 0;
    snprintf(path, sizeof path, "%s/%s", o->dir, rel);
    int fd = err ? -1 : open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (!err && fd < 0) err = errno;
    for (size_t done = 0; !err && done < len;) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) err = n < 0 ? errno : EIO;
        else done += (size_t)n;
    }
    if (fd >= 0 && close(fd) != 0 && !err) err = errno;
    pthread_mutex_lock(&o->lock);
    if (err && !o->error) o->error = err;
    if (!err) names_add(&o->written, rel);
    o->files++;
    o->bytes += len;
    pthread_mutex_unlock(&o->lock);
    return err ? -1 : 0;
}

typedef struct job {
    const rdx_catalog *cat;
    out_dir *out;
    size_t part, n_parts;
    pthread_t thread;
    int rc;
} job;

static void *run_job(void *arg) {
    job *j = arg;
    j->rc = rdx_render_site(j->cat, write_file, j->out, j->part, j->n_parts);
    return NULL;
}

static int render_pages(const rdx_catalog *cat, out_dir *out, int jobs) {
    job js[64];
    int started = 0, rc = 0;
    for (int i = 0; i < jobs; i++) {
        js[i] = (job){cat, out, (size_t)i, (size_t)jobs, 0, 0};
        if (i == 0 || pthread_create(&js[i].thread, NULL, run_job, &js[i]) != 0) continue;
        started |= 1 << (i & 31);
    }
    /* part 0 (and any part whose thread did not start) on this thread */
    for (int i = 0; i < jobs; i++)
        if (i == 0 || !(started & (1 << (i & 31)))) run_job(&js[i]);
    for (int i = 1; i < jobs; i++)
        if (started & (1 << (i & 31))) pthread_join(js[i].thread, NULL);
    for (int i = 0; i < jobs; i++) rc |= js[i].rc;
    return rc;
}

static int write_json_files(const model *m, out_dir *out) {
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_render_catalog_json(&b, m->cat);
    int rc = write_file(out, "catalog.json", b.data, b.len);
    rdx_strbuf_clear(&b);
    rdx_render_navigator(&b, m->cat, "ruledex catalog");
    rc |= write_file(out, "navigator-layer.json", b.data, b.len);
    /* Native fields data/fields.yml does not map: where the map grows from. */
    rdx_strbuf_clear(&b);
    rdx_unmapped *u;
    size_t nu = rdx_fieldnorm_unmapped(m->rs, &u);
    rdx_strbuf_puts(&b, "# predicates\tlanguage\tfield (not in data/fields.yml)\n");
    for (size_t i = 0; i < nu; i++) rdx_strbuf_printf(&b, "%zu\t%s\t%s\n", u[i].count, u[i].lang, u[i].field);
    free(u);
    if (nu) rc |= write_file(out, "unmapped-fields.txt", b.data, b.len);
    rdx_strbuf_free(&b);
    return rc;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st; (void)flag; (void)ftw;
    return remove(path);
}

/* Only the staging directory, which this run made, is removed as a tree. */
static int remove_tree(const char *dir) {
    return nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The directory rel's file goes in exists in OUTDIR as a real directory
 * (a link there would send pages outside OUTDIR). */
static int make_parent(const char *dir, const char *rel) {
    const char *slash = strchr(rel, '/');
    if (!slash) return 0;
    char path[4096];
    snprintf(path, sizeof path, "%s/%.*s", dir, (int)(slash - rel), rel);
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) return 0;
        errno = ENOTDIR;
        return -1;
    }
    return mkdir(path, 0777);
}

/* Move the staged files into an existing OUTDIR, then remove the old
 * catalog's files that are not written again. */
static int install_into(const char *stage, const char *dir, const namelist *old, const namelist *new) {
    char from[4096], to[4096];
    struct stat st;
    /* first, before anything changes: nothing of someone else's is in the way */
    for (size_t i = 0; i < new->n; i++) {
        snprintf(to, sizeof to, "%s/%s", dir, new->items[i]);
        if (lstat(to, &st) == 0 && (!names_has(old, new->items[i]) || S_ISDIR(st.st_mode))) {
            fprintf(stderr, "ruledex catalog: %s exists and was not written by the catalog; "
                            "not replacing it\n", cli_esc(to));
            errno = EEXIST;
            return -2;
        }
    }
    namelist all = {0};
    for (size_t i = 0; i < old->n; i++) names_add(&all, old->items[i]);
    for (size_t i = 0; i < new->n; i++)
        if (!names_has(old, new->items[i])) names_add(&all, new->items[i]);
    names_sort(&all);
    int rc = write_manifest(dir, &all);
    names_free(&all);
    for (size_t i = 0; rc == 0 && i < new->n; i++) {
        snprintf(from, sizeof from, "%s/%s", stage, new->items[i]);
        snprintf(to, sizeof to, "%s/%s", dir, new->items[i]);
        if (make_parent(dir, new->items[i]) != 0 || rename(from, to) != 0) rc = -1;
    }
    if (rc != 0) return -1;
    for (size_t i = 0; i < old->n; i++) {
        if (names_has(new, old->items[i])) continue;
        snprintf(to, sizeof to, "%s/%s", dir, old->items[i]);
        if (lstat(to, &st) == 0 && !S_ISDIR(st.st_mode)) unlink(to);
        char *slash = strrchr(to, '/');
        if (strchr(old->items[i], '/') && slash) {
            *slash = 0;
            rmdir(to);   /* only when it is empty */
        }
    }
    return write_manifest(dir, new);
}

static int build_site(const model *m, const cat_opts *o, out_dir *out, int existing,
                      const namelist *old) {
    static const char *const dirs[] = {"rules", "indicators", "techniques", "tactics", "events"};
    const char *slash = strrchr(o->output, '/');
    if (existing) {
        if (asprintf(&out->dir, "%s/.ruledex-tmp-%ld", o->output, (long)getpid()) < 0) abort();
    } else {
        size_t dl = slash ? (size_t)(slash - o->output) + 1 : 0;
        if (asprintf(&out->dir, "%.*s.%s.ruledex-tmp-%ld", (int)dl, o->output,
                     slash ? slash + 1 : o->output, (long)getpid()) < 0)
            abort();
    }
    cli_signals_defer(1);
    remove_tree(out->dir);
    if (mkdir(out->dir, 0777) != 0) {
        out->error = errno;
        cli_signals_defer(0);
        return -1;
    }
    char path[4096];
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
        snprintf(path, sizeof path, "%s/%s", out->dir, dirs[i]);
        if (mkdir(path, 0777) != 0 && !out->error) out->error = errno;
    }
    int jobs = o->jobs;
    if (!jobs) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = cpus < 1 ? 1 : cpus > 8 ? 8 : (int)cpus;
    }
    int rc = out->error ? -1 : render_pages(m->cat, out, jobs);
    if (!rc) rc = write_json_files(m, out);
    names_sort(&out->written);
    if (!rc && cli_interrupted()) rc = -1;
    if (!rc && !existing) {
        if (write_manifest(out->dir, &out->written) != 0 || rename(out->dir, o->output) != 0) rc = -1;
        if (rc) out->error = errno;
    } else if (!rc) {
        rc = install_into(out->dir, o->output, old, &out->written);
        if (rc == -1) out->error = errno;
    }
    if (rc || existing) remove_tree(out->dir);
    cli_signals_defer(0);
    return rc;
}

/* ---- the command ------------------------------------------------------- */

/* OUTDIR must not be, or lie inside, a rule directory, nor be a rule file. */
static int output_conflicts(const cat_opts *o) {
    cli_inputs in;
    memset(&in, 0, sizeof in);
    rdx_diags ignored;
    rdx_diags_init(&ignored);
    for (size_t i = 0; i < o->n_sources; i++) {
        char name[64];
        const char *path;
        rdx_catalog_parse_source(o->sources[i], "sigma", name, sizeof name, &path);
        cli_inputs_add(&in, path, 0, &ignored);
    }
    int conflict = cli_output_conflicts(&in, o->output, "catalog");
    cli_inputs_free(&in);
    rdx_diags_free(&ignored);
    return conflict;
}

static void summary(const model *m, const out_dir *out, const cat_opts *o, double secs) {
    const rdx_indicator *const *inds;
    const rdx_cover *cv;
    const rdx_crule *const *rules;
    size_t n_rules = rdx_catalog_rules(m->cat, &rules);
    size_t n_inds = rdx_catalog_indicators(m->cat, &inds);
    size_t n_tech = rdx_catalog_techniques(m->cat, &cv);
    fprintf(stderr, "catalog: %s rules, %s indicators, %s techniques; %s files (%s KiB) in %s, %.2f s\n",
            cli_num(n_rules), cli_num(n_inds), cli_num(n_tech), cli_num(out->files),
            cli_num(out->bytes >> 10), cli_esc(o->output), secs);
    if (!m->attack) fprintf(stderr, "catalog: no ATT&CK data (--attack FILE): tactics as tagged, ids unnamed\n");
}

int rdx_cmd_catalog(int argc, char **argv) {
    cat_opts o;
    memset(&o, 0, sizeof o);
    if (parse_args(&o, argc, argv) != 0) {
        usage(stderr);
        return RDX_EXIT_USAGE;
    }
    double t0 = now();
    cli_colors ecol = cli_colors_for(stderr, o.color);
    namelist old = {0};
    int state = outdir_state(o.output, &old);
    if (state < 0 || output_conflicts(&o)) {
        names_free(&old);
        return RDX_EXIT_USAGE;
    }
    model m;
    memset(&m, 0, sizeof m);
    rdx_diags ref_diags, rule_diags;
    rdx_diags_init(&ref_diags);
    rdx_diags_init(&rule_diags);
    cli_load_references(o.attack, o.no_attack, o.logsources, &m.attack, &m.ls, &ref_diags);
    cli_print_diags(stderr, &ref_diags, &ecol, 0, 0);
    int loaded = load_rules(&m, &o, &rule_diags) == 0;
    /* A corpus like SigmaHQ has documents that do not load (Sigma 1
     * syntax in unsupported/): counted here, listed by --verbose or lint. */
    if (o.verbose) cli_print_diags(stderr, &rule_diags, &ecol, 0, 0);
    else if (rule_diags.errors)
        fprintf(stderr, "ruledex catalog: %s rule documents could not be loaded "
                        "(--verbose or 'ruledex lint' lists them)\n", cli_num(rule_diags.errors));
    int rc = RDX_EXIT_OK;
    if (!loaded) {
        fprintf(stderr, "ruledex catalog: no rule could be loaded\n");
        rc = RDX_EXIT_USAGE;
    } else {
        out_dir out;
        memset(&out, 0, sizeof out);
        pthread_mutex_init(&out.lock, NULL);
        int built = build_site(&m, &o, &out, state == 1, &old);
        if (built == -2) {
            rc = RDX_EXIT_USAGE;   /* reported: something of someone else's in the way */
        } else if (built != 0) {
            if (!cli_interrupted())
                fprintf(stderr, "ruledex catalog: cannot write %s: %s\n", cli_esc(o.output),
                        strerror(out.error ? out.error : EIO));
            rc = RDX_EXIT_IO;
        } else {
            if (!o.quiet) summary(&m, &out, &o, now() - t0);
            if (rule_diags.errors) rc = RDX_EXIT_INPUT;
        }
        pthread_mutex_destroy(&out.lock);
        names_free(&out.written);
        free(out.dir);
    }
    names_free(&old);
    model_free(&m);
    rdx_diags_free(&ref_diags);
    rdx_diags_free(&rule_diags);
    cli_signals_reraise();   /* interrupted: the staging directory is gone, end as the signal says */
    return rc;
}
