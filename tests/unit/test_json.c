/*
 * test_json.c — the JSON parser, stream reader and writer (json.h).
 *
 * Parser tests feed a string and look at the tree or at the error (message,
 * line, column, offset).  Reader tests write a stream to a temporary file
 * and compare a transcript — one line per call of rdx_json_reader_next:
 * "line@offset {compact json}" for an event, "error" for -1 — and the
 * formatted diagnostics, so a failure shows the whole story at once.
 */
#include "harness.h"

#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ruledex/json.h"

/* ---- helpers ----------------------------------------------------------- */

static rdx_value *parse(rdx_arena *a, const char *text) {
    rdx_json_error err;
    return rdx_json_parse(a, text, strlen(text), &err);
}

/* Parse text expecting failure; returns "line:column@offset: message". */
static const char *parse_error(rdx_arena *a, const char *text, size_t len) {
    rdx_json_error err;
    if (rdx_json_parse(a, text, len, &err)) return "(parsed)";
    return rdx_arena_printf(a, "%zu:%zu@%zu: %s", err.line, err.column, err.offset, err.message);
}

static const char *to_json(rdx_arena *a, const rdx_value *v, int indent) {
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_json_write(&b, v, indent);
    char *s = rdx_arena_strdup(a, b.data ? b.data : "");
    rdx_strbuf_free(&b);
    return s;
}

/* Parse and write back compactly: the normal form the tests compare. */
static const char *norm(rdx_arena *a, const char *text) {
    rdx_value *v = parse(a, text);
    return v ? to_json(a, v, 0) : "(error)";
}

static FILE *temp_stream(const char *data, size_t len) {
    FILE *f = tmpfile();
    if (!f) return NULL;
    if (len && fwrite(data, 1, len, f) != len) {
        fclose(f);
        return NULL;
    }
    rewind(f);
    return f;
}

typedef struct transcript {
    rdx_strbuf log;         /* one line per call */
    rdx_strbuf diags;       /* formatted diagnostics, one per line */
    int events, errors;
} transcript;

static void transcript_free(transcript *t) {
    rdx_strbuf_free(&t->log);
    rdx_strbuf_free(&t->diags);
}

/* Run the reader over f to the end, recording every call. */
static void read_stream(transcript *t, FILE *f, const char *name, int log_events) {
    memset(t, 0, sizeof *t);
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_json_reader *r = rdx_json_reader_from_stream(f, name);
    rdx_arena *a = rdx_arena_new(0);
    rdx_event ev;
    int rc, calls = 0;
    while ((rc = rdx_json_reader_next(r, a, &ev, &d)) != 0 && calls++ < 1000000) {
        if (rc > 0) {
            t->events++;
            CHECK(ev.source && strcmp(ev.source, name) == 0);
            CHECK(ev.root && ev.root->type == RDX_OBJECT);
            if (log_events) {
                rdx_strbuf_printf(&t->log, "%llu@%llu ", (unsigned long long)ev.line,
                                  (unsigned long long)ev.offset);
                rdx_json_write(&t->log, ev.root, 0);
                rdx_strbuf_putc(&t->log, '\n');
            }
        } else {
            t->errors++;
            if (log_events) rdx_strbuf_puts(&t->log, "error\n");
        }
        rdx_arena_reset(a);
    }
    for (size_t i = 0; i < d.count; i++) {
        char buf[512];
        rdx_diag_format(&d.items[i], buf, sizeof buf);
        rdx_strbuf_puts(&t->diags, buf);
        rdx_strbuf_putc(&t->diags, '\n');
        CHECK_STR(d.items[i].category, "json");
    }
    rdx_arena_free(a);
    rdx_json_reader_close(r);
    rdx_diags_free(&d);
    if (!t->log.data) rdx_strbuf_puts(&t->log, "");
    if (!t->diags.data) rdx_strbuf_puts(&t->diags, "");
}

static void read_text(transcript *t, const char *text) {
    FILE *f = temp_stream(text, strlen(text));
    CHECK(f != NULL);
    if (!f) {
        memset(t, 0, sizeof *t);
        rdx_strbuf_puts(&t->log, "");
        rdx_strbuf_puts(&t->diags, "");
        return;
    }
    read_stream(t, f, "in.json", 1);
    fclose(f);
}

/* The reader over text logs exactly log (events and errors, one a line)
 * and reports exactly diags: the check most reader tests make. */
static void check_read(const char *text, const char *log, const char *diags) {
    transcript t;
    read_text(&t, text);
    rdx_test_checkf(!strcmp(t.log.data, log), __FILE__, __LINE__, "reading %.40s...: log\n%s\nwant\n%s",
                    text, t.log.data, log);
    rdx_test_checkf(!strcmp(t.diags.data, diags), __FILE__, __LINE__,
                    "reading %.40s...: diagnostics\n%s\nwant\n%s", text, t.diags.data, diags);
    transcript_free(&t);
}

/* ---- parser: values ---------------------------------------------------- */

TEST(json_parse_scalars) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_value *v;
    CHECK((v = parse(a, "null")) && v->type == RDX_NULL);
    CHECK((v = parse(a, " true ")) && v->type == RDX_BOOL && v->u.boolean == 1);
    CHECK((v = parse(a, "\tfalse\r\n")) && v->type == RDX_BOOL && v->u.boolean == 0);
    CHECK((v = parse(a, "\"hi\"")) && v->type == RDX_STRING && v->u.str.len == 2);
    CHECK_STR(v->u.str.ptr, "hi");
    CHECK((v = parse(a, "\"\"")) && v->type == RDX_STRING && v->u.str.len == 0);
    CHECK((v = parse(a, "7")) && v->type == RDX_NUMBER && v->num.i == 7);
    rdx_arena_free(a);
}

TEST(json_parse_containers_keep_order_and_duplicates) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_value *v = parse(a, "{\"b\": [1, {}, [], \"x\"], \"a\": {\"k\": null}, \"b\": 2}");
    CHECK(v && v->type == RDX_OBJECT);
    if (!v) { rdx_arena_free(a); return; }
    CHECK_INT(v->u.object.count, 3);
    CHECK_STR(v->u.object.members[0].key, "b");
    CHECK_STR(v->u.object.members[1].key, "a");
    CHECK_STR(v->u.object.members[2].key, "b");
    rdx_value *arr = v->u.object.members[0].value;
    CHECK(arr->type == RDX_ARRAY && arr->u.array.count == 4);
    CHECK(arr->u.array.items[1]->type == RDX_OBJECT && arr->u.array.items[1]->u.object.count == 0);
    CHECK(arr->u.array.items[2]->type == RDX_ARRAY && arr->u.array.items[2]->u.array.count == 0);
    CHECK(rdx_object_get(rdx_object_get(v, "a"), "k")->type == RDX_NULL);
    CHECK_INT(v->u.object.members[2].value->num.i, 2);
    CHECK_STR(norm(a, " [ ] "), "[]");
    CHECK_STR(norm(a, "{ }"), "{}");
    rdx_arena_free(a);
}

TEST(json_parse_string_escapes) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_value *v = parse(a, "\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t A=\\u0041 e=\\u00e9 euro=\\u20AC\"");
    CHECK(v && v->type == RDX_STRING);
    CHECK_STR(v->u.str.ptr, "q\" b\\ s/ \b\f\n\r\t A=A e=\xC3\xA9 euro=\xE2\x82\xAC");
    CHECK_INT(v->u.str.len, strlen(v->u.str.ptr));
    /* \u0000 is a NUL inside the string, counted in len. */
    v = parse(a, "\"a\\u0000b\"");
    CHECK(v && v->u.str.len == 3 && memcmp(v->u.str.ptr, "a\0b", 3) == 0);
    /* Escaped keys are decoded too. */
    v = parse(a, "{\"k\\u0065y\\n\": 1}");
    CHECK(v && v->u.object.members[0].key_len == 4);
    CHECK_STR(v->u.object.members[0].key, "key\n");
    /* Invalid UTF-8 passes through the reader untouched. */
    v = parse(a, "\"\xFF\xC3(\"");
    CHECK(v && v->u.str.len == 3 && memcmp(v->u.str.ptr, "\xFF\xC3(", 3) == 0);
    rdx_arena_free(a);
}

