/*
 * cmd_show.c — `ruledex show`: the catalog page of one rule.
 *
 *     ruledex show rules/proc_creation_win_wsl_child_processes_anomalies.yml -r rules/
 *     ruledex show 2267fe65-0681-42ad-9a6d-46553d3f3480 -r rules/ --format md
 *
 * RULE is a rule file or the id (or name) of a rule in the corpus given
 * with -r.  The corpus is what the indicator counts are counted over; a
 * rule file outside it is counted as one more rule, and replaces a corpus
 * rule with the same id (an edited copy must not count twice).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "common.h"
#include "ruledex/render.h"
#include "ruledex/logsource.h"


typedef struct show_opts {
    const char *rule;
    const char *sources[CLI_MAX_SOURCES];
    size_t n_sources;
    rdx_page_format format;
    const char *output, *attack, *logsources, *placeholders, *color;
    int no_attack, verbose;
} show_opts;

static void usage(FILE *f) {
    fputs("usage: ruledex show RULE [-r [NAME:]CORPUS...] [options]\n"
          "\n"
          "Show the catalog page of one rule: metadata, ATT&CK coverage, event coverage,\n"
          "the rule body, its stages and predicates, and its indicators with how many\n"
          "rules of the corpus look for the same (field, kind, value).\n"
          "RULE is a rule file, or the id or name of a rule in the corpus.\n"
          "\n"
          "options:\n"
          "  -r, --rules [NAME:]PATH    corpus rule file or directory (repeatable);\n"
          "                             NAME names it in counts (default: sigma); a\n"
          "                             language NAME (sigma) also picks the reader\n"
          "  -f, --format FORMAT        text (default), md, html or json\n"
          "  -o, --output FILE          write the page to FILE (atomically)\n"
          "  -a, --attack FILE          ATT&CK STIX bundle (enterprise-attack.json);\n"
          "                             default $RULEDEX_ATTACK, $RULEDEX_DATA/..., data/\n"
          "      --no-attack            do not read ATT&CK data (ids shown as tagged)\n"
          "  -L, --logsources FILE      log-source table (default data/logsources.yml)\n"
          "  -p, --placeholders FILE    values for |expand placeholders\n"
          "      --color WHEN           auto (default), always or never\n"
          "  -v, --verbose              show every rule diagnostic\n"
          "  -h, --help                 this help\n"
          "\n"
          "exit status: 0 shown; 2 usage error or RULE not found; 4 shown, but some\n"
          "rule files could not be read or loaded.\n",
          f);
}

static int parse_format(const char *s, rdx_page_format *f) {
    static const struct { const char *name; rdx_page_format f; } formats[] = {
        {"text", RDX_PAGE_TEXT}, {"md", RDX_PAGE_MARKDOWN}, {"markdown", RDX_PAGE_MARKDOWN},
        {"html", RDX_PAGE_HTML}, {"json", RDX_PAGE_JSON},
    };
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
        if (!strcmp(s, formats[i].name)) { *f = formats[i].f; return 0; }
    fprintf(stderr, "ruledex show: unknown format '%s' (text, md, html, json)\n", cli_esc(s));
    return -1;
}

static int parse_args(show_opts *o, int argc, char **argv) {
    static const struct option longs[] = {
        {"rules", required_argument, 0, 'r'},      {"format", required_argument, 0, 'f'},
        {"output", required_argument, 0, 'o'},     {"attack", required_argument, 0, 'a'},
        {"no-attack", no_argument, 0, 'N'},        {"logsources", required_argument, 0, 'L'},
        {"placeholders", required_argument, 0, 'p'}, {"color", required_argument, 0, 'C'},
        {"colour", required_argument, 0, 'C'},     {"verbose", no_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'},             {0, 0, 0, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "r:f:o:a:L:p:vh", longs, NULL)) != -1) {
        switch (c) {
        case 'r':
            if (o->n_sources == CLI_MAX_SOURCES) return -1;
            o->sources[o->n_sources++] = optarg;
            break;
        case 'f':
            if (parse_format(optarg, &o->format) != 0) return -1;
            break;
        case 'o': o->output = optarg; break;
        case 'a': o->attack = optarg; break;
        case 'N': o->no_attack = 1; break;
        case 'L': o->logsources = optarg; break;
        case 'p': o->placeholders = optarg; break;
        case 'C':
            if (cli_check_color("show", optarg) != 0) return -1;
            o->color = optarg;
            break;
        case 'v': o->verbose = 1; break;
        case 'h': usage(stdout); exit(0);
        default: return -1;
        }
    }
    if (optind + 1 != argc) {
        fprintf(stderr, optind >= argc ? "ruledex show: no rule given\n"
                                       : "ruledex show: one rule at a time\n");
        return -1;
    }
    o->rule = argv[optind];
    return 0;
}

/* ---- loading ----------------------------------------------------------- */

