/*
 * utf8.h — what counts as well-formed UTF-8, in one place.
 *
 * The JSON writer repairs ill-formed sequences as it writes (one U+FFFD
 * each); the JSON reader asks the same question to know whether an event's
 * text is already what the writer would write (rdx_event.in_json).  The two
 * must agree byte for byte, so they share this definition.
 */
#ifndef RDX_UTIL_UTF8_H
#define RDX_UTIL_UTF8_H

#include <stddef.h>

/* Length of the well-formed UTF-8 sequence at s[0, n), s[0] >= 0x80; or 0
 * with *bad set to how many bytes make up the ill-formed part (at least
 * 1), which is replaced by one U+FFFD.  Ranges per Unicode table 3-7. */
static inline size_t rdx_utf8_sequence(const unsigned char *s, size_t n, size_t *bad) {
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    size_t need;
    if (c >= 0xC2 && c <= 0xDF) need = 2;
    else if (c >= 0xE0 && c <= 0xEF) need = 3;
    else if (c >= 0xF0 && c <= 0xF4) need = 4;
    else { *bad = 1; return 0; }
    if (c == 0xE0) lo = 0xA0;           /* no overlong 3-byte forms */
    else if (c == 0xED) hi = 0x9F;      /* no UTF-16 surrogates */
    else if (c == 0xF0) lo = 0x90;      /* no overlong 4-byte forms */
    else if (c == 0xF4) hi = 0x8F;      /* nothing above U+10FFFF */
    size_t i = 1;
    for (; i < need && i < n; i++) {
        unsigned char b = s[i];
        if (b < lo || b > hi) break;
        lo = 0x80;
        hi = 0xBF;
    }
    if (i == need) return need;
    *bad = i;
    return 0;
}

#endif
