/*
 * evtx.c — the EVTX container: file header, chunks, event records.
 *
 * Why hand-written: no well-kept C EVTX library exists in Debian, and the
 * container is small (see docs/libevtx in the corpus).  A file is a 4 KiB
 * header followed by 64 KiB chunks; each chunk is a 512-byte header
 * ("ElfChnk\0", checksums, free-space offset) followed by event records
 * ("\x2a\x2a\0\0", size, record id, time, BinXML, size again).  BinXML and
 * the JSON layout are binxml.c's business; this file finds the records and
 * decides what to trust.
 *
 * Reading policy, for files pulled off live or damaged systems:
 *   - a file is read one 64 KiB chunk at a time into a buffer of the
 *     reader's own (pread on a regular file, read on a pipe, so a stream
 *     is read once, front to back, in bounded memory), never mapped: a
 *     file that shrinks while it is read (log rotation, a copy still in
 *     progress) is a short read, reported as truncated, where a mapping
 *     would have died of SIGBUS; every offset is checked against the
 *     chunk;
 *   - a file shorter than its 4 KiB header, or a header with no chunk
 *     after it, holds no events and is refused when opened (an empty or
 *     header-only .evtx is unreadable evidence, not "nothing found");
 *   - chunks are found by file size, not by the header's chunk count: a
 *     log that was not closed cleanly (dirty flag) has chunks the header
 *     does not count yet;
 *   - an all-zero chunk is unused space, not damage, and so is a chunk
 *     without a signature past the header's chunk count (preallocated
 *     space still holding old bytes);
 *   - any other chunk without the "ElfChnk" signature, or too short to
 *     hold its header, is reported and skipped;
 *   - a checksum mismatch (file header, chunk header, event records) is
 *     reported as a warning, and the chunk is still read record by record,
 *     each record checked on its own (signature, size and size copy, and a
 *     BinXML document that decodes).  We never need the header's string and
 *     template tables (names and templates are read at their own offsets),
 *     so a damaged chunk header costs nothing else.  Files whose header
 *     carries flag 0x4 do not maintain checksums, and are not checked;
 *   - a bad record is reported and skipped; reading resumes at the next
 *     offset in the chunk where a well-formed record header starts (the
 *     recovery libevtx describes);
 *   - a truncated last chunk is read as far as it goes.
 * Every diagnostic has category "evtx", the file name, the absolute byte
 * offset, and a message naming the chunk number and the reason.
 *
 * Limits: records are bounded by their chunk (64 KiB); BinXML limits are
 * documented in binxml.c.  The reader holds no global state; one reader
 * per thread.  Memory: the file header and one chunk.
 */
#define _GNU_SOURCE 1   /* SEEK_DATA */
#include "ruledex/evtx.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libdeflate.h>

#include "binxml.h"
#include "util/file.h"

#define FILE_HEADER_SIZE 4096
#define CHUNK_SIZE 65536
#define CHUNK_HEADER_SIZE 512
#define RECORD_HEADER_SIZE 24
#define RECORD_MIN_SIZE (RECORD_HEADER_SIZE + 4)   /* header and size copy */
#define FLAG_NO_CRC 0x4

struct rdx_evtx {
    const uint8_t *data;      /* buffers: the whole file; files: NULL */
    size_t size;              /* bytes when opened (streams: read so far) */
    int fd;                   /* files: read from here; -1 for buffers */
    int own_fd;               /* close fd on close */
    int stream;               /* fd is a pipe or device: read(2) in order */
    int ended;                /* no more chunks (end of stream, or the file shrank) */
    uint8_t *buf;             /* files: the current chunk */
    const uint8_t *cdata;     /* the current chunk's bytes */
    char *name;
    int check_crc;
    uint64_t n_declared;      /* chunk count in the file header */
    uint64_t n_chunks;        /* chunks present, from the file size */
    uint64_t next_chunk;      /* index of the next chunk to open */
    /* the chunk being read */
    int in_chunk;
    uint64_t chunk_index;
    size_t chunk_off;         /* file offset of the chunk */
    size_t chunk_len;         /* bytes present (less than 64 KiB if truncated) */
    size_t rec_pos, rec_end;  /* next record, end of record data (chunk offsets) */
    rdx_bx_chunk *bx;
    rdx_evtx_stats stats;
};

