/*
 * test_evtx.c — the EVTX reader (evtx.h) and BinXML interpreter (binxml.h).
 *
 * Value conversions are checked against strings computed by hand.  Small
 * EVTX files are built in memory (a file header, one chunk, records of raw
 * BinXML written by a tiny encoder below) to pin down the JSON layout rules
 * one by one.  The corpus tests then read:
 *   - every SigmaHQ regression .evtx and compare each event with the .json
 *     evtx_dump wrote for it;
 *   - every damaged / edge-case file, against the sanity figures of its
 *     MANIFEST;
 *   - truncated and bit-flipped copies of a good file (deterministic
 *     PRNG), which must never crash and must be reported;
 *   - every sample file, counting events;
 * and tests/data/evtx/ holds inputs that once crashed the fuzzer.
 */
#include "harness.h"
#include "evtx_writer.h"

#include <dirent.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "event/binxml.h"
#include "ruledex/evtx.h"
#include "ruledex/json.h"

/* ---- helpers ----------------------------------------------------------- */

static const char *to_json(rdx_arena *a, const rdx_value *v) {
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_json_write(&b, v, 0);
    char *s = rdx_arena_strdup(a, b.data ? b.data : "");
    rdx_strbuf_free(&b);
    return s;
}

static const char *value_json(rdx_arena *a, unsigned type, const void *p, size_t n) {
    return to_json(a, rdx_bx_value(a, type, p, n));
}

typedef struct read_result {
    size_t events, bad_calls, diags, errors, warnings;
    rdx_evtx_stats stats;
    int opened;
} read_result;

/* Read a whole reader; if out is given, keep the events' JSON in it. */
static read_result read_all(rdx_evtx *x, rdx_diags *d, rdx_strbuf *out) {
    read_result r = {0};
    r.opened = x != NULL;
    if (x) {
        rdx_arena *a = rdx_arena_new(0);
        rdx_event ev;
        int k;
        while ((k = rdx_evtx_next(x, a, &ev, d)) != 0) {
            if (k > 0) {
                r.events++;
                if (out) {
                    rdx_json_write(out, ev.root, 0);
                    rdx_strbuf_putc(out, '\n');
                }
            } else {
                r.bad_calls++;
            }
            rdx_arena_reset(a);
        }
        r.stats = *rdx_evtx_get_stats(x);
        rdx_arena_free(a);
    }
    r.diags = d->count;
    r.errors = d->errors;
    r.warnings = d->warnings;
    return r;
}

static read_result read_buffer(const void *buf, size_t len, rdx_strbuf *out) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_evtx *x = rdx_evtx_open_buffer(buf, len, "mem", &d);
    read_result r = read_all(x, &d, out);
    rdx_evtx_close(x);
    rdx_diags_free(&d);
    return r;
}

/* ---- value conversions ------------------------------------------------- */

TEST(evtx_filetime_text) {
    char buf[40];
    /* 1601-01-01 is the epoch; 116444736000000000 ticks is 1970-01-01. */
    rdx_bx_filetime_text(0, buf);
    CHECK_STR(buf, "1601-01-01T00:00:00.0000000Z");
    rdx_bx_filetime_text(UINT64_C(116444736000000000), buf);
    CHECK_STR(buf, "1970-01-01T00:00:00.0000000Z");
    /* 2025-11-27T07:40:10.1653249Z: 1764229210 s after 1970, plus
     * 1653249 ticks: all seven digits (100 ns), as evtx_dump 0.15 writes. */
    rdx_bx_filetime_text(UINT64_C(116444736000000000) + UINT64_C(1764229210) * 10000000 + 1653249,
                         buf);
    CHECK_STR(buf, "2025-11-27T07:40:10.1653249Z");
    /* Leap day: 2024-02-29T23:59:59 = 1709251199 s. */
    rdx_bx_filetime_text(UINT64_C(116444736000000000) + UINT64_C(1709251199) * 10000000, buf);
    CHECK_STR(buf, "2024-02-29T23:59:59.0000000Z");
    /* past INT64_MAX: no time Windows can hold; zeros, as evtx_dump */
    rdx_bx_filetime_text(UINT64_MAX, buf);
    CHECK_STR(buf, "0000-00-00T00:00:00.0000000Z");
}

TEST(evtx_systemtime_text) {
    /* 2017-07-12 (a Wednesday, day-of-week 3) 17:16:28.214 */
    const uint8_t st[16] = {0xe1, 0x07, 7, 0, 3, 0, 12, 0, 17, 0, 16, 0, 28, 0, 0xd6, 0};
    char buf[40];
    rdx_bx_systime_text(st, buf);
    CHECK_STR(buf, "2017-07-12T17:16:28.2140000Z");
    /* not a valid SYSTEMTIME (month 13; all zeros): 1601-01-01, as Windows renders it */
    const uint8_t bad[16] = {0xe1, 0x07, 13, 0, 3, 0, 12, 0, 17, 0, 16, 0, 28, 0, 0, 0};
    rdx_bx_systime_text(bad, buf);
    CHECK_STR(buf, "1601-01-01T00:00:00.0000000Z");
    const uint8_t zero[16] = {0};
    rdx_bx_systime_text(zero, buf);
    CHECK_STR(buf, "1601-01-01T00:00:00.0000000Z");
    rdx_arena *a = rdx_arena_new(0);
    CHECK_STR(value_json(a, RDX_BX_SYSTIME, st, 16), "\"2017-07-12T17:16:28.2140000Z\"");
    rdx_arena_free(a);
}

TEST(evtx_guid_text) {
    /* {5770385F-C22A-43E0-BF4C-06F5698FFBD9}: three little-endian fields,
     * then eight bytes as they are. */
    const uint8_t g[16] = {0x5f, 0x38, 0x70, 0x57, 0x2a, 0xc2, 0xe0, 0x43,
                           0xbf, 0x4c, 0x06, 0xf5, 0x69, 0x8f, 0xfb, 0xd9};
    char buf[40];
    rdx_bx_guid_text(g, buf);
    CHECK_STR(buf, "5770385F-C22A-43E0-BF4C-06F5698FFBD9");
}

