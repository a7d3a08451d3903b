/*
 * fuzz_attack.c — libFuzzer target for the ATT&CK STIX reader (attack.c).
 *
 * The input is the text of a bundle.  Most random bytes are not JSON, so
 * the first input byte picks a mode: 0 feeds the bytes as they are; any
 * other value wraps them as the "objects" array of a bundle, so the
 * fuzzer spends its time on STIX shapes (wrong types, missing ids,
 * duplicate ids, dangling and circular revoked-by links, unknown tactics
 * in kill-chain phases, matrices naming non-tactics).
 *
 * What must hold, for any bytes:
 *   - rdx_attack_parse returns NULL with exactly one error, or a model;
 *   - in a model, every object found by id has that id (case-insensitively),
 *     tactics come out in strictly increasing matrix order with distinct
 *     ids per shortname, every technique's tactics are tactics from that
 *     list, in order, without repeats; parents are techniques whose id
 *     prefixes the sub-technique's; revoked_by never points to itself;
 *   - every tactic resolves by its own shortname;
 *   - freeing releases everything (ASan's leak check).
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc \
 *     -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
 *     tests/fuzz/fuzz_attack.c src/catalog/attack.c src/catalog/strmap.c \
 *     src/event/json_reader.c src/event/json_writer.c src/event/value.c \
 *     src/event/event.c src/util/arena.c src/util/diag.c src/util/strbuf.c \
 *     src/util/file.c -lm -o fuzz_attack
 *   ./fuzz_attack -max_total_time=120 corpus_dir/
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ruledex/attack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(int line) {
    fprintf(stderr, "fuzz_attack.c:%d: invariant broken\n", line);
    abort();
}
#define check(ok) ((ok) ? (void)0 : fail(__LINE__))

static void check_model(const rdx_attack *a) {
    const rdx_attack_obj *const *t;
    size_t n = rdx_attack_tactics(a, &t);
    for (size_t i = 0; i < n; i++) {
        check(t[i]->kind == RDX_ATTACK_TACTIC && t[i]->order == i);
        check(rdx_attack_find(a, t[i]->id) != NULL);
        if (t[i]->shortname) {
            const rdx_attack_obj *by = rdx_attack_tactic(a, t[i]->shortname, NULL);
            check(by != NULL && by->kind == RDX_ATTACK_TACTIC);
        }
    }
    const rdx_attack_obj *const *tech;
    size_t m = rdx_attack_techniques(a, &tech);
    for (size_t i = 0; i < m; i++) {
        const rdx_attack_obj *o = tech[i];
        check(o->kind == RDX_ATTACK_TECHNIQUE);
        check(i == 0 || strcmp(tech[i - 1]->id, o->id) <= 0);
        const rdx_attack_obj *found = rdx_attack_find(a, o->id);
        check(found && !strcasecmp(found->id, o->id));
        for (size_t k = 0; k < o->n_tactics; k++) {
            int listed = 0;
            for (size_t j = 0; j < n; j++) listed |= t[j] == o->tactics[k];
            check(listed);
            check(k == 0 || o->tactics[k - 1]->order < o->tactics[k]->order);
        }
        if (o->parent) {
            size_t len = strlen(o->parent->id);
            check(o->parent->kind == RDX_ATTACK_TECHNIQUE && !strncmp(o->parent->id, o->id, len) &&
                  o->id[len] == '.');
        }
        check(o->revoked_by != o);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0 || size > (1u << 20)) return 0;
    char *text;
    size_t len;
    if (data[0] == 0) {
        len = size - 1;
        text = malloc(len + 1);
        if (!text) return 0;
        memcpy(text, data + 1, len);
    } else {
        static const char head[] = "{\"type\":\"bundle\",\"objects\":[", tail[] = "]}";
        len = sizeof head - 1 + size - 1 + sizeof tail - 1;
        text = malloc(len + 1);
        if (!text) return 0;
        memcpy(text, head, sizeof head - 1);
        memcpy(text + sizeof head - 1, data + 1, size - 1);
        memcpy(text + len - (sizeof tail - 1), tail, sizeof tail - 1);
    }
    text[len] = 0;
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_attack *a = rdx_attack_parse("fuzz.json", text, len, &d);
    if (!a) check(d.errors == 1);
    else check_model(a);
    rdx_attack_free(a);
    rdx_diags_free(&d);
    free(text);
    return 0;
}
