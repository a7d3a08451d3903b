/*
 * cache.c — the compiled-rules cache on disk (cache.h).
 *
 * One file per key, named by a 64-bit hash of the key (the checksum's
 * hash, below: a byte-wise FNV-1a cost 3 M instructions per cached run on
 * the snapshot's 400 KB key; the key itself is inside the file and
 * compared whole, so a hash collision is a miss, never a wrong hit).  Reading: open without following links, check
 * ownership and mode, read the whole file (bounded), decode.  Writing: a
 * temporary file in the same directory, then rename(2) over the name, so a
 * reader sees the old file, the new one, or none — never a mix.  A crash
 * between write and rename leaves a temporary file, which the pruning on
 * the next put removes; we do not fsync (a torn file after a power cut is
 * caught by the length and checksum, and simply rebuilt).
 *
 * The format is read by hand with explicit little-endian decoding and a
 * bound on every length, because the bytes come from disk and may be
 * anything.  The checksum is a 64-bit multiply-rotate hash in the manner
 * of XXH64 (four lanes of 8-byte words): zlib's crc32, the format-1
 * checksum, spent 100 M instructions (a fifth of a cached start-up) on the
 * 26 MB of the SigmaHQ set's entries; this takes about an eighth of that.
 * It detects corruption as well as a CRC for our purpose (accidental
 * damage; a file someone else can write is refused before it is read).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ruledex/cache.h"
#include "ruledex/ruledex.h"
#include "util/bytes.h"

#define MAGIC "RDXCACHE"
#define PRODUCER_LEN 32
#define SUFFIX ".rdxc"

struct rdx_cache {
    char *dir;
    int implicit;   /* the default directory: failing to use it is no news */
};

/* ---- the format ----------------------------------------------------------- */

