/*
 * cache.h — the compiled-rules cache: what took long to build, kept on
 * disk under a key that says exactly what it was built from.
 *
 * Compiling the prefilter of the whole SigmaHQ set (17,000 literals into a
 * vectorscan database) takes about 0.6 s; deserialising the same database
 * takes a few milliseconds.  The matcher asks a cache (rdx_blob_cache) for
 * the serialised database under a key made of its exact compile input —
 * every pattern expression, flag and id, the vectorscan version and the
 * compile mode — and stores it there after compiling.  Because the key
 * *is* the input, any change to a rule, to the log-source or field tables,
 * to ruledex's atom derivation or to vectorscan gives another key: there
 * is no invalidation rule to forget.
 *
 * rdx_cache is the file store behind that interface: one file per key in
 * a directory ($XDG_CACHE_HOME/ruledex, else ~/.cache/ruledex, or the
 * caller's), named by a hash of the key and the format (HASH.f2.rdxc).  A
 * file is
 *
 *     "RDXCACHE" | u32 format | u32 0 | char[32] producer | u64 key_len |
 *     u64 payload_len | u64 checksum | key | payload
 *
 * (integers little-endian; producer = ruledex and vectorscan versions; the
 * checksum — a 64-bit hash in the manner of XXH64, format 2; format 1 had
 * a CRC-32 — covers the header before it, the key and the payload).  It is read
 * whole, its length must be exactly the header's, its key must equal the
 * caller's byte for byte, and its checksum must hold; otherwise it is
 * ignored with a note and rebuilt.  Nothing read from it is ever used as a
 * pointer or an index without a bound: vectorscan rebuilds its database
 * from the bytes, and the matcher bounds every pattern id the database
 * reports.  Files are written to a temporary name and renamed, so readers
 * never see half a file.  A checksum catches corruption, not an attacker:
 * a cache directory or file that another user owns or may write is not
 * used (like ssh with ~/.ssh) — the cache is as trusted as the user's home.
 *
 *     rdx_cache *c = rdx_cache_open(NULL, &d);      // NULL + a note: no cache
 *     rdx_blob_cache bc = rdx_cache_blob(c);
 *     rdx_matcher *m = rdx_matcher_new_cached(rules, n, ls, c ? &bc : NULL, &d);
 *     rdx_cache_close(c);
 */
#ifndef RULEDEX_CACHE_H
#define RULEDEX_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include "diag.h"
#include "rule.h"
#include "strbuf.h"

/* Bytes lent by a cache (lend below): valid until release(handle), which
 * needs neither the cache nor its context (the cache may be closed first). */
typedef struct rdx_blob_loan {
    const void *data;
    size_t len;
    void (*release)(void *handle);
    void *handle;
} rdx_blob_loan;

/* Any key → bytes store.  get returns a malloc'd copy (the caller frees
 * it) and its length, or NULL when there is none (a bad entry is a note in
 * d).  put stores a copy; a failure is a note in d, never fatal.  lend
 * (optional, NULL in a cache without it) is get without the copy: the
 * file store maps the entry read-only, so a 20 MB rule-set snapshot costs
 * no copying and no fresh memory; 0 and *loan filled, or -1 like get's
 * NULL. */
typedef struct rdx_blob_cache {
    void *ctx;
    void *(*get)(void *ctx, const void *key, size_t key_len, size_t *len, rdx_diags *d);
    void (*put)(void *ctx, const void *key, size_t key_len, const void *data, size_t len,
                rdx_diags *d);
    int (*lend)(void *ctx, const void *key, size_t key_len, rdx_blob_loan *loan, rdx_diags *d);
} rdx_blob_cache;

typedef struct rdx_cache rdx_cache;

/* The directory dir (created, mode 0700), or the default when dir is NULL.
 * NULL, with a note in d, when it cannot be created, is not a directory,
 * or belongs to or is writable by another user.  For the default directory
 * only the last is reported (no HOME, or a read-only one, just means no
 * cache), and a failed write is not reported either. */
rdx_cache *rdx_cache_open(const char *dir, rdx_diags *d);
void rdx_cache_close(rdx_cache *c);
const char *rdx_cache_dir(const rdx_cache *c);

/* The store as the matcher's interface (c must outlive it). */
rdx_blob_cache rdx_cache_blob(rdx_cache *c);

/* The default directory into buf; 0, or -1 when neither XDG_CACHE_HOME
 * nor HOME is set (or buf is too small). */
int rdx_cache_default_dir(char *buf, size_t size);

/* Entries kept per directory: the least recently used beyond this are
 * removed on put.  A rule set writes its snapshot, then per rule selection
 * (--min-level, --status) two databases and a plan: 32 holds several rule
 * sets and selections without one run evicting the next one's entries. */
#define RDX_CACHE_KEEP 32
/* Files larger than this are not read (nor written). */
#define RDX_CACHE_MAX_FILE ((size_t)1 << 30)

