/*
 * json_reader.c — JSON text to value trees, one event at a time.
 *
 * Two layers live here.
 *
 * The parser (rdx_json_parse) is a strict RFC 8259 recursive-descent parser
 * written by hand.  It is on the hot path — every byte of every JSON event
 * passes through it — and the project's choice is a zero-copy scanner: it
 * walks the caller's text in place, copies a string into the arena exactly
 * once (decoding escapes during that copy), hands a number's text straight
 * to rdx_value_number_text(), and tracks lines while it skips white space so
 * that an error position costs nothing until there is an error.  A general
 * JSON library would build its own tree that we would then convert, which
 * is two allocations per node where we want one.
 *
 * The stream reader (rdx_json_reader_*) finds events in a file: JSON Lines,
 * pretty-printed objects, concatenated values, or one top-level array whose
 * elements it hands out one by one (the array itself is never built).  It
 * reads 1 MiB blocks into one buffer and parses each event in place.  An
 * event that runs past the end of the buffered text is the only awkward
 * case: the parser says "need more" instead of failing, the reader then
 * finds where the event ends with a cheap bracket-and-quote scan (reading,
 * and growing the buffer only if the event itself is bigger than it), and
 * parses the event once more.  So memory is one event plus one block, and
 * the common case is a single pass.  A caller that is done with each event
 * before the next call (the hunter) can let the reader borrow: strings
 * without escapes, keys and numbers' text then stay in the buffer, copied
 * nowhere (struct quotes below says how they get their NULs).  While it
 * scans, the parser also notes whether the event's text is exactly what
 * the JSON writer would make of the tree (compact, the writer's escapes,
 * well-formed UTF-8: parser.verbatim); a borrowed event whose text is
 * keeps it (rdx_event.in_json), and output copies it instead of
 * serialising the tree: compact JSON Lines in, detections out.
 *
 * Errors.  A syntax error costs the event it is in.  The reader reports it
 * (category "json", file:line:column, byte offset) and resynchronises: it
 * skips to the end of the line holding the error, then skips further lines
 * that cannot begin an event (a line whose first byte is '"', '}', ':' ...
 * is the inside of the broken event, not a new one).  One special case
 * makes JSON Lines robust against truncated lines: when the error is found
 * at a '{' that begins a later line than the event did, the event was
 * simply cut short; the diagnostic points at the event's start and reading
 * resumes at that '{', so the next event is not lost.
 *
 * Limits (deliberate, all reported as errors, never a crash):
 *   - nesting deeper than 512 arrays/objects ("nesting deeper than 512");
 *     in the stream reader the top-level array of events does not count;
 *   - one event of more than 64 MiB ("event larger than 64 MiB"); it is
 *     skipped without being held in memory;
 *   - columns are counted in bytes from 1, not in characters;
 *   - strings may not hold raw control characters (RFC 8259); invalid UTF-8
 *     is passed through as bytes (the writer repairs it), "\u0000" becomes
 *     a NUL byte inside the string, a lone surrogate escape becomes U+FFFD;
 *   - a UTF-8 byte order mark is skipped at the start of a stream (not by
 *     rdx_json_parse, which is strict).
 */
#include "ruledex/json.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/bytes.h"
#include "util/utf8.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define MAX_DEPTH 512

/* Block size (first buffer size and read size) and the event size limit.
 * Tests may shrink them at compile time: the fuzz target does, so that
 * small inputs reach the code that handles events crossing blocks. */
#ifndef RDX_JSON_BLOCK_SIZE
#define RDX_JSON_BLOCK_SIZE ((size_t)1 << 20)
#endif
#ifndef RDX_JSON_MAX_EVENT
#define RDX_JSON_MAX_EVENT ((size_t)64 << 20)
#endif
#define BLOCK_SIZE ((size_t)RDX_JSON_BLOCK_SIZE)
#define MAX_EVENT ((size_t)RDX_JSON_MAX_EVENT)

/* ------------------------------------------------------------------------
 * The parser
 * ---------------------------------------------------------------------- */

typedef struct parser {
    const char *text;       /* start of the text; text[0] is at offset base */
    const char *p, *end;    /* cursor and end of the available text */
    uint64_t base;
    uint64_t line;          /* line of the cursor (1-based) */
    uint64_t line_start;    /* offset of the first byte of that line */
    rdx_arena *a;
    unsigned depth;
    int more;               /* the text may go on past end (stream reader) */
    int need_more;          /* ran out of text while more was set */
    int failed;
    rdx_json_error *err;
    struct quotes *borrow;  /* NULL: copy every string (rdx_json_parse) */
    struct members *open;   /* members of the objects being parsed */
    int verbatim;           /* the text so far is what the writer would write
                               (rdx_event.in_json): no white space, escapes
                               as it makes them, valid UTF-8 */
} parser;

/* An object's members are gathered on this stack while it is parsed (an
 * inner object's above its parent's) and copied to the arena once, at its
 * '}', in an array of exactly their number: no arena array doubling and
 * copying member by member.  Owned by the reader (reused per event) or by
 * one rdx_json_parse call. */
struct members {
    rdx_member *m;
    size_t n, cap;
};

static void push_member(struct members *st, const char *key, size_t klen, rdx_value *v) {
    if (st->n == st->cap) {
        st->cap = st->cap ? st->cap * 2 : 64;
        st->m = realloc(st->m, st->cap * sizeof *st->m);
        if (!st->m) abort();
    }
    st->m[st->n++] = (rdx_member){key, klen, v};
}

