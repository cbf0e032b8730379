"""The ``ficlens`` command. Thin: parse options, call plain functions, show progress.

``ficlens analyze STORY -o OUTDIR`` reads a story, runs the pipeline and writes every
output file (see docs/outputs.md); a file of several works (an EpubMerge book) gets one
folder per work, ``OUTDIR/<n>-<slug>/``, and ``OUTDIR/works.tsv`` listing them. Errors a user can cause (``FiclensError``) become one
line ``error: <message>`` on stderr and exit code 2, with OUTDIR as it was (outputs are staged
beside it and swapped in whole). A crash inside ficlens is one line too, ``error: internal
error ...`` with where to report it, exit code 3; ``--debug`` or ``FICLENS_DEBUG=1`` adds the
traceback. Text from a story, a name or a query is printed as data, never as Rich markup.
Sub-apps: ``ficlens eval`` (ficlens.eval.cli) and ``ficlens corpus`` (ficlens.corpus.cli).
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ficlens._version import __version__
from ficlens.errors import (
    DEBUG_ENV,
    REPORT_TO,
    FiclensError,
    InputError,
    is_user_os_error,
    one_line,
    os_problem,
)
from ficlens.sizes import parse_size

if TYPE_CHECKING:
    from ficlens.model import Document

app = typer.Typer(
    name="ficlens",
    help="Read fiction: characters, who speaks each quote and to whom, point of view, tense, interactions.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

READ_FORMATS = ("auto", "text", "markdown", "html", "ao3", "epub", "fanficfare", "ffn", "mobi", "azw3", "pdf")
DEMO_STORY = "data/demo/story_a.txt"
DEFAULT_DEMO_OUTDIR = Path("demo-output")


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"ficlens {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version_callback, is_eager=True, help="Show the version and exit."),
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help=f"Show the traceback of an internal error (or set {DEBUG_ENV}=1).")] = False,
) -> None:
    """Read fiction: characters, who speaks each quote and to whom, point of view, tense, interactions."""
    if debug:
        import os

        os.environ[DEBUG_ENV] = "1"


def _fail(message: str) -> typer.Exit:
    typer.echo(one_line(f"error: {message}"), err=True)
    return typer.Exit(code=2)


@app.command()
def analyze(
    story: Annotated[Path | None, typer.Argument(help="The story file (text, Markdown, HTML, AO3 download, EPUB, MOBI, AZW3, PDF).", show_default=False)] = None,
    outdir: Annotated[Path | None, typer.Option("-o", "--output", help="Folder for the output files (created).", show_default=False)] = None,
    format: Annotated[str, typer.Option("--format", help=f"Input format: {', '.join(READ_FORMATS)}.")] = "auto",
    config: Annotated[Path | None, typer.Option("--config", help="Pipeline settings (TOML).", show_default=False)] = None,
    cast: Annotated[Path | None, typer.Option("--cast", help="Known characters: TSV with name, aliases (|-joined), gender.", show_default=False)] = None,
    max_size: Annotated[str, typer.Option("--max-size", help="Refuse input files larger than this.")] = "50MB",
    demo: Annotated[bool, typer.Option("--demo", help="Analyse the demo story shipped with ficlens.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress and no summary.")] = False,
) -> None:
    """Analyse one story and write analysis.json, story.txt, the TSV tables and report.html."""
    err_console = Console(stderr=True)
    out_console = Console()
    try:
        if format not in READ_FORMATS:
            raise _fail(f"--format: {format!r} is not one of {', '.join(READ_FORMATS)}")
        try:
            max_bytes = parse_size(max_size)
        except ValueError as err:
            raise _fail(str(err)) from None
        if demo and story is not None:
            raise _fail("give either STORY or --demo, not both")
        if not demo and story is None:
            raise _fail("missing STORY (or use --demo)")
        if outdir is None:
            if not demo:
                raise _fail("missing -o OUTDIR")
            outdir = DEFAULT_DEMO_OUTDIR
        with _story_path(story, demo) as path:
            from ficlens.ingest import work_count

            read_format = None if format == "auto" else format
            options = {
                "read_format": read_format,
                "config_path": config,
                "cast_path": cast,
                "max_bytes": max_bytes,
                "console": None if quiet else err_console,
            }
            if work_count(path, max_bytes, read_format) > 1:  # a series book: one analysis per work
                works, seconds = run_works_analysis(path, outdir, **options)
                if not quiet:
                    out_console.print(works_table(works, seconds, outdir))
                return
            doc, seconds = run_analysis(path, outdir, **options)
    except FiclensError as err:
        raise _fail(str(err)) from None
    if not quiet:
        out_console.print(summary_table(doc, seconds, outdir))
    if demo:
        # Plain print: a script can open this path.
        typer.echo(str((outdir / "report.html").resolve()))


@contextmanager
def _story_path(story: Path | None, demo: bool) -> Iterator[Path]:
    if not demo:
        if story is None:
            raise InputError("STORY", "missing")
        yield story
        return
    resource = resources.files("ficlens").joinpath(DEMO_STORY)
    if not resource.is_file():
        raise InputError(f"ficlens/{DEMO_STORY}", "the demo story is missing from this installation")
    with resources.as_file(resource) as path:
        yield path


def _settings(config_path: Path | None, cast_path: Path | None, outdir: Path) -> tuple[Any, Any]:
    """The pipeline config and the cast, read and checked (with OUTDIR) before spaCy loads."""
    from ficlens.cast import load_cast
    from ficlens.export._files import check_outdir

    cast = load_cast(cast_path) if cast_path is not None else None
    config = _load_config(config_path) if config_path is not None else None
    check_outdir(outdir)  # writable, not a file, not a dangling link; stale staging removed
    return config, cast


def run_analysis(
    path: Path,
    outdir: Path,
    read_format: str | None = None,
    config_path: Path | None = None,
    cast_path: Path | None = None,
    max_bytes: int | None = None,
    console: Console | None = None,
) -> tuple[Document, float]:
    """Read, analyse, write. Cheap checks (cast, config, the file) come before spaCy loads."""
    from ficlens.api import get_pipeline
    from ficlens.export import OUTPUT_FILES, write_outputs
    from ficlens.ingest import DEFAULT_MAX_BYTES, read_document

    started = time.perf_counter()
    config, cast = _settings(config_path, cast_path, outdir)
    with _progress(console) as report:
        report("read", 0, 1)
        doc = read_document(path, max_bytes=max_bytes or DEFAULT_MAX_BYTES, format=read_format)
        report("read", 1, 1)
        report("load model", 0, 1)
        pipeline = get_pipeline(config, cast)
        report("load model", 1, 1)
        doc = pipeline(doc, progress=report)
        files = 0
        report("write", 0, 1)

        def on_file(name: str) -> None:
            nonlocal files
            files += 1
            report("write", files, len(OUTPUT_FILES))

        write_outputs(doc, outdir, on_file=on_file)
        report("write", 1, 1)
    return doc, time.perf_counter() - started


def work_folder(index: int, title: str | None) -> str:
    """``3-in-arduis-fidelis-3``: the work's number, then its title in ASCII (at most 40 characters)."""
    import unicodedata

    ascii_title = unicodedata.normalize("NFKD", title or "").encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:40].strip("-")
    return f"{index}-{slug or 'work'}"


