/*
 * escape.c — untrusted text made safe to show (escape.h).
 *
 * One walk over the text decides, character by character, whether it can
 * be shown as it is.  Printable ASCII and well-formed UTF-8 outside the
 * invisible and control ranges pass through in runs; everything else gets
 * its visible spelling.  The HTML, Markdown and CSV forms add their own
 * markup characters on top of the same walk, so a value looks the same in
 * the terminal, in a spreadsheet and on a page.
 */
#include "ruledex/escape.h"

#include <stdint.h>
#include <string.h>

#include "ruledex/pattern.h"   /* rdx_utf8_decode */

typedef enum mode { M_TEXT, M_HTML, M_MARKDOWN } mode;

/* Code points that must not reach a terminal or a page raw: C1 controls,
 * bidirectional overrides and isolates (they reorder what follows them on
 * screen), and line/paragraph separators. */
static int invisible(uint32_t cp) {
    return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x200e || cp == 0x200f ||
           (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 ||
           cp == 0x2029;
}

/* An ASCII control (or DEL) in its visible form; 0 when flags keep it. */
static int put_control(rdx_strbuf *b, unsigned char c, unsigned flags) {
    switch (c) {
    case '\n':
        if (flags & RDX_ESC_NEWLINES) return 0;
        rdx_strbuf_puts(b, "\\n");
        return 1;
    case '\t':
        if (flags & RDX_ESC_TABS) return 0;
        rdx_strbuf_puts(b, "\\t");
        return 1;
    case '\r': rdx_strbuf_puts(b, "\\r"); return 1;
    case 0: rdx_strbuf_puts(b, "\\0"); return 1;
    default: rdx_strbuf_printf(b, "\\x%02x", c); return 1;
    }
}

/* Markdown: characters with a meaning anywhere in a line.  '_' inside a
 * word (snake_case) opens no emphasis and stays as it is. */
static int md_word(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static int md_inline(const unsigned char *s, size_t i, size_t n) {
    unsigned char c = s[i];
    if (c == '_') return !(i > 0 && md_word(s[i - 1]) && i + 1 < n && md_word(s[i + 1]));
    return c && strchr("\\`*[]<>&|~$@", c) != NULL;
}

/* Markdown: at the start of a line (after up to three blanks), these open
 * a heading, a list, a quote or a setext underline. */
static int md_line_start(unsigned char c) {
    return c && strchr("#+-=>", c) != NULL;
}

static void escape(rdx_strbuf *b, const char *str, size_t n, unsigned flags, mode m) {
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, run = 0;       /* s[run, i) passes through unchanged */
    int line_start = 1;          /* Markdown: only blanks since the line began */
    size_t digits = 0;           /* Markdown: digits at the line start */
    if (!s) return;
    rdx_strbuf_reserve(b, n);
    while (i < n) {
        unsigned char c = s[i];
        const char *rep = NULL;
        if (c >= 0x20 && c < 0x7f) {
            if (m == M_HTML) {
                rep = c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;"
                    : c == '"' ? "&quot;" : c == '\'' ? "&#39;" : NULL;
            } else if (m == M_MARKDOWN) {
                int esc = md_inline(s, i, n) || (line_start && md_line_start(c)) ||
                          (digits && (c == '.' || c == ')'));
                if (esc) {
                    rdx_strbuf_append(b, s + run, i - run);
                    rdx_strbuf_putc(b, '\\');
                    run = i;
                }
                if (c >= '0' && c <= '9' && (line_start || digits)) digits++;
                else digits = 0;
                if (c != ' ') line_start = 0;
            }
            if (rep) {
                rdx_strbuf_append(b, s + run, i - run);
                rdx_strbuf_puts(b, rep);
                run = ++i;
            } else {
                i++;
            }
            continue;
        }
        if (c < 0x80) {              /* C0 control or DEL */
            rdx_strbuf_append(b, s + run, i - run);
            if (!put_control(b, c, flags)) rdx_strbuf_putc(b, (char)c);
            if (c == '\n') line_start = 1;
            digits = 0;
            run = ++i;
            continue;
        }
        uint32_t cp;
        size_t len = rdx_utf8_decode(s + i, n - i, &cp);
        if (cp >= RDX_UTF8_RAW || (cp >= 0xd800 && cp <= 0xdfff)) {
            rdx_strbuf_append(b, s + run, i - run);
            rdx_strbuf_printf(b, "\\x%02x", c);
            run = ++i;
        } else if (invisible(cp)) {
            rdx_strbuf_append(b, s + run, i - run);
            rdx_strbuf_printf(b, "\\u%04x", (unsigned)cp);
            run = i += len;
        } else {
            i += len;
        }
        line_start = 0;
        digits = 0;
    }
    rdx_strbuf_append(b, s + run, i - run);
}

void rdx_esc_text(rdx_strbuf *b, const char *s, size_t n, unsigned flags) {
    escape(b, s, n, flags, M_TEXT);
}

void rdx_esc_texts(rdx_strbuf *b, const char *s, unsigned flags) {
    if (s) escape(b, s, strlen(s), flags, M_TEXT);
}

int rdx_esc_needed(const char *str, size_t n, unsigned flags) {
    const unsigned char *s = (const unsigned char *)str;
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        if (c >= 0x20 && c < 0x7f) {
            i++;
            continue;
        }
        if (c < 0x80) {
            if (!((c == '\n' && (flags & RDX_ESC_NEWLINES)) || (c == '\t' && (flags & RDX_ESC_TABS))))
                return 1;
            i++;
            continue;
        }
        uint32_t cp;
        i += rdx_utf8_decode(s + i, n - i, &cp);
        if (cp >= RDX_UTF8_RAW || (cp >= 0xd800 && cp <= 0xdfff) || invisible(cp)) return 1;
    }
    return 0;
}

void rdx_esc_markdown(rdx_strbuf *b, const char *s, size_t n, unsigned flags) {
    escape(b, s, n, flags & RDX_ESC_NEWLINES, M_MARKDOWN);
}

void rdx_esc_html(rdx_strbuf *b, const char *s, size_t n) {
    escape(b, s, n, RDX_ESC_NEWLINES | RDX_ESC_TABS, M_HTML);
}

void rdx_esc_csv_cell(rdx_strbuf *b, const char *s, size_t n) {
    rdx_strbuf t = RDX_STRBUF_INIT;
    if (!s) n = 0;
    /* OWASP: a cell a spreadsheet would evaluate starts with one of these. */
    int formula = n && s[0] && strchr("=+-@\t\r", s[0]) != NULL;
    if (formula) rdx_strbuf_putc(&t, '\'');
    escape(&t, s, n, 0, M_TEXT);
    int quote = formula || (t.len && t.data[0] == '\'');
    for (size_t i = 0; i < t.len && !quote; i++)
        quote = t.data[i] == ',' || t.data[i] == '"' || t.data[i] == '\r' || t.data[i] == '\n';
    if (quote) rdx_strbuf_putc(b, '"');
    for (size_t i = 0; i < t.len; i++) {
        if (quote && t.data[i] == '"') rdx_strbuf_putc(b, '"');
        rdx_strbuf_putc(b, t.data[i]);
    }
    if (quote) rdx_strbuf_putc(b, '"');
    rdx_strbuf_free(&t);
}

size_t rdx_longest_run(const char *s, size_t n, char c) {
    size_t best = 0, cur = 0;
    for (size_t i = 0; s && i < n; i++) {
        cur = s[i] == c ? cur + 1 : 0;
        if (cur > best) best = cur;
    }
    return best;
}

int rdx_is_web_url(const char *s) {
    if (!s) return 0;
    size_t skip = !strncmp(s, "https://", 8) ? 8 : !strncmp(s, "http://", 7) ? 7 : 0;
    if (!skip || !s[skip]) return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= 0x20 || *p == 0x7f || *p == '<' || *p == '>' || *p == '"' || *p == '\'' ||
            *p == '`' || *p == '\\')
            return 0;
    return 1;
}