/* The members from base up become obj's; the stack drops back to base. */
static void close_object(parser *ps, rdx_value *obj, size_t base) {
    struct members *st = ps->open;
    size_t n = st->n - base;
    if (n) {
        rdx_member *m = rdx_arena_alloc(ps->a, n * sizeof *m);
        memcpy(m, st->m + base, n * sizeof *m);
        obj->u.object.members = m;
        obj->u.object.count = obj->u.object.cap = n;
    }
    st->n = base;
}

/* Borrowing (the stream reader).  A string without escapes, key or value,
 * and a number's text stay where they are in the reader's buffer instead
 * of being copied to the arena: the offset (from text) of the closing
 * quote, or of the byte after the number, is noted here, and only once the
 * whole event has parsed are those bytes overwritten with NUL,
 * which makes each string NUL-terminated in place as the value model
 * promises.  A parse that fails leaves the text as it was, for the retry
 * with more input and for resynchronisation. */
struct quotes {
    size_t *at;
    char *was;      /* the byte at[i] held: the event's text is kept verbatim */
    size_t n, cap;
};

static void note_quote(parser *ps, const char *close) {
    struct quotes *q = ps->borrow;
    if (q->n == q->cap) {
        q->cap = q->cap ? q->cap * 2 : 256;
        q->at = realloc(q->at, q->cap * sizeof *q->at);
        q->was = realloc(q->was, q->cap);
        if (!q->at || !q->was) abort();
    }
    q->was[q->n] = *close;
    q->at[q->n++] = (size_t)(close - ps->text);
}

static void parser_init(parser *ps, rdx_arena *a, const char *text, size_t len,
                        uint64_t base, uint64_t line, uint64_t line_start,
                        int more, rdx_json_error *err) {
    memset(ps, 0, sizeof *ps);
    ps->text = ps->p = text;
    ps->end = text + len;
    ps->base = base;
    ps->line = line;
    ps->line_start = line_start;
    ps->a = a;
    ps->more = more;
    ps->err = err;
    ps->verbatim = 1;
}

static uint64_t offset_of(const parser *ps, const char *at) {
    return ps->base + (uint64_t)(at - ps->text);
}

/* Record an error at `at`, which is always on the cursor's line: newlines
 * only occur in white space, and skip_ws() counts them.  Keeps the first
 * error; returns NULL so callers can `return fail(...)`. */
static void *fail(parser *ps, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void *fail(parser *ps, const char *at, const char *fmt, ...) {
    if (ps->failed) return NULL;
    ps->failed = 1;
    uint64_t off = offset_of(ps, at);
    ps->err->offset = (size_t)off;
    ps->err->line = (size_t)ps->line;
    ps->err->column = (size_t)(off - ps->line_start + 1);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ps->err->message, sizeof ps->err->message, fmt, ap);
    va_end(ap);
    return NULL;
}

/* Describe the byte at `at` for "expected X, found Y" messages. */
static void describe(const parser *ps, const char *at, char *buf, size_t size) {
    if (at >= ps->end) snprintf(buf, size, "end of input");
    else if (*at > ' ' && *at < 0x7f) snprintf(buf, size, "'%c'", *at);
    else snprintf(buf, size, "byte 0x%02X", (unsigned char)*at);
}

static void *expected(parser *ps, const char *what) {
    char found[16];
    describe(ps, ps->p, found, sizeof found);
    return fail(ps, ps->p, "expected %s, found %s", what, found);
}

/* The text ended at `at`.  In a stream that may only mean the rest of the
 * event has not been read yet; otherwise it is an error. */
static void *ran_out(parser *ps, const char *at, const char *msg) {
    if (ps->more && !ps->failed) {
        ps->need_more = 1;
        ps->failed = 1;
        return NULL;
    }
    return fail(ps, at, "%s", msg);
}

/* Helpers return 0 on failure; the message is already recorded. */
#define FAILED(call) ((void)(call), 0)

static void skip_ws_run(parser *ps) {
    const char *p = ps->p, *end = ps->end;
    if (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) ps->verbatim = 0;
    while (p < end) {
        char c = *p;
        if (c == ' ' || c == '\t' || c == '\r') {
            p++;
        } else if (c == '\n') {
            p++;
            ps->line++;
            ps->line_start = offset_of(ps, p);
        } else {
            break;
        }
    }
    ps->p = p;
}

/* Compact JSON has no white space between tokens: the common case is one
 * compare, without a call. */
static inline void skip_ws(parser *ps) {
    if (ps->p < ps->end && (unsigned char)*ps->p > ' ') return;
    skip_ws_run(ps);
}

static rdx_value *parse_value(parser *ps);

/* Bytes that end the fast scan of a string: the quote, the backslash and
 * the control characters RFC 8259 forbids raw. */
static const unsigned char string_stop[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ['"'] = 1, ['\\'] = 1,
};

static int hex4(const char *p, const char *end, unsigned *out) {
    unsigned v = 0;
    if (end - p < 4) return 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return 0;
    }
    *out = v;
    return 1;
}

static char *put_utf8(char *d, unsigned cp) {
    if (cp < 0x80) {
        *d++ = (char)cp;
    } else if (cp < 0x800) {
        *d++ = (char)(0xC0 | (cp >> 6));
        *d++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *d++ = (char)(0xE0 | (cp >> 12));
        *d++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *d++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *d++ = (char)(0xF0 | (cp >> 18));
        *d++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *d++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *d++ = (char)(0x80 | (cp & 0x3F));
    }
    return d;
}

