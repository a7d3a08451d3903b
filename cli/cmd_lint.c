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
#include "ruledex/ir.h"
#include "ruledex/report.h"

static void usage(FILE *f) {
    fputs("usage: ruledex lint [options] [LANG:]RULES...\n"
          "\n"
          "Load Sigma rules (files or directories, searched recursively for .yml and\n"
          ".yaml) and report every problem as file:line:column: severity: message.\n"
          "Then check the set as a whole (warnings named by check, e.g.\n"
          "[identifier_uniqueness]; docs/CLI.md lists them).\n"
          "LANG (sigma) reads the files as that rule language only.\n"
          "\n"
          "options:\n"
          "  -p, --placeholders FILE   values for |expand placeholders\n"
          "  -f, --format FORMAT       text (default) or jsonl; ir: each rule's\n"
          "                            intermediate form as JSON Lines on stdout\n"
          "                            (ir.h), the diagnostics on stderr\n"
          "  -W, --errors-only         do not show warnings\n"
          "      --attack FILE         ATT&CK STIX bundle for tag checks (default: the\n"
          "                            installed one, when present)\n"
          "      --no-attack           no ATT&CK tag checks\n"
          "      --logsources FILE     log-source table for logsource checks\n"
          "      --sigmahq             also SigmaHQ's filename and title conventions\n"
          "      --no-checks           only what loading reports (no rule-set checks)\n"
          "      --color WHEN          auto (default), always or never\n"
          "  -q, --quiet               no summary line\n"
          "  -h, --help                this help\n"
          "\n"
          "exit status: 0 every rule loaded; 1 some rule or file has an error;\n"
          "2 usage error.\n",
          f);
}

/* -f ir: the intermediate form of every rule loaded, one JSON line each
 * (the languages round trip compares them across readers). */
static void print_ir(const rdx_ruleset *rs) {
    rdx_strbuf b = RDX_STRBUF_INIT;
    for (size_t i = 0; rs && i < rs->n_rules; i++) {
        rdx_strbuf_clear(&b);
        rdx_rule_ir_json(&b, rs->rules[i]);
        rdx_strbuf_putc(&b, '\n');
        fwrite(b.data, 1, b.len, stdout);
    }
    rdx_strbuf_free(&b);
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

/* A note per rule of another language whose condition needs an opaque
 * stage (text the reader kept but could not represent), at that stage:
 * such a rule loads, is listed and catalogued, but never matches. */
static size_t note_opaque(const rdx_ruleset *rs, rdx_diags *d) {
    size_t n = 0;
    for (size_t i = 0; rs && i < rs->n_rules; i++) {
        const rdx_rule *r = rs->rules[i];
        const char *why = rdx_rule_opaque_reason(r);
        if (!why) continue;
        const rdx_stage *st = NULL;
        for (size_t s = 0; s < r->n_stages && !st; s++)
            if (r->stages[s].opaque && r->stages[s].opaque->reason == why) st = &r->stages[s];
        const char *text = st && st->opaque->text ? st->opaque->text : "";
        int len = (int)strcspn(text, "\n");
        rdx_diag_add(d, RDX_SEV_NOTE, "opaque", r->file, st ? st->line : r->line, st ? st->column : 0,
                     "not runnable: stage %s (%s): %s: %.*s%s", st ? st->name : "?",
                     st && st->opaque->lang ? st->opaque->lang : "", why, len > 80 ? 80 : len, text,
                     len > 80 ? "..." : "");
        n++;
    }
    return n;
}

/* A note per correlation rule that cannot run as written (report.h): the
 * hunt names the same rules in its summary. */
static size_t note_correlations(const rdx_ruleset *rs, rdx_diags *d) {
    size_t n = 0;
    rdx_strbuf why = RDX_STRBUF_INIT;
    for (size_t i = 0; rs && i < rs->n_rules; i++) {
        const rdx_rule *r = rs->rules[i];
        rdx_strbuf_clear(&why);
        if (!rdx_correlation_not_runnable(r, &why)) continue;
        rdx_diag_add(d, RDX_SEV_NOTE, "correlation", r->file,
                     r->correlation ? r->correlation->line : r->line,
                     r->correlation ? r->correlation->column : 0, "not runnable: correlation '%s': %s",
                     r->title ? r->title : r->name ? r->name : "?", why.data);
        n++;
    }
    rdx_strbuf_free(&why);
    return n;
}

int rdx_cmd_lint(int argc, char **argv) {
    static const struct option longs[] = {
        {"placeholders", required_argument, 0, 'p'}, {"format", required_argument, 0, 'f'},
        {"errors-only", no_argument, 0, 'W'},        {"color", required_argument, 0, 'C'},
        {"quiet", no_argument, 0, 'q'},              {"help", no_argument, 0, 'h'},
        {"attack", required_argument, 0, 'A'},       {"no-attack", no_argument, 0, 'N'},
        {"logsources", required_argument, 0, 'L'},   {"sigmahq", no_argument, 0, 'S'},
        {"no-checks", no_argument, 0, 'X'},          {0, 0, 0, 0},
    };
    cli_rules ro = {0};
    const char *color = NULL;
    const char *attack_path = NULL, *logsources = NULL;
    int jsonl = 0, ir = 0, errors_only = 0, quiet = 0, no_attack = 0, checks = 1, c;
    rdx_lint_opts lo = {0};
    optind = 1;
    while ((c = getopt_long(argc, argv, "p:f:Wqh", longs, NULL)) != -1) {
        switch (c) {
        case 'p': ro.placeholders = optarg; break;
        case 'f':
            if (!strcmp(optarg, "jsonl") || !strcmp(optarg, "json")) jsonl = 1;
            else if (!strcmp(optarg, "ir")) ir = 1;
            else if (strcmp(optarg, "text") != 0) {
                fprintf(stderr, "ruledex lint: unknown format '%s' (text, jsonl, ir)\n", cli_esc(optarg));
                return RDX_EXIT_USAGE;
            }
            break;
        case 'W': errors_only = 1; break;
        case 'C':
            if (cli_check_color("lint", optarg) != 0) return RDX_EXIT_USAGE;
            color = optarg;
            break;
        case 'q': quiet = 1; break;
        case 'A': attack_path = optarg; break;
        case 'N': no_attack = 1; break;
        case 'L': logsources = optarg; break;
        case 'S': lo.sigmahq = 1; break;
        case 'X': checks = 0; break;
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
    rdx_attack *attack = NULL;
    rdx_logsources *ls = NULL;
    if (checks) {
        cli_load_references(attack_path, no_attack, logsources, &attack, &ls, &d);
        lo.attack = attack;
        lo.ls = ls;
        rdx_lint(rs, &lo, &d);
    }
    size_t not_runnable = note_opaque(rs, &d);
    size_t corr_not_runnable = note_correlations(rs, &d);
    if (ir) {
        print_ir(rs);
        cli_colors col = cli_colors_for(stderr, color);
        cli_print_diags(stderr, &d, &col, errors_only, 0);
    } else if (jsonl) {
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
    if (!quiet && not_runnable)
        fprintf(stderr, "lint: %s rules kept but not runnable (a stage the reader could not "
                "represent: see the notes)\n", cli_num(not_runnable));
    if (!quiet && corr_not_runnable)
        fprintf(stderr, "lint: %s correlation rules cannot run as written (see the notes)\n",
                cli_num(corr_not_runnable));
    int rc = d.errors ? RDX_EXIT_FOUND : RDX_EXIT_OK;
    rdx_attack_free(attack);
    rdx_logsources_free(ls);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
    return rc;
}
