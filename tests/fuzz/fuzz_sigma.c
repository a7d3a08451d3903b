/*
 * fuzz_sigma.c — libFuzzer / AFL++ target for the Sigma loader.
 *
 * The input is a rule file: YAML → intermediate form (yaml.c, sigma.c,
 * detection.c, condition.c, pattern.c, encode.c, placeholders.c), then
 * rdx_ruleset_apply_filters, then every rule evaluated against fixed events
 * (eval.c, event.c).  The work and the invariants are in targets.c, shared
 * with the regression replay in tests/unit/test_regressions.c.
 *
 *   sh tests/fuzz/run.sh sigma          (builds, seeds from the Sigma corpus, runs)
 */
#include <stddef.h>
#include <stdint.h>

#include "targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    return rdx_fuzz_sigma(data, size);
}
