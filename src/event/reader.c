/*
 * reader.c — one interface over the JSON and EVTX readers (reader.h).
 *
 * A file is opened once.  Its format is recognised from its first bytes
 * without consuming them: pread on a regular file; on a pipe (standard
 * input, a FIFO, a process substitution) the bytes read to look are handed
 * to the chosen reader, which reads them first, so a stream is read once,
 * front to back.  A file named *.evtx must be EVTX: an empty, header-only
 * or foreign file with that name is refused with a diagnostic, never read
 * as JSON that holds nothing.
 */
#include "ruledex/reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ruledex/evtx.h"
#include "ruledex/json.h"

#define HEAD 8   /* "ElfFile\0" */

struct rdx_reader {
    rdx_format fmt;
    rdx_json_reader *json;
    rdx_evtx *evtx;
};

const char *rdx_format_name(rdx_format f) {
    return f == RDX_FMT_EVTX ? "evtx" : f == RDX_FMT_JSON ? "json" : "auto";
}

static int named_evtx(const char *name) {
    size_t n = strlen(name);
    return n > 5 && !strcasecmp(name + n - 5, ".evtx");
}

/* Up to n first bytes of fd without losing them: pread on a regular file
 * (the offset stays), read on anything else (the caller passes them on).
 * Returns the count, or -1 (errno set). */
static ssize_t peek(int fd, int regular, unsigned char *head, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t k = regular ? pread(fd, head + got, n - got, (off_t)got) : read(fd, head + got, n - got);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) return -1;
        if (k == 0) break;
        got += (size_t)k;
    }
    return (ssize_t)got;
}

rdx_reader *rdx_reader_open_fd(int fd, int own_fd, const char *name, rdx_format fmt, rdx_diags *d) {
    struct stat st;
    int err = fstat(fd, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
    unsigned char head[HEAD];
    ssize_t n = err ? -1 : peek(fd, S_ISREG(st.st_mode), head, sizeof head);
    if (!err && n < 0) err = errno;
    if (err) {
        rdx_diag_add(d, RDX_SEV_ERROR, "io", name, 0, 0, "cannot read: %s", strerror(err));
        if (own_fd) close(fd);
        return NULL;
    }
    if (fmt == RDX_FMT_AUTO)
        fmt = rdx_evtx_sniff(head, (size_t)n) || named_evtx(name) ? RDX_FMT_EVTX : RDX_FMT_JSON;
    rdx_reader *r = calloc(1, sizeof *r);
    if (!r) abort();
    r->fmt = fmt;
    if (fmt == RDX_FMT_EVTX) r->evtx = rdx_evtx_open_fd(fd, own_fd, name, head, (size_t)n, d);
    else r->json = rdx_json_reader_from_fd(fd, own_fd, name, S_ISREG(st.st_mode) ? NULL : head,
                                           S_ISREG(st.st_mode) ? 0 : (size_t)n);
    if (!r->evtx && !r->json) {
        free(r);
        return NULL;
    }
    return r;
}

rdx_reader *rdx_reader_open(const char *path, rdx_format fmt, rdx_diags *d) {
    if (strcmp(path, "-") == 0) return rdx_reader_open_fd(STDIN_FILENO, 0, "-", fmt, d);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        rdx_diag_add(d, RDX_SEV_ERROR, "io", path, 0, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    return rdx_reader_open_fd(fd, 1, path, fmt, d);
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

void rdx_reader_set_borrow(rdx_reader *r, int on) {
    if (r && r->json) rdx_json_reader_set_borrow(r->json, on);
}
