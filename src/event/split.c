/*
 * split.c — one big file as independent parts (split.h).
 *
 * EVTX: the chunk count comes from the file size; parts get equal shares
 * of chunks.  JSON Lines: a first look at 64 KiB decides whether the file
 * is JSON Lines at all; then each even cut point moves forward to the next
 * line that begins with '{' right after a line that ends with '}' (so a
 * part never starts inside an event, even a pretty-printed one), and one
 * pass over the file counts the newlines before each cut, which is the
 * line number the part's reader starts from.
 */
#include "ruledex/split.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ruledex/evtx.h"
#include "ruledex/json.h"
#include "util/file.h"

#define EVTX_HEADER 4096
#define EVTX_CHUNK 65536
#define SAMPLE (64u << 10)
#define WINDOW (1u << 20)      /* looked through for a cut point, at most 4 times */
#define COUNT_BLOCK (1u << 20)

static void add_part(rdx_split *s, uint64_t start, uint64_t end, uint64_t line) {
    s->parts[s->n++] = (rdx_part){start, end, line};
}

/* ---- EVTX ------------------------------------------------------------------ */

static void plan_evtx(rdx_split *s, uint64_t size, size_t parts) {
    uint64_t chunks = (size - EVTX_HEADER + EVTX_CHUNK - 1) / EVTX_CHUNK;
    if (parts > chunks) parts = (size_t)chunks;
    uint64_t at = 0;
    for (size_t k = 0; k < parts; k++) {
        uint64_t c1 = chunks * (k + 1) / parts;
        uint64_t end = k + 1 == parts ? size : EVTX_HEADER + c1 * EVTX_CHUNK;
        add_part(s, at, end, 0);
        at = end;
    }
}

/* ---- JSON Lines ------------------------------------------------------------ */

/* Every complete line of the sample is empty or one object on one line. */
static int looks_like_jsonl(const char *p, size_t n) {
    if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3, n -= 3;
    size_t lines = 0;
    const char *end = p + n, *nl;
    while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        const char *e = nl;
        if (e > p && e[-1] == '\r') e--;
        if (e > p) {
            if (p[0] != '{' || e[-1] != '}') return 0;
            lines++;
        }
        p = nl + 1;
    }
    return lines >= 2;
}

/* The first offset at or after from where an event line begins: '{' right
 * after "}\n" or "}\r\n".  0 when there is none before limit. */
static uint64_t cut_point(int fd, char *buf, uint64_t from, uint64_t limit) {
    for (int tries = 0; tries < 4 && from < limit; tries++) {
        uint64_t base = from >= 3 ? from - 3 : 0;
        ssize_t n = rdx_pread_full(fd, buf, WINDOW, base);
        if (n <= 0) return 0;
        for (size_t i = (size_t)(from - base); i < (size_t)n; i++) {
            if (buf[i] != '{' || i < 2 || buf[i - 1] != '\n') continue;
            size_t j = i - 2;
            if (buf[j] == '\r' && j > 0) j--;
            if (buf[j] == '}') return base + i < limit ? base + i : 0;
        }
        from = base + (uint64_t)n;
    }
    return 0;
}

/* cuts[0..n) ascending: lines[k] = 1 + newlines before cuts[k]. */
static int count_lines(int fd, const uint64_t *cuts, size_t n, uint64_t *lines) {
    char *buf = malloc(COUNT_BLOCK);
    if (!buf) abort();
    uint64_t off = 0, nl = 0;
    size_t k = 0;
    while (k < n) {
        size_t want = COUNT_BLOCK;
        if (cuts[k] - off < want) want = (size_t)(cuts[k] - off);
        ssize_t got = want ? rdx_pread_full(fd, buf, want, off) : 0;
        if (got < 0 || (want && got == 0)) break;
        for (const char *p = buf, *e = buf + got; (p = memchr(p, '\n', (size_t)(e - p))); p++) nl++;
        off += (uint64_t)got;
        while (k < n && off == cuts[k]) lines[k++] = nl + 1;
    }
    free(buf);
    return k == n ? 0 : -1;
}

static void plan_json(rdx_split *s, int fd, uint64_t size, size_t parts) {
    char *buf = malloc(WINDOW);
    if (!buf) abort();
    ssize_t n = rdx_pread_full(fd, buf, SAMPLE, 0);
    uint64_t *cuts = calloc(parts + 1, sizeof *cuts), *lines = calloc(parts + 1, sizeof *lines);
    if (!cuts || !lines) abort();
    size_t n_cuts = 0;
    if (n > 0 && looks_like_jsonl(buf, (size_t)n)) {
        for (size_t k = 1; k < parts; k++) {
            uint64_t from = size / parts * k;
            if (n_cuts && from <= cuts[n_cuts - 1]) from = cuts[n_cuts - 1] + 1;
            uint64_t c = cut_point(fd, buf, from, size);
            if (c) cuts[n_cuts++] = c;
        }
    }
    if (n_cuts && count_lines(fd, cuts, n_cuts, lines) != 0) n_cuts = 0;
    uint64_t at = 0, line = 1;
    for (size_t k = 0; k < n_cuts; k++) {
        add_part(s, at, cuts[k], line);
        at = cuts[k];
        line = lines[k];
    }
    add_part(s, at, size, line);
    free(cuts);
    free(lines);
    free(buf);
}