/* Decode the \u escape at s (s[0] is the backslash, s < close) into d.  A
 * high surrogate followed by a low one is one code point; any other
 * surrogate is U+FFFD.  Returns the new d and advances *sp, or NULL. */
static char *unicode_escape(parser *ps, const char **sp, const char *close, char *d) {
    const char *s = *sp;
    unsigned cp, lo;
    if (!hex4(s + 2, close, &cp))
        return fail(ps, s, "invalid \\u escape: expected 4 hex digits");
    s += 6;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (close - s >= 6 && s[0] == '\\' && s[1] == 'u' && hex4(s + 2, close, &lo) &&
            lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            s += 6;
        } else {
            cp = 0xFFFD;
        }
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        cp = 0xFFFD;
    }
    *sp = s;
    return put_utf8(d, cp);
}

/* Is the escape at s (a backslash, before close) the one the writer makes
 * for its character?  It writes \" \\ \b \f \n \r \t, and \u00xx in lower
 * case for the other control characters; not \/, nor \u for anything
 * else (it writes the character itself). */
static int writer_escape(const char *s, const char *close) {
    static const char hex[] = "0123456789abcdef";
    switch (s[1]) {
    case '"': case '\\': case 'b': case 'f': case 'n': case 'r': case 't': return 1;
    case 'u': break;
    default: return 0;
    }
    if (close - s < 6 || s[2] != '0' || s[3] != '0' || (s[4] != '0' && s[4] != '1')) return 0;
    const char *x = memchr(hex, s[5], 16);
    if (!x) return 0;
    unsigned v = (unsigned)(s[4] - '0') * 16 + (unsigned)(x - hex);
    return v != '\b' && v != '\f' && v != '\n' && v != '\r' && v != '\t';
}

/* Decode the string body [s, close) — which holds escapes — into the arena.
 * Every escape is at least as long as what it decodes to, so the raw length
 * is enough room. */
static char *decode_string(parser *ps, const char *s, const char *close, size_t *len) {
    char *out = rdx_arena_alloc(ps->a, (size_t)(close - s) + 1), *d = out;
    while (s < close) {
        if (*s != '\\') {
            *d++ = *s++;
            continue;
        }
        char c = s[1];
        if (ps->verbatim && !writer_escape(s, close)) ps->verbatim = 0;
        switch (c) {
        case '"': case '\\': case '/': *d++ = c; s += 2; continue;
        case 'b': *d++ = '\b'; s += 2; continue;
        case 'f': *d++ = '\f'; s += 2; continue;
        case 'n': *d++ = '\n'; s += 2; continue;
        case 'r': *d++ = '\r'; s += 2; continue;
        case 't': *d++ = '\t'; s += 2; continue;
        case 'u':
            d = unicode_escape(ps, &s, close, d);
            if (!d) return NULL;
            continue;
        default:
            if (c > ' ' && c < 0x7f) return fail(ps, s, "invalid escape \\%c", c);
            return fail(ps, s, "invalid escape: backslash followed by byte 0x%02X",
                        (unsigned char)c);
        }
    }
    *d = 0;
    *len = (size_t)(d - out);
    return out;
}

/* Skip the bytes of a string body that need no attention, sixteen at a
 * time with SSE2 (one compare per kind of stop, one mask, one count) and
 * then eight at a time: strings are most of an event's bytes (paths,
 * command lines, hashes).  *high collects the top bits of the bytes passed
 * (any set: the string is not ASCII).  For a word x, (x - 0x01..) & ~x & 0x80.. is non-zero exactly when some
 * byte of x is zero; XOR with a repeated byte turns "is it that byte" into
 * "is it zero", and (x - 0x20..) & ~x & 0x80.. flags bytes below 0x20; the
 * lowest flag is the first stop (rdx_first_flagged_byte). */
static const char *skip_plain(const char *s, const char *end, uint64_t *high) {
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
#ifdef __SSE2__
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'),
                  control = _mm_set1_epi8(0x1F);
    while (end - s >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
        __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)),
                                    _mm_cmpeq_epi8(_mm_min_epu8(x, control), x));   /* x <= 0x1F */
        unsigned stops = (unsigned)_mm_movemask_epi8(stop), tops = (unsigned)_mm_movemask_epi8(x);
        if (stops) {
            unsigned n = rdx_lowest_bit(stops);
            *high |= (uint64_t)((tops & ((1u << n) - 1)) != 0) << 7;   /* the bytes before the stop */
            return s + n;
        }
        *high |= (uint64_t)(tops != 0) << 7;
        s += 16;
    }
#endif
    while (end - s >= 8) {
        uint64_t x = rdx_le64((const unsigned char *)s), q, b, stop;
        q = x ^ (ones * '"');
        b = x ^ (ones * '\\');
        stop = (((q - ones) & ~q) | ((b - ones) & ~b) | ((x - ones * 0x20) & ~x)) & highs;
        if (stop) {
            unsigned n = rdx_first_flagged_byte(stop);
            *high |= x & highs & ((2ULL << (8 * n)) - 1);   /* the bytes before the stop */
            return s + n;
        }
        *high |= x;
        s += 8;
    }
    while (s < end && !string_stop[(unsigned char)*s]) *high |= (unsigned char)*s++;
    return s;
}

/* Is the string body [s, close) well-formed UTF-8, as the writer checks
 * (its escapes are ASCII and leave sequences as they are)? */
static int valid_utf8(const char *s, const char *close) {
    const unsigned char *p = (const unsigned char *)s, *end = (const unsigned char *)close;
    while (p < end) {
        if (*p < 0x80) {
            p++;
            continue;
        }
        size_t bad, n = rdx_utf8_sequence(p, (size_t)(end - p), &bad);
        if (!n) return 0;
        p += n;
    }
    return 1;
}