static inline uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t rd32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline uint64_t rd64(const uint8_t *p) { return rd32(p) | ((uint64_t)rd32(p + 4) << 32); }

/* CRC-32 (the zlib polynomial) with libdeflate: carry-less multiplication
 * where the CPU has it, several times zlib's crc32 (1.3-1.8 GB/s here),
 * which was a quarter of reading an EVTX file.  Continued by passing the
 * CRC so far, as with zlib. */
static uint32_t crc(const uint8_t *p, size_t n) { return libdeflate_crc32(0, p, n); }

__attribute__((format(printf, 5, 6)))
static void diag(rdx_diags *d, rdx_severity sev, const char *file, uint64_t offset,
                 const char *fmt, ...) {
    if (!d) return;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rdx_diag *e = rdx_diag_add(d, sev, "evtx", file, 0, 0, "%s", msg);
    e->offset = offset;
}

static int all_zero(const uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i]) return 0;
    return 1;
}

int rdx_evtx_sniff(const void *head, size_t len) {
    return len >= 8 && memcmp(head, "ElfFile\0", 8) == 0;
}

/* ------------------------------------------------------------------ */
/* Opening.                                                            */

static void check_file_header(rdx_evtx *x, const uint8_t *h, rdx_diags *d) {
    uint32_t flags = rd32(h + 120);
    x->check_crc = !(flags & FLAG_NO_CRC);
    x->n_declared = rd16(h + 42);
    /* Known flags: 0x1 dirty, 0x2 full, 0x4 no checksums.  Others say the
     * header is suspect; the chunks carry everything we need anyway. */
    if (flags & ~UINT32_C(0x7))
        diag(d, RDX_SEV_NOTE, x->name, 120, "unknown file header flags 0x%08" PRIx32, flags);
    if (x->check_crc && crc(h, 120) != rd32(h + 124))
        diag(d, RDX_SEV_WARNING, x->name, 124,
             "file header checksum mismatch; reading the chunks anyway");
}

static rdx_evtx *reader_alloc(const char *name) {
    rdx_evtx *x = calloc(1, sizeof *x);
    if (!x) abort();
    x->fd = -1;
    x->name = strdup(name ? name : "");
    if (!x->name) abort();
    x->bx = rdx_bx_chunk_new();
    return x;
}

/* The file header h (hlen bytes present) of a file of size bytes
 * (UINT64_MAX: a stream, size unknown).  0, or -1 with a diagnostic when
 * it cannot hold events. */
static int read_header(rdx_evtx *x, const uint8_t *h, size_t hlen, uint64_t size, rdx_diags *d) {
    if (!rdx_evtx_sniff(h, hlen)) {
        if (hlen == 0)
            diag(d, RDX_SEV_ERROR, x->name, 0, "not an EVTX file: the file is empty");
        else
            diag(d, RDX_SEV_ERROR, x->name, 0, "not an EVTX file (no \"ElfFile\" signature)");
        return -1;
    }
    if (hlen < FILE_HEADER_SIZE) {
        diag(d, RDX_SEV_ERROR, x->name, hlen, "file header truncated (%zu of %d bytes): no events",
             hlen, FILE_HEADER_SIZE);
        return -1;
    }
    if (size != UINT64_MAX && size <= FILE_HEADER_SIZE) {
        diag(d, RDX_SEV_ERROR, x->name, size, "only a file header, no chunks: no events");
        return -1;
    }
    check_file_header(x, h, d);
    return 0;
}

