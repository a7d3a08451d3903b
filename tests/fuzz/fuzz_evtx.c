/*
 * fuzz_evtx.c — libFuzzer target for evtx.c and binxml.c.
 *
 * Each input is read twice:
 *   1. as a whole file, through rdx_evtx_open_buffer;
 *   2. as the bytes of one 64 KiB chunk (zero-padded or cut to size) behind
 *      a synthetic, valid file header — the quickest way for the fuzzer to
 *      reach BinXML, since it need not discover the 4 KiB header first.
 *      The chunk's "ElfChnk" signature is forced so that mutations spend
 *      their time on records; checksums are left as the input has them, so
 *      both the strict and the "read anyway" paths run.
 *
 * What must hold, for any bytes:
 *   - no crash, no sanitizer report, no hang (-timeout);
 *   - the reader ends: every call either returns an event, reports damage
 *     with a diagnostic of category "evtx", or says end of file, within a
 *     number of calls bounded by the size of the input;
 *   - every event's tree writes as JSON.
 *
 * Build and run (seeds: the corpus's EVTX files):
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc \
 *     -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
 *     tests/fuzz/fuzz_evtx.c src/event/evtx.c src/event/binxml.c \
 *     src/event/value.c src/event/event.c src/event/json_writer.c \
 *     src/util/arena.c src/util/diag.c src/util/strbuf.c -lz -lm -o fuzz_evtx
 *   ./fuzz_evtx -max_total_time=300 -timeout=10 work/ seeds/
 *
 * A crash input goes to tests/data/evtx/, where test_evtx.c replays it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "ruledex/evtx.h"
#include "ruledex/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HEADER 4096
#define CHUNK 65536

static void put32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void read_everything(const uint8_t *buf, size_t len) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_evtx *x = rdx_evtx_open_buffer(buf, len, "fuzz", &d);
    if (!x) {
        if (d.errors == 0) abort();        /* a refusal must say why */
        rdx_diags_free(&d);
        return;
    }
    rdx_arena *a = rdx_arena_new(0);
    rdx_strbuf out = RDX_STRBUF_INIT;
    rdx_event ev;
    size_t calls = 0;
    int r;
    while ((r = rdx_evtx_next(x, a, &ev, &d)) != 0) {
        /* Each call consumes at least one byte of a record or chunk. */
        if (++calls > len + 16) abort();
        if (r > 0) {
            if (!ev.root) abort();
            rdx_json_write(&out, ev.root, 0);
            rdx_strbuf_clear(&out);
        } else {
            if (d.count == 0) abort();   /* damage is always reported */
        }
        rdx_diags_clear(&d);
        rdx_arena_reset(a);
    }
    rdx_strbuf_free(&out);
    rdx_arena_free(a);
    rdx_evtx_close(x);
    rdx_diags_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    read_everything(data, size);

    /* One chunk behind a valid header.  The input sized to the chunk is
     * malloc'ed exactly so that ASan sees any read past its end. */
    size_t chunk_len = size < CHUNK ? size : CHUNK;
    uint8_t *file = calloc(1, HEADER + chunk_len + 8);
    if (!file) return 0;
    memcpy(file, "ElfFile", 8);
    file[32] = 128;
    file[36] = 1;
    file[38] = 3;
    file[41] = 0x10;
    file[42] = 1;
    put32(file + 124, (uint32_t)crc32(0, file, 120));
    memcpy(file + HEADER, data, chunk_len);
    if (chunk_len >= 8) memcpy(file + HEADER, "ElfChnk", 8);
    read_everything(file, HEADER + chunk_len);
    free(file);
    return 0;
}
