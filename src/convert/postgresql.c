/*
 * postgresql.c — the PostgreSQL target: the flattened-events schema in
 * PostgreSQL's types.  Queries are sql.c's: LIKE ... ESCAPE '\', `~` with
 * ARE embedded options for regexes, and address ranges compared in the
 * "C" collation.  Not checked against a running server in the tests (none
 * is packaged for them); docs/CONVERT.md says so.
 */
#include "convert/convert_internal.h"

const struct rdx_sql_dialect cv_dialect_postgres = {
    CV_POSTGRES,
    "CREATE TABLE events (\n"
    "    rid      BIGINT PRIMARY KEY,\n"
    "    origin   TEXT NOT NULL,\n"
    "    channel  TEXT,\n"
    "    provider TEXT,\n"
    "    event_id BIGINT,\n"
    "    ticks    BIGINT\n"
    ");\n"
    "CREATE TABLE fields (\n"
    "    rid      BIGINT NOT NULL,\n"
    "    field    TEXT NOT NULL,\n"
    "    leaf     INTEGER NOT NULL,\n"
    "    shadowed INTEGER NOT NULL,\n"
    "    value    TEXT NOT NULL,\n"
    "    fold     TEXT NOT NULL,\n"
    "    num      DOUBLE PRECISION,\n"
    "    ip       TEXT COLLATE \"C\"\n"
    ");\n"
    "CREATE INDEX fields_field ON fields (field, rid);\n",
    NULL,
};