/* The string scanner looks at eight bytes at a time: put each kind of
 * byte it must stop at (and some it must not) at every position. */
TEST(json_parse_string_scan_positions) {
    static const struct { const char *raw, *decoded; int ok; } kinds[] = {
        {"\\\"", "\"", 1}, {"\\\\", "\\", 1}, {"\\n", "\n", 1},
        {"\x7f", "\x7f", 1}, {"\xc3\xa9", "\xc3\xa9", 1}, {"\xff", "\xff", 1},
        {" ", " ", 1}, {"!", "!", 1}, {"\x1f", NULL, 0}, {"\x01", NULL, 0},
    };
    rdx_arena *a = rdx_arena_new(0);
    int good = 1;
    for (size_t kind = 0; kind < sizeof kinds / sizeof kinds[0]; kind++) {
        for (int n = 0; n < 20; n++) {
            for (int k = 0; k <= n; k++) {
                char in[64], want[64];
                int len = snprintf(in, sizeof in, "\"%.*s%s%.*s\"", k, "aaaaaaaaaaaaaaaaaaaa",
                                   kinds[kind].raw, n - k, "bbbbbbbbbbbbbbbbbbbb");
                rdx_value *v = rdx_json_parse(a, in, (size_t)len, NULL);
                if (!kinds[kind].ok) {
                    if (v) good = 0;
                    continue;
                }
                snprintf(want, sizeof want, "%.*s%s%.*s", k, "aaaaaaaaaaaaaaaaaaaa",
                         kinds[kind].decoded, n - k, "bbbbbbbbbbbbbbbbbbbb");
                if (!v || v->type != RDX_STRING || strcmp(v->u.str.ptr, want) != 0) good = 0;
            }
        }
    }
    CHECK(good);
    rdx_arena_free(a);
}

TEST(json_parse_surrogates) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_value *v;
    CHECK((v = parse(a, "\"\\ud83d\\ude00\"")) != NULL);
    CHECK_STR(v->u.str.ptr, "\xF0\x9F\x98\x80");
    CHECK((v = parse(a, "\"\\uDBFF\\uDFFF\"")) != NULL);
    CHECK_STR(v->u.str.ptr, "\xF4\x8F\xBF\xBF");
    /* Lone surrogates become U+FFFD; what follows is kept. */
    CHECK((v = parse(a, "\"x\\ud800y\"")) != NULL);
    CHECK_STR(v->u.str.ptr, "x\xEF\xBF\xBDy");
    CHECK((v = parse(a, "\"\\udc00\"")) != NULL);
    CHECK_STR(v->u.str.ptr, "\xEF\xBF\xBD");
    CHECK((v = parse(a, "\"\\ud800\\u0041\"")) != NULL);
    CHECK_STR(v->u.str.ptr, "\xEF\xBF\xBD" "A");
    CHECK((v = parse(a, "\"\\ud800\\ud800\\udc00\"")) != NULL);
    CHECK_STR(v->u.str.ptr, "\xEF\xBF\xBD\xF0\x90\x80\x80");
    CHECK((v = parse(a, "\"\\ud800\"")) != NULL);
    CHECK_STR(v->u.str.ptr, "\xEF\xBF\xBD");
    rdx_arena_free(a);
}

TEST(json_parse_numbers) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_value *v;
    CHECK((v = parse(a, "0")) && v->num_kind == RDX_NUM_INT && v->num.i == 0);
    CHECK((v = parse(a, "-17")) && v->num_kind == RDX_NUM_INT && v->num.i == -17);
    CHECK((v = parse(a, "9223372036854775807")) && v->num_kind == RDX_NUM_INT &&
          v->num.i == INT64_MAX);
    CHECK((v = parse(a, "-9223372036854775808")) && v->num_kind == RDX_NUM_INT &&
          v->num.i == INT64_MIN);
    CHECK((v = parse(a, "9223372036854775808")) && v->num_kind == RDX_NUM_UINT &&
          v->num.u == 9223372036854775808ULL);
    CHECK((v = parse(a, "18446744073709551615")) && v->num_kind == RDX_NUM_UINT &&
          v->num.u == UINT64_MAX);
    CHECK((v = parse(a, "18446744073709551616")) && v->num_kind == RDX_NUM_FLOAT);
    CHECK((v = parse(a, "1.50")) && v->num_kind == RDX_NUM_FLOAT && v->num.f == 1.5);
    CHECK_STR(v->u.str.ptr, "1.50");
    CHECK((v = parse(a, "-2.5E-3")) && v->num_kind == RDX_NUM_FLOAT && v->num.f == -2.5e-3);
    CHECK_STR(v->u.str.ptr, "-2.5E-3");
    CHECK((v = parse(a, "1e3")) && v->num_kind == RDX_NUM_FLOAT && v->num.f == 1000.0);
    CHECK((v = parse(a, "-0")) && v->type == RDX_NUMBER);
    CHECK_STR(v->u.str.ptr, "-0");
    /* Text is kept exactly, which is what Sigma compares. */
    CHECK_STR(norm(a, "[4688, 1.0, 1E+2, 123456789012345678901234567890]"),
              "[4688,1.0,1E+2,123456789012345678901234567890]");
    rdx_arena_free(a);
}

TEST(json_parse_nesting_limit) {
    rdx_arena *a = rdx_arena_new(0);
    char deep[2 * 513 + 1];
    memset(deep, '[', 512);
    memset(deep + 512, ']', 512);
    CHECK(rdx_json_parse(a, deep, 1024, NULL) != NULL);
    memset(deep, '[', 513);
    memset(deep + 513, ']', 513);
    CHECK_STR(parse_error(a, deep, 1026), "1:513@512: nesting deeper than 512");
    /* Objects count the same way, and mixed. */
    rdx_strbuf b = RDX_STRBUF_INIT;
    for (int i = 0; i < 600; i++) rdx_strbuf_puts(&b, i % 2 ? "[" : "{\"k\":");
    CHECK_STR(parse_error(a, b.data, b.len), "1:1537@1536: nesting deeper than 512");
    rdx_strbuf_free(&b);
    rdx_arena_free(a);
}

/* ---- parser: errors ---------------------------------------------------- */

