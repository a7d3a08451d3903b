/*
 * fuzz_splunk.c — libFuzzer / AFL++ target for the Splunk SPL reader: a security_content detection (YAML with search:).
 *
 * The work and the invariants are in targets.c (rdx_fuzz_splunk), shared with
 * the regression replay in tests/unit/test_regressions.c.  Seeds: the
 * corpus folder (seed_splunk in tests/fuzz/run.sh).
 *
 *   sh tests/fuzz/run.sh splunk
 */
#include <stddef.h>
#include <stdint.h>

#include "targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    return rdx_fuzz_splunk(data, size);
}
