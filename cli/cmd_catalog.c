/*
 * cmd_catalog.c — `ruledex catalog`: a static HTML catalog of rule sets.
 *
 *     ruledex catalog -r sigma:rules/ -r emerging:more/ -o site/
 *
 * Loads every source into one rule set (Sigma filters apply across all of
 * them), builds the catalog model, and writes the site, catalog.json and
 * an ATT&CK Navigator layer.  The site is built in a fresh directory beside
 * OUTDIR and renamed into place at the end, so an interrupted run never
 * leaves a half-written catalog where the last good one was; an existing
 * OUTDIR is replaced only when it holds a catalog (a catalog.json).
 *
 * Pages are written by several threads (--jobs): the model is immutable,
 * each thread renders every n-th page into its own buffer.
 */
#define _GNU_SOURCE 1
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

#define MAX_SOURCES 256

typedef struct cat_opts {
    const char *sources[MAX_SOURCES];
    size_t n_sources;
    const char *output, *attack, *logsources, *placeholders, *color;
    int no_attack, jobs, quiet, verbose;
} cat_opts;

static void usage(FILE *f) {
    fputs("usage: ruledex catalog -r [NAME:]RULES [-r ...] -o OUTDIR [options]\n"
          "\n"
          "Build a static HTML catalog of rule sets: an index with search and filters,\n"
          "a page per rule and per indicator, the ATT&CK matrix and event coverage, plus\n"
          "OUTDIR/catalog.json (docs/CATALOG.md) and OUTDIR/navigator-layer.json.\n"
          "NAME names a rule set in corpus counts (default: sigma); a NAME that is a\n"
          "rule language (sigma) also reads the files as that language only.\n"
          "\n"
          "options:\n"
          "  -r, --rules [NAME:]PATH    rule file or directory (repeatable)\n"
          "  -o, --output DIR           the catalog directory (replaced atomically)\n"
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
          "exit status: 0 built; 2 usage error, nothing loaded or OUTDIR not writable;\n"
          "4 built, but some rule files could not be read or loaded.\n",
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
            if (o->n_sources == MAX_SOURCES) return -1;
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
        case 'C': o->color = optarg; break;
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
        fprintf(stderr, "ruledex catalog: unexpected argument '%s'\n", argv[optind]);
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

/* Correlations link to the rules they reference on rule pages; an unknown
 * reference is shown there ("not loaded"), not repeated as a warning
 * (hunt and lint report it). */
static void resolve_quietly(rdx_ruleset *rs) {
    rdx_diags quiet;
    rdx_diags_init(&quiet);
    rdx_ruleset_resolve_correlations(rs, &quiet);
    rdx_diags_free(&quiet);
}

static int load_rules(model *m, const cat_opts *o, rdx_diags *d) {
    size_t first[MAX_SOURCES + 1];
    char names[MAX_SOURCES][64];
    m->rs = rdx_ruleset_new();
    if (o->placeholders && !(m->rs->placeholders = rdx_placeholders_load(o->placeholders, d))) return -1;
    for (size_t i = 0; i < o->n_sources; i++) {
        const char *path;
        first[i] = m->rs->n_rules;
        if (cli_load_source(m->rs, o->sources[i], names[i], sizeof names[i], &path, d) < 0 &&
            !d->errors)
            rdx_diag_add(d, RDX_SEV_ERROR, "io", path, 0, 0, "cannot read rules");
    }
    first[o->n_sources] = m->rs->n_rules;
    rdx_ruleset_apply_filters(m->rs, d);
    resolve_quietly(m->rs);
    cli_normalise_fields(m->rs, d);
    m->cat = rdx_catalog_new(m->attack, m->ls);
    for (size_t i = 0; i < o->n_sources; i++) {
        const char *path;
        rdx_catalog_parse_source(o->sources[i], "sigma", names[i], sizeof names[i], &path);
        size_t src = rdx_catalog_add_source(m->cat, names[i], path);
        for (size_t k = first[i]; k < first[i + 1]; k++) rdx_catalog_add_rule(m->cat, src, m->rs->rules[k]);
    }
    rdx_catalog_finish(m->cat);
    return m->rs->n_rules ? 0 : -1;
}

/* ---- writing ----------------------------------------------------------- */

typedef struct out_dir {
    char *dir;                /* the temporary directory being filled */
    size_t files, bytes;
    int error;                /* errno of the first failure */
    pthread_mutex_t lock;
} out_dir;

static int write_file(void *ctx, const char *rel, const char *data, size_t len) {
    out_dir *o = ctx;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", o->dir, rel);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int err = fd < 0 ? errno : 0;
    for (size_t done = 0; !err && done < len;) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) err = n < 0 ? errno : EIO;
        else done += (size_t)n;
    }
    if (fd >= 0 && close(fd) != 0 && !err) err = errno;
    pthread_mutex_lock(&o->lock);
    if (err && !o->error) o->error = err;
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

static int remove_tree(const char *dir) {
    return nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* OUTDIR may be replaced when it does not exist, is empty, or is a catalog. */
static int replaceable(const char *dir) {
    struct stat st;
    if (stat(dir, &st) != 0) return errno == ENOENT;
    if (!S_ISDIR(st.st_mode)) return 0;
    char path[4096];
    snprintf(path, sizeof path, "%s/catalog.json", dir);
    if (access(path, F_OK) == 0) return 1;
    return rmdir(dir) == 0;      /* empty: removed, and so replaceable */
}

/* Rename the finished temporary directory into place. */
static int install(const char *tmp, const char *dir) {
    char old[4096];
    snprintf(old, sizeof old, "%s.old-%ld", dir, (long)getpid());
    int had = access(dir, F_OK) == 0;
    if (had && rename(dir, old) != 0) return -1;
    if (rename(tmp, dir) != 0) {
        if (had) rename(old, dir);
        return -1;
    }
    if (had) remove_tree(old);
    return 0;
}

static int build_site(const model *m, const cat_opts *o, out_dir *out) {
    static const char *const dirs[] = {"rules", "indicators", "techniques", "tactics", "events"};
    size_t n = strlen(o->output) + 32;
    out->dir = malloc(n);
    if (!out->dir) abort();
    snprintf(out->dir, n, "%s.tmp-%ld", o->output, (long)getpid());
    remove_tree(out->dir);
    if (mkdir(out->dir, 0755) != 0) {
        out->error = errno;
        return -1;
    }
    char path[4096];
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
        snprintf(path, sizeof path, "%s/%s", out->dir, dirs[i]);
        if (mkdir(path, 0755) != 0 && !out->error) out->error = errno;
    }
    int jobs = o->jobs;
    if (!jobs) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = cpus < 1 ? 1 : cpus > 8 ? 8 : (int)cpus;
    }
    int rc = out->error ? -1 : render_pages(m->cat, out, jobs);
    if (!rc) rc = write_json_files(m, out);
    if (!rc && install(out->dir, o->output) != 0) {
        out->error = errno;
        rc = -1;
    }
    if (rc) remove_tree(out->dir);
    return rc;
}

