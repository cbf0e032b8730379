"""Runs the stages in order over a Document: the one place that does.

``ficlens analyze``, ``ficlens eval``, ``ficlens train``, corpus mode and the benchmarks all
run stages through ``Pipeline``::

    pipeline = Pipeline(config, cast=cast)          # every stage, spaCy loaded once
    doc = pipeline(doc)                             # all stages
    doc = pipeline.heldout("Emma")(doc)             # fold models that never saw "Emma"
    doc = pipeline(doc, replace={"quotes": gold})   # a stage's work done by ``gold(doc)``
    staged = pipeline.select(["quotes", "characters", "coref"])(segmented_doc)

The order is written out here (``STAGES``), not decided by imports. Before each stage runs,
``Pipeline`` checks that every field it ``requires`` is there: put on the Document by the
reader (``text``, ``metadata``, ``hints``) or assigned by a stage that ran before (in this
call or an earlier one, as ``doc.stages`` records), and raises a ``PipelineError`` naming the
stage and the missing field. ``doc.config`` records the settings each stage actually used
(the speakers stage's decoder scores come from its model file, not the configuration).
With ``check_layers=True`` a stage that writes a Document field it does not declare in
``assigns`` is an error (the tests run every stage that way).
"""

from __future__ import annotations

import copy
import logging
import time
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, Protocol

from ficlens.errors import PipelineError
from ficlens.model import Document
from ficlens.stages.characters import CharacterConfig, CharacterStage
from ficlens.stages.coref import CorefConfig, CorefStage
from ficlens.stages.narration import NarrationConfig, NarrationStage
from ficlens.stages.network import NetworkConfig, NetworkStage
from ficlens.stages.quote_pronouns import QuotePronounConfig, QuotePronounStage
from ficlens.stages.quotes import QuoteConfig, QuoteStage
from ficlens.stages.segment import SegmentConfig, SegmentStage
from ficlens.stages.signals import SignalConfig, SignalStage
from ficlens.stages.speakers import SpeakerConfig, SpeakerStage

log = logging.getLogger(__name__)

# What a reader puts on a Document before any stage runs.
READER_ASSIGNS = ("text", "metadata", "hints")
# Fields the pipeline itself keeps: which stages ran and the settings they used.
PIPELINE_FIELDS = ("stages", "config")


StageProgress = Callable[[str, int, int], None]
# Does a stage's work in its place (eval's gold quotes): takes the Document, returns it.
StageFunction = Callable[[Document], Document]


class Stage(Protocol):
    name: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]

    def __call__(self, doc: Document) -> Document: ...


STAGES: tuple[type, ...] = (
    SegmentStage,
    QuoteStage,
    CharacterStage,
    CorefStage,
    SpeakerStage,
    QuotePronounStage,
    NarrationStage,
    SignalStage,
    NetworkStage,
)


def stage_names(after: str | None = None, before: str | None = None) -> tuple[str, ...]:
    """Names of the standard stages strictly between ``after`` and ``before`` (either end open)."""
    names = [cls.name for cls in STAGES]
    lo = names.index(after) + 1 if after is not None else 0
    hi = names.index(before) if before is not None else len(names)
    return tuple(names[lo:hi])


@dataclass(frozen=True)
class PipelineConfig:
    segment: SegmentConfig = field(default_factory=SegmentConfig)
    quotes: QuoteConfig = field(default_factory=QuoteConfig)
    characters: CharacterConfig = field(default_factory=CharacterConfig)
    coref: CorefConfig = field(default_factory=CorefConfig)
    speakers: SpeakerConfig = field(default_factory=SpeakerConfig)
    quote_pronouns: QuotePronounConfig = field(default_factory=QuotePronounConfig)
    narration: NarrationConfig = field(default_factory=NarrationConfig)
    signals: SignalConfig = field(default_factory=SignalConfig)
    network: NetworkConfig = field(default_factory=NetworkConfig)
    # Stage names to run; None runs them all. A stage left out must not be
    # required by one that runs.
    stages: tuple[str, ...] | None = None

    @classmethod
    def from_toml(cls, path: str | Path) -> PipelineConfig:
        """Load ``[segment]``, ``[quotes]``, ... tables; unknown keys are an error."""
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        return cls.from_dict(data, source=str(path))

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "<config>") -> PipelineConfig:
        kwargs: dict[str, Any] = {}
        known = {f.name: f for f in fields(cls)}
        for key, value in data.items():
            if key not in known:
                raise PipelineError("config", f"{source}: unknown section [{key}]")
            if key == "stages":
                kwargs[key] = tuple(value)
                continue
            sub_cls = type(known[key].default_factory())  # type: ignore[misc]
            sub_fields = {f.name for f in fields(sub_cls)}
            unknown = set(value) - sub_fields
            if unknown:
                raise PipelineError(key, f"{source}: unknown option(s) {sorted(unknown)}")
            kwargs[key] = sub_cls(**value)
        return cls(**kwargs)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = config_dict(value) if is_dataclass(value) else _plain(value)
        return out