static int named_evtx(const char *path) {
    size_t n = strlen(path);
    return n >= 5 && strcasecmp(path + n - 5, ".evtx") == 0;
}

int rdx_split_plan(const char *path, size_t max_parts, uint64_t min_bytes, rdx_split *out) {
    memset(out, 0, sizeof *out);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) return -1;
    struct stat st;
    char head[8];
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return -1;
    }
    uint64_t size = (uint64_t)st.st_size;
    size_t parts = max_parts ? max_parts : 1;
    if (min_bytes && size / min_bytes < parts) parts = (size_t)(size / min_bytes);
    /* a part is at least one EVTX chunk (or 64 KiB of lines): a caller
     * may ask for "as many as min_bytes allows" with SIZE_MAX */
    if (parts > size / EVTX_CHUNK + 1) parts = (size_t)(size / EVTX_CHUNK + 1);
    if (parts < 1) parts = 1;
    ssize_t h = rdx_pread_full(fd, head, sizeof head, 0);
    int evtx = (h > 0 && rdx_evtx_sniff(head, (size_t)h)) || named_evtx(path);
    out->fmt = evtx ? RDX_FMT_EVTX : RDX_FMT_JSON;
    out->parts = calloc(parts + 1, sizeof *out->parts);
    if (!out->parts) abort();
    if (parts > 1 && evtx && h == 8 && rdx_evtx_sniff(head, 8) && size > EVTX_HEADER)
        plan_evtx(out, size, parts);
    else if (parts > 1 && !evtx)
        plan_json(out, fd, size, parts);
    else
        add_part(out, 0, size, 1);
    close(fd);
    return 0;
}

void rdx_split_free(rdx_split *s) {
    free(s->parts);
    memset(s, 0, sizeof *s);
}

/* ---- reading a part -------------------------------------------------------- */

static int evtx_next(void *impl, rdx_arena *a, rdx_event *ev, rdx_diags *d) {
    return rdx_evtx_next(impl, a, ev, d);
}
static uint64_t evtx_offset(const void *impl) { return rdx_evtx_offset(impl); }
static void evtx_close(void *impl) { rdx_evtx_close(impl); }
static const rdx_source_ops evtx_part_ops = {"file", evtx_next, evtx_offset, evtx_close, NULL};

static int json_next(void *impl, rdx_arena *a, rdx_event *ev, rdx_diags *d) {
    return rdx_json_reader_next(impl, a, ev, d);
}
static uint64_t json_offset(const void *impl) { return rdx_json_reader_offset(impl); }
static void json_close(void *impl) { rdx_json_reader_close(impl); }
static void json_borrow(void *impl, int on) { rdx_json_reader_set_borrow(impl, on); }
static const rdx_source_ops json_part_ops = {"file", json_next, json_offset, json_close, json_borrow};

rdx_source *rdx_source_open_part(const char *path, const rdx_split *s, size_t k, rdx_diags *d) {
    if (s->n <= 1 || k >= s->n) return rdx_source_open_file(path, s->fmt, d);
    const rdx_part *p = &s->parts[k];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        rdx_diag_add(d, RDX_SEV_ERROR, "io", path, 0, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    if (s->fmt == RDX_FMT_EVTX) {
        /* The file header's messages belong to part 0 only. */
        rdx_diags header;
        rdx_diags_init(&header);
        rdx_evtx *x = rdx_evtx_open_fd(fd, 1, path, NULL, 0, k ? &header : d);
        if (!x && k) rdx_diags_move(d, &header);
        rdx_diags_free(&header);
        if (!x) return NULL;
        uint64_t first = p->start <= EVTX_HEADER ? 0 : (p->start - EVTX_HEADER) / EVTX_CHUNK;
        uint64_t end = (p->end - EVTX_HEADER + EVTX_CHUNK - 1) / EVTX_CHUNK;
        rdx_evtx_set_chunk_range(x, first, end);
        return rdx_source_new(&evtx_part_ops, x);
    }
    rdx_json_reader *r = rdx_json_reader_from_fd(fd, 1, path, NULL, 0);
    if (rdx_json_reader_set_range(r, p->start, p->end, p->first_line) != 0) {
        rdx_diag_add(d, RDX_SEV_ERROR, "io", path, 0, 0, "cannot seek to byte %llu",
                     (unsigned long long)p->start);
        rdx_json_reader_close(r);
        return NULL;
    }
    return rdx_source_new(&json_part_ops, r);
}
