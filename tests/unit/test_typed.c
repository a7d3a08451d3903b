/* test_typed.c — CIDR networks, numbers and timestamp parts. */
#include "harness.h"
#include "ruledex/pattern.h"

static int cidr(const char *net, const char *ip) {
    rdx_cidr c;
    const char *err = NULL;
    if (!rdx_cidr_parse(net, strlen(net), &c, &err)) return -1;
    return rdx_cidr_match(&c, ip, strlen(ip));
}

static const char *cidr_err(const char *net) {
    rdx_cidr c;
    const char *err = NULL;
    return rdx_cidr_parse(net, strlen(net), &c, &err) ? "(ok)" : err;
}

TEST(cidr_parse_v4) {
    rdx_cidr c;
    const char *err = NULL;
    CHECK(rdx_cidr_parse("10.1.2.3/8", 10, &c, &err));
    CHECK_INT(c.family, 4);
    CHECK_INT(c.prefix, 8);
    CHECK(c.addr[0] == 10 && c.addr[1] == 0 && c.addr[2] == 0 && c.addr[3] == 0);
    CHECK(rdx_cidr_parse("192.168.1.77", 12, &c, &err));
    CHECK_INT(c.prefix, 32);
    CHECK(c.addr[3] == 77);
    CHECK(rdx_cidr_parse("172.31.255.255/12", 17, &c, &err));
    CHECK(c.addr[1] == 16 && c.addr[2] == 0);
    CHECK_STR(cidr_err("10.0.0.0/33"), "cidr: invalid prefix length (IPv4 allows /0 to /32)");
    CHECK_STR(cidr_err("10.0.0.0/"), "cidr: invalid prefix length (IPv4 allows /0 to /32)");
    CHECK_STR(cidr_err("10.0.0.0/-1"), "cidr: invalid prefix length (IPv4 allows /0 to /32)");
    CHECK_STR(cidr_err("10.0.0.0/8x"), "cidr: invalid prefix length (IPv4 allows /0 to /32)");
    CHECK_STR(cidr_err("10.0.0/8"), "cidr: not an IPv4 or IPv6 address");
    CHECK_STR(cidr_err("10.0.0.256/8"), "cidr: not an IPv4 or IPv6 address");
    CHECK_STR(cidr_err(""), "cidr: not an IPv4 or IPv6 address");
    CHECK_STR(cidr_err("example.com/8"), "cidr: not an IPv4 or IPv6 address");
}

TEST(cidr_parse_v6) {
    rdx_cidr c;
    const char *err = NULL;
    CHECK(rdx_cidr_parse("fe80::1/10", 10, &c, &err));
    CHECK_INT(c.family, 6);
    CHECK_INT(c.prefix, 10);
    CHECK(c.addr[0] == 0xFE && c.addr[1] == 0x80 && c.addr[15] == 0);
    CHECK(rdx_cidr_parse("2001:db8::/32", 13, &c, &err));
    CHECK(rdx_cidr_parse("::1", 3, &c, &err));
    CHECK_INT(c.prefix, 128);
    CHECK_STR(cidr_err("::/129"), "cidr: invalid prefix length (IPv6 allows /0 to /128)");
    CHECK_STR(cidr_err("::/128"), "(ok)");
    CHECK_STR(cidr_err("fe80::1%eth0/64"), "cidr: not an IPv4 or IPv6 address");
    CHECK_STR(cidr_err("1:2:3:4:5:6:7:8:9/64"), "cidr: not an IPv4 or IPv6 address");
}

