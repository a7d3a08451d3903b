/*
 * fuzz_condition.c — libFuzzer / AFL++ target for the condition parser.
 *
 * The input is the text of a Sigma condition, parsed by rdx_condition_parse
 * over a fixed list of selection names.  The work and the invariants (error
 * positions, well-formed trees, print-and-reparse round trip) are in
 * targets.c, shared with the regression replay.
 *
 *   sh tests/fuzz/run.sh condition      (seeds: conditions of the Sigma corpus)
 */
#include <stddef.h>
#include <stdint.h>

#include "targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    return rdx_fuzz_condition(data, size);
}
