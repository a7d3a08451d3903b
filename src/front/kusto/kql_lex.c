/*
 * kql_lex.c — KQL tokens, for the KQL reader (kusto.c).  Hand-written: the
 * only complete KQL parser is Microsoft's, in C#/JavaScript.
 *
 * Strings: "…" and '…' with backslash escapes, @"…" and @'…' verbatim (a
 * doubled quote is one), h"…" obfuscated strings read as plain ones.
 * `//` comments are skipped.  `!has`, `!in~`, `!contains_cs`: a '!' glued
 * to a word makes one operator token.  Positions are 1-based line/column
 * in the file.
 */
#include "kql_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static int ident_start(char c) { return isalpha((unsigned char)c) || c == '_' || c == '$'; }
static int ident_char(char c) { return isalnum((unsigned char)c) || c == '_' || c == '$' || c == '-'; }

typedef struct lexer {
    const char *s;
    size_t n, i;
    uint32_t line, col;
} lexer;

static void adv(lexer *l) {
    if (l->s[l->i] == '\n') l->line++, l->col = 1;
    else l->col++;
    l->i++;
}

static void push(kql_toks *t, kql_tok k) {
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 256;
        t->v = realloc(t->v, t->cap * sizeof *t->v);
        if (!t->v) abort();
    }
    t->v[t->n++] = k;
}

/* A string literal at l->i; its value into the arena. */
static int string_lit(lexer *l, rdx_arena *a, kql_tok *k) {
    int verbatim = 0;
    if (l->s[l->i] == '@' || l->s[l->i] == 'h' || l->s[l->i] == 'H') {
        verbatim = l->s[l->i] == '@';
        adv(l);
        if (l->i < l->n && l->s[l->i] == '@') verbatim = 1, adv(l);   /* h@"…" */
    }
    char q = l->s[l->i];
    adv(l);
    char *buf = rdx_arena_alloc(a, l->n - l->i + 1);
    size_t m = 0;
    for (;;) {
        if (l->i >= l->n || (!verbatim && l->s[l->i] == '\n')) return 0;
        char c = l->s[l->i];
        if (c == q) {
            adv(l);
            if (verbatim && l->i < l->n && l->s[l->i] == q) {
                buf[m++] = q;
                adv(l);
                continue;
            }
            break;
        }
        if (!verbatim && c == '\\' && l->i + 1 < l->n) {
            adv(l);
            char e = l->s[l->i];
            buf[m++] = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
            adv(l);
            continue;
        }
        buf[m++] = c;
        adv(l);
    }
    buf[m] = 0;
    k->kind = KT_STRING;
    k->text = buf;
    k->len = m;
    return 1;
}

/* The length of a Unicode space character in UTF-8 at s[i], else 0.  Kusto
 * skips them as it skips ASCII blanks (Microsoft's parser reads a query
 * with U+200B, U+00A0, U+FEFF or U+2003 between tokens without a
 * diagnostic), and copied queries carry them: zero-width spaces pasted at
 * the start of a line made whole corpus files unreadable. */
static size_t unicode_space(const char *s, size_t n, size_t i) {
    const unsigned char *u = (const unsigned char *)s + i;
    size_t left = n - i;
    if (left >= 2 && u[0] == 0xC2 && u[1] == 0xA0) return 2;                      /* U+00A0 */
    if (left < 3) return 0;
    if (u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) return 3;                   /* U+FEFF */
    if (u[0] == 0xE1 && u[1] == 0x9A && u[2] == 0x80) return 3;                   /* U+1680 */
    if (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80) return 3;                   /* U+3000 */
    if (u[0] != 0xE2) return 0;
    if (u[1] == 0x80 && (u[2] <= 0x8B || u[2] == 0xA8 || u[2] == 0xA9 || u[2] == 0xAF))
        return 3;                                  /* U+2000..U+200B, U+2028/9, U+202F */
    if (u[1] == 0x81 && u[2] == 0x9F) return 3;                                   /* U+205F */
    return 0;
}

int kql_lex(rdx_arena *a, const char *s, size_t n, uint32_t line, uint32_t col, kql_toks *out,
            const char **err) {
    lexer l = {s, n, 0, line, col};
    while (l.i < n) {
        char c = s[l.i];
        size_t us;
        if (isspace((unsigned char)c)) {
            adv(&l);
            continue;
        }
        if ((unsigned char)c >= 0xC2 && (us = unicode_space(s, n, l.i)) > 0) {
            l.i += us;   /* one column, as the character it is */
            l.col++;
            continue;
        }
        if (c == '/' && l.i + 1 < n && s[l.i + 1] == '/') {
            while (l.i < n && s[l.i] != '\n') adv(&l);
            continue;
        }
        kql_tok k = {.line = l.line, .col = l.col, .off = l.i};
        if (c == '"' || c == '\'' ||
            ((c == '@' || c == 'h' || c == 'H') && l.i + 1 < n &&
             (s[l.i + 1] == '"' || s[l.i + 1] == '\'' || (c != '@' && s[l.i + 1] == '@')))) {
            if (!string_lit(&l, a, &k)) {
                *err = "unterminated string";
                return 0;
            }
        } else if (ident_start(c) || (c == '!' && l.i + 1 < n && isalpha((unsigned char)s[l.i + 1]))) {
            size_t b = l.i;
            adv(&l);
            while (l.i < n && ident_char(s[l.i])) adv(&l);
            if (l.i < n && s[l.i] == '~') adv(&l);   /* in~, !in~ */
            k.kind = KT_IDENT;
            k.text = rdx_arena_strndup(a, s + b, l.i - b);
            k.len = l.i - b;
        } else if (isdigit((unsigned char)c) || (c == '.' && l.i + 1 < n && isdigit((unsigned char)s[l.i + 1]))) {
            size_t b = l.i;
            while (l.i < n && (isalnum((unsigned char)s[l.i]) || s[l.i] == '.')) adv(&l);
            k.kind = KT_NUMBER;
            k.text = rdx_arena_strndup(a, s + b, l.i - b);
            k.len = l.i - b;
        } else {
            static const char *const two[] = {"==", "!=", "=~", "!~", "<=", ">=", "<>", ".."};
            k.kind = KT_PUNCT;
            size_t len = 1;
            for (size_t j = 0; j < sizeof two / sizeof *two; j++)
                if (l.i + 1 < n && s[l.i] == two[j][0] && s[l.i + 1] == two[j][1]) len = 2;
            k.text = rdx_arena_strndup(a, s + l.i, len);
            k.len = len;
            for (size_t j = 0; j < len; j++) adv(&l);
        }
        push(out, k);
    }
    push(out, (kql_tok){.kind = KT_END, .text = "", .line = l.line, .col = l.col, .off = n});
    return 1;
}
