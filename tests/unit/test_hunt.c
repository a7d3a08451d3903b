/*
 * test_hunt.c — what moved out of the CLI into the library: event time
 * and facts (facts.h), sources over buffers with origins (source.h), the
 * sinks and their delivery (sink.h), and the hunt session's account of
 * every event with bounded messages (hunt.h).
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sigma_helpers.h"

/* ---- time ----------------------------------------------------------------- */

static int64_t ticks(const char *s) {
    int64_t t = -1;
    return rdx_time_parse(s, strlen(s), &t) ? t : INT64_MIN;
}

TEST(time_parse_honours_offsets_and_keeps_100ns) {
    int64_t base = ticks("2024-05-01T13:00:00Z");
    CHECK(base != INT64_MIN);
    CHECK_INT(base, 1714568400LL * RDX_TICKS_PER_SECOND);
    CHECK_INT(ticks("2024-05-01T15:00:00+02:00"), base);
    CHECK_INT(ticks("2024-05-01T08:30:00-0430"), base);
    CHECK_INT(ticks("2024-05-01 13:00:00"), base);               /* no zone: UTC */
    CHECK_INT(ticks("2024-05-01T13:00"), base);
    CHECK_INT(ticks("2024-05-01T13:00:00.1234567Z") - base, 1234567);
    CHECK_INT(ticks("2024-05-01T13:00:00.123456789Z") - base, 1234567);   /* past 100 ns: cut */
    CHECK_INT(ticks("2024-05-01") , base - 13LL * 3600 * RDX_TICKS_PER_SECOND);
    CHECK_INT(ticks("1969-12-31T23:59:59Z"), -RDX_TICKS_PER_SECOND);
    char buf[32];
    rdx_time_format(ticks("2024-05-01T15:00:00.5+02:00"), buf);
    CHECK_STR(buf, "2024-05-01T13:00:00.5000000Z");
}

TEST(time_parse_refuses_invalid_dates) {
    CHECK(ticks("yesterday") == INT64_MIN);
    CHECK(ticks("2024-02-30") == INT64_MIN);
    CHECK(ticks("2023-02-29T00:00:00Z") == INT64_MIN);
    CHECK(ticks("2024-02-29T00:00:00Z") != INT64_MIN);           /* a leap year */
    CHECK(ticks("2024-13-01") == INT64_MIN);
    CHECK(ticks("2024-05-01T24:00:00Z") == INT64_MIN);
    CHECK(ticks("2024-05-01T13:00:00+25:00") == INT64_MIN);
    CHECK(ticks("2024-05-01T13:00:00Zjunk") == INT64_MIN);
    CHECK(ticks("2024-05-01T13:00:00.") == INT64_MIN);
}

/* ---- facts ---------------------------------------------------------------- */

static rdx_event parse_event(rdx_arena *a, const char *json) {
    rdx_json_error err;
    rdx_event ev;
    rdx_event_init(&ev, a, rdx_json_parse(a, json, strlen(json), &err));
    return ev;
}

static int text_is(const char *s, size_t len, const char *want) {
    return s && len == strlen(want) && memcmp(s, want, len) == 0;
}

TEST(facts_from_evtx_shape_prefer_system_over_payload) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_event ev = parse_event(a,
        "{\"Event\":{\"System\":{\"Provider\":{\"#attributes\":{\"Name\":\"Microsoft-Windows-Eventlog\"}},"
        "\"EventID\":104,\"TimeCreated\":{\"#attributes\":{\"SystemTime\":\"2024-05-01T13:00:00.1234567Z\"}},"
        "\"EventRecordID\":77,\"Channel\":\"System\",\"Computer\":\"dc01\"},"
        "\"UserData\":{\"LogFileCleared\":{\"Channel\":\"Security\"}}}}");
    CHECK(ev.root != NULL);
    rdx_facts f;
    CHECK(rdx_event_facts(&ev, &f));
    CHECK(text_is(f.channel, f.channel_len, "System"));
    CHECK(text_is(f.provider, f.provider_len, "Microsoft-Windows-Eventlog"));
    CHECK(text_is(f.host, f.host_len, "dc01"));
    CHECK_INT(f.event_id, 104);
    CHECK(text_is(f.event_id_text, f.event_id_text_len, "104"));
    CHECK_INT(f.record_id, 77);
    CHECK(f.has_time);
    CHECK_INT(f.time, ticks("2024-05-01T13:00:00.1234567Z"));
    rdx_arena_free(a);
}