TEST(json_parse_error_messages) {
    static const struct { const char *in, *want; } cases[] = {
        {"{\"a\" 1}", "1:6@5: expected ':' after object key, found '1'"},
        {"{\"a\"", "1:5@4: expected ':' after object key, found end of input"},
        {"\"abc", "1:1@0: unterminated string"},
        {"[\"abc\n\"]", "1:2@1: unterminated string"},
        {"\"a\\qb\"", "1:3@2: invalid escape \\q"},
        {"\"\\u12x4\"", "1:2@1: invalid \\u escape: expected 4 hex digits"},
        {"\"a\tb\"", "1:3@2: unescaped control character 0x09 in string"},
        {"\"x\\\n\x01\"", "1:1@0: unterminated string"},      /* escaped line break */
        {"[\"x\\\r\n\"]", "1:2@1: unterminated string"},
        {"\"a\\\x01\"", "1:3@2: invalid escape: backslash followed by byte 0x01"},
        {"{} x", "1:4@3: trailing characters after value"},
        {"{\"a\":1,}", "1:8@7: trailing comma in object"},
        {"[1,]", "1:4@3: trailing comma in array"},
        {"[1 2]", "1:4@3: expected ',' or ']' after array element, found '2'"},
        {"{\"a\":1 \"b\":2}", "1:8@7: expected ',' or '}' after object member, found '\"'"},
        {"{1:2}", "1:2@1: expected string key or '}', found '1'"},
        {"{\"a\":1,2}", "1:8@7: expected string key, found '2'"},
        {"", "1:1@0: expected a value, found end of input"},
        {"   \n  ", "2:3@6: expected a value, found end of input"},
        {"[}", "1:2@1: expected a value, found '}'"},
        {"\x01", "1:1@0: expected a value, found byte 0x01"},
        {"tru", "1:1@0: invalid literal (expected true, false or null)"},
        {"nul1", "1:1@0: invalid literal (expected true, false or null)"},
        {"01", "1:1@0: invalid number: leading zeros are not allowed"},
        {"-", "1:2@1: invalid number: expected a digit after '-'"},
        {"-a", "1:2@1: invalid number: expected a digit after '-'"},
        {"1.", "1:3@2: invalid number: expected a digit after '.'"},
        {"1.e5", "1:3@2: invalid number: expected a digit after '.'"},
        {"1e+", "1:4@3: invalid number: expected a digit in the exponent"},
        {"[1, +1]", "1:5@4: expected a value, found '+'"},
        {"{\n  \"a\": 1,\n  \"b\" 2\n}", "3:7@18: expected ':' after object key, found '2'"},
        {"[1,\r\n 2,\r\n x]", "3:2@11: expected a value, found 'x'"},
    };
    rdx_arena *a = rdx_arena_new(0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK_STR(parse_error(a, cases[i].in, strlen(cases[i].in)), cases[i].want);
    /* A NULL err is allowed. */
    CHECK(rdx_json_parse(a, "[", 1, NULL) == NULL);
    rdx_arena_free(a);
}

/* ---- writer ------------------------------------------------------------- */

TEST(json_write_compact_and_indented) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_value *v = parse(a, "{\"a\": [1, true, null, {}], \"b\": {\"c\": \"d\", \"e\": []}, \"f\": -1.50}");
    CHECK_STR(to_json(a, v, 0), "{\"a\":[1,true,null,{}],\"b\":{\"c\":\"d\",\"e\":[]},\"f\":-1.50}");
    CHECK_STR(to_json(a, v, 2),
              "{\n"
              "  \"a\": [\n"
              "    1,\n"
              "    true,\n"
              "    null,\n"
              "    {}\n"
              "  ],\n"
              "  \"b\": {\n"
              "    \"c\": \"d\",\n"
              "    \"e\": []\n"
              "  },\n"
              "  \"f\": -1.50\n"
              "}");
    CHECK_STR(to_json(a, parse(a, "[1]"), 4), "[\n    1\n]");
    CHECK_STR(to_json(a, parse(a, "\"x\""), 2), "\"x\"");
    rdx_arena_free(a);
}

