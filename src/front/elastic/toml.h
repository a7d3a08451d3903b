/*
 * toml.h — a small TOML reader for Elastic's detection rules.
 *
 * Why our own: no C TOML library is packaged for Debian 12 (our only
 * dependencies are Debian packages), and Elastic's rules use a small part
 * of TOML.  What it reads: comments; bare, quoted and dotted keys; [tables]
 * and [[arrays of tables]]; basic, literal and multi-line strings with
 * every escape; integers (decimal, hex, octal, binary, with _), floats
 * (inf, nan), booleans; arrays over several lines; inline tables.  Dates
 * and times are not read (Elastic writes its dates as strings): a value
 * that starts like one is an error.  tests/oracle/toml_check.sh compares
 * its reading of every corpus file with Python's tomllib.
 *
 *     rdx_toml_error err;
 *     rdx_value *doc = rdx_toml_parse(arena, text, len, &err);
 *     if (!doc) printf("%u:%u: %s\n", err.line, err.column, err.message);
 *     rdx_value *rule = rdx_object_get(doc, "rule");
 *
 * Tables are RDX_OBJECT, arrays (and arrays of tables) RDX_ARRAY, integers
 * RDX_NUMBER RDX_NUM_INT, floats RDX_NUM_FLOAT.  Everything is in the arena.
 */
#ifndef RDX_FRONT_TOML_H
#define RDX_FRONT_TOML_H

#include <stddef.h>
#include <stdint.h>

#include "ruledex/arena.h"
#include "ruledex/value.h"

typedef struct rdx_toml_error {
    uint32_t line, column;     /* 1-based */
    char message[160];
} rdx_toml_error;

/* The document as a table, or NULL with err filled. */
rdx_value *rdx_toml_parse(rdx_arena *a, const char *text, size_t len, rdx_toml_error *err);

/* The line on which top-level-or-table key `key = ` is first written
 * (as `key =` at the start of a line), 0 when not found: positions for
 * diagnostics in a value. */
uint32_t rdx_toml_key_line(const char *text, size_t len, const char *key);

#endif