def config_dict(config: Any) -> dict[str, Any]:
    """A stage's settings (a dataclass) as plain JSON values."""
    return {g.name: _plain(getattr(config, g.name)) for g in fields(config)}


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list | frozenset | set):
        return [_plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


class Pipeline:
    """Owns the heavy things (the spaCy model, the speaker model) and the stage objects; reuse it.

    Built from a ``PipelineConfig`` (the stages of ``STAGES`` it selects, in that order), or
    from ready stage objects (``stages=``: anything with ``name``, ``requires``, ``assigns``
    and ``__call__(doc) -> doc``). spaCy is loaded only when the segment stage is built.
    """

    def __init__(
        self,
        config: PipelineConfig | None = None,
        nlp: Any | None = None,
        cast: Any | None = None,
        *,
        stages: Sequence[Stage] | None = None,
    ) -> None:
        self.config = config or PipelineConfig()
        if stages is None:
            stages = _build_stages(self.config, nlp, cast)
        self.stages: list[Stage] = list(stages)
        names = [s.name for s in self.stages]
        if len(set(names)) != len(names):
            raise PipelineError("config", f"a stage appears twice: {names}")
        check_requirements(self.stages)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.stages)

    def stage(self, name: str) -> Stage:
        """The stage object called ``name``."""
        for s in self.stages:
            if s.name == name:
                return s
        raise PipelineError(name, f"no such stage in this pipeline (stages: {', '.join(self.names)})")

    def select(self, names: Iterable[str]) -> Pipeline:
        """The same stage objects, only those named, in pipeline order."""
        wanted = set(names)
        unknown = wanted - set(self.names)
        if unknown:
            raise PipelineError("config", f"unknown stage(s) {sorted(unknown)}; this pipeline has {list(self.names)}")
        return self._with([s for s in self.stages if s.name in wanted])

    def heldout(self, item: str) -> Pipeline:
        """This pipeline with each stage that has cross-validation fold models (the speaker
        ranker) swapped for the one trained without ``item``: no evaluation item is scored
        by a model that saw it. Itself when no stage has folds for ``item``."""
        swapped = [s.heldout(item) if hasattr(s, "heldout") else s for s in self.stages]
        if all(a is b for a, b in zip(swapped, self.stages, strict=True)):
            return self
        return self._with(swapped)

    def _with(self, stages: list[Stage]) -> Pipeline:
        clone = copy.copy(self)
        clone.stages = stages
        return clone

    def used_config(self) -> dict[str, Any]:
        """The settings each stage runs with (its own ``config`` where it has one: the speakers
        stage's carries its model file's transition scores), by stage name."""
        out = {}
        for s in self.stages:
            stage_config = getattr(s, "config", None)  # every stage keeps the config it runs with
            out[s.name] = config_dict(stage_config) if is_dataclass(stage_config) else {}
        return out

    def __call__(
        self,
        doc: Document,
        progress: StageProgress | None = None,
        *,
        replace: Mapping[str, StageFunction] | None = None,
        check_layers: bool = False,
    ) -> Document:
        """Run the stages over ``doc``.

        ``progress(stage_name, done, total)`` is called as stages advance. ``replace`` maps a
        stage name to a function that does that stage's work instead (it must write only what
        the stage assigns). ``check_layers`` raises when a stage writes a field it does not
        declare."""
        replace = replace or {}
        unknown = set(replace) - set(self.names)
        if unknown:
            raise PipelineError("config", f"cannot replace unknown stage(s) {sorted(unknown)}")
        available = _available_fields(doc, self.stages)
        doc.config = {**doc.config, **self.used_config()}
        for stage in self.stages:
            missing = [r for r in stage.requires if r not in available]
            if missing:
                raise PipelineError(
                    stage.name,
                    f"requires {missing}, which neither the reader nor an earlier stage assigns "
                    f"(available: {sorted(available)})",
                )
            started = time.perf_counter()
            if progress is not None:
                progress(stage.name, 0, 1)
            if hasattr(stage, "progress"):
                # Long stages (the parse) report finer steps through their own callback.
                stage.progress = (lambda done, total, name=stage.name: progress(name, done, total)) if progress else None
            run = replace.get(stage.name, stage)
            before = _layers(doc) if check_layers else None
            result = run(doc)
            if not isinstance(result, Document):
                raise PipelineError(stage.name, f"returned {type(result).__name__}, not a Document")
            if before is not None:
                written = [name for name, value in _layers(result).items() if value != before[name]]
                undeclared = [name for name in written if name not in stage.assigns]
                if undeclared:
                    raise PipelineError(stage.name, f"wrote {undeclared}, which it does not declare in assigns {list(stage.assigns)}")
            if progress is not None:
                progress(stage.name, 1, 1)
            doc = result
            doc.stages.append(stage.name)
            available.update(stage.assigns)
            log.info("stage %s: %.2fs", stage.name, time.perf_counter() - started)
        return doc

    def pipe(self, docs: Iterable[Document]) -> Iterable[Document]:
        for doc in docs:
            yield self(doc)