TEST(json_write_string_escaping) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_json_write_string(&b, "q\" b\\ s/ \b\f\n\r\t \x01\x1f\x7f", 18);
    CHECK_STR(b.data, "\"q\\\" b\\\\ s/ \\b\\f\\n\\r\\t \\u0001\\u001f\x7f\"");
    rdx_strbuf_clear(&b);
    rdx_json_write_string(&b, "a\0b", 3);
    CHECK_STR(b.data, "\"a\\u0000b\"");
    /* Valid UTF-8 is copied, including 4-byte forms. */
    rdx_strbuf_clear(&b);
    rdx_json_write_string(&b, "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", 9);
    CHECK_STR(b.data, "\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"");
    /* Ill-formed UTF-8: one U+FFFD per maximal ill-formed part. */
    static const struct { const char *in, *want; } bad[] = {
        {"\xFF", "\"\xEF\xBF\xBD\""},
        {"a\x80z", "\"a\xEF\xBF\xBDz\""},
        {"\xC0\xAF", "\"\xEF\xBF\xBD\xEF\xBF\xBD\""},         /* overlong '/' */
        {"\xE2\x82", "\"\xEF\xBF\xBD\""},                     /* truncated at end */
        {"\xE2\x82x", "\"\xEF\xBF\xBDx\""},                   /* truncated mid-string */
        {"\xED\xA0\x80", "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\""}, /* surrogate */
        {"\xF4\x90\x80\x80", "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\""},
        {"\xF0\x9F\x98", "\"\xEF\xBF\xBD\""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rdx_strbuf_clear(&b);
        rdx_json_write_string(&b, bad[i].in, strlen(bad[i].in));
        CHECK_STR(b.data, bad[i].want);
        CHECK(rdx_json_parse(a, b.data, b.len, NULL) != NULL);
    }
    rdx_strbuf_free(&b);
    rdx_arena_free(a);
}

/* The word-at-a-time run scan against a token reference: random strings
 * built from tokens whose encoding is known on their own (plain bytes in
 * long runs at every alignment, each character that must be escaped, valid
 * 2-4 byte UTF-8, bytes that are ill-formed whatever follows them). */
TEST(json_write_string_fast_runs_differential) {
    static const struct { const char *in, *want; } tok[] = {
        {"a", "a"}, {"Z", "Z"}, {" ", " "}, {"/", "/"}, {"~", "~"}, {"\x7f", "\x7f"},
        {"\"", "\\\""}, {"\\", "\\\\"}, {"\n", "\\n"}, {"\t", "\\t"}, {"\x01", "\\u0001"},
        {"\x1f", "\\u001f"}, {"\xC3\xA9", "\xC3\xA9"}, {"\xE2\x82\xAC", "\xE2\x82\xAC"},
        {"\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80"}, {"\xFF", "\xEF\xBF\xBD"},
        {"\x80", "\xEF\xBF\xBD"}, {"\xC0", "\xEF\xBF\xBD"}, {"\xF5", "\xEF\xBF\xBD"},
    };
    const size_t ntok = sizeof tok / sizeof tok[0];
    uint64_t x = 0x9E3779B97F4A7C15u;
    rdx_strbuf in = RDX_STRBUF_INIT, want = RDX_STRBUF_INIT, got = RDX_STRBUF_INIT;
    int round = 0;
    for (; round < 20000; round++) {
        rdx_strbuf_clear(&in);
        rdx_strbuf_clear(&want);
        rdx_strbuf_putc(&want, '"');
        int n = (int)(x % 24);
        for (int k = 0; k < n; k++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            if (x % 3 == 0) {             /* a plain run of 0..40 bytes */
                size_t run = (size_t)(x >> 8) % 41;
                for (size_t j = 0; j < run; j++) {
                    char c = (char)(' ' + (x >> (j % 40)) % 95);
                    if (c == '"' || c == '\\') c = 'q';
                    rdx_strbuf_putc(&in, c);
                    rdx_strbuf_putc(&want, c);
                }
            } else {
                size_t t = (size_t)(x >> 8) % ntok;
                rdx_strbuf_puts(&in, tok[t].in);
                rdx_strbuf_puts(&want, tok[t].want);
            }
        }
        rdx_strbuf_putc(&want, '"');
        rdx_strbuf_clear(&got);
        rdx_json_write_string(&got, in.data ? in.data : "", in.len);
        if (got.len != want.len || memcmp(got.data, want.data, got.len) != 0) {
            CHECK_STR(got.data, want.data);
            break;
        }
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    }
    CHECK_INT(round, 20000);
    rdx_strbuf_free(&in);
    rdx_strbuf_free(&want);
    rdx_strbuf_free(&got);
}

/* rdx_json_write_event encodes an event once (kept in its arena) and then
 * copies: the same text as rdx_json_write each time, a fresh one for the
 * next event, and no keeping without an arena. */
TEST(json_write_event_once_per_event) {
    static const char lines[] =
        "{\"a\":\"x\\ty\",\"n\":1.50,\"o\":{\"k\":[true,null]}}\n"
        "{\"b\":\"\\u00e9\\\"\",\"a\":\"other\"}\n";
    FILE *f = temp_stream(lines, sizeof lines - 1);
    CHECK(f != NULL);
    if (!f) return;
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_json_reader *r = rdx_json_reader_from_stream(f, "t.jsonl");
    rdx_arena *a = rdx_arena_new(0);
    rdx_event ev;
    const char *want[] = {"{\"a\":\"x\\ty\",\"n\":1.50,\"o\":{\"k\":[true,null]}}",
                          "{\"b\":\"\xC3\xA9\\\"\",\"a\":\"other\"}"};
    for (int i = 0; i < 2; i++) {
        CHECK_INT(rdx_json_reader_next(r, a, &ev, &d), 1);
        CHECK(ev.out_json == NULL);
        rdx_strbuf b = RDX_STRBUF_INIT;
        rdx_strbuf_puts(&b, "<");
        rdx_json_write_event(&b, &ev);
        CHECK(ev.out_json != NULL);
        rdx_json_write_event(&b, &ev);
        rdx_strbuf_puts(&b, ">");
        const char *w = rdx_arena_printf(a, "<%s%s>", want[i], want[i]);
        CHECK_STR(b.data, w);
        rdx_strbuf_free(&b);
        rdx_arena_reset(a);
    }
    rdx_event bare;
    rdx_event_init(&bare, NULL, parse(a, "{\"z\":[1]}"));
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_json_write_event(&b, &bare);
    CHECK(bare.out_json == NULL);
    CHECK_STR(b.data, "{\"z\":[1]}");
    rdx_strbuf_free(&b);
    rdx_json_reader_close(r);
    fclose(f);
    rdx_arena_free(a);
    rdx_diags_free(&d);
}

/* Every key and string of v is NUL-terminated at its length (borrowed
 * strings are terminated in the reader's buffer). */
static int nul_terminated(const rdx_value *v) {
    if (v->type == RDX_STRING) return v->u.str.ptr[v->u.str.len] == 0;
    if (v->type == RDX_ARRAY) {
        for (size_t i = 0; i < v->u.array.count; i++)
            if (!nul_terminated(v->u.array.items[i])) return 0;
    }
    if (v->type == RDX_OBJECT) {
        for (size_t i = 0; i < v->u.object.count; i++) {
            const rdx_member *m = &v->u.object.members[i];
            if (m->key[m->key_len] != 0 || !nul_terminated(m->value)) return 0;
        }
    }
    return 1;
}

/* The stream reader borrows strings from its buffer; rdx_json_parse copies
 * them.  Over 2.5 MB of random lines (past the 1 MiB block, so events cross
 * block ends and the reader retries with more input), with escapes, nesting
 * and some lines cut short, every event the reader returns must equal the
 * copy parser's tree of the same line, and every string must end in NUL. */
TEST(json_reader_borrowed_strings_differential) {
    uint64_t x = 0x2545F4914F6CDD1Du;
    rdx_strbuf text = RDX_STRBUF_INIT;
    size_t lines = 0, broken = 0;
    while (text.len < 2500000) {
        size_t start = text.len;
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int members = 1 + (int)(x % 12);
        rdx_strbuf_putc(&text, '{');
        for (int m = 0; m < members; m++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            if (m) rdx_strbuf_putc(&text, ',');
            rdx_strbuf_printf(&text, "\"k%d%s\":", m, x % 7 == 0 ? "\\t\\u00e9" : "");
            switch ((x >> 8) % 5) {
            case 0: rdx_strbuf_printf(&text, "\"v%llu\"", (unsigned long long)(x >> 20)); break;
            case 1: rdx_strbuf_puts(&text, "\"C:\\\\Windows\\\\cmd.exe \\\"/c\\\"\""); break;
            case 2: rdx_strbuf_printf(&text, "%lld", (long long)(x >> 40) - 5000); break;
            case 3: rdx_strbuf_puts(&text, "{\"a\":[\"x\",\"\",{\"b\":null}],\"c\":true}"); break;
            default: rdx_strbuf_puts(&text, "\"\""); break;
            }
        }
        rdx_strbuf_putc(&text, '}');
        if ((x >> 16) % 50 == 0) {                 /* cut short */
            text.len = start + (text.len - start) / 2;
            text.data[text.len] = 0;
            broken++;
        }
        rdx_strbuf_putc(&text, '\n');
        lines++;
    }
    FILE *f = temp_stream(text.data, text.len);
    CHECK(f != NULL);
    if (!f) return;
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_json_reader *r = rdx_json_reader_from_stream(f, "b.jsonl");
    rdx_json_reader_set_borrow(r, 1);
    rdx_arena *a = rdx_arena_new(0), *ca = rdx_arena_new(0);
    rdx_event ev;
    rdx_strbuf got = RDX_STRBUF_INIT, want = RDX_STRBUF_INIT;
    size_t events = 0, errors = 0, same = 0, terminated = 0;
    int rc;
    while ((rc = rdx_json_reader_next(r, a, &ev, &d)) != 0) {
        if (rc < 0) {
            errors++;
        } else {
            events++;
            const char *line = text.data + ev.offset, *nl = memchr(line, '\n', text.len - ev.offset);
            rdx_value *copy = rdx_json_parse(ca, line, (size_t)(nl - line), NULL);
            rdx_strbuf_clear(&got);
            rdx_strbuf_clear(&want);
            rdx_json_write(&got, ev.root, 0);
            if (copy) rdx_json_write(&want, copy, 0);
            same += copy && got.len == want.len && memcmp(got.data, want.data, got.len) == 0;
            terminated += nul_terminated(ev.root);
        }
        rdx_arena_reset(a);
        rdx_arena_reset(ca);
    }
    /* A line cut short may take the next one with it (the reader then
     * resumes at the '{' after): both are one error, as without borrowing. */
    CHECK(events + errors <= lines && events + errors + broken >= lines);
    CHECK(errors <= broken && errors * 2 >= broken);
    CHECK_INT(same, events);
    CHECK_INT(terminated, events);
    CHECK(broken > 0 && events > 10000);
    rdx_strbuf_free(&got);
    rdx_strbuf_free(&want);
    rdx_strbuf_free(&text);
    rdx_json_reader_close(r);
    fclose(f);
    rdx_arena_free(a);
    rdx_arena_free(ca);
    rdx_diags_free(&d);
}

/* Read text with a borrowing reader; for each event, whether the reader
 * kept its text (in_json) goes to kept[] and rdx_json_write_event must
 * write exactly what serialising the tree writes.  Returns the number of
 * events, or -1 at the first that differs. */
static long verbatim_events(const char *text, size_t len, char *kept, size_t max) {
    FILE *f = temp_stream(text, len);
    if (!f) return -1;
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_json_reader *r = rdx_json_reader_from_stream(f, "v.jsonl");
    rdx_json_reader_set_borrow(r, 1);
    rdx_arena *a = rdx_arena_new(0);
    rdx_event ev;
    rdx_strbuf got = RDX_STRBUF_INIT, want = RDX_STRBUF_INIT;
    long n = 0;
    int rc;
    while ((rc = rdx_json_reader_next(r, a, &ev, &d)) != 0) {
        if (rc < 0) continue;
        rdx_strbuf_clear(&got);
        rdx_strbuf_clear(&want);
        rdx_json_write_event(&got, &ev);
        rdx_json_write(&want, ev.root, 0);
        if (got.len != want.len || memcmp(got.data, want.data, got.len) != 0 ||
            !nul_terminated(ev.root)) {
            fprintf(stderr, "  event %ld (in_json %s):\n    got  %s\n    want %s\n", n,
                    ev.in_json ? "kept" : "not kept", got.data, want.data);
            n = -1;
            break;
        }
        if ((size_t)n < max) kept[n] = ev.in_json != NULL;
        n++;
        rdx_arena_reset(a);
    }
    rdx_strbuf_free(&got);
    rdx_strbuf_free(&want);
    rdx_json_reader_close(r);
    fclose(f);
    rdx_arena_free(a);
    rdx_diags_free(&d);
    return n;
}

/* The reader keeps an event's text for the writer exactly when the writer
 * would write that text: compact, its own escapes, well-formed UTF-8. */
TEST(json_reader_keeps_text_the_writer_would_write) {
    static const struct { const char *line; int kept; } cases[] = {
        {"{\"a\":\"x\",\"n\":1.50,\"o\":{\"k\":[true,null,-0,1E+5]},\"e\":{},\"l\":[]}", 1},
        {"{\"p\":\"C:\\\\Windows\\\\cmd.exe \\\"/c\\\"\",\"c\":\"\\b\\f\\n\\r\\t\"}", 1},
        {"{\"u\":\"\\u0000\\u001f\\u0001\\u000b\",\"del\":\"\x7f\"}", 1},
        {"{\"utf8\":\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\",\"\xC3\xA9\":1}", 1},
        {"{\"a\": \"x\"}", 0},                       /* white space */
        {"{\"a\":\"x\" }", 0},
        {"{\"a\":[1, 2]}", 0},
        {"{\"s\":\"a\\/b\"}", 0},                    /* the writer writes / */
        {"{\"s\":\"\\u00e9\"}", 0},                  /* ... and é itself */
        {"{\"s\":\"\\u001F\"}", 0},                  /* ... in lower case */
        {"{\"s\":\"\\u0008\"}", 0},                  /* ... \b */
        {"{\"s\":\"\\u000a\"}", 0},
        {"{\"s\":\"\\u007f\"}", 0},
        {"{\"s\":\"\\ud83d\\ude00\"}", 0},
        {"{\"\\u0041\":1}", 0},                      /* keys too */
        {"{\"s\":\"\xFF\"}", 0},                     /* the writer repairs these */
        {"{\"s\":\"\xC3(\"}", 0},
        {"{\"s\":\"\xC0\xAF\"}", 0},
        {"{\"s\":\"\xED\xA0\x80\"}", 0},
        {"{\"\xC3\":\"x\"}", 0},
    };
    const size_t n = sizeof cases / sizeof cases[0];
    rdx_strbuf text = RDX_STRBUF_INIT;
    for (size_t i = 0; i < n; i++) {
        rdx_strbuf_puts(&text, cases[i].line);
        rdx_strbuf_putc(&text, '\n');
    }
    char kept[32];
    CHECK_INT(verbatim_events(text.data, text.len, kept, sizeof kept), (long)n);
    for (size_t i = 0; i < n; i++)
        if (kept[i] != cases[i].kept) {
            fprintf(stderr, "  line %zu: %s\n", i + 1, cases[i].line);
            CHECK_INT(kept[i], cases[i].kept);
        }
    rdx_strbuf_free(&text);
}

/* The same over 2.5 MB of random lines built from tokens whose verdict is
 * known: the reader must keep every line made only of tokens the writer
 * writes as they are, and no other, and the written text must equal the
 * tree's serialisation either way (events cross the 1 MiB blocks, so the
 * NULs are put back after a retry with more input too). */
TEST(json_reader_keeps_text_differential) {
    static const struct { const char *text; int same; } str_tok[] = {
        {"plain text", 1}, {"C:\\\\Windows", 1}, {"\\\"", 1}, {"\\n", 1}, {"\\t", 1},
        {"\\b", 1}, {"\\f", 1}, {"\\r", 1}, {"\\u0001", 1}, {"\\u001f", 1}, {"\\u0000", 1},
        {"\xC3\xA9", 1}, {"\xE2\x82\xAC", 1}, {"\xF0\x9F\x98\x80", 1}, {"\x7f", 1}, {"", 1},
        {"\\/", 0}, {"\\u00e9", 0}, {"\\u001F", 0}, {"\\u0009", 0}, {"\\u0041", 0},
        {"\\ud83d\\ude00", 0}, {"\xFF", 0}, {"\xC3", 0}, {"\xE2\x82", 0}, {"\xC0\x80", 0},
    };
    static const char *const num_tok[] = {"0", "-0", "1.50", "1e5", "1E+5", "-12.5e-3",
                                          "123456789012345678901234567890", "true", "null"};
    const size_t nstr = sizeof str_tok / sizeof str_tok[0];
    const size_t nnum = sizeof num_tok / sizeof num_tok[0];
    uint64_t x = 0x6A09E667F3BCC909u;
    rdx_strbuf text = RDX_STRBUF_INIT;
    size_t cap = 1 << 16, lines = 0;
    char *expect = malloc(cap), *kept = malloc(cap);
    CHECK(expect && kept);
    if (!expect || !kept) return;
#define NEXT() (x ^= x << 13, x ^= x >> 7, x ^= x << 17)
    while (text.len < 2500000 && lines < cap) {
        int same = 1;
        NEXT();
        int members = 1 + (int)(x % 10);
        rdx_strbuf_putc(&text, '{');
        for (int m = 0; m < members; m++) {
            NEXT();
            if (m) rdx_strbuf_putc(&text, ',');
            if (x % 97 == 0) {                      /* white space */
                rdx_strbuf_putc(&text, x % 2 ? ' ' : '\t');
                same = 0;
            }
            size_t t = (size_t)(x >> 8) % nstr;
            if ((x >> 16) % 8) t %= 16;             /* mostly tokens the writer agrees with */
            rdx_strbuf_printf(&text, "\"k%d%s\":", m, str_tok[t].text);
            same &= str_tok[t].same;
            NEXT();
            switch (x % 4) {
            case 0: rdx_strbuf_puts(&text, num_tok[(x >> 8) % nnum]); break;
            case 1: rdx_strbuf_puts(&text, "[{\"a\":[]},\"\",false]"); break;
            default:
                rdx_strbuf_putc(&text, '"');
                for (int k = (int)((x >> 8) % 5); k >= 0; k--) {
                    NEXT();
                    t = (size_t)(x >> 8) % nstr;
                    if ((x >> 16) % 8) t %= 16;
                    rdx_strbuf_puts(&text, str_tok[t].text);
                    same &= str_tok[t].same;
                }
                rdx_strbuf_putc(&text, '"');
            }
        }
        rdx_strbuf_putc(&text, '}');
        rdx_strbuf_putc(&text, '\n');
        expect[lines++] = (char)same;
    }
#undef NEXT
    long n = verbatim_events(text.data, text.len, kept, cap);
    CHECK_INT(n, (long)lines);
    size_t agree = 0, yes = 0;
    for (size_t i = 0; n == (long)lines && i < lines; i++) {
        agree += kept[i] == expect[i];
        yes += kept[i] != 0;
    }
    CHECK_INT(agree, lines);
    CHECK(yes > lines / 4 && yes < lines);           /* both ways exercised */
    free(expect);
    free(kept);
    rdx_strbuf_free(&text);
}

/* A number read in place (the stream reader's borrowed text, followed by
 * a delimiter) has the kind and value of the copied one (strtoll, strtoull,
 * strtod): edges of int64 and uint64 and random digit strings. */
TEST(json_number_text_ref_differential) {
    static const char *edge[] = {
        "0", "-0", "7", "-7", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "-9223372036854775809", "18446744073709551615",
        "18446744073709551616", "99999999999999999999", "-99999999999999999999",
        "1.5", "-1e3", "0.000001", "12345678901234567890123", "1E+2",
    };
    rdx_arena *a = rdx_arena_new(0);
    char text[64];
    uint64_t x = 0xD1B54A32D192ED03u;
    size_t same = 0, total = 0;
    for (size_t k = 0; k < 20000; k++) {
        if (k < sizeof edge / sizeof edge[0]) {
            snprintf(text, sizeof text, "%s,", edge[k]);
        } else {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            size_t n = 1 + (size_t)(x % 22), i = 0;
            if (x & 1024) text[i++] = '-';
            text[i++] = (char)('1' + (x >> 11) % 9);
            for (size_t j = 1; j < n; j++) text[i++] = (char)('0' + (x >> (j * 2 % 50)) % 10);
            text[i++] = '}';
            text[i] = 0;
        }
        size_t len = strlen(text) - 1;
        rdx_value *c = rdx_value_number_text(a, text, len), *r = rdx_value_number_text_ref(a, text, len);
        total++;
        if (!c || !r || c->num_kind != r->num_kind || r->u.str.ptr != text) continue;
        if (c->num_kind == RDX_NUM_INT ? c->num.i == r->num.i
            : c->num_kind == RDX_NUM_UINT ? c->num.u == r->num.u : c->num.f == r->num.f)
            same++;
        else
            CHECK_STR(text, "(differs)");
    }
    CHECK_INT(same, total);
    rdx_arena_free(a);
}

TEST(json_write_numbers) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_value *arr = rdx_value_array(a);
    rdx_array_push(a, arr, rdx_value_int(a, -5));
    rdx_array_push(a, arr, rdx_value_uint(a, UINT64_MAX));
    rdx_array_push(a, arr, rdx_value_float(a, 0.5));
    rdx_array_push(a, arr, rdx_value_float(a, NAN));
    rdx_array_push(a, arr, rdx_value_float(a, INFINITY));
    /* A number whose text is not JSON (set by some other reader) is
     * written from its value, so the output stays JSON. */
    rdx_value *hex = rdx_value_int(a, 16);
    hex->u.str.ptr = "0x10";
    hex->u.str.len = 4;
    rdx_array_push(a, arr, hex);
    CHECK_STR(to_json(a, arr, 0), "[-5,18446744073709551615,0.5,null,null,16]");
    CHECK(parse(a, to_json(a, arr, 0)) != NULL);
    rdx_arena_free(a);
}

