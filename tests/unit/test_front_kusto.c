/* test_front_kusto.c — the KQL reader (src/front/kusto): golden queries
 * whose stages were worked out by hand from the query text, for the forms
 * the reader learnt from the languages round trip (docs/ORACLE.md, "KQL:
 * the repaired backend").  Older KQL goldens are in test_native_readers.c. */
#include "harness.h"
#include "front_helpers.h"

#include <stddef.h>

typedef struct golden {
    const char *query, *stages, *cond;
    int runnable;
} golden;

static const golden GOLDEN[] = {
    /* 1. a name holding `-` or `.` is quoted as an entity name, ['name']
     *    or ["name"] (Kusto requires quoting such identifiers), and is
     *    the column of that name; a path after it still reads */
    {"T | where ['cs-host'] =~ \"x\" and [\"properties.message\"] contains \"y\" and ['a-b'].c == \"z\"",
     "where_2{cs-host equals x & properties.message contains *y* & a-b.c equals/c z}",
     "where_2", 1},
    /* 2. ... also where a column is an argument */
    {"T | where isnotempty(['c-ip']) and ipv4_is_in_range(['c-ip'], \"10.0.0.0/8\")",
     "where_2{c-ip exists true & c-ip cidr 10.0.0.0/8}", "where_2", 1},
    /* 3. `*` is every column (the where operator's `where * has "Kusto"`):
     *    contains is the value in any column, Sigma's keyword; has a term
     *    of any column */
    {"T | where * contains \"mimikatz\" or * has \"sekurlsa\" or * contains_cs \"LSASS\"",
     "where_2{* keyword *mimikatz* | * term sekurlsa | * keyword/c *LSASS*}", "where_2", 1},
    /* 4. `* matches regex`: a regex over every value (the search
     *    operator's translation of `search "a*b"`) */
    {"T | where * matches regex \"(?is)Trojan.*FOUND\"",
     "where_2{* regex (?is)Trojan.*FOUND}", "where_2", 1},
    /* 5. what the reader does not represent over `*` stays opaque: a
     *    negation (any column, or none?), other operators, no string */
    {"T | where * !contains \"x\"", "where_2{opaque}", "where_2", 0},
    {"T | where * startswith \"x\"", "where_2{opaque}", "where_2", 0},
    {"T | where * contains Col", "where_2{opaque}", "where_2", 0},
    /* 6. an unclosed bracket is no column */
    {"T | where ['a' == \"x\"", "where_2{opaque}", "where_2", 0},
};

TEST(kql_entity_names_and_every_column) {
    for (size_t k = 0; k < sizeof GOLDEN / sizeof *GOLDEN; k++)
        front_check_golden("q.kql", GOLDEN[k].query, GOLDEN[k].stages, GOLDEN[k].cond,
                           GOLDEN[k].runnable, k);
}