typedef struct shown {
    rdx_ruleset *rs;
    rdx_attack *attack;
    rdx_logsources *ls;
    rdx_catalog *cat;
    size_t file_first, file_end;      /* RULE's own rules in rs, when it is a file */
} shown;

static int is_file(const char *p) {
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int same_file(const char *a, const char *b) {
    char *ra = realpath(a, NULL), *rb = ra && b ? realpath(b, NULL) : NULL;
    int same = ra && rb && !strcmp(ra, rb);
    free(ra);
    free(rb);
    return same;
}

/* A corpus rule that RULE's file replaces: the same file, or the same id. */
static int replaced(const shown *s, const rdx_rule *r) {
    for (size_t i = s->file_first; i < s->file_end; i++) {
        const rdx_rule *f = s->rs->rules[i];
        if (f == r) return 0;
        if (f->id && r->id && !strcasecmp(f->id, r->id)) return 1;
    }
    return 0;
}

static void load(shown *s, const show_opts *o, rdx_diags *d) {
    cli_sources src;   /* 16 KiB of names: on the stack, once */
    s->rs = rdx_ruleset_new();
    if (o->placeholders && !(s->rs->placeholders = rdx_placeholders_load(o->placeholders, d))) return;
    cli_load_sources(s->rs, o->sources, o->n_sources, &src, d);
    /* RULE as a file the corpus does not already hold: load it too. */
    int in_corpus = 0;
    for (size_t i = 0; is_file(o->rule) && !in_corpus && i < s->rs->n_rules; i++)
        in_corpus = same_file(o->rule, s->rs->rules[i]->file);
    s->file_first = s->file_end = s->rs->n_rules;
    if (is_file(o->rule) && !in_corpus) {
        rdx_load_rules_path(s->rs, o->rule, NULL, d);
        s->file_end = s->rs->n_rules;
    }
    cli_settle_rules(s->rs, d);

    s->cat = rdx_catalog_new(s->attack, s->ls);
    for (size_t i = 0; i < src.n; i++) {
        size_t c = rdx_catalog_add_source(s->cat, src.names[i], src.paths[i]);
        for (size_t k = src.first[i]; k < src.first[i + 1]; k++)
            if (!replaced(s, s->rs->rules[k])) rdx_catalog_add_rule(s->cat, c, s->rs->rules[k]);
    }
    if (s->file_end > s->file_first) {
        size_t c = rdx_catalog_add_source(s->cat, "sigma", NULL);
        for (size_t k = s->file_first; k < s->file_end; k++) rdx_catalog_add_rule(s->cat, c, s->rs->rules[k]);
    }
    rdx_catalog_finish(s->cat);
}

/* The rules to show: every rule of RULE's file, or the one RULE names.
 * *ambiguous gets how many rules RULE names when that is more than one
 * (then nothing is picked). */
static size_t pick(const shown *s, const char *rule, const rdx_crule **out, size_t max,
                   size_t *ambiguous) {
    const rdx_crule *const *rules;
    size_t n = rdx_catalog_rules(s->cat, &rules), k = 0;
    *ambiguous = 0;
    if (is_file(rule)) {
        for (size_t i = 0; i < n && k < max; i++)
            if (same_file(rule, rules[i]->rule->file)) out[k++] = rules[i];
        return k;
    }
    k = rdx_catalog_find_all(s->cat, rule, out, max);
    if (k > 1) {
        *ambiguous = k;
        return 0;
    }
    return k;
}

/* An id two rules share: say which, and how to name each. */
static void list_candidates(const shown *s, const char *rule, const rdx_crule **cand, size_t n,
                            size_t total) {
    const rdx_csource *src;
    rdx_catalog_sources(s->cat, &src);
    fprintf(stderr, "ruledex show: '%s' names %zu rules; give one's file or slug:\n", cli_esc(rule), total);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "  %s  %s  (%s: %s)\n", cli_esc(cand[i]->slug), cli_esc(cand[i]->rule->title ? cand[i]->rule->title : "(untitled)"),
                cli_esc(src[cand[i]->source].name), cli_esc(cand[i]->rule->file));
    if (total > n) fprintf(stderr, "  ... and %zu more\n", total - n);
}

