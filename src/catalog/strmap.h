/*
 * strmap.h — a string-keyed hash map for the catalog (internal).
 *
 * The catalog looks things up by text over and over: ATT&CK objects by id
 * and STIX id, indicators by their normalised (field, kind, value) key.
 * One small open-addressing table serves all of them: FNV-1a hashes,
 * linear probing, doubled at 50% load so probes stay short.  Keys are
 * not copied — they must outlive the map (they live in an arena).
 */
#ifndef RDX_CATALOG_STRMAP_H
#define RDX_CATALOG_STRMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct rdx_strmap_slot {
    const char *key;      /* NULL: empty */
    size_t len;
    uint64_t hash;
    void *value;
} rdx_strmap_slot;

typedef struct rdx_strmap {
    rdx_strmap_slot *slots;
    size_t cap, count;    /* cap is a power of two */
} rdx_strmap;

uint64_t rdx_strmap_hash(const char *s, size_t len);
void rdx_strmap_free(rdx_strmap *m);
/* The value stored under key, or NULL. */
void *rdx_strmap_get(const rdx_strmap *m, const char *key, size_t len);
/* The slot for key, created (value NULL) when absent: callers fill
 * slot->value.  The pointer is valid until the next put. */
rdx_strmap_slot *rdx_strmap_put(rdx_strmap *m, const char *key, size_t len);

#endif
