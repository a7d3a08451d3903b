/*
 * fuzz_cache.c — libFuzzer / AFL++ target for the compiled-rules cache
 * reader (cache.h): a cache file, or bytes laid over a genuine serialised
 * database, handed to a matcher that must find what a fresh one finds.
 * The work and the invariants are in targets.c (rdx_fuzz_cache), shared
 * with the regression replay (tests/data/regressions/cache/).
 *
 *   sh tests/fuzz/run.sh cache      (seeds: tests/data/regressions/cache/)
 */
#include <stddef.h>
#include <stdint.h>

#include "targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    return rdx_fuzz_cache(data, size);
}
