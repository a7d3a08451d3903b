/*
 * sql.c — rules as SQL over the flattened events (convert.h has the two
 * tables; docs/CONVERT.md the full schema and semantics).
 *
 * The query of a rule is
 *
 *     SELECT rid, origin FROM events WHERE <routing and condition>
 *
 * and every predicate is a semi-join on the fields table, never a
 * correlated subquery (ClickHouse has none, and SQLite and DuckDB plan an
 * uncorrelated IN once per query):
 *
 *     Image|endswith: '\cmd.exe'    on Sysmon 1 (no map) becomes
 *     rid IN (SELECT rid FROM fields WHERE field = 'image' AND shadowed = 0
 *             AND (fold GLOB '*\cmd.exe'))
 *
 * Exactness comes from the loader doing what needs the engine's own code
 * (case folding, number and address parsing, the leaf names an event
 * answers to) and the query doing only exact compares on its results:
 *
 *   - caseless compare: `fold` (the value folded by the matcher's own
 *     folding, convert.c) against the pattern folded the same way; |cased
 *     compares `value`;
 *   - wildcards: SQLite GLOB (case-sensitive, `?` one character), the
 *     others LIKE with a backslash escape;
 *   - a field looked up under several names (the source's field map, the
 *     name itself, the shape aliases): the first name the event has wins,
 *     as in the evaluator — `P(k1) OR (NOT has(k1) AND P(k2)) OR ...`;
 *   - numbers: `num` (the loader's rdx_parse_number); a YAML number also
 *     matches by value ("4688" = "0x1250");
 *   - cidr: `ip` (the address as 32 hex digits of IPv6, IPv4 mapped) within
 *     the network's first and last address, compared as text;
 *   - regex: the dialect's regex operator with the flags written inline;
 *     PCRE constructs RE2 lacks (lookaround, backreferences, atomic groups,
 *     possessive quantifiers, \Z ...) make the rule not convertible;
 *   - every test sits inside an IN subquery, so SQL's NULLs never reach
 *     the boolean logic (NOT stays two-valued).
 *
 * Not convertible, with the reason: |fieldref, time parts (|minute ...),
 * whole-term matches (KQL `has`), values holding a NUL byte.
 */
#include <stdio.h>
#include <string.h>

#include "convert/convert_internal.h"
#include "convert/fieldq.h"
#include "ruledex/pattern.h"

#define MAX_KEYS 16

typedef struct sql_ctx {
    rdx_convert_ctx *cx;
    cv_sql_kind kind;
    const rdx_fieldmap *map, *aliases;
    int raw;                 /* a `where:` of the table: the name as written only */
} sql_ctx;

/* ---- literals ------------------------------------------------------------------ */

int cv_sql_literal(cv_sql_kind k, const char *s, size_t len, rdx_strbuf *out) {
    if (memchr(s, 0, len)) return 0;
    rdx_strbuf_putc(out, '\'');
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (k == CV_CLICKHOUSE && (c == '\n' || c == '\r' || c == '\t')) {
            /* one statement per line group: newlines stay escaped */
            rdx_strbuf_puts(out, c == '\n' ? "\\n" : c == '\r' ? "\\r" : "\\t");
            continue;
        }
        if (c == '\'') rdx_strbuf_putc(out, '\'');
        else if (c == '\\' && k == CV_CLICKHOUSE) rdx_strbuf_putc(out, '\\');
        rdx_strbuf_putc(out, c);
    }
    rdx_strbuf_putc(out, '\'');
    return 1;
}

static void lit(const sql_ctx *c, const char *s, rdx_strbuf *out) {
    cv_sql_literal(c->kind, s, strlen(s), out);   /* names and keys: no NUL */
}

static void number(rdx_strbuf *out, double x) {
    char buf[64];
    snprintf(buf, sizeof buf, "%.17g", x);
    rdx_strbuf_puts(out, buf);
    if (!strpbrk(buf, ".eEni")) rdx_strbuf_puts(out, ".0");   /* a float compare everywhere */
}

/* ---- patterns ------------------------------------------------------------------- */

