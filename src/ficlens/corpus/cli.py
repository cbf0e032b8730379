"""`ficlens corpus run | query | stats` (thin: parse options, call plain functions).

Everything printed from the corpus (names, titles, query results, paths) is Rich ``Text``,
so markup and ``:emoji:`` codes in the data print as they are.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from ficlens.corpus import ENGINES
from ficlens.errors import FiclensError

# The query and run modules import DuckDB and PyArrow: loaded inside the commands so that
# `ficlens analyze` does not pay for them at start-up.

app = typer.Typer(help="Whole archives: batch runs to Parquet, SQL over the results.", no_args_is_help=True)
console = Console(stderr=True)


@app.command("run")
def run_cli(
    inputs: list[Path] = typer.Argument(..., help="Story files, folders (recursive), zip or tar archives."),
    out: Path = typer.Option(..., "-o", "--out", help="Output folder for the Parquet tables."),
    workers: int = typer.Option(max(1, (os.cpu_count() or 1)), "--workers", "-w", help="Worker processes."),
    engine: str = typer.Option("local", "--engine", help=f"One of: {', '.join(ENGINES)}."),
    batch_size: int = typer.Option(50, "--batch-size", help="Stories per committed batch (finished stories are also committed every few seconds)."),
    max_size: str = typer.Option("50MB", "--max-size", help="Refuse story files larger than this."),
    story_timeout: float = typer.Option(1800.0, "--story-timeout", help="Stop a story that takes longer than this many seconds and record it as failed (0: no limit)."),
    quiet: bool = typer.Option(False, "--quiet", "-q"),
) -> None:
    """Analyse every story into Parquet tables under OUT; run it again to resume."""
    from ficlens.corpus.run import RunSummary, run_corpus
    from ficlens.sizes import parse_size

    try:
        max_bytes = parse_size(max_size)
    except ValueError as err:
        raise FiclensError(str(err)) from None
    if workers < 1:
        raise FiclensError(f"--workers: {workers} is not a number of processes (1 or more)")
    if batch_size < 1:
        raise FiclensError(f"--batch-size: {batch_size} must be 1 or more")
    if story_timeout < 0:  # else every story "took longer than -5 s" and the run fails them all
        raise FiclensError(f"--story-timeout: {story_timeout:g} must be 0 (no limit) or more")

    columns = (
        TextColumn("[bold]corpus"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, disable=quiet) as bar:
        task = bar.add_task("stories", total=None, rate="")

        def progress(summary: RunSummary, done: int) -> None:
            elapsed = max(time.perf_counter() - started, 1e-9)
            rate = f"{summary.analysed / elapsed:.2f} stories/s, {summary.words / elapsed:,.0f} words/s"
            bar.update(task, total=summary.stories, completed=done, rate=rate)

        started = time.perf_counter()
        summary = run_corpus(
            [str(p) for p in inputs], out, workers=workers, engine=engine, batch_size=batch_size,
            max_bytes=max_bytes, progress=progress, story_timeout=story_timeout or None,
        )  # fmt: skip
    if not quiet:
        console.print(
            Text(f"{summary.analysed} analysed, {summary.skipped} already done, {summary.duplicates} duplicates, "
                 f"{summary.failed} failed; {summary.words:,} words in {summary.seconds:.1f}s -> {out}")
        )  # fmt: skip
        if summary.failed:
            console.print(Text(f"failures are listed in {out / 'errors.jsonl'}"))


@app.command("query")
def query_cli(
    out: Path = typer.Argument(..., help="A corpus output folder."),
    sql: str = typer.Argument(..., help="One SELECT over works, chapters, characters, quotes, mentions, interactions, signals."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the result to a .csv, .tsv or .parquet file."),
    limit: int = typer.Option(50, "--limit", help="Rows to print (the file gets them all)."),
) -> None:
    """Run read-only SQL over the tables (DuckDB)."""
    from ficlens.corpus.query import run_query, write_result

    if limit < 0:
        raise FiclensError(f"--limit: {limit} must be 0 or more")
    table = run_query(out, sql)
    if output is not None:
        write_result(table, output)
        console.print(Text(f"{table.num_rows} rows -> {output}"))
        return
    view = Table(show_lines=False)
    for name in table.column_names:
        view.add_column(Text(name))
    for row in table.slice(0, max(limit, 0)).to_pylist():
        view.add_row(*(Text("" if v is None else str(v)) for v in row.values()))
    Console().print(view)
    if table.num_rows > limit:
        console.print(f"({table.num_rows} rows; showing {limit}; use --output for all)")


@app.command("stats")
def stats_cli(out: Path = typer.Argument(..., help="A corpus output folder.")) -> None:
    """Works, words, top characters, speakers with most lines, narration mix."""
    from ficlens.corpus.query import corpus_stats

    stats = corpus_stats(out)
    show = Console()
    show.print(f"[bold]{stats['works']}[/] works, [bold]{stats['words']:,}[/] words, {stats['quotes']:,} quotes, {stats['failed']} failed")
    for title, key, headers in (
        ("Top characters", "top_characters", ("name", "works", "mentions")),
        ("Speakers with most lines", "top_speakers", ("speaker", "lines")),
        ("Narration", "narration", ("person", "tense", "works")),
    ):
        view = Table(*headers, title=title)
        for row in stats[key]:
            view.add_row(*(Text(str(v)) for v in row))
        show.print(view)