TEST(evtx_sid_text) {
    char buf[2900];
    /* S-1-5-18: revision 1, one sub-authority, authority 5 (big-endian 48 bits). */
    const uint8_t system[] = {1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0};
    CHECK(rdx_bx_sid_text(system, sizeof system, buf, sizeof buf) > 0);
    CHECK_STR(buf, "S-1-5-18");
    const uint8_t user[] = {1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 0xca, 0x9b, 0x1e, 0x0b,
                            0x51, 0xd0, 0x0e, 0xea, 0x12, 0x16, 0xa4, 0x06, 0xf4, 0x01, 0, 0};
    rdx_bx_sid_text(user, sizeof user, buf, sizeof buf);
    CHECK_STR(buf, "S-1-5-21-186555338-3926839377-111416850-500");
    /* Claims five sub-authorities, has bytes for one: keep what is there. */
    const uint8_t cut[] = {1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0};
    rdx_bx_sid_text(cut, sizeof cut, buf, sizeof buf);
    CHECK_STR(buf, "S-1-5-21");
    CHECK_INT(rdx_bx_sid_text(cut, 7, buf, sizeof buf), 0);
}

/* ---- fast paths against their references -------------------------------- */

/* A deterministic PRNG (xorshift64*), so a failure repeats. */
static uint64_t fp_next(uint64_t *st) {
    *st ^= *st >> 12;
    *st ^= *st << 25;
    *st ^= *st >> 27;
    return *st * UINT64_C(2685821657736338717);
}

/* The obvious UTF-16LE to UTF-8, one unit at a time: what
 * rdx_bx_utf16_to_utf8 must give (stop at NUL, pairs joined, lone
 * surrogates U+FFFD). */
static size_t ref_utf16(const uint8_t *p, size_t n, char *out) {
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t u = (uint32_t)(p[2 * i] | (p[2 * i + 1] << 8));
        if (u == 0) break;
        if (u >= 0xD800 && u <= 0xDBFF && i + 1 < n) {
            uint32_t lo = (uint32_t)(p[2 * i + 2] | (p[2 * i + 3] << 8));
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                i++;
            }
        }
        if (u >= 0xD800 && u <= 0xDFFF) u = 0xFFFD;
        if (u < 0x80) {
            out[o++] = (char)u;
        } else if (u < 0x800) {
            out[o++] = (char)(0xC0 | (u >> 6));
            out[o++] = (char)(0x80 | (u & 0x3F));
        } else if (u < 0x10000) {
            out[o++] = (char)(0xE0 | (u >> 12));
            out[o++] = (char)(0x80 | ((u >> 6) & 0x3F));
            out[o++] = (char)(0x80 | (u & 0x3F));
        } else {
            out[o++] = (char)(0xF0 | (u >> 18));
            out[o++] = (char)(0x80 | ((u >> 12) & 0x3F));
            out[o++] = (char)(0x80 | ((u >> 6) & 0x3F));
            out[o++] = (char)(0x80 | (u & 0x3F));
        }
    }
    out[o] = 0;
    return o;
}

/* The ASCII fast path (8 and 4 units at a time) against the reference:
 * mostly-ASCII strings of every length up to 70, with NUL, 0x7F/0x80
 * boundaries, high bytes, surrogates (paired and not) dropped in at
 * random places, so that each lands in every lane of a word. */
TEST(evtx_utf16_fast_path_vs_reference) {
    static const uint16_t odd[] = {0x0000, 0x007F, 0x0080, 0x00FF, 0x0100, 0x7F41, 0x4100,
                                   0xFF41, 0xD83D, 0xDE00, 0xDBFF, 0xDC00, 0xFFFD, 0x0001};
    rdx_arena *a = rdx_arena_new(0);
    uint64_t st = UINT64_C(0x9E3779B97F4A7C15);
    uint8_t in[2 * 72];
    char want[72 * 4 + 1];
    size_t bad = 0, cases = 0;
    for (size_t n = 0; n <= 70; n++) {
        for (int round = 0; round < 200; round++, cases++) {
            for (size_t i = 0; i < n; i++) {
                uint16_t u = (uint16_t)(0x20 + fp_next(&st) % 0x5F);   /* printable ASCII */
                uint64_t r = fp_next(&st) % 100;
                if (round % 4 && r < 6) u = odd[fp_next(&st) % (sizeof odd / sizeof odd[0])];
                in[2 * i] = (uint8_t)u;
                in[2 * i + 1] = (uint8_t)(u >> 8);
            }
            size_t want_len = ref_utf16(in, n, want), got_len = 99999;
            char *got = rdx_bx_utf16_to_utf8(a, in, n, &got_len);
            if (got_len != want_len || memcmp(got, want, want_len + 1) != 0) bad++;
            rdx_arena_reset(a);
        }
    }
    CHECK_INT(bad, 0);
    CHECK(cases > 14000);
    rdx_arena_free(a);
}

/* GUID and SID texts made by hand against printf on random bytes. */
TEST(evtx_guid_sid_text_vs_printf) {
    uint64_t st = UINT64_C(0x1234567890ABCDEF);
    size_t bad = 0;
    for (int round = 0; round < 5000; round++) {
        uint8_t g[16];
        for (int i = 0; i < 16; i++) g[i] = (uint8_t)fp_next(&st);
        char got[40], want[40];
        rdx_bx_guid_text(g, got);
        snprintf(want, sizeof want, "%08" PRIX32 "-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X",
                 (uint32_t)(g[0] | g[1] << 8 | g[2] << 16 | (uint32_t)g[3] << 24),
                 (unsigned)(g[4] | g[5] << 8), (unsigned)(g[6] | g[7] << 8), g[8], g[9], g[10],
                 g[11], g[12], g[13], g[14], g[15]);
        bad += strcmp(got, want) != 0;

        /* a SID: revision, count (0-15), a 48-bit authority (small or not),
         * sub-authorities of any size */
        uint8_t sid[8 + 4 * 15];
        unsigned count = (unsigned)(fp_next(&st) % 16);
        sid[0] = (uint8_t)fp_next(&st);
        sid[1] = (uint8_t)count;
        int big = round % 3 == 0;
        for (int i = 2; i < 8; i++) sid[i] = (uint8_t)(big || i >= 4 ? fp_next(&st) : 0);
        for (unsigned i = 0; i < 4 * count; i++) {
            uint64_t r = fp_next(&st);
            sid[8 + i] = (uint8_t)(round % 2 ? r : r % 10);   /* small and full-size numbers */
        }
        char sgot[2900], swant[2900];
        size_t glen = rdx_bx_sid_text(sid, 8 + 4 * count, sgot, sizeof sgot);
        uint64_t auth = 0;
        for (int i = 2; i < 8; i++) auth = (auth << 8) | sid[i];
        int w = auth < (UINT64_C(1) << 32)
                    ? snprintf(swant, sizeof swant, "S-%u-%" PRIu64, sid[0], auth)
                    : snprintf(swant, sizeof swant, "S-%u-0x%012" PRIX64, sid[0], auth);
        for (unsigned i = 0; i < count; i++) {
            const uint8_t *q = sid + 8 + 4 * i;
            w += snprintf(swant + w, sizeof swant - (size_t)w, "-%" PRIu32,
                          (uint32_t)(q[0] | q[1] << 8 | q[2] << 16 | (uint32_t)q[3] << 24));
        }
        bad += glen != (size_t)w || strcmp(sgot, swant) != 0;
    }
    CHECK_INT(bad, 0);
}

