/*
 * clickhouse.c — the ClickHouse target: the flattened-events schema as
 * MergeTree tables ordered by the columns the queries filter on.  Queries
 * are sql.c's: LIKE (backslash escapes) and match() (RE2) with every flag
 * inline; string literals escape backslashes, as ClickHouse reads them.
 */
#include "convert/convert_internal.h"

const struct rdx_sql_dialect cv_dialect_clickhouse = {
    CV_CLICKHOUSE,
    "CREATE TABLE events (\n"
    "    rid      UInt64,\n"
    "    origin   String,\n"
    "    channel  Nullable(String),\n"
    "    provider Nullable(String),\n"
    "    event_id Nullable(Int64),\n"
    "    ticks    Nullable(Int64)\n"
    ") ENGINE = MergeTree ORDER BY rid;\n"
    "CREATE TABLE fields (\n"
    "    rid      UInt64,\n"
    "    field    String,\n"
    "    leaf     UInt8,\n"
    "    shadowed UInt8,\n"
    "    value    String,\n"
    "    fold     String,\n"
    "    num      Nullable(Float64),\n"
    "    ip       Nullable(String)\n"
    ") ENGINE = MergeTree ORDER BY (field, rid);\n",
    NULL,
};