TEST(facts_from_ecs_and_flat_shapes) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_event ev = parse_event(a,
        "{\"@timestamp\":\"2024-05-01T15:00:00+02:00\",\"host\":{\"name\":\"dc01\"},"
        "\"winlog\":{\"channel\":\"Security\",\"event_id\":\"4624\",\"computer_name\":\"dc01.corp\","
        "\"record_id\":9}}");
    rdx_facts f;
    CHECK(rdx_event_facts(&ev, &f));
    CHECK(text_is(f.channel, f.channel_len, "Security"));
    CHECK(text_is(f.host, f.host_len, "dc01.corp"));     /* winlog's name before host.name */
    CHECK_INT(f.event_id, 4624);
    CHECK_INT(f.record_id, 9);
    CHECK_INT(f.time, ticks("2024-05-01T13:00:00Z"));
    rdx_arena_reset(a);
    ev = parse_event(a, "{\"Channel\":\"Microsoft-Windows-Sysmon/Operational\",\"EventID\":1,"
                        "\"UtcTime\":\"2024-05-01 13:00:00.250\",\"Image\":\"x\"}");
    CHECK(rdx_event_facts(&ev, &f));
    CHECK_INT(f.event_id, 1);
    CHECK(f.host == NULL);
    CHECK_INT(f.time, ticks("2024-05-01T13:00:00.25Z"));
    rdx_arena_reset(a);
    ev = parse_event(a, "{\"message\":\"no identity\",\"time\":\"not a time\"}");
    CHECK(!rdx_event_facts(&ev, &f));
    CHECK(!f.has_time);
    CHECK(text_is(f.time_text, f.time_text_len, "not a time"));
    rdx_arena_free(a);
}

/* ---- sources -------------------------------------------------------------- */

TEST(buffer_source_gives_message_origins) {
    const char *msg = "{\"a\":1}\n{\"a\" 2}\n{\"a\":3}\n";
    rdx_origin_spec spec = {"winlogbeat", 3, 18446};
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_source *s = rdx_source_open_buffer(msg, strlen(msg), &spec, &d);
    CHECK(s != NULL);
    rdx_arena *a = rdx_arena_new(0);
    rdx_event ev;
    int rcs[4], n = 0, rc;
    rdx_strbuf where = RDX_STRBUF_INIT;
    while (s && n < 4 && (rc = rdx_source_next(s, a, &ev, &d)) != 0) {
        rcs[n++] = rc;
        if (rc > 0) {
            CHECK(ev.origin == RDX_ORIGIN_MESSAGE);
            rdx_origin_format(&where, &ev);
            rdx_strbuf_putc(&where, ' ');
        }
        rdx_arena_reset(a);
    }
    CHECK_INT(n, 3);
    CHECK(rcs[0] == 1 && rcs[1] == -1 && rcs[2] == 1);
    CHECK_STR(where.data, "winlogbeat[3]@18446 winlogbeat[3]@18446:3 ");
    CHECK_INT(d.errors, 1);
    CHECK(d.count && strstr(d.items[0].file, "winlogbeat[3]@18446") != NULL);
    rdx_strbuf_free(&where);
    rdx_source_close(s);
    rdx_arena_free(a);
    rdx_diags_free(&d);
}

/* ---- sinks ---------------------------------------------------------------- */

typedef struct delivery {
    uint64_t last;
    int calls;
} delivery;

static void on_delivered(void *ctx, uint64_t seq) {
    delivery *dl = ctx;
    dl->last = seq;
    dl->calls++;
}

static int failing_writer(void *ctx, const void *p, size_t n) {
    (void)ctx, (void)p, (void)n;
    return -1;
}

/* A hunt over inline JSON Lines with one rule, into sink k (begun; ended
 * unless it is a timeline, which the caller merges first). */
