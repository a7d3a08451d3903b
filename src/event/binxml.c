/*
 * binxml.c — Windows Binary XML (BinXML) to the event value tree.
 *
 * Why hand-written: there is no well-kept C library for EVTX in Debian
 * (libevtx is unpackaged and pulls in a dozen libyal helpers), and what a
 * detection engine needs is narrower than XML anyway: the JSON shape that
 * evtx_dump (the Rust `evtx` crate) writes and the SigmaHQ regression data
 * uses.  The format description we follow is libyal's "Windows XML Event
 * Log (EVTX)" (docs/libevtx in the corpus).
 *
 * The idea.  An event record holds a tiny BinXML document: usually just a
 * "template instance" — a reference to a template (an XML skeleton with
 * numbered holes, defined once per chunk and shared by every record of the
 * same event type) plus the typed values that fill the holes.  Names
 * (element and attribute names) are also stored once per chunk and
 * referenced by chunk offset.  So decoding has two halves:
 *
 *   1. compile: walk BinXML tokens and turn them into a flat array of ops
 *      (open element, attribute, text, substitution #n, ...).  Names are
 *      decoded from UTF-16 once per chunk (name cache) and templates are
 *      compiled once per chunk (template cache), both keyed by offset;
 *   2. run: walk the ops with a record's values and feed a small builder
 *      that reproduces evtx_dump's JSON layout:
 *        <E a="1">t</E>      -> "E": {"#attributes": {"a": 1}, "#text": "t"}
 *        <E>t</E>            -> "E": "t"          <E/> -> "E": null
 *        <Data Name="X">v</Data>                  -> "X": v
 *        unnamed <Data>v</Data>... -> "Data": {"#text": v | [v, ...]}
 *        repeated <E> siblings     -> "E", "E_1", "E_2", ... (evtx_dump
 *                                     0.15's order: the first in "E")
 *        <E></E>, <E>""</E>        -> "E": null  (empty content renders as nothing)
 *        <Data Name="X"/>          -> "X": ""
 *        <E>%1</E>, %1 an array    -> "E", "E_1", ... (the element repeats)
 *        an element whose dependency (a substitution) is NULL is left out
 *      Attributes whose value is empty (an optional substitution with no
 *      value) are dropped, as evtx_dump does; a value of type BinXML (0x21)
 *      is a nested document and is expanded in place.  Every value is kept
 *      as logged (white space too); the layout is evtx_dump 0.15.1's, and
 *      `make oracle-evtx` checks it value for value on the samples.
 *
 * Everything is bounded by the buffer: every offset is checked against the
 * end of the region it belongs to (the record for inline data, the chunk for
 * names and templates referenced by offset).  Limits, so that hostile input
 * costs bounded time and memory:
 *   BX_MAX_DEPTH     64 elements open at once within one record;
 *   BX_MAX_NEST      8 template instances / BinXML values inside each other;
 *   BX_MAX_WORK      1,000,000 ops run per record (a template's ops run once
 *                    per use, and uses can multiply through nesting);
 *   BX_MAX_ELEMENTS  10,000 elements per record (members of one object are
 *                    found by linear search, so this bounds that cost too).
 * A record over a limit is reported as damaged, like any other bad record.
 *
 * Memory: ops of templates and decoded names live in the chunk context's
 * arena (reset per chunk); everything a record produces — its tree, its
 * strings, the ops of its own document — lives in the caller's arena.
 * Nothing here calls malloc per record.
 *
 * Speed (docs/PERFORMANCE.md, "EVTX hot path"): a template is compiled
 * once per chunk and only run per record; a value's node and its text are
 * one arena allocation (text_node); UTF-16 is checked for ASCII eight
 * units at a time and packed straight into the node (utf16_node), taking
 * only the bytes it needs; numbers, GUIDs and SIDs are formatted without
 * printf.  Each fast path has a differential unit test against the
 * obvious form (tests/unit/test_evtx.c, "fast paths").
 */
#include "binxml.h"
#include "event/civil.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define BX_MAX_DEPTH 64
#define BX_MAX_NEST 8
#define BX_MAX_WORK 1000000
#define BX_MAX_ELEMENTS 10000

/* ------------------------------------------------------------------ */
/* Little-endian reads (the caller has checked the bounds).            */

static inline uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t rd32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline uint64_t rd64(const uint8_t *p) { return rd32(p) | ((uint64_t)rd32(p + 4) << 32); }
/* A little-endian 64-bit word already loaded with memcpy, in host order. */
static inline uint64_t le64(uint64_t w) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return __builtin_bswap64(w);
#else
    return w;
#endif
}

/* ------------------------------------------------------------------ */
/* Text conversion.                                                    */

static size_t put_utf8(char *o, uint32_t cp) {
    if (cp < 0x80) { o[0] = (char)cp; return 1; }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* How many leading units of p[0..n) are ASCII other than NUL: almost
 * every string in an event log is plain ASCII, so this is checked eight
 * units (SSE2) or four units (one 64-bit word) at a time. */
static size_t ascii_prefix(const uint8_t *p, size_t n) {
    size_t i = 0;
#ifdef __SSE2__
    const __m128i high = _mm_set1_epi16((short)0xFF80), zero = _mm_setzero_si128();
    for (; i + 8 <= n; i += 8) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 2 * i));
        __m128i bad = _mm_or_si128(_mm_cmpeq_epi16(v, zero),
                                   _mm_xor_si128(_mm_cmpeq_epi16(_mm_and_si128(v, high), zero),
                                                 _mm_set1_epi16(-1)));
        if (_mm_movemask_epi8(bad)) break;
    }
#endif
    for (; i + 4 <= n; i += 4) {
        uint64_t w;
        memcpy(&w, p + 2 * i, 8);
        w = le64(w);
        /* any unit >= 0x80, or any unit == 0 (a unit minus 1 borrows) */
        uint64_t zero_unit = (w - UINT64_C(0x0001000100010001)) & ~w & UINT64_C(0x8000800080008000);
        if ((w & UINT64_C(0xFF80FF80FF80FF80)) || zero_unit) break;
    }
    while (i < n && rd16(p + 2 * i) - 1u < 0x7Fu) i++;
    return i;
}

/* The low bytes of n ASCII units (checked by ascii_prefix) into out. */
static void ascii_copy(char *out, const uint8_t *p, size_t n) {
    size_t i = 0;
#ifdef __SSE2__
    for (; i + 8 <= n; i += 8) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 2 * i));
        _mm_storel_epi64((__m128i *)(void *)(out + i), _mm_packus_epi16(v, v));
    }
#endif
    for (; i < n; i++) out[i] = (char)p[2 * i];
}

/* A node of type t whose text (n bytes, NUL-terminated) sits right after
 * it: one arena allocation instead of two.  The text is left for the
 * caller to fill.  Most of a record's values are such nodes, and the
 * allocator was a tenth of reading. */
static rdx_value *text_node(rdx_arena *a, rdx_vtype t, size_t n, char **text) {
    rdx_value *v = rdx_arena_alloc(a, sizeof *v + n + 1);
    memset(v, 0, sizeof *v);
    v->type = t;
    *text = (char *)(v + 1);
    (*text)[n] = 0;
    v->u.str.ptr = *text;
    v->u.str.len = n;
    return v;
}

/* A string node holding a copy of s[0..n). */
static rdx_value *string_node(rdx_arena *a, const char *s, size_t n) {
    char *t;
    rdx_value *v = text_node(a, RDX_STRING, n, &t);
    if (n) memcpy(t, s, n);
    return v;
}

/* The rest of a UTF-16 conversion after `ascii` plain units: into out,
 * which has room for 3 bytes per unit; returns the length. */
static size_t utf16_tail(char *out, const uint8_t *p, size_t n, size_t ascii);

/* UTF-16LE as a string node (the text right after the node, sized as
 * rdx_bx_utf16_to_utf8 sizes it). */
