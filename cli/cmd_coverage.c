/*
 * cmd_coverage.c — `ruledex coverage`: which rules can fire at all on a
 * data set.  The analysis is the library's (coverage.h); this file reads
 * the events and prints.
 *
 *     $ ruledex coverage -r rules/ logs/
 *     $ ruledex coverage rules/ Security.evtx Sysmon.evtx
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common.h"
#include "ruledex/coverage.h"

#define MAX_RULE_PATHS 64

static void usage(FILE *f) {
    fputs("usage: ruledex coverage [options] -r [LANG:]RULES... EVENTS...\n"
          "       ruledex coverage [options] [LANG:]RULES EVENTS...\n"
          "\n"
          "For a data set, which rules can fire at all: per logsource, how many events\n"
          "it covers (routed as hunt routes them); rules whose logsource no event\n"
          "covers; fields the rules read that are never present in the events their\n"
          "logsource covers, with the nearest names that are; and the events no rule\n"
          "reads.  Without -r the first argument is the rules.\n"
          "\n"
          "options:\n"
          "  -r, --rules [LANG:]PATH   rules (repeatable)\n"
          "  -f, --format FORMAT       text (default) or json\n"
          "  -p, --placeholders FILE   values for |expand placeholders\n"
          "      --logsources FILE     the log-source table (default: the shipped one)\n"
          "  -h, --help                this help\n"
          "\n"
          "exit status: 0 done; 2 usage error, or no rules or no events.\n",
          f);
}

int rdx_cmd_coverage(int argc, char **argv) {
    static const struct option longs[] = {
        {"rules", required_argument, 0, 'r'},        {"format", required_argument, 0, 'f'},
        {"placeholders", required_argument, 0, 'p'}, {"logsources", required_argument, 0, 'L'},
        {"help", no_argument, 0, 'h'},               {0, 0, 0, 0},
    };
    const char *paths[MAX_RULE_PATHS], *logsources = NULL;
    cli_rules ro = {paths, 0, NULL};
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "r:f:p:h", longs, NULL)) != -1) {
        switch (c) {
        case 'r':
            if (ro.n_paths == MAX_RULE_PATHS) {
                fprintf(stderr, "ruledex coverage: at most %d -r\n", MAX_RULE_PATHS);
                return RDX_EXIT_USAGE;
            }
            paths[ro.n_paths++] = optarg;
            break;
        case 'f':
            if (!strcmp(optarg, "json")) json = 1;
            else if (strcmp(optarg, "text") != 0) {
                fprintf(stderr, "ruledex coverage: unknown format '%s' (text, json)\n", cli_esc(optarg));
                return RDX_EXIT_USAGE;
            }
            break;
        case 'p': ro.placeholders = optarg; break;
        case 'L': logsources = optarg; break;
        case 'h': usage(stdout); return RDX_EXIT_OK;
        default: usage(stderr); return RDX_EXIT_USAGE;
        }
    }
    if (!ro.n_paths && optind < argc) paths[ro.n_paths++] = argv[optind++];
    if (!ro.n_paths || optind >= argc) {
        fprintf(stderr, "ruledex coverage: give rules and events\n");
        usage(stderr);
        return RDX_EXIT_USAGE;
    }
    cli_colors ecol = cli_colors_for(stderr, "never");
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = cli_load_rules(&ro, &d);
    rdx_logsources *ls = rdx_logsources_load(cli_logsources_path(logsources), &d);
    cli_inputs in;
    memset(&in, 0, sizeof in);
    for (int i = optind; i < argc; i++) cli_inputs_add(&in, argv[i], 1, &d);
    cli_print_diags(stderr, &d, &ecol, 1, 20);
    rdx_diags_clear(&d);
    rdx_coverage *cov = rs ? rdx_coverage_new(rs, ls) : NULL;
    rdx_arena *a = rdx_arena_new(0);
    for (size_t i = 0; cov && i < in.n; i++) {
        rdx_source *src = cli_input_source(&in.items[i], &d);
        rdx_event ev;
        int rc;
        while (src && (rc = rdx_source_next(src, a, &ev, &d)) != 0) {
            if (rc > 0) rdx_coverage_add(cov, &ev);
            rdx_arena_reset(a);
        }
        rdx_source_close(src);
    }
    cli_print_diags(stderr, &d, &ecol, 1, 20);
    int rc = RDX_EXIT_USAGE;
    if (cov && rdx_coverage_get_summary(cov).events) {
        rdx_strbuf out = RDX_STRBUF_INIT;
        rdx_coverage_report(cov, json ? RDX_COVERAGE_JSON : RDX_COVERAGE_TEXT, &out);
        if (!json) {   /* field names and values come from the evidence: shown escaped */
            rdx_strbuf safe = RDX_STRBUF_INIT;
            rdx_esc_text(&safe, out.data, out.len, RDX_ESC_NEWLINES | RDX_ESC_TABS);
            rdx_strbuf_free(&out);
            out = safe;
        }
        fwrite(out.data, 1, out.len, stdout);
        rdx_strbuf_free(&out);
        rc = RDX_EXIT_OK;
    } else {
        fprintf(stderr, "ruledex coverage: no events read\n");
    }
    rdx_arena_free(a);
    rdx_coverage_free(cov);
    cli_inputs_free(&in);
    rdx_logsources_free(ls);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
    return rc;
}
