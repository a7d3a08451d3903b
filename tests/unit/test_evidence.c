/*
 * test_evidence.c — attacker-controlled text on its way to a person.
 *
 * Event values are written by the attacker on the hosts we investigate;
 * rule packs and ATT&CK bundles come from third parties.  None of it may
 * reach a terminal, a spreadsheet or a wiki raw (docs/LIMITS.md,
 * "Untrusted text"):
 *
 *   1. the escaping helpers themselves (escape.h): controls, NUL, DEL,
 *      C1, bidirectional overrides and invalid UTF-8 made visible; CSV
 *      cells neutralised the OWASP way; Markdown and HTML markup escaped;
 *   2. the table and CSV sinks on an event full of escape sequences, a NUL
 *      and spreadsheet formulas;
 *   3. a rule whose metadata, field names and values attack every format
 *      of `ruledex show`: the terminal page shows no control byte, the
 *      Markdown page no markup, no HTML and no link but http(s), and its
 *      fences are longer than any backtick run they hold;
 *   4. the HTML site: every kind of page it writes, for that rule and an
 *      ATT&CK bundle and log-source table with hostile names;
 *   5. evidence that arrives oddly: EVTX and JSON through a pipe (the
 *      format recognised without losing a byte), a file named .evtx that is
 *      empty, header-only or JSON, an EVTX file cut short while it is being
 *      read (no SIGBUS: it is reported as truncated), rule directories with
 *      symbolic link loops and FIFOs, the same rule file reached twice.
 *
 * The command-line side of the same promises (walks, FIFOs, process
 * substitution, outputs on links, devices, full disks, live streams) is
 * tests/evidence/run.sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "evtx_writer.h"
#include "harness.h"
#include "ruledex/ruledex.h"

/* ---- helpers ------------------------------------------------------------ */

/* 1 when s holds a byte a terminal would interpret: C0 except \n and \t,
 * DEL, or a UTF-8 C1 control (U+0080..U+009F). */
static int has_raw_control(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return 1;
        if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 && (unsigned char)s[i + 1] <= 0x9f)
            return 1;
        if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
            (unsigned char)s[i + 2] >= 0xaa && (unsigned char)s[i + 2] <= 0xae)
            return 1;   /* bidi overrides */
    }
    return 0;
}

static char *esc_text(const char *s, size_t n, unsigned flags) {
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_esc_text(&b, s, n, flags);
    return rdx_strbuf_take(&b);
}

static char *esc_csv(const char *s) {
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_esc_csv_cell(&b, s, strlen(s));
    return rdx_strbuf_take(&b);
}

static char *esc_md(const char *s, unsigned flags) {
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_esc_markdown(&b, s, strlen(s), flags);
    return rdx_strbuf_take(&b);
}

#define CHECK_ESC(got_expr, want)         \
    do {                                  \
        char *got_ = (got_expr);          \
        CHECK_STR(got_, want);            \
        free(got_);                       \
    } while (0)

/* ---- 1. the helpers ------------------------------------------------------ */

TEST(evidence_escape_text_controls_visible) {
    CHECK_ESC(esc_text("a\x1b[2Jb", 6, 0), "a\\x1b[2Jb");
    CHECK_ESC(esc_text("title\x1b]0;pwned\x07", 15, 0), "title\\x1b]0;pwned\\x07");
    CHECK_ESC(esc_text("shown\0hidden", 12, 0), "shown\\0hidden");
    CHECK_ESC(esc_text("del\x7f", 4, 0), "del\\x7f");
    CHECK_ESC(esc_text("a\nb\tc\rd", 7, 0), "a\\nb\\tc\\rd");
    CHECK_ESC(esc_text("a\nb\tc\rd", 7, RDX_ESC_NEWLINES | RDX_ESC_TABS), "a\nb\tc\\rd");
    /* C1 CSI (U+009B) and a lone 0x9b byte, a right-to-left override */
    CHECK_ESC(esc_text("x\xc2\x9b" "31m", 6, 0), "x\\u009b31m");
    CHECK_ESC(esc_text("x\x9b" "31m", 5, 0), "x\\x9b31m");
    CHECK_ESC(esc_text("evil\xe2\x80\xaetxt.exe", 14, 0), "evil\\u202etxt.exe");
    /* what is fine stays as it is: UTF-8 text, Windows paths */
    CHECK_ESC(esc_text("C:\\Users\\jürgen ¦ 日本", strlen("C:\\Users\\jürgen ¦ 日本"), 0),
              "C:\\Users\\jürgen ¦ 日本");
    CHECK(!rdx_esc_needed("C:\\Windows", 10, 0));
    CHECK(rdx_esc_needed("a\nb", 3, 0));
    CHECK(!rdx_esc_needed("a\nb", 3, RDX_ESC_NEWLINES));
    CHECK(rdx_esc_needed("\xff", 1, RDX_ESC_NEWLINES));
}