static rdx_value *utf16_node(rdx_arena *a, const uint8_t *p, size_t n) {
    size_t ascii = ascii_prefix(p, n);
    char *t;
    if (ascii == n || rd16(p + 2 * ascii) == 0) {
        rdx_value *v = text_node(a, RDX_STRING, ascii, &t);
        ascii_copy(t, p, ascii);
        return v;
    }
    rdx_value *v = text_node(a, RDX_STRING, n * 3, &t);
    v->u.str.len = utf16_tail(t, p, n, ascii);
    return v;
}

char *rdx_bx_utf16_to_utf8(rdx_arena *a, const uint8_t *p, size_t n, size_t *out_len) {
    size_t ascii = ascii_prefix(p, n);
    if (ascii == n || rd16(p + 2 * ascii) == 0) {
        /* all ASCII up to the end or a NUL: one byte per unit, and no
         * more room taken than that */
        char *out = rdx_arena_alloc(a, ascii + 1);
        ascii_copy(out, p, ascii);
        out[ascii] = 0;
        *out_len = ascii;
        return out;
    }
    /* 3 bytes per unit covers every case: a BMP character takes at most 3,
     * a surrogate pair (2 units) takes 4. */
    char *out = rdx_arena_alloc(a, n * 3 + 1);
    *out_len = utf16_tail(out, p, n, ascii);
    return out;
}

static size_t utf16_tail(char *out, const uint8_t *p, size_t n, size_t ascii) {
    size_t o = ascii;
    ascii_copy(out, p, ascii);
    for (size_t i = ascii; i < n; i++) {
        uint32_t u = rd16(p + 2 * i);
        if (u - 1 < 0x7F) {          /* ASCII, the common case */
            out[o++] = (char)u;
            continue;
        }
        if (u == 0) break;
        if (u >= 0xD800 && u <= 0xDBFF && i + 1 < n) {
            uint32_t lo = rd16(p + 2 * i + 2);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                o += put_utf8(out + o, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
                i++;
                continue;
            }
        }
        if (u >= 0xD800 && u <= 0xDFFF) u = 0xFFFD;
        o += put_utf8(out + o, u);
    }
    out[o] = 0;
    return o;
}

/* Windows-1252, the code page evtx_dump assumes for ANSI strings; bytes
 * 0x80-0x9F map to these code points (undefined ones to the C1 control). */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

/* ANSI bytes to UTF-8; NUL bytes are dropped (evtx_dump prunes them). */
static char *ansi_to_utf8(rdx_arena *a, const uint8_t *p, size_t n, size_t *out_len) {
    char *out = rdx_arena_alloc(a, n * 3 + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = p[i];
        if (c == 0) continue;
        if (c >= 0x80 && c < 0xA0) c = cp1252_high[c - 0x80];
        o += put_utf8(out + o, c);
    }
    out[o] = 0;
    *out_len = o;
    return out;
}

/* ------------------------------------------------------------------ */
/* Value types to text and values.                                     */

/* Number and text formatting without printf: values are formatted for
 * every substitution of every record, and vfprintf was a fifth of the
 * profile. */

/* Decimal digits of v, right-aligned to width w (at most 20) with zeros
 * (w may be 0).  Two digits per division: every number, time and SID of
 * a record goes through here. */
static size_t put_dec(char *o, uint64_t v, int w) {
    static const char pairs[] =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
        "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
        "8081828384858687888990919293949596979899";
    char tmp[24];
    int n = 24;
    while (v >= 100) {
        unsigned r = (unsigned)(v % 100);
        v /= 100;
        n -= 2;
        memcpy(tmp + n, pairs + 2 * r, 2);
    }
    if (v >= 10) {
        n -= 2;
        memcpy(tmp + n, pairs + 2 * v, 2);
    } else {
        tmp[--n] = (char)('0' + v);
    }
    while (24 - n < w) tmp[--n] = '0';
    memcpy(o, tmp + n, (size_t)(24 - n));
    return (size_t)(24 - n);
}

/* Hex digits of v, exactly w of them (upper case), or as many as needed
 * (w = 0, lower case, as evtx_dump prints hex integers). */
static size_t put_hex(char *o, uint64_t v, int w) {
    static const char lo[] = "0123456789abcdef", up[] = "0123456789ABCDEF";
    const char *digits = w ? up : lo;
    int n = 0;
    char tmp[16];
    do {
        tmp[n++] = digits[v & 15];
        v >>= 4;
    } while (v || n < w);
    for (int i = 0; i < n; i++) o[i] = tmp[n - 1 - i];
    return (size_t)n;
}

/* A number node from an integer, its text made by hand (value.c's
 * constructors print with printf). */
static rdx_value *int_value(rdx_arena *a, int64_t i) {
    char buf[24];
    size_t n = 0;
    if (i < 0) buf[n++] = '-';
    n += put_dec(buf + n, i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i, 0);
    char *t;
    rdx_value *v = text_node(a, RDX_NUMBER, n, &t);
    memcpy(t, buf, n);
    v->num_kind = RDX_NUM_INT;
    v->num.i = i;
    return v;
}

static rdx_value *uint_value(rdx_arena *a, uint64_t u) {
    return u <= INT64_MAX ? int_value(a, (int64_t)u) : rdx_value_uint(a, u);
}

/* "YYYY-MM-DDTHH:MM:SS.fffffffZ": seven digits, the 100 ns a FILETIME
 * counts, as Windows and evtx_dump 0.15 render them.  Years past 9999 keep
 * their last four digits (evtx_dump's choice, so that the text keeps its
 * shape). */
static size_t put_iso(char *o, uint64_t y, unsigned mo, unsigned d, unsigned h, unsigned mi,
                      unsigned s, unsigned ticks) {
    size_t n = 0;
    n += put_dec(o + n, y % 10000u, 4);
    o[n++] = '-';
    n += put_dec(o + n, mo, 2);
    o[n++] = '-';
    n += put_dec(o + n, d, 2);
    o[n++] = 'T';
    n += put_dec(o + n, h, 2);
    o[n++] = ':';
    n += put_dec(o + n, mi, 2);
    o[n++] = ':';
    n += put_dec(o + n, s, 2);
    o[n++] = '.';
    n += put_dec(o + n, ticks, 7);
    o[n++] = 'Z';
    o[n] = 0;
    return n;
}

size_t rdx_bx_filetime_text(uint64_t ft, char out[40]) {
    /* 100 ns ticks since 1601-01-01.  A value past INT64_MAX is no time
     * Windows can hold; evtx_dump writes it as all zeros, and so do we. */
    if (ft > (uint64_t)INT64_MAX) return put_iso(out, 0, 0, 0, 0, 0, 0, 0);
    uint64_t secs = ft / 10000000u;
    unsigned ticks = (unsigned)(ft % 10000000u);
    int64_t unix_secs = (int64_t)secs - INT64_C(11644473600);
    int64_t days = unix_secs >= 0 ? unix_secs / 86400 : -((-unix_secs + 86399) / 86400);
    int64_t rem = unix_secs - days * 86400;
    int64_t y;
    unsigned m, d;
    rdx_civil_from_days(days, &y, &m, &d);
    return put_iso(out, (uint64_t)y, m, d, (unsigned)(rem / 3600), (unsigned)(rem / 60 % 60),
                   (unsigned)(rem % 60), ticks);
}

/* Is a SYSTEMTIME one Windows takes as a time?  (The day of the week is
 * not checked: Windows ignores it.) */
static int systime_valid(unsigned y, unsigned mo, unsigned d, unsigned h, unsigned mi,
                         unsigned s, unsigned ms) {
    static const unsigned char mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1601 || y > 30827 || mo < 1 || mo > 12 || h > 23 || mi > 59 || s > 59 || ms > 999)
        return 0;
    unsigned leap = mo == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    return d >= 1 && d <= mdays[mo - 1] + leap;
}

size_t rdx_bx_systime_text(const uint8_t p[16], char out[40]) {
    /* year, month, day-of-week, day, hour, minute, second, milliseconds;
     * one that is not valid (an unset one included) is 1601-01-01, as
     * Windows and evtx_dump render it */
    unsigned y = rd16(p), mo = rd16(p + 2), d = rd16(p + 6), h = rd16(p + 8),
             mi = rd16(p + 10), s = rd16(p + 12), ms = rd16(p + 14);
    if (!systime_valid(y, mo, d, h, mi, s, ms)) return put_iso(out, 1601, 1, 1, 0, 0, 0, 0);
    return put_iso(out, y, mo, d, h, mi, s, ms * 10000u);
}

