/*
 * gen.c — realistic workloads for `make bench` (bench/run.sh).
 *
 *     gen evtx  OUT.evtx SIZE_MB [-l LIST] FILES...   a big EVTX file
 *     gen jsonl OUT.jsonl IN.evtx                      the same events as JSON Lines
 *     gen flat  OUT.jsonl IN.evtx                      the same, flat (for rsigma)
 *     gen literals RULES...                            the prefilter's literals (grep -F)
 *
 * `gen evtx` writes one EVTX file of about SIZE_MB from the chunks of real
 * sample logs (FILES, or the paths listed in LIST), replicated: the n-th
 * copy of a chunk gets fresh record ids (counting up through the whole
 * file), its times moved n days later and its host names changed (same
 * length, so every offset inside the chunk stays valid).  Chunks are
 * self-contained in EVTX — each has its own string and template tables —
 * which is what makes copying them sound; what we write is the file
 * header, the chunk headers and every checksum (file header CRC, chunk
 * header CRC, event records CRC), so both our reader and evtx_dump accept
 * the result.  Only chunks whose checksums held in the source are taken.
 *
 * Inside a record, the ids and times live in the substitution values of
 * its template instance: we walk the instance header (skipping a template
 * defined in place) to the value array, replace the first UInt64 value
 * (EventRecordID) and move every FILETIME value.  Host names are the
 * UTF-16 strings of the events' Computer fields, found with the library's
 * facts and replaced throughout the chunk.
 *
 * `gen jsonl` reads an EVTX file through the library and writes each event
 * as one compact JSON line (the shape `ruledex dump` writes), so the two
 * workloads hold exactly the same events.
 */
#define _GNU_SOURCE   /* memmem */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "ruledex/ruledex.h"

#define FILE_HEADER 4096
#define CHUNK 65536
#define CHUNK_HEADER 512
#define MAX_HOSTS 64

static void die(const char *msg) {
    fprintf(stderr, "gen: %s\n", msg);
    exit(1);
}

static uint32_t rd32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t rd64(const uint8_t *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }
static void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8); }
static void wr32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static void wr64(uint8_t *p, uint64_t v) {
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static uint32_t crc(const uint8_t *p, size_t n) { return (uint32_t)crc32(0L, p, (uInt)n); }

static uint32_t chunk_header_crc(const uint8_t *c) {
    uLong v = crc32(0L, c, 120);
    return (uint32_t)crc32(v, c + 128, CHUNK_HEADER - 128);
}

/* ---- the source chunks ----------------------------------------------------- */

typedef struct host {
    uint8_t utf16[128];
    size_t len;                 /* bytes */
} host;

typedef struct source_chunk {
    uint8_t *bytes;             /* CHUNK bytes */
    host hosts[MAX_HOSTS];      /* Computer names of its file */
    size_t n_hosts;
} source_chunk;

typedef struct sources {
    source_chunk *chunks;
    size_t n, cap;
} sources;

/* The Computer names of a file's events, as UTF-16LE (ASCII names only). */
static size_t file_hosts(const char *path, host *out) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_evtx *x = rdx_evtx_open(path, &d);
    rdx_arena *a = rdx_arena_new(0);
    rdx_event ev;
    size_t n = 0;
    int rc;
    while (x && (rc = rdx_evtx_next(x, a, &ev, &d)) != 0) {
        rdx_facts f;
        uint8_t u[128];
        int ascii = 1;
        if (rc > 0) rdx_event_facts(&ev, &f);
        if (rc > 0 && f.host && f.host_len >= 3 && f.host_len < 64 && n < MAX_HOSTS) {
            for (size_t i = 0; i < f.host_len; i++) {
                ascii &= (unsigned char)f.host[i] < 0x80;
                u[2 * i] = (uint8_t)f.host[i], u[2 * i + 1] = 0;
            }
            int known = 0;
            for (size_t k = 0; k < n && !known; k++)
                known = out[k].len == 2 * f.host_len && memcmp(out[k].utf16, u, out[k].len) == 0;
            if (ascii && !known) {
                memcpy(out[n].utf16, u, 2 * f.host_len);
                out[n++].len = 2 * f.host_len;
            }
        }
        rdx_arena_reset(a);
    }
    rdx_evtx_close(x);
    rdx_arena_free(a);
    rdx_diags_free(&d);
    return n;
}