/* Integers (put_dec, two digits per step) against printf: random 64-bit
 * values of every magnitude, signed and unsigned, and FILETIMEs' seven
 * zero-padded tick digits. */
TEST(evtx_integers_vs_printf) {
    rdx_arena *a = rdx_arena_new(0);
    uint64_t st = UINT64_C(0xC0FFEE1234567);
    size_t bad = 0;
    for (int round = 0; round < 20000; round++) {
        uint64_t u = fp_next(&st) >> (fp_next(&st) % 64);   /* every magnitude */
        uint8_t b[8];
        for (int i = 0; i < 8; i++) b[i] = (uint8_t)(u >> (8 * i));
        char want[32];
        snprintf(want, sizeof want, "%" PRId64, (int64_t)u);
        bad += strcmp(value_json(a, RDX_BX_INT64, b, 8), want) != 0;
        if (u <= INT64_MAX) {
            snprintf(want, sizeof want, "%" PRIu64, u);
            bad += strcmp(value_json(a, RDX_BX_UINT64, b, 8), want) != 0;
        }
        snprintf(want, sizeof want, "%" PRIu32, (uint32_t)u);
        bad += strcmp(value_json(a, RDX_BX_UINT32, b, 4), want) != 0;
        /* the tick digits of a FILETIME: ".%07u" */
        char ft[40];
        rdx_bx_filetime_text(u & INT64_MAX, ft);
        snprintf(want, sizeof want, ".%07uZ", (unsigned)((u & INT64_MAX) % 10000000u));
        bad += strcmp(ft + 19, want) != 0;
        rdx_arena_reset(a);
    }
    CHECK_INT(bad, 0);
    rdx_arena_free(a);
}

TEST(evtx_value_types) {
    rdx_arena *a = rdx_arena_new(0);
    const uint8_t b8[8] = {0xa8, 0xeb, 0x01, 0, 0, 0, 0, 0x80};
    CHECK_STR(value_json(a, RDX_BX_HEX64, b8, 8), "\"0x800000000001eba8\"");
    CHECK_STR(value_json(a, RDX_BX_HEX32, b8, 4), "\"0x1eba8\"");
    CHECK_STR(value_json(a, RDX_BX_SIZET, b8, 4), "\"0x1eba8\"");
    CHECK_STR(value_json(a, RDX_BX_UINT64, b8, 8), "9223372036854901672");
    CHECK_STR(value_json(a, RDX_BX_INT64, b8, 8), "-9223372036854649944");
    const uint8_t neg[4] = {0xfe, 0xff, 0xff, 0xff};
    CHECK_STR(value_json(a, RDX_BX_INT32, neg, 4), "-2");
    CHECK_STR(value_json(a, RDX_BX_UINT32, neg, 4), "4294967294");
    CHECK_STR(value_json(a, RDX_BX_INT16, neg, 2), "-2");
    CHECK_STR(value_json(a, RDX_BX_UINT16, neg, 2), "65534");
    CHECK_STR(value_json(a, RDX_BX_INT8, neg, 1), "-2");
    CHECK_STR(value_json(a, RDX_BX_UINT8, neg, 1), "254");
    /* Booleans: any non-zero 32-bit value is true. */
    const uint8_t two[4] = {2, 0, 0, 0}, zero[4] = {0};
    CHECK_STR(value_json(a, RDX_BX_BOOL, two, 4), "true");
    CHECK_STR(value_json(a, RDX_BX_BOOL, zero, 4), "false");
    /* 1.5f = 0x3fc00000; 0.1 as a double; 1.0 keeps its point. */
    const uint8_t f15[4] = {0, 0, 0xc0, 0x3f};
    CHECK_STR(value_json(a, RDX_BX_REAL32, f15, 4), "\"1.5\"");
    const uint8_t d01[8] = {0x9a, 0x99, 0x99, 0x99, 0x99, 0x99, 0xb9, 0x3f};
    CHECK_STR(value_json(a, RDX_BX_REAL64, d01, 8), "\"0.1\"");
    const uint8_t d1[8] = {0, 0, 0, 0, 0, 0, 0xf0, 0x3f};
    CHECK_STR(value_json(a, RDX_BX_REAL64, d1, 8), "\"1.0\"");
    /* Binary as upper-case hex; ANSI strings as Windows-1252. */
    const uint8_t bin[3] = {0x00, 0xab, 0x7f};
    CHECK_STR(value_json(a, RDX_BX_BINARY, bin, 3), "\"00AB7F\"");
    const uint8_t ansi[4] = {'a', 0x80, 'b', 0};
    CHECK_STR(value_json(a, RDX_BX_ANSI, ansi, 4), "\"a\xe2\x82\xac" "b\"");
    /* UTF-16 strings stop at the first NUL and keep their white space
     * (Windows logs LogonProcessName "Advapi  "; evtx_dump 0.15 keeps it). */
    const uint8_t w[] = {'A', 0, 'd', 0, ' ', 0, ' ', 0, 0, 0, 'x', 0};
    CHECK_STR(value_json(a, RDX_BX_STRING, w, sizeof w), "\"Ad  \"");
    const uint8_t w2[] = {' ', 0, 'A', 0, '\n', 0, 'b', 0, '\r', 0, '\n', 0};
    CHECK_STR(value_json(a, RDX_BX_STRING, w2, sizeof w2), "\" A\\nb\\r\\n\"");
    /* A surrogate pair (U+1F600) and a lone surrogate (U+FFFD). */
    const uint8_t sp[] = {0x3d, 0xd8, 0x00, 0xde, 0x00, 0xd8, 'z', 0};
    CHECK_STR(value_json(a, RDX_BX_STRING, sp, sizeof sp), "\"\xf0\x9f\x98\x80\xef\xbf\xbdz\"");
    /* Arrays. */
    const uint8_t sa[] = {'a', 0, 0, 0, 'b', 0, 'c', 0, 0, 0};
    CHECK_STR(value_json(a, RDX_BX_ARRAY | RDX_BX_STRING, sa, sizeof sa), "[\"a\",\"bc\"]");
    const uint8_t u16a[] = {1, 0, 2, 0, 0xff, 0xff};
    CHECK_STR(value_json(a, RDX_BX_ARRAY | RDX_BX_UINT16, u16a, sizeof u16a), "[1,2,65535]");
    CHECK_STR(value_json(a, RDX_BX_ARRAY | RDX_BX_HEX32, b8, 8), "[\"0x1eba8\",\"0x80000000\"]");
    const uint8_t sids[] = {1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 5, 19, 0, 0, 0};
    CHECK_STR(value_json(a, RDX_BX_ARRAY | RDX_BX_SID, sids, sizeof sids), "[\"S-1-5-18\",\"S-1-5-19\"]");
    /* Bytes that do not fit their type come back as hex. */
    CHECK_STR(value_json(a, RDX_BX_GUID, bin, 3), "\"00AB7F\"");
    CHECK_STR(value_json(a, RDX_BX_NULL, bin, 0), "null");
    rdx_arena_free(a);
}