TEST(json_round_trip) {
    static const char *docs[] = {
        "{\"Event\":{\"System\":{\"Provider\":{\"#attributes\":{\"Name\":\"Sysmon\"}},"
        "\"EventID\":4688,\"Keywords\":\"0x8000000000000000\",\"Correlation\":null},"
        "\"EventData\":{\"CommandLine\":\"C:\\\\Windows\\\\cmd.exe /c \\\"echo\\\"\","
        "\"Flags\":[true,false,null,-1.25e-7,18446744073709551615],\"e\":\"\\u00e9\\ud83d\\ude00\","
        "\"ctl\":\"\\u0001\\t\\u001f\",\"dup\":1,\"dup\":2}}}",
        "[[], {}, [[[\"deep\"]]], \"\", 0, -0.0, 1E400]",
        "\"just a string\"",
    };
    rdx_arena *a = rdx_arena_new(0);
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        rdx_value *v = parse(a, docs[i]);
        CHECK(v != NULL);
        if (!v) continue;
        for (int indent = 0; indent <= 4; indent += 2) {
            const char *out = to_json(a, v, indent);
            rdx_value *w = parse(a, out);
            CHECK(w != NULL && rdx_value_equal(v, w));
            CHECK_STR(to_json(a, w, indent), out);
        }
    }
    /* Invalid UTF-8 is repaired once; after that the round trip is exact. */
    rdx_value *s = parse(a, "\"ok \xFF\xFE\"");
    rdx_value *t = parse(a, to_json(a, s, 0));
    CHECK(t && !rdx_value_equal(s, t));
    CHECK_STR(t->u.str.ptr, "ok \xEF\xBF\xBD\xEF\xBF\xBD");
    rdx_arena_free(a);
}

