"""SQL over a corpus run's Parquet tables with DuckDB, read-only.

Each table (works, chapters, characters, quotes, mentions, interactions, signals) is a view
over ``OUT/<table>/*.parquet``; a table with no parts yet is an empty view with the right
columns, so queries never fail for lack of rows. Only queries run: a statement that is not a
SELECT (or WITH ... SELECT, EXPLAIN, DESCRIBE, SHOW) is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from ficlens.corpus.store import MANIFEST_DIR
from ficlens.corpus.tables import SCHEMAS, TABLES
from ficlens.errors import FiclensError

_READ_ONLY_STATEMENTS = {"SELECT", "EXPLAIN"}


class QueryError(FiclensError):
    pass


def connect(out: str | Path) -> duckdb.DuckDBPyConnection:
    out = Path(out)
    if not (out / MANIFEST_DIR).is_dir():
        raise QueryError(f"{out}: not a ficlens corpus folder (no {MANIFEST_DIR}/; run `ficlens corpus run` first)")
    con = duckdb.connect(":memory:")
    for table in TABLES:
        parts = sorted((out / table).glob("part-*.parquet"))
        if parts:
            files = ", ".join("'" + str(p).replace("'", "''") + "'" for p in parts)
            con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet([{files}])")
        else:
            empty = pa.Table.from_pylist([], schema=SCHEMAS[table])
            con.register(f"_{table}_empty", empty)
            con.execute(f"CREATE VIEW {table} AS SELECT * FROM _{table}_empty")
    return con


def run_query(out: str | Path, sql: str) -> pa.Table:
    """Run one read-only SQL statement; the result as an Arrow table."""
    con = connect(out)
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as err:
        raise QueryError(f"SQL error: {err}".splitlines()[0]) from None
    if len(statements) != 1:
        raise QueryError(f"expected one SQL statement, got {len(statements)}")
    kind = statements[0].type.name
    if kind not in _READ_ONLY_STATEMENTS:
        raise QueryError(f"only queries are allowed (got a {kind} statement)")
    try:
        return con.sql(sql).to_arrow_table()
    except duckdb.Error as err:
        raise QueryError(f"SQL error: {err}".splitlines()[0]) from None
    finally:
        con.close()


def write_result(table: pa.Table, path: Path) -> None:
    """CSV or Parquet by the file's suffix, written atomically."""
    import os

    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    tmp = path.with_name(f".tmp-{path.name}")
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        pq.write_table(table, tmp)
    elif suffix in (".csv", ".tsv"):
        options = pacsv.WriteOptions(delimiter="\t" if suffix == ".tsv" else ",")
        pacsv.write_csv(_flatten_lists(table), tmp, write_options=options)
    else:
        raise QueryError(f"{path}: write .csv, .tsv or .parquet")
    os.replace(tmp, path)


def _flatten_lists(table: pa.Table) -> pa.Table:
    """CSV has no lists: join list cells with '|' as the TSV exports do."""
    columns = []
    for column in table.columns:
        if pa.types.is_list(column.type):
            values = ["|".join(str(v) for v in cell) if cell is not None else None for cell in column.to_pylist()]
            columns.append(pa.array(values, type=pa.string()))
        else:
            columns.append(column)
    return pa.table(columns, names=table.column_names)


def corpus_stats(out: str | Path, top: int = 10) -> dict[str, Any]:
    """Works, words, top characters, most frequent speakers, narration mix."""
    con = connect(out)
    try:

        def rows(sql: str) -> list[tuple[Any, ...]]:
            return con.execute(sql).fetchall()

        works, words = rows("SELECT count(*), coalesce(sum(words), 0) FROM works")[0]
        failed = 0
        errors = Path(out) / "errors.jsonl"
        if errors.is_file():
            failed = sum(1 for line in errors.read_text(encoding="utf-8").splitlines() if line.strip())
        return {
            "works": works,
            "words": int(words),
            "failed": failed,
            "quotes": rows("SELECT count(*) FROM quotes")[0][0],
            "top_characters": rows(
                f"SELECT name, count(DISTINCT story_id) AS works, sum(mentions) AS mentions "
                f"FROM characters GROUP BY name ORDER BY mentions DESC, name LIMIT {int(top)}"
            ),
            "top_speakers": rows(
                f"SELECT speaker, count(*) AS lines FROM quotes WHERE speaker IS NOT NULL "
                f"GROUP BY speaker ORDER BY lines DESC, speaker LIMIT {int(top)}"
            ),
            "narration": rows(
                "SELECT coalesce(person, '?') AS person, coalesce(tense, '?') AS tense, count(*) AS works "
                "FROM works GROUP BY 1, 2 ORDER BY works DESC"
            ),
        }
    finally:
        con.close()
