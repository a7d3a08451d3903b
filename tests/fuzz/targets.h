/*
 * targets.h — the "one input" functions behind the sigma and condition
 * fuzz targets.
 *
 * A fuzzer and the regression replay must run an input through exactly the
 * same code, or a saved crash may stop reproducing without anyone noticing.
 * So the work lives here, and both tests/fuzz/fuzz_{sigma,condition}.c
 * (libFuzzer / AFL++ entry points) and tests/unit/test_regressions.c (which
 * replays tests/data/regressions/<target>/) call these.
 *
 * Each function takes arbitrary bytes, runs them through the library,
 * checks the invariants listed in targets.c and returns 0.  A broken
 * invariant is __builtin_trap(): the fuzzer records a crash, the replay
 * test (which runs each input in a child process) a failure.
 */
#ifndef RDX_FUZZ_TARGETS_H
#define RDX_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

/* A Sigma rule file: YAML → intermediate form (rdx_sigma_load_buffer), the
 * filters applied, and every loaded rule evaluated against fixed events. */
int rdx_fuzz_sigma(const uint8_t *data, size_t size);

/* A condition (rdx_condition_parse) over a fixed list of selection names;
 * what parses is printed back and must parse to the same tree. */
int rdx_fuzz_condition(const uint8_t *data, size_t size);

/* Correlation documents after three fixed rules: typed, resolved,
 * planned by a hunt, run by the correlator over fixed events. */
int rdx_fuzz_correlation(const uint8_t *data, size_t size);
/* An Elastic rule file (rdx_elastic_load_buffer) / a YARA-L file
 * (rdx_yaral_load_buffer): every rule has a title and a condition whose
 * stage indices exist, opaque stages have no groups and make their rule
 * not runnable, every diagnostic has a message. */
int rdx_fuzz_elastic(const uint8_t *data, size_t size);
int rdx_fuzz_yaral(const uint8_t *data, size_t size);
/* The KQL reader (the bytes as .kql, .md and .yaml) / the Splunk reader
 * (a security_content .yml), then the field-map pass with no table: the
 * same invariants, and every field prefixed by its language. */
int rdx_fuzz_kusto(const uint8_t *data, size_t size);
int rdx_fuzz_splunk(const uint8_t *data, size_t size);
/* A compiled-rules cache file (cache.h) handed to a matcher over fixed
 * rules (or, first byte odd, bytes laid over a genuine database): the
 * matcher finds what a freshly compiled one finds, whatever the bytes. */
int rdx_fuzz_cache(const uint8_t *data, size_t size);
/* A rule-set snapshot (cache.h), or (first byte odd) edits over a genuine
 * one: refused with a reason, or a set that evaluates and re-encodes
 * stably; the genuine one finds what the loaded set finds. */
int rdx_fuzz_snapshot(const uint8_t *data, size_t size);

#endif