/* Scan the string whose opening quote is at ps->p.  On success the body is
 * *out and *len: pointing into the text when it has no escapes (*decoded = 0),
 * or decoded into the arena (*decoded = 1, NUL-terminated). */
static int scan_string(parser *ps, const char **out, size_t *len, int *decoded) {
    const char *open = ps->p, *s = open + 1, *end = ps->end;
    int escapes = 0;
    uint64_t high = 0;
    for (;;) {
        s = skip_plain(s, end, &high);
        if (s >= end) return FAILED(ran_out(ps, open, "unterminated string"));
        if (*s == '"') break;
        /* A line break almost always means the closing quote is missing;
         * say so, at the string, rather than blame the line break.  (This
         * also keeps every error before the first line break in a string,
         * which line counting relies on.) */
        if (*s == '\\') {
            escapes = 1;
            if (end - s < 2) return FAILED(ran_out(ps, open, "unterminated string"));
            unsigned char c = (unsigned char)s[1];
            if (c == '\n' || c == '\r') return FAILED(fail(ps, open, "unterminated string"));
            if (c < 0x20)
                return FAILED(fail(ps, s, "invalid escape: backslash followed by byte 0x%02X", c));
            s += 2;
            continue;
        }
        if (*s == '\n' || *s == '\r') return FAILED(fail(ps, open, "unterminated string"));
        return FAILED(fail(ps, s, "unescaped control character 0x%02X in string",
                           (unsigned char)*s));
    }
    ps->p = s + 1;
    *decoded = escapes;
    if ((high & 0x8080808080808080ULL) && ps->verbatim && !valid_utf8(open + 1, s))
        ps->verbatim = 0;
    if (!escapes) {
        *out = open + 1;
        *len = (size_t)(s - open - 1);
        if (ps->borrow) note_quote(ps, s);
        return 1;
    }
    *out = decode_string(ps, open + 1, s, len);
    return *out != NULL;
}

static rdx_value *parse_string(parser *ps) {
    const char *s;
    size_t len;
    int decoded;
    if (!scan_string(ps, &s, &len, &decoded)) return NULL;
    return decoded || ps->borrow ? rdx_value_string_ref(ps->a, s, len)
                                 : rdx_value_string(ps->a, s, len);
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?  checked here so the error
 * can say what is wrong; the value is built from the text. */
static rdx_value *parse_number(parser *ps) {
    const char *start = ps->p, *p = start, *end = ps->end;
    if (*p == '-') p++;
    if (p >= end) return ran_out(ps, p, "invalid number: expected a digit after '-'");
    if (*p == '0') {
        p++;
        if (p < end && is_digit(*p))
            return fail(ps, start, "invalid number: leading zeros are not allowed");
    } else if (is_digit(*p)) {
        while (p < end && is_digit(*p)) p++;
    } else {
        return fail(ps, p, "invalid number: expected a digit after '-'");
    }
    if (p < end && *p == '.') {
        p++;
        if (p >= end) return ran_out(ps, p, "invalid number: expected a digit after '.'");
        if (!is_digit(*p)) return fail(ps, p, "invalid number: expected a digit after '.'");
        while (p < end && is_digit(*p)) p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-')) p++;
        if (p >= end) return ran_out(ps, p, "invalid number: expected a digit in the exponent");
        if (!is_digit(*p)) return fail(ps, p, "invalid number: expected a digit in the exponent");
        while (p < end && is_digit(*p)) p++;
    }
    /* At the end of a partial text the number may go on in the next block. */
    if (p >= end && ps->more) return ran_out(ps, p, "number cut short");
    rdx_value *v;
    /* Borrowed inside a container only: the delimiter after it, which
     * becomes its NUL, is then inside the event and already consumed (a
     * top-level number's could be the line break the reader counts next). */
    if (ps->borrow && ps->depth > 0 && p < end) {
        v = rdx_value_number_text_ref(ps->a, start, (size_t)(p - start));
        if (v) note_quote(ps, p);
    } else {
        v = rdx_value_number_text(ps->a, start, (size_t)(p - start));
    }
    if (!v) return fail(ps, start, "invalid number");
    ps->p = p;
    return v;
}

static int literal(parser *ps, const char *word) {
    static const char msg[] = "invalid literal (expected true, false or null)";
    size_t n = strlen(word), have = (size_t)(ps->end - ps->p);
    if (have >= n && memcmp(ps->p, word, n) == 0) {
        ps->p += n;
        return 1;
    }
    if (have < n && memcmp(ps->p, word, have) == 0) return FAILED(ran_out(ps, ps->p, msg));
    return FAILED(fail(ps, ps->p, "%s", msg));
}

/* After '{' or '[': count the level, refusing to go past MAX_DEPTH (the
 * recursion is bounded by this, so hostile input cannot exhaust the stack). */
static int enter(parser *ps) {
    if (++ps->depth > MAX_DEPTH) return FAILED(fail(ps, ps->p, "nesting deeper than %d", MAX_DEPTH));
    ps->p++;
    return 1;
}

static rdx_value *parse_array(parser *ps) {
    if (!enter(ps)) return NULL;
    rdx_value *arr = rdx_value_array(ps->a);
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ']') {
        ps->p++;
        ps->depth--;
        return arr;
    }
    for (;;) {
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ']' && arr->u.array.count)
            return fail(ps, ps->p, "trailing comma in array");
        rdx_value *item = parse_value(ps);
        if (!item) return NULL;
        rdx_array_push(ps->a, arr, item);
        skip_ws(ps);
        if (ps->p >= ps->end)
            return ran_out(ps, ps->p, "expected ',' or ']' after array element, found end of input");
        if (*ps->p == ',') {
            ps->p++;
        } else if (*ps->p == ']') {
            ps->p++;
            ps->depth--;
            return arr;
        } else {
            return expected(ps, "',' or ']' after array element");
        }
    }
}