def check_requirements(stages: Sequence[Stage]) -> None:
    """Every stage's ``requires`` is assigned by the reader or an earlier stage. Standard
    stages of ``STAGES`` before the first one selected count as run: a pipeline that starts
    later in the line is meant for a Document that went through them (``doc.stages`` says
    whether it did, and ``Pipeline.__call__`` checks that too)."""
    order = [cls.name for cls in STAGES]
    first = min((order.index(s.name) for s in stages if s.name in order), default=0)
    available = set(READER_ASSIGNS)
    for cls in STAGES[:first]:
        available.update(cls.assigns)
    for stage in stages:
        missing = [r for r in stage.requires if r not in available]
        if missing:
            raise PipelineError(
                stage.name,
                f"requires {missing}, which no earlier stage assigns (available: {sorted(available)})",
            )
        available.update(stage.assigns)


def _available_fields(doc: Document, stages: Sequence[Stage]) -> set[str]:
    """Fields a Document has before ``stages`` run: the reader's and those assigned by the
    stages it records as run (the standard ones by ``STAGES``, others by ``stages``)."""
    assigns = {cls.name: cls.assigns for cls in STAGES}
    assigns.update({s.name: s.assigns for s in stages})
    available = set(READER_ASSIGNS)
    for name in doc.stages:
        available.update(assigns.get(name, ()))
    return available


def _layers(doc: Document) -> dict[str, Any]:
    """A copy of every Document field a stage could write (records are frozen, so copying
    the lists is enough; dicts are copied whole)."""
    out: dict[str, Any] = {}
    for f in fields(doc):
        if f.name in PIPELINE_FIELDS:
            continue
        value = getattr(doc, f.name)
        out[f.name] = copy.deepcopy(value) if isinstance(value, dict) else list(value) if isinstance(value, list) else value
    return out


def _build_stages(config: PipelineConfig, nlp: Any, cast: Any) -> list[Stage]:
    wanted = set(config.stages) if config.stages is not None else None
    if wanted is not None:
        unknown = wanted - {s.name for s in STAGES}
        if unknown:
            raise PipelineError("config", f"unknown stage(s) {sorted(unknown)}")
    stages: list[Stage] = []
    for stage_cls in STAGES:
        name = stage_cls.name
        if wanted is not None and name not in wanted:
            continue
        stage_config = getattr(config, name)
        if stage_cls is SegmentStage:
            if nlp is None:
                from ficlens.nlp import load_nlp

                nlp = load_nlp()
            stages.append(stage_cls(stage_config, nlp))
        elif stage_cls is CharacterStage:
            stages.append(stage_cls(stage_config, cast=cast))
        else:
            stages.append(stage_cls(stage_config))
    return stages