static rdx_hunt_account hunt_text(const char *rule_detection, const char *jsonl,
                                  const rdx_hunt_options *o, rdx_sink *k, rdx_diags *msgs) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_detection(rule_detection, &d);
    rdx_hunt *h = rdx_hunt_new(rs, NULL, o, &d);
    rdx_hunter *hu = rdx_hunter_new(h);
    rdx_source *s = rdx_source_open_buffer(jsonl, strlen(jsonl), NULL, &d);
    if (k) rdx_sink_begin(k);
    rdx_hunter_run(hu, s, k, msgs);
    if (k && strcmp(rdx_sink_name(k), "timeline") != 0) rdx_sink_end(k);
    rdx_hunt_account acct;
    rdx_hunt_account_init(&acct, h);
    rdx_hunt_account_add(&acct, rdx_hunter_account(hu));
    rdx_source_close(s);
    rdx_hunter_free(hu);
    rdx_hunt_free(h);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
    return acct;
}

static const char *RULE = "sel:\n    Image|endswith: '\\cmd.exe'\ncondition: sel";

TEST(jsonl_sink_delivers_after_the_writer_accepts) {
    rdx_strbuf out = RDX_STRBUF_INIT;
    rdx_sink *k = rdx_sink_jsonl_new(rdx_write_strbuf, &out);
    delivery dl = {0, 0};
    rdx_sink_set_delivered(k, on_delivered, &dl);
    rdx_diags m;
    rdx_diags_init(&m);
    rdx_hunt_account a = hunt_text(RULE,
        "{\"Image\":\"C:\\\\cmd.exe\"}\n{\"Image\":\"x\"}\n{\"Image\":\"D:\\\\cmd.exe\"}\n", NULL, k, &m);
    CHECK_INT(a.detections, 2);
    CHECK_INT(rdx_sink_count(k), 2);
    CHECK_INT(dl.calls, 1);           /* one flush at the end, covering both */
    CHECK_INT(dl.last, 1);
    CHECK(strstr(out.data, "\"line\":1") && strstr(out.data, "\"line\":3"));
    CHECK(strstr(out.data, "\"file\":\"(buffer)\"") != NULL);
    rdx_hunt_account_free(&a);
    rdx_sink_free(k);
    rdx_strbuf_free(&out);
    rdx_diags_free(&m);
}

TEST(failing_writer_fails_the_sink_and_delivers_nothing) {
    rdx_sink *k = rdx_sink_table_new(NULL, failing_writer, NULL);
    delivery dl = {0, 0};
    rdx_sink_set_delivered(k, on_delivered, &dl);
    rdx_diags m;
    rdx_diags_init(&m);
    rdx_hunt_account a = hunt_text(RULE, "{\"Image\":\"C:\\\\cmd.exe\"}\n", NULL, k, &m);
    CHECK_INT(a.detections, 1);
    CHECK_INT(dl.calls, 0);
    CHECK(rdx_sink_flush(k) == -1);
    rdx_hunt_account_free(&a);
    rdx_sink_free(k);
    rdx_diags_free(&m);
}

