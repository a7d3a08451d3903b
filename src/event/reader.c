/* reader.c — one interface over the JSON and EVTX readers (reader.h). */
#include "ruledex/reader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ruledex/evtx.h"
#include "ruledex/json.h"

struct rdx_reader {
    rdx_format fmt;
    rdx_json_reader *json;
    rdx_evtx *evtx;
};

const char *rdx_format_name(rdx_format f) {
    return f == RDX_FMT_EVTX ? "evtx" : f == RDX_FMT_JSON ? "json" : "auto";
}

static rdx_format sniff(const char *path) {
    unsigned char head[8] = {0};
    FILE *f = fopen(path, "rb");
    if (!f) return RDX_FMT_JSON;   /* the JSON reader reports the error */
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    return rdx_evtx_sniff(head, n) ? RDX_FMT_EVTX : RDX_FMT_JSON;
}

rdx_reader *rdx_reader_open(const char *path, rdx_format fmt, rdx_diags *d) {
    if (fmt == RDX_FMT_AUTO) fmt = strcmp(path, "-") == 0 ? RDX_FMT_JSON : sniff(path);
    rdx_reader *r = calloc(1, sizeof *r);
    if (!r) abort();
    r->fmt = fmt;
    if (fmt == RDX_FMT_EVTX) r->evtx = rdx_evtx_open(path, d);
    else r->json = rdx_json_reader_open(path, d);
    if (!r->evtx && !r->json) {
        free(r);
        return NULL;
    }
    return r;
}

int rdx_reader_next(rdx_reader *r, rdx_arena *a, rdx_event *ev, rdx_diags *d) {
    return r->evtx ? rdx_evtx_next(r->evtx, a, ev, d) : rdx_json_reader_next(r->json, a, ev, d);
}

rdx_format rdx_reader_format(const rdx_reader *r) { return r->fmt; }

uint64_t rdx_reader_offset(const rdx_reader *r) {
    return r->evtx ? rdx_evtx_offset(r->evtx) : rdx_json_reader_offset(r->json);
}

void rdx_reader_close(rdx_reader *r) {
    if (!r) return;
    if (r->evtx) rdx_evtx_close(r->evtx);
    if (r->json) rdx_json_reader_close(r->json);
    free(r);
}
