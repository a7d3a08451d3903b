/* test_fieldtable.c — the per-event name and segment tables (event.h)
 * give the same values as the scan of every leaf they replace.  An event
 * whose tables are removed (name_slots = seg_slots = NULL) is looked up by
 * the scan, so the two are compared on the same leaves: every leaf name as
 * written, upper-cased, with a space in it, every dotted suffix of every
 * path (as written and upper-cased), and names the event does not have. */
#include "harness.h"
#include "ruledex/ruledex.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CHECKF(ok, ...) rdx_test_checkf(!!(ok), __FILE__, __LINE__, __VA_ARGS__)
#define MAXV 64

/* The table's and the scan's answers for name agree (count and values). */
static int agree(rdx_event *ev, const char *name, size_t len) {
    const rdx_value *a[MAXV], *b[MAXV];
    uint64_t h = rdx_name_hash(name, len);
    size_t na = rdx_event_lookup(ev, name, len, h, a, MAXV);
    uint32_t *slots = ev->name_slots, *segs = ev->seg_slots;
    ev->name_slots = NULL;   /* the scan */
    ev->seg_slots = NULL;
    size_t nb = rdx_event_lookup(ev, name, len, h, b, MAXV);
    ev->name_slots = slots;
    ev->seg_slots = segs;
    int same = na == nb;
    for (size_t i = 0; same && i < na && i < MAXV; i++) same = a[i] == b[i];
    CHECKF(same, "line %llu, name \"%.*s\": table %zu values, scan %zu",
           (unsigned long long)ev->line, (int)len, name, na, nb);
    return same;
}

/* For a dotted name, rdx_event_lookup's answer against the definition
 * (event.h), worked out here from each leaf's written-out path: the leaves
 * whose path ends with name at a segment boundary, or whose leaf name is
 * name, case ignored, in leaf order. */
static void agree_dotted(rdx_event *ev, const char *name, size_t len) {
    if (memchr(name, ' ', len)) return;   /* a lookup drops spaces first */
    const rdx_value *got[MAXV];
    size_t n = rdx_event_lookup(ev, name, len, rdx_name_hash(name, len), got, MAXV), want = 0;
    int same = 1;
    for (size_t i = 0; i < ev->n_leaves; i++) {
        const rdx_leaf *l = &ev->leaves[i];
        char path[1024];
        if (rdx_leaf_path(l, path, sizeof path) >= sizeof path) return;
        size_t off = l->path_len - len;
        int hit = (l->name_len == len && strncasecmp(l->name, name, len) == 0) ||
                  (l->path_len >= len && (off == 0 || path[off - 1] == '.') &&
                   strncasecmp(path + off, name, len) == 0);
        if (!hit) continue;
        if (want < n && want < MAXV) same &= got[want] == l->value;
        want++;
    }
    CHECKF(same && n == want, "name \"%.*s\": lookup %zu values, definition %zu%s", (int)len,
           name, n, want, same ? "" : " (other values)");
}

static size_t names_of(rdx_event *ev) {
    size_t asked = 0;
    char buf[512];
    for (size_t i = 0; i < ev->n_leaves; i++) {
        const rdx_leaf *l = &ev->leaves[i];
        if (l->name_len + 2 >= sizeof buf || l->path_len + 2 >= sizeof buf) continue;
        agree(ev, l->name, l->name_len);
        for (size_t k = 0; k < l->name_len; k++) buf[k] = (char)toupper((unsigned char)l->name[k]);
        agree(ev, buf, l->name_len);
        if (l->name_len > 1) {   /* spaces do not count */
            buf[0] = l->name[0];
            buf[1] = ' ';
            memcpy(buf + 2, l->name + 1, l->name_len - 1);
            agree(ev, buf, l->name_len + 1);
        }
        char path[512];
        CHECK_INT(rdx_leaf_path(l, path, sizeof path), l->path_len);
        for (size_t k = 0; k < l->path_len; k++) {   /* dotted: every suffix */
            if (k > 0 && path[k - 1] != '.') continue;
            agree(ev, path + k, l->path_len - k);
            for (size_t j = k; j < l->path_len; j++)
                buf[j - k] = (char)toupper((unsigned char)path[j]);
            agree(ev, buf, l->path_len - k);
            asked += 2;
            if (!memchr(path + k, '.', l->path_len - k)) continue;
            agree_dotted(ev, buf, l->path_len - k);
            if (l->path_len - k > 1)   /* not at a boundary */
                agree_dotted(ev, buf + 1, l->path_len - k - 1);
            memcpy(buf, path + k, l->path_len - k);   /* a joining dot missing */
            *(char *)memchr(buf, '.', l->path_len - k) = '_';
            agree_dotted(ev, buf, l->path_len - k);
            buf[0] = '.';   /* one character more than the path has there */
            memcpy(buf + 1, path + k, l->path_len - k);
            agree_dotted(ev, buf, l->path_len - k + 1);
            asked += 3;
        }
        snprintf(buf, sizeof buf, "%.*sX", (int)l->name_len, l->name);
        agree(ev, buf, l->name_len + 1);
        snprintf(buf, sizeof buf, "nothing.%.*s", (int)l->name_len, l->name);
        agree(ev, buf, l->name_len + 8);
        asked += 5;
    }
    return asked;
}

