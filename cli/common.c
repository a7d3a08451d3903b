/* common.c — shared CLI helpers (see common.h). */
#define _GNU_SOURCE 1
#include "common.h"

#include "ruledex/attack.h"
#include "ruledex/catalog.h"

#include <dirent.h>
#include <errno.h>
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
        fprintf(f, "%s%s%s\n", col, buf, c->reset);
        shown++;
    }
    if (hidden) fprintf(f, "... and %zu more (use --verbose to see all)\n", hidden);
    return d->errors;
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

/* ---- output ------------------------------------------------------------ */

int cli_output_open(cli_output *o, const char *path) {
    memset(o, 0, sizeof *o);
    if (!path || !strcmp(path, "-")) {
        o->f = stdout;
        return 0;
    }
    o->path = strdup(path);
    size_t n = strlen(path) + 16;
    o->tmp = malloc(n);
    if (!o->path || !o->tmp) abort();
    snprintf(o->tmp, n, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(o->tmp);
    if (fd < 0 || !(o->f = fdopen(fd, "w"))) {
        fprintf(stderr, "ruledex: cannot write %s: %s\n", path, strerror(errno));
        if (fd >= 0) close(fd);
        free(o->path);
        free(o->tmp);
        return -1;
    }
    return 0;
}

int cli_output_close(cli_output *o, int ok) {
    if (!o->tmp) {
        fflush(stdout);
        return ferror(stdout) ? -1 : 0;
    }
    int err = fclose(o->f) != 0;
    if (ok && !err) err = rename(o->tmp, o->path) != 0;
    if (!ok || err) unlink(o->tmp);
    if (err) fprintf(stderr, "ruledex: cannot write %s: %s\n", o->path, strerror(errno));
    free(o->path);
    free(o->tmp);
    return err ? -1 : 0;
}

/* ---- inputs ------------------------------------------------------------ */

typedef struct strlist_m {
    char **items;
    size_t n, cap;
} strlist_m;

static void push(strlist_m *l, const char *s) {
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->items = realloc(l->items, l->cap * sizeof *l->items);
        if (!l->items) abort();
    }
    l->items[l->n] = strdup(s);
    if (!l->items[l->n]) abort();
    l->n++;
}

static int event_ext(const char *name) {
    static const char *const exts[] = {".evtx", ".json", ".jsonl", ".ndjson", NULL};
    size_t n = strlen(name);
    for (const char *const *e = exts; *e; e++) {
        size_t k = strlen(*e);
        if (n > k && !strcasecmp(name + n - k, *e)) return 1;
    }
    return 0;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk_dir(strlist_m *out, const char *dir, rdx_diags *d, int depth) {
    DIR *dp = depth > 64 ? NULL : opendir(dir);
    if (!dp) {
        rdx_diag_add(d, RDX_SEV_ERROR, "io", dir, 0, 0, "cannot open directory: %s",
                     depth > 64 ? "nested too deeply" : strerror(errno));
        return;
    }
    strlist_m here = {0};
    struct dirent *e;
    while ((e = readdir(dp)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char *p;
        if (asprintf(&p, "%s/%s", dir, e->d_name) < 0) abort();
        push(&here, p);
        free(p);
    }
    closedir(dp);
    qsort(here.items, here.n, sizeof *here.items, cmp_str);
    for (size_t i = 0; i < here.n; i++) {
        struct stat st;
        if (stat(here.items[i], &st) == 0 && S_ISDIR(st.st_mode)) walk_dir(out, here.items[i], d, depth + 1);
        else if (event_ext(here.items[i])) push(out, here.items[i]);
        free(here.items[i]);
    }
    free(here.items);
}

char **cli_expand_inputs(char **paths, size_t n, size_t *out_n, rdx_diags *d) {
    strlist_m out = {0};
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (strcmp(paths[i], "-") != 0 && stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode))
            walk_dir(&out, paths[i], d, 0);
        else
            push(&out, paths[i]);
    }
    *out_n = out.n;
    return out.items;
}

void cli_free_list(char **list, size_t n) {
    for (size_t i = 0; i < n; i++) free(list[i]);
    free(list);
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
            p->total ? (int)((double)done * 100.0 / (double)p->total) : 0, name);
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