/* ---- synthetic files: tests/unit/evtx_writer.h ------------------------ */

/* The first event of a synthetic file as compact JSON. */
static const char *first_event_json(rdx_arena *a, bx_writer *w, read_result *r) {
    rdx_strbuf out = RDX_STRBUF_INIT;
    *r = read_buffer(w->file, 4096 + 65536, &out);
    char *nl = out.data ? strchr(out.data, '\n') : NULL;
    const char *s = nl ? rdx_arena_strndup(a, out.data, (size_t)(nl - out.data)) : "(none)";
    rdx_strbuf_free(&out);
    return s;
}

TEST(evtx_layout_rules) {
    rdx_arena *a = rdx_arena_new(0);
    bx_writer w;
    writer_init(&w);
    begin_record(&w, 7);
    put_open(&w, "Event", 1);
    put_attr(&w, "xmlns", "urn:x");
    put8(&w, 0x02);
    put_open(&w, "System", 0);
    put8(&w, 0x02);
    put_open(&w, "EventID", 1);          /* attributes and text: #attributes + #text */
    put_attr(&w, "Qualifiers", "16384");
    put8(&w, 0x02);
    put_text(&w, "7036");
    put8(&w, 0x04);
    put_leaf(&w, "Correlation", NULL);   /* empty element: null */
    put_leaf(&w, "H", "one");            /* repeated names: H_1, H_2 hold the later ones */
    put_leaf(&w, "H", "two");
    put_leaf(&w, "H", "three");
    put8(&w, 0x04);
    put_open(&w, "EventData", 0);
    put8(&w, 0x02);
    put_open(&w, "Data", 1);             /* <Data Name="X">v</Data> is "X": v */
    put_attr(&w, "Name", "Image");
    put8(&w, 0x02);
    put_text(&w, "a&b");
    put8(&w, 0x48); put16(&w, 0x41);      /* character reference 'A' */
    put8(&w, 0x09); put_name(&w, "amp");  /* entity reference &amp; */
    put8(&w, 0x47); put16(&w, 2); put16(&w, 'c'); put16(&w, 'd');   /* CDATA */
    put8(&w, 0x04);
    put8(&w, 0x04);
    put8(&w, 0x04);
    end_record(&w);
    writer_finish(&w);
    read_result r;
    CHECK_STR(first_event_json(a, &w, &r),
              "{\"Event\":{\"#attributes\":{\"xmlns\":\"urn:x\"},\"System\":{\"EventID\":"
              "{\"#attributes\":{\"Qualifiers\":\"16384\"},\"#text\":\"7036\"},\"Correlation\":null,"
              "\"H\":\"one\",\"H_1\":\"two\",\"H_2\":\"three\"},"
              "\"EventData\":{\"Image\":\"a&bA&cd\"}}}");
    CHECK_INT(r.events, 1);
    CHECK_INT(r.diags, 0);
    free(w.file);
    rdx_arena_free(a);
}

TEST(evtx_unnamed_data) {
    rdx_arena *a = rdx_arena_new(0);
    bx_writer w;
    writer_init(&w);
    begin_record(&w, 1);
    put_open(&w, "Event", 0);
    put8(&w, 0x02);
    put_open(&w, "EventData", 0);
    put8(&w, 0x02);
    put_leaf(&w, "Data", "first");
    put_leaf(&w, "Data", NULL);          /* an empty <Data/> keeps its place */
    put_leaf(&w, "Data", "third");
    put_leaf(&w, "Binary", NULL);
    put8(&w, 0x04);
    put8(&w, 0x04);
    end_record(&w);
    begin_record(&w, 2);                 /* one unnamed Data: no array */
    put_open(&w, "Event", 0);
    put8(&w, 0x02);
    put_open(&w, "EventData", 0);
    put8(&w, 0x02);
    put_leaf(&w, "Data", "only");
    put8(&w, 0x04);
    put8(&w, 0x04);
    end_record(&w);
    writer_finish(&w);
    rdx_strbuf out = RDX_STRBUF_INIT;
    read_result r = read_buffer(w.file, 4096 + 65536, &out);
    CHECK_INT(r.events, 2);
    CHECK_STR(out.data,
              "{\"Event\":{\"EventData\":{\"Data\":{\"#text\":[\"first\",\"\",\"third\"]},\"Binary\":null}}}\n"
              "{\"Event\":{\"EventData\":{\"Data\":{\"#text\":\"only\"}}}}\n");
    rdx_strbuf_free(&out);
    free(w.file);
    rdx_arena_free(a);
}

/* Thousands of repeated siblings: every value kept (H, H_1, ... H_2499)
 * in linear time per sibling, not a search from H_1 each time. */
