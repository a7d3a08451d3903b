/*
 * typed.c — values that are compared as something other than text: CIDR
 * networks, numbers, and parts of timestamps.
 *
 * All three parse event text, so all three are strict: anything that is
 * not exactly an address, a number or a timestamp simply does not match,
 * rather than matching on some prefix that happened to parse.
 *
 *   cidr    An address and a prefix length, host bits cleared.  An event
 *           address matches if its first `prefix` bits equal the network's.
 *           IPv4 and IPv6 meet through IPv4-mapped addresses: the event
 *           text ::ffff:10.1.2.3 lies in 10.0.0.0/8, and 10.1.2.3 lies in
 *           ::ffff:0:0/96.
 *   number  Decimal (with fraction and exponent) or 0x hex, as rule values
 *           and event fields write them.
 *   time    ISO 8601 / RFC 3339 timestamps.  The spec's time modifiers say
 *           explicitly that they do no timezone conversion, so the parts
 *           are read off the text as written; "week" is the ISO 8601 week.
 */
#include "ruledex/pattern.h"

#include <arpa/inet.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- CIDR --------------------------------------------------------------- */

/* Longest textual IPv6 address with an IPv4 tail is 45 characters; leave
 * room for a zone name. */
#define ADDR_TEXT_MAX 80

/* Parse an address into 4 or 16 bytes; returns 4, 6 or 0. */
static int parse_addr(const char *s, size_t len, uint8_t out[16]) {
    char buf[ADDR_TEXT_MAX];
    if (len == 0 || len >= sizeof buf) return 0;
    memcpy(buf, s, len);
    buf[len] = 0;
    if (memchr(buf, ':', len)) return inet_pton(AF_INET6, buf, out) == 1 ? 6 : 0;
    return inet_pton(AF_INET, buf, out) == 1 ? 4 : 0;
}

static int parse_prefix(const char *s, size_t len, int max, int *out) {
    if (len == 0 || len > 3) return 0;
    int v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        v = v * 10 + (s[i] - '0');
    }
    if (v > max) return 0;
    *out = v;
    return 1;
}

/* Zero every bit of addr after the first prefix bits. */
static void clear_host_bits(uint8_t *addr, int nbytes, int prefix) {
    for (int i = 0; i < nbytes; i++) {
        int keep = prefix - 8 * i;   /* bits of this byte that belong to the network */
        if (keep >= 8) continue;
        addr[i] &= keep <= 0 ? 0 : (uint8_t)(0xFF << (8 - keep));
    }
}

int rdx_cidr_parse(const char *text, size_t len, rdx_cidr *out, const char **err) {
    const char *slash = memchr(text, '/', len);
    size_t alen = slash ? (size_t)(slash - text) : len;
    memset(out, 0, sizeof *out);
    out->family = parse_addr(text, alen, out->addr);
    if (!out->family) {
        *err = "cidr: not an IPv4 or IPv6 address";
        return 0;
    }
    int max = out->family == 4 ? 32 : 128;
    out->prefix = max;
    if (slash && !parse_prefix(slash + 1, len - alen - 1, max, &out->prefix)) {
        *err = out->family == 4 ? "cidr: invalid prefix length (IPv4 allows /0 to /32)"
                                : "cidr: invalid prefix length (IPv6 allows /0 to /128)";
        return 0;
    }
    clear_host_bits(out->addr, out->family == 4 ? 4 : 16, out->prefix);
    return 1;
}

static int prefix_equal(const uint8_t *a, const uint8_t *b, int prefix) {
    int whole = prefix / 8, rest = prefix % 8;
    if (memcmp(a, b, (size_t)whole) != 0) return 0;
    if (rest == 0) return 1;
    uint8_t mask = (uint8_t)(0xFF << (8 - rest));
    return (a[whole] & mask) == (b[whole] & mask);
}

static const uint8_t v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};

/* Event text as an address: "[...]" brackets and an IPv6 "%zone" are
 * tolerated because that is how some logs write link-local addresses. */