/* ---- stream reader ------------------------------------------------------ */

TEST(json_reader_jsonl_and_blank_lines) {
    transcript t;
    check_read("{\"a\":1}\n\n   \n{\"b\":[2]}\r\n\t{\"c\":\"x\"}\n\n",
               "1@0 {\"a\":1}\n4@13 {\"b\":[2]}\n5@25 {\"c\":\"x\"}\n",
               "");
    read_text(&t, "");
    CHECK_INT(t.events + t.errors, 0);
    transcript_free(&t);
    read_text(&t, "\n \n");
    CHECK_INT(t.events + t.errors, 0);
    transcript_free(&t);
}

TEST(json_reader_bad_line_in_the_middle) {
    transcript t;
    read_text(&t,
              "{\"a\":1}\n"
              "{\"b\": }\n"
              "{\"c\":3}\n"
              "{\"d\":\"unterminated}\n"
              "{\"e\":5}\n"
              "{\"f\":\"bad \\x escape\", \"g\": 1}\n"
              "{\"h\":8}\n");
    CHECK_STR(t.log.data,
              "1@0 {\"a\":1}\nerror\n3@16 {\"c\":3}\nerror\n5@44 {\"e\":5}\nerror\n7@82 {\"h\":8}\n");
    CHECK_STR(t.diags.data,
              "in.json:2:7: error: expected a value, found '}'\n"
              "in.json:4:6: error: unterminated string\n"
              "in.json:6:11: error: invalid escape \\x\n");
    transcript_free(&t);
}

TEST(json_reader_truncated_line_keeps_the_next_event) {
    transcript t;
    read_text(&t, "{\"a\":1}\n{\"b\":{\"c\":1\n{\"d\":4}\n{\"e\":[1,\n  {\"f\":6}\n");
    /* Line 2 is cut short: reported at its start, line 3 still read.  Line
     * 4's array may legally hold line 5's object, so that one is lost. */
    CHECK_STR(t.log.data, "1@0 {\"a\":1}\nerror\n3@20 {\"d\":4}\nerror\n");
    CHECK_STR(t.diags.data,
              "in.json:2:1: error: incomplete event: line 3 starts a new object\n"
              "in.json:6:1: error: expected ',' or ']' after array element, found end of input\n");
    transcript_free(&t);
}

TEST(json_reader_pretty_printed_objects) {
    const char *text =
        "{\n"
        "  \"Event\": {\n"
        "    \"System\": {\n"
        "      \"EventID\": 1\n"
        "    }\n"
        "  }\n"
        "}\n"
        "{\n"
        "  \"Event\": {\n"
        "    \"EventData\": {\"Image\": \"C:\\\\x.exe\"}\n"
        "  }\n"
        "}{\"x\":\n1}  {\"y\":2}\n";
    transcript t;
    read_text(&t, text);
    CHECK_STR(t.log.data,
              "1@0 {\"Event\":{\"System\":{\"EventID\":1}}}\n"
              "8@62 {\"Event\":{\"EventData\":{\"Image\":\"C:\\\\x.exe\"}}}\n"
              "12@122 {\"x\":1}\n"
              "13@132 {\"y\":2}\n");
    CHECK_STR(t.diags.data, "");
    transcript_free(&t);
}

