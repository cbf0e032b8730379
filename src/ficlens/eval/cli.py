"""``ficlens eval``: a thin Typer sub-app (the lead mounts ``app`` as ``eval``).

Options are parsed here; the work is ``run.evaluate_pdnc`` / ``run.evaluate_litbank`` /
``fanfic.evaluate_fanfic``.
A ``DatasetError`` (or any ``FiclensError``) becomes one line on stderr and exit code 2,
never a stack trace, also when this sub-app runs on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from ficlens.errors import FiclensError, one_line
from ficlens.eval import run as run_mod

app = typer.Typer(help="Score ficlens on PDNC, LitBank and the fan-fiction gold.", no_args_is_help=True)
console = Console(stderr=True)
SPLIT_HELP = "all | dev | test: the frozen split to run (test items are reported as one aggregate)."


def _progress(label: str) -> Progress:
    return Progress(
        TextColumn(f"[bold]{label}[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[last]}"),
        TimeElapsedColumn(),
        console=console,
    )


def _run(label: str, unit: str, evaluate: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``evaluate(*args, **kwargs, progress=...)`` under a progress bar of its ``unit``s."""
    with _progress(label) as bar:
        task = bar.add_task(unit, total=None, last="")
        return evaluate(
            *args, **kwargs,
            progress=lambda done, total, name: bar.update(task, completed=done, total=total, last=name),
        )


@app.command("pdnc")
def pdnc_cli(
    data: Path = typer.Option(Path("../shared/data/pdnc"), "--data", help="PDNC root (holds PDNC-Novel-Index.csv)."),
    novels: str = typer.Option("", "--novels", help="Comma-separated folder names; default all."),
    mode: str = typer.Option("end-to-end", "--mode", help="end-to-end | gold-characters | gold-quotes"),
    out: Path = typer.Option(
        Path("results"), "-o", "--out", help="Directory for JSON + Markdown results and the per-quote TSV."
    ),
    workers: int = typer.Option(2, "--workers", min=1, help="Worker processes (one spaCy each)."),
    split: str = typer.Option("all", "--split", help=SPLIT_HELP),
) -> None:
    """Quotation detection, speaker/addressee attribution and character identification on PDNC."""
    with _errors():
        _pdnc(data, novels, mode, out, workers, split)


def _pdnc(data: Path, novels: str, mode: str, out: Path, workers: int, split: str = "all") -> None:
    names = [n.strip() for n in novels.split(",") if n.strip()] or None
    result = _run(f"PDNC {mode}", "novels", run_mod.evaluate_pdnc, data, novels=names, mode=mode, out=out, workers=workers, split=split)
    _summary(result.to_dict(), out, quote_table=bool(result.quote_rows))


@app.command("litbank")
def litbank_cli(
    data: Path = typer.Option(Path("../shared/data/litbank"), "--data", help="LitBank root."),
    out: Path = typer.Option(Path("results"), "-o", "--out", help="Directory for JSON + Markdown results."),
    workers: int = typer.Option(2, "--workers", min=1, help="Worker processes (one spaCy each)."),
    split: str = typer.Option("all", "--split", help=SPLIT_HELP),
) -> None:
    """Entities, coreference, quotation detection and speakers on LitBank."""
    with _errors():
        _litbank(data, out, workers, split)


def _litbank(data: Path, out: Path, workers: int, split: str = "all") -> None:
    result = _run("LitBank", "works", run_mod.evaluate_litbank, data, out=out, workers=workers, split=split)
    _summary(result.to_dict(), out)