static void put_u32(unsigned char *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}
static void put_u64(unsigned char *p, uint64_t v) {
    for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i));
}
static uint32_t get_u32(const unsigned char *p) {
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--) v = v << 8 | p[i];
    return v;
}
static uint64_t get_u64(const unsigned char *p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

static void producer(char out[PRODUCER_LEN]) {
    memset(out, 0, PRODUCER_LEN);
    snprintf(out, PRODUCER_LEN, "ruledex %s", RULEDEX_VERSION);
}

/* ---- the checksum ---------------------------------------------------------- */

#define P1 11400714785074694791ULL
#define P2 14029467366897019727ULL
#define P3 1609587929392839161ULL
#define P4 9650029242287828579ULL
#define P5 2870177450012600261ULL

static uint64_t rotl(uint64_t x, int r) { return x << r | x >> (64 - r); }
static uint64_t lane(uint64_t acc, uint64_t w) { return rotl(acc + w * P2, 31) * P1; }
static uint64_t merge(uint64_t h, uint64_t v) { return (h ^ lane(0, v)) * P1 + P4; }

static uint64_t hash64(const unsigned char *p, size_t n, uint64_t seed) {
    const unsigned char *end = p + n;
    uint64_t h;
    if (n >= 32) {
        uint64_t v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed, v4 = seed - P1;
        for (; end - p >= 32; p += 32) {
            v1 = lane(v1, rdx_le64(p));
            v2 = lane(v2, rdx_le64(p + 8));
            v3 = lane(v3, rdx_le64(p + 16));
            v4 = lane(v4, rdx_le64(p + 24));
        }
        h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
        h = merge(merge(merge(merge(h, v1), v2), v3), v4);
    } else {
        h = seed + P5;
    }
    h += (uint64_t)n;
    for (; end - p >= 8; p += 8) h = rotl(h ^ lane(0, rdx_le64(p)), 27) * P1 + P4;
    if (end - p >= 4) {
        h = rotl(h ^ (uint64_t)get_u32(p) * P1, 23) * P2 + P3;
        p += 4;
    }
    for (; p < end; p++) h = rotl(h ^ *p * P5, 11) * P1;
    h ^= h >> 33;
    h *= P2;
    h ^= h >> 29;
    h *= P3;
    return h ^ h >> 32;
}

uint64_t rdx_cache_hash(const void *p, size_t n, uint64_t seed) {
    return hash64(p, n, seed);
}

/* Over the header up to the checksum field, then the key and payload. */
static uint64_t checksum(const unsigned char *head, const unsigned char *body, size_t n) {
    return hash64(body, n, hash64(head, 64, 0));
}

unsigned char *rdx_cache_encode(const void *key, size_t key_len, const void *payload,
                                size_t payload_len, size_t *len) {
    size_t total = RDX_CACHE_HEADER + key_len + payload_len;
    unsigned char *f = malloc(total ? total : 1);
    if (!f) abort();
    memset(f, 0, RDX_CACHE_HEADER);
    memcpy(f, MAGIC, 8);
    put_u32(f + 8, RDX_CACHE_FORMAT);
    producer((char *)f + 16);
    put_u64(f + 48, key_len);
    put_u64(f + 56, payload_len);
    if (key_len) memcpy(f + RDX_CACHE_HEADER, key, key_len);
    if (payload_len) memcpy(f + RDX_CACHE_HEADER + key_len, payload, payload_len);
    put_u64(f + 64, checksum(f, f + RDX_CACHE_HEADER, key_len + payload_len));
    *len = total;
    return f;
}

int rdx_cache_decode(const void *file, size_t len, const void *key, size_t key_len,
                     const void **payload, size_t *payload_len, const char **why) {
    const unsigned char *f = file;
    char want[PRODUCER_LEN];
    *why = NULL;
    if (len < RDX_CACHE_HEADER) *why = "truncated (shorter than its header)";
    else if (memcmp(f, MAGIC, 8) != 0) *why = "not a ruledex cache file";
    else if (get_u32(f + 8) != RDX_CACHE_FORMAT || get_u32(f + 12) != 0)
        *why = "another cache format version";
    if (*why) return -1;
    producer(want);
    uint64_t klen = get_u64(f + 48), plen = get_u64(f + 56);
    uint64_t room = len - RDX_CACHE_HEADER;
    if (memcmp(f + 16, want, PRODUCER_LEN) != 0) *why = "written by another ruledex version";
    else if (klen > room || plen > room - klen) *why = "truncated (shorter than its lengths say)";
    else if (klen + plen != room) *why = "trailing bytes after its payload";
    else if (klen != key_len || (key_len && memcmp(f + RDX_CACHE_HEADER, key, key_len) != 0))
        *why = "built from other rules (another key)";
    else if (get_u64(f + 64) != checksum(f, f + RDX_CACHE_HEADER, room))
        *why = "checksum mismatch (corrupt)";
    if (*why) return -1;
    *payload = f + RDX_CACHE_HEADER + klen;
    *payload_len = (size_t)plen;
    return 0;
}

/* ---- the directory -------------------------------------------------------- */

int rdx_cache_default_dir(char *buf, size_t size) {
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    int n;
    if (xdg && xdg[0] == '/') n = snprintf(buf, size, "%s/ruledex", xdg);   /* XDG: absolute only */
    else if (home && home[0]) n = snprintf(buf, size, "%s/.cache/ruledex", home);
    else return -1;
    return n > 0 && (size_t)n < size ? 0 : -1;
}

/* Not ours, or writable by others: a file there could have been put by
 * someone else. */
static const char *untrusted(const struct stat *st) {
    if (st->st_uid != geteuid()) return "owned by another user";
    if (st->st_mode & (S_IWGRP | S_IWOTH)) return "writable by other users";
    return NULL;
}

/* A directory that exists but belongs to or is writable by someone else:
 * worth saying even for the default one (someone may be tampering). */
static int untrusted_dir_exists(const char *dir) {
    struct stat st;
    return stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && untrusted(&st) != NULL;
}

/* mkdir -p with mode 0700 for what it creates. */
static int make_dirs(const char *dir) {
    char *p = strdup(dir);
    if (!p) abort();
    int rc = 0;
    for (char *s = p + 1; *s && rc == 0; s++) {
        if (*s != '/') continue;
        *s = 0;
        if (mkdir(p, 0700) != 0 && errno != EEXIST) rc = -1;
        *s = '/';
    }
    if (rc == 0 && mkdir(p, 0700) != 0 && errno != EEXIST) rc = -1;
    free(p);
    return rc;
}

rdx_cache *rdx_cache_open(const char *dir, rdx_diags *d) {
    char def[PATH_MAX];
    int implicit = dir == NULL;
    /* The default directory being unusable (no HOME, a read-only home in a
     * container) is not worth a message on every run: the rules are simply
     * compiled.  A directory the caller named is reported. */
    if (!dir) {
        if (rdx_cache_default_dir(def, sizeof def) != 0) return NULL;
        dir = def;
    }
    struct stat st;
    const char *bad = NULL;
    if (make_dirs(dir) != 0) bad = strerror(errno);
    else if (stat(dir, &st) != 0) bad = strerror(errno);
    else if (!S_ISDIR(st.st_mode)) bad = "not a directory";
    else bad = untrusted(&st);
    if (bad) {
        if (!implicit || untrusted_dir_exists(dir))
            rdx_diag_add(d, RDX_SEV_NOTE, "cache", dir, 0, 0,
                         "cache directory not used (%s): rules are compiled every run", bad);
        return NULL;
    }
    rdx_cache *c = calloc(1, sizeof *c);
    if (!c) abort();
    c->implicit = implicit;
    c->dir = strdup(dir);
    if (!c->dir) abort();
    return c;
}

void rdx_cache_close(rdx_cache *c) {
    if (!c) return;
    free(c->dir);
    free(c);
}

const char *rdx_cache_dir(const rdx_cache *c) { return c->dir; }

/* The format is part of the name ("….f2.rdxc"): builds of two formats
 * sharing a directory (an upgrade, two checkouts) keep apart instead of
 * overwriting each other's entries with a note on every run; the other
 * format's files age out through the pruning. */
static char *entry_path(const rdx_cache *c, const void *key, size_t key_len) {
    size_t n = strlen(c->dir) + 48;
    char *p = malloc(n);
    if (!p) abort();
    snprintf(p, n, "%s/%016llx.f%d" SUFFIX, c->dir, (unsigned long long)hash64(key, key_len, 0),
             RDX_CACHE_FORMAT);
    return p;
}

/* The whole file at path into a malloc'd buffer, or NULL with *why
 * (NULL why: simply absent). */
static unsigned char *read_entry(const char *path, size_t *len, const char **why) {
    *why = NULL;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno != ENOENT) *why = strerror(errno);
        return NULL;
    }
    struct stat st;
    unsigned char *buf = NULL;
    if (fstat(fd, &st) != 0) *why = strerror(errno);
    else if (!S_ISREG(st.st_mode)) *why = "not a regular file";
    else if (!(*why = untrusted(&st)) && (uint64_t)st.st_size > RDX_CACHE_MAX_FILE)
        *why = "larger than the cache's limit";
    if (!*why) {
        size_t size = (size_t)st.st_size, got = 0;
        buf = malloc(size ? size : 1);
        if (!buf) abort();
        while (got < size) {
            ssize_t r = read(fd, buf + got, size - got);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) break;
            got += (size_t)r;
        }
        *len = got;   /* shorter than fstat said: decode calls it truncated */
    }
    close(fd);
    return buf;
}