TEST(evtx_many_repeated_siblings) {
    rdx_arena *a = rdx_arena_new(0);
    bx_writer w;
    writer_init(&w);
    begin_record(&w, 1);
    put_open(&w, "Event", 0);
    put8(&w, 0x02);
    size_t name_at = 0;
    for (int i = 0; i < 2500; i++) {
        put8(&w, 0x01);
        put16(&w, 0xffff);
        put32(&w, 0);
        if (i == 0) {
            name_at = w.pos + 4;
            put_name(&w, "H");
        } else {
            put32(&w, (uint32_t)name_at);      /* the name stored by the first */
        }
        put8(&w, 0x02);
        put8(&w, 0x05); put8(&w, 0x01); put16(&w, 1); put16(&w, 'a' + i % 26);
        put8(&w, 0x04);
    }
    put8(&w, 0x04);
    end_record(&w);
    writer_finish(&w);
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_evtx *x = rdx_evtx_open_buffer(w.file, 4096 + 65536, "mem", &d);
    rdx_event ev;
    CHECK_INT(rdx_evtx_next(x, a, &ev, &d), 1);
    const rdx_value *e = rdx_object_get(ev.root, "Event");
    CHECK(e && e->type == RDX_OBJECT && e->u.object.count == 2500);
    /* document order, as evtx_dump 0.15: the first in H, the next in H_1 */
    const rdx_value *first = rdx_object_get(e, "H");
    const rdx_value *second = rdx_object_get(e, "H_1");
    const rdx_value *last = rdx_object_get(e, "H_2499");
    CHECK(last && first && second);
    if (last && first && second) {
        CHECK_STR(first->u.str.ptr, "a");
        CHECK_STR(second->u.str.ptr, "b");
        CHECK_STR(last->u.str.ptr, "d");                       /* 2499 % 26 = 3 */
    }
    CHECK_INT(rdx_evtx_next(x, a, &ev, &d), 0);
    rdx_evtx_close(x);
    rdx_diags_free(&d);
    free(w.file);
    rdx_arena_free(a);
}

/* A template (an element with substitutions) used by two records, one
 * defining it inline and one referring back to it, with typed values. */
TEST(evtx_templates_and_substitutions) {
    rdx_arena *a = rdx_arena_new(0);
    bx_writer w;
    writer_init(&w);
    size_t def_at = 0;
    for (int rec = 0; rec < 2; rec++) {
        begin_record(&w, (uint64_t)rec + 1);
        put8(&w, 0x0c);
        put8(&w, 1);
        put32(&w, 0x1234);
        if (rec == 0) {
            def_at = w.pos + 4;
            put32(&w, (uint32_t)def_at);   /* definition follows inline */
            put32(&w, 0);                  /* next definition */
            put32(&w, 0x1234);             /* GUID: 16 bytes */
            for (int i = 0; i < 12; i++) put8(&w, 0);
            size_t size_at = w.pos;
            put32(&w, 0);
            size_t body = w.pos;
            put8(&w, 0x0f); put8(&w, 1); put8(&w, 1); put8(&w, 0);
            put_open(&w, "Event", 0);
            put8(&w, 0x02);
            put_open(&w, "Execution", 1);
            put8(&w, 0x06); put_name(&w, "ProcessID");
            put8(&w, 0x0d); put16(&w, 0); put8(&w, 0x08);
            put8(&w, 0x06); put_name(&w, "ActivityID");
            put8(&w, 0x0e); put16(&w, 3); put8(&w, 0x0f);   /* optional, value absent */
            put8(&w, 0x03);
            put_open(&w, "Keywords", 0);
            put8(&w, 0x02);
            put8(&w, 0x0d); put16(&w, 1); put8(&w, 0x15);
            put8(&w, 0x04);
            put_open(&w, "Security", 1);
            put8(&w, 0x06); put_name(&w, "UserID");
            put8(&w, 0x0e); put16(&w, 2); put8(&w, 0x13);
            put8(&w, 0x03);
            put8(&w, 0x04);
            put8(&w, 0x00);
            uint32_t size = (uint32_t)(w.pos - body);
            uint8_t *c = chunk_of(&w) + size_at;
            wr32(c, size);
        } else {
            put32(&w, (uint32_t)def_at);   /* refer back */
        }
        /* values: u32 pid, hex64 keywords, SID (record 1) or null (record 2), null */
        put32(&w, 4);
        put16(&w, 4); put8(&w, 0x08); put8(&w, 0);
        put16(&w, 8); put8(&w, 0x15); put8(&w, 0);
        put16(&w, rec == 0 ? 12 : 0); put8(&w, rec == 0 ? 0x13 : 0); put8(&w, 0);
        put16(&w, 0); put8(&w, 0); put8(&w, 0);
        put32(&w, 3904 + (uint32_t)rec);
        put32(&w, 0); put32(&w, 0x80000000);
        if (rec == 0) {
            put8(&w, 1); put8(&w, 1); put32(&w, 0); put8(&w, 0); put8(&w, 5); put32(&w, 18);
        }
        put8(&w, 0x00);
        while ((w.pos - w.rec_start + 4) % 8) put8(&w, 0);
        uint32_t size = (uint32_t)(w.pos - w.rec_start + 4);
        put32(&w, size);
        wr32(chunk_of(&w) + w.rec_start + 4, size);
    }
    writer_finish(&w);
    rdx_strbuf out = RDX_STRBUF_INIT;
    read_result r = read_buffer(w.file, 4096 + 65536, &out);
    CHECK_INT(r.events, 2);
    CHECK_INT(r.diags, 0);
    CHECK_STR(out.data,
              "{\"Event\":{\"Execution\":{\"#attributes\":{\"ProcessID\":3904}},"
              "\"Keywords\":\"0x8000000000000000\",\"Security\":{\"#attributes\":{\"UserID\":\"S-1-5-18\"}}}}\n"
              "{\"Event\":{\"Execution\":{\"#attributes\":{\"ProcessID\":3905}},"
              "\"Keywords\":\"0x8000000000000000\",\"Security\":null}}\n");
    rdx_strbuf_free(&out);
    free(w.file);
    rdx_arena_free(a);
}

/* Hostile structure: a template that instantiates itself, and elements
 * nested past the limit, are damaged records with a reason, not hangs. */