static rdx_value *parse_object(parser *ps) {
    if (!enter(ps)) return NULL;
    rdx_value *obj = rdx_value_object(ps->a);
    size_t base = ps->open->n;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
        ps->depth--;
        return obj;
    }
    for (;;) {
        skip_ws(ps);
        if (ps->p >= ps->end) return ran_out(ps, ps->p, "expected string key, found end of input");
        if (*ps->p != '"') {
            if (*ps->p == '}' && (ps->open->n > base))
                return fail(ps, ps->p, "trailing comma in object");
            return expected(ps, (ps->open->n > base) ? "string key" : "string key or '}'");
        }
        const char *key;
        size_t klen;
        int decoded;
        if (!scan_string(ps, &key, &klen, &decoded)) return NULL;
        skip_ws(ps);
        if (ps->p >= ps->end)
            return ran_out(ps, ps->p, "expected ':' after object key, found end of input");
        if (*ps->p != ':') return expected(ps, "':' after object key");
        ps->p++;
        rdx_value *v = parse_value(ps);
        if (!v) return NULL;
        if (!decoded && !ps->borrow) key = rdx_arena_strndup(ps->a, key, klen);
        push_member(ps->open, key, klen, v);
        skip_ws(ps);
        if (ps->p >= ps->end)
            return ran_out(ps, ps->p, "expected ',' or '}' after object member, found end of input");
        if (*ps->p == ',') {
            ps->p++;
        } else if (*ps->p == '}') {
            ps->p++;
            ps->depth--;
            close_object(ps, obj, base);
            return obj;
        } else {
            return expected(ps, "',' or '}' after object member");
        }
    }
}

static rdx_value *parse_value(parser *ps) {
    skip_ws(ps);
    if (ps->p >= ps->end) return ran_out(ps, ps->p, "expected a value, found end of input");
    switch (*ps->p) {
    case '{': return parse_object(ps);
    case '[': return parse_array(ps);
    case '"': return parse_string(ps);
    case 't': return literal(ps, "true") ? rdx_value_bool(ps->a, 1) : NULL;
    case 'f': return literal(ps, "false") ? rdx_value_bool(ps->a, 0) : NULL;
    case 'n': return literal(ps, "null") ? rdx_value_null(ps->a) : NULL;
    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
        return parse_number(ps);
    default:
        return expected(ps, "a value");
    }
}

rdx_value *rdx_json_parse(rdx_arena *a, const char *text, size_t len, rdx_json_error *err) {
    rdx_json_error scratch;
    if (!err) err = &scratch;
    memset(err, 0, sizeof *err);
    if (!text) len = 0;
    parser ps;
    struct members open = {0};
    parser_init(&ps, a, text ? text : "", len, 0, 1, 0, 0, err);
    ps.open = &open;
    rdx_value *v = parse_value(&ps);
    free(open.m);
    if (!v) return NULL;
    skip_ws(&ps);
    if (ps.p < ps.end) return fail(&ps, ps.p, "trailing characters after value");
    return v;
}

/* ------------------------------------------------------------------------
 * The stream reader
 * ---------------------------------------------------------------------- */

enum { ARR_FIRST, ARR_NEXT, ARR_AFTER };   /* after '[', after ',', after an element */

struct rdx_json_reader {
    FILE *f;
    int fd;                 /* >= 0: read(2) this fd instead of f (see reader_open) */
    int close_f;
    int close_fd;           /* fd is ours to close */
    int eof;
    int started;            /* the byte order mark check is done */
    int in_array;           /* inside a top-level array of events */
    int array_state;
    int damaged;            /* the array had an error: its end may have been skipped */
    char *name;
    char *buf;              /* buf[pos, len) is read but not consumed */
    size_t cap, len, pos;
    uint64_t base;          /* stream offset of buf[0] */
    uint64_t line;          /* line of buf[pos] */
    uint64_t line_start;    /* stream offset of that line's first byte */
    uint64_t limit;         /* with limited: read no byte at or past this offset */
    int limited;            /* a part of a file (rdx_json_reader_set_range) */
    int borrow;             /* rdx_json_reader_set_borrow */
    struct quotes quotes;   /* the event's borrowed strings (struct quotes) */
    struct members open;    /* members being gathered (struct members) */
};

void rdx_json_reader_set_borrow(rdx_json_reader *r, int on) { r->borrow = on ? 1 : 0; }

static rdx_json_reader *reader_new(FILE *f, int fd, int close_f, const char *name) {
    rdx_json_reader *r = calloc(1, sizeof *r);
    size_t n = strlen(name) + 1;
    if (!r || !(r->name = malloc(n)) || !(r->buf = malloc(BLOCK_SIZE))) abort();
    memcpy(r->name, name, n);
    r->f = f;
    r->fd = fd;
    r->close_f = close_f;
    r->cap = BLOCK_SIZE;
    r->line = 1;
    return r;
}

