/*
 * sqlite.c — the SQLite target: the flattened-events schema in SQLite's
 * types.  The queries themselves are sql.c's; SQLite's own choices there:
 * GLOB for wildcards (case-sensitive, `?` one UTF-8 character) and the
 * REGEXP operator, which SQLite leaves to the application (sqlean's
 * regexp extension is PCRE2; the tests register Python's re).
 */
#include "convert/convert_internal.h"

const struct rdx_sql_dialect cv_dialect_sqlite = {
    CV_SQLITE,
    "CREATE TABLE events (\n"
    "    rid      INTEGER PRIMARY KEY,  -- the event's number in the load\n"
    "    origin   TEXT NOT NULL,        -- file#record, file:line (as hunt prints it)\n"
    "    channel  TEXT,                 -- ASCII lower case; NULL: none\n"
    "    provider TEXT,                 -- ASCII lower case; NULL: none\n"
    "    event_id INTEGER,              -- NULL: none\n"
    "    ticks    INTEGER               -- event time: 100 ns since 1970, UTC; NULL: none\n"
    ");\n"
    "CREATE TABLE fields (\n"
    "    rid      INTEGER NOT NULL,     -- events.rid\n"
    "    field    TEXT NOT NULL,        -- a name the leaf answers to, ASCII lower case\n"
    "    leaf     INTEGER NOT NULL,     -- 1: the leaf's own name (one row per leaf)\n"
    "    shadowed INTEGER NOT NULL,     -- 1: a bare name the payload also has\n"
    "    value    TEXT NOT NULL,        -- the value as text\n"
    "    fold     TEXT NOT NULL,        -- the value case-folded as ruledex folds\n"
    "    num      REAL,                 -- the value as a number; NULL: not one\n"
    "    ip       TEXT                  -- the value as an IPv6 address in 32 hex digits\n"
    ");\n"
    "CREATE INDEX fields_field ON fields (field, rid);\n",
    NULL,
};