static rdx_evtx *reader_new(const uint8_t *data, size_t size, const char *name, rdx_diags *d) {
    rdx_evtx *x = reader_alloc(name);
    if (read_header(x, data, size < FILE_HEADER_SIZE ? size : FILE_HEADER_SIZE, size, d) != 0) {
        rdx_evtx_close(x);
        return NULL;
    }
    x->data = data;
    x->size = size;
    x->n_chunks = (size - FILE_HEADER_SIZE + CHUNK_SIZE - 1) / CHUNK_SIZE;
    return x;
}

rdx_evtx *rdx_evtx_open_buffer(const void *buf, size_t len, const char *name, rdx_diags *d) {
    return reader_new(buf, len, name ? name : "(buffer)", d);
}

/* Read up to n bytes at the stream position; fewer only at end of input.
 * -1 on a read error (errno set). */
static ssize_t read_full(int fd, uint8_t *p, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t k = read(fd, p + got, n - got);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) return -1;
        if (k == 0) break;
        got += (size_t)k;
    }
    return (ssize_t)got;
}

rdx_evtx *rdx_evtx_open_fd(int fd, int own_fd, const char *name, const void *head, size_t head_len,
                           rdx_diags *d) {
    struct stat st;
    int err = fstat(fd, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
    if (err) {
        diag(d, RDX_SEV_ERROR, name, UINT64_MAX, "cannot read: %s", strerror(err));
        if (own_fd) close(fd);
        return NULL;
    }
    rdx_evtx *x = reader_alloc(name);
    x->fd = fd;
    x->own_fd = own_fd;
    x->stream = !S_ISREG(st.st_mode);
    x->buf = malloc(CHUNK_SIZE);
    if (!x->buf) abort();
    /* The header: the bytes already taken from a stream, then the rest. */
    if (head_len > FILE_HEADER_SIZE) head_len = FILE_HEADER_SIZE;
    if (!x->stream) head_len = 0;
    if (head_len) memcpy(x->buf, head, head_len);
    ssize_t k = x->stream ? read_full(fd, x->buf + head_len, FILE_HEADER_SIZE - head_len)
                          : rdx_pread_full(fd, x->buf, FILE_HEADER_SIZE, 0);
    if (k < 0) {
        diag(d, RDX_SEV_ERROR, name, UINT64_MAX, "cannot read: %s", strerror(errno));
        rdx_evtx_close(x);
        return NULL;
    }
    size_t hlen = head_len + (size_t)k;
    uint64_t size = x->stream ? UINT64_MAX : (uint64_t)st.st_size;
    if (!x->stream && size < hlen) size = hlen;
    if (read_header(x, x->buf, hlen, size, d) != 0) {
        rdx_evtx_close(x);
        return NULL;
    }
    x->size = x->stream ? FILE_HEADER_SIZE : (size_t)size;
    x->n_chunks = x->stream ? UINT64_MAX : (size - FILE_HEADER_SIZE + CHUNK_SIZE - 1) / CHUNK_SIZE;
    return x;
}

rdx_evtx *rdx_evtx_open(const char *path, rdx_diags *d) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        diag(d, RDX_SEV_ERROR, path, UINT64_MAX, "cannot open: %s", strerror(errno));
        return NULL;
    }
    return rdx_evtx_open_fd(fd, 1, path, NULL, 0, d);
}

void rdx_evtx_close(rdx_evtx *x) {
    if (!x) return;
    if (x->own_fd && x->fd >= 0) close(x->fd);
    free(x->buf);
    rdx_bx_chunk_free(x->bx);
    free(x->name);
    free(x);
}

const rdx_evtx_stats *rdx_evtx_get_stats(const rdx_evtx *x) { return &x->stats; }

void rdx_evtx_set_chunk_range(rdx_evtx *x, uint64_t first, uint64_t end) {
    if (first > x->next_chunk) x->next_chunk = first;
    if (end < x->n_chunks) x->n_chunks = end;
}
uint64_t rdx_evtx_size(const rdx_evtx *x) { return x->size; }

