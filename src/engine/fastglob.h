/*
 * fastglob.h — the common patterns matched without the general glob.
 *
 * Nearly every string value of a Sigma rule is an ASCII literal with `*`
 * at neither, one or both ends (`|endswith: '\cmd.exe'`, `|contains:
 * '-enc'`, `Image: 'C:\x.exe'`).  rdx_pattern_match handles every pattern
 * one character at a time, folding and decoding as it goes; for these
 * shapes a prefix, suffix or substring comparison of bytes gives the same
 * answer in a fraction of the time.
 *
 * Why bytes are enough: when every literal byte is ASCII, a literal can
 * only match ASCII characters of the subject, and an ASCII byte of UTF-8 is
 * always a whole character (continuation bytes are 0x80..0xBF), so byte
 * positions are character positions.  The reference folds no character
 * outside ASCII to or from an ASCII one (pattern.c, fold), so a caseless
 * comparison folds ASCII letters only.  The same holds for a literal with
 * valid UTF-8 characters the comparison does not fold (all of them when
 * cased; from U+0500 up, such as windash's dashes, when not): a lead byte
 * is never inside another character.  And a glob made of `*` and
 * literals needs no backtracking: the first literal is anchored at the
 * start (unless a `*` leads), the last at the end (unless a `*` trails),
 * and each one in between is taken at its leftmost occurrence.
 *
 * Anything else (`?`, placeholders, invalid UTF-8 or a folding letter such
 * as `é` in a caseless literal) is left to rdx_pattern_match:
 * rdx_fastglob_match then returns -1.
 * tests/unit/test_fastglob.c checks it against rdx_pattern_match on edge
 * cases and random inputs.
 */
#ifndef RULEDEX_ENGINE_FASTGLOB_H
#define RULEDEX_ENGINE_FASTGLOB_H

#include <stddef.h>
#include "ruledex/pattern.h"

/* 1 or 0 as rdx_pattern_match(p, s, len, cased) would answer, or -1 when p
 * is not a shape handled here. */
int rdx_fastglob_match(const rdx_pattern *p, const char *s, size_t len, int cased);

/* Leftmost start of the ASCII literal b (n > 0 bytes) in s[from, to), ASCII
 * case folded unless cased, or SIZE_MAX.  Sixteen starts at a time are
 * tested on the literal's first and last bytes (SSE2), then each start
 * that passes is compared.  The compiled
 * value lists (vlist.c) use it for long contains lists too. */
size_t rdx_fastglob_find(const unsigned char *s, size_t from, size_t to, const unsigned char *b,
                         size_t n, int cased);

#endif
