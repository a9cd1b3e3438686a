"""`datong parity`: the DuckDB and the Spark warehouse hold the same data, model by model.

Every model materialised in the compared schemas (`staging`, `intermediate`, `marts` and `pii`
by default) is profiled in both engines by one aggregate query: its row count and, per column,
the non-null count and

- numbers: sum, min and max;
- strings: count distinct, min and max (both engines order strings by their UTF-8 bytes);
- booleans: the number of true values;
- dates and timestamps: min, max and count distinct, rendered as wall-clock text in the Spark
  session time zone (DuckDB's TimeZone is set to it for the comparison).

Integers and decimals must be equal exactly. A floating-point figure (any figure with a
`float`/`double` on either side) must agree to a relative 1e-9 (absolute 1e-9 near zero): the
order in which partitions are summed, and the last bit of `sin`/`cos` between the JVM and C++,
differ between engines, nothing else may. A model or column present on one side only, or a
column of another kind (number, string, boolean, date, timestamp) on each side, is a
difference too.

Models are taken from dbt's manifest (`--manifest`, default `target/manifest.json`) when it
exists, so that a table left behind by a renamed model does not count; otherwise every table
and view in the compared schemas is profiled. A column whose value is the time of the build
itself (an incremental history's `changed_at`) differs between two builds on any engine: its
model's YAML marks it with `meta: {parity: ignore}` (under the column's `config:`), and it is
left out. The Spark side is read through a session built
by spark_session.py, the one dbt uses: the Derby metastore admits one process, so no dbt may
run on Spark meanwhile.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datong.loader import DEFAULT_DUCKDB_PATH, resolve_duckdb_path

if TYPE_CHECKING:  # pragma: no cover - imports for type hints only
    import duckdb
    from pyspark.sql import SparkSession

DEFAULT_SCHEMAS = ("staging", "intermediate", "marts", "pii")
DEFAULT_TIME_ZONE = "Asia/Shanghai"
RELATIVE_TOLERANCE = 1e-9
ABSOLUTE_TOLERANCE = 1e-9

# Kinds of column; a column must be of the same kind in both engines.
NUMBER, STRING, BOOLEAN, DATE, TIMESTAMP, OTHER = (
    "number", "string", "boolean", "date", "timestamp", "other"
)
# The aggregates taken per kind, besides the non-null count taken for every column.
MEASURES = {
    NUMBER: ("sum", "min", "max"),
    STRING: ("distinct", "min", "max"),
    BOOLEAN: ("true",),
    DATE: ("min", "max", "distinct"),
    TIMESTAMP: ("min", "max", "distinct"),
    OTHER: (),
}


@dataclass
class ColumnProfile:
    kind: str
    type_name: str
    # Floating point: compared with a tolerance rather than exactly.
    approximate: bool = False
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class ModelProfile:
    rows: int
    columns: dict[str, ColumnProfile]


Profiles = dict[str, ModelProfile]


# --------------------------------------------------------------------------------------------
# Which relations
# --------------------------------------------------------------------------------------------


def _column_meta(column: dict[str, Any]) -> dict[str, Any]:
    return (column.get("config") or {}).get("meta") or column.get("meta") or {}


def manifest_models(manifest: Path, schemas: tuple[str, ...]) -> dict[str, set[str]] | None:
    """The materialised models of the manifest in `schemas`, if it exists.

    Maps `schema.name` to the columns marked `meta: {parity: ignore}`.
    """
    if not manifest.is_file():
        return None
    nodes = json.loads(manifest.read_text(encoding="utf-8")).get("nodes", {})
    models = {}
    for node in nodes.values():
        config = node.get("config") or {}
        if node.get("resource_type") != "model" or not config.get("enabled", True):
            continue
        if config.get("materialized") == "ephemeral":
            continue
        schema = str(node.get("schema", "")).lower()
        if schema in schemas:
            models[f"{schema}.{str(node.get('alias') or node['name']).lower()}"] = {
                name.lower()
                for name, column in (node.get("columns") or {}).items()
                if _column_meta(column).get("parity") == "ignore"
            }
    return models


# --------------------------------------------------------------------------------------------
# Aggregate queries: one per relation, the same measures in each engine's dialect
# --------------------------------------------------------------------------------------------


def _measure_sql(
    engine: str, kind: str, type_name: str, column: str, measure: str
) -> str:
    if measure == "sum":
        if engine == "spark" and type_name in ("tinyint", "smallint", "int", "bigint"):
            # ANSI mode: a bigint sum may overflow; a decimal(38, 0) one does not.
            return f"sum(cast({column} as decimal(38, 0)))"
        return f"sum({column})"
    if measure == "true":
        return f"count(case when {column} then 1 end)"
    if measure == "distinct":
        return f"count(distinct {column})"
    aggregate = f"{measure}({column})"
    if kind == TIMESTAMP:
        if engine == "spark":
            return f"date_format({aggregate}, 'yyyy-MM-dd HH:mm:ss.SSSSSS')"
        return f"strftime({aggregate}, '%Y-%m-%d %H:%M:%S.%f')"
    if kind == DATE:
        return f"cast({aggregate} as {'string' if engine == 'spark' else 'varchar'})"
    return aggregate


def profile_query(
    engine: str, relation: str, columns: dict[str, ColumnProfile], quote
) -> tuple[str, list[tuple[str, str]]]:
    """The aggregate query of one relation and the (column, measure) of each output."""
    selected, slots = ["count(*)"], []
    for name, column in columns.items():
        quoted = quote(name)
        selected.append(f"count({quoted})")
        slots.append((name, "non_null"))
        for measure in MEASURES[column.kind]:
            selected.append(_measure_sql(engine, column.kind, column.type_name, quoted, measure))
            slots.append((name, measure))
    return f"select {', '.join(selected)} from {relation}", slots


def _fill(columns: dict[str, ColumnProfile], slots, row) -> ModelProfile:
    for (name, measure), value in zip(slots, row[1:], strict=True):
        columns[name].values[measure] = value
    return ModelProfile(rows=int(row[0]), columns=columns)


# --------------------------------------------------------------------------------------------
# DuckDB
# --------------------------------------------------------------------------------------------


def duckdb_kind(type_name: str) -> tuple[str, bool]:
    """(kind, approximate) of a DuckDB `information_schema` data type."""
    name = type_name.upper()
    if name in ("FLOAT", "DOUBLE", "REAL"):
        return NUMBER, True
    if name.startswith("DECIMAL") or name.endswith("INT") or name in ("INTEGER", "HUGEINT"):
        return NUMBER, False
    if name == "VARCHAR" or name.startswith("VARCHAR("):
        return STRING, False
    if name == "BOOLEAN":
        return BOOLEAN, False
    if name == "DATE":
        return DATE, False
    if name.startswith("TIMESTAMP"):
        return TIMESTAMP, False
    return OTHER, False


DUCKDB_OUTPUT = "dev"
PSEUDONYM_PLUGIN = "datong.duckdb_plugin"


def duckdb_plugin_config(path: Path | None = None) -> dict[str, Any]:
    """The config of the pseudonym plugin on the profile's DuckDB output (empty if none)."""
    import yaml

    from datong.spark_session import PROFILE_NAME, profiles_path

    path = path or profiles_path()
    try:
        profiles = yaml.safe_load(path.read_text(encoding="utf-8"))
        output = profiles[PROFILE_NAME]["outputs"][DUCKDB_OUTPUT]
    except (OSError, KeyError, TypeError):
        return {}
    for plugin in output.get("plugins") or []:
        if plugin.get("module") == PSEUDONYM_PLUGIN:
            return dict(plugin.get("config") or {})
    return {}