TEST(json_reader_pretty_printed_damage_is_one_error) {
    transcript t;
    read_text(&t,
              "{\n"
              "  \"a\": 1\n"
              "  \"b\": 2,\n"
              "  \"c\": {\"d\": 3}\n"
              "}\n"
              "{\n"
              "  \"ok\": true\n"
              "}\n");
    /* The lines after the error cannot start an event and are skipped. */
    CHECK_STR(t.log.data, "error\n6@39 {\"ok\":true}\n");
    CHECK_STR(t.diags.data,
              "in.json:3:3: error: expected ',' or '}' after object member, found '\"'\n");
    transcript_free(&t);
}

TEST(json_reader_top_level_array) {
    check_read("[\n  {\"a\":1},\n  {\"b\":2}\n]\n{\"c\":3}\n[]\n[{\"d\":4}]",
               "2@4 {\"a\":1}\n3@15 {\"b\":2}\n5@25 {\"c\":3}\n7@37 {\"d\":4}\n",
               "");

    /* Elements that are not objects, a bad element, then the rest. */
    check_read("[1, \"s\", [], {\"a\":1},\n{\"b\": x},\n{\"c\":3}\n]\n",
               "error\nerror\nerror\n1@13 {\"a\":1}\nerror\n3@32 {\"c\":3}\n",
               "in.json:1:2: error: event is not a JSON object\n"
               "in.json:1:5: error: event is not a JSON object\n"
               "in.json:1:10: error: event is not a JSON object\n"
               "in.json:2:7: error: expected a value, found 'x'\n");

    check_read("[{\"a\":1},",
               "1@1 {\"a\":1}\nerror\n",
               "in.json:1:10: error: unterminated top-level array\n");

    check_read("[{\"a\":1},]\n[{\"b\":2} {\"c\":3}]\n{\"d\":4}",
               "1@1 {\"a\":1}\nerror\n2@12 {\"b\":2}\nerror\n3@29 {\"d\":4}\n",
               "in.json:1:10: error: trailing comma in array\n"
               "in.json:2:10: error: expected ',' or ']' after array element, found '{'\n");
}

TEST(json_reader_top_level_scalars_are_errors) {
    check_read("42\n\"str\" true\n{\"a\":1}\nnull",
               "error\nerror\nerror\n3@14 {\"a\":1}\nerror\n",
               "in.json:1:1: error: event is not a JSON object\n"
               "in.json:2:1: error: event is not a JSON object\n"
               "in.json:2:7: error: event is not a JSON object\n"
               "in.json:4:1: error: event is not a JSON object\n");
}

TEST(json_reader_byte_order_mark) {
    transcript t;
    check_read("\xEF\xBB\xBF{\"a\":1}\n{x}\n{\"b\":2}",
               "1@3 {\"a\":1}\nerror\n3@15 {\"b\":2}\n",
               "in.json:2:2: error: expected string key or '}', found 'x'\n");
    /* Only at the very start. */
    read_text(&t, "{\"a\":1}\n\xEF\xBB\xBF{\"b\":2}\n");
    CHECK_INT(t.events, 1);
    CHECK_INT(t.errors, 1);
    transcript_free(&t);
}

TEST(json_reader_open_path_and_errors) {
    rdx_diags d;
    rdx_diags_init(&d);
    CHECK(rdx_json_reader_open("/nonexistent/dir/x.json", &d) == NULL);
    CHECK_INT(d.count, 1);
    CHECK(d.count == 1 && strstr(d.items[0].message, "cannot open") != NULL);
    CHECK(d.count == 1 && strcmp(d.items[0].file, "/nonexistent/dir/x.json") == 0);

    char path[] = "/tmp/rdx_json_test_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0) { rdx_diags_free(&d); return; }
    const char *text = "{\"a\":1}\n{\"b\":2}\n";
    CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    rdx_json_reader *r = rdx_json_reader_open(path, &d);
    CHECK(r != NULL);
    if (r) {
        rdx_arena *a = rdx_arena_new(0);
        rdx_event ev;
        CHECK_INT(rdx_json_reader_offset(r), 0);
        CHECK_INT(rdx_json_reader_next(r, a, &ev, &d), 1);
        CHECK_STR(ev.source, path);
        CHECK_INT(rdx_json_reader_offset(r), 7);
        CHECK_INT(rdx_json_reader_next(r, a, &ev, &d), 1);
        CHECK_INT(ev.line, 2);
        CHECK_INT(ev.offset, 8);
        CHECK_INT(rdx_json_reader_next(r, a, &ev, &d), 0);
        CHECK_INT(rdx_json_reader_next(r, a, &ev, &d), 0);
        CHECK_INT(rdx_json_reader_offset(r), strlen(text));
        rdx_arena_free(a);
        rdx_json_reader_close(r);
    }
    CHECK_INT(d.count, 1);
    unlink(path);
    rdx_diags_free(&d);
}

/* 20,000 JSON Lines, about 2.4 MB: more than the reader's 1 MiB block,
 * with a bad line deep in the second block. */
TEST(json_reader_stream_larger_than_buffer) {
    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (!f) return;
    for (int i = 1; i <= 20000; i++) {
        if (i == 15000) fprintf(f, "{\"n\": %d, \"oops\" 1}\n", i);
        else fprintf(f, "{\"n\": %d, \"pad\": \"%096d\", \"f\": %d.5, \"t\": true}\n", i, i, i);
    }
    rewind(f);
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_json_reader *r = rdx_json_reader_from_stream(f, "big.jsonl");
    rdx_arena *a = rdx_arena_new(0);
    rdx_event ev;
    int rc, events = 0, errors = 0, in_order = 1;
    while ((rc = rdx_json_reader_next(r, a, &ev, &d)) != 0) {
        if (rc < 0) {
            errors++;
            continue;
        }
        rdx_value *n = rdx_object_get(ev.root, "n");
        int want = ++events < 15000 ? events : events + 1;
        if (!n || n->num.i != want || ev.line != (uint64_t)want) in_order = 0;
        rdx_arena_reset(a);
    }
    CHECK_INT(events, 19999);
    CHECK_INT(errors, 1);
    CHECK(in_order);
    CHECK_INT(d.count, 1);
    CHECK(d.count == 1 && d.items[0].line == 15000 && d.items[0].column == 21);
    CHECK_INT(rdx_json_reader_offset(r), ftell(f));
    rdx_arena_free(a);
    rdx_json_reader_close(r);
    rdx_diags_free(&d);
    fclose(f);
}

/* Put the reader's 1 MiB block boundary inside every token of an event in
 * turn: a number, a literal, an escape, a surrogate pair, a key. */
