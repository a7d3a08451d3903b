/*
 * commands.h — the ruledex sub-commands.  Each takes the arguments after
 * its own name (argv[0] is the command name) and returns the process exit
 * status; see docs/CLI.md for the exit codes.  The CLI is the only place
 * that prints.
 */
#ifndef RDX_CLI_COMMANDS_H
#define RDX_CLI_COMMANDS_H

int rdx_cmd_hunt(int argc, char **argv);
int rdx_cmd_lint(int argc, char **argv);
int rdx_cmd_dump(int argc, char **argv);
int rdx_cmd_show(int argc, char **argv);
int rdx_cmd_catalog(int argc, char **argv);
int rdx_cmd_test(int argc, char **argv);
int rdx_cmd_explain(int argc, char **argv);
int rdx_cmd_coverage(int argc, char **argv);
int rdx_cmd_search(int argc, char **argv);
int rdx_cmd_stream(int argc, char **argv);
int rdx_cmd_convert(int argc, char **argv);

#endif