/* Two upper-case hex digits per byte. */
static void hex_byte(char *o, unsigned b) {
    static const char digits[] = "0123456789ABCDEF";
    o[0] = digits[b >> 4];
    o[1] = digits[b & 15];
}

size_t rdx_bx_guid_text(const uint8_t p[16], char out[40]) {
    /* Data1 (LE 32), Data2 and Data3 (LE 16), then 8 bytes in order:
     * XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX, one table look-up per digit
     * (GUIDs are in every record's System part) */
    static const unsigned char order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
    size_t n = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out[n++] = '-';
        hex_byte(out + n, p[order[i]]);
        n += 2;
    }
    out[n] = 0;
    return n;
}

size_t rdx_bx_sid_text(const uint8_t *p, size_t n, char *out, size_t cap) {
    if (n < 8 || cap < 64) return 0;
    unsigned count = p[1];
    /* A SID that claims more sub-authorities than it has bytes keeps the
     * ones that are there (evtx-damaged has such a record). */
    if (count > (n - 8) / 4) count = (unsigned)((n - 8) / 4);
    uint64_t auth = 0;
    for (int i = 2; i < 8; i++) auth = (auth << 8) | p[i];
    size_t o = 0;
    if (auth < (UINT64_C(1) << 32)) {     /* S-1-5-21-...: digits by hand, not printf */
        out[o++] = 'S';
        out[o++] = '-';
        o += put_dec(out + o, p[0], 0);
        out[o++] = '-';
        o += put_dec(out + o, auth, 0);
    } else {
        int w = snprintf(out, cap, "S-%u-0x%012" PRIX64, p[0], auth);
        if (w < 0) return 0;
        o = (size_t)w;
    }
    for (unsigned i = 0; i < count && o + 12 < cap; i++) {
        out[o++] = '-';
        o += put_dec(out + o, rd32(p + 8 + 4 * i), 0);
    }
    out[o] = 0;
    return o;
}

static rdx_value *hex_bytes(rdx_arena *a, const uint8_t *p, size_t n) {
    char *s;
    rdx_value *v = text_node(a, RDX_STRING, n * 2, &s);
    for (size_t i = 0; i < n; i++) hex_byte(s + 2 * i, p[i]);
    return v;
}

static rdx_value *text_value(rdx_arena *a, const char *s, size_t n) {
    return string_node(a, s, n);
}

/* Shortest text that reads back as the same float, as evtx_dump (zmij)
 * prints; NaN and infinities have no JSON form and become null. */
static rdx_value *float_value(rdx_arena *a, double v, int single) {
    if (!isfinite(v)) return rdx_value_null(a);
    char buf[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        double back = strtod(buf, NULL);
        if (single ? (float)back == (float)v : back == v) break;
    }
    /* "1" would read as an integer; evtx_dump writes 1.0 for a float. */
    if (!strpbrk(buf, ".eEn")) strcat(buf, ".0");
    /* evtx_dump 0.15 writes reals as strings ("3199.234"): only integers
     * and booleans are bare JSON; numbers still compare by value */
    return rdx_value_string(a, buf, strlen(buf));
}

/* Size in bytes of a fixed-size base type; 0 for variable-size types. */
static size_t fixed_size(unsigned base) {
    switch (base) {
    case RDX_BX_INT8: case RDX_BX_UINT8: return 1;
    case RDX_BX_INT16: case RDX_BX_UINT16: return 2;
    case RDX_BX_INT32: case RDX_BX_UINT32: case RDX_BX_REAL32: case RDX_BX_BOOL:
    case RDX_BX_HEX32: return 4;
    case RDX_BX_INT64: case RDX_BX_UINT64: case RDX_BX_REAL64: case RDX_BX_FILETIME:
    case RDX_BX_HEX64: return 8;
    case RDX_BX_GUID: case RDX_BX_SYSTIME: return 16;
    default: return 0;
    }
}

/* One element of a fixed-size type at p (n == fixed_size(base), or for
 * SizeT 4 or 8). */
static rdx_value *fixed_value(rdx_arena *a, unsigned base, const uint8_t *p, size_t n) {
    char buf[48];
    size_t len;
    switch (base) {
    case RDX_BX_INT8: return int_value(a, (int8_t)p[0]);
    case RDX_BX_UINT8: return int_value(a, p[0]);
    case RDX_BX_INT16: return int_value(a, (int16_t)rd16(p));
    case RDX_BX_UINT16: return int_value(a, rd16(p));
    case RDX_BX_INT32: return int_value(a, (int32_t)rd32(p));
    case RDX_BX_UINT32: return int_value(a, rd32(p));
    case RDX_BX_INT64: return int_value(a, (int64_t)rd64(p));
    case RDX_BX_UINT64: return uint_value(a, rd64(p));
    case RDX_BX_REAL32: {
        uint32_t bits = rd32(p);
        float f;
        memcpy(&f, &bits, 4);
        return float_value(a, f, 1);
    }
    case RDX_BX_REAL64: {
        uint64_t bits = rd64(p);
        double f;
        memcpy(&f, &bits, 8);
        return float_value(a, f, 0);
    }
    /* Windows writes 0/1, but any non-zero value means true. */
    case RDX_BX_BOOL: return rdx_value_bool(a, rd32(p) != 0);
    case RDX_BX_GUID: len = rdx_bx_guid_text(p, buf); break;
    case RDX_BX_FILETIME: len = rdx_bx_filetime_text(rd64(p), buf); break;
    case RDX_BX_SYSTIME: len = rdx_bx_systime_text(p, buf); break;
    case RDX_BX_HEX32:
    case RDX_BX_HEX64:
    case RDX_BX_SIZET:
        /* SizeT is paired with a hex type in the manifest; evtx_dump shows it as hex. */
        buf[0] = '0';
        buf[1] = 'x';
        len = 2 + put_hex(buf + 2, n == 8 ? rd64(p) : rd32(p), 0);
        break;
    default: return hex_bytes(a, p, n);
    }
    return text_value(a, buf, len);
}

static rdx_value *sid_value(rdx_arena *a, const uint8_t *p, size_t n) {
    char buf[2900];
    size_t len = rdx_bx_sid_text(p, n, buf, sizeof buf);
    return len ? text_value(a, buf, len) : hex_bytes(a, p, n);
}

/* Length in bytes of the SID at p (at most n), 0 if none fits. */
static size_t sid_len(const uint8_t *p, size_t n) {
    if (n < 8) return 0;
    size_t len = 8 + 4 * (size_t)p[1];
    return len <= n ? len : 0;
}

/* NUL-separated UTF-16 (or ANSI) strings to an array of strings. */
static rdx_value *string_array(rdx_arena *a, const uint8_t *p, size_t n, int wide) {
    rdx_value *arr = rdx_value_array(a);
    size_t unit = wide ? 2 : 1, i = 0;
    while (i + unit <= n) {
        size_t j = i;
        while (j + unit <= n && (wide ? rd16(p + j) != 0 : p[j] != 0)) j += unit;
        size_t len;
        char *s = wide ? rdx_bx_utf16_to_utf8(a, p + i, (j - i) / 2, &len)
                       : ansi_to_utf8(a, p + i, j - i, &len);
        rdx_array_push(a, arr, rdx_value_string_ref(a, s, len));
        i = j + unit;
    }
    return arr;
}

static rdx_value *array_value(rdx_arena *a, unsigned base, const uint8_t *p, size_t n) {
    if (base == RDX_BX_STRING || base == RDX_BX_ANSI)
        return string_array(a, p, n, base == RDX_BX_STRING);
    rdx_value *arr = rdx_value_array(a);
    if (base == RDX_BX_SID) {
        size_t i = 0, len;
        while (i < n && (len = sid_len(p + i, n - i)) > 0) {
            rdx_array_push(a, arr, sid_value(a, p + i, len));
            i += len;
        }
        return arr;
    }
    size_t size = base == RDX_BX_SIZET ? (n % 8 == 0 ? 8 : 4) : fixed_size(base);
    if (size == 0) return hex_bytes(a, p, n);   /* binary, handles, XML: no array form */
    for (size_t i = 0; i + size <= n; i += size)
        rdx_array_push(a, arr, fixed_value(a, base, p + i, size));
    return arr;
}

