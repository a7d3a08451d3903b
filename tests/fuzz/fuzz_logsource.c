/*
 * fuzz_logsource.c — libFuzzer target for the log-source table
 * (src/logsource/): the YAML table parser, routing, and event identity.
 *
 * The input is a table text.  It is parsed with rdx_logsources_parse; the
 * same bytes are also tried as a JSON event, whose identity is then routed
 * through the table, so identify.c sees hostile events too.
 *
 * What must hold, for any bytes:
 *   - parsing returns (libfyaml 0.7.12 loops for ever on some invalid
 *     UTF-8, which the table checker must refuse first: run with
 *     -timeout=10 to see such hangs as findings);
 *   - a table is returned exactly when no error was reported, and every
 *     error of the table checker points into the text (line 1..lines+1,
 *     column >= 1) and names the input;
 *   - in a table that loads, every entry's own logsource is known and has
 *     sources; every source has a title, an event
 *     ID in -1..65535, a field map whose entries all have names; and every
 *     source covers an event with exactly its own identity, handing back a
 *     field map (never NULL);
 *   - an event with no identity is covered by every logsource;
 *   - identify reports success exactly when it found something, its
 *     strings are never empty and its event IDs never negative.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 \
 *     -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude -Isrc \
 *     $(pkg-config --cflags libfyaml) tests/fuzz/fuzz_logsource.c \
 *     src/logsource/identify.c src/logsource/logsource.c src/logsource/table.c \
 *     src/rule/yaml.c src/rule/pattern.c src/event/event.c src/event/value.c \
 *     src/event/json_reader.c src/util/arena.c src/util/diag.c src/util/file.c \
 *     src/util/strbuf.c $(pkg-config --libs libfyaml) -lm -o fuzz_logsource
 *   ./fuzz_logsource -max_total_time=60 corpus_dir/ data/
 * (or sh tests/fuzz/run.sh logsource, which seeds from the tables in data/).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "logsource/ls_internal.h"
#include "ruledex/json.h"
#include "ruledex/logsource.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)
#define NAME "fuzz.yml"

/* An upper bound of the lines libfyaml may count: \n, \r, and the
 * Unicode breaks YAML 1.1 knew (NEL, LS, PS), each taken as one. */
static size_t count_lines(const uint8_t *data, size_t size) {
    size_t n = 1;
    for (size_t i = 0; i < size; i++) {
        n += data[i] == '\n' || data[i] == '\r';
        n += i + 1 < size && data[i] == 0xC2 && data[i + 1] == 0x85;
        n += i + 2 < size && data[i] == 0xE2 && data[i + 1] == 0x80 &&
             (data[i + 2] == 0xA8 || data[i + 2] == 0xA9);
    }
    return n;
}

static void check_diags(const rdx_diags *d, size_t lines) {
    for (size_t i = 0; i < d->count; i++) {
        const rdx_diag *g = &d->items[i];
        ASSERT(g->message && g->category);
        ASSERT(g->file && strcmp(g->file, NAME) == 0);
        if (strcmp(g->category, "logsource") != 0) continue;   /* YAML's own */
        ASSERT(g->line >= 1 && g->line <= lines + 1);
        ASSERT(g->column >= 1);
    }
}

static rdx_logsource logsource_of(const ls_entry *e) {
    rdx_logsource l = {e->category, e->product, e->service, NULL};
    return l;
}

static void check_fieldmap(const rdx_fieldmap *m) {
    ASSERT(m != NULL);
    for (size_t i = 0; i < m->count; i++) {
        const rdx_fieldmap_entry *e = &m->entries[i];
        ASSERT(e->sigma && *e->sigma && e->n_names > 0);
        ASSERT(e->sigma_hash == rdx_name_hash(e->sigma, strlen(e->sigma)));
        for (size_t k = 0; k < e->n_names; k++) ASSERT(e->names[k] && *e->names[k]);
    }
}

/* A source covers an event with exactly its own identity. */
static void check_source(const rdx_logsources *ls, const rdx_logsource *rl,
                         const rdx_event_source *s) {
    ASSERT(s->title && *s->title);
    ASSERT(s->event_id >= -1 && s->event_id <= 65535);
    if (s->fields) check_fieldmap(s->fields);
    rdx_event_identity id = {s->channel, s->channel ? strlen(s->channel) : 0,
                             s->provider, s->provider ? strlen(s->provider) : 0,
                             s->event_id, s->event_id >= 0};
    const rdx_fieldmap *f = NULL;
    ASSERT(rdx_logsources_covers(ls, rl, &id, &f));
    ASSERT(f != NULL);
}

static void check_table(const rdx_logsources *ls) {
    check_fieldmap(rdx_logsources_shape_aliases(ls));
    rdx_event_identity none = {0};
    for (size_t i = 0; i < ls->n_entries; i++) {
        const ls_entry *e = &ls->entries[i];
        rdx_logsource rl = logsource_of(e);
        const rdx_event_source *src;
        int known;
        size_t n = rdx_logsources_lookup(ls, &rl, &src, &known);
        ASSERT(known && n > 0);
        ASSERT(e->n_sources > 0);
        for (size_t k = 0; k < e->n_sources; k++) check_source(ls, &rl, &e->sources[k]);
        const rdx_fieldmap *f = NULL;
        ASSERT(rdx_logsources_covers(ls, &rl, &none, &f) && f != NULL);
    }
}

/* The input as an event: identity, then routing through the table. */
static void check_event(const rdx_logsources *ls, const uint8_t *data, size_t size) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_json_error err;
    rdx_value *v = rdx_json_parse(a, (const char *)data, size, &err);
    if (v) {
        rdx_event ev;
        rdx_event_init(&ev, a, v);
        rdx_event_identity id;
        int found = rdx_event_identify(&ev, &id);
        ASSERT(found == (id.channel || id.provider || id.has_event_id));
        ASSERT(!id.has_event_id || id.event_id >= 0);
        ASSERT(!id.channel || id.channel_len > 0);
        ASSERT(!id.provider || id.provider_len > 0);
        static const rdx_logsource probes[] = {
            {"process_creation", "windows", NULL, NULL},
            {"file_access", "windows", NULL, NULL},
            {"registry_set", NULL, "sysmon", NULL},
            {NULL, "windows", "security", NULL},
            {NULL, "windows", NULL, NULL}};
        for (size_t i = 0; i < sizeof probes / sizeof *probes; i++) {
            const rdx_fieldmap *f = NULL;
            int c = rdx_logsources_covers_event(ls, &probes[i], &id, &ev, &f);
            ASSERT(f != NULL);
            if (!found) ASSERT(c);
        }
    }
    rdx_arena_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_logsources *ls = rdx_logsources_parse(NAME, (const char *)data, size, &d);
    ASSERT((ls != NULL) == (d.errors == 0));
    check_diags(&d, count_lines(data, size));
    if (ls) check_table(ls);
    check_event(ls, data, size);
    rdx_logsources_free(ls);
    rdx_diags_free(&d);
    return 0;
}