static void *cache_get(void *ctx, const void *key, size_t key_len, size_t *len, rdx_diags *d) {
    rdx_cache *c = ctx;
    char *path = entry_path(c, key, key_len);
    size_t n = 0;
    const char *why;
    unsigned char *file = read_entry(path, &n, &why);
    void *out = NULL;
    const void *payload;
    size_t plen;
    if (file && rdx_cache_decode(file, n, key, key_len, &payload, &plen, &why) == 0) {
        out = malloc(plen ? plen : 1);
        if (!out) abort();
        memcpy(out, payload, plen);
        *len = plen;
        utimensat(AT_FDCWD, path, NULL, 0);   /* recently used: pruned last */
    }
    if (why)
        rdx_diag_add(d, RDX_SEV_NOTE, "cache", path, 0, 0,
                     "cache entry ignored (%s); rebuilding it", why);
    free(file);
    free(path);
    return out;
}

/* Remove the oldest entries (and stale temporary files) beyond
 * RDX_CACHE_KEEP, so a rule set edited many times does not fill the disk. */
typedef struct entry {
    char name[64];
    struct timespec mtime;
} entry;

/* Newest first, to the nanosecond: entries written within one second
 * (a run writes several) must not be ordered by chance. */
static int newer_first(const void *x, const void *y) {
    const entry *a = x, *b = y;
    if (a->mtime.tv_sec != b->mtime.tv_sec) return a->mtime.tv_sec < b->mtime.tv_sec ? 1 : -1;
    return (a->mtime.tv_nsec < b->mtime.tv_nsec) - (a->mtime.tv_nsec > b->mtime.tv_nsec);
}

