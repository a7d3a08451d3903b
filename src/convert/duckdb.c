/*
 * duckdb.c — the DuckDB target: the flattened-events schema in DuckDB's
 * types.  Queries are sql.c's, with LIKE ... ESCAPE '\' for wildcards and
 * regexp_matches (RE2) with every flag written inline.  No index: a load
 * ends by ordering the fields table by name, which DuckDB's zone maps use.
 */
#include "convert/convert_internal.h"

const struct rdx_sql_dialect cv_dialect_duckdb = {
    CV_DUCKDB,
    "CREATE TABLE events (\n"
    "    rid      BIGINT PRIMARY KEY,\n"
    "    origin   VARCHAR NOT NULL,\n"
    "    channel  VARCHAR,\n"
    "    provider VARCHAR,\n"
    "    event_id BIGINT,\n"
    "    ticks    BIGINT\n"
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
    /* Rows ordered by name: zone maps then skip every row group but the few
     * holding the name an IN subquery asks for (unordered: seconds a query). */
    "CREATE TABLE fields_by_name AS SELECT * FROM fields ORDER BY field, rid;\n"
    "DROP TABLE fields;\n"
    "ALTER TABLE fields_by_name RENAME TO fields;\n",
};
