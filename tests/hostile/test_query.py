"""`corpus query` is read-only by DuckDB's own settings, and prints data as data."""

from __future__ import annotations

import duckdb
import pytest
from typer.testing import CliRunner

from ficlens.corpus.cli import app as corpus_app
from ficlens.corpus.query import QueryError, connect, run_query
from ficlens.errors import FiclensError
from hostile.cases_outputs import HOSTILE_SQL, make_corpus

NAMES = ["root:x:0:0", "[bold red]Mara[/]", ":thumbs_up: Oskar", "[link=http://x]Ilse[/link]"]


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a COPY or ATTACH with a relative path would land here
    return make_corpus(tmp_path / "corpus", NAMES)


def _files(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize("sql", HOSTILE_SQL.values(), ids=list(HOSTILE_SQL))
def test_every_hostile_statement_is_refused(corpus, sql) -> None:
    before = _files(corpus.parent)
    with pytest.raises(QueryError, match="refused"):
        run_query(corpus, sql)
    assert _files(corpus.parent) == before  # nothing written, here or in the corpus


@pytest.mark.parametrize(
    "sql",
    [
        "COPY (SELECT 1 AS x) TO 'copied.csv'",
        "CREATE TABLE t AS SELECT 1 AS x",
        "CREATE VIEW v AS SELECT 1 AS x",
        "SELECT * FROM read_text('/etc/passwd')",
        "SELECT * FROM glob('/*')",
        "SELECT * FROM read_parquet('/tmp/*.parquet')",
        "INSTALL httpfs",
        "LOAD httpfs",
        "ATTACH 'other.duckdb' AS other",
        "SET enable_external_access = true",
        "SET lock_configuration = false",
        "RESET enable_external_access",
    ],
)
def test_the_connection_itself_refuses(corpus, sql) -> None:
    """The settings enforce it, not the statement check in run_query: bypass that check here."""
    before = _files(corpus.parent)
    con = connect(corpus)
    try:
        with pytest.raises(duckdb.Error):
            con.execute(sql).fetchall()
    finally:
        con.close()
    assert _files(corpus.parent) == before


def test_the_lock_holds(corpus) -> None:
    con = connect(corpus)
    try:
        settings = dict(con.execute(
            "SELECT name, value FROM duckdb_settings() WHERE name IN ('enable_external_access', "
            "'autoload_known_extensions', 'autoinstall_known_extensions', 'lock_configuration')"
        ).fetchall())  # fmt: skip
    finally:
        con.close()
    assert settings == {"enable_external_access": "false", "autoload_known_extensions": "false",
                        "autoinstall_known_extensions": "false", "lock_configuration": "true"}  # fmt: skip


def test_the_corpus_itself_is_still_readable(corpus) -> None:
    rows = run_query(corpus, "SELECT c.name, w.title FROM characters c JOIN works w USING (story_id) ORDER BY c.name")
    assert sorted(r["name"] for r in rows.to_pylist()) == sorted(NAMES)
    plan = run_query(corpus, "EXPLAIN ANALYZE SELECT count(*) FROM characters").to_pylist()
    assert plan and "analyzed_plan" in plan[0].values()


def test_query_prints_data_as_data(corpus) -> None:
    result = CliRunner().invoke(corpus_app, ["query", str(corpus), "SELECT name FROM characters ORDER BY name"],
                                env={"COLUMNS": "200"})  # fmt: skip
    assert result.exit_code == 0, result.output
    for name in NAMES:
        assert name in result.stdout  # not an emoji, not bold, not a link: the bytes the corpus holds
    assert "\N{CROSS MARK}" not in result.stdout and "\N{THUMBS UP SIGN}" not in result.stdout


def test_stats_print_names_as_data(corpus) -> None:
    result = CliRunner().invoke(corpus_app, ["stats", str(corpus)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "root:x:0:0" in result.stdout and "[bold red]Mara[/]" in result.stdout


def test_query_output_into_a_missing_folder(corpus, tmp_path) -> None:
    result = CliRunner().invoke(corpus_app, ["query", str(corpus), "SELECT 1 AS x", "-o", str(tmp_path / "no" / "x.csv")])
    assert isinstance(result.exception, QueryError) and "does not exist" in str(result.exception)
    assert not (tmp_path / "no").exists()


def test_query_negative_limit_is_refused(corpus) -> None:
    result = CliRunner().invoke(corpus_app, ["query", str(corpus), "SELECT 1 AS x", "--limit", "-5"])
    assert isinstance(result.exception, FiclensError) and "--limit: -5 must be 0 or more" in str(result.exception)