TEST(timeline_sorts_by_instant_and_merges_in_input_order) {
    rdx_strbuf out = RDX_STRBUF_INIT, ignored = RDX_STRBUF_INIT;
    rdx_sink *all = rdx_sink_timeline_new(rdx_write_strbuf, &out);
    rdx_sink *one = rdx_sink_timeline_new(rdx_write_strbuf, &ignored);
    rdx_sink *two = rdx_sink_timeline_new(rdx_write_strbuf, &ignored);
    rdx_diags m;
    rdx_diags_init(&m);
    /* 14:00+02:00 is 12:00Z: before 13:00Z although its text sorts after. */
    rdx_hunt_account a = hunt_text(RULE,
        "{\"Image\":\"a\\\\cmd.exe\",\"UtcTime\":\"2024-05-01 13:00:00\",\"n\":\"first\"}\n"
        "{\"Image\":\"b\\\\cmd.exe\",\"n\":\"untimed\"}\n"
        "{\"Image\":\"c\\\\cmd.exe\",\"@timestamp\":\"2024-05-01T14:00:00+02:00\",\"n\":\"early\"}\n",
        NULL, one, &m);
    rdx_hunt_account b = hunt_text(RULE,
        "{\"Image\":\"d\\\\cmd.exe\",\"UtcTime\":\"2024-05-01 13:00:00\",\"n\":\"tie\"}\n", NULL, two, &m);
    CHECK(rdx_sink_timeline_take(all, one) == 0);
    CHECK(rdx_sink_timeline_take(all, two) == 0);
    CHECK(rdx_sink_end(all) == 0);
    CHECK(ignored.len == 0);             /* taken before their end: nothing written */
    const char *e = strstr(out.data, "n: early"), *f = strstr(out.data, "n: first"),
               *t = strstr(out.data, "n: tie"), *u = strstr(out.data, "n: untimed");
    CHECK(strncmp(out.data, "Timestamp,Computer,", 19) == 0);
    CHECK(e && f && t && u && e < f && f < t && t < u);
    rdx_hunt_account_free(&a);
    rdx_hunt_account_free(&b);
    rdx_sink_free(all);
    rdx_sink_free(one);
    rdx_sink_free(two);
    rdx_strbuf_free(&out);
    rdx_strbuf_free(&ignored);
    rdx_diags_free(&m);
}

TEST(details_show_unnamed_data_values) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_event ev = parse_event(a, "{\"Event\":{\"System\":{\"EventID\":325},\"EventData\":"
                                  "{\"Data\":{\"#text\":[\"NTDS\",\"\",\"C:\\\\ntds.dit\"]},\"Binary\":null}}}");
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_event_details(&ev, &b);
    CHECK_STR(b.data, "Data: NTDS ¦ Data: C:\\ntds.dit");
    rdx_strbuf_free(&b);
    rdx_arena_reset(a);
    ev = parse_event(a, "{\"Event\":{\"System\":{\"EventID\":1},\"EventData\":{\"Binary\":null}}}");
    char *empty = rdx_strbuf_take(&b);   /* an empty buffer taken is "", never garbage */
    CHECK_STR(empty, "");
    free(empty);
    rdx_event_details(&ev, &b);
    CHECK_INT(b.len, 0);
    rdx_strbuf_free(&b);
    rdx_arena_free(a);
}

/* The digest is made once per event (kept in its arena): a second
 * detection of the event shows the same text, an empty digest stays empty,
 * and the next event in the same arena gets its own. */
TEST(details_once_per_event) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_event ev = parse_event(a, "{\"Event\":{\"EventData\":{\"Image\":\"a\\nb\",\"X\":\"\"}}}");
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_event_details(&ev, &b);
    CHECK(ev.out_details != NULL);
    rdx_strbuf_putc(&b, '|');
    rdx_event_details(&ev, &b);
    CHECK_STR(b.data, "Image: a b|Image: a b");
    rdx_arena_reset(a);
    ev = parse_event(a, "{\"Event\":{\"EventData\":{\"Binary\":null}}}");
    rdx_strbuf_clear(&b);
    rdx_event_details(&ev, &b);
    rdx_event_details(&ev, &b);
    CHECK_INT(b.len, 0);
    CHECK(ev.out_details != NULL);
    rdx_arena_reset(a);
    ev = parse_event(a, "{\"user\":\"bob\",\"n\":2}");
    rdx_event_details(&ev, &b);
    CHECK_STR(b.data, "user: bob ¦ n: 2");
    rdx_strbuf_free(&b);
    rdx_arena_free(a);
}

/* The identity facts are found once per event (kept in its arena): the
 * second ask, and the full facts after it, give the same answer, and the
 * next event in the same arena gets its own. */