TEST(evtx_hostile_records) {
    bx_writer w;
    writer_init(&w);
    begin_record(&w, 1);
    put8(&w, 0x0c);
    put8(&w, 1);
    put32(&w, 1);
    size_t def_at = w.pos + 4;
    put32(&w, (uint32_t)def_at);
    put32(&w, 0);
    for (int i = 0; i < 16; i++) put8(&w, 0);
    size_t size_at = w.pos;
    put32(&w, 0);
    size_t body = w.pos;
    put8(&w, 0x0c);                      /* the body: an instance of itself */
    put8(&w, 1);
    put32(&w, 1);
    put32(&w, (uint32_t)def_at);
    put32(&w, 0);                        /* no values */
    put8(&w, 0x00);
    wr32(chunk_of(&w) + size_at, (uint32_t)(w.pos - body));
    put32(&w, 0);                        /* outer instance: no values */
    end_record(&w);
    begin_record(&w, 2);                 /* 100 nested elements */
    for (int i = 0; i < 100; i++) {
        put_open(&w, "E", 0);
        put8(&w, 0x02);
    }
    for (int i = 0; i < 100; i++) put8(&w, 0x04);
    end_record(&w);
    begin_record(&w, 3);                 /* and a good one after them */
    put_leaf(&w, "Event", "ok");
    end_record(&w);
    writer_finish(&w);
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_evtx *x = rdx_evtx_open_buffer(w.file, 4096 + 65536, "mem", &d);
    rdx_strbuf out = RDX_STRBUF_INIT;
    read_result r = read_all(x, &d, &out);
    CHECK_INT(r.events, 1);
    CHECK_INT(r.bad_calls, 2);
    CHECK_STR(out.data, "{\"Event\":\"ok\"}\n");
    CHECK_INT(d.count, 2);
    if (d.count == 2) {
        CHECK(strstr(d.items[0].message, "chunk 0: event record 1: template at") &&
              strstr(d.items[0].message, "contains itself"));
        CHECK(strstr(d.items[1].message, "event record 2: elements nested more than 64 deep"));
    }
    rdx_strbuf_free(&out);
    rdx_evtx_close(x);
    rdx_diags_free(&d);
    free(w.file);
}

static int th_contains(const char *s, const char *needle) { return s && strstr(s, needle) != NULL; }

TEST(evtx_not_evtx_and_tiny_inputs) {
    rdx_diags d;
    rdx_diags_init(&d);
    CHECK(rdx_evtx_open_buffer("hello", 5, "x", &d) == NULL);
    CHECK_INT(d.errors, 1);
    CHECK(rdx_evtx_sniff("ElfFile\0", 8));
    CHECK(!rdx_evtx_sniff("ElfFile", 7));
    rdx_diags_clear(&d);
    /* A signature and nothing else, or a header and no chunk: no events
     * can be in it, so it is refused (unreadable evidence, not "nothing
     * found"). */
    CHECK(rdx_evtx_open_buffer("ElfFile\0", 8, "x", &d) == NULL);
    CHECK_INT(d.errors, 1);
    CHECK(th_contains(d.items[0].message, "header truncated"));
    rdx_diags_clear(&d);
    static unsigned char header_only[4096] = "ElfFile";
    CHECK(rdx_evtx_open_buffer(header_only, sizeof header_only, "x", &d) == NULL);
    CHECK_INT(d.errors, 1);
    CHECK(th_contains(d.items[0].message, "only a file header"));
    rdx_diags_clear(&d);
    CHECK(rdx_evtx_open_buffer("", 0, "x", &d) == NULL);
    CHECK(d.errors == 1 && th_contains(d.items[0].message, "empty"));
    rdx_diags_clear(&d);
    CHECK(rdx_evtx_open("/nonexistent/file.evtx", &d) == NULL);
    CHECK_INT(d.errors, 1);
    rdx_diags_free(&d);
}

/* ---- corpus: regression data ------------------------------------------- */

/* Split concatenated JSON objects (evtx_dump writes one pretty object per
 * event) and parse each; returns how many. */
static size_t parse_objects(rdx_arena *a, const char *text, size_t len, rdx_value **out,
                            size_t max) {
    size_t n = 0, i = 0;
    while (i < len && n < max) {
        while (i < len && text[i] != '{') i++;
        if (i >= len) break;
        size_t start = i;
        int depth = 0, in_str = 0;
        for (; i < len; i++) {
            char c = text[i];
            if (in_str) {
                if (c == '\\') i++;
                else if (c == '"') in_str = 0;
            } else if (c == '"') {
                in_str = 1;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                i++;
                break;
            }
        }
        rdx_json_error err;
        rdx_value *v = rdx_json_parse(a, text + start, i - start, &err);
        if (!v) break;
        out[n++] = v;
    }
    return n;
}

/* The first path where two trees differ, or NULL. */
/* The regression .json files were written by an evtx_dump (0.8.x) that
 * trimmed white space at the end of strings and wrote times to the
 * microsecond; ours (x) keeps every value as logged and times to 100 ns, as
 * evtx_dump 0.15 does.  A string of ours that differs only by white space
 * at its end, or a time of ours whose seventh digit is the only difference
 * ("...53.3688632Z" against "...53.368863Z"), is the same value. */
static int same_but_older_format(const rdx_value *x, const rdx_value *y) {
    if (x->type != RDX_STRING || y->type != RDX_STRING) return 0;
    size_t n = x->u.str.len;
    if (n == 28 && y->u.str.len == 27 && x->u.str.ptr[19] == '.' && x->u.str.ptr[27] == 'Z' &&
        memcmp(x->u.str.ptr, y->u.str.ptr, 26) == 0 && y->u.str.ptr[26] == 'Z')
        return 1;
    const char *t = rdx_text_trim(x->u.str.ptr, x->u.str.len, &n);
    n += (size_t)(t - x->u.str.ptr);   /* keep leading white space: only the end was trimmed */
    return n == y->u.str.len && memcmp(x->u.str.ptr, y->u.str.ptr, n) == 0;
}

