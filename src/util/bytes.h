/*
 * bytes.h — little-endian integers from unaligned bytes, by one load.
 *
 * The cache's checksum and the rule-set snapshot read millions of these;
 * memcpy into a local compiles to a single load on every target we build
 * for, and a byte swap only where the machine is big-endian.  (The EVTX
 * reader has its own bounds-checked readers: its input is hostile.)
 */
#ifndef RDX_UTIL_BYTES_H
#define RDX_UTIL_BYTES_H

#include <stdint.h>
#include <string.h>

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

#endif