static size_t check_file(const char *path) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_arena *a = rdx_arena_new(0);
    rdx_json_reader *r = rdx_json_reader_open(path, &d);
    CHECKF(r != NULL, "%s cannot be read", path);
    rdx_event ev;
    size_t asked = 0;
    int rc;
    while (r && (rc = rdx_json_reader_next(r, a, &ev, &d)) != 0) {
        if (rc < 0) continue;
        rdx_event_index(&ev);
        CHECK(ev.n_leaves == 0 || ev.name_slots != NULL);
        asked += names_of(&ev);
        rdx_arena_reset(a);
    }
    rdx_json_reader_close(r);
    rdx_arena_free(a);
    rdx_diags_free(&d);
    return asked;
}

TEST(fieldtable_agrees_with_scan) {
    size_t asked = check_file("examples/events/sysmon.jsonl");
    asked += check_file("examples/events/winlogbeat.jsonl");
    CHECKF(asked > 400, "only %zu names asked", asked);
}

/* A bare name in both System and the payload is the payload's, through
 * the table as through the scan; and a name with many values keeps them
 * in leaf order. */
TEST(fieldtable_payload_and_order) {
    static const char json[] =
        "{\"Event\":{\"System\":{\"Channel\":\"System\",\"EventID\":104},"
        "\"UserData\":{\"LogFileCleared\":{\"Channel\":\"Security\"}}},"
        "\"tags\":[\"a\",\"b\",\"c\"],\"x\":{\"tags\":\"d\"}}";
    rdx_arena *a = rdx_arena_new(0);
    rdx_json_error err;
    rdx_value *root = rdx_json_parse(a, json, sizeof json - 1, &err);
    CHECK(root != NULL);
    rdx_event ev;
    rdx_event_init(&ev, a, root);
    rdx_event_index(&ev);
    const rdx_value *v[8];
    size_t len;
    CHECK_INT(rdx_event_lookup(&ev, "channel", 7, rdx_name_hash("channel", 7), v, 8), 1);
    CHECK_STR(rdx_value_text(v[0], &len), "Security");
    CHECK_INT(rdx_event_lookup(&ev, "TAGS", 4, rdx_name_hash("TAGS", 4), v, 8), 4);
    CHECK_STR(rdx_value_text(v[0], &len), "a");
    CHECK_STR(rdx_value_text(v[3], &len), "d");
    CHECK(agree(&ev, "Channel", 7));
    CHECK(agree(&ev, "tags", 4));
    CHECK(agree(&ev, "nothing", 7));
    rdx_arena_free(a);
}

/* Names whose last segment is not their path's: an element with a dot in
 * its name and attributes (name "a.b_c", path "a.b.c"), keys with dots
 * and spaces.  The segment table must not lose them: the event falls back
 * to the scan for dotted names (seg_exact), and answers stay the scan's. */
TEST(fieldtable_dotted_odd_names) {
    static const char *docs[] = {
        "{\"x\":{\"a.b\":{\"#attributes\":{\"c\":\"1\"}}},\"b_c\":\"2\"}",
        "{\"Threat.Name X\":\"1\",\"q\":{\"Threat.Name X\":\"2\"},\"NameX\":\"3\"}",
        ("{\"System\":{\"Channel\":\"S\",\"Provider\":{\"#attributes\":{\"Name\":\"P\"}}},"
         "\"Channel\":\"T\",\"Provider.Name\":\"Q\",\"a\":{\"\":\"e\"},\"a.\":\"f\"}"),
        "{\"a\":{\"q.b\":\"1\",\"q\":{\"b\":\"2\"}},\"a_q\":{\"b\":\"3\"}}",
    };
    static const char *names[] = {"a.b_c", "A.B_C", "x.a.b_c", "a.b.c", "b.c", "x.a.b.c",
                                  "Threat.NameX", "threat.name x", "q.Threat.Name X",
                                  "Name X", "System.Channel", "Provider.Name",
                                  "System.Provider.Name", "a.", "A.", ".", ""};
    int exact[] = {0, 0, 1, 1};
    for (size_t d = 0; d < sizeof docs / sizeof *docs; d++) {
        rdx_arena *a = rdx_arena_new(0);
        rdx_json_error err;
        rdx_value *root = rdx_json_parse(a, docs[d], strlen(docs[d]), &err);
        CHECK(root != NULL);
        rdx_event ev;
        rdx_event_init(&ev, a, root);
        rdx_event_index(&ev);
        CHECK_INT(ev.seg_exact, exact[d]);
        for (size_t k = 0; k < sizeof names / sizeof *names; k++)
            agree(&ev, names[k], strlen(names[k]));
        names_of(&ev);
        rdx_arena_free(a);
    }
}