def run_works_analysis(
    path: Path,
    outdir: Path,
    read_format: str | None = None,
    config_path: Path | None = None,
    cast_path: Path | None = None,
    max_bytes: int | None = None,
    console: Console | None = None,
) -> tuple[list[dict[str, Any]], float]:
    """A file of several works: each analysed on its own into ``OUTDIR/<n>-<slug>/``.

    Every work is read before the model loads (a bad work stops the run with nothing
    written); the outputs are staged beside OUTDIR and swapped in only when every work is done.
    """
    from ficlens.api import get_pipeline
    from ficlens.export import write_files
    from ficlens.export._files import staged_outdir
    from ficlens.ingest import DEFAULT_MAX_BYTES, read_works

    started = time.perf_counter()
    config, cast = _settings(config_path, cast_path, outdir)
    rows: list[dict[str, Any]] = []
    with _progress(console) as report:
        report("read", 0, 1)
        docs: list[Any] = read_works(path, max_bytes=max_bytes or DEFAULT_MAX_BYTES, format=read_format)
        report("read", 1, 1)
        report("load model", 0, 1)
        pipeline = get_pipeline(config, cast)
        report("load model", 1, 1)
        with staged_outdir(outdir) as staging:
            for index in range(1, len(docs) + 1):
                doc = pipeline(docs[index - 1], progress=report)
                docs[index - 1] = None  # one analysed work in memory at a time
                folder = work_folder(index, doc.metadata.get("title"))
                write_files(doc, staging / folder)
                attributed = sum(1 for q in doc.quotes if q.speaker_id)
                rows.append({"work": index, "folder": folder, "title": doc.metadata.get("title") or "",
                             "words": doc.word_count, "chapters": len(doc.chapters), "quotes": len(doc.quotes),
                             "attributed": attributed, "characters": len(doc.characters),
                             "warnings": len(doc.warnings)})  # fmt: skip
            lines = ["\t".join(rows[0])] + ["\t".join(str(v).replace("\t", " ") for v in r.values()) for r in rows]
            (staging / "works.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return rows, time.perf_counter() - started


def works_table(rows: list[dict[str, Any]], seconds: float, outdir: Path) -> Table:
    """One line per work of a file that holds several."""
    table = Table("work", "title", "words", "chapters", "quotes", "characters", "output",
                  title=f"ficlens: {len(rows)} works, {seconds:.1f} s", title_justify="left")  # fmt: skip
    for r in rows:
        table.add_row(str(r["work"]), data(r["title"]), f"{r['words']:,}", str(r["chapters"]), f"{r['quotes']:,}",
                      str(r["characters"]), data(outdir / r["folder"]))  # fmt: skip
    return table


def _load_config(path: Path) -> Any:
    import tomllib

    from ficlens.pipeline import PipelineConfig

    if not path.is_file():
        raise InputError(str(path), "config file not found" if not path.exists() else "config path is not a file")
    try:
        config = PipelineConfig.from_toml(path)
    except tomllib.TOMLDecodeError as err:
        raise InputError(str(path), f"invalid TOML: {err}") from None
    except UnicodeDecodeError as err:
        raise InputError(str(path), f"config file is not UTF-8 (byte {err.start})") from None
    except OSError as err:
        raise InputError(str(path), f"cannot be read ({os_problem(err)})") from None
    except (TypeError, ValueError, AttributeError) as err:
        raise InputError(str(path), f"invalid setting: {err}") from None
    _check_config_types(config, str(path))
    return config


def _check_config_types(config: Any, where: str) -> None:
    """Each setting has its default's type (an int where a float is wanted is fine)."""
    from dataclasses import fields, is_dataclass

    for section in fields(config):
        value = getattr(config, section.name)
        if section.name == "stages":
            if value is not None and not all(isinstance(v, str) for v in value):
                raise InputError(where, "invalid setting: stages must be a list of stage names")
            continue
        if not is_dataclass(value):
            continue
        default = type(value)()
        for option in fields(value):
            got, want = getattr(value, option.name), getattr(default, option.name)
            if want is None or got is None:
                continue
            if isinstance(want, bool) or isinstance(got, bool):
                ok = isinstance(want, bool) == isinstance(got, bool)
            elif isinstance(want, float):
                ok = isinstance(got, int | float)
            elif isinstance(want, tuple | list | frozenset | set):
                ok = isinstance(got, tuple | list | frozenset | set)
            else:
                ok = isinstance(got, type(want))
            if not ok:
                raise InputError(where, f"invalid setting: {section.name}.{option.name} must be "
                                        f"{type(want).__name__}, got {type(got).__name__} {got!r}")  # fmt: skip


@contextmanager
def _progress(console: Console | None) -> Iterator[Callable[[str, int, int], None]]:
    """A ``progress(stage, done, total)`` callback: one Rich line per stage on a terminal."""
    if console is None or not console.is_terminal:
        yield lambda stage, done, total: None
        return
    from rich.progress import (
        BarColumn,
        Progress,
        SpinnerColumn,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (
        SpinnerColumn(finished_text="[green]\u2713"),
        TextColumn("{task.description:<12}"),
        BarColumn(bar_width=24),
        TimeElapsedColumn(),
    )
    tasks: dict[str, TaskID] = {}
    with Progress(*columns, console=console, transient=False) as progress:

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=max(total, 1))
            progress.update(tasks[stage], completed=min(done, total), total=max(total, 1))

        yield report


def summary_table(doc: Document, seconds: float, outdir: Path) -> Table:
    """Words, chapters, scenes, quotes, top speakers, narration mix, time."""
    words = doc.word_count
    table = Table(title=data(f"ficlens: {doc.metadata.get('title') or Path(doc.source).name}"), show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    table.add_row("words", f"{words:,}")
    table.add_row("chapters / scenes", f"{len(doc.chapters):,} / {len(doc.scenes):,}")
    attributed = sum(1 for q in doc.quotes if q.speaker_id)
    quotes = f"{len(doc.quotes):,}"
    if doc.quotes:
        quotes += f" ({attributed / len(doc.quotes):.0%} with a speaker)"
    table.add_row("quotes", quotes)
    top = sorted(doc.characters, key=lambda c: (-c.quotes, -c.mentions, c.id))[:5]
    table.add_row("characters", data(f"{len(doc.characters):,}" + (": " + ", ".join(f"{c.name} ({c.quotes})" for c in top) if top else "")))
    table.add_row("narration", narration_mix(doc) or "-")
    rate = f", {words / seconds:,.0f} words/s" if seconds > 0 else ""
    table.add_row("time", f"{seconds:.1f} s{rate}")
    table.add_row("output", data(outdir))
    for warning in doc.warnings[:3]:
        table.add_row("[yellow]warning", data(warning))
    return table


def data(value: object) -> Text:
    """A cell that prints as is: Rich markup and ``:emoji:`` codes in story text stay text."""
    return Text(one_line(str(value)))


def narration_mix(doc: Document) -> str:
    """Share of the text per (person, tense), e.g. ``third past 92%, first present 8%``."""
    weights: Counter[str] = Counter()
    for n in doc.narration:
        weights[f"{n.person} {n.tense}"] += max(n.end - n.start, 1)
    total = sum(weights.values())
    return ", ".join(f"{k} {v / total:.0%}" for k, v in weights.most_common()) if total else ""


@app.command()
def train(
    data: Annotated[Path, typer.Option("--data", help="The PDNC folder (holds PDNC-Novel-Index.csv).")] = Path(
        "../shared/data/pdnc"
    ),
    out: Annotated[Path, typer.Option("-o", "--out", help="Folder for speakers-ranker.json.")] = Path("models"),
    seed: Annotated[int, typer.Option(help="Random seed; the same seed and data give the same file.")] = 0,
    folds: Annotated[int, typer.Option(help="Leave-novels-out folds shipped beside the full model.")] = 5,
    cache: Annotated[Path | None, typer.Option(help="Keep parsed novels here between runs.")] = None,
    split: Annotated[str, typer.Option(help="all | dev: the PDNC novels to train on. all: as the shipped file (each novel is still scored by a fold model that never saw it); dev: the test split never seen.")] = "all",
) -> None:
    """Train the speaker and addressee rankers on PDNC (the shipped model is src/ficlens/data/models/speakers-ranker.json)."""
    from ficlens.eval.pdnc import list_novels
    from ficlens.eval.splits import select
    from ficlens.train.speaker_ranker import train_speaker_ranker

    console = Console(stderr=True)
    novels = select("pdnc", list_novels(data), split)
    summary = train_speaker_ranker(data, out, seed=seed, folds=folds, novels=novels, cache_dir=cache, log=lambda message: console.print(Text(str(message))))
    table = Table("mode", "fold", "all", "explicit", "anaphoric", "implicit", "addressee", "candidates",
                  title="Speaker accuracy, each novel scored by the fold model that never saw it")  # fmt: skip
    for mode, rows in summary["cv"].items():
        for fold, row in rows.items():
            cells = [row.get(k) for k in ("all", "explicit", "anaphoric", "implicit", "addressee", "candidate_recall")]
            table.add_row(mode, fold, *("" if v is None else f"{v:.3f}" for v in cells))
    Console(width=max(Console().width, 110)).print(table)
    console.print(Text(f"wrote {summary['model']} in {summary['seconds']:.0f}s"))


def _mount_subcommands() -> None:
    from ficlens.corpus.cli import app as corpus_app
    from ficlens.eval.cli import app as eval_app

    app.add_typer(eval_app, name="eval")
    app.add_typer(corpus_app, name="corpus")


_mount_subcommands()


INTERNAL_ERROR_EXIT = 3


def main(argv: list[str] | None = None) -> None:
    """The console entry point: a FiclensError from any command is one line and exit code 2;
    so is an OSError the machine causes (full disk, no permission). Anything else is a bug in
    ficlens: one line saying so, where to report it and what was run; exit code 3."""
    import os
    import sys

    try:
        app(args=argv, prog_name="ficlens")
    except FiclensError as err:
        print(one_line(f"error: {err}"), file=sys.stderr)
        sys.exit(err.exit_code)
    except Exception as err:  # noqa: BLE001 - the last line of defence: never a bare traceback
        if is_user_os_error(err):
            assert isinstance(err, OSError)
            where = f"{err.filename}: " if err.filename else ""
            print(one_line(f"error: {where}{os_problem(err)}"), file=sys.stderr)
            sys.exit(2)
        if os.environ.get(DEBUG_ENV, "") not in ("", "0"):
            import traceback

            traceback.print_exc()
        command = " ".join(["ficlens", *(sys.argv[1:] if argv is None else argv)])
        print(one_line(f"error: internal error in ficlens {__version__} ({type(err).__name__}: {err}) "
                       f"running `{command}`; please report it to {REPORT_TO} with this line and the input "
                       f"(--debug or {DEBUG_ENV}=1 shows the traceback)"), file=sys.stderr)  # fmt: skip
        sys.exit(INTERNAL_ERROR_EXIT)