rdx_json_reader *rdx_json_reader_open(const char *path, rdx_diags *d) {
    /* Files and standard input are read with read(2), which returns what a
     * pipe holds now; fread would wait for a whole block, and a live feed
     * (tail -f | ruledex) would see its events late. */
    if (strcmp(path, "-") == 0) return reader_new(stdin, 0, 0, "-");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (d) rdx_diag_add(d, RDX_SEV_ERROR, "json", path, 0, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    return rdx_json_reader_from_fd(fd, 1, path, NULL, 0);
}

rdx_json_reader *rdx_json_reader_from_fd(int fd, int own_fd, const char *name, const void *head,
                                         size_t head_len) {
    rdx_json_reader *r = reader_new(NULL, fd, 0, name ? name : "");
    r->close_fd = own_fd;
    if (head_len > r->cap) head_len = r->cap;
    if (head_len) memcpy(r->buf, head, head_len);
    r->len = head_len;
    return r;
}

rdx_json_reader *rdx_json_reader_from_stream(FILE *f, const char *name) {
    return reader_new(f, -1, 0, name ? name : "");
}

void rdx_json_reader_close(rdx_json_reader *r) {
    if (!r) return;
    if (r->close_f) fclose(r->f);
    if (r->close_fd && r->fd >= 0) close(r->fd);
    free(r->name);
    free(r->buf);
    free(r->quotes.at);
    free(r->quotes.was);
    free(r->open.m);
    free(r);
}

size_t rdx_json_reader_offset(const rdx_json_reader *r) { return (size_t)(r->base + r->pos); }

int rdx_json_reader_set_range(rdx_json_reader *r, uint64_t start, uint64_t end, uint64_t line) {
    if (r->fd < 0 || r->started || r->len || end < start ||
        lseek(r->fd, (off_t)start, SEEK_SET) != (off_t)start)
        return -1;
    r->base = r->line_start = start;
    r->line = line;
    r->limit = end;
    r->limited = 1;
    r->started = start > 0;   /* a byte order mark only opens a file */
    return 0;
}

static uint32_t clamp32(uint64_t v) { return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v; }

static void report(rdx_json_reader *r, rdx_diags *d, uint64_t line, uint64_t column,
                   uint64_t offset, const char *msg) {
    rdx_diag *e = rdx_diag_add(d, RDX_SEV_ERROR, "json", r->name, clamp32(line),
                               clamp32(column), "%s", msg);
    e->offset = offset;
}

/* Read up to n bytes; 0 at end of input or on an error (reported, and
 * then treated as the end). */
static size_t read_some(rdx_json_reader *r, char *dst, size_t n, rdx_diags *d) {
    errno = 0;
    if (r->limited) {   /* a part of a file: its end is the end of input */
        uint64_t at = r->base + r->len;
        if (at >= r->limit) return 0;
        if (r->limit - at < n) n = (size_t)(r->limit - at);
    }
    if (r->fd >= 0) {
        for (;;) {
            ssize_t k = read(r->fd, dst, n);
            if (k >= 0) return (size_t)k;
            if (errno != EINTR) break;
        }
    } else {
        size_t k = fread(dst, 1, n, r->f);
        if (k > 0 || !ferror(r->f)) return k;
    }
    char msg[128];
    snprintf(msg, sizeof msg, "read error: %s", errno ? strerror(errno) : "unknown");
    report(r, d, 0, 0, r->base + r->len, msg);
    return 0;
}

/* Read more behind the unconsumed bytes, moving them to the front first.
 * The buffer doubles only when the unconsumed bytes fill it (one event is
 * bigger than it), never past MAX_EVENT, and shrinks back once a big event
 * is gone.  Returns the number of bytes read; 0 at end of input, on a read
 * error, or when the buffer is full at MAX_EVENT. */
static size_t fill(rdx_json_reader *r, rdx_diags *d) {
    if (r->eof) return 0;
    if (r->pos > 0) {
        memmove(r->buf, r->buf + r->pos, r->len - r->pos);
        r->base += r->pos;
        r->len -= r->pos;
        r->pos = 0;
    }
    size_t want = r->cap;
    if (r->len == r->cap) want = r->cap * 2;
    else if (r->cap > BLOCK_SIZE && r->len < BLOCK_SIZE / 2) want = BLOCK_SIZE;
    if (want > MAX_EVENT) want = MAX_EVENT;
    if (want != r->cap) {
        char *nb = realloc(r->buf, want);
        if (!nb) abort();
        r->buf = nb;
        r->cap = want;
    }
    if (r->len == r->cap) return 0;
    size_t room = r->cap - r->len;
    size_t k = read_some(r, r->buf + r->len, room < BLOCK_SIZE ? room : BLOCK_SIZE, d);
    if (k == 0) r->eof = 1;
    r->len += k;
    return k;
}

/* Consume buf[pos, to), keeping the line count. */
static void advance(rdx_json_reader *r, size_t to) {
    const char *p = r->buf + r->pos, *end = r->buf + to;
    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        p++;
        r->line++;
        r->line_start = r->base + (uint64_t)(p - r->buf);
    }
    r->pos = to;
}

/* The next byte that is not white space (consuming the white space), or -1
 * at end of input. */
static int peek_nonblank(rdx_json_reader *r, rdx_diags *d) {
    for (;;) {
        while (r->pos < r->len) {
            char c = r->buf[r->pos];
            if (c == '\n') {
                r->pos++;
                r->line++;
                r->line_start = r->base + r->pos;
            } else if (c == ' ' || c == '\t' || c == '\r') {
                r->pos++;
            } else {
                return (unsigned char)c;
            }
        }
        if (!fill(r, d)) return -1;
    }
}