static int event_addr(const char *s, size_t len, uint8_t out[16]) {
    if (len >= 2 && s[0] == '[' && s[len - 1] == ']') s++, len -= 2;
    const char *zone = memchr(s, '%', len);
    if (zone) {
        if (!memchr(s, ':', (size_t)(zone - s)) || zone + 1 == s + len) return 0;
        len = (size_t)(zone - s);
    }
    return parse_addr(s, len, out);
}

int rdx_cidr_match(const rdx_cidr *c, const char *s, size_t len) {
    uint8_t a[16];
    int fam = event_addr(s, len, a);
    if (fam == c->family) return prefix_equal(a, c->addr, c->prefix);
    if (fam == 6 && memcmp(a, v4_mapped, 12) == 0)   /* ::ffff:a.b.c.d in a v4 net */
        return prefix_equal(a + 12, c->addr, c->prefix);
    if (fam == 4) {                                    /* a.b.c.d in a v6 net */
        uint8_t m[16];
        memcpy(m, v4_mapped, 12);
        memcpy(m + 12, a, 4);
        return prefix_equal(m, c->addr, c->prefix);
    }
    return 0;
}

/* ---- numbers ------------------------------------------------------------ */

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int hex_value(char c) {
    if (is_digit(c)) return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static size_t skip_digits(const char *s, size_t len, size_t i) {
    while (i < len && is_digit(s[i])) i++;
    return i;
}

/* Is s[i..len) exactly  digits [. digits] [e [+-] digits]  with at least
 * one mantissa digit?  Checked by hand because strtod would also accept
 * "inf", "nan", hex floats and leading blanks. */
static int is_decimal(const char *s, size_t len, size_t i) {
    size_t j = skip_digits(s, len, i);
    size_t mant = j - i;
    if (j < len && s[j] == '.') {
        size_t k = skip_digits(s, len, j + 1);
        mant += k - j - 1;
        j = k;
    }
    if (mant == 0) return 0;
    if (j < len && (s[j] == 'e' || s[j] == 'E')) {
        j++;
        if (j < len && (s[j] == '+' || s[j] == '-')) j++;
        size_t k = skip_digits(s, len, j);
        if (k == j) return 0;
        j = k;
    }
    return j == len;
}

static int parse_hex(const char *s, size_t len, double *out) {
    if (len == 0) return 0;
    double v = 0;
    for (size_t i = 0; i < len; i++) {
        int d = hex_value(s[i]);
        if (d < 0) return 0;
        v = v * 16 + d;
    }
    *out = v;
    return 1;
}

int rdx_parse_number(const char *s, size_t len, double *out) {
    size_t i = 0;
    int neg = 0;
    if (len && (s[0] == '-' || s[0] == '+')) neg = s[0] == '-', i = 1;
    double v;
    if (len - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
        if (!parse_hex(s + i + 2, len - i - 2, &v)) return 0;
    } else if (!is_decimal(s, len, i)) {
        return 0;
    } else if (skip_digits(s, len, i) == len && len - i <= 15) {
        /* Plain integers are the common case, and exact in a double. */
        v = 0;
        for (; i < len; i++) v = v * 10 + (s[i] - '0');
    } else {
        char buf[128];
        if (len - i >= sizeof buf) return 0;
        memcpy(buf, s + i, len - i);
        buf[len - i] = 0;
        v = strtod(buf, NULL);   /* grammar already checked; C locale assumed */
    }
    if (!isfinite(v)) return 0;
    *out = neg ? -v : v;
    return 1;
}

/* ---- timestamps --------------------------------------------------------- */

typedef struct civil {
    int year, month, day, hour, minute;
} civil;

/* n decimal digits at s[i..i+n) as an int, or -1. */
static int digits(const char *s, size_t len, size_t i, size_t n) {
    if (i + n > len) return -1;
    int v = 0;
    for (size_t k = i; k < i + n; k++) {
        if (!is_digit(s[k])) return -1;
        v = v * 10 + (s[k] - '0');
    }
    return v;
}

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int y, int m) {
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

/* "Z", "+hh:mm", "+hhmm" or "+hh" (either sign), ending the string. */
static int parse_zone(const char *s, size_t len, size_t i) {
    if (i == len) return 1;
    if (s[i] == 'Z' || s[i] == 'z') return i + 1 == len;
    if (s[i] != '+' && s[i] != '-') return 0;
    int hh = digits(s, len, i + 1, 2);
    if (hh < 0 || hh > 23) return 0;
    i += 3;
    if (i == len) return 1;
    if (s[i] == ':') i++;
    int mm = digits(s, len, i, 2);
    return mm >= 0 && mm <= 59 && i + 2 == len;
}

/* hh:mm[:ss[(.|,)fraction]][zone] starting at s[i]. */
static int parse_clock(const char *s, size_t len, size_t i, civil *t) {
    t->hour = digits(s, len, i, 2);
    t->minute = digits(s, len, i + 3, 2);
    if (t->hour < 0 || t->hour > 23 || i + 2 >= len || s[i + 2] != ':' || t->minute < 0 ||
        t->minute > 59)
        return 0;
    i += 5;
    if (i < len && s[i] == ':') {
        int sec = digits(s, len, i + 1, 2);
        if (sec < 0 || sec > 60) return 0;   /* 60: a leap second */
        i += 3;
        if (i < len && (s[i] == '.' || s[i] == ',')) {
            size_t j = skip_digits(s, len, i + 1);
            if (j == i + 1) return 0;
            i = j;
        }
    }
    return parse_zone(s, len, i);
}

/* YYYY-MM-DD, optionally followed by T (or t, or a space) and a clock. */
static int parse_timestamp(const char *s, size_t len, civil *t) {
    t->year = digits(s, len, 0, 4);
    t->month = digits(s, len, 5, 2);
    t->day = digits(s, len, 8, 2);
    if (t->year < 0 || t->month < 1 || t->month > 12 || s[4] != '-' || s[7] != '-' ||
        t->day < 1 || t->day > days_in_month(t->year, t->month))
        return 0;
    t->hour = t->minute = 0;   /* a date alone is its midnight, as in Python */
    if (len == 10) return 1;
    if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return 0;
    return parse_clock(s, len, 11, t);
}

/* Days since 1970-01-01 (Howard Hinnant's days_from_civil). */
static long days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* ISO weekday, Monday = 1 .. Sunday = 7. */
static int iso_weekday(int y, int m, int d) {
    long w = (days_from_civil(y, m, d) + 3) % 7;   /* 1970-01-01 was a Thursday */
    if (w < 0) w += 7;
    return (int)w + 1;
}

/* A year has 53 ISO weeks when it starts on a Thursday, or is a leap year
 * starting on a Wednesday. */
static int iso_weeks_in_year(int y) {
    int jan1 = iso_weekday(y, 1, 1);
    return jan1 == 4 || (jan1 == 3 && is_leap(y)) ? 53 : 52;
}

/* Week 1 is the week with the year's first Thursday; days before it
 * belong to the last week of the previous year, and the last days of
 * December can belong to week 1 of the next. */
static int iso_week(int y, int m, int d) {
    int doy = (int)(days_from_civil(y, m, d) - days_from_civil(y, 1, 1)) + 1;
    int week = (doy - iso_weekday(y, m, d) + 10) / 7;
    if (week < 1) return iso_weeks_in_year(y - 1);
    if (week > iso_weeks_in_year(y)) return 1;
    return week;
}

int rdx_time_part(const char *s, size_t len, rdx_timepart part, int *out) {
    civil t;
    if (len < 10 || !parse_timestamp(s, len, &t)) return 0;
    switch (part) {
    case RDX_TIME_MINUTE: *out = t.minute; return 1;
    case RDX_TIME_HOUR: *out = t.hour; return 1;
    case RDX_TIME_DAY: *out = t.day; return 1;
    case RDX_TIME_WEEK: *out = iso_week(t.year, t.month, t.day); return 1;
    case RDX_TIME_MONTH: *out = t.month; return 1;
    case RDX_TIME_YEAR: *out = t.year; return 1;
    case RDX_TIME_NONE: break;
    }
    return 0;
}