TEST(json_reader_tokens_across_block_boundary) {
    const char *ev2 = "{\"n\":12345678,\"t\":true,\"s\":\"a\\u00e9\\ud83d\\ude00b\",\"k\\\"ey\":-1.5e3}";
    size_t n2 = strlen(ev2), block = (size_t)1 << 20;
    char *buf = malloc(block + 256);
    CHECK(buf != NULL);
    if (!buf) return;
    int ok = 1;
    for (size_t k = 0; k <= n2; k++) {
        /* First line: {"p":"xxx..."}\n ending k bytes before the boundary. */
        size_t first = block - k;
        memcpy(buf, "{\"p\":\"", 6);
        memset(buf + 6, 'x', first - 9);
        memcpy(buf + first - 3, "\"}\n", 3);
        memcpy(buf + first, ev2, n2);
        memcpy(buf + first + n2, "\n{\"z\":0}\n", 9);
        FILE *f = temp_stream(buf, first + n2 + 9);
        if (!f) { ok = 0; break; }
        transcript t;
        read_stream(&t, f, "b.json", 0);
        fclose(f);
        if (t.events != 3 || t.errors != 0) ok = 0;
        transcript_free(&t);
    }
    CHECK(ok);
    /* And check the decoded event itself once, with the boundary mid-escape. */
    size_t first = block - 40;
    memcpy(buf, "{\"p\":\"", 6);
    memset(buf + 6, 'x', first - 9);
    memcpy(buf + first - 3, "\"}\n", 3);
    memcpy(buf + first, ev2, n2);
    FILE *f = temp_stream(buf, first + n2);
    CHECK(f != NULL);
    if (f) {
        rdx_json_reader *r = rdx_json_reader_from_stream(f, "b.json");
        rdx_arena *a = rdx_arena_new(0);
        rdx_event ev;
        rdx_diags d;
        rdx_diags_init(&d);
        CHECK_INT(rdx_json_reader_next(r, a, &ev, &d), 1);
        CHECK_INT(rdx_json_reader_next(r, a, &ev, &d), 1);
        CHECK_INT(ev.line, 2);
        CHECK_INT(ev.offset, first);
        CHECK_STR(to_json(a, ev.root, 0),
                  "{\"n\":12345678,\"t\":true,\"s\":\"a\xC3\xA9\xF0\x9F\x98\x80" "b\",\"k\\\"ey\":-1.5e3}");
        CHECK_INT(rdx_json_reader_next(r, a, &ev, &d), 0);
        CHECK_INT(d.count, 0);
        rdx_diags_free(&d);
        rdx_arena_free(a);
        rdx_json_reader_close(r);
        fclose(f);
    }
    free(buf);
}

/* A JSON Lines line cut short right where a block ends: the reader must
 * see the next line's '{' as the end of the damage, not read on (and
 * skip) the rest of the file looking for the broken event's '}'. */
TEST(json_reader_truncated_line_at_block_boundary) {
    size_t block = (size_t)1 << 20, lines = 75000;   /* 69 MB: past the 64 MiB limit */
    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (!f) return;
    /* First line fills the block up to a cut-short event that crosses it. */
    fputs("{\"p\":\"", f);
    for (size_t i = 0; i < block - 30; i++) fputc('x', f);
    fputs("\"}\n{\"cut\": {\"short\": [1, 2, 3\n", f);
    for (size_t i = 0; i < lines; i++) fprintf(f, "{\"n\": %zu, \"pad\": \"%0900zu\"}\n", i, i);
    rewind(f);
    transcript t;
    read_stream(&t, f, "cut.jsonl", 0);
    CHECK_INT(t.events, 1 + lines);
    CHECK_INT(t.errors, 1);
    CHECK_STR(t.diags.data, "cut.jsonl:2:1: error: incomplete event: line 3 starts a new object\n");
    transcript_free(&t);
    fclose(f);
}

/* One event of 5 MiB: the buffer grows to hold it, then reading goes on. */
TEST(json_reader_event_bigger_than_block) {
    size_t n = (size_t)5 << 20;
    char *buf = malloc(n + 64);
    CHECK(buf != NULL);
    if (!buf) return;
    size_t len = 0;
    len += (size_t)sprintf(buf, "{\"a\":1}\n{\"big\": [\n");
    while (len < n) len += (size_t)sprintf(buf + len, "  \"%s\",\n", "abcdefghijklmnopqrstuvwxyz");
    len += (size_t)sprintf(buf + len, "  \"end\"]}\n{\"b\":2}\n");
    FILE *f = temp_stream(buf, len);
    CHECK(f != NULL);
    if (f) {
        transcript t;
        read_stream(&t, f, "huge.json", 0);
        CHECK_INT(t.events, 3);
        CHECK_INT(t.errors, 0);
        transcript_free(&t);
        fclose(f);
    }
    free(buf);
}

/* An event over 64 MiB is reported and skipped without being held. */
TEST(json_reader_event_over_limit) {
    size_t n = ((size_t)64 << 20) + 100;
    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (!f) return;
    fputs("{\"a\":1}\n{\"huge\": \"", f);
    char chunk[4096];
    memset(chunk, 'x', sizeof chunk);
    for (size_t w = 0; w < n; w += sizeof chunk) fwrite(chunk, 1, sizeof chunk, f);
    fputs("\", \"tail\": {\"x\": [1, 2]}}\n\n{\"b\":2}\n", f);
    rewind(f);
    transcript t;
    read_stream(&t, f, "over.json", 1);
    CHECK_STR(t.log.data, "1@0 {\"a\":1}\nerror\n4@67113005 {\"b\":2}\n");
    CHECK_STR(t.diags.data, "over.json:2:1: error: event larger than 64 MiB\n");
    transcript_free(&t);
    fclose(f);
}

/* ---- the corpus --------------------------------------------------------- */

typedef struct corpus_stats {
    int files, events, failures;
    rdx_arena *a;
    rdx_strbuf first_failure;
} corpus_stats;

static int count_closing_lines(const char *text) {
    int n = 0;
    for (const char *p = text; (p = strstr(p, "\n}")) != NULL; p += 2) n++;
    return n + (text[0] == '}');
}

static void check_corpus_file(corpus_stats *st, const char *path) {
    size_t len;
    char *text = rdx_test_read_file(path, &len);
    if (!text) {
        st->failures++;
        return;
    }
    st->files++;
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_json_reader *r = rdx_json_reader_open(path, &d);
    int rc, events = 0, ok = r != NULL;
    rdx_event ev;
    while (r && (rc = rdx_json_reader_next(r, st->a, &ev, &d)) != 0) {
        if (rc < 0) { ok = 0; continue; }
        events++;
        /* Each event survives write -> parse unchanged. */
        rdx_strbuf b = RDX_STRBUF_INIT;
        rdx_json_write(&b, ev.root, 2);
        rdx_value *again = rdx_json_parse(st->a, b.data, b.len, NULL);
        if (!again || !rdx_value_equal(ev.root, again)) ok = 0;
        rdx_strbuf_free(&b);
        rdx_arena_reset(st->a);
    }
    rdx_json_reader_close(r);
    /* The files are evtx_dump output: one "}" line closes each event. */
    if (d.count || events == 0 || events != count_closing_lines(text)) ok = 0;
    if (events == 1 && !rdx_json_parse(st->a, text, len, NULL)) ok = 0;
    rdx_arena_reset(st->a);
    st->events += events;
    if (!ok) {
        if (!st->failures) rdx_strbuf_puts(&st->first_failure, path);
        st->failures++;
    }
    rdx_diags_free(&d);
    free(text);
}

static void walk_json(corpus_stats *st, const char *dir) {
    DIR *dp = opendir(dir);
    if (!dp) return;
    struct dirent *de;
    while ((de = readdir(dp)) != NULL) {
        if (de->d_name[0] == '.') continue;
        char *path = rdx_arena_printf(st->a, "%s/%s", dir, de->d_name);
        struct stat sb;
        if (stat(path, &sb) != 0) continue;
        size_t n = strlen(de->d_name);
        /* Copy: the arena is reset per file. */
        char *own = strdup(path);
        if (!own) continue;
        if (S_ISDIR(sb.st_mode)) walk_json(st, own);
        else if (n > 5 && strcmp(de->d_name + n - 5, ".json") == 0) check_corpus_file(st, own);
        free(own);
    }
    closedir(dp);
}

TEST(json_reader_sigma_regression_corpus) {
    REQUIRE_CORPUS(corpus);
    corpus_stats st = {0, 0, 0, rdx_arena_new(0), RDX_STRBUF_INIT};
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/sigma-regression", corpus);
    walk_json(&st, dir);
    CHECK(st.files >= 100);
    CHECK(st.events >= st.files);
    rdx_test_checkf(st.failures == 0, __FILE__, __LINE__, "%d of %d corpus files failed, first %s",
                    st.failures, st.files, st.first_failure.data ? st.first_failure.data : "");
    rdx_strbuf_free(&st.first_failure);
    rdx_arena_free(st.a);
}
