/*
 * bytes.h — little-endian integers from unaligned bytes, by one load.
 *
 * The cache's checksum and the rule-set snapshot read millions of these;
 * memcpy into a local compiles to a single load on every target we build
 * for, and a byte swap only where the machine is big-endian.  (The EVTX
 * reader has its own bounds-checked readers: its input is hostile.)  The
 * JSON reader and writer scan strings eight bytes a load with these.
 */
#ifndef RDX_UTIL_BYTES_H
#define RDX_UTIL_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint16_t rdx_le16(const unsigned char *p) {
    uint16_t v;
    memcpy(&v, p, 2);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap16(v);
#endif
    return v;
}

static inline uint32_t rdx_le32(const unsigned char *p) {
    uint32_t v;
    memcpy(&v, p, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap32(v);
#endif
    return v;
}

static inline uint64_t rdx_le64(const unsigned char *p) {
    uint64_t v;
    memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

/* The n bytes at p (1 <= n <= 7) as the low bytes of a little-endian word,
 * the rest zero: two loads that overlap in the middle, or one byte, instead
 * of a loop over the bytes.  (A byte both loads read lands at the same
 * place from each.) */
static inline uint64_t rdx_le_tail(const unsigned char *p, size_t n) {
    if (n >= 4) return rdx_le32(p) | (uint64_t)rdx_le32(p + n - 4) << (8 * (n - 4));
    if (n >= 2) return rdx_le16(p) | (uint64_t)rdx_le16(p + n - 2) << (8 * (n - 2));
    return p[0];
}

/* The index of the lowest set bit of x (x != 0). */
static inline unsigned rdx_lowest_bit(uint64_t x) {
#if defined(__GNUC__) || defined(__clang__)
    return (unsigned)__builtin_ctzll(x);
#else
    unsigned n = 0;
    while (!(x & 1)) x >>= 1, n++;
    return n;
#endif
}

/* The index of the lowest byte flagged in mask (a word of rdx_le64 whose
 * flagged bytes have their high bit set; mask != 0).  The SWAR tests the
 * readers and writers use ("has a zero byte", "has a byte below n") may
 * flag false bytes, but only above a true one: the lowest flag is exact,
 * so one count replaces a byte-by-byte search for the first stop. */
static inline unsigned rdx_first_flagged_byte(uint64_t mask) {
    return rdx_lowest_bit(mask) >> 3;
}

/* Is every byte of s[0..len) ASCII (below 0x80)?  Eight at a time. */
static inline int rdx_all_ascii(const void *s, size_t len) {
    const unsigned char *p = (const unsigned char *)s;
    uint64_t any = 0;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        any |= w;
    }
    for (; i < len; i++) any |= p[i];
    return !(any & 0x8080808080808080ULL);
}

#endif