/* rdx_event_top_level: the full path, first in leaf order, case ignored. */
TEST(fieldtable_top_level) {
    static const char json[] = "{\"System\":{\"Channel\":\"S\"},\"channel\":\"T\","
                               "\"Channel\":\"U\",\"Provider.Name\":\"Q\"}";
    rdx_arena *a = rdx_arena_new(0);
    rdx_json_error err;
    rdx_value *root = rdx_json_parse(a, json, sizeof json - 1, &err);
    rdx_event ev;
    rdx_event_init(&ev, a, root);
    size_t len;
    const rdx_value *v = rdx_event_top_level(&ev, "Channel", 7);
    CHECK(v != NULL);
    CHECK_STR(rdx_value_text(v, &len), "T");
    v = rdx_event_top_level(&ev, "provider.name", 13);
    CHECK(v != NULL);
    CHECK_STR(rdx_value_text(v, &len), "Q");
    CHECK(rdx_event_top_level(&ev, "System", 6) == NULL);
    CHECK(rdx_event_top_level(&ev, "Name", 4) == NULL);
    rdx_arena_free(a);
}

/* The name memo (event.h) changes nothing: every leaf of events of mixed
 * shapes (two logs interleaved, names longer than the memo keeps, names
 * with spaces and dots) hashes alike with it and without it. */
static void index_both(rdx_name_memo *memo, const char *json, size_t *leaves) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_json_error err;
    rdx_value *root = rdx_json_parse(a, json, strlen(json), &err);
    CHECK(root != NULL);
    rdx_event with, without;
    rdx_event_init(&with, a, root);
    rdx_event_init(&without, a, root);
    with.names = memo;
    rdx_event_index(&with);
    rdx_event_index(&without);
    CHECK_INT(with.n_leaves, without.n_leaves);
    CHECK_INT(with.seg_exact, without.seg_exact);
    for (size_t i = 0; i < with.n_leaves && i < without.n_leaves; i++) {
        const rdx_leaf *x = &with.leaves[i], *y = &without.leaves[i];
        CHECKF(x->name_hash == y->name_hash && x->seg_hash == y->seg_hash &&
                   x->name_len == y->name_len && memcmp(x->name, y->name, x->name_len) == 0,
               "leaf %zu (%.*s) differs with the memo", i, (int)y->name_len, y->name);
    }
    *leaves += with.n_leaves;
    rdx_arena_free(a);
}

TEST(fieldtable_name_memo_changes_nothing) {
    static const char *odd[] = {
        "{\"a\":{\"#attributes\":{\"Name\":\"x\"}},\"b c\":\"1\",\"d.e\":\"2\"}",
        "{\"a\":{\"#attributes\":{\"Nome\":\"x\"}},\"b d\":\"1\",\"d.f\":\"2\"}",
        "{\"AVeryLongFieldNameThatIsLongerThanTheMemoKeeps\":\"1\",\"\":\"2\",\"x\":[\"3\",\"4\"]}",
        "{\"AVeryLongFieldNameThatIsLongerThanTheMemoKeepz\":\"1\",\"\":\"2\",\"x\":[\"3\",\"4\"]}",
    };
    rdx_name_memo *memo = rdx_name_memo_new();
    size_t leaves = 0;
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < sizeof odd / sizeof *odd; i++) index_both(memo, odd[i], &leaves);
    static const char *files[] = {"examples/events/sysmon.jsonl", "examples/events/winlogbeat.jsonl"};
    FILE *f[2] = {fopen(files[0], "r"), fopen(files[1], "r")};
    CHECK(f[0] && f[1]);
    char line[65536];
    for (int pass = 0; pass < 3; pass++) {   /* the two logs interleaved, read again */
        int more = 1;
        for (int turn = 0; f[0] && f[1] && more; turn++) {
            more = 0;
            for (int k = 0; k < 2; k++)
                if (fgets(line, sizeof line, f[k])) {
                    more = 1;
                    if (line[0] == '{') index_both(memo, line, &leaves);
                }
        }
        for (int k = 0; k < 2; k++)
            if (f[k]) rewind(f[k]);
    }
    for (int k = 0; k < 2; k++)
        if (f[k]) fclose(f[k]);
    CHECKF(leaves > 300, "only %zu leaves compared", leaves);
    rdx_name_memo_free(memo);
}
