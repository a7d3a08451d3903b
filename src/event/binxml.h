/*
 * binxml.h — Windows Binary XML (BinXML) to the event value tree.
 *
 * Internal interface between the EVTX container reader (evtx.c), which
 * finds chunks and records, and the BinXML interpreter (binxml.c), which
 * turns the bytes of one record into the JSON-shaped tree evtx_dump
 * writes.  BinXML refers to names and templates by their offset inside the
 * 64 KiB chunk that holds the record, so the interpreter works on a chunk
 * context: the chunk's bytes plus per-chunk caches of decoded names and
 * compiled templates, dropped whenever the reader moves to the next chunk.
 *
 * The value converters are exposed for the unit tests, which check them
 * against hand-computed strings.
 */
#ifndef RDX_EVENT_BINXML_H
#define RDX_EVENT_BINXML_H

#include <stddef.h>
#include <stdint.h>

#include "ruledex/arena.h"
#include "ruledex/value.h"

/* BinXML value types (the 0x80 bit marks an array of the base type). */
enum {
    RDX_BX_NULL = 0x00, RDX_BX_STRING = 0x01, RDX_BX_ANSI = 0x02,
    RDX_BX_INT8 = 0x03, RDX_BX_UINT8 = 0x04, RDX_BX_INT16 = 0x05, RDX_BX_UINT16 = 0x06,
    RDX_BX_INT32 = 0x07, RDX_BX_UINT32 = 0x08, RDX_BX_INT64 = 0x09, RDX_BX_UINT64 = 0x0a,
    RDX_BX_REAL32 = 0x0b, RDX_BX_REAL64 = 0x0c, RDX_BX_BOOL = 0x0d, RDX_BX_BINARY = 0x0e,
    RDX_BX_GUID = 0x0f, RDX_BX_SIZET = 0x10, RDX_BX_FILETIME = 0x11, RDX_BX_SYSTIME = 0x12,
    RDX_BX_SID = 0x13, RDX_BX_HEX32 = 0x14, RDX_BX_HEX64 = 0x15,
    RDX_BX_EVTHANDLE = 0x20, RDX_BX_BINXML = 0x21, RDX_BX_EVTXML = 0x23,
    RDX_BX_ARRAY = 0x80
};

/* Why a record could not be decoded, and where (offset inside the chunk). */
typedef struct rdx_bx_error {
    size_t offset;
    char message[160];
} rdx_bx_error;

typedef struct rdx_bx_chunk rdx_bx_chunk;

rdx_bx_chunk *rdx_bx_chunk_new(void);
void rdx_bx_chunk_free(rdx_bx_chunk *c);
/* Start on a new chunk: chunk[0..len) must stay valid until the next
 * reset; every cached name and template of the previous chunk is dropped. */
void rdx_bx_chunk_reset(rdx_bx_chunk *c, const uint8_t *chunk, size_t len);

/* Decode the BinXML document at chunk[off..off+len) (one event record's
 * payload) into a new tree in arena a.  NULL, with err filled, when the
 * bytes are not a well-formed document. */
rdx_value *rdx_bx_record(rdx_bx_chunk *c, size_t off, size_t len, rdx_arena *a,
                         rdx_bx_error *err);

/* One substitution value (type and raw bytes) as evtx_dump shows it:
 * numbers as numbers, hex types as "0x..", times as ISO-8601 UTC with
 * microseconds, GUIDs upper-case without braces, SIDs as S-1-..., binary
 * as upper-case hex, arrays (type | 0x80) as JSON arrays.  Never NULL:
 * bytes that do not fit their type come back as a hex string.  BinXML
 * (0x21) is not a scalar; it is expanded by rdx_bx_record, and here gives
 * its bytes as hex. */
rdx_value *rdx_bx_value(rdx_arena *a, unsigned type, const uint8_t *p, size_t n);

/* Text forms used by rdx_bx_value, for the unit tests.  Each writes a
 * NUL-terminated string into out and returns its length. */
size_t rdx_bx_filetime_text(uint64_t filetime, char out[40]);
size_t rdx_bx_systime_text(const uint8_t p[16], char out[40]);
size_t rdx_bx_guid_text(const uint8_t p[16], char out[40]);
/* SIDs: n bytes at p; 0 when they are not a SID. out needs 8 + 11*255 bytes
 * at most; 2900 is always enough. */
size_t rdx_bx_sid_text(const uint8_t *p, size_t n, char *out, size_t cap);

/* UTF-16LE (n code units, stopping at the first NUL) to UTF-8 in arena a;
 * unpaired surrogates become U+FFFD.  *out_len gets the byte length. */
char *rdx_bx_utf16_to_utf8(rdx_arena *a, const uint8_t *p, size_t n, size_t *out_len);

#endif
