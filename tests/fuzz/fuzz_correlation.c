/*
 * fuzz_correlation.c — libFuzzer / AFL++ target for the correlation
 * section of the Sigma loader, and the correlator behind it.
 *
 * The input is a YAML rule file appended to three fixed detection rules
 * (named a, b, c): correlation documents are typed (front/sigma/
 * correlation.c), resolved across documents (rule/correlation.c, cycles
 * cut), planned by a hunt session (hunt.c, correlate/plan.c: aliases,
 * nested references) and run over a fixed stream of hits (correlator.c).
 * Invariants: a loaded correlation has at least one rule and a positive
 * timespan; resolution terminates; the correlator reports no more
 * detections than it had hits and ends without failure.
 *
 * The work and the invariants are rdx_fuzz_correlation in targets.c, shared
 * with the regression replay in tests/unit/test_regressions.c.
 *
 *   sh tests/fuzz/run.sh correlation
 */
#include <stddef.h>
#include <stdint.h>

#include "targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    return rdx_fuzz_correlation(data, size);
}