TEST(cidr_match_v4) {
    CHECK_INT(cidr("10.0.0.0/8", "10.255.1.2"), 1);
    CHECK_INT(cidr("10.0.0.0/8", "11.0.0.1"), 0);
    CHECK_INT(cidr("10.0.0.0/8", "9.255.255.255"), 0);
    CHECK_INT(cidr("192.168.0.0/16", "192.168.255.255"), 1);
    CHECK_INT(cidr("192.168.0.0/16", "192.169.0.0"), 0);
    CHECK_INT(cidr("172.16.0.0/12", "172.31.0.1"), 1);
    CHECK_INT(cidr("172.16.0.0/12", "172.32.0.1"), 0);
    /* edge prefixes */
    CHECK_INT(cidr("0.0.0.0/0", "255.255.255.255"), 1);
    CHECK_INT(cidr("0.0.0.0/0", "1.2.3.4"), 1);
    CHECK_INT(cidr("1.2.3.4/32", "1.2.3.4"), 1);
    CHECK_INT(cidr("1.2.3.4/32", "1.2.3.5"), 0);
    CHECK_INT(cidr("1.2.3.4", "1.2.3.4"), 1);
    CHECK_INT(cidr("128.0.0.0/1", "127.255.255.255"), 0);
    CHECK_INT(cidr("128.0.0.0/1", "128.0.0.0"), 1);
    CHECK_INT(cidr("10.1.2.3/31", "10.1.2.2"), 1);   /* host bits cleared */
    /* not addresses */
    CHECK_INT(cidr("10.0.0.0/8", ""), 0);
    CHECK_INT(cidr("10.0.0.0/8", "10.0.0.1 "), 0);
    CHECK_INT(cidr("10.0.0.0/8", "10.0.0.1:443"), 0);
    CHECK_INT(cidr("10.0.0.0/8", "10.0.0"), 0);
    CHECK_INT(cidr("10.0.0.0/8", "-"), 0);
    CHECK_INT(cidr("10.0.0.0/8", "10.0.0.1/8"), 0);
}

TEST(cidr_match_v6) {
    CHECK_INT(cidr("fe80::/10", "fe80::1"), 1);
    CHECK_INT(cidr("fe80::/10", "febf:ffff::1"), 1);
    CHECK_INT(cidr("fe80::/10", "fec0::1"), 0);
    CHECK_INT(cidr("::/0", "2001:db8::1"), 1);
    CHECK_INT(cidr("::1/128", "::1"), 1);
    CHECK_INT(cidr("::1/128", "0:0:0:0:0:0:0:1"), 1);
    CHECK_INT(cidr("::1/128", "::2"), 0);
    CHECK_INT(cidr("::1", "::1"), 1);
    CHECK_INT(cidr("2001:db8::/32", "2001:DB8:1::1"), 1);
    CHECK_INT(cidr("2001:db8::/32", "2001:db9::1"), 0);
    /* brackets and zones */
    CHECK_INT(cidr("::1/128", "[::1]"), 1);
    CHECK_INT(cidr("fe80::/10", "fe80::1%eth0"), 1);
    CHECK_INT(cidr("fe80::/10", "[fe80::1%12]"), 1);
    CHECK_INT(cidr("fe80::/10", "fe80::1%"), 0);
    CHECK_INT(cidr("10.0.0.0/8", "10.0.0.1%eth0"), 0);   /* zones are IPv6 only */
    CHECK_INT(cidr("::1/128", "[::1"), 0);
    /* v4 and v6 meet through IPv4-mapped addresses */
    CHECK_INT(cidr("10.0.0.0/8", "::ffff:10.1.2.3"), 1);
    CHECK_INT(cidr("10.0.0.0/8", "::ffff:a01:203"), 1);
    CHECK_INT(cidr("10.0.0.0/8", "::ffff:11.1.2.3"), 0);
    CHECK_INT(cidr("10.0.0.0/8", "::10.1.2.3"), 0);       /* not mapped */
    CHECK_INT(cidr("::ffff:0:0/96", "192.0.2.1"), 1);
    CHECK_INT(cidr("2001:db8::/32", "192.0.2.1"), 0);
    CHECK_INT(cidr("::/0", "192.0.2.1"), 1);
}

static int num(const char *s, double *v) { return rdx_parse_number(s, strlen(s), v); }