rdx_value *rdx_bx_value(rdx_arena *a, unsigned type, const uint8_t *p, size_t n) {
    size_t len;
    char *s;
    if (type & RDX_BX_ARRAY) return array_value(a, type & 0x7f, p, n);
    switch (type) {
    case RDX_BX_NULL: return rdx_value_null(a);
    case RDX_BX_STRING:
        return utf16_node(a, p, n / 2);   /* as logged: no trimming */
    case RDX_BX_ANSI:
        s = ansi_to_utf8(a, p, n, &len);
        return rdx_value_string_ref(a, s, len);
    case RDX_BX_SID: return sid_value(a, p, n);
    case RDX_BX_SIZET:
        if (n == 4 || n == 8) return fixed_value(a, type, p, n);
        return hex_bytes(a, p, n);
    case RDX_BX_BINARY: case RDX_BX_EVTHANDLE: case RDX_BX_BINXML: case RDX_BX_EVTXML:
        return hex_bytes(a, p, n);
    default: {
        size_t need = fixed_size(type);
        if (need && n >= need) return fixed_value(a, type, p, need);
        return hex_bytes(a, p, n);
    }
    }
}

/* ------------------------------------------------------------------ */
/* Per-chunk caches: offset -> decoded name / compiled template.       */

typedef struct map_entry {
    uint32_t key, gen;
    void *val;
} map_entry;

/* Open addressing with a generation stamp per slot, so dropping every
 * entry at a chunk change is `gen++` rather than a memset. */
typedef struct offset_map {
    map_entry *e;
    size_t cap, used;
    uint32_t gen;
} offset_map;

static void map_init(offset_map *m, size_t cap) {
    m->e = calloc(cap, sizeof *m->e);
    if (!m->e) abort();
    m->cap = cap;
    m->used = 0;
    m->gen = 1;
}

static void map_clear(offset_map *m) {
    m->used = 0;
    if (++m->gen == 0) {           /* wrapped: stale stamps could match */
        memset(m->e, 0, m->cap * sizeof *m->e);
        m->gen = 1;
    }
}

static map_entry *map_slot(offset_map *m, uint32_t key) {
    size_t i = (key * 2654435761u) & (m->cap - 1);
    while (m->e[i].gen == m->gen && m->e[i].key != key) i = (i + 1) & (m->cap - 1);
    return &m->e[i];
}

static void *map_get(offset_map *m, uint32_t key) {
    map_entry *s = map_slot(m, key);
    return s->gen == m->gen ? s->val : NULL;
}

static void map_put(offset_map *m, uint32_t key, void *val) {
    if ((m->used + 1) * 2 > m->cap) {           /* keep the load under 1/2 */
        offset_map bigger;
        map_init(&bigger, m->cap * 2);
        for (size_t i = 0; i < m->cap; i++)
            if (m->e[i].gen == m->gen) {
                map_entry *s = map_slot(&bigger, m->e[i].key);
                *s = (map_entry){m->e[i].key, bigger.gen, m->e[i].val};
                bigger.used++;
            }
        free(m->e);
        *m = bigger;
    }
    map_entry *s = map_slot(m, key);
    if (s->gen != m->gen) m->used++;
    *s = (map_entry){key, m->gen, val};
}

/* ------------------------------------------------------------------ */
/* Ops: the compiled form of BinXML.                                   */

enum {
    OP_OPEN = 1,      /* name, len */
    OP_ATTR,          /* name, len */
    OP_CLOSE_START,
    OP_CLOSE_EMPTY,
    OP_END,
    OP_TEXT,          /* UTF-8 text (value text, CDATA), str, len */
    OP_VALUE,         /* typed literal: vtype, raw, len */
    OP_SUBST,         /* id, vtype, optional */
    OP_CHARREF,       /* id = character */
    OP_ENTREF,        /* name, len */
    OP_TEMPLATE       /* tmpl, raw = value descriptors, len = value count */
};

typedef struct bx_template bx_template;

typedef struct bx_op {
    uint8_t kind, vtype, optional;
    uint16_t id;
    uint32_t len;
    const void *ptr;
    const bx_template *tmpl;
} bx_op;

typedef struct bx_ops {
    bx_op *v;
    size_t n, cap;
} bx_ops;

struct bx_template {
    bx_ops ops;
    int state;       /* TPL_COMPILING while its own body is being read */
};
enum { TPL_COMPILING = 1, TPL_READY, TPL_BAD };

typedef struct bx_name {
    const char *s;
    uint32_t len;
} bx_name;

struct rdx_bx_chunk {
    const uint8_t *base;
    size_t len;
    rdx_arena *arena;       /* names and templates of the current chunk */
    offset_map names, templates;
};

rdx_bx_chunk *rdx_bx_chunk_new(void) {
    rdx_bx_chunk *c = calloc(1, sizeof *c);
    if (!c) abort();
    c->arena = rdx_arena_new(256 * 1024);
    map_init(&c->names, 1024);
    map_init(&c->templates, 256);
    return c;
}

void rdx_bx_chunk_free(rdx_bx_chunk *c) {
    if (!c) return;
    rdx_arena_free(c->arena);
    free(c->names.e);
    free(c->templates.e);
    free(c);
}

void rdx_bx_chunk_reset(rdx_bx_chunk *c, const uint8_t *chunk, size_t len) {
    c->base = chunk;
    c->len = len;
    rdx_arena_reset(c->arena);
    map_clear(&c->names);
    map_clear(&c->templates);
}

/* ------------------------------------------------------------------ */
/* Decoding state of one record.                                       */

typedef struct bx_level {
    rdx_value *node;         /* NULL: an unnamed <Data>, made on first text */
    int unnamed_data;        /* an unnamed <Data> ... */
    int has_text;            /* ... and whether it had any text */
    int named_data;          /* a <Data Name="X">: "" when it has no text */
    const char *name;        /* the element's name (repeated for an array value) */
    size_t name_len;
    /* Repeated children come in runs: where the search for a free k_N
     * slot starts for the last repeated key, so a run costs linear time. */
    const char *dup_key;
    size_t dup_len;
    unsigned long dup_next;
} bx_level;

typedef struct bx_ctx {
    rdx_bx_chunk *c;
    rdx_arena *a;            /* the caller's arena */
    rdx_bx_error *err;
    size_t rec_off;          /* the record's payload, for errors found by run */
    int failed;
    int nest;                /* template / BinXML value nesting */
    size_t work, elements;
    /* the builder */
    rdx_value *root;
    bx_level st[BX_MAX_DEPTH + 1];
    int depth;
} bx_ctx;

__attribute__((format(printf, 3, 4)))
static int fail(bx_ctx *x, size_t off, const char *fmt, ...) {
    if (x->failed) return -1;     /* keep the first, most specific reason */
    x->failed = 1;
    x->err->offset = off ? off : x->rec_off;   /* ops carry no offsets */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->err->message, sizeof x->err->message, fmt, ap);
    va_end(ap);
    return -1;
}

static bx_op *ops_push(rdx_arena *a, bx_ops *o, uint8_t kind) {
    if (o->n == o->cap) {
        size_t ncap = o->cap ? o->cap * 2 : 32;
        bx_op *nv = rdx_arena_alloc(a, ncap * sizeof *nv);
        if (o->n) memcpy(nv, o->v, o->n * sizeof *nv);
        o->v = nv;
        o->cap = ncap;
    }
    bx_op *op = &o->v[o->n++];
    memset(op, 0, sizeof *op);
    op->kind = kind;
    return op;
}

/* ------------------------------------------------------------------ */
/* Compile: BinXML tokens to ops.                                      */

/* A span of bytes being compiled: positions are chunk offsets, and the
 * tokens must end before `end` (the record, value or template body). */
