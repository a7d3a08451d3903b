/*
 * fuzz_yaral.c — libFuzzer / AFL++ target for the yaral reader.
 *
 * The input is one rule file; the work and the invariants are in
 * targets.c (rdx_fuzz_yaral), shared with the regression replay in
 * tests/unit/test_regressions.c.  Seeds: the corpus folder (seed_yaral in
 * tests/fuzz/run.sh).
 *
 *   sh tests/fuzz/run.sh yaral
 */
#include <stddef.h>
#include <stdint.h>

#include "targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    return rdx_fuzz_yaral(data, size);
}