/* ---- the command ------------------------------------------------------- */

/* The page must not be written over a rule file or into a rule directory. */
static int output_conflicts(const show_opts *o) {
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
    if (is_file(o->rule)) cli_inputs_add(&in, o->rule, 0, &ignored);
    int conflict = cli_output_conflicts(&in, o->output, "show");
    cli_inputs_free(&in);
    rdx_diags_free(&ignored);
    return conflict;
}

static void render(rdx_strbuf *b, const shown *s, const rdx_crule **pages, size_t n,
                   const show_opts *o, int color) {
    rdx_render_opts ro = {color};
    if (o->format == RDX_PAGE_JSON && n > 1) rdx_strbuf_puts(b, "[\n");
    for (size_t i = 0; i < n; i++) {
        if (i && o->format == RDX_PAGE_JSON) rdx_strbuf_puts(b, ",\n");
        else if (i) rdx_strbuf_puts(b, o->format == RDX_PAGE_MARKDOWN ? "\n---\n\n" : "\n\n");
        size_t at = b->len;
        rdx_render_rule(b, s->cat, pages[i], o->format, &ro);
        if (o->format == RDX_PAGE_JSON && n > 1 && b->len > at && b->data[b->len - 1] == '\n') b->len--;
    }
    if (o->format == RDX_PAGE_JSON && n > 1) rdx_strbuf_puts(b, "\n]\n");
}

int rdx_cmd_show(int argc, char **argv) {
    show_opts o;
    memset(&o, 0, sizeof o);
    if (parse_args(&o, argc, argv) != 0) {
        usage(stderr);
        return RDX_EXIT_USAGE;
    }
    cli_colors ecol = cli_colors_for(stderr, o.color);
    shown s;
    memset(&s, 0, sizeof s);
    rdx_diags d, ref;
    rdx_diags_init(&d);
    rdx_diags_init(&ref);
    cli_load_references(o.attack, o.no_attack, o.logsources, &s.attack, &s.ls, &ref);
    cli_print_diags(stderr, &ref, &ecol, 0, 0);
    load(&s, &o, &d);
    /* A corpus like SigmaHQ has documents that do not load (Sigma 1
     * syntax in unsupported/): counted here, listed by --verbose or lint. */
    if (o.verbose) cli_print_diags(stderr, &d, &ecol, 0, 0);
    else if (d.errors)
        fprintf(stderr, "ruledex show: %s rule documents could not be loaded "
                        "(--verbose or 'ruledex lint' lists them)\n", cli_num(d.errors));
    const rdx_crule *pages[64];
    size_t ambiguous = 0;
    size_t n = s.cat ? pick(&s, o.rule, pages, 64, &ambiguous) : 0;
    int rc = RDX_EXIT_OK;
    if (ambiguous) {
        list_candidates(&s, o.rule, pages, ambiguous < 64 ? ambiguous : 64, ambiguous);
        rc = RDX_EXIT_USAGE;
    } else if (!n) {
        fprintf(stderr, is_file(o.rule) ? "ruledex show: %s: no rule could be loaded from it\n"
                                        : "ruledex show: no rule with id or name '%s' in the corpus\n",
                cli_esc(o.rule));
        rc = RDX_EXIT_USAGE;
    } else if (o.format == RDX_PAGE_HTML && n > 1) {
        fprintf(stderr, "ruledex show: %s holds %zu rules; showing the first (give its id for another)\n",
                cli_esc(o.rule), n);
        n = 1;
    }
    cli_output out;
    int conflict = n && output_conflicts(&o), opened = n && !conflict && cli_output_open(&out, o.output) == 0;
    if (opened) {
        cli_colors col = cli_colors_for(out.f, o.output ? "never" : o.color);
        rdx_strbuf b = RDX_STRBUF_INIT;
        render(&b, &s, pages, n, &o, col.on && o.format == RDX_PAGE_TEXT);
        fwrite(b.data, 1, b.len, out.f);
        rdx_strbuf_free(&b);
        if (cli_output_close(&out, 1) != 0) rc = RDX_EXIT_IO;   /* reported */
        else if (d.errors) rc = RDX_EXIT_INPUT;
    } else if (n) {
        rc = conflict ? RDX_EXIT_USAGE : RDX_EXIT_IO;   /* reported */
    }
    rdx_catalog_free(s.cat);
    rdx_ruleset_free(s.rs);
    rdx_attack_free(s.attack);
    rdx_logsources_free(s.ls);
    rdx_diags_free(&d);
    rdx_diags_free(&ref);
    return rc;
}