typedef struct span {
    size_t pos, end;
    rdx_arena *a;            /* where ops and literal text go */
    int in_value;            /* inside a BinXML substitution value */
} span;

static int need(bx_ctx *x, const span *s, size_t n, const char *what) {
    if (s->end - s->pos < n || s->pos > s->end)
        return fail(x, s->pos, "truncated %s", what);
    return 0;
}

/* The name stored at chunk offset off, decoded once per chunk. */
static const bx_name *name_at(bx_ctx *x, uint32_t off) {
    rdx_bx_chunk *c = x->c;
    bx_name *nm = map_get(&c->names, off);
    if (nm) return nm;
    if (off > c->len || c->len - off < 8) {
        fail(x, off, "name offset 0x%" PRIx32 " outside the chunk", off);
        return NULL;
    }
    size_t chars = rd16(c->base + off + 6);
    if ((c->len - off - 8) / 2 < chars) {
        fail(x, off, "name at 0x%" PRIx32 " runs past the chunk", off);
        return NULL;
    }
    nm = rdx_arena_alloc(c->arena, sizeof *nm);
    size_t len;
    nm->s = rdx_bx_utf16_to_utf8(c->arena, c->base + off + 8, chars, &len);
    nm->len = (uint32_t)len;
    map_put(&c->names, off, nm);
    return nm;
}

/* A name reference: a 32-bit chunk offset; when it points just past
 * itself, the name is stored right here and the position skips it. */
static const bx_name *read_name_ref(bx_ctx *x, span *s) {
    if (need(x, s, 4, "name reference") < 0) return NULL;
    uint32_t off = rd32(x->c->base + s->pos);
    s->pos += 4;
    if (off == s->pos) {
        if (need(x, s, 8, "name") < 0) return NULL;
        size_t chars = rd16(x->c->base + s->pos + 6);
        if (need(x, s, 8 + 2 * chars + 2, "name") < 0) return NULL;
        s->pos += 8 + 2 * chars + 2;
    }
    return name_at(x, off);
}

static int read_utf16_text(bx_ctx *x, span *s, bx_op *op) {
    if (need(x, s, 2, "text") < 0) return -1;
    size_t chars = rd16(x->c->base + s->pos);
    s->pos += 2;
    if (need(x, s, 2 * chars, "text") < 0) return -1;
    size_t len;
    op->ptr = rdx_bx_utf16_to_utf8(s->a, x->c->base + s->pos, chars, &len);
    op->len = (uint32_t)len;
    s->pos += 2 * chars;
    return 0;
}

static int compile(bx_ctx *x, span *s, bx_ops *out);
static const bx_template *template_at(bx_ctx *x, uint32_t off);

/* Does an element start with (skip = 2) or without (skip = 0) the 2-byte
 * dependency id read sanely at s->pos?  2: its name is stored inline right
 * after it (certain); 1: data size and name offset are in range; 0: no. */
static int open_layout_fits(const bx_ctx *x, const span *s, size_t skip) {
    const uint8_t *b = x->c->base + s->pos;
    if (s->end - s->pos < 1 + skip + 8) return 0;
    uint32_t size = rd32(b + 1 + skip), name = rd32(b + 5 + skip);
    if (name == s->pos + 9 + skip) return 2;
    return size <= s->end - s->pos && name < x->c->len;
}

/* Element start: token, [dependency id], data size, name, [attr list size]. */
static int compile_open(bx_ctx *x, span *s, bx_ops *out, uint8_t tok) {
    /* Templates carry a 2-byte dependency id; [MS-EVEN6] omits it inside
     * BinXML values, and forwarded (WEC) events omit it too.  Take the
     * layout whose name reference is inline, else one whose fields are in
     * range (a missing id makes the "data size" huge). */
    int with = open_layout_fits(x, s, 2), without = open_layout_fits(x, s, 0);
    if (!with && !without) return fail(x, s->pos, "bad element start");
    size_t skip = (with == 2 || (with && without != 2)) ? 2 : 0;
    /* the substitution the element depends on (0xFFFF: none): when that
     * value is NULL the element is not rendered ([MS-EVEN6] 2.2.12) */
    uint16_t dep = skip ? rd16(x->c->base + s->pos + 1) : 0xFFFF;
    s->pos += 1 + skip + 4;
    const bx_name *nm = read_name_ref(x, s);
    if (!nm) return -1;
    if (tok & 0x40) {
        if (need(x, s, 4, "attribute list") < 0) return -1;
        s->pos += 4;
    }
    bx_op *op = ops_push(s->a, out, OP_OPEN);
    op->ptr = nm->s;
    op->len = nm->len;
    op->id = dep;
    return 0;
}

/* Template instance: token, 1 byte, template id, definition offset,
 * [definition, when it is stored right here], value count, descriptors,
 * values. */
static int compile_template_instance(bx_ctx *x, span *s, bx_ops *out) {
    const uint8_t *b = x->c->base;
    if (need(x, s, 10, "template instance") < 0) return -1;
    uint32_t def = rd32(b + s->pos + 6);
    s->pos += 10;
    if (def == s->pos) {     /* inline definition: skip it, compile below */
        if (need(x, s, 24, "template definition") < 0) return -1;
        uint32_t size = rd32(b + s->pos + 20);
        if (need(x, s, 24 + (size_t)size, "template definition") < 0) return -1;
        s->pos += 24 + (size_t)size;
    }
    const bx_template *t = template_at(x, def);
    if (!t) return -1;
    if (need(x, s, 4, "template values") < 0) return -1;
    uint32_t count = rd32(b + s->pos);
    s->pos += 4;
    if ((s->end - s->pos) / 4 < count) return fail(x, s->pos, "template value count %" PRIu32 " too large", count);
    const uint8_t *desc = b + s->pos;
    size_t total = 0;
    for (uint32_t i = 0; i < count; i++) total += rd16(desc + 4 * (size_t)i);
    s->pos += 4 * (size_t)count;
    if (need(x, s, total, "template values") < 0) return -1;
    s->pos += total;
    bx_op *op = ops_push(s->a, out, OP_TEMPLATE);
    op->tmpl = t;
    op->ptr = desc;
    op->len = count;
    return 0;
}

/* Value token: a type byte, then a length-prefixed UTF-16 string or a
 * fixed-size value. */
static int compile_value(bx_ctx *x, span *s, bx_ops *out) {
    if (need(x, s, 2, "value") < 0) return -1;
    uint8_t type = x->c->base[s->pos + 1];
    s->pos += 2;
    if (type == RDX_BX_STRING) return read_utf16_text(x, s, ops_push(s->a, out, OP_TEXT));
    size_t size = fixed_size(type);
    if (!size && type != RDX_BX_NULL)
        return fail(x, s->pos, "value token of unsupported type 0x%02x", type);
    if (need(x, s, size, "value") < 0) return -1;
    bx_op *op = ops_push(s->a, out, OP_VALUE);
    op->vtype = type;
    op->ptr = x->c->base + s->pos;
    op->len = (uint32_t)size;
    s->pos += size;
    return 0;
}