uint64_t rdx_evtx_offset(const rdx_evtx *x) {
    if (x->in_chunk) return x->chunk_off + x->rec_pos;
    uint64_t off = FILE_HEADER_SIZE + x->next_chunk * (uint64_t)CHUNK_SIZE;
    return off < x->size ? off : x->size;
}

/* ------------------------------------------------------------------ */
/* Chunks.                                                             */

/* Checksums of a chunk that has its signature; warnings only. */
static void check_chunk_crcs(rdx_evtx *x, const uint8_t *c, size_t fso, rdx_diags *d) {
    uint64_t idx = x->chunk_index;
    if (x->chunk_len >= CHUNK_HEADER_SIZE) {
        uint32_t want = rd32(c + 124);
        uint32_t got = libdeflate_crc32(crc(c, 120), c + 128, CHUNK_HEADER_SIZE - 128);
        if (got != want) {
            x->stats.chunks_suspect++;
            diag(d, RDX_SEV_WARNING, x->name, x->chunk_off + 124,
                 "chunk %" PRIu64 ": header checksum mismatch; checking its records one by one", idx);
            return;      /* one warning per chunk is enough */
        }
    }
    if (fso && crc(c + CHUNK_HEADER_SIZE, fso - CHUNK_HEADER_SIZE) != rd32(c + 52)) {
        x->stats.chunks_suspect++;
        diag(d, RDX_SEV_WARNING, x->name, x->chunk_off + 52,
             "chunk %" PRIu64 ": event records checksum mismatch; checking its records one by one",
             idx);
    }
}

/* A chunk signature with at most two damaged bytes. */
static int near_signature(const uint8_t *c, size_t len) {
    int off = 0;
    for (size_t i = 0; i < 8 && i < len; i++) off += c[i] != (uint8_t)"ElfChnk"[i];
    return len >= 8 && off <= 2;
}

/* The bytes of chunk idx at file offset off: *len of them (less than
 * CHUNK_SIZE for a truncated last chunk).  NULL at the end of a stream, or
 * with an error when the file could not be read or has shrunk since it
 * was opened (then reading ends). */
static const uint8_t *fetch_chunk(rdx_evtx *x, uint64_t idx, uint64_t off, size_t *len,
                                  rdx_diags *d) {
    if (x->data) {
        *len = x->size - off < CHUNK_SIZE ? x->size - (size_t)off : CHUNK_SIZE;
        return x->data + off;
    }
    size_t want = CHUNK_SIZE;
    if (!x->stream && x->size - off < want) want = x->size - (size_t)off;
#ifdef SEEK_DATA
    /* A hole (a sparse file) reads as zeros, which is unused space: skip
     * to the chunk that holds the next data without reading the zeros. */
    if (!x->stream) {
        off_t next = lseek(x->fd, (off_t)off, SEEK_DATA);
        if (next < 0 && errno == ENXIO) next = (off_t)x->size;    /* holes to the end */
        if (next >= 0 && (uint64_t)next >= off + want) {
            uint64_t skip_to = ((uint64_t)next - FILE_HEADER_SIZE) / CHUNK_SIZE;
            if (skip_to > x->next_chunk) x->next_chunk = skip_to;
            *len = 0;
            return x->buf;   /* an empty chunk: unused */
        }
    }
#endif
    ssize_t k = x->stream ? read_full(x->fd, x->buf, want) : rdx_pread_full(x->fd, x->buf, want, off);
    if (k < 0) {
        diag(d, RDX_SEV_ERROR, x->name, off, "chunk %" PRIu64 ": cannot read: %s; the rest of the file is not read",
             idx, strerror(errno));
        x->ended = 1;
        return NULL;
    }
    if (x->stream) {
        if (k == 0) {
            x->ended = 1;
            return NULL;
        }
        x->size = (size_t)(off + (uint64_t)k);
    } else if ((size_t)k < want) {
        diag(d, RDX_SEV_ERROR, x->name, off + (uint64_t)k,
             "truncated while being read: the file had %zu bytes when opened, and ends at %" PRIu64
             " now (chunk %" PRIu64 "); the rest is not read",
             x->size, off + (uint64_t)k, idx);
        x->ended = 1;
        return NULL;
    }
    *len = (size_t)k;
    return x->buf;
}

