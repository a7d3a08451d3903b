/*
 * main.c — the ruledex command line: a table of sub-commands.
 * Each command lives in its own cmd_*.c; this file only dispatches.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "common.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"hunt", rdx_cmd_hunt, "run rules over EVTX/JSON events and print detections"},
    {"lint", rdx_cmd_lint, "load rules and report every problem with file:line:column"},
    {"dump", rdx_cmd_dump, "print EVTX records as JSON, one event per line"},
    {"show", rdx_cmd_show, "the catalog page of one rule: ATT&CK, events, indicators"},
    {"catalog", rdx_cmd_catalog, "build a static HTML catalog of rule sets"},
    {"explain", rdx_cmd_explain, "why a rule did or did not match one event"},
    {"coverage", rdx_cmd_coverage, "which rules can fire at all on a data set"},
    {"test", rdx_cmd_test, "run a rule repository's regression tests and baseline"},
    {"search", rdx_cmd_search, "find events by keyword, regex or Sigma field expression"},
    {"stream", rdx_cmd_stream, "detect over Kafka topics as consumer-group workers"},
    {"convert", rdx_cmd_convert, "rules as SQL, ES|QL, KQL or SPL queries"},
};

static void usage(FILE *f) {
    fprintf(f, "usage: ruledex COMMAND [options] [args]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'ruledex COMMAND --help' describes a command; docs/CLI.md has the details.\n");
}

int main(int argc, char **argv) {
    cli_signals_install();
    if (argc < 2) {
        usage(stderr);
        return RDX_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "-h") || !strcmp(name, "--help") || !strcmp(name, "help")) {
        usage(stdout);
        return RDX_EXIT_OK;
    }
    if (!strcmp(name, "--version") || !strcmp(name, "version")) {
        printf("ruledex %s\n", RULEDEX_VERSION);
        return RDX_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(name, commands[i].name)) return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "ruledex: unknown command '%s'\n", cli_esc(name));
    usage(stderr);
    return RDX_EXIT_USAGE;
}