TEST(facts_identity_once_per_event) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_event ev = parse_event(a, "{\"Event\":{\"System\":{\"Channel\":\"Security\",\"EventID\":4688,"
                                  "\"Computer\":\"h1\"}}}");
    rdx_facts f1, f2, all;
    CHECK_INT(rdx_event_facts_identity(&ev, &f1), 1);
    CHECK(ev.identity != NULL);
    CHECK_INT(rdx_event_facts_identity(&ev, &f2), 1);
    CHECK_INT(rdx_event_facts(&ev, &all), 1);
    CHECK(f1.channel == f2.channel && f1.channel_len == 8 && all.channel == f1.channel);
    CHECK_INT(f2.event_id, 4688);
    CHECK_INT(all.event_id, 4688);
    CHECK(all.host && all.host_len == 2 && memcmp(all.host, "h1", 2) == 0);
    rdx_arena_reset(a);
    ev = parse_event(a, "{\"message\":\"no identity\"}");
    CHECK_INT(rdx_event_facts_identity(&ev, &f1), 0);
    CHECK_INT(rdx_event_facts_identity(&ev, &f2), 0);
    CHECK(f2.channel == NULL && !f2.has_event_id);
    rdx_arena_free(a);
}

/* ---- the account -------------------------------------------------------- */

TEST(account_counts_every_event_and_bounds_messages) {
    rdx_strbuf lines = RDX_STRBUF_INIT;
    for (int i = 0; i < 10; i++) rdx_strbuf_puts(&lines, "{broken\n");
    rdx_strbuf_puts(&lines, "{\"Image\":\"x\\\\cmd.exe\",\"UtcTime\":\"2024-05-01 13:00:00\"}\n");
    rdx_strbuf_puts(&lines, "{\"Image\":\"y\\\\cmd.exe\",\"UtcTime\":\"2024-06-01 13:00:00\"}\n");
    rdx_strbuf_puts(&lines, "{\"Image\":\"z\\\\cmd.exe\"}\n");
    rdx_hunt_options o = RDX_HUNT_OPTIONS_INIT;
    o.kept = 3;
    o.has_from = rdx_time_parse("2024-05-01", 10, &o.from);
    o.has_to = rdx_time_parse("2024-05-02T00:00:00+00:00", 25, &o.to);
    rdx_diags m;
    rdx_diags_init(&m);
    rdx_hunt_account a = hunt_text(RULE, lines.data, &o, NULL, &m);
    CHECK_INT(a.read, 13);
    CHECK_INT(a.unreadable, 10);
    CHECK_INT(a.evaluated, 1);
    CHECK_INT(a.outside_time, 2);        /* June, and no time at all */
    CHECK_INT(a.read, a.evaluated + a.unreadable + a.outside_time);
    CHECK_INT(a.detections, 1);
    CHECK_INT(a.by_rule[0], 1);
    CHECK_INT(a.reasons.n, 1);
    CHECK_STR(a.reasons.cats[0], "json");
    CHECK_INT(a.reasons.counts[0], 10);
    CHECK_INT(m.count, 3);               /* kept */
    CHECK_INT(a.messages_dropped, 7);    /* counted */
    rdx_hunt_account_free(&a);
    rdx_diags_free(&m);
    rdx_strbuf_free(&lines);
}

TEST(session_selects_by_level_and_status) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_text(
        "title: a\nstatus: test\nlevel: low\nlogsource: {product: windows}\n"
        "detection: {sel: {x: 1}, condition: sel}\n---\n"
        "title: b\nstatus: stable\nlevel: high\nlogsource: {product: windows}\n"
        "detection: {sel: {x: 1}, condition: sel}\n", &d);
    CHECK(rs && rs->n_rules == 2);
    rdx_hunt_options o = RDX_HUNT_OPTIONS_INIT;
    o.min_level = RDX_LEVEL_MEDIUM;
    rdx_hunt *h = rdx_hunt_new(rs, NULL, &o, &d);
    CHECK_INT(rdx_hunt_rule_count(h), 1);
    CHECK_STR(rdx_hunt_rule(h, 0)->title, "b");
    rdx_hunt_free(h);
    o.min_level = RDX_LEVEL_NONE;
    o.statuses = "experimental,TEST";
    h = rdx_hunt_new(rs, NULL, &o, &d);
    CHECK_INT(rdx_hunt_rule_count(h), 1);
    CHECK_STR(rdx_hunt_rule(h, 0)->title, "a");
    rdx_hunt_free(h);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}
