"""SQL over a corpus run's Parquet tables with DuckDB, read-only.

Each table (works, chapters, characters, quotes, mentions, interactions, signals) is an
Arrow dataset over ``OUT/<table>/*.parquet`` registered on the connection (a table with no
parts yet is empty, with the right columns, so queries never fail for lack of rows).

Read-only is DuckDB's own doing, not a filter on the SQL: the connection is to an empty
database file opened ``read_only`` (no CREATE, INSERT, ... and no EXPLAIN ANALYZE of them),
with ``enable_external_access`` off (no file or URL read or written: no COPY, read_text,
glob, ATTACH, httpfs), extension autoloading and autoinstalling off, and the configuration
locked so a query cannot turn any of it back on. The corpus's own Parquet is read through
the registered datasets (PyArrow), which need no file access from DuckDB.
``run_query`` also names a statement that is not a query (DROP, SET, ...) before running
it, for a clearer message; that check is a courtesy, the settings are what enforce.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds

from ficlens.corpus.store import MANIFEST_DIR
from ficlens.corpus.tables import SCHEMAS, TABLES
from ficlens.errors import FiclensError

# Set in this order: locking last, so nothing a query runs can undo the others.
_LOCKDOWN = (
    "SET enable_external_access = false",
    "SET autoload_known_extensions = false",
    "SET autoinstall_known_extensions = false",
    "SET allow_community_extensions = false",
    "SET lock_configuration = true",
)


_QUERY_STATEMENTS = {"SELECT", "EXPLAIN"}


class QueryError(FiclensError):
    pass


def _dataset(out: Path, table: str) -> ds.Dataset | pa.Table:
    parts = sorted((out / table).glob("part-*.parquet"))
    if not parts:
        return pa.Table.from_pylist([], schema=SCHEMAS[table])
    try:
        return ds.dataset([str(p) for p in parts], format="parquet")
    except (pa.ArrowException, OSError) as err:
        # Name the part that is broken, not only the table.
        import pyarrow.parquet as pq

        for part in parts:
            try:
                pq.read_metadata(part)
            except (pa.ArrowException, OSError):
                raise QueryError(f"{part}: not a readable Parquet file ({err}); "
                                 "remove it and run `ficlens corpus run` again to redo its stories") from None  # fmt: skip
        raise QueryError(f"{out / table}: cannot read its Parquet parts ({err})") from None


def connect(out: str | Path) -> duckdb.DuckDBPyConnection:
    """A locked-down, read-only connection with the corpus's tables registered."""
    out = Path(out)
    if not (out / MANIFEST_DIR).is_dir():
        raise QueryError(f"{out}: not a ficlens corpus folder (no {MANIFEST_DIR}/; run `ficlens corpus run` first)")
    datasets = {table: _dataset(out, table) for table in TABLES}
    # DuckDB cannot open an in-memory database read-only: an empty file, opened read-only.
    with tempfile.TemporaryDirectory(prefix="ficlens-query-") as tmp:
        path = str(Path(tmp) / "empty.duckdb")
        duckdb.connect(path).close()
        con = duckdb.connect(path, read_only=True, config={"enable_external_access": "false"})
    try:
        for table, data in datasets.items():
            con.register(table, data)
        for statement in _LOCKDOWN:
            con.execute(statement)
    except BaseException:
        con.close()
        raise
    return con


def run_query(out: str | Path, sql: str) -> pa.Table:
    """Run one SQL statement on a read-only, locked-down connection; the result as an Arrow table."""
    con = connect(out)
    try:
        try:
            statements = con.extract_statements(sql)
        except duckdb.Error as err:
            raise QueryError(_sql_error(err)) from None
        if len(statements) != 1:
            raise QueryError(f"expected one SQL statement, got {len(statements)}")
        kind = statements[0].type.name
        if kind not in _QUERY_STATEMENTS:
            raise QueryError(f"refused: only queries are allowed (got a {kind} statement)")
        relation = con.sql(sql)
        if relation is None:
            raise QueryError("the statement returned no rows (only queries give a result)")
        return relation.to_arrow_table()
    except duckdb.Error as err:
        raise QueryError(_sql_error(err)) from None
    finally:
        con.close()


def _sql_error(err: Exception) -> str:
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    if isinstance(err, duckdb.PermissionException) or "read-only mode" in text:
        return f"refused: a query may only read the corpus tables ({text})"
    return f"SQL error: {text}"


def write_result(table: pa.Table, path: Path) -> None:
    """CSV or Parquet by the file's suffix, written atomically."""
    import os

    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from ficlens.errors import os_problem

    suffix = path.suffix.lower()
    if suffix not in (".parquet", ".csv", ".tsv"):
        raise QueryError(f"{path}: write .csv, .tsv or .parquet")
    if path.is_dir():
        raise QueryError(f"{path}: --output is a directory; give a file name")
    if not path.parent.is_dir():
        raise QueryError(f"{path}: --output folder {path.parent} does not exist")
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    try:
        if suffix == ".parquet":
            pq.write_table(table, tmp)
        else:
            options = pacsv.WriteOptions(delimiter="\t" if suffix == ".tsv" else ",")
            pacsv.write_csv(_flatten_lists(table), tmp, write_options=options)
        os.replace(tmp, path)
    except OSError as err:
        raise QueryError(f"{path}: cannot write ({os_problem(err)})") from None
    finally:
        tmp.unlink(missing_ok=True)


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
