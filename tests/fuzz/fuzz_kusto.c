/*
 * fuzz_kusto.c — libFuzzer / AFL++ target for the KQL reader: the bytes as a .kql query, a Markdown file and a Sentinel .yaml.
 *
 * The work and the invariants are in targets.c (rdx_fuzz_kusto), shared with
 * the regression replay in tests/unit/test_regressions.c.  Seeds: the
 * corpus folder (seed_kusto in tests/fuzz/run.sh).
 *
 *   sh tests/fuzz/run.sh kusto
 */
#include <stddef.h>
#include <stdint.h>

#include "targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    return rdx_fuzz_kusto(data, size);
}