/* A chunk worth copying: signature, sane free-space offset, both CRCs. */
static int good_chunk(const uint8_t *c) {
    uint32_t fso = rd32(c + 48);
    return memcmp(c, "ElfChnk", 8) == 0 && fso > CHUNK_HEADER && fso <= CHUNK &&
           rd32(c + 124) == chunk_header_crc(c) && rd32(c + 52) == crc(c + CHUNK_HEADER, fso - CHUNK_HEADER);
}

static void add_file(sources *s, const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return;
    uint8_t head[FILE_HEADER];
    host hosts[MAX_HOSTS];
    size_t n_hosts = (size_t)-1;
    if (fread(head, 1, FILE_HEADER, f) == FILE_HEADER && memcmp(head, "ElfFile", 8) == 0) {
        uint8_t *c = malloc(CHUNK);
        if (!c) abort();
        while (fread(c, 1, CHUNK, f) == CHUNK) {
            if (!good_chunk(c)) continue;
            if (n_hosts == (size_t)-1) n_hosts = file_hosts(path, hosts);
            if (s->n == s->cap) {
                s->cap = s->cap ? 2 * s->cap : 256;
                s->chunks = realloc(s->chunks, s->cap * sizeof *s->chunks);
                if (!s->chunks) abort();
            }
            source_chunk *sc = &s->chunks[s->n++];
            sc->bytes = c;
            memcpy(sc->hosts, hosts, n_hosts * sizeof *hosts);
            sc->n_hosts = n_hosts;
            c = malloc(CHUNK);
            if (!c) abort();
        }
        free(c);
    }
    fclose(f);
}

static void add_list(sources *s, const char *list) {
    FILE *f = fopen(list, "r");
    if (!f) die("cannot read the list");
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (line[0]) add_file(s, line);
    }
    fclose(f);
}

/* ---- one copy of a chunk --------------------------------------------------- */

static void replace_all(uint8_t *p, size_t n, const uint8_t *from, const uint8_t *to, size_t len) {
    for (size_t i = 0; i + len <= n;) {
        uint8_t *hit = memmem(p + i, n - i, from, len);
        if (!hit) return;
        memcpy(hit, to, len);
        i = (size_t)(hit - p) + len;
    }
}

/* Copy `copy` of a host name: the last two characters become a number. */
static void vary_host(const host *h, uint64_t copy, uint8_t *out) {
    static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    memcpy(out, h->utf16, h->len);
    out[h->len - 4] = (uint8_t)digits[(copy / 36) % 36];
    out[h->len - 2] = (uint8_t)digits[copy % 36];
}

#define DAY_TICKS (864000000000ULL)

/* The substitution values of the record at chunk offset pos (body after
 * its 24-byte header): the first UInt64 value — EventRecordID in the
 * System part Windows writes first (Keywords is a HexInt64) — becomes
 * new_id, every FILETIME moves by shift.  Records that are not a template
 * instance are left as they are. */