static int pattern_sql(sql_ctx *c, const rdx_pattern *p, int cased, rdx_strbuf *out,
                       rdx_strbuf *why) {
    const char *col = cased ? "value" : "fold";
    if (rdx_pattern_has_placeholders(p)) {   /* matches nothing, as in the matcher */
        rdx_strbuf_puts(out, "(1=0)");
        return 1;
    }
    rdx_strbuf text = RDX_STRBUF_INIT;
    int wild = rdx_pattern_has_wildcards(p), ok = 1;
    for (size_t i = 0; i < p->n_segs; i++) {
        const rdx_seg *g = &p->segs[i];
        if (g->kind == RDX_SEG_STAR) {
            rdx_strbuf_putc(&text, c->kind == CV_SQLITE ? '*' : '%');
            continue;
        }
        if (g->kind == RDX_SEG_ONE) {
            rdx_strbuf_putc(&text, c->kind == CV_SQLITE ? '?' : '_');
            continue;
        }
        rdx_strbuf bytes = RDX_STRBUF_INIT;
        if (cased) rdx_strbuf_append(&bytes, g->bytes, g->len);
        else cv_fold(c->cx, (const char *)g->bytes, g->len, &bytes);
        for (size_t k = 0; k < bytes.len; k++) {
            char ch = bytes.data[k];
            if (wild && c->kind == CV_SQLITE && (ch == '*' || ch == '?' || ch == '[')) {
                rdx_strbuf_putc(&text, '[');
                rdx_strbuf_putc(&text, ch);
                rdx_strbuf_putc(&text, ']');
            } else if (wild && c->kind != CV_SQLITE && (ch == '%' || ch == '_' || ch == '\\')) {
                rdx_strbuf_putc(&text, '\\');
                rdx_strbuf_putc(&text, ch);
            } else {
                rdx_strbuf_putc(&text, ch);
            }
        }
        rdx_strbuf_free(&bytes);
    }
    if (!fq_control_free(text.data ? text.data : "", text.len)) {
        rdx_strbuf_puts(why, "a value holds control characters (a query is text a person reads)");
        rdx_strbuf_free(&text);
        return 0;
    }
    rdx_strbuf_printf(out, "%s %s ", col, !wild ? "=" : c->kind == CV_SQLITE ? "GLOB" : "LIKE");
    if (!cv_sql_literal(c->kind, text.data ? text.data : "", text.len, out)) {
        rdx_strbuf_puts(why, "a value holds a NUL byte");
        ok = 0;
    }
    if (wild && (c->kind == CV_DUCKDB || c->kind == CV_POSTGRES)) rdx_strbuf_puts(out, " ESCAPE '\\'");
    rdx_strbuf_free(&text);
    return ok;
}

/* ---- regular expressions --------------------------------------------------------- */

/* PCRE constructs without an equivalent in RE2 (DuckDB, ClickHouse) and
 * in PostgreSQL's AREs; NULL when none is found. */