/* The store's 64-bit hash (the checksum's, in the manner of XXH64) of
 * n bytes: for digests that name cache inputs (rdx_snapshot_identify). */
uint64_t rdx_cache_hash(const void *p, size_t n, uint64_t seed);

/* ---- the file format, for the store and its fuzz target ------------------- */

#define RDX_CACHE_FORMAT 2
#define RDX_CACHE_HEADER 72

/* A cache file's bytes for (key, payload): malloc'd, *len set. */
unsigned char *rdx_cache_encode(const void *key, size_t key_len, const void *payload,
                                size_t payload_len, size_t *len);

/* Check a cache file's bytes against key.  0 and the payload (pointing
 * into file) when it is whole and for this key; -1 and a reason otherwise
 * ("truncated", "checksum mismatch", "another key", ...). */
int rdx_cache_decode(const void *file, size_t len, const void *key, size_t key_len,
                     const void **payload, size_t *payload_len, const char **why);

/* ---- rule-set snapshots (src/cache/snapshot.c) ---------------------------
 *
 * A loaded rule set — rules, filters, correlations resolved, fields
 * normalised — as bytes, so a run whose rule files did not change reads
 * no YAML.  Stored through rdx_blob_cache like the compiled database,
 * under the key rdx_snapshot_key builds.
 */

/* Bump with any change to the encoding or to what it encodes. */
#define RDX_SNAPSHOT_FORMAT 2   /* 2: each rule's document behind its byte length */

/* Append the snapshot of rs to out, with the load's diagnostics d from
 * index diags_from on (d may be NULL).  -1 when rs holds something a
 * snapshot cannot represent (then do not store it). */
int rdx_snapshot_encode(const rdx_ruleset *rs, const rdx_diags *d, size_t diags_from,
                        rdx_strbuf *out);

/* Leave out each rule's document and body (rdx_rule.document and .body:
 * the YAML as a value tree and as text), which only lint, `test` and the
 * renderers read: a hunt's snapshot is half the bytes to map and check,
 * and 60 M instructions fewer to decode.  A snapshot written so decodes
 * only with the same flag (documents and bodies NULL). */
#define RDX_SNAPSHOT_NO_DOCUMENTS 1u
int rdx_snapshot_encode_flags(const rdx_ruleset *rs, unsigned flags, const rdx_diags *d,
                              size_t diags_from, rdx_strbuf *out);

/* The rule set in loan->data (len bytes), its stored diagnostics appended
 * to load_diags.  The set's strings point into those bytes: the loan is
 * the set's from now on, released when the set is freed (or at once on
 * failure).  NULL and a reason in *why when the bytes are not a whole,
 * well-formed snapshot of this format. */
rdx_ruleset *rdx_snapshot_decode(const rdx_blob_loan *loan, rdx_diags *load_diags,
                                 const char **why);

/* The same with flags: RDX_SNAPSHOT_NO_DOCUMENTS accepts a snapshot
 * written without documents, and steps over the documents of one written
 * with them unread (each is behind its byte length): every rule's
 * document and body are NULL then.  Without the flag, a snapshot written
 * without documents is refused. */
rdx_ruleset *rdx_snapshot_decode_flags(const rdx_blob_loan *loan, unsigned flags,
                                       rdx_diags *load_diags, const char **why);

/* The key of the rules read from specs ([LANG:]PATH, as rdx_load_rules_path
 * takes them) together with the data files that shape a load (a
 * placeholder table, the field table; NULL or absent allowed): ruledex's
 * version, the build (a hash of the library's sources: a reader changed
 * without a format bump must not reuse a snapshot), the snapshot format,
 * every spec, and the identity of every
 * file and directory the walk reaches — device, inode, size, modification
 * and change times (ns).  Cheap (no file is read) and safe: any write to
 * a file changes its change time.  -1 when an input cannot be keyed (a
 * pipe, an unreadable directory): load without a snapshot. */
int rdx_snapshot_key(const char *const *specs, size_t n, const char *const *files,
                     size_t n_files, rdx_strbuf *key);

/* Mark rs as the content that snapshot key key (rdx_snapshot_key) names:
 * a 128-bit digest of the key is kept in the set.  Call it on a set
 * decoded from the snapshot stored under key, or loaded from the files
 * that key describes (the snapshot made of it is stored under key). */
void rdx_snapshot_identify(rdx_ruleset *rs, const void *key, size_t key_len);

/* A key naming rules[0..n), a selection of rs's rules in rs's order: rs's
 * identity and each rule's index in rs.  What the matcher derives from
 * such a selection is cached under it (matcher.h, rdx_matcher_new_keyed).
 * -1 when rs has no identity or a rule is not rs's: nothing to key. */
int rdx_snapshot_selection_key(const rdx_ruleset *rs, const rdx_rule *const *rules, size_t n,
                               rdx_strbuf *key);

#endif