@app.command("fanfic")
def fanfic_cli(
    data: Path = typer.Option(Path("../shared/data/fanfic"), "--data", help="The fan-fiction data folder."),
    gold: Path = typer.Option(Path("gold/fanfic"), "--gold", help="The gold folder (works.tsv and <file id>.json)."),
    works: str = typer.Option("", "--works", help="Comma-separated work ids; default all of the split."),
    out: Path = typer.Option(Path("results"), "-o", "--out", help="Directory for JSON + Markdown results."),
    workers: int = typer.Option(2, "--workers", min=1, help="Worker processes (one spaCy each)."),
    split: str = typer.Option("all", "--split", help=SPLIT_HELP),
) -> None:
    """Quotes, speakers, addressees, characters, point of view and tense on real fan fiction."""
    with _errors():
        _fanfic(data, gold, works, out, workers, split)


def _fanfic(data: Path, gold: Path, works: str, out: Path, workers: int, split: str = "all") -> None:
    from ficlens.eval.fanfic import evaluate_fanfic

    names = [n.strip() for n in works.split(",") if n.strip()] or None
    result = _run("fan fiction", "works", evaluate_fanfic, data, gold, works=names, out=out, workers=workers, split=split)
    for note in result.meta.get("notes", []):
        console.print(Text(f"note: {note}"))  # as data: a note may quote a title or a path
    _summary(result.to_dict(), out)


@app.command("signals")
def signals_cli(
    gold: Path = typer.Option(Path("gold/signals/sentences.tsv"), "--gold", help="The signals gold (sentences.tsv)."),
    fanfic: Path = typer.Option(Path("../shared/data/fanfic"), "--fanfic", help="The fan-fiction data folder."),
    pdnc: Path = typer.Option(Path("../shared/data/pdnc"), "--pdnc", help="PDNC root."),
    litbank: Path = typer.Option(Path("../shared/data/litbank"), "--litbank", help="LitBank root."),
    out: Path = typer.Option(Path("results"), "-o", "--out", help="Directory for JSON + Markdown results."),
    workers: int = typer.Option(2, "--workers", min=1, help="Worker processes (one spaCy each)."),
    split: str = typer.Option("all", "--split", help=SPLIT_HELP),
) -> None:
    """Content signals: precision and recall per kind on labelled sentences, and declared AO3 warnings found."""
    with _errors():
        _signals(gold, fanfic, pdnc, litbank, out, workers, split)


def _signals(gold: Path, fanfic: Path, pdnc: Path, litbank: Path, out: Path, workers: int, split: str = "all") -> None:
    from ficlens.eval.signals import evaluate_signals
    from ficlens.eval.signals_gold import Roots

    result = _run("signals", "works", evaluate_signals, gold, Roots(fanfic, pdnc, litbank), out=out, workers=workers, split=split)
    _summary(result.to_dict(), out)


@app.command("report")
def report_cli(
    results: Path = typer.Argument(Path("results"), help="Directory with *.json from earlier runs."),
    docs: Path = typer.Option(Path("docs/evaluation.md"), "--docs", help="File whose generated block is rewritten."),
) -> None:
    """Rebuild the results tables in docs/evaluation.md from results/*.json."""
    from ficlens.eval.report import update_docs

    with _errors():
        _report(results, docs, update_docs)


def _report(results: Path, docs: Path, update_docs: Callable[[Path, list[Path]], str]) -> None:
    files = sorted(results.glob("*.json"))
    if not files:
        from ficlens.errors import DatasetError

        raise DatasetError(str(results), "no results *.json found (run `ficlens eval pdnc|litbank -o DIR` first)")
    update_docs(docs, files)
    console.print(Text(f"updated {docs} from {len(files)} result file(s)"))


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except FiclensError as err:
        # The message names a path the user gave: printed as data (no markup, no :emoji: codes).
        console.print(Text.assemble(("error:", "red"), " ", one_line(str(err))), soft_wrap=True)
        raise typer.Exit(err.exit_code) from None


def _summary(data: dict, out: Path, quote_table: bool = False) -> None:
    from ficlens.eval.report import render_table, result_name

    console.print(render_table(data, per_item=False))
    stem = out / result_name(data)
    extra = f" and {stem}-quotes.tsv (one row per gold quote)" if quote_table else ""
    console.print(Text(f"wrote {stem}.json, .md{extra}"))
