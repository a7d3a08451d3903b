/*
 * cmd_dump.c — `ruledex dump FILE.evtx...`: EVTX records as JSON.
 *
 * One event per line, in the layout evtx_dump 0.15.1 writes, every value as
 * logged (white space, 100 ns times), so the output can be compared with
 * evtx_dump (`make oracle-evtx`: value for value, GUID form aside) or fed
 * back to `ruledex hunt` with the same detections (tests/corpus/fidelity.sh).  Damaged chunks and records do not stop the
 * dump: each is reported on stderr as `file: offset 0x...: message` and
 * the rest is read.
 *
 * Exit status: 0 every record was read; 1 some chunks or records were
 * damaged (reported); 2 bad usage, or a file could not be opened; 74 the
 * output could not be written.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "common.h"
#include "ruledex/evtx.h"
#include "ruledex/json.h"

#define FLUSH_AT (1u << 16)   /* write output in blocks of about 64 KiB */

static void dump_usage(FILE *f) {
    fprintf(f,
            "usage: ruledex dump [--pretty] [--output FILE] FILE.evtx...\n"
            "\n"
            "Print every event record of the EVTX files as JSON, one object per line,\n"
            "every value as logged (the layout of evtx_dump 0.15.1; GUIDs as in the\n"
            "SigmaHQ regression data).\n"
            "\n"
            "  -o, --output FILE  write to FILE (replaced only when the dump completes;\n"
            "                     never one of the EVTX files)\n"
            "      --pretty       indented JSON, one object after another\n"
            "  -h, --help         this help\n"
            "\n"
            "'-', a FIFO or <(command) is read as a stream.  Damaged chunks and\n"
            "records are reported on stderr and skipped.\n"
            "Exit status: 0 all read, 1 some records or chunks damaged,\n"
            "2 bad usage or a file that cannot be opened, 74 the output could not\n"
            "be written.\n");
}

/* Print diagnostics as `file: offset 0x...: message` and forget them. */
static size_t flush_diags(rdx_diags *d) {
    size_t serious = 0;
    for (size_t i = 0; i < d->count; i++) {
        const rdx_diag *g = &d->items[i];
        if (g->severity >= RDX_SEV_WARNING) serious++;
        if (g->offset != UINT64_MAX)
            fprintf(stderr, "%s: offset 0x%" PRIx64 ": %s\n", cli_esc(g->file ? g->file : "-"),
                    g->offset, cli_esc(g->message));
        else
            fprintf(stderr, "%s: %s\n", cli_esc(g->file ? g->file : "-"), cli_esc(g->message));
    }
    rdx_diags_clear(d);
    return serious;
}

static int write_out(FILE *f, rdx_strbuf *buf) {
    int ok = buf->len == 0 || fwrite(buf->data, 1, buf->len, f) == buf->len;
    rdx_strbuf_clear(buf);
    return ok;
}

typedef struct dump_state {
    FILE *out;
    int pretty;
    rdx_strbuf buf;
    rdx_arena *arena;
    rdx_diags diags;
    int damaged, unopenable, write_failed;
} dump_state;

static void dump_file(dump_state *st, const char *path) {
    rdx_evtx *x = strcmp(path, "-") ? rdx_evtx_open(path, &st->diags)
                                    : rdx_evtx_open_fd(STDIN_FILENO, 0, "-", NULL, 0, &st->diags);
    if (!x) {
        flush_diags(&st->diags);
        st->unopenable = 1;
        return;
    }
    if (flush_diags(&st->diags)) st->damaged = 1;   /* e.g. a bad header checksum */
    rdx_event ev;
    int r;
    while ((r = rdx_evtx_next(x, st->arena, &ev, &st->diags)) != 0) {
        if (r > 0) {
            rdx_json_write(&st->buf, ev.root, st->pretty ? 2 : 0);
            rdx_strbuf_putc(&st->buf, '\n');
            if (st->buf.len >= FLUSH_AT && !write_out(st->out, &st->buf)) st->write_failed = 1;
        }
        if (st->diags.count && flush_diags(&st->diags)) st->damaged = 1;
        rdx_arena_reset(st->arena);
        if (st->write_failed) break;
    }
    if (!write_out(st->out, &st->buf)) st->write_failed = 1;
    rdx_evtx_close(x);
}

int rdx_cmd_dump(int argc, char **argv) {
    static const struct option longs[] = {
        {"output", required_argument, 0, 'o'}, {"pretty", no_argument, 0, 'P'},
        {"help", no_argument, 0, 'h'},         {0, 0, 0, 0},
    };
    const char *output = NULL;
    int pretty = 0, c;
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    if (!files) abort();
    size_t n = 0;
    optind = 1;
    /* "-": operands come back in place (as 1), so options may follow them:
     * `dump FILE -o OUT` as well as `dump -o OUT FILE` */
    while ((c = getopt_long(argc, argv, "-o:h", longs, NULL)) != -1) {
        switch (c) {
        case 1: files[n++] = optarg; break;
        case 'o': output = optarg; break;
        case 'P': pretty = 1; break;
        case 'h': dump_usage(stdout); free(files); return RDX_EXIT_OK;
        default: dump_usage(stderr); free(files); return RDX_EXIT_USAGE;
        }
    }
    while (optind < argc) files[n++] = argv[optind++];   /* after "--" */
    if (!n) {
        fprintf(stderr, "ruledex dump: no EVTX file given\n");
        dump_usage(stderr);
        free(files);
        return RDX_EXIT_USAGE;
    }
    /* the output must not be one of the inputs: that would destroy evidence */
    cli_inputs in;
    memset(&in, 0, sizeof in);
    rdx_diags ignored;
    rdx_diags_init(&ignored);
    for (size_t i = 0; i < n; i++) cli_inputs_add(&in, files[i], 0, &ignored);
    int conflict = cli_output_conflicts(&in, output, "dump");
    cli_inputs_free(&in);
    rdx_diags_free(&ignored);
    cli_output out;
    if (conflict) {   /* reported */
        free(files);
        return RDX_EXIT_USAGE;
    }
    if (cli_output_open(&out, output) != 0) {   /* reported */
        free(files);
        return RDX_EXIT_IO;
    }
    dump_state st = {.out = out.f, .pretty = pretty, .buf = RDX_STRBUF_INIT,
                     .arena = rdx_arena_new(0)};
    rdx_diags_init(&st.diags);
    for (size_t i = 0; i < n && !st.write_failed; i++) dump_file(&st, files[i]);
    free(files);
    rdx_strbuf_free(&st.buf);
    rdx_arena_free(st.arena);
    rdx_diags_free(&st.diags);
    /* a failed write is reported by the close, naming the file and why */
    int closed = cli_output_close(&out, 1);
    if (st.write_failed || closed != 0) return RDX_EXIT_IO;
    if (st.unopenable) return RDX_EXIT_USAGE;
    return st.damaged ? 1 : RDX_EXIT_OK;
}