/* One token at s->pos; returns 1 at end of stream, 0 to go on, -1 on error. */
static int compile_token(bx_ctx *x, span *s, bx_ops *out) {
    const uint8_t *b = x->c->base;
    uint8_t tok = b[s->pos];
    bx_op *op;
    if (tok & 0xB0) return fail(x, s->pos, "unknown BinXML token 0x%02x", tok);
    switch (tok & 0x0f) {
    case 0x00: s->pos++; return 1;
    case 0x01: return compile_open(x, s, out, tok);
    case 0x02: s->pos++; ops_push(s->a, out, OP_CLOSE_START); return 0;
    case 0x03: s->pos++; ops_push(s->a, out, OP_CLOSE_EMPTY); return 0;
    case 0x04: s->pos++; ops_push(s->a, out, OP_END); return 0;
    case 0x05: return compile_value(x, s, out);
    case 0x06: {
        s->pos++;
        const bx_name *nm = read_name_ref(x, s);
        if (!nm) return -1;
        op = ops_push(s->a, out, OP_ATTR);
        op->ptr = nm->s;
        op->len = nm->len;
        return 0;
    }
    case 0x07:   /* CDATA: text as far as JSON is concerned */
        s->pos++;
        return read_utf16_text(x, s, ops_push(s->a, out, OP_TEXT));
    case 0x08:
        if (need(x, s, 3, "character reference") < 0) return -1;
        op = ops_push(s->a, out, OP_CHARREF);
        op->id = rd16(b + s->pos + 1);
        s->pos += 3;
        return 0;
    case 0x09: {
        s->pos++;
        const bx_name *nm = read_name_ref(x, s);
        if (!nm) return -1;
        op = ops_push(s->a, out, OP_ENTREF);
        op->ptr = nm->s;
        op->len = nm->len;
        return 0;
    }
    case 0x0a:   /* processing instruction target: evtx_dump's JSON drops PIs */
        s->pos++;
        return read_name_ref(x, s) ? 0 : -1;
    case 0x0b: {
        bx_op scratch;
        s->pos++;
        return read_utf16_text(x, s, &scratch);
    }
    case 0x0c: return compile_template_instance(x, s, out);
    case 0x0d:
    case 0x0e:
        if (need(x, s, 4, "substitution") < 0) return -1;
        op = ops_push(s->a, out, OP_SUBST);
        op->id = rd16(b + s->pos + 1);
        op->vtype = b[s->pos + 3];
        op->optional = (tok & 0x0f) == 0x0e;
        s->pos += 4;
        return 0;
    case 0x0f:
        if (need(x, s, 4, "fragment header") < 0) return -1;
        s->pos += 4;
        return 0;
    }
    return fail(x, s->pos, "unknown BinXML token 0x%02x", tok);
}

/* Tokens from s->pos up to the end-of-stream token or the end of the span. */
static int compile(bx_ctx *x, span *s, bx_ops *out) {
    while (s->pos < s->end) {
        int r = compile_token(x, s, out);
        if (r < 0) return -1;
        if (r > 0) return 0;
    }
    return 0;
}

/* The template whose definition is at chunk offset off, compiled once per
 * chunk.  A definition is: next offset (4), GUID (16), body size (4), body. */
static const bx_template *template_at(bx_ctx *x, uint32_t off) {
    rdx_bx_chunk *c = x->c;
    bx_template *t = map_get(&c->templates, off);
    if (t) {
        if (t->state == TPL_READY) return t;
        fail(x, off, t->state == TPL_COMPILING ? "template at 0x%" PRIx32 " contains itself"
                                               : "template at 0x%" PRIx32 " is damaged", off);
        return NULL;
    }
    if (off > c->len || c->len - off < 24) {
        fail(x, off, "template offset 0x%" PRIx32 " outside the chunk", off);
        return NULL;
    }
    uint32_t size = rd32(c->base + off + 20);
    if (c->len - off - 24 < size) {
        fail(x, off, "template at 0x%" PRIx32 " runs past the chunk", off);
        return NULL;
    }
    if (x->nest >= BX_MAX_NEST) {
        fail(x, off, "templates nested more than %d deep", BX_MAX_NEST);
        return NULL;
    }
    t = rdx_arena_zalloc(c->arena, sizeof *t);
    t->state = TPL_COMPILING;
    map_put(&c->templates, off, t);
    span s = {off + 24, off + 24 + (size_t)size, c->arena, 0};
    x->nest++;
    int r = compile(x, &s, &t->ops);
    x->nest--;
    t->state = r < 0 ? TPL_BAD : TPL_READY;
    return r < 0 ? NULL : t;
}

/* ------------------------------------------------------------------ */
/* The builder: evtx_dump's JSON layout.                               */

static long obj_find(const rdx_value *obj, const char *k, size_t n) {
    for (size_t i = 0; i < obj->u.object.count; i++) {
        const rdx_member *m = &obj->u.object.members[i];
        if (m->key_len == n && memcmp(m->key, k, n) == 0) return (long)i;
    }
    return -1;
}

/* The text a value concatenates as (arrays comma-joined, like evtx_dump). */
static void value_text(bx_ctx *x, const rdx_value *v, const char **s, size_t *n) {
    if (v->type == RDX_ARRAY) {
        size_t total = 0;
        for (size_t i = 0; i < v->u.array.count; i++) {
            size_t l;
            const char *t = rdx_value_text(v->u.array.items[i], &l);
            total += (t ? l : 0) + 1;
        }
        char *buf = rdx_arena_alloc(x->a, total + 1), *o = buf;
        for (size_t i = 0; i < v->u.array.count; i++) {
            size_t l;
            const char *t = rdx_value_text(v->u.array.items[i], &l);
            if (i) *o++ = ',';
            if (t) { memcpy(o, t, l); o += l; }
        }
        *o = 0;
        *s = buf;
        *n = (size_t)(o - buf);
        return;
    }
    *s = rdx_value_text(v, n);
    if (!*s) { *s = ""; *n = 0; }
}

static rdx_value *concat(bx_ctx *x, const rdx_value *a, const rdx_value *b) {
    const char *s1, *s2;
    size_t n1, n2;
    value_text(x, a, &s1, &n1);
    value_text(x, b, &s2, &n2);
    char *buf = rdx_arena_alloc(x->a, n1 + n2 + 1);
    memcpy(buf, s1, n1);
    memcpy(buf + n1, s2, n2);
    buf[n1 + n2] = 0;
    return rdx_value_string_ref(x->a, buf, n1 + n2);
}

/* Make v an object in place; text already there moves to "#text". */
static void ensure_object(bx_ctx *x, rdx_value *v) {
    if (v->type == RDX_OBJECT) return;
    if (v->type == RDX_NULL) {
        memset(v, 0, sizeof *v);
        v->type = RDX_OBJECT;
        return;
    }
    rdx_value *old = rdx_arena_alloc(x->a, sizeof *old);
    *old = *v;
    memset(v, 0, sizeof *v);
    v->type = RDX_OBJECT;
    rdx_object_add(x->a, v, "#text", 5, old);
}

static rdx_value *resolve(bx_ctx *x, int level);

/* Put a fresh value under key k of the element at `level`.  When k is
 * taken, the value goes to the first free k_1, k_2, ... so repeated
 * siblings keep every value in document order (evtx_dump 0.15's layout:
 * the first in k). */
static rdx_value *insert_child_at(bx_ctx *x, int level, const char *k, size_t n,
                                  rdx_value *fresh) {
    rdx_value *parent = resolve(x, level);
    ensure_object(x, parent);
    long i = obj_find(parent, k, n);
    if (i < 0) {
        rdx_object_add(x->a, parent, k, n, fresh);
        return fresh;
    }
    bx_level *lv = &x->st[level];
    unsigned long k2 = 1;
    if (lv->dup_key && lv->dup_len == n && memcmp(lv->dup_key, k, n) == 0) k2 = lv->dup_next;
    char *slot = rdx_arena_alloc(x->a, n + 24);
    for (;; k2++) {
        int w = snprintf(slot, n + 24, "%.*s_%lu", (int)n, k, k2);
        if (obj_find(parent, slot, (size_t)w) < 0) {
            rdx_object_add(x->a, parent, slot, (size_t)w, fresh);
            break;
        }
    }
    lv->dup_key = parent->u.object.members[i].key;
    lv->dup_len = n;
    lv->dup_next = k2 + 1;
    return fresh;
}

static rdx_value *insert_child(bx_ctx *x, const char *k, size_t n, rdx_value *fresh) {
    return insert_child_at(x, x->depth, k, n, fresh);
}

/* The value of the element at `level`, creating an unnamed <Data>'s
 * "Data": {} on first use. */
static rdx_value *resolve(bx_ctx *x, int level) {
    if (x->st[level].node) return x->st[level].node;
    rdx_value *parent = resolve(x, level - 1);
    ensure_object(x, parent);
    long i = obj_find(parent, "Data", 4);
    rdx_value *v;
    if (i >= 0) {
        v = parent->u.object.members[i].value;
    } else {
        v = rdx_value_object(x->a);
        rdx_object_add(x->a, parent, "Data", 4, v);
    }
    x->st[level].node = v;
    return v;
}