const char *cv_regex_unsupported(const char *re, size_t len) {
    static const struct {
        const char *s;
        const char *what;
    } bad[] = {
        {"(?=", "lookahead"},       {"(?!", "negative lookahead"},
        {"(?<=", "lookbehind"},     {"(?<!", "negative lookbehind"},
        {"(?>", "atomic group"},    {"(?|", "branch reset"},
        {"(?(", "conditional"},     {"(?R", "recursion"},
        {"*+", "possessive quantifier"}, {"++", "possessive quantifier"},
        {"?+", "possessive quantifier"}, {"}+", "possessive quantifier"},
        {"(?#", "comment group"},   {"(?<", "named group (?<name>)"},
        {"(?P=", "named backreference"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        size_t n = strlen(bad[i].s);
        for (size_t k = 0; k + n <= len; k++)
            if (!memcmp(re + k, bad[i].s, n) && (k == 0 || re[k - 1] != '\\')) return bad[i].what;
    }
    for (size_t k = 0; k + 1 < len; k++) {
        if (re[k] != '\\') continue;
        char n = re[k + 1];
        if (n >= '1' && n <= '9') return "backreference";
        if (strchr("ZGKRXhHgkN", n))
            return "an escape RE2 lacks (\\Z, \\G, \\K, \\R, \\X, \\h, \\g, \\k, \\N)";
        k++;   /* skip the escaped character */
    }
    return NULL;
}

static int regex_sql(sql_ctx *c, const rdx_predicate *p, const rdx_rvalue *v, rdx_strbuf *out,
                     rdx_strbuf *why) {
    if (!fq_control_free(v->text, v->text_len)) {
        rdx_strbuf_puts(why, "a value holds control characters (a query is text a person reads)");
        return 0;
    }
    const char *bad = cv_regex_unsupported(v->text, v->text_len);
    if (bad) {
        rdx_strbuf_printf(why, "regex: %s has no equivalent in the target's regular expressions", bad);
        return 0;
    }
    int i = (p->flags & RDX_PF_RE_I) != 0, m = (p->flags & RDX_PF_RE_M) != 0,
        s = (p->flags & RDX_PF_RE_S) != 0;
    rdx_strbuf re = RDX_STRBUF_INIT;
    if (c->kind == CV_POSTGRES) {
        /* ARE embedded options: p = PCRE's default (`.` stops at newlines,
         * ^ $ at the ends), n = |m, s = |s, w = both. */
        rdx_strbuf_printf(&re, "(?%s%s)", m ? (s ? "w" : "n") : (s ? "s" : "p"), i ? "i" : "");
    } else if (c->kind == CV_SQLITE) {
        /* The application's REGEXP (PCRE2 in sqlean's regexp; Python's re in
         * the tests) starts from PCRE's defaults: state only what is set. */
        if (i || m || s) rdx_strbuf_printf(&re, "(?%s%s%s)", i ? "i" : "", m ? "m" : "", s ? "s" : "");
    } else {
        /* RE2: every flag stated, since engines differ in their defaults
         * (DuckDB lets `.` match a newline unless told otherwise). */
        rdx_strbuf_printf(&re, "(?%s%s%s-%s%s%s)", i ? "i" : "", m ? "m" : "", s ? "s" : "",
                          i ? "" : "i", m ? "" : "m", s ? "" : "s");
    }
    rdx_strbuf_append(&re, v->text, v->text_len);
    const char *fmt_pre = c->kind == CV_SQLITE     ? "value REGEXP "
                          : c->kind == CV_DUCKDB   ? "regexp_matches(value, "
                          : c->kind == CV_POSTGRES ? "value ~ "
                                                   : "match(value, ";
    rdx_strbuf_puts(out, fmt_pre);
    int ok = cv_sql_literal(c->kind, re.data, re.len, out);
    if (c->kind == CV_DUCKDB || c->kind == CV_CLICKHOUSE) rdx_strbuf_putc(out, ')');
    rdx_strbuf_free(&re);
    if (!ok) rdx_strbuf_puts(why, "regex holds a NUL byte");
    return ok;
}

/* ---- addresses ------------------------------------------------------------------- */

static void hex16(const uint8_t *a, rdx_strbuf *out) {
    for (int i = 0; i < 16; i++) rdx_strbuf_printf(out, "%02x", a[i]);
}

static void cidr_sql(sql_ctx *c, const rdx_cidr *net, rdx_strbuf *out) {
    uint8_t lo[16] = {0}, hi[16];
    int prefix = net->prefix;
    if (net->family == 4) {
        lo[10] = lo[11] = 0xFF;
        memcpy(lo + 12, net->addr, 4);
        prefix += 96;
    } else {
        memcpy(lo, net->addr, 16);
    }
    memcpy(hi, lo, 16);
    for (int b = prefix; b < 128; b++) hi[b / 8] |= (uint8_t)(0x80 >> (b % 8));
    rdx_strbuf_puts(out, "ip BETWEEN '");
    hex16(lo, out);
    rdx_strbuf_puts(out, "' AND '");
    hex16(hi, out);
    rdx_strbuf_putc(out, '\'');
    if (c->kind == CV_POSTGRES) rdx_strbuf_puts(out, " COLLATE \"C\"");
}

/* ---- whole terms ------------------------------------------------------------------ *
 *
 * RDX_OP_TERM (rule.h): the value occurs with no ASCII letter or digit
 * right before or after it, except on a side where the value's own edge is
 * no letter or digit.  SQLite: four GLOBs (alone, at the start, at the
 * end, inside); the others: one regular expression over the folded text. */

static int alnum(unsigned char ch) {
    return (ch >= '0' && ch <= '9') || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z');
}

static int term_sql(sql_ctx *c, const rdx_predicate *p, const rdx_rvalue *v, rdx_strbuf *out,
                    rdx_strbuf *why) {
    int cased = (p->flags & RDX_PF_CASED) != 0;
    const char *col = cased ? "value" : "fold", *cls = cased ? "A-Za-z0-9" : "a-z0-9";
    rdx_strbuf_putc(out, '(');
    for (size_t i = 0; i < v->variants.count; i++) {
        const rdx_pattern *pat = &v->variants.items[i];
        if (pat->n_segs != 1 || pat->segs[0].kind != RDX_SEG_LIT) {
            rdx_strbuf_puts(why, "a whole-term match with wildcards is not converted");
            return 0;
        }
        rdx_strbuf t = RDX_STRBUF_INIT, q = RDX_STRBUF_INIT;
        if (cased) rdx_strbuf_append(&t, pat->segs[0].bytes, pat->segs[0].len);
        else cv_fold(c->cx, (const char *)pat->segs[0].bytes, pat->segs[0].len, &t);
        int left = t.len && alnum((unsigned char)t.data[0]);
        int right = t.len && alnum((unsigned char)t.data[t.len - 1]);
        if (i) rdx_strbuf_puts(out, " OR ");
        int ok = fq_control_free(t.data ? t.data : "", t.len);
        if (c->kind == CV_SQLITE) {
            for (size_t k = 0; k < t.len; k++) {
                char ch = t.data[k];
                if (ch == '*' || ch == '?' || ch == '[') rdx_strbuf_printf(&q, "[%c]", ch);
                else rdx_strbuf_putc(&q, ch);
            }
            /* where the term may stand: alone, first, last, inside */
            for (int form = 0; ok && form < 4; form++) {
                rdx_strbuf g = RDX_STRBUF_INIT;
                if (form & 2) rdx_strbuf_printf(&g, left ? "*[^%s]" : "*", cls);
                rdx_strbuf_append(&g, q.data ? q.data : "", q.len);
                if (form & 1) rdx_strbuf_printf(&g, right ? "[^%s]*" : "*", cls);
                rdx_strbuf_printf(out, "%s%s GLOB ", form ? " OR " : "(", col);
                ok = cv_sql_literal(c->kind, g.data, g.len, out);
                rdx_strbuf_free(&g);
            }
            rdx_strbuf_putc(out, ')');
        } else {
            rdx_strbuf_puts(&q, c->kind == CV_POSTGRES ? "(?p)" : "(?-ims)");
            if (left) rdx_strbuf_printf(&q, "(^|[^%s])", cls);
            for (size_t k = 0; k < t.len; k++) {
                char ch = t.data[k];
                if (strchr("\\.^$|?*+()[]{}", ch)) rdx_strbuf_putc(&q, '\\');
                rdx_strbuf_putc(&q, ch);
            }
            if (right) rdx_strbuf_printf(&q, "([^%s]|$)", cls);
            rdx_strbuf_puts(out, c->kind == CV_DUCKDB     ? "regexp_matches(fold, "
                                 : c->kind == CV_POSTGRES ? "fold ~ "
                                                          : "match(fold, ");
            if (cased) out->len -= c->kind == CV_POSTGRES ? 7 : 6,
                       rdx_strbuf_puts(out, c->kind == CV_POSTGRES ? "value ~ " : "value, ");
            ok = ok && cv_sql_literal(c->kind, q.data, q.len, out);
            if (c->kind != CV_POSTGRES) rdx_strbuf_putc(out, ')');
        }
        rdx_strbuf_free(&t);
        rdx_strbuf_free(&q);
        if (!ok) {
            rdx_strbuf_puts(why, "a value holds control characters (a query is text a person reads)");
            return 0;
        }
    }
    rdx_strbuf_putc(out, ')');
    return 1;
}

/* ---- one value against a row --------------------------------------------------- */

static int value_sql(sql_ctx *c, const rdx_predicate *p, const rdx_rvalue *v, rdx_strbuf *out,
                     rdx_strbuf *why) {
    if (v->kind == RDX_VK_NULL) {
        rdx_strbuf_puts(out, "value = ''");
        return 1;
    }
    switch (p->op) {
    case RDX_OP_REGEX: return regex_sql(c, p, v, out, why);
    case RDX_OP_CIDR: cidr_sql(c, &v->cidr, out); return 1;
    case RDX_OP_TERM: return term_sql(c, p, v, out, why);
    case RDX_OP_LT:
    case RDX_OP_LTE:
    case RDX_OP_GT:
    case RDX_OP_GTE:
        if (p->timepart) break;
        rdx_strbuf_printf(out, "num %s ", p->op == RDX_OP_LT    ? "<"
                                          : p->op == RDX_OP_LTE ? "<="
                                          : p->op == RDX_OP_GT  ? ">"
                                                                : ">=");
        number(out, v->number);
        return 1;
    default:
        if (p->timepart) break;
        if (v->variants.count == 0 && v->kind != RDX_VK_NUMBER) {
            rdx_strbuf_puts(out, "(1=0)");
            return 1;
        }
        rdx_strbuf_putc(out, '(');
        for (size_t i = 0; i < v->variants.count; i++) {
            if (i) rdx_strbuf_puts(out, " OR ");
            if (!pattern_sql(c, &v->variants.items[i], (p->flags & RDX_PF_CASED) != 0, out, why))
                return 0;
        }
        if (v->kind == RDX_VK_NUMBER) {   /* 4688 == "4688.0" == "0x1250" */
            rdx_strbuf_puts(out, v->variants.count ? " OR num = " : "num = ");
            number(out, v->number);
        }
        rdx_strbuf_putc(out, ')');
        return 1;
    }
    rdx_strbuf_puts(why, "time-part modifiers (|minute, |hour, ...) are not converted");
    return 0;
}

/* ---- predicates ------------------------------------------------------------------ */

static void rows_of(sql_ctx *c, const char *key, rdx_strbuf *out) {
    rdx_strbuf_puts(out, "rid IN (SELECT rid FROM fields WHERE ");
    if (key) {
        rdx_strbuf_puts(out, "field = ");
        lit(c, key, out);
        rdx_strbuf_puts(out, " AND shadowed = 0");
    } else {
        rdx_strbuf_puts(out, "leaf = 1");   /* keywords: every leaf once */
    }
}

/* The event has field name key (some value, of any kind). */
static void has_key(sql_ctx *c, const char *key, rdx_strbuf *out) {
    rows_of(c, key, out);
    rdx_strbuf_putc(out, ')');
}

/* Some row of key (NULL: any row — keywords) passes the value tests of p:
 * values OR-ed, or with |all one semi-join per value. */
static int values_on(sql_ctx *c, const rdx_predicate *p, const char *key, rdx_strbuf *out,
                     rdx_strbuf *why) {
    int all = (p->flags & RDX_PF_ALL) != 0;
    if (p->n_values == 0) {
        rdx_strbuf_puts(out, "(1=0)");
        return 1;
    }
    /* OR-ed values go in runs of CHUNK, so thousands of hashes stay
     * within the engines' expression-depth limits (SQLite: 1000). */
    enum { CHUNK = 64 };
    rdx_strbuf_putc(out, '(');
    for (size_t k = 0; k < p->n_values; k++) {
        if (all || k == 0) {
            if (k) rdx_strbuf_puts(out, " AND ");
            rows_of(c, key, out);
            rdx_strbuf_puts(out, " AND ((");
        } else {
            rdx_strbuf_puts(out, k % CHUNK ? " OR " : ") OR (");
        }
        if (!value_sql(c, p, &p->values[k], out, why)) return 0;
        if (all || k + 1 == p->n_values) rdx_strbuf_puts(out, ")))");
    }
    rdx_strbuf_putc(out, ')');
    return 1;
}

typedef enum { T_VALUES, T_EMPTY } resolved_test;

/* The test on the values of the first key the event has. */
static int resolved(sql_ctx *c, const rdx_predicate *p, resolved_test t, const rdx_strbuf *kb,
                    const size_t *offs, size_t n, rdx_strbuf *out, rdx_strbuf *why) {
    rdx_strbuf_putc(out, '(');
    for (size_t i = 0; i < n; i++) {
        if (i) rdx_strbuf_puts(out, " OR ");
        rdx_strbuf_putc(out, '(');
        for (size_t j = 0; j < i; j++) {
            rdx_strbuf_puts(out, "NOT ");
            has_key(c, kb->data + offs[j], out);
            rdx_strbuf_puts(out, " AND ");
        }
        if (t == T_EMPTY) {
            rows_of(c, kb->data + offs[i], out);
            rdx_strbuf_puts(out, " AND value = '')");
        } else if (!values_on(c, p, kb->data + offs[i], out, why)) {
            return 0;
        }
        rdx_strbuf_putc(out, ')');
    }
    rdx_strbuf_putc(out, ')');
    return 1;
}

static void has_any(sql_ctx *c, const rdx_strbuf *kb, const size_t *offs, size_t n,
                    rdx_strbuf *out) {
    rdx_strbuf_putc(out, '(');
    for (size_t i = 0; i < n; i++) {
        if (i) rdx_strbuf_puts(out, " OR ");
        has_key(c, kb->data + offs[i], out);
    }
    rdx_strbuf_putc(out, ')');
}

static int field_pred(sql_ctx *c, const rdx_predicate *p, rdx_strbuf *out, rdx_strbuf *why) {
    if (!c->raw && cv_translated_field(p->field, c->map, why)) return 0;
    rdx_strbuf kb = RDX_STRBUF_INIT;
    size_t offs[MAX_KEYS];
    size_t n = c->raw ? cv_field_keys(p->field, NULL, NULL, &kb, offs, MAX_KEYS)
                      : cv_field_keys(p->field, c->map, c->aliases, &kb, offs, MAX_KEYS);
    int ok = 1;
    switch (p->op) {
    case RDX_OP_EXISTS:
        if (!(p->n_values && p->values[0].boolean)) rdx_strbuf_puts(out, "NOT ");
        has_any(c, &kb, offs, n, out);
        break;
    case RDX_OP_NULL:
        rdx_strbuf_puts(out, "(NOT ");
        has_any(c, &kb, offs, n, out);
        rdx_strbuf_puts(out, " OR ");
        ok = resolved(c, p, T_EMPTY, &kb, offs, n, out, why);
        rdx_strbuf_putc(out, ')');
        break;
    default:
        if (p->flags & RDX_PF_FIELDREF) {
            rdx_strbuf_puts(why, "|fieldref (comparing two fields of the event) is not converted");
            ok = 0;
        } else {
            ok = resolved(c, p, T_VALUES, &kb, offs, n, out, why);
        }
    }
    rdx_strbuf_free(&kb);
    return ok;
}

static int pred_sql(void *ctx, const rdx_predicate *p, rdx_strbuf *out, rdx_strbuf *why) {
    sql_ctx *c = ctx;
    int neq = (p->flags & RDX_PF_NEQ) != 0;
    if (neq) rdx_strbuf_puts(out, "NOT (");
    int ok = p->field ? field_pred(c, p, out, why) : values_on(c, p, NULL, out, why);
    if (neq) rdx_strbuf_putc(out, ')');
    return ok;
}

/* ---- routing --------------------------------------------------------------------- */

static const char noid[] = "(channel IS NULL AND provider IS NULL AND event_id IS NULL)";

static void lower_lit(sql_ctx *c, const char *s, rdx_strbuf *out) {
    rdx_strbuf t = RDX_STRBUF_INIT;
    for (; *s; s++) rdx_strbuf_putc(&t, (char)((*s >= 'A' && *s <= 'Z') ? *s + 32 : *s));
    lit(c, t.data ? t.data : "", out);
    rdx_strbuf_free(&t);
}

/* origin_matches() of logsource.c. */
static void origin_sql(sql_ctx *c, const rdx_event_source *s, rdx_strbuf *out) {
    if (!s->channel && !s->provider) {
        rdx_strbuf_puts(out, "(1=1)");
        return;
    }
    rdx_strbuf_putc(out, '(');
    if (s->channel) {
        rdx_strbuf_puts(out, "(channel IS NULL OR channel = ");
        lower_lit(c, s->channel, out);
        rdx_strbuf_puts(out, ") AND ");
    }
    if (s->provider) {
        rdx_strbuf_puts(out, "(provider IS NULL OR provider = ");
        lower_lit(c, s->provider, out);
        rdx_strbuf_puts(out, ") AND ");
    }
    /* An event whose channel/provider the source has neither of is not
     * vouched for, unless it has neither itself: with both on the source
     * this always holds. */
    if (s->channel && s->provider) rdx_strbuf_puts(out, "(1=1))");
    else if (s->channel) rdx_strbuf_puts(out, "(channel IS NOT NULL OR provider IS NULL))");
    else rdx_strbuf_puts(out, "(provider IS NOT NULL OR channel IS NULL))");
}

/* match_in_entry() for one source: event ID, origin, `where`. */
static int source_sql(sql_ctx *c, const rdx_event_source *s, rdx_strbuf *out, rdx_strbuf *why) {
    rdx_strbuf_putc(out, '(');
    if (s->event_id >= 0)
        rdx_strbuf_printf(out, "(event_id IS NULL OR event_id = %lld) AND ", (long long)s->event_id);
    origin_sql(c, s, out);
    for (size_t i = 0; s->where && i < s->where->n_preds; i++) {
        sql_ctx raw = *c;
        raw.raw = 1;
        rdx_strbuf_puts(out, " AND ");
        if (!pred_sql(&raw, &s->where->preds[i], out, why)) return 0;
    }
    rdx_strbuf_putc(out, ')');
    return 1;
}

static int sources_branch(sql_ctx *c, const cv_route *rt, const cv_branch *b, rdx_strbuf *out,
                          rdx_strbuf *why) {
    rdx_strbuf_printf(out, "NOT %s AND (", noid);
    int first = 1;
    for (size_t i = 0; i < rt->n_all; i++) {
        if (rt->all_map[i] != b->map) continue;
        if (!first) rdx_strbuf_puts(out, " OR ");
        first = 0;
        rdx_strbuf_putc(out, '(');
        if (!source_sql(c, rt->all[i], out, why)) return 0;
        for (size_t t = 0; t < i; t++) {   /* an earlier source with another map wins */
            if (rt->all_map[t] == b->map) continue;
            rdx_strbuf_puts(out, " AND NOT ");
            if (!source_sql(c, rt->all[t], out, why)) return 0;
        }
        rdx_strbuf_putc(out, ')');
    }
    rdx_strbuf_putc(out, ')');
    if (rt->n_restrict) {
        rdx_strbuf_puts(out, " AND (");
        for (size_t i = 0; i < rt->n_restrict; i++) {
            if (i) rdx_strbuf_puts(out, " OR ");
            if (!source_sql(c, rt->restrict_src[i], out, why)) return 0;
        }
        rdx_strbuf_putc(out, ')');
    }
    return 1;
}

static int branch_sql(sql_ctx *c, const cv_route *rt, const cv_branch *b, rdx_strbuf *out,
                      rdx_strbuf *why) {
    switch (b->kind) {
    case CV_BR_ALL: rdx_strbuf_puts(out, "(1=1)"); return 1;
    case CV_BR_NOID: rdx_strbuf_puts(out, noid); return 1;
    case CV_BR_NONE: rdx_strbuf_puts(out, "(1=0)"); return 1;
    case CV_BR_PRODUCT:
        rdx_strbuf_printf(out, "NOT %s AND (", noid);
        for (size_t i = 0; i < rt->n_all; i++) {
            if (i) rdx_strbuf_puts(out, " OR ");
            origin_sql(c, rt->all[i], out);
        }
        if (!rt->n_all) rdx_strbuf_puts(out, "1=0");
        rdx_strbuf_putc(out, ')');
        return 1;
    case CV_BR_SOURCES: return sources_branch(c, rt, b, out, why);
    }
    return 0;
}

int cv_sql_rule(rdx_convert_ctx *cx, const rdx_rule *r, rdx_strbuf *out, rdx_strbuf *why) {
    cv_route rt;
    if (!cv_route_build(cx->ls, &r->logsource, &rt, why)) return 0;
    sql_ctx c = {cx, cx->target->sql->kind, NULL, NULL, 0};
    cv_emit em = {&c, pred_sql, " AND ", " OR ", "NOT ", "(1=1)", "(1=0)"};
    rdx_strbuf_puts(out, "SELECT rid, origin FROM events WHERE ");
    size_t emitted = 0;
    for (size_t i = 0; i < rt.n_branches; i++) {
        const cv_branch *b = &rt.branches[i];
        if (b->kind == CV_BR_NONE) continue;
        c.map = b->map;
        c.aliases = b->aliases;
        rdx_strbuf_puts(out, emitted++ ? "\n   OR (" : "(");
        if (!branch_sql(&c, &rt, b, out, why)) return 0;
        rdx_strbuf_puts(out, "\n       AND ");
        if (!cv_condition(&em, r, out, why)) return 0;
        rdx_strbuf_putc(out, ')');
    }
    if (!emitted) rdx_strbuf_puts(out, "(1=0)");
    return 1;
}

/* ---- the schema ------------------------------------------------------------------- */

int rdx_convert_schema(const rdx_convert_target *t, rdx_strbuf *out) {
    if (!t->sql) return 0;
    rdx_strbuf_puts(out, t->sql->schema);
    return 1;
}