TEST(parse_number_accepts) {
    double v = 0;
    CHECK(num("0", &v) && v == 0);
    CHECK(num("42", &v) && v == 42);
    CHECK(num("-42", &v) && v == -42);
    CHECK(num("+7", &v) && v == 7);
    CHECK(num("3.25", &v) && v == 3.25);
    CHECK(num("-0.5", &v) && v == -0.5);
    CHECK(num(".5", &v) && v == 0.5);
    CHECK(num("5.", &v) && v == 5);
    CHECK(num("1e3", &v) && v == 1000);
    CHECK(num("1.5E-2", &v) && v == 0.015);
    CHECK(num("2e+2", &v) && v == 200);
    CHECK(num("0x1F", &v) && v == 31);
    CHECK(num("0XfF", &v) && v == 255);
    CHECK(num("-0x10", &v) && v == -16);
    CHECK(num("0xFFFFFFFF", &v) && v == 4294967295.0);
    CHECK(num("4624", &v) && v == 4624);
    CHECK(num("007", &v) && v == 7);
    CHECK(num("9007199254740993", &v) && v == 9007199254740992.0);   /* rounds */
    CHECK(num("123456789012345", &v) && v == 123456789012345.0);
}

TEST(parse_number_rejects) {
    double v = 123;
    CHECK(!num("", &v));
    CHECK(!num("-", &v));
    CHECK(!num(".", &v));
    CHECK(!num(" 1", &v));
    CHECK(!num("1 ", &v));
    CHECK(!num("1,5", &v));
    CHECK(!num("1e", &v));
    CHECK(!num("e5", &v));
    CHECK(!num("0x", &v));
    CHECK(!num("0xG", &v));
    CHECK(!num("0x1p3", &v));
    CHECK(!num("inf", &v));
    CHECK(!num("nan", &v));
    CHECK(!num("1e999", &v));
    CHECK(!num("--1", &v));
    CHECK(!num("12abc", &v));
    CHECK(!num("1.2.3", &v));
    CHECK(v == 123);   /* untouched on failure */
    CHECK(!rdx_parse_number("12", 3, &v));   /* "12\0": the NUL is not a digit */
}

static int part(const char *s, rdx_timepart p) {
    int v = -1;
    return rdx_time_part(s, strlen(s), p, &v) ? v : -1;
}

TEST(time_parts_rfc3339) {
    const char *t = "2024-03-05T14:07:09.123Z";
    CHECK_INT(part(t, RDX_TIME_YEAR), 2024);
    CHECK_INT(part(t, RDX_TIME_MONTH), 3);
    CHECK_INT(part(t, RDX_TIME_DAY), 5);
    CHECK_INT(part(t, RDX_TIME_HOUR), 14);
    CHECK_INT(part(t, RDX_TIME_MINUTE), 7);
    CHECK_INT(part(t, RDX_TIME_WEEK), 10);
    CHECK_INT(part(t, RDX_TIME_NONE), -1);
    /* No timezone conversion: the parts are read as written. */
    CHECK_INT(part("2024-03-05T23:59:00+02:00", RDX_TIME_HOUR), 23);
    CHECK_INT(part("2024-03-05T23:59:00-0500", RDX_TIME_DAY), 5);
    CHECK_INT(part("2024-03-05T01:00:00+01", RDX_TIME_HOUR), 1);
    CHECK_INT(part("2024-03-05 14:07:09", RDX_TIME_MINUTE), 7);
    CHECK_INT(part("2024-03-05t14:07:09z", RDX_TIME_HOUR), 14);
    CHECK_INT(part("2024-03-05T14:07", RDX_TIME_MINUTE), 7);
    CHECK_INT(part("2019-03-19T23:34:20.4750830Z", RDX_TIME_MINUTE), 34);   /* EVTX */
    CHECK_INT(part("2016-12-31T23:59:60Z", RDX_TIME_MINUTE), 59);          /* leap second */
    CHECK_INT(part("2024-03-05T14:07:09,5", RDX_TIME_HOUR), 14);
    CHECK_INT(part("2024-03-05", RDX_TIME_DAY), 5);
    CHECK_INT(part("2024-03-05", RDX_TIME_HOUR), 0);
}