/* 1: chunk ready; 0: unused (all zero), skip quietly; -1: damaged, skipped
 * (or the file could not be read further: reported, and reading ends). */
static int open_chunk(rdx_evtx *x, rdx_diags *d) {
    uint64_t idx = x->next_chunk++;
    uint64_t off = FILE_HEADER_SIZE + idx * (uint64_t)CHUNK_SIZE;
    size_t len = 0;
    size_t before = d ? d->errors : 0;
    const uint8_t *c = fetch_chunk(x, idx, off, &len, d);
    if (!c) return d && d->errors > before ? -1 : 0;
    x->cdata = c;
    x->chunk_index = idx;
    x->chunk_off = off;
    x->chunk_len = len;
    if (all_zero(c, len)) return 0;
    int signed_ok = len >= CHUNK_HEADER_SIZE && memcmp(c, "ElfChnk\0", 8) == 0;
    /* Past the header's count, a chunk without a signature is space the
     * log has not used yet (Windows preallocates; old bytes stay) unless
     * its signature is only a bit or two off. */
    if (!signed_ok && idx >= x->n_declared && !near_signature(c, len)) return 0;
    x->stats.chunks_total++;
    if (!signed_ok) {
        x->stats.chunks_bad++;
        if (len < CHUNK_HEADER_SIZE)
            diag(d, RDX_SEV_ERROR, x->name, off, "chunk %" PRIu64 ": truncated to %zu bytes; skipped",
                 idx, len);
        else
            diag(d, RDX_SEV_ERROR, x->name, off, "chunk %" PRIu64 ": bad signature; skipped", idx);
        return -1;
    }
    if (len < CHUNK_SIZE)
        diag(d, RDX_SEV_WARNING, x->name, off + len,
             "chunk %" PRIu64 ": truncated to %zu of %d bytes; reading what is there", idx, len,
             CHUNK_SIZE);
    /* The free-space offset ends the record data; when it is not sane
     * (damaged header), records are looked for up to the chunk's end. */
    uint32_t fso = rd32(c + 48);
    int fso_ok = fso >= CHUNK_HEADER_SIZE && fso <= len;
    if (x->check_crc) check_chunk_crcs(x, c, fso_ok ? fso : 0, d);
    x->rec_pos = CHUNK_HEADER_SIZE;
    x->rec_end = fso_ok ? fso : len;
    rdx_bx_chunk_reset(x->bx, c, len);
    x->in_chunk = 1;
    return 1;
}

/* ------------------------------------------------------------------ */
/* Records.                                                            */

/* Size of a record header at chunk offset pos whose size fits the record
 * data, or 0.  With strict, the size copy at the end must match too. */
static uint32_t record_size_at(const rdx_evtx *x, size_t pos, int strict) {
    const uint8_t *c = x->cdata;
    if (pos > x->rec_end || x->rec_end - pos < RECORD_MIN_SIZE) return 0;
    if (memcmp(c + pos, "\x2a\x2a\0\0", 4) != 0) return 0;
    uint32_t size = rd32(c + pos + 4);
    if (size < RECORD_MIN_SIZE || size > x->rec_end - pos) return 0;
    if (strict && rd32(c + pos + size - 4) != size) return 0;
    return size;
}

/* After a bad record at pos: the next offset where a well-formed record
 * starts, or the end of the record data. */
