/*
 * cmd_explain.c — `ruledex explain RULE EVENT`: why a rule did or did not
 * match one event.  The explanation is the library's (explain.h); this
 * file picks the rule and reads the one event.
 *
 *     $ ruledex explain rules/proc_creation_win_whoami.yml 'Security.evtx#42'
 *     $ ruledex explain rules/x.yml '{"EventID": 1, "Image": "C:\\cmd.exe"}'
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common.h"
#include "ruledex/explain.h"

typedef struct explain_opts {
    cli_rules rules;
    const char *select, *logsources, *event;
    int json;
} explain_opts;

static void usage(FILE *f) {
    fputs("usage: ruledex explain [options] [LANG:]RULE EVENT\n"
          "\n"
          "Explain why a rule did or did not match one event: routing (which logsource\n"
          "and why the event is or is not covered), each stage and predicate with the\n"
          "field value it saw (after field maps and aliases) and its verdict, and the\n"
          "condition evaluated step by step.  The verdicts are the reference\n"
          "evaluator's own, traced as it decides.\n"
          "\n"
          "RULE is a rule file (or directory: use --rule to pick one).  EVENT is\n"
          "  FILE.evtx#RECORD    the EVTX record with that record id\n"
          "  FILE.json#LINE      the JSON event on that line\n"
          "  FILE                its first event\n"
          "  '{...}'             a JSON object given inline\n"
          "  -                   the first JSON event on standard input\n"
          "\n"
          "options:\n"
          "  -r, --rule ID|TITLE       the rule to explain when RULE holds several\n"
          "                            (default: each detection rule of RULE)\n"
          "  -f, --format FORMAT       text (default) or json (one object per rule)\n"
          "  -p, --placeholders FILE   values for |expand placeholders\n"
          "      --logsources FILE     the log-source table (default: the shipped one)\n"
          "  -h, --help                this help\n"
          "\n"
          "exit status: 0 hunt would report the event for the rule (for every rule\n"
          "explained); 1 it would not; 2 usage error, no such rule or event.\n",
          f);
}

static int parse(int argc, char **argv, explain_opts *o) {
    static const struct option longs[] = {
        {"rule", required_argument, 0, 'r'},         {"format", required_argument, 0, 'f'},
        {"placeholders", required_argument, 0, 'p'}, {"logsources", required_argument, 0, 'L'},
        {"help", no_argument, 0, 'h'},               {0, 0, 0, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "r:f:p:h", longs, NULL)) != -1) {
        switch (c) {
        case 'r': o->select = optarg; break;
        case 'p': o->rules.placeholders = optarg; break;
        case 'L': o->logsources = optarg; break;
        case 'f':
            if (!strcmp(optarg, "json") || !strcmp(optarg, "jsonl")) o->json = 1;
            else if (strcmp(optarg, "text") != 0) {
                fprintf(stderr, "ruledex explain: unknown format '%s' (text, json)\n", optarg);
                return -1;
            }
            break;
        case 'h': usage(stdout); return 1;
        default: usage(stderr); return -1;
        }
    }
    if (argc - optind != 2) {
        fprintf(stderr, "ruledex explain: give one RULE and one EVENT\n");
        usage(stderr);
        return -1;
    }
    o->rules.paths = (const char **)(argv + optind);
    o->rules.n_paths = 1;
    o->event = argv[optind + 1];
    return 0;
}

/* "FILE#N": *n = N and the path without it (malloc'ed); else a copy. */
static char *split_record(const char *spec, uint64_t *n) {
    const char *hash = strrchr(spec, '#');
    *n = 0;
    if (hash && hash[1]) {
        char *end;
        unsigned long long v = strtoull(hash + 1, &end, 10);
        if (!*end) {
            *n = v;
            return strndup(spec, (size_t)(hash - spec));
        }
    }
    return strdup(spec);
}

/* Read the event EVENT names into ev (in arena a); the source stays open
 * in *src because the event refers to it.  0, or -1 with a message. */
static int read_event(const char *spec, rdx_arena *a, rdx_event *ev, rdx_source **src, rdx_diags *d) {
    uint64_t want = 0;
    char *path = NULL;
    if (spec[0] == '{' || spec[0] == '[') {
        *src = rdx_source_open_buffer(spec, strlen(spec), NULL, d);
    } else {
        path = split_record(spec, &want);
        *src = rdx_source_open_file(path, RDX_FMT_AUTO, d);
    }
    int rc = -1;
    while (*src && (rc = rdx_source_next(*src, a, ev, d)) != 0) {
        uint64_t at = ev->record_id ? ev->record_id : ev->line;
        if (rc > 0 && (!want || at == want)) break;
        rdx_arena_reset(a);
    }
    if (rc <= 0) {
        if (want) fprintf(stderr, "ruledex explain: %s has no readable event #%llu\n", cli_esc(path),
                          (unsigned long long)want);
        else fprintf(stderr, "ruledex explain: no readable event in %s\n", path ? cli_esc(path) : "the argument");
    }
    free(path);
    return rc > 0 ? 0 : -1;
}

static int selected(const rdx_rule *r, const char *select) {
    if (r->kind != RDX_KIND_DETECTION) return 0;
    return !select || (r->id && !strcmp(r->id, select)) || (r->title && !strcmp(r->title, select)) ||
           (r->name && !strcmp(r->name, select));
}

int rdx_cmd_explain(int argc, char **argv) {
    explain_opts o = {0};
    int p = parse(argc, argv, &o);
    if (p) return p > 0 ? RDX_EXIT_OK : RDX_EXIT_USAGE;
    cli_colors ecol = cli_colors_for(stderr, "never");
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = cli_load_rules(&o.rules, &d);
    rdx_logsources *ls = rdx_logsources_load(cli_logsources_path(o.logsources), &d);
    cli_print_diags(stderr, &d, &ecol, 1, 20);
    rdx_diags_clear(&d);
    int rc = RDX_EXIT_USAGE;
    rdx_arena *a = rdx_arena_new(0);
    rdx_source *src = NULL;
    rdx_event ev;
    size_t explained = 0, reported = 0;
    if (read_event(o.event, a, &ev, &src, &d) == 0) {
        rdx_strbuf out = RDX_STRBUF_INIT;
        for (size_t i = 0; rs && i < rs->n_rules; i++) {
            if (!selected(rs->rules[i], o.select)) continue;
            if (explained++ && !o.json) rdx_strbuf_putc(&out, '\n');
            reported += (size_t)rdx_explain(rs->rules[i], &ev, ls,
                                            o.json ? RDX_EXPLAIN_JSON : RDX_EXPLAIN_TEXT, &out);
        }
        if (!o.json) {   /* the event's values and the rule's text: shown escaped */
            rdx_strbuf safe = RDX_STRBUF_INIT;
            rdx_esc_text(&safe, out.data, out.len, RDX_ESC_NEWLINES | RDX_ESC_TABS);
            rdx_strbuf_free(&out);
            out = safe;
        }
        fwrite(out.data, 1, out.len, stdout);
        rdx_strbuf_free(&out);
        if (!explained)
            fprintf(stderr, "ruledex explain: no detection rule%s%s in %s\n", o.select ? " " : "",
                    cli_esc(o.select), cli_esc(o.rules.paths[0]));
        else rc = reported == explained ? RDX_EXIT_OK : RDX_EXIT_FOUND;
    }
    cli_print_diags(stderr, &d, &ecol, 1, 20);
    rdx_source_close(src);
    rdx_arena_free(a);
    rdx_logsources_free(ls);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
    return rc;
}