def duckdb_connect(database: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection carrying the pseudonym key material, as dbt's connections do.

    The staging base views compute pseudonyms when they are read, from session variables that
    the dbt-duckdb plugin (duckdb_plugin.py) sets on every cursor: the same plugin sets them
    here, or the views would read as null.
    """
    import duckdb

    from datong.duckdb_plugin import Plugin

    connection = duckdb.connect(str(database), read_only=True)
    plugin = Plugin.__new__(Plugin)
    plugin.initialize(duckdb_plugin_config())
    plugin.configure_cursor(connection)
    return connection


def _duckdb_quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def profile_duckdb(
    connection: duckdb.DuckDBPyConnection,
    schemas: tuple[str, ...],
    only: dict[str, set[str]] | None = None,
    time_zone: str = DEFAULT_TIME_ZONE,
) -> Profiles:
    """Profiles of the relations in `schemas` (of `only`'s models, without their columns)."""
    connection.execute(f"set TimeZone = '{time_zone}'")
    placeholders = ", ".join("?" for _ in schemas)
    rows = connection.execute(
        "select lower(table_schema), lower(table_name), column_name, data_type "
        "from information_schema.columns "
        f"where table_catalog = current_database() and lower(table_schema) in ({placeholders}) "
        "order by table_schema, table_name, ordinal_position",
        list(schemas),
    ).fetchall()
    relations: dict[str, dict[str, ColumnProfile]] = {}
    for schema, table, column, data_type in rows:
        name = f"{schema}.{table}"
        if only is not None and (name not in only or column.lower() in only[name]):
            continue
        kind, approximate = duckdb_kind(data_type)
        relations.setdefault(name, {})[column.lower()] = ColumnProfile(
            kind, data_type.lower(), approximate
        )
    profiles = {}
    for name, columns in sorted(relations.items()):
        schema, table = name.split(".", 1)
        relation = f"{_duckdb_quote(schema)}.{_duckdb_quote(table)}"
        sql, slots = profile_query("duckdb", relation, columns, _duckdb_quote)
        profiles[name] = _fill(columns, slots, connection.execute(sql).fetchone())
    return profiles


# --------------------------------------------------------------------------------------------
# Spark
# --------------------------------------------------------------------------------------------


def spark_kind(data_type) -> tuple[str, bool]:
    """(kind, approximate) of a pyspark DataType."""
    from pyspark.sql import types

    if isinstance(data_type, types.FractionalType) and not isinstance(
        data_type, types.DecimalType
    ):
        return NUMBER, True
    if isinstance(data_type, types.IntegralType | types.DecimalType):
        return NUMBER, False
    if isinstance(data_type, types.StringType | types.VarcharType | types.CharType):
        return STRING, False
    if isinstance(data_type, types.BooleanType):
        return BOOLEAN, False
    if isinstance(data_type, types.DateType):
        return DATE, False
    if isinstance(data_type, types.TimestampType | types.TimestampNTZType):
        return TIMESTAMP, False
    return OTHER, False


def _spark_quote(identifier: str) -> str:
    return "`" + identifier.replace("`", "``") + "`"


def profile_spark(
    spark: SparkSession,
    schemas: tuple[str, ...],
    only: dict[str, set[str]] | None = None,
    threads: int = 2,
) -> Profiles:
    """Profiles of the relations in `schemas` (of `only`'s models, without their columns).

    The aggregate queries run `threads` at a time: a small model's query is one task, so
    a single query at a time leaves cores idle.
    """
    from concurrent.futures import ThreadPoolExecutor

    present = {row[0].lower() for row in spark.sql("show databases").collect()}
    queries = []
    for schema in schemas:
        if schema not in present:
            continue
        tables = spark.sql(f"show tables in {_spark_quote(schema)}").collect()
        for row in sorted(tables, key=lambda row: row["tableName"]):
            if row["isTemporary"]:
                continue
            name = f"{schema}.{row['tableName'].lower()}"
            if only is not None and name not in only:
                continue
            relation = f"{_spark_quote(schema)}.{_spark_quote(row['tableName'])}"
            columns = {}
            for struct_field in spark.table(relation).schema.fields:
                if only is not None and struct_field.name.lower() in only[name]:
                    continue
                kind, approximate = spark_kind(struct_field.dataType)
                columns[struct_field.name.lower()] = ColumnProfile(
                    kind, struct_field.dataType.simpleString(), approximate
                )
            sql, slots = profile_query("spark", relation, columns, _spark_quote)
            queries.append((name, columns, sql, slots))

    def profile(query) -> tuple[str, ModelProfile]:
        name, columns, sql, slots = query
        return name, _fill(columns, slots, spark.sql(sql).collect()[0])

    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        return dict(pool.map(profile, queries))


# --------------------------------------------------------------------------------------------
# Comparison
# --------------------------------------------------------------------------------------------


def _same(left: Any, right: Any, approximate: bool) -> bool:
    if left is None or right is None:
        return left is None and right is None
    if approximate and isinstance(left, int | float | Decimal):
        left, right = float(left), float(right)
        if math.isnan(left) or math.isnan(right):
            return math.isnan(left) and math.isnan(right)
        return math.isclose(
            left, right, rel_tol=RELATIVE_TOLERANCE, abs_tol=ABSOLUTE_TOLERANCE
        )
    return left == right


def compare(
    left: Profiles, right: Profiles, left_name: str = "duckdb", right_name: str = "spark"
) -> list[str]:
    """Every difference between two sets of profiles, one line each; empty when equal."""
    differences = []
    for model in sorted(set(left) | set(right)):
        if model not in right:
            differences.append(f"{model}: only in {left_name}")
            continue
        if model not in left:
            differences.append(f"{model}: only in {right_name}")
            continue
        one, other = left[model], right[model]
        if one.rows != other.rows:
            differences.append(
                f"{model}: rows {left_name}={one.rows} {right_name}={other.rows}"
            )
        for column in sorted(set(one.columns) | set(other.columns)):
            if column not in other.columns:
                differences.append(f"{model}.{column}: column only in {left_name}")
                continue
            if column not in one.columns:
                differences.append(f"{model}.{column}: column only in {right_name}")
                continue
            mine, theirs = one.columns[column], other.columns[column]
            if mine.kind != theirs.kind:
                differences.append(
                    f"{model}.{column}: type {left_name}={mine.type_name} "
                    f"{right_name}={theirs.type_name}"
                )
                continue
            approximate = mine.approximate or theirs.approximate
            for measure, value in mine.values.items():
                if not _same(value, theirs.values.get(measure), approximate):
                    differences.append(
                        f"{model}.{column}: {measure} {left_name}={value!r} "
                        f"{right_name}={theirs.values.get(measure)!r}"
                    )
    return differences


# --------------------------------------------------------------------------------------------
# Command
# --------------------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--duckdb-path",
        help=f"DuckDB warehouse (default: $DATONG_DUCKDB_PATH or {DEFAULT_DUCKDB_PATH}); the "
        "Spark warehouse is the `spark` output of profiles/profiles.yml",
    )
    parser.add_argument(
        "--schemas",
        default=",".join(DEFAULT_SCHEMAS),
        help="comma-separated schemas to compare (default: %(default)s)",
    )
    parser.add_argument(
        "--spark-threads",
        type=int,
        default=2,
        help="Spark queries run at a time (default: %(default)s)",
    )
    parser.add_argument(
        "--manifest",
        type=Path,
        default=Path(os.environ.get("DBT_TARGET_PATH", "target")) / "manifest.json",
        help="dbt manifest naming the models to compare (default: %(default)s); without it "
        "every relation of the schemas",
    )


def run(args: argparse.Namespace) -> int:
    from datong.spark_session import ProfileError, spark_session, spark_settings

    schemas = tuple(name.strip().lower() for name in args.schemas.split(",") if name.strip())
    database = resolve_duckdb_path(args.duckdb_path)
    if not database.is_file():
        print(f"error: DuckDB warehouse {database} does not exist", file=sys.stderr)
        return 1
    only = manifest_models(args.manifest, schemas)
    try:
        settings = spark_settings()
    except ProfileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    time_zone = settings.get("spark.sql.session.timeZone", DEFAULT_TIME_ZONE)

    started = time.perf_counter()
    try:
        connection = duckdb_connect(database)
    except Exception as exc:  # a locked file, no pseudonym key for a production output, ...
        print(f"error: cannot open DuckDB warehouse {database}: {exc}", file=sys.stderr)
        return 1
    try:
        duckdb_profiles = profile_duckdb(connection, schemas, only, time_zone)
    finally:
        connection.close()
    duckdb_seconds = time.perf_counter() - started

    started = time.perf_counter()
    try:
        # No console progress bars between the result lines.
        spark = spark_session(settings | {"spark.ui.showConsoleProgress": "false"})
    except Exception as exc:  # Java missing, metastore locked by another process, ...
        print(f"error: cannot start Spark: {exc}", file=sys.stderr)
        return 1
    try:
        spark_profiles = profile_spark(spark, schemas, only, args.spark_threads)
    finally:
        spark.stop()
    spark_seconds = time.perf_counter() - started

    differences = compare(duckdb_profiles, spark_profiles)
    if only is not None:
        differences += [
            f"{model}: in the manifest, built in neither engine"
            for model in sorted(set(only) - set(duckdb_profiles) - set(spark_profiles))
        ]
    for line in differences:
        print(line)
    columns = sum(len(profile.columns) for profile in duckdb_profiles.values())
    print(
        f"compared {len(duckdb_profiles)} DuckDB and {len(spark_profiles)} Spark models "
        f"({columns} columns) in {', '.join(schemas)}: "
        f"{len(differences)} difference(s); DuckDB {duckdb_seconds:.1f} s, "
        f"Spark {spark_seconds:.1f} s"
    )
    return 1 if differences else 0