/* Consume up to and including the next newline (or to end of input). */
static void skip_line(rdx_json_reader *r, rdx_diags *d) {
    for (;;) {
        const char *nl = memchr(r->buf + r->pos, '\n', r->len - r->pos);
        if (nl) {
            advance(r, (size_t)(nl - r->buf) + 1);
            return;
        }
        advance(r, r->len);
        if (!fill(r, d)) return;
    }
}

/* After an error: skip the rest of the broken line, then whole lines whose
 * first byte cannot begin an event here. */
static void resync(rdx_json_reader *r, size_t at, rdx_diags *d) {
    advance(r, at);
    skip_line(r, d);
    for (;;) {
        int c = peek_nonblank(r, d);
        if (c < 0 || c == '{' || (r->in_array ? c == ']' : c == '[')) return;
        skip_line(r, d);
    }
}

/* Where a value ends, found by brackets and quotes alone: cheap, allocation
 * free, and resumable across reads.  Only used to decide how much to read
 * before parsing an event that straddles the buffer, and to skip an event
 * too big to hold; the parser still judges the syntax.
 *
 * It also stops at an opening bracket that cannot be valid where it is —
 * in JSON only '[', ',' or ':' come before '{' or '['.  That is the mark
 * of a line cut short (`{"a": [1, 2` then the next line's `{"b": 1}`):
 * without it the brackets never balance, and the reader would read on to
 * the size limit and skip the rest of the file as one oversized event.
 * Stopping there lets the parser report the damage and resume at the '{'. */
typedef struct extent {
    size_t at;              /* bytes of s[] scanned */
    unsigned long depth;
    int started, in_string, escape, scalar;
    char prev;              /* last byte outside strings that is not white space */
} extent;

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* Returns 1 once the value that starts at s[0] ends within s[0, n), or
 * at a bracket that cannot be valid; x->at is then how far that is. */
static int scan_extent(const char *s, size_t n, extent *x) {
    if (!x->started && n > 0) {
        x->started = 1;
        x->scalar = s[0] != '{' && s[0] != '[';
        x->in_string = s[0] == '"';
        if (x->scalar) x->at = 1;
    }
    for (; x->at < n; x->at++) {
        char c = s[x->at];
        if (x->in_string) {
            if (x->escape && c != '\n') {
                x->escape = 0;
            } else if (c == '\\') {
                x->escape = 1;
            } else if (c == '"' || c == '\n') {   /* '\n': the parser objects there */
                x->escape = 0;
                x->in_string = 0;
                x->prev = '"';
                if (x->scalar) {
                    x->at++;
                    return 1;
                }
            }
            continue;
        }
        if (x->scalar) {
            if (!(is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  c == '.' || c == '+' || c == '-'))
                return 1;
            continue;
        }
        if (is_blank(c)) continue;
        if (c == '"') {
            x->in_string = 1;
        } else if (c == '{' || c == '[') {
            if (x->depth > 0 && x->prev != '[' && x->prev != ',' && x->prev != ':') return 1;
            x->depth++;
        } else if ((c == '}' || c == ']') && --x->depth == 0) {
            x->at++;
            return 1;
        }
        x->prev = c;
    }
    return 0;
}

/* The event at buf[pos] runs past the buffered text.  Read at least once
 * more, then on until the value closes.  Returns 1 when it closes within
 * the buffer, 0 at end of input, -1 when the event fills MAX_EVENT without
 * closing: too big, and not worth building a tree for. */
static int extend(rdx_json_reader *r, rdx_diags *d) {
    extent x = {0};
    for (;;) {
        if (r->len - r->pos >= MAX_EVENT) return -1;
        if (!fill(r, d)) return 0;
        if (scan_extent(r->buf + r->pos, r->len - r->pos, &x)) return 1;
    }
}

/* Skip an event too big to hold: follow its brackets, dropping each block
 * once it is scanned. */
static void skip_value(rdx_json_reader *r, rdx_diags *d) {
    extent x = {0};
    for (;;) {
        if (scan_extent(r->buf + r->pos, r->len - r->pos, &x)) {
            advance(r, r->pos + x.at);
            return;
        }
        advance(r, r->len);
        x.at = 0;
        if (!fill(r, d)) return;
    }
}

/* Parse the value at buf[pos], reading more of the input as it needs.
 * NULL with ps->need_more set means the event is over MAX_EVENT. */
static rdx_value *parse_event(rdx_json_reader *r, rdx_arena *a, parser *ps,
                              rdx_json_error *err, rdx_diags *d) {
    for (;;) {
        parser_init(ps, a, r->buf + r->pos, r->len - r->pos, r->base + r->pos, r->line,
                    r->line_start, !r->eof, err);
        r->quotes.n = 0;
        ps->borrow = r->borrow ? &r->quotes : NULL;
        r->open.n = 0;
        ps->open = &r->open;
        rdx_value *v = parse_value(ps);
        if (v || !ps->need_more) return v;
        /* At end of input this goes round once more, with more = 0, for
         * the real outcome. */
        if (extend(r, d) < 0) return NULL;
    }
}

/* Where the event being read began. */
typedef struct start {
    uint64_t offset, line, column;
} start;

/* Only blanks between the line start (a stream offset inside the buffer)
 * and buf[at]? */
static int line_leading(const rdx_json_reader *r, uint64_t line_start, size_t at) {
    for (size_t i = (size_t)(line_start - r->base); i < at; i++)
        if (r->buf[i] != ' ' && r->buf[i] != '\t') return 0;
    return 1;
}