static void prune(const rdx_cache *c) {
    DIR *dh = opendir(c->dir);
    if (!dh) return;
    entry *all = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(dh)) != NULL) {
        size_t len = strlen(e->d_name);
        int is_entry = len > 5 && len < 64 && strcmp(e->d_name + len - 5, SUFFIX) == 0;
        int is_temp = len < 64 && strstr(e->d_name, SUFFIX ".tmp.") != NULL;
        struct stat st;
        if ((!is_entry && !is_temp) || fstatat(dirfd(dh), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        if (is_temp) {   /* a writer that died; a live one finishes within seconds */
            if (time(NULL) - st.st_mtime > 3600) unlinkat(dirfd(dh), e->d_name, 0);
            continue;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            all = realloc(all, cap * sizeof *all);
            if (!all) abort();
        }
        snprintf(all[n].name, sizeof all[n].name, "%s", e->d_name);
        all[n++].mtime = st.st_mtim;
    }
    if (n > RDX_CACHE_KEEP) qsort(all, n, sizeof *all, newer_first);
    for (size_t i = RDX_CACHE_KEEP; i < n; i++) unlinkat(dirfd(dh), all[i].name, 0);
    free(all);
    closedir(dh);
}

static void cache_put(void *ctx, const void *key, size_t key_len, const void *data, size_t len,
                      rdx_diags *d) {
    rdx_cache *c = ctx;
    if (RDX_CACHE_HEADER + key_len + len > RDX_CACHE_MAX_FILE) return;
    char *path = entry_path(c, key, key_len);
    size_t tn = strlen(path) + 16;
    char *tmp = malloc(tn);
    if (!tmp) abort();
    snprintf(tmp, tn, "%s.tmp.XXXXXX", path);
    size_t flen;
    unsigned char *file = rdx_cache_encode(key, key_len, data, len, &flen);
    int fd = mkstemp(tmp);
    int ok = fd >= 0;
    for (size_t off = 0; ok && off < flen;) {
        ssize_t w = write(fd, file + off, flen - off);
        if (w < 0 && errno == EINTR) continue;
        ok = w > 0;
        if (ok) off += (size_t)w;
    }
    int err = ok ? 0 : errno;
    if (fd >= 0 && close(fd) != 0 && ok) ok = 0, err = errno;
    if (ok && rename(tmp, path) != 0) ok = 0, err = errno;
    if (!ok) {
        if (fd >= 0) unlink(tmp);
        if (!c->implicit)
            rdx_diag_add(d, RDX_SEV_NOTE, "cache", path, 0, 0,
                         "compiled rules not cached (%s)", strerror(err ? err : EIO));
    }
    free(file);
    free(tmp);
    free(path);
    if (ok) prune(c);
}

/* ---- lending: the entry mapped, not copied -------------------------------- */

typedef struct mapping {
    void *addr;
    size_t len;
} mapping;

static void unmap(void *handle) {
    mapping *mp = handle;
    munmap(mp->addr, mp->len);
    free(mp);
}

/* Like cache_get, but the payload stays in a private read-only mapping of
 * the file (MAP_POPULATE: the checksum reads every page anyway).  The
 * mapping keeps the inode, so a writer replacing the entry (rename) does
 * not disturb it; only a file truncated in place while mapped would (the
 * cache never does that, and entries are the user's own). */
static int cache_lend(void *ctx, const void *key, size_t key_len, rdx_blob_loan *loan,
                      rdx_diags *d) {
    rdx_cache *c = ctx;
    char *path = entry_path(c, key, key_len);
    const char *why = NULL;
    int rc = -1;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    void *addr = MAP_FAILED;
    if (fd < 0) {
        if (errno != ENOENT) why = strerror(errno);
    } else if (fstat(fd, &st) != 0) {
        why = strerror(errno);
    } else if (!S_ISREG(st.st_mode)) {
        why = "not a regular file";
    } else if (!(why = untrusted(&st)) && (uint64_t)st.st_size > RDX_CACHE_MAX_FILE) {
        why = "larger than the cache's limit";
    } else if (!why && st.st_size < RDX_CACHE_HEADER) {
        why = "truncated (shorter than its header)";
    } else if (!why) {
        addr = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
        if (addr == MAP_FAILED) why = strerror(errno);
    }
    if (fd >= 0) close(fd);
    const void *payload;
    size_t plen;
    if (addr != MAP_FAILED) {
        if (rdx_cache_decode(addr, (size_t)st.st_size, key, key_len, &payload, &plen, &why) == 0) {
            mapping *mp = malloc(sizeof *mp);
            if (!mp) abort();
            *mp = (mapping){addr, (size_t)st.st_size};
            *loan = (rdx_blob_loan){payload, plen, unmap, mp};
            utimensat(AT_FDCWD, path, NULL, 0);   /* recently used: pruned last */
            rc = 0;
        } else {
            munmap(addr, (size_t)st.st_size);
        }
    }
    if (why)
        rdx_diag_add(d, RDX_SEV_NOTE, "cache", path, 0, 0,
                     "cache entry ignored (%s); rebuilding it", why);
    free(path);
    return rc;
}

rdx_blob_cache rdx_cache_blob(rdx_cache *c) {
    rdx_blob_cache b = {c, cache_get, cache_put, cache_lend};
    return b;
}
