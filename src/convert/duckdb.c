/*
 * duckdb.c — the DuckDB target: the flattened-events schema in DuckDB's
 * types.  Queries are sql.c's, with LIKE ... ESCAPE '\' for wildcards and
 * regexp_matches (RE2) with every flag written inline.  No index: DuckDB
 * answers the IN subqueries with hash joins.
 */
#include "convert/convert_internal.h"

const struct rdx_sql_dialect cv_dialect_duckdb = {
    CV_DUCKDB,
    "CREATE TABLE events (\n"
    "    rid      BIGINT PRIMARY KEY,\n"
    "    origin   VARCHAR NOT NULL,\n"
    "    channel  VARCHAR,\n"
    "    provider VARCHAR,\n"
    "    event_id BIGINT\n"
    ");\n"
    "CREATE TABLE fields (\n"
    "    rid      BIGINT NOT NULL,\n"
    "    field    VARCHAR NOT NULL,\n"
    "    leaf     INTEGER NOT NULL,\n"
    "    shadowed INTEGER NOT NULL,\n"
    "    value    VARCHAR NOT NULL,\n"
    "    fold     VARCHAR NOT NULL,\n"
    "    num      DOUBLE,\n"
    "    ip       VARCHAR\n"
    ");\n",
};