TEST(evidence_escape_csv_formulas_neutralised) {
    /* OWASP: = + - @ tab CR at the start get a leading quote, and the cell
     * is quoted */
    CHECK_ESC(esc_csv("=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
    CHECK_ESC(esc_csv("+cmd|' /C calc'!A0"), "\"'+cmd|' /C calc'!A0\"");
    CHECK_ESC(esc_csv("-2+3"), "\"'-2+3\"");
    CHECK_ESC(esc_csv("@SUM(1+1)"), "\"'@SUM(1+1)\"");
    CHECK_ESC(esc_csv("\t=1"), "\"'\\t=1\"");
    CHECK_ESC(esc_csv("\r=1"), "\"'\\r=1\"");
    /* ordinary cells: RFC 4180 only */
    CHECK_ESC(esc_csv("plain"), "plain");
    CHECK_ESC(esc_csv("a,b"), "\"a,b\"");
    CHECK_ESC(esc_csv("say \"hi\""), "\"say \"\"hi\"\"\"");
    CHECK_ESC(esc_csv("1+1"), "1+1");
    CHECK_ESC(esc_csv("a\nb\x1b"), "a\\nb\\x1b");
}

TEST(evidence_escape_markdown_and_links) {
    CHECK_ESC(esc_md("<script>alert(1)</script>", 0), "\\<script\\>alert(1)\\</script\\>");
    CHECK_ESC(esc_md("[x](javascript:alert(1))", 0), "\\[x\\](javascript:alert(1))");
    CHECK_ESC(esc_md("![i](http://e/x.png) *b* _i_ `c` a|b ~s~ &amp;", 0),
              "!\\[i\\](http://e/x.png) \\*b\\* \\_i\\_ \\`c\\` a\\|b \\~s\\~ \\&amp;");
    /* block markers only matter at the start of a line */
    CHECK_ESC(esc_md("# h\n- item\n1. one\n> q\na-b 2.0", RDX_ESC_NEWLINES),
              "\\# h\n\\- item\n1\\. one\n\\> q\na-b 2.0");
    CHECK_ESC(esc_md("a\nb", 0), "a\\nb");
    CHECK_ESC(esc_md("process_creation _em_ a_", 0), "process_creation \\_em\\_ a\\_");
    CHECK_ESC(esc_md("e\x1b[1m", 0), "e\\x1b\\[1m");
    CHECK(rdx_is_web_url("https://example.com/a?b=c#d"));
    CHECK(rdx_is_web_url("http://example.com"));
    CHECK(!rdx_is_web_url("javascript:alert(1)"));
    CHECK(!rdx_is_web_url("HTTPS://example.com"));       /* not what we link */
    CHECK(!rdx_is_web_url("https://e.com/\" onclick=\"x"));
    CHECK(!rdx_is_web_url("https://e.com/>x"));
    CHECK(!rdx_is_web_url("https://"));
    CHECK_INT(rdx_longest_run("a```b````c", 10, '`'), 4);
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_esc_html(&b, "<a href='x'>&\"\x1b\xff\n", 17);
    CHECK_STR(b.data, "&lt;a href=&#39;x&#39;&gt;&amp;&quot;\\x1b\\xff\n");
    rdx_strbuf_free(&b);
}

/* ---- 2. the sinks -------------------------------------------------------- */

static const char hostile_event[] =
    "{\"Event\": {\"System\": {\"Provider\": {\"#attributes\": {\"Name\": \"Microsoft-Windows-Sysmon\"}},"
    " \"EventID\": 1, \"EventRecordID\": 7, \"Channel\": \"Microsoft-Windows-Sysmon/Operational\","
    " \"Computer\": \"=HYPERLINK(\\\"http://evil\\\")\\u001b]0;owned\\u0007\","
    " \"TimeCreated\": {\"#attributes\": {\"SystemTime\": \"2024-05-01T10:00:00Z\"}}},"
    " \"EventData\": {\"Image\": \"C:\\\\Windows\\\\System32\\\\whoami.exe\","
    " \"CommandLine\": \"whoami /priv\\u001b[2K\\u001b[1Ainnocent\\u0000hidden\\u009b0m\","
    " \"User\": \"@SUM(1)\", \"Evil\\u001b[8mKey\": \"-1\"}}}\n";

static const char whoami_rule[] =
    "title: \"Whoami \\e[5m<b>\"\n"
    "id: 33333333-3333-3333-3333-333333333333\n"
    "level: high\n"
    "logsource: {product: windows, category: process_creation}\n"
    "detection:\n"
    "  sel:\n"
    "    Image|endswith: '\\whoami.exe'\n"
    "  condition: sel\n";

/* The hostile event through a hunt into the given sink's output. */
static char *hunt_into(rdx_sink *(*make)(rdx_strbuf *out), size_t *detections) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = rdx_ruleset_new();
    rdx_sigma_load_buffer(rs, "w.yml", whoami_rule, sizeof whoami_rule - 1, &d);
    rdx_hunt *h = rdx_hunt_new(rs, NULL, NULL, &d);
    rdx_hunter *hu = rdx_hunter_new(h);
    rdx_strbuf out = RDX_STRBUF_INIT;
    rdx_sink *sink = make(&out);
    rdx_source *src = rdx_source_open_buffer(hostile_event, sizeof hostile_event - 1, NULL, &d);
    CHECK(src != NULL);
    if (src) rdx_hunter_run(hu, src, sink, &d);
    rdx_sink_end(sink);
    *detections = rdx_sink_count(sink);
    rdx_sink_free(sink);
    rdx_source_close(src);
    rdx_hunter_free(hu);
    rdx_hunt_free(h);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
    return rdx_strbuf_take(&out);
}

static rdx_sink *make_table(rdx_strbuf *out) { return rdx_sink_table_new(NULL, rdx_write_strbuf, out); }
static rdx_sink *make_csv(rdx_strbuf *out) { return rdx_sink_timeline_new(rdx_write_strbuf, out); }

TEST(evidence_table_shows_escape_sequences_visibly) {
    size_t n = 0;
    char *t = hunt_into(make_table, &n);
    CHECK_INT(n, 1);
    CHECK(!has_raw_control(t, strlen(t)));
    /* nothing the attacker wrote is lost: it is all there, visibly */
    CHECK(strstr(t, "whoami /priv\\x1b[2K\\x1b[1Ainnocent\\0hidden\\u009b0m") != NULL);
    CHECK(strstr(t, "=HYPERLINK(\"http://evil\")\\x1b]0;owned\\x07") != NULL);
    CHECK(strstr(t, "Evil\\x1b[8mKey: -1") != NULL);
    CHECK(strstr(t, "Whoami \\x1b[5m<b>") != NULL);
    free(t);
}

TEST(evidence_csv_cells_neutralised) {
    size_t n = 0;
    char *t = hunt_into(make_csv, &n);
    CHECK_INT(n, 1);
    CHECK(!has_raw_control(t, strlen(t)));
    /* the computer name would be a formula: quoted with a leading ' */
    CHECK(strstr(t, ",\"'=HYPERLINK(\"\"http://evil\"\")\\x1b]0;owned\\x07\",") != NULL);
    CHECK(strstr(t, "\\0hidden") != NULL);
    /* exactly a header and one row */
    size_t lines = 0;
    for (const char *p = t; *p; p++) lines += *p == '\n';
    CHECK_INT(lines, 2);
    free(t);
}

TEST(evidence_csv_timeline_with_zero_rows) {
    rdx_strbuf out = RDX_STRBUF_INIT;
    rdx_sink *s = rdx_sink_timeline_new(rdx_write_strbuf, &out);
    CHECK_INT(rdx_sink_end(s), 0);
    CHECK_STR(out.data, "Timestamp,Computer,Channel,EventID,Level,RuleTitle,RuleID,Details,Tactics,Techniques,File,Record\n");
    rdx_sink_free(s);
    rdx_strbuf_free(&out);
}

/* ---- 3. and 4. rule metadata in every page format ---------------------------- */

static const char evil_rule[] =
    "title: \"Evil \\e]0;pwned\\a <script>alert(1)</script> [x](javascript:alert(1))\"\n"
    "id: 22222222-2222-2222-2222-222222222222\n"
    "status: test\n"
    "level: high\n"
    "description: \"line one\\n# Heading\\n<img src=x onerror=alert(1)>\\n\\e[2Jcleared\\0hidden \\x9b\"\n"
    "author: \"![img](http://evil/x.png) *bold* <b>me</b> \\u202Eexe.txt\"\n"
    "references:\n"
    "  - \"javascript:alert(1)\"\n"
    "  - \"https://example.com/ok\"\n"
    "  - \"https://evil.example/x\\\" onclick=\\\"alert(1)\"\n"
    "tags: [attack.execution, attack.t1059, \"attack.<svg/onload=alert(3)>\"]\n"
    "falsepositives: [\"| table | inject |\", \"--- | ---\"]\n"
    "logsource: {product: windows, category: process_creation}\n"
    "detection:\n"
    "  sel:\n"
    "    CommandLine|contains: \"```\\n</code><script>x</script>\\e[31m\"\n"
    "    \"Image\\e[2K\": 'a|b`c``d'\n"
    "  condition: sel\n";

static const char evil_bundle[] =
    "{\"type\":\"bundle\",\"objects\":["
    "{\"type\":\"x-mitre-matrix\",\"id\":\"m\",\"tactic_refs\":[\"t-ex\"]},"
    "{\"type\":\"x-mitre-tactic\",\"id\":\"t-ex\",\"name\":\"Execution<script>alert(4)</script>\\u001b[2J\","
    " \"x_mitre_shortname\":\"execution\","
    " \"external_references\":[{\"source_name\":\"mitre-attack\",\"external_id\":\"TA0002\"}]},"
    "{\"type\":\"attack-pattern\",\"id\":\"p1\",\"name\":\"Command <img src=y onerror=alert(5)>\\u0007\","
    " \"kill_chain_phases\":[{\"kill_chain_name\":\"mitre-attack\",\"phase_name\":\"execution\"}],"
    " \"external_references\":[{\"source_name\":\"mitre-attack\",\"external_id\":\"T1059\","
    "   \"url\":\"javascript:alert(6)\"}]}"
    "]}";

typedef struct evil_fixture {
    rdx_ruleset *rs;
    rdx_attack *attack;
    rdx_logsources *ls;
    rdx_catalog *cat;
    const rdx_crule *rule;
} evil_fixture;

static int evil_setup(evil_fixture *f) {
    memset(f, 0, sizeof *f);
    rdx_diags d;
    rdx_diags_init(&d);
    f->rs = rdx_ruleset_new();
    rdx_sigma_load_buffer(f->rs, "/home/builder/secret/rules/evil.yml", evil_rule, sizeof evil_rule - 1, &d);
    f->attack = rdx_attack_parse("bundle.json", evil_bundle, sizeof evil_bundle - 1, &d);
    f->ls = rdx_logsources_load("data/logsources.yml", &d);
    CHECK_INT(f->rs->n_rules, 1);
    CHECK(f->attack != NULL);
    rdx_diags_free(&d);
    f->cat = rdx_catalog_new(f->attack, f->ls);
    size_t src = rdx_catalog_add_source(f->cat, "sigma", "/home/builder/secret/rules/");
    for (size_t i = 0; i < f->rs->n_rules; i++) rdx_catalog_add_rule(f->cat, src, f->rs->rules[i]);
    rdx_catalog_finish(f->cat);
    const rdx_crule *const *rules;
    if (rdx_catalog_rules(f->cat, &rules) != 1) return 0;
    f->rule = rules[0];
    return 1;
}

static void evil_teardown(evil_fixture *f) {
    rdx_catalog_free(f->cat);
    rdx_ruleset_free(f->rs);
    rdx_attack_free(f->attack);
    rdx_logsources_free(f->ls);
}

/* In Markdown, every '<' the rule wrote outside code is escaped: any
 * unescaped one must be ours (an autolink of an http(s) URL, a <br>).
 * Fenced blocks and code spans show their text literally: skipped. */
static int md_markup_is_ours(const char *md) {
    int fenced = 0;
    for (const char *p = md; *p; p++) {
        if ((p == md || p[-1] == '\n') && !strncmp(p, "```", 3)) {
            fenced = !fenced;
            p += strcspn(p, "\n");
            if (!*p) break;
            continue;
        }
        if (fenced) continue;
        if (*p == '`') {   /* a code span: to the next run of as many */
            size_t run = strspn(p, "`");
            const char *q = p + run;
            while (*q && !(q[0] == '`' && strspn(q, "`") == run)) q += *q == '`' ? strspn(q, "`") : 1;
            if (*q) {
                p = q + run - 1;
                continue;
            }
        }
        int escaped = p > md && p[-1] == '\\';
        if (escaped) continue;
        if (*p == '<') {
            if (!strncmp(p, "<br>", 4)) continue;
            if (!strncmp(p, "<https://", 9) || !strncmp(p, "<http://", 8)) {
                const char *end = strchr(p, '>');
                if (end && !memchr(p, ' ', (size_t)(end - p))) continue;
            }
            fprintf(stderr, "    unescaped '<' in Markdown: %.40s\n", p);
            return 0;
        }
    }
    return 1;
}

TEST(evidence_show_text_and_markdown_escape_rule_metadata) {
    evil_fixture f;
    if (!evil_setup(&f)) {
        CHECK(0);
        evil_teardown(&f);
        return;
    }
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_render_rule(&b, f.cat, f.rule, RDX_PAGE_TEXT, NULL);
    CHECK(!has_raw_control(b.data, b.len));
    CHECK(strstr(b.data, "Evil \\x1b]0;pwned\\x07 <script>") != NULL);
    CHECK(strstr(b.data, "\\x1b[2Jcleared\\0hidden \\u009b") != NULL);
    CHECK(strstr(b.data, "\\u202eexe.txt") != NULL);
    CHECK(strstr(b.data, "Image\\x1b[2K") != NULL);
    CHECK(strstr(b.data, "Command <img src=y onerror=alert(5)>\\x07") != NULL);
    /* published pages never show the builder's directories */
    CHECK(strstr(b.data, "/home/builder") == NULL);
    CHECK(strstr(b.data, "evil.yml") != NULL);

    rdx_strbuf_clear(&b);
    rdx_render_rule(&b, f.cat, f.rule, RDX_PAGE_MARKDOWN, NULL);
    const char *md = b.data;
    CHECK(!has_raw_control(md, b.len));
    CHECK(md_markup_is_ours(md));
    CHECK(strstr(md, "# Evil \\x1b\\]0;pwned\\x07 \\<script\\>alert(1)\\</script\\> \\[x\\](javascript:alert(1))\n") != NULL);
    CHECK(strstr(md, "<https://example.com/ok>") != NULL);
    CHECK(strstr(md, "<javascript:") == NULL);
    CHECK(strstr(md, "onclick") == NULL || strstr(md, "<https://evil.example") == NULL);
    CHECK(strstr(md, "\n\\# Heading\n") != NULL);
    CHECK(strstr(md, "\\| table \\| inject \\|") != NULL);
    /* the body holds a run of three backticks: its fence has four */
    CHECK(strstr(md, "\n````yaml\n") != NULL);
    CHECK(strstr(md, "\n````\n") != NULL);
    /* an indicator value with a run of two backticks: a code span of three,
     * its pipe escaped for the table */
    CHECK(strstr(md, "``` a\\|b`c``d ```") != NULL);
    CHECK(strstr(md, "/home/builder") == NULL);
    rdx_strbuf_free(&b);
    evil_teardown(&f);
}

typedef struct page_check {
    size_t pages, bad;
    unsigned kinds;         /* bit per page kind seen */
} page_check;

static int check_page(void *ctx, const char *path, const char *data, size_t len) {
    page_check *pc = ctx;
    static const char *const kinds[] = {"index.html", "attack.html", "events.html", "indicators.html",
                                        "rules/", "indicators/", "techniques/", "tactics/", "events/"};
    for (unsigned k = 0; k < sizeof kinds / sizeof *kinds; k++)
        if (!strncmp(path, kinds[k], strlen(kinds[k]))) pc->kinds |= 1u << k;
    pc->pages++;
    if (len < 5 || strcmp(path + strlen(path) - 5, ".html") != 0) return 0;
    char *page = malloc(len + 1);
    if (!page) return -1;
    memcpy(page, data, len);
    page[len] = 0;
    static const char *const never[] = {"<script>alert", "<img src=", "<svg/onload", "<b>me",
                                        "href=\"javascript:", "onclick=\"alert", "/home/builder"};
    for (size_t i = 0; i < sizeof never / sizeof *never; i++)
        if (strstr(page, never[i])) {
            fprintf(stderr, "    %s holds %s\n", path, never[i]);
            pc->bad++;
        }
    if (has_raw_control(page, len)) {
        fprintf(stderr, "    %s holds a raw control character\n", path);
        pc->bad++;
    }
    free(page);
    return 0;
}

TEST(evidence_html_site_escapes_every_page_kind) {
    evil_fixture f;
    if (!evil_setup(&f)) {
        CHECK(0);
        evil_teardown(&f);
        return;
    }
    page_check pc = {0, 0, 0};
    CHECK_INT(rdx_render_site(f.cat, check_page, &pc, 0, 1), 0);
    CHECK(pc.pages > 8);
    CHECK_INT(pc.kinds, 0x1ff);   /* all nine kinds of page */
    CHECK_INT(pc.bad, 0);
    /* the standalone page (show --format html) too */
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_render_rule(&b, f.cat, f.rule, RDX_PAGE_HTML, NULL);
    page_check one = {0, 0, 0};
    check_page(&one, "rule.html", b.data, b.len);
    CHECK_INT(one.bad, 0);
    CHECK(strstr(b.data, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
    CHECK(strstr(b.data, "<a href=\"https://example.com/ok\"") != NULL);
    /* JSON (show --format json, catalog.json) is valid JSON with the text intact */
    rdx_strbuf_clear(&b);
    rdx_render_rule(&b, f.cat, f.rule, RDX_PAGE_JSON, NULL);
    rdx_arena *a = rdx_arena_new(0);
    rdx_json_error err;
    CHECK(rdx_json_parse(a, b.data, b.len, &err) != NULL);
    for (size_t i = 0; i < b.len; i++)   /* JSON escapes every C0 control */
        if ((unsigned char)b.data[i] < 0x20 && b.data[i] != '\n') {
            CHECK(0);
            break;
        }
    rdx_arena_free(a);
    rdx_strbuf_free(&b);
    evil_teardown(&f);
}

/* ---- 5. inputs ------------------------------------------------------------ */

static const char *scratch(char *buf, size_t size) {
    const char *t = getenv("TMPDIR");
    snprintf(buf, size, "%s/rdx-evidence-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(buf)) buf[0] = 0;
    return buf;
}

static void rm_rf(const char *dir) {
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "    could not remove %s\n", dir);
}

static int put_file(const char *path, const void *data, size_t len) {
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t w = fwrite(data, 1, len, f);
    return fclose(f) == 0 && w == len ? 0 : -1;
}

/* A synthetic EVTX: the header, then n_chunks copies of one chunk holding
 * per_chunk Sysmon process creations (whoami: the examples rule fires).
 * Returns a malloc'ed file of *len bytes. */
static uint8_t *make_evtx(size_t n_chunks, size_t per_chunk, size_t *len) {
    bx_writer w;
    writer_init(&w);
    for (size_t i = 0; i < per_chunk; i++)
        put_sysmon_process(&w, i + 1, "C:\\Windows\\System32\\whoami.exe", "whoami /priv");
    writer_finish(&w);
    *len = 4096 + n_chunks * 65536;
    uint8_t *f = malloc(*len);
    if (!f) abort();
    memcpy(f, w.file, 4096);
    for (size_t k = 0; k < n_chunks; k++) memcpy(f + 4096 + k * 65536, w.file + 4096, 65536);
    free(w.file);
    return f;
}

static size_t count_events(rdx_reader *r, rdx_diags *d, size_t *errors) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_event ev;
    size_t n = 0;
    int rc;
    *errors = 0;
    while ((rc = rdx_reader_next(r, a, &ev, d)) != 0) {
        if (rc > 0) n++;
        else (*errors)++;
        rdx_arena_reset(a);
    }
    rdx_arena_free(a);
    return n;
}

static const rdx_diag *find_diag(const rdx_diags *d, const char *needle) {
    for (size_t i = 0; i < d->count; i++)
        if (strstr(d->items[i].message, needle)) return &d->items[i];
    return NULL;
}

TEST(evidence_evtx_truncated_while_read) {
    char dir[256], path[300];
    if (!scratch(dir, sizeof dir)[0]) {
        CHECK(0);
        return;
    }
    snprintf(path, sizeof path, "%s/rotating.evtx", dir);
    size_t len;
    uint8_t *f = make_evtx(3, 5, &len);
    CHECK(put_file(path, f, len) == 0);
    free(f);
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_reader *r = rdx_reader_open(path, RDX_FMT_AUTO, &d);
    CHECK(r != NULL);
    if (r) {
        rdx_arena *a = rdx_arena_new(0);
        rdx_event ev;
        CHECK_INT(rdx_reader_next(r, a, &ev, &d), 1);   /* chunk 0 is read */
        rdx_arena_free(a);
        /* the log rotates: the file is cut inside chunk 1 while we read */
        CHECK(truncate(path, 4096 + 65536 + 1000) == 0);
        size_t errors, n = count_events(r, &d, &errors) + 1;
        CHECK_INT(n, 5);            /* chunk 0 whole; nothing of the rest */
        CHECK_INT(errors, 1);       /* one unreadable: the truncation */
        CHECK(find_diag(&d, "truncated while being read") != NULL);
        rdx_reader_close(r);
    }
    rdx_diags_free(&d);
    rm_rf(dir);
}

/* Write data into a pipe from a child; returns the read end. */
static int pipe_from(const void *data, size_t len) {
    int p[2];
    if (pipe(p) != 0) return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        const char *s = data;
        while (len) {
            ssize_t k = write(p[1], s, len > 1000 ? 1000 : len);   /* in small pieces */
            if (k <= 0) _exit(1);
            s += k;
            len -= (size_t)k;
        }
        _exit(0);
    }
    close(p[1]);
    return pid < 0 ? -1 : p[0];
}

TEST(evidence_streams_are_read_once) {
    size_t len;
    uint8_t *f = make_evtx(2, 4, &len);
    int fd = pipe_from(f, len);
    free(f);
    CHECK(fd >= 0);
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_reader *r = fd >= 0 ? rdx_reader_open_fd(fd, 1, "<(cat x.evtx)", RDX_FMT_AUTO, &d) : NULL;
    CHECK(r != NULL && rdx_reader_format(r) == RDX_FMT_EVTX);
    size_t errors = 0;
    if (r) CHECK_INT(count_events(r, &d, &errors), 8);   /* not a byte lost to the sniffing */
    CHECK_INT(errors, 0);
    rdx_reader_close(r);
    while (wait(NULL) > 0) {}
    /* JSON shorter than the bytes looked at, and longer */
    static const char *const texts[] = {"{}", "{\"a\":1}\n{\"b\":2}\n[{\"c\":3},{\"d\":4}]\n"};
    static const size_t want[] = {1, 4};
    for (size_t i = 0; i < 2; i++) {
        fd = pipe_from(texts[i], strlen(texts[i]));
        r = fd >= 0 ? rdx_reader_open_fd(fd, 1, "-", RDX_FMT_AUTO, &d) : NULL;
        CHECK(r != NULL && rdx_reader_format(r) == RDX_FMT_JSON);
        if (r) CHECK_INT(count_events(r, &d, &errors), want[i]);
        CHECK_INT(errors, 0);
        rdx_reader_close(r);
        while (wait(NULL) > 0) {}
    }
    rdx_diags_free(&d);
}

TEST(evidence_evtx_that_holds_nothing_is_unreadable) {
    char dir[256], path[300];
    if (!scratch(dir, sizeof dir)[0]) {
        CHECK(0);
        return;
    }
    static uint8_t header[4096] = "ElfFile";
    static const struct { const char *name; const void *data; size_t len; const char *why; } cases[] = {
        {"empty.evtx", "", 0, "empty"},
        {"signature.evtx", "ElfFile", 8, "header truncated"},
        {"header-only.evtx", header, sizeof header, "only a file header"},
        {"json.evtx", "{\"a\": 1}\n", 9, "not an EVTX file"},
        {"EMPTY.EVTX", "", 0, "empty"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, cases[i].name);
        CHECK(put_file(path, cases[i].data, cases[i].len) == 0);
        rdx_diags d;
        rdx_diags_init(&d);
        rdx_source *src = rdx_source_open_file(path, RDX_FMT_AUTO, &d);
        rdx_test_checkf(src == NULL && d.errors == 1 && find_diag(&d, cases[i].why), __FILE__, __LINE__,
                        "%s: opened=%d errors=%zu first='%s'", cases[i].name, src != NULL, d.errors,
                        d.count ? d.items[0].message : "");
        rdx_source_close(src);
        rdx_diags_free(&d);
    }
    /* an empty JSON file is an empty log: read, nothing in it */
    snprintf(path, sizeof path, "%s/empty.jsonl", dir);
    CHECK(put_file(path, "", 0) == 0);
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_source *src = rdx_source_open_file(path, RDX_FMT_AUTO, &d);
    CHECK(src != NULL && d.errors == 0);
    rdx_source_close(src);
    rdx_diags_free(&d);
    rm_rf(dir);
}

static const char small_rule[] =
    "title: Small\n"
    "id: 55555555-5555-5555-5555-555555555555\n"
    "logsource: {product: windows, category: process_creation}\n"
    "detection:\n"
    "  sel:\n"
    "    Image|endswith: '\\\\x.exe'\n"
    "  condition: sel\n";

TEST(evidence_rule_walk_loops_fifos_and_duplicates) {
    char dir[256], path[400], other[400];
    if (!scratch(dir, sizeof dir)[0]) {
        CHECK(0);
        return;
    }
    snprintf(path, sizeof path, "%s/a", dir);
    CHECK(mkdir(path, 0777) == 0);
    snprintf(path, sizeof path, "%s/b", dir);
    CHECK(mkdir(path, 0777) == 0);
    snprintf(path, sizeof path, "%s/a/rule.yml", dir);
    CHECK(put_file(path, small_rule, sizeof small_rule - 1) == 0);
    /* a loop of one link, a loop of two, and links that would make the
     * walk exponential if it followed them */
    snprintf(path, sizeof path, "%s/a/self", dir);
    CHECK(symlink(".", path) == 0);
    snprintf(path, sizeof path, "%s/a/to-b", dir);
    CHECK(symlink("../b", path) == 0);
    snprintf(path, sizeof path, "%s/b/to-a", dir);
    CHECK(symlink("../a", path) == 0);
    for (int k = 0; k < 6; k++) {
        snprintf(path, sizeof path, "%s/b/up%d", dir, k);
        CHECK(symlink("..", path) == 0);
    }
    /* a FIFO named like a rule: never opened (that would wait for ever) */
    snprintf(path, sizeof path, "%s/a/fifo.yml", dir);
    CHECK(mkfifo(path, 0600) == 0);
    /* the same file under another name */
    snprintf(path, sizeof path, "%s/b/same.yml", dir);
    snprintf(other, sizeof other, "%s/a/rule.yml", dir);
    CHECK(link(other, path) == 0);

    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = rdx_ruleset_new();
    snprintf(path, sizeof path, "%s/a", dir);
    rdx_load_rules_path(rs, path, NULL, &d);
    rdx_load_rules_path(rs, other, NULL, &d);      /* the same file, named: read once */
    snprintf(path, sizeof path, "%s/", dir);
    rdx_load_rules_path(rs, path, NULL, &d);       /* all of it again */
    CHECK_INT(rs->n_rules, 1);
    CHECK_INT(d.errors, 0);
    size_t loops = 0, fifos = 0, doubled = 0;
    for (size_t i = 0; i < d.count; i++) {
        loops += strstr(d.items[i].message, "symbolic link loop") != NULL;
        fifos += strstr(d.items[i].message, "a FIFO, not a regular file") != NULL;
        doubled += strstr(d.items[i].file, "//") != NULL;
    }
    CHECK(loops >= 1);
    CHECK(loops <= 16);                 /* each loop once per walk, not once per path to it */
    CHECK(fifos >= 1);
    CHECK_INT(doubled, 0);              /* "dir/" + "a" is "dir/a" */
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
    rm_rf(dir);
}