TEST(time_parts_reject) {
    CHECK_INT(part("", RDX_TIME_YEAR), -1);
    CHECK_INT(part("2024-3-5", RDX_TIME_YEAR), -1);
    CHECK_INT(part("2024-13-01", RDX_TIME_YEAR), -1);
    CHECK_INT(part("2024-02-30", RDX_TIME_DAY), -1);
    CHECK_INT(part("2023-02-29", RDX_TIME_DAY), -1);
    CHECK_INT(part("2024-02-29", RDX_TIME_DAY), 29);
    CHECK_INT(part("1900-02-29", RDX_TIME_DAY), -1);
    CHECK_INT(part("2000-02-29", RDX_TIME_DAY), 29);
    CHECK_INT(part("2024-03-05T24:00:00", RDX_TIME_HOUR), -1);
    CHECK_INT(part("2024-03-05T12:60:00", RDX_TIME_HOUR), -1);
    CHECK_INT(part("2024-03-05T12:00:61", RDX_TIME_HOUR), -1);
    CHECK_INT(part("2024-03-05T12", RDX_TIME_HOUR), -1);
    CHECK_INT(part("2024-03-05T12:00:00.", RDX_TIME_HOUR), -1);
    CHECK_INT(part("2024-03-05T12:00:00Q", RDX_TIME_HOUR), -1);
    CHECK_INT(part("2024-03-05T12:00:00+25:00", RDX_TIME_HOUR), -1);
    CHECK_INT(part("2024-03-05T12:00:00Z ", RDX_TIME_HOUR), -1);
    CHECK_INT(part("2024-03-05X12:00:00", RDX_TIME_HOUR), -1);
    CHECK_INT(part(" 2024-03-05", RDX_TIME_YEAR), -1);
    CHECK_INT(part("03/05/2024", RDX_TIME_YEAR), -1);
    CHECK_INT(part("1709647629", RDX_TIME_YEAR), -1);
}

/* ISO 8601 weeks around year boundaries (checked with Python's
 * date.isocalendar()). */
TEST(time_part_iso_week) {
    CHECK_INT(part("2021-01-03", RDX_TIME_WEEK), 53);   /* Sunday: 2020's week 53 */
    CHECK_INT(part("2021-01-04", RDX_TIME_WEEK), 1);
    CHECK_INT(part("2020-12-31", RDX_TIME_WEEK), 53);
    CHECK_INT(part("2019-12-30", RDX_TIME_WEEK), 1);    /* Monday: 2020's week 1 */
    CHECK_INT(part("2019-12-29", RDX_TIME_WEEK), 52);
    CHECK_INT(part("2022-01-01", RDX_TIME_WEEK), 52);   /* Saturday */
    CHECK_INT(part("2023-01-01", RDX_TIME_WEEK), 52);   /* Sunday */
    CHECK_INT(part("2023-01-02", RDX_TIME_WEEK), 1);
    CHECK_INT(part("2024-12-30", RDX_TIME_WEEK), 1);    /* 2025's week 1 */
    CHECK_INT(part("2026-01-01", RDX_TIME_WEEK), 1);    /* Thursday */
    CHECK_INT(part("2015-12-31T23:00:00Z", RDX_TIME_WEEK), 53);
    CHECK_INT(part("2016-01-03", RDX_TIME_WEEK), 53);
    CHECK_INT(part("2000-06-15", RDX_TIME_WEEK), 24);
    CHECK_INT(part("1970-01-01", RDX_TIME_WEEK), 1);
    CHECK_INT(part("0001-01-01", RDX_TIME_WEEK), 1);
}
