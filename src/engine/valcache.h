/*
 * valcache.h — the atoms the prefilter found in each value it scanned lately.
 *
 * Logs repeat themselves.  The same image paths, command lines, user names,
 * hashes and service names come back event after event: of the values
 * SigmaHQ's rules read in the 568 EVTX attack samples, 91 % are found in
 * this cache (the realistic bench 91 %, the all-attack set nearly all).
 * The prefilter's scan costs tens of instructions a byte (17,000 atoms,
 * many short), a hash and a compare about one.  So the matcher (matcher.c, scan_part) scans each value on
 * its own and keeps, per value, the ids of the atoms found in it; when the
 * value comes back, the ids are replayed without a scan:
 *
 *     "C:\Windows\System32\cmd.exe"   -> atoms 412 ("\cmd.exe"), 9001 ("cmd.exe")
 *     "NT AUTHORITY\SYSTEM"           -> (none)
 *
 * A value is found by its exact bytes (the database's cased atoms tell
 * "CMD" from "cmd") and the database it was scanned with; a hash picks the
 * slot, the bytes are compared, so a collision costs a scan, never a wrong
 * answer.  The hash is not keyed: values made to collide crowd a few
 * slots, and then are scanned each time (at most MAX_PROBE compares of
 * at most RDX_VALCACHE_MAX_VALUE bytes more than before).
 *
 * Bounded: RDX_VALCACHE_SLOTS values, 1 MiB of their bytes, 256 Ki atom
 * ids; a value longer than RDX_VALCACHE_MAX_VALUE is never kept.  When any
 * is full the cache starts over: cheaper than eviction bookkeeping, and a
 * working set that fits stays hot.
 *
 * Adaptive: scanning values one by one costs a call per value, which only
 * repetition pays for.  When fewer than one lookup in four hit over a
 * window, rdx_valcache_on() says no for a while, and the matcher goes back
 * to one scan over all values joined; then it tries again.
 *
 * One per matcher scratch (so per thread); not shared, no locks.
 */
#ifndef RDX_ENGINE_VALCACHE_H
#define RDX_ENGINE_VALCACHE_H

#include <stddef.h>
#include <stdint.h>

#define RDX_VALCACHE_SLOTS 16384
#define RDX_VALCACHE_MAX_VALUE 1024

typedef struct rdx_valcache rdx_valcache;

rdx_valcache *rdx_valcache_new(void);
void rdx_valcache_free(rdx_valcache *c);

/* Whether the next scan should go through the cache (see "Adaptive"). */
int rdx_valcache_on(rdx_valcache *c);

/* The hash rdx_valcache_get and _put take: of the exact bytes. */
uint64_t rdx_valcache_hash(const unsigned char *text, size_t len);

/* The atoms found in text[0, len) by database db when it was last put:
 * 1 with *atoms (valid until the next put) and *n, or 0. */
int rdx_valcache_get(rdx_valcache *c, unsigned db, const unsigned char *text, size_t len,
                     uint64_t hash, const uint32_t **atoms, size_t *n);

/* Remember that database db found atoms[0, n) in text[0, len) (copied).
 * A value too long, or more atoms than the cache holds, is not kept. */
void rdx_valcache_put(rdx_valcache *c, unsigned db, const unsigned char *text, size_t len,
                      uint64_t hash, const uint32_t *atoms, size_t n);

/* Lookups and hits since the cache was made (for the stats). */
void rdx_valcache_counts(const rdx_valcache *c, uint64_t *lookups, uint64_t *hits);

#endif
