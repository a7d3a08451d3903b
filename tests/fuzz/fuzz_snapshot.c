/*
 * fuzz_snapshot.c — libFuzzer / AFL++ target for the rule-set snapshot
 * reader (cache.h, src/cache/snapshot.c): arbitrary bytes, or edits laid
 * over a genuine snapshot, decoded into a rule set that must either be
 * refused with a reason or evaluate and re-encode stably; when the first
 * byte's two low bits are set, the same edits over the matcher's plan of
 * the fixture's rules (src/engine/plan.h): refused (then the matcher is
 * built and finds what it should) or used, never a fault.  The work and
 * the invariants are in targets.c (rdx_fuzz_snapshot), shared with the
 * regression replay (tests/data/regressions/snapshot/).
 *
 *   sh tests/fuzz/run.sh snapshot      (seeds: tests/data/regressions/snapshot/)
 */
#include <stddef.h>
#include <stdint.h>

#include "targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    return rdx_fuzz_snapshot(data, size);
}