static void patch_values(uint8_t *c, size_t pos, size_t end, const uint8_t *new_id,
                         uint64_t shift) {
    size_t p = pos + 24;
    if (p + 4 <= end && c[p] == 0x0F) p += 4;                 /* fragment header */
    if (p + 10 > end || c[p] != 0x0C) return;                  /* template instance */
    uint32_t def = rd32(c + p + 6);
    p += 10;
    if (def == p) {                                            /* defined right here */
        if (p + 24 > end) return;
        p += 24 + rd32(c + p + 20);
    }
    if (p + 4 > end) return;
    uint32_t count = rd32(c + p);
    p += 4;
    if (count > 1024 || p + 4 * (size_t)count > end) return;
    size_t v = p + 4 * (size_t)count;
    int renumbered = 0;
    for (uint32_t i = 0; i < count; i++) {
        uint16_t size = (uint16_t)(c[p + 4 * i] | c[p + 4 * i + 1] << 8);
        uint8_t type = c[p + 4 * i + 2];
        if (v + size > end) return;
        if (size == 8 && type == 0x0A && !renumbered) {   /* System's EventRecordID */
            memcpy(c + v, new_id, 8);
            renumbered = 1;
        }
        if (size == 8 && type == 0x11 && shift) wr64(c + v, rd64(c + v) + shift);
        v += size;
    }
}

/* The records of chunk c (a copy): fresh ids from *next_id, times moved. */
static void renumber(uint8_t *c, uint64_t copy, uint64_t *next_id) {
    uint32_t fso = rd32(c + 48);
    uint64_t first = *next_id;
    size_t pos = CHUNK_HEADER;
    while (pos + 28 <= fso && memcmp(c + pos, "\x2a\x2a\0\0", 4) == 0) {
        uint32_t size = rd32(c + pos + 4);
        if (size < 28 || pos + size > fso) break;
        uint8_t new_id[8];
        wr64(new_id, (*next_id)++);
        memcpy(c + pos + 8, new_id, 8);
        wr64(c + pos + 16, rd64(c + pos + 16) + copy * DAY_TICKS);
        patch_values(c, pos, pos + size - 4, new_id, copy * DAY_TICKS);
        pos += size;
    }
    wr64(c + 8, first);
    wr64(c + 16, *next_id - 1);
    wr64(c + 24, first);
    wr64(c + 32, *next_id - 1);
}

static void write_copy(FILE *out, const source_chunk *sc, uint64_t copy, uint64_t *next_id) {
    uint8_t c[CHUNK];
    memcpy(c, sc->bytes, CHUNK);
    if (copy)
        for (size_t h = 0; h < sc->n_hosts; h++) {
            uint8_t to[128];
            vary_host(&sc->hosts[h], copy, to);
            replace_all(c + CHUNK_HEADER, CHUNK - CHUNK_HEADER, sc->hosts[h].utf16, to, sc->hosts[h].len);
        }
    renumber(c, copy, next_id);
    uint32_t fso = rd32(c + 48);
    wr32(c + 52, crc(c + CHUNK_HEADER, fso - CHUNK_HEADER));
    wr32(c + 124, chunk_header_crc(c));
    if (fwrite(c, 1, CHUNK, out) != CHUNK) die("write failed");
}

static void file_header(uint8_t *h, uint64_t chunks, uint64_t next_id) {
    memset(h, 0, FILE_HEADER);
    memcpy(h, "ElfFile", 8);
    wr64(h + 8, 0);
    wr64(h + 16, chunks ? chunks - 1 : 0);
    wr64(h + 24, next_id);
    wr32(h + 32, 128);
    wr16(h + 36, 1);                    /* version 3.1 */
    wr16(h + 38, 3);
    wr16(h + 40, FILE_HEADER);
    wr16(h + 42, (uint16_t)(chunks > 0xFFFF ? 0xFFFF : chunks));
    wr32(h + 124, crc(h, 120));
}