static size_t resync(const rdx_evtx *x, size_t pos) {
    const uint8_t *c = x->cdata;
    for (size_t p = pos + 1; p + RECORD_MIN_SIZE <= x->rec_end; p++) {
        const uint8_t *hit = memchr(c + p, 0x2a, x->rec_end - RECORD_MIN_SIZE + 1 - p);
        if (!hit) break;
        p = (size_t)(hit - c);
        if (record_size_at(x, p, 1)) return p;
    }
    return x->rec_end;
}

/* A position that does not hold a record: the rest is either zero padding
 * (end of chunk) or damage. */
static int bad_record_header(rdx_evtx *x, rdx_diags *d) {
    const uint8_t *c = x->cdata;
    size_t pos = x->rec_pos;
    if (all_zero(c + pos, x->rec_end - pos)) {
        x->rec_pos = x->rec_end;
        return 0;
    }
    uint32_t size = rd32(c + pos + 4);
    x->stats.records_bad++;
    if (memcmp(c + pos, "\x2a\x2a\0\0", 4) != 0)
        diag(d, RDX_SEV_ERROR, x->name, x->chunk_off + pos,
             "chunk %" PRIu64 ": no event record signature; skipping to the next record",
             x->chunk_index);
    else
        diag(d, RDX_SEV_ERROR, x->name, x->chunk_off + pos,
             "chunk %" PRIu64 ": event record with bad size %" PRIu32 "; skipping to the next record",
             x->chunk_index, size);
    x->rec_pos = resync(x, pos);
    return -1;
}

/* 1: event; 0: chunk done; -1: bad record skipped. */
static int next_record(rdx_evtx *x, rdx_arena *a, rdx_event *ev, rdx_diags *d) {
    if (x->rec_pos >= x->rec_end || x->rec_end - x->rec_pos < RECORD_MIN_SIZE) return 0;
    size_t pos = x->rec_pos;
    uint32_t size = record_size_at(x, pos, 0);
    if (!size) return bad_record_header(x, d);
    const uint8_t *c = x->cdata;
    uint64_t id = rd64(c + pos + 8);
    /* A size copy that does not match is what a record cut short while
     * being written (or copied) looks like.  Its BinXML may still decode;
     * if it does, the event is worth having, with a warning. */
    int copy_ok = rd32(c + pos + size - 4) == size;
    rdx_bx_error err;
    rdx_value *root = rdx_bx_record(x->bx, pos + RECORD_HEADER_SIZE,
                                    size - RECORD_MIN_SIZE, a, &err);
    if (!root && !copy_ok) return bad_record_header(x, d);
    x->rec_pos = pos + size;
    if (!root) {
        x->stats.records_bad++;
        diag(d, RDX_SEV_ERROR, x->name, x->chunk_off + err.offset,
             "chunk %" PRIu64 ": event record %" PRIu64 ": %s; skipped", x->chunk_index, id,
             err.message);
        return -1;
    }
    if (!copy_ok)
        diag(d, RDX_SEV_WARNING, x->name, x->chunk_off + pos + size - 4,
             "chunk %" PRIu64 ": event record %" PRIu64 ": size copy does not match; "
             "the record may be incomplete", x->chunk_index, id);
    rdx_event_init(ev, a, root);
    ev->source = x->name;
    ev->line = 0;
    ev->record_id = id;
    ev->offset = x->chunk_off + pos;
    x->stats.records_read++;
    return 1;
}

int rdx_evtx_next(rdx_evtx *x, rdx_arena *a, rdx_event *ev, rdx_diags *d) {
    for (;;) {
        if (!x->in_chunk) {
            if (x->ended || x->next_chunk >= x->n_chunks) return 0;
            int r = open_chunk(x, d);
            if (r < 0) return -1;
            if (r == 0) continue;
        }
        int r = next_record(x, a, ev, d);
        if (r != 0) return r;
        x->in_chunk = 0;
    }
}