static const char *first_difference(rdx_arena *a, const rdx_value *x, const rdx_value *y,
                                    const char *path) {
    if (rdx_value_equal(x, y) || same_but_older_format(x, y)) return NULL;
    if (x->type != RDX_OBJECT || y->type != RDX_OBJECT)
        return rdx_arena_printf(a, "%s: %s != %s", path, to_json(a, x), to_json(a, y));
    for (size_t i = 0; i < x->u.object.count; i++) {
        const rdx_member *m = &x->u.object.members[i];
        const rdx_value *o = rdx_object_get(y, m->key);
        const char *sub = rdx_arena_printf(a, "%s.%s", path, m->key);
        if (!o) return rdx_arena_printf(a, "%s: only in ours", sub);
        const char *d = first_difference(a, m->value, o, sub);
        if (d) return d;
    }
    for (size_t i = 0; i < y->u.object.count; i++)
        if (!rdx_object_get(x, y->u.object.members[i].key))
            return rdx_arena_printf(a, "%s.%s: only in the .json", path, y->u.object.members[i].key);
    return NULL;   /* every member the same (some by the older format) */
}

/* 1 when every event of the .evtx equals the .json's, else prints why. */
static int regression_matches(const char *evtx_path, const char *json_path, const char *name) {
    size_t jlen;
    char *json = rdx_test_read_file(json_path, &jlen);
    if (!json) {
        fprintf(stderr, "    %s: cannot read the .json\n", name);
        return 0;
    }
    rdx_arena *ja = rdx_arena_new(0), *ea = rdx_arena_new(0);
    rdx_value *want[256];
    size_t n_want = parse_objects(ja, json, jlen, want, 256);
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_evtx *x = rdx_evtx_open(evtx_path, &d);
    size_t n = 0;
    int ok = x != NULL && d.errors == 0;
    const char *why = x ? NULL : "cannot open";
    rdx_event ev;
    int r;
    while (x && (r = rdx_evtx_next(x, ea, &ev, &d)) != 0) {
        if (r < 0) { ok = 0; why = "damaged record"; continue; }
        if (n < n_want && ok) {
            const char *diff = first_difference(ea, ev.root, want[n], "");
            if (diff) {
                ok = 0;
                why = rdx_arena_printf(ja, "event %zu%s", n, diff);
            }
        }
        n++;
        rdx_arena_reset(ea);
    }
    if (ok && n != n_want) {
        ok = 0;
        why = rdx_arena_printf(ja, "%zu events, the .json has %zu", n, n_want);
    }
    if (!ok) fprintf(stderr, "    regression mismatch: %s: %s\n", name, why ? why : "?");
    rdx_evtx_close(x);
    rdx_diags_free(&d);
    rdx_arena_free(ja);
    rdx_arena_free(ea);
    free(json);
    return ok;
}

TEST(evtx_corpus_sigma_regression) {
    REQUIRE_CORPUS(corpus);
    char path[4096];
    snprintf(path, sizeof path, "%s/sigma-regression/INDEX.tsv", corpus);
    char *index = rdx_test_read_file(path, NULL);
    CHECK(index != NULL);
    if (!index) return;
    size_t files = 0, matched = 0;
    char *save = NULL;
    strtok_r(index, "\n", &save);   /* header */
    for (char *line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *cols[5] = {0};
        rdx_test_tsv_cells(line, cols, 5);
        if (!cols[3] || !*cols[3]) continue;
        char ev[4096], js[4096];
        snprintf(ev, sizeof ev, "%s/sigma-regression/%s", corpus, cols[2]);
        snprintf(js, sizeof js, "%s/sigma-regression/%s", corpus, cols[3]);
        files++;
        matched += regression_matches(ev, js, cols[3]);
    }
    free(index);
    fprintf(stderr, "    sigma regression: %zu of %zu files match evtx_dump\n", matched, files);
    CHECK_INT(files, 129);
    CHECK_INT(matched, 129);
}

/* ---- corpus: damaged and edge-case files -------------------------------- */

static read_result read_path(const char *path, rdx_diags *d) {
    rdx_evtx *x = rdx_evtx_open(path, d);
    read_result r = read_all(x, d, NULL);
    rdx_evtx_close(x);
    return r;
}

TEST(evtx_corpus_damaged) {
    REQUIRE_CORPUS(corpus);
    char path[4096];
    snprintf(path, sizeof path, "%s/evtx-damaged/MANIFEST.tsv", corpus);
    char *manifest = rdx_test_read_file(path, NULL);
    CHECK(manifest != NULL);
    if (!manifest) return;
    size_t files = 0;
    char *save = NULL;
    strtok_r(manifest, "\n", &save);
    for (char *line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *cols[18] = {0};
        rdx_test_tsv_cells(line, cols, 18);
        const char *file = cols[0], *category = cols[1];
        snprintf(path, sizeof path, "%s/evtx-damaged/%s", corpus, file);
        rdx_diags d;
        rdx_diags_init(&d);
        read_result r = read_path(path, &d);
        files++;
        if (!strstr(file, ".evtx")) {            /* binxml.dat: not a file format we open */
            CHECK(!r.opened && d.errors == 1);
            rdx_diags_free(&d);
            continue;
        }
        long ok_records = cols[3] && *cols[3] ? atol(cols[3]) : -1;
        long walked = cols[15] && *cols[15] ? atol(cols[15]) : -1;
        long size = cols[5] ? atol(cols[5]) : 0;
        rdx_test_checkf(r.opened, __FILE__, __LINE__, "%s: opens", file);
        /* Recover at least what upstream's parser recovers, and never more
         * records than could fit in the file. */
        if (ok_records >= 0)
            rdx_test_checkf((long)r.events >= ok_records, __FILE__, __LINE__,
                            "%s: %zu events, upstream reads %ld", file, r.events, ok_records);
        rdx_test_checkf(r.events > 0 && (long)r.events <= size / 28, __FILE__, __LINE__,
                        "%s: %zu events", file, r.events);
        if (!strcmp(category, "damaged"))
            rdx_test_checkf(r.diags > 0, __FILE__, __LINE__, "%s: damage reported", file);
        else
            rdx_test_checkf(r.errors == 0 && r.warnings == 0 && (long)r.events >= walked, __FILE__,
                            __LINE__, "%s: edge case read cleanly (%zu events, %zu errors)", file,
                            r.events, r.errors);
        /* Every diagnostic says where, in this file, under "evtx". */
        for (size_t i = 0; i < d.count; i++)
            CHECK(!strcmp(d.items[i].category, "evtx") && d.items[i].offset <= (uint64_t)size &&
                  strstr(d.items[i].file, file));
        rdx_diags_free(&d);
    }
    free(manifest);
    CHECK_INT(files, 18);
}