typedef struct bx_attr {
    const char *name;
    size_t len;
    rdx_value *value;   /* NULL: no value (dropped) */
} bx_attr;

/* Room for one more open element? */
static int can_open(bx_ctx *x) {
    if (x->depth >= BX_MAX_DEPTH) return fail(x, 0, "elements nested more than %d deep", BX_MAX_DEPTH);
    if (++x->elements > BX_MAX_ELEMENTS) return fail(x, 0, "more than %d elements", BX_MAX_ELEMENTS);
    return 0;
}

/* The Name attribute's text, or NULL when there is no Name attribute. */
static const char *data_name(bx_ctx *x, const bx_attr *attrs, size_t n_attrs, size_t *len) {
    for (size_t i = 0; i < n_attrs; i++)
        if (attrs[i].len == 4 && memcmp(attrs[i].name, "Name", 4) == 0) {
            const char *k = "";
            *len = 0;
            if (attrs[i].value) value_text(x, attrs[i].value, &k, len);
            return k;
        }
    return NULL;
}

static int open_element(bx_ctx *x, const char *name, size_t len, bx_attr *attrs,
                        size_t n_attrs) {
    if (can_open(x) < 0) return -1;
    rdx_value *node = NULL;
    if (len == 4 && memcmp(name, "Data", 4) == 0) {
        /* <Data Name="X">v</Data> is "X": v, other attributes dropped; an
         * unnamed <Data> is made on its first text (see resolve). */
        size_t kn;
        const char *k = data_name(x, attrs, n_attrs, &kn);
        if (k) node = insert_child(x, k, kn, rdx_value_null(x->a));
        x->st[++x->depth] = (bx_level){node, !k, 0, k != NULL, name, len, NULL, 0, 0};
        return 0;
    }
    rdx_value *attr_obj = NULL;
    for (size_t i = 0; i < n_attrs; i++) {
        if (!attrs[i].value || attrs[i].value->type == RDX_NULL) continue;
        if (!attr_obj) attr_obj = rdx_value_object(x->a);
        long j = obj_find(attr_obj, attrs[i].name, attrs[i].len);
        if (j >= 0) attr_obj->u.object.members[j].value = attrs[i].value;
        else rdx_object_add(x->a, attr_obj, attrs[i].name, attrs[i].len, attrs[i].value);
    }
    rdx_value *fresh = attr_obj ? rdx_value_object(x->a) : rdx_value_null(x->a);
    if (attr_obj) rdx_object_add(x->a, fresh, "#attributes", 11, attr_obj);
    node = insert_child(x, name, len, fresh);
    x->st[++x->depth] = (bx_level){node, 0, 0, 0, name, len, NULL, 0, 0};
    return 0;
}

static void characters(bx_ctx *x, rdx_value *v);

static int close_element(bx_ctx *x, int floor) {
    if (x->depth <= floor) return fail(x, 0, "end of element without a start");
    /* An empty unnamed <Data> still takes its place in "#text" (as "") so
     * that positions line up with the message's %1, %2, ... */
    bx_level *lv = &x->st[x->depth];
    if (lv->unnamed_data && !lv->has_text)
        characters(x, rdx_value_string_ref(x->a, "", 0));
    /* a <Data Name="X"> with no text is "" (evtx_dump 0.15), other
     * elements with no content are null */
    if (lv->named_data && lv->node && lv->node->type == RDX_NULL)
        *lv->node = *rdx_value_string_ref(x->a, "", 0);
    x->depth--;
    return 0;
}

/* A value that renders as nothing: an empty string, binary or array. */
static int empty_value(const rdx_value *v) {
    return (v->type == RDX_STRING && v->u.str.len == 0) ||
           (v->type == RDX_ARRAY && v->u.array.count == 0) || v->type == RDX_NULL;
}

/* Text content for the current element. */
static void characters(bx_ctx *x, rdx_value *v) {
    bx_level *lv = &x->st[x->depth];
    int data = lv->unnamed_data || lv->named_data;
    /* content that renders as nothing leaves an element null (a <Data> "") */
    if (!data && empty_value(v)) return;
    rdx_value *node = resolve(x, x->depth);
    /* An array value repeats its element, as Windows renders it ([MS-EVEN6]
     * 3.1.4.7.5): <Application>%1</Application> with three strings is
     * Application, Application_1, Application_2.  (A named <Data> keeps
     * the array: evtx_dump writes a run of one name as one.) */
    if (!data && v->type == RDX_ARRAY && node->type == RDX_NULL && x->depth > 1) {
        lv->has_text = 1;
        *node = *v->u.array.items[0];
        for (size_t i = 1; i < v->u.array.count; i++)
            insert_child_at(x, x->depth - 1, lv->name, lv->name_len, v->u.array.items[i]);
        return;
    }
    /* An array in an unnamed <Data> repeats the <Data>: its items take
     * their places in "#text" one by one (one item alone is a string). */
    if (lv->unnamed_data && v->type == RDX_ARRAY) {
        for (size_t i = 0; i < v->u.array.count; i++) characters(x, v->u.array.items[i]);
        return;
    }
    lv->has_text = 1;
    switch (node->type) {
    case RDX_NULL:
        *node = *v;
        return;
    case RDX_OBJECT: {
        long i = obj_find(node, "#text", 5);
        if (i < 0) {
            rdx_object_add(x->a, node, "#text", 5, v);
            return;
        }
        rdx_value *old = node->u.object.members[i].value;
        if (old->type != RDX_ARRAY) {
            rdx_value *arr = rdx_value_array(x->a);
            rdx_array_push(x->a, arr, old);
            node->u.object.members[i].value = arr;
            old = arr;
        }
        rdx_array_push(x->a, old, v);
        return;
    }
    default:
        *node = *concat(x, node, v);
        return;
    }
}

/* ------------------------------------------------------------------ */
/* Run: ops with a template instance's values.                         */

typedef struct bx_values {
    const uint8_t *desc;     /* count x (size u16, type u8, pad u8) */
    const uint8_t *data;
    const uint32_t *offs;    /* start of each value in data */
    uint32_t count;
} bx_values;

static int run(bx_ctx *x, const bx_op *ops, size_t n, const bx_values *vals);

static rdx_value *charref_value(bx_ctx *x, uint32_t cp) {
    char buf[8];
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    size_t len = put_utf8(buf, cp);
    return rdx_value_string(x->a, buf, len);
}

static rdx_value *entity_value(bx_ctx *x, const char *name, size_t len) {
    static const struct { const char *name, *text; } ents[] = {
        {"lt", "<"}, {"gt", ">"}, {"amp", "&"}, {"quot", "\""}, {"apos", "'"}};
    for (size_t i = 0; i < sizeof ents / sizeof ents[0]; i++)
        if (strlen(ents[i].name) == len && memcmp(ents[i].name, name, len) == 0)
            return rdx_value_string(x->a, ents[i].text, 1);
    char *t = rdx_arena_printf(x->a, "&%.*s;", (int)len, name);
    return rdx_value_string_ref(x->a, t, strlen(t));
}

/* A BinXML value (0x21) is a document of its own: compile it into the
 * caller's arena and run it where the substitution stands. */
static int run_nested(bx_ctx *x, size_t off, size_t len) {
    if (x->nest >= BX_MAX_NEST) return fail(x, off, "BinXML values nested more than %d deep", BX_MAX_NEST);
    /* Compiling costs like running: a value used by many substitutions is
     * compiled each time, so charge its size to the work budget. */
    x->work += len / 8;
    if (x->work > BX_MAX_WORK) return fail(x, off, "record needs more than %d steps", BX_MAX_WORK);
    bx_ops ops = {0};
    span s = {off, off + len, x->a, 1};
    x->nest++;
    int r = compile(x, &s, &ops);
    if (r == 0) r = run(x, ops.v, ops.n, NULL);
    x->nest--;
    return r;
}