static int gen_evtx(int argc, char **argv) {
    if (argc < 5) die("usage: gen evtx OUT.evtx SIZE_MB [-l LIST] FILES...");
    uint64_t mb = strtoull(argv[3], NULL, 10);
    sources s = {0};
    for (int i = 4; i < argc; i++) {
        if (!strcmp(argv[i], "-l") && i + 1 < argc) add_list(&s, argv[++i]);
        else add_file(&s, argv[i]);
    }
    if (!s.n) die("no usable chunks in the input files");
    uint64_t chunks = (mb << 20) / CHUNK;
    if (chunks > 0xFFFF) chunks = 0xFFFF;   /* the header counts chunks in 16 bits */
    if (chunks < 1) chunks = 1;
    FILE *out = fopen(argv[2], "wb");
    if (!out) die("cannot write the output file");
    uint8_t h[FILE_HEADER];
    file_header(h, 0, 1);
    fwrite(h, 1, FILE_HEADER, out);
    uint64_t next_id = 1;
    for (uint64_t k = 0; k < chunks; k++) write_copy(out, &s.chunks[k % s.n], k / s.n, &next_id);
    file_header(h, chunks, next_id);   /* now that the counts are known */
    if (fseek(out, 0, SEEK_SET) != 0 || fwrite(h, 1, FILE_HEADER, out) != FILE_HEADER)
        die("write failed");
    if (fclose(out) != 0) die("write failed");
    fprintf(stderr, "gen: %s: %llu chunks (%zu distinct source chunks), %llu records\n", argv[2],
            (unsigned long long)chunks, s.n, (unsigned long long)(next_id - 1));
    for (size_t i = 0; i < s.n; i++) free(s.chunks[i].bytes);
    free(s.chunks);
    return 0;
}

static int gen_jsonl(int argc, char **argv) {
    if (argc != 4) die("usage: gen jsonl OUT.jsonl IN.evtx");
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_evtx *x = rdx_evtx_open(argv[3], &d);
    if (!x) die("cannot read the EVTX file");
    FILE *out = fopen(argv[2], "w");
    if (!out) die("cannot write the output file");
    rdx_arena *a = rdx_arena_new(0);
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_event ev;
    int rc;
    uint64_t n = 0;
    while ((rc = rdx_evtx_next(x, a, &ev, &d)) != 0) {
        if (rc > 0) {
            rdx_strbuf_clear(&b);
            rdx_json_write(&b, ev.root, 0);
            rdx_strbuf_putc(&b, '\n');
            fwrite(b.data, 1, b.len, out);
            n++;
        }
        rdx_arena_reset(a);
        rdx_diags_clear(&d);
    }
    if (fclose(out) != 0) die("write failed");
    fprintf(stderr, "gen: %s: %llu events\n", argv[2], (unsigned long long)n);
    rdx_strbuf_free(&b);
    rdx_arena_free(a);
    rdx_evtx_close(x);
    rdx_diags_free(&d);
    return 0;
}

/* ---- flat JSON Lines (rsigma reads flat events) ------------------------------ */

/* Scalars of obj (and of the #attributes of its members, as Member_attr)
 * into flat, as top-level keys. */
static void flatten_into(rdx_arena *a, rdx_value *flat, const rdx_value *obj, const char *skip) {
    if (!obj || obj->type != RDX_OBJECT) return;
    for (size_t i = 0; i < obj->u.object.count; i++) {
        const rdx_member *m = &obj->u.object.members[i];
        if (skip && !strcmp(m->key, skip)) continue;
        const rdx_value *v = m->value;
        if (v->type != RDX_OBJECT) {
            if (v->type != RDX_ARRAY) rdx_object_add(a, flat, m->key, m->key_len, (rdx_value *)v);
            continue;
        }
        const rdx_value *attrs = rdx_object_get(v, "#attributes");
        for (size_t k = 0; attrs && attrs->type == RDX_OBJECT && k < attrs->u.object.count; k++) {
            const rdx_member *am = &attrs->u.object.members[k];
            char key[256];
            int n = snprintf(key, sizeof key, "%s_%s", m->key, am->key);
            if (n > 0 && (size_t)n < sizeof key && am->value->type != RDX_OBJECT)
                rdx_object_add(a, flat, rdx_arena_strndup(a, key, (size_t)n), (size_t)n, am->value);
        }
        const rdx_value *text = rdx_object_get(v, "#text");
        if (text && text->type != RDX_OBJECT) rdx_object_add(a, flat, m->key, m->key_len, (rdx_value *)text);
    }
}

