/*
 * cmd_lint.c — `ruledex lint`: load rules and report every problem.
 *
 *     $ ruledex lint rules/
 *     rules/bad.yml:7:9: error: unknown modifier 'containz'
 *     lint: 3 files, 2 rules loaded, 1 error, 0 warnings
 *
 * Exit status 0 when every rule loads (warnings allowed), 1 otherwise.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common.h"

static void usage(FILE *f) {
    fputs("usage: ruledex lint [options] [LANG:]RULES...\n"
          "\n"
          "Load Sigma rules (files or directories, searched recursively for .yml and\n"
          ".yaml) and report every problem as file:line:column: severity: message.\n"
          "LANG (sigma) reads the files as that rule language only.\n"
          "\n"
          "options:\n"
          "  -p, --placeholders FILE   values for |expand placeholders\n"
          "  -f, --format FORMAT       text (default) or jsonl\n"
          "  -W, --errors-only         do not show warnings\n"
          "      --color WHEN          auto (default), always or never\n"
          "  -q, --quiet               no summary line\n"
          "  -h, --help                this help\n"
          "\n"
          "exit status: 0 every rule loaded; 1 some rule or file has an error;\n"
          "2 usage error.\n",
          f);
}

static void print_jsonl(const rdx_diags *d, int errors_only) {
    rdx_strbuf b = RDX_STRBUF_INIT;
    for (size_t i = 0; i < d->count; i++) {
        const rdx_diag *g = &d->items[i];
        if (errors_only && g->severity != RDX_SEV_ERROR) continue;
        rdx_strbuf_clear(&b);
        rdx_strbuf_puts(&b, "{\"file\":");
        rdx_json_write_string(&b, g->file ? g->file : "", g->file ? strlen(g->file) : 0);
        rdx_strbuf_printf(&b, ",\"line\":%u,\"column\":%u,\"severity\":\"%s\",\"category\":",
                          g->line, g->column, rdx_severity_name(g->severity));
        rdx_json_write_string(&b, g->category, strlen(g->category));
        rdx_strbuf_puts(&b, ",\"message\":");
        rdx_json_write_string(&b, g->message, strlen(g->message));
        rdx_strbuf_puts(&b, "}\n");
        fwrite(b.data, 1, b.len, stdout);
    }
    rdx_strbuf_free(&b);
}

int rdx_cmd_lint(int argc, char **argv) {
    static const struct option longs[] = {
        {"placeholders", required_argument, 0, 'p'}, {"format", required_argument, 0, 'f'},
        {"errors-only", no_argument, 0, 'W'},        {"color", required_argument, 0, 'C'},
        {"quiet", no_argument, 0, 'q'},              {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    cli_rules ro = {0};
    const char *color = NULL;
    int jsonl = 0, errors_only = 0, quiet = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "p:f:Wqh", longs, NULL)) != -1) {
        switch (c) {
        case 'p': ro.placeholders = optarg; break;
        case 'f':
            if (!strcmp(optarg, "jsonl") || !strcmp(optarg, "json")) jsonl = 1;
            else if (strcmp(optarg, "text") != 0) {
                fprintf(stderr, "ruledex lint: unknown format '%s' (text, jsonl)\n", cli_esc(optarg));
                return RDX_EXIT_USAGE;
            }
            break;
        case 'W': errors_only = 1; break;
        case 'C':
            if (cli_check_color("lint", optarg) != 0) return RDX_EXIT_USAGE;
            color = optarg;
            break;
        case 'q': quiet = 1; break;
        case 'h': usage(stdout); return RDX_EXIT_OK;
        default: usage(stderr); return RDX_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "ruledex lint: no rules given\n");
        usage(stderr);
        return RDX_EXIT_USAGE;
    }
    ro.paths = (const char **)(argv + optind);
    ro.n_paths = (size_t)(argc - optind);
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = cli_load_rules(&ro, &d);
    if (jsonl) {
        print_jsonl(&d, errors_only);
    } else {
        cli_colors col = cli_colors_for(stdout, color);
        cli_print_diags(stdout, &d, &col, errors_only, 0);
    }
    size_t unresolved = 0;
    for (size_t i = 0; rs && i < rs->n_rules; i++)
        unresolved += rs->rules[i]->status_load == RDX_RULE_UNRESOLVED_PLACEHOLDER;
    if (!quiet)
        fprintf(stderr, "lint: %s files, %s rules loaded (%s with unresolved placeholders, "
                "%s filters), %s errors, %s warnings\n",
                cli_num(rs ? rs->files_read : 0), cli_num(rs ? rs->n_rules : 0), cli_num(unresolved),
                cli_num(rs ? rs->n_filters : 0), cli_num(d.errors), cli_num(d.warnings));
    int rc = d.errors ? RDX_EXIT_FOUND : RDX_EXIT_OK;
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
    return rc;
}