static int syntax_error(rdx_json_reader *r, const start *st, const parser *ps,
                        const rdx_json_error *err, rdx_diags *d) {
    size_t at = (size_t)(err->offset - r->base);
    if (r->in_array) {
        r->damaged = 1;
        r->array_state = ARR_FIRST;
    }
    if (err->line > st->line && at < r->len && r->buf[at] == '{' &&
        line_leading(r, ps->line_start, at)) {
        /* A line cut short, then the next event: keep the next event. */
        char msg[96];
        snprintf(msg, sizeof msg, "incomplete event: line %llu starts a new object",
                 (unsigned long long)err->line);
        report(r, d, st->line, st->column, st->offset, msg);
        advance(r, at);
        return -1;
    }
    report(r, d, err->line, err->column, err->offset, err->message);
    resync(r, at, d);
    return -1;
}

static int too_large(rdx_json_reader *r, const start *st, rdx_diags *d) {
    char msg[64];
    if (MAX_EVENT % ((size_t)1 << 20) == 0)
        snprintf(msg, sizeof msg, "event larger than %zu MiB", MAX_EVENT >> 20);
    else
        snprintf(msg, sizeof msg, "event larger than %zu bytes", MAX_EVENT);
    report(r, d, st->line, st->column, st->offset, msg);
    skip_value(r, d);
    if (r->in_array) r->array_state = ARR_AFTER;
    return -1;
}

/* Read the value at buf[pos] as an event. */
static int read_event(rdx_json_reader *r, rdx_arena *a, rdx_event *ev, rdx_diags *d) {
    start st = {r->base + r->pos, r->line, r->base + r->pos - r->line_start + 1};
    parser ps;
    rdx_json_error err;
    rdx_value *v = parse_event(r, a, &ps, &err, d);
    if (!v) return ps.need_more ? too_large(r, &st, d) : syntax_error(r, &st, &ps, &err, d);
    /* Parsed: the borrowed strings end where their quotes were. */
    char *text = r->buf + (ps.text - r->buf);
    for (size_t i = 0; i < r->quotes.n; i++) text[r->quotes.at[i]] = 0;
    r->pos = (size_t)(ps.p - r->buf);
    r->line = ps.line;
    r->line_start = ps.line_start;
    if (r->in_array) r->array_state = ARR_AFTER;
    if (v->type != RDX_OBJECT) {
        report(r, d, st.line, st.column, st.offset, "event is not a JSON object");
        return -1;
    }
    rdx_event_init(ev, a, v);
    if (ps.borrow && ps.verbatim) {
        ev->in_json = text;
        ev->in_json_len = (size_t)(ps.p - ps.text);
        ev->in_json_nul_at = r->quotes.at;
        ev->in_json_nul_was = r->quotes.was;
        ev->in_json_n_nul = r->quotes.n;
    }
    ev->source = r->name;
    ev->line = st.line;
    ev->offset = st.offset;
    return 1;
}

static void skip_bom(rdx_json_reader *r, rdx_diags *d) {
    r->started = 1;
    while (r->len - r->pos < 3 && fill(r, d)) {}
    if (r->len - r->pos >= 3 && memcmp(r->buf + r->pos, "\xEF\xBB\xBF", 3) == 0) {
        r->pos += 3;
        r->line_start = r->base + r->pos;   /* so the first column is 1 */
    }
}

static int end_of_input(rdx_json_reader *r, rdx_diags *d) {
    if (!r->in_array) return 0;
    r->in_array = 0;
    if (r->damaged) return 0;   /* already reported */
    uint64_t off = r->base + r->pos;
    report(r, d, r->line, off - r->line_start + 1, off, "unterminated top-level array");
    return -1;
}

/* Between the elements of a top-level array: consume ',' and ']' (returns
 * 0 to go on), or report what does not belong (returns -1). */
static int array_punctuation(rdx_json_reader *r, int c, rdx_diags *d) {
    uint64_t off = r->base + r->pos, col = off - r->line_start + 1;
    if (r->array_state == ARR_AFTER) {
        if (c == ',') {
            r->pos++;
            r->array_state = ARR_NEXT;
            return 0;
        }
        if (c == ']') {
            r->pos++;
            r->in_array = 0;
            return 0;
        }
        char msg[96];
        if (c > ' ' && c < 0x7f) snprintf(msg, sizeof msg, "expected ',' or ']' after array element, found '%c'", c);
        else snprintf(msg, sizeof msg, "expected ',' or ']' after array element, found byte 0x%02X", (unsigned)c);
        report(r, d, r->line, col, off, msg);
        r->damaged = 1;
        r->array_state = ARR_FIRST;
        resync(r, r->pos, d);
        return -1;
    }
    /* c == ']' after '[' or ',' */
    r->pos++;
    r->in_array = 0;
    if (r->array_state == ARR_FIRST) return 0;
    report(r, d, r->line, col, off, "trailing comma in array");
    return -1;
}

int rdx_json_reader_next(rdx_json_reader *r, rdx_arena *a, rdx_event *ev, rdx_diags *d) {
    if (!r->started) skip_bom(r, d);
    for (;;) {
        int c = peek_nonblank(r, d);
        if (c < 0) return end_of_input(r, d);
        if (r->in_array && (r->array_state == ARR_AFTER || c == ']')) {
            if (array_punctuation(r, c, d) < 0) return -1;
            continue;
        }
        if (!r->in_array && c == '[') {
            /* A top-level array: its elements are the events. */
            r->pos++;
            r->in_array = 1;
            r->array_state = ARR_FIRST;
            r->damaged = 0;
            continue;
        }
        return read_event(r, a, ev, d);
    }
}