/* ---- robustness: truncated and bit-flipped copies ----------------------- */

static uint64_t prng_next(uint64_t *s) {   /* xorshift64* */
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * UINT64_C(2685821657736338717);
}

TEST(evtx_corpus_truncated_and_flipped) {
    REQUIRE_CORPUS(corpus);
    char path[4096];
    snprintf(path, sizeof path, "%s/evtx-samples/omerbenamram-evtx/security.evtx", corpus);
    size_t len;
    uint8_t *good = (uint8_t *)rdx_test_read_file(path, &len);
    CHECK(good != NULL && len > 4096 + 65536);
    if (!good) return;
    read_result base = read_buffer(good, len, NULL);
    CHECK(base.events > 100);
    CHECK_INT(base.diags, 0);
    uint64_t seed = UINT64_C(0x9e3779b97f4a7c15);
    uint8_t *copy = malloc(len);
    /* Truncations: inside the file header, at chunk boundaries, anywhere. */
    size_t cuts = 0, cuts_losing = 0, cut_reported = 0;
    for (int i = 0; i < 40; i++) {
        size_t cut = i < 8 ? (size_t)i * 600 : (size_t)(prng_next(&seed) % len);
        if (i == 8) cut = 4096 + 65536;       /* exactly one whole chunk */
        memcpy(copy, good, cut);
        read_result r = read_buffer(copy, cut, NULL);
        cuts++;
        CHECK(r.events <= base.events);
        /* A cut loses data (and must be reported) when it falls in the
         * file header or inside a chunk that is in use. */
        size_t in_chunk = cut >= 4096 ? 4096 + (cut - 4096) / 65536 * 65536 : 0;
        int loses = cut < 4096 || (cut != in_chunk && !memcmp(good + in_chunk, "ElfChnk", 8));
        if (loses) {
            cuts_losing++;
            cut_reported += r.diags > 0;
        } else {
            CHECK_INT(r.errors, 0);
        }
    }
    CHECK(cuts_losing >= 10);
    CHECK_INT(cut_reported, cuts_losing);
    /* Bit flips in checksummed bytes (file header, chunk headers, record
     * data before the free-space offset) are always reported. */
    size_t flips = 0, flips_reported = 0;
    for (int i = 0; i < 300; i++) {
        memcpy(copy, good, len);
        int n_flips = 1 + (int)(prng_next(&seed) % 8);
        size_t first_at = 0;
        for (int f = 0; f < n_flips; f++) {
            size_t at;
            uint64_t where = prng_next(&seed) % 3;
            if (where == 0) at = prng_next(&seed) % 120;
            else {
                size_t chunk;
                do   /* a chunk in use: flips in unused space lose nothing */
                    chunk = 4096 + (size_t)(prng_next(&seed) % ((len - 4096) / 65536)) * 65536;
                while (memcmp(good + chunk, "ElfChnk", 8) != 0);
                uint32_t fso = (uint32_t)good[chunk + 48] | (uint32_t)good[chunk + 49] << 8;
                at = where == 1 ? chunk + prng_next(&seed) % 120
                                : chunk + 512 + prng_next(&seed) % (fso > 512 ? fso - 512 : 1);
            }
            copy[at] ^= (uint8_t)(1u << (prng_next(&seed) % 8));
            if (f == 0) first_at = at;
        }
        read_result r = read_buffer(copy, len, NULL);
        flips++;
        flips_reported += r.diags > 0;
        if (!r.diags)
            fprintf(stderr, "    %d flips from offset 0x%zx went unreported\n", n_flips, first_at);
        CHECK(r.events <= base.events + 64);
    }
    fprintf(stderr, "    robustness: %zu truncations, %zu flipped copies, all reported: %s\n", cuts,
            flips, flips_reported == flips ? "yes" : "no");
    CHECK_INT(flips_reported, flips);
    free(copy);
    free(good);
}

/* ---- corpus: samples ---------------------------------------------------- */

TEST(evtx_corpus_samples) {
    REQUIRE_CORPUS(corpus);
    char path[4096];
    snprintf(path, sizeof path, "%s/evtx-samples/MANIFEST.tsv", corpus);
    char *manifest = rdx_test_read_file(path, NULL);
    CHECK(manifest != NULL);
    if (!manifest) return;
    size_t files = 0, empty = 0, differ = 0, total = 0, walked_total = 0;
    char *save = NULL;
    strtok_r(manifest, "\n", &save);
    for (char *line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *cols[13] = {0};
        rdx_test_tsv_cells(line, cols, 13);
        snprintf(path, sizeof path, "%s/evtx-samples/%s", corpus, cols[0]);
        rdx_diags d;
        rdx_diags_init(&d);
        read_result r = read_path(path, &d);
        size_t walked = cols[11] ? (size_t)atol(cols[11]) : 0;
        files++;
        total += r.events;
        walked_total += walked;
        if (r.events == 0) {
            empty++;
            fprintf(stderr, "    no events: %s\n", cols[0]);
        }
        if (r.events != walked || d.errors || d.warnings) {
            differ++;
            fprintf(stderr, "    %s: %zu events (walk: %zu), %zu errors\n", cols[0], r.events,
                    walked, d.errors);
        }
        rdx_diags_free(&d);
    }
    free(manifest);
    fprintf(stderr, "    samples: %zu files, %zu events\n", files, total);
    CHECK_INT(files, 568);
    CHECK_INT(empty, 0);
    CHECK_INT(differ, 0);
    CHECK_INT(total, walked_total);
}

/* ---- fuzzer findings ---------------------------------------------------- */

/* Every file in tests/data/evtx/ once crashed or hung the fuzzer; each must
 * now be read to the end (the sanitizer build catches any relapse). */
TEST(evtx_fuzz_regressions) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/tests/data/evtx", rdx_test_root());
    DIR *dp = opendir(dir);
    CHECK(dp != NULL);
    if (!dp) return;
    struct dirent *e;
    size_t n = 0;
    while ((e = readdir(dp)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t len;
        char *buf = rdx_test_read_file(path, &len);
        if (!buf) continue;
        read_result r = read_buffer(buf, len, NULL);
        CHECK(r.events + r.bad_calls < len);   /* finished, and made progress per call */
        free(buf);
        n++;
    }
    closedir(dp);
    CHECK(n >= 1);
}