/* ---- the command ------------------------------------------------------- */

static void summary(const model *m, const out_dir *out, const cat_opts *o, double secs) {
    const rdx_indicator *const *inds;
    const rdx_cover *cv;
    const rdx_crule *const *rules;
    size_t n_rules = rdx_catalog_rules(m->cat, &rules);
    size_t n_inds = rdx_catalog_indicators(m->cat, &inds);
    size_t n_tech = rdx_catalog_techniques(m->cat, &cv);
    fprintf(stderr, "catalog: %s rules, %s indicators, %s techniques; %s files (%s KiB) in %s, %.2f s\n",
            cli_num(n_rules), cli_num(n_inds), cli_num(n_tech), cli_num(out->files),
            cli_num(out->bytes >> 10), o->output, secs);
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
    if (!replaceable(o.output)) {
        fprintf(stderr, "ruledex catalog: %s exists and is not a ruledex catalog (no catalog.json); "
                        "not replacing it\n", o.output);
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
        if (build_site(&m, &o, &out) != 0) {
            fprintf(stderr, "ruledex catalog: cannot write %s: %s\n", o.output,
                    strerror(out.error ? out.error : EIO));
            rc = RDX_EXIT_USAGE;
        } else {
            if (!o.quiet) summary(&m, &out, &o, now() - t0);
            if (rule_diags.errors) rc = RDX_EXIT_INPUT;
        }
        pthread_mutex_destroy(&out.lock);
        free(out.dir);
    }
    model_free(&m);
    rdx_diags_free(&ref_diags);
    rdx_diags_free(&rule_diags);
    return rc;
}