/* gen flat OUT IN.evtx: each event as one flat object: System's fields
 * (Provider_Name, EventID, Channel, Computer, TimeCreated_SystemTime, ...)
 * and EventData's (or UserData's first element's) at the top level. */
static int gen_flat(int argc, char **argv) {
    if (argc != 4) die("usage: gen flat OUT.jsonl IN.evtx");
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_evtx *x = rdx_evtx_open(argv[3], &d);
    if (!x) die("cannot read the EVTX file");
    FILE *out = fopen(argv[2], "w");
    if (!out) die("cannot write the output file");
    rdx_arena *a = rdx_arena_new(0);
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_event ev;
    int rc;
    while ((rc = rdx_evtx_next(x, a, &ev, &d)) != 0) {
        const rdx_value *e = rc > 0 ? rdx_object_get(ev.root, "Event") : NULL;
        if (e) {
            rdx_value *flat = rdx_value_object(a);
            flatten_into(a, flat, rdx_object_get(e, "System"), NULL);
            flatten_into(a, flat, rdx_object_get(e, "EventData"), NULL);
            const rdx_value *ud = rdx_object_get(e, "UserData");
            if (ud && ud->type == RDX_OBJECT && ud->u.object.count)
                flatten_into(a, flat, ud->u.object.members[0].value, NULL);
            rdx_strbuf_clear(&b);
            rdx_json_write(&b, flat, 0);
            rdx_strbuf_putc(&b, '\n');
            fwrite(b.data, 1, b.len, out);
        }
        rdx_arena_reset(a);
        rdx_diags_clear(&d);
    }
    if (fclose(out) != 0) die("write failed");
    rdx_strbuf_free(&b);
    rdx_arena_free(a);
    rdx_evtx_close(x);
    rdx_diags_free(&d);
    return 0;
}

/* ---- the rule set's literals, for grep -F ------------------------------------ */

/* gen literals RULES...: every atom of every detection that loads (what
 * the matcher's prefilter looks for), one per line; caseless and cased
 * alike (grep -F -i is the fair comparison with a caseless scan). */
static int gen_literals(int argc, char **argv) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = rdx_ruleset_new();
    for (int i = 2; i < argc; i++) rdx_sigma_load_path(rs, argv[i], &d);
    rdx_ruleset_apply_filters(rs, &d);
    rdx_arena *a = rdx_arena_new(0);
    for (size_t i = 0; i < rs->n_rules; i++) {
        const rdx_rule *r = rs->rules[i];
        if (r->kind != RDX_KIND_DETECTION || r->status_load != RDX_RULE_OK) continue;
        rdx_atomset set;
        rdx_rule_atoms(r, a, &set);
        for (size_t c = 0; !set.always && !set.never && c < set.n_clauses; c++)
            for (size_t k = 0; k < set.clauses[c].n; k++) {
                const rdx_atom *at = &set.clauses[c].atoms[k];
                if (!memchr(at->bytes, '\n', at->len) && !memchr(at->bytes, 0, at->len)) {
                    fwrite(at->bytes, 1, at->len, stdout);
                    putchar('\n');
                }
            }
    }
    rdx_arena_free(a);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "flat")) return gen_flat(argc, argv);
    if (argc > 1 && !strcmp(argv[1], "literals")) return gen_literals(argc, argv);
    if (argc > 1 && !strcmp(argv[1], "evtx")) return gen_evtx(argc, argv);
    if (argc > 1 && !strcmp(argv[1], "jsonl")) return gen_jsonl(argc, argv);
    die("usage: gen evtx OUT.evtx SIZE_MB [-l LIST] FILES... | gen jsonl OUT.jsonl IN.evtx");
    return 2;
}