/* Substitution #id: NULL when nothing is to be written. */
static int substitution(bx_ctx *x, const bx_op *op, const bx_values *vals, rdx_value **out) {
    *out = NULL;
    if (!vals) return fail(x, 0, "substitution outside a template");
    if (op->id >= vals->count) return 0;   /* a missing value is an empty one */
    const uint8_t *d = vals->desc + 4 * (size_t)op->id;
    size_t size = rd16(d);
    uint8_t type = d[2];
    const uint8_t *p = vals->data + vals->offs[op->id];
    if (type == RDX_BX_NULL && op->optional) return 0;
    if (type == RDX_BX_BINXML) {
        if (size == 0) return 0;
        return run_nested(x, (size_t)(p - x->c->base), size);
    }
    *out = rdx_bx_value(x->a, type, p, size);
    return 0;
}

/* One op that yields content (text, value, substitution, reference):
 * its value, or NULL when there is nothing to write. */
static int content_value(bx_ctx *x, const bx_op *op, const bx_values *vals, rdx_value **out) {
    switch (op->kind) {
    case OP_TEXT: *out = string_node(x->a, op->ptr, op->len); return 0;
    case OP_VALUE: *out = rdx_bx_value(x->a, op->vtype, op->ptr, op->len); return 0;
    case OP_CHARREF: *out = charref_value(x, op->id); return 0;
    case OP_ENTREF: *out = entity_value(x, op->ptr, op->len); return 0;
    case OP_SUBST: return substitution(x, op, vals, out);
    }
    *out = NULL;
    return 0;
}

static int is_content(uint8_t kind) {
    return kind == OP_TEXT || kind == OP_VALUE || kind == OP_CHARREF || kind == OP_ENTREF ||
           kind == OP_SUBST;
}

/* Attributes after OP_OPEN at ops[*i]; leaves *i on the op that ends the
 * start tag.  A value made of several pieces is their text joined; a lone
 * typed value (a number, say) keeps its type. */
static int read_attrs(bx_ctx *x, const bx_op *ops, size_t n, size_t *i, const bx_values *vals,
                      bx_attr **out, size_t *n_out) {
    size_t count = 0;
    for (size_t j = *i + 1; j < n && (ops[j].kind == OP_ATTR || is_content(ops[j].kind)); j++)
        count += ops[j].kind == OP_ATTR;
    bx_attr *attrs = count ? rdx_arena_alloc(x->a, count * sizeof *attrs) : NULL;
    size_t k = 0, j = *i + 1;
    while (j < n && ops[j].kind == OP_ATTR) {
        bx_attr *at = &attrs[k++];
        at->name = ops[j].ptr;
        at->len = ops[j].len;
        at->value = NULL;
        for (j++; j < n && is_content(ops[j].kind); j++) {
            rdx_value *v;
            if (ops[j].kind == OP_SUBST && vals && ops[j].id < vals->count &&
                vals->desc[4 * (size_t)ops[j].id + 2] == RDX_BX_BINXML)
                continue;                     /* markup cannot be an attribute value */
            if (content_value(x, &ops[j], vals, &v) < 0) return -1;
            if (!v) continue;
            at->value = at->value ? concat(x, at->value, v) : v;
        }
    }
    if (j < n && is_content(ops[j].kind)) return fail(x, 0, "attribute value without an attribute");
    *i = j;
    *out = attrs;
    *n_out = k;
    return 0;
}

static int run_template(bx_ctx *x, const bx_op *op) {
    if (x->nest >= BX_MAX_NEST) return fail(x, 0, "templates nested more than %d deep", BX_MAX_NEST);
    bx_values v = {op->ptr, (const uint8_t *)op->ptr + 4 * (size_t)op->len, NULL, op->len};
    uint32_t *offs = op->len ? rdx_arena_alloc(x->a, op->len * sizeof *offs) : NULL;
    uint32_t at = 0;
    for (uint32_t i = 0; i < op->len; i++) {
        offs[i] = at;
        at += rd16(v.desc + 4 * (size_t)i);
    }
    v.offs = offs;
    x->nest++;
    int r = run(x, op->tmpl->ops.v, op->tmpl->ops.n, &v);
    x->nest--;
    return r;
}

/* Is the element opened by op left out of this instance?  Windows does not
 * render an element whose dependency (a substitution) is NULL, and
 * evtx_dump 0.15 follows it: e.g. the empty <Data/> and <Binary/> pair
 * of many Application records (EventData is then null). */
static int left_out(const bx_op *op, const bx_values *vals) {
    return vals && op->id != 0xFFFF && op->id < vals->count &&
           vals->desc[4 * (size_t)op->id + 2] == RDX_BX_NULL;
}

/* Skip the element whose OP_OPEN is ops[*i], leaving *i on its last op. */
static int skip_element(bx_ctx *x, const bx_op *ops, size_t n, size_t *i) {
    size_t open = 0;
    for (size_t j = *i; j < n; j++) {
        if (++x->work > BX_MAX_WORK) return fail(x, 0, "record needs more than %d steps", BX_MAX_WORK);
        if (ops[j].kind == OP_CLOSE_START) open++;
        else if (ops[j].kind == OP_END && open) open--;
        else if (ops[j].kind != OP_CLOSE_EMPTY) continue;
        if (open == 0) {
            *i = j;
            return 0;
        }
    }
    return fail(x, 0, "element start without an end");
}

static int run(bx_ctx *x, const bx_op *ops, size_t n, const bx_values *vals) {
    int floor = x->depth;
    for (size_t i = 0; i < n; i++) {
        const bx_op *op = &ops[i];
        if (++x->work > BX_MAX_WORK) return fail(x, 0, "record needs more than %d steps", BX_MAX_WORK);
        switch (op->kind) {
        case OP_OPEN: {
            if (x->depth > floor && left_out(op, vals)) {   /* a template's root always is */
                if (skip_element(x, ops, n, &i) < 0) return -1;
                break;
            }
            bx_attr *attrs = NULL;
            size_t n_attrs = 0;
            if (read_attrs(x, ops, n, &i, vals, &attrs, &n_attrs) < 0) return -1;
            if (open_element(x, op->ptr, op->len, attrs, n_attrs) < 0) return -1;
            if (i >= n) return fail(x, 0, "element start without an end");
            if (ops[i].kind == OP_CLOSE_EMPTY) {
                if (close_element(x, floor) < 0) return -1;
            } else if (ops[i].kind != OP_CLOSE_START) {
                return fail(x, 0, "element start not closed");
            }
            break;
        }
        case OP_END:
            if (close_element(x, floor) < 0) return -1;
            break;
        case OP_TEMPLATE:
            if (run_template(x, op) < 0) return -1;
            break;
        case OP_ATTR:
        case OP_CLOSE_START:
        case OP_CLOSE_EMPTY:
            return fail(x, 0, "misplaced attribute or tag end");
        default: {
            rdx_value *v;
            if (content_value(x, op, vals, &v) < 0) return -1;
            if (v) characters(x, v);
            if (x->failed) return -1;
        }
        }
    }
    if (x->depth != floor) return fail(x, 0, "element not closed");
    return 0;
}

/* ------------------------------------------------------------------ */

rdx_value *rdx_bx_record(rdx_bx_chunk *c, size_t off, size_t len, rdx_arena *a,
                         rdx_bx_error *err) {
    /* Only the scalars are zeroed: the level stack (65 levels, 4.7 KB) is
     * written as elements open and never read above the depth, and
     * clearing it for every record was 3% of reading. */
    bx_ctx x;
    x.c = c;
    x.a = a;
    x.err = err;
    x.rec_off = off;
    x.failed = 0;
    x.nest = 0;
    x.work = 0;
    x.elements = 0;
    x.depth = 0;
    err->offset = off;
    err->message[0] = 0;
    if (off > c->len || c->len - off < len) {
        fail(&x, off, "record runs past the chunk");
        return NULL;
    }
    x.root = rdx_value_object(a);
    x.st[0] = (bx_level){x.root, 0, 0, 0, NULL, 0, NULL, 0, 0};
    bx_ops ops = {0};
    span s = {off, off + len, a, 0};
    if (compile(&x, &s, &ops) < 0) return NULL;
    if (run(&x, ops.v, ops.n, NULL) < 0) return NULL;
    if (x.root->u.object.count == 0) {
        fail(&x, off, "record holds no XML");
        return NULL;
    }
    return x.root;
}
