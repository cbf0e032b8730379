"""Runs the stages in order over a Document.

The order is written out here (``STAGES``), not decided by imports. Before
running, ``Pipeline`` checks that every stage's ``requires`` is assigned by an
earlier stage (or by the reader: ``text``, ``metadata``, ``hints``) and raises a
``PipelineError`` naming the stage and the missing field.
"""

from __future__ import annotations

import logging
import time
import tomllib
from collections.abc import Callable, Iterable
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


StageProgress = Callable[[str, int, int], None]


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
            if is_dataclass(value):
                out[f.name] = {g.name: _plain(getattr(value, g.name)) for g in fields(value)}
            else:
                out[f.name] = _plain(value)
        return out


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list | frozenset | set):
        return [_plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


class Pipeline:
    """Owns the heavy things (the spaCy model) and the stage objects; reuse it."""

    def __init__(
        self,
        config: PipelineConfig | None = None,
        nlp: Any | None = None,
        cast: Any | None = None,
    ) -> None:
        self.config = config or PipelineConfig()
        if nlp is None:
            from ficlens.nlp import load_nlp

            nlp = load_nlp()
        self.nlp = nlp
        self.stages: list[Stage] = _build_stages(self.config, nlp, cast)
        check_requirements(self.stages)

    def __call__(self, doc: Document, progress: StageProgress | None = None) -> Document:
        """Run every stage; ``progress(stage_name, done, total)`` is called as stages advance."""
        doc.config = self.config.to_dict()
        for stage in self.stages:
            started = time.perf_counter()
            if progress is not None:
                progress(stage.name, 0, 1)
            if hasattr(stage, "progress"):
                # Long stages (the parse) report finer steps through their own callback.
                stage.progress = (lambda done, total, name=stage.name: progress(name, done, total)) if progress else None
            result = stage(doc)
            if progress is not None:
                progress(stage.name, 1, 1)
            if not isinstance(result, Document):
                raise PipelineError(stage.name, f"returned {type(result).__name__}, not a Document")
            doc = result
            doc.stages.append(stage.name)
            log.info("stage %s: %.2fs", stage.name, time.perf_counter() - started)
        return doc

    def pipe(self, docs: Iterable[Document]) -> Iterable[Document]:
        for doc in docs:
            yield self(doc)


def _build_stages(config: PipelineConfig, nlp: Any, cast: Any) -> list[Stage]:
    wanted = set(config.stages) if config.stages is not None else None
    stages: list[Stage] = []
    for stage_cls in STAGES:
        name = stage_cls.name
        if wanted is not None and name not in wanted:
            continue
        stage_config = getattr(config, name)
        if stage_cls is SegmentStage:
            stages.append(stage_cls(stage_config, nlp))
        elif stage_cls is CharacterStage:
            stages.append(stage_cls(stage_config, cast=cast))
        else:
            stages.append(stage_cls(stage_config))
    if wanted is not None:
        unknown = wanted - {s.name for s in STAGES}
        if unknown:
            raise PipelineError("config", f"unknown stage(s) {sorted(unknown)}")
    return stages


def check_requirements(stages: list[Stage]) -> None:
    available = set(READER_ASSIGNS)
    for stage in stages:
        missing = [r for r in stage.requires if r not in available]
        if missing:
            raise PipelineError(
                stage.name,
                f"requires {missing}, which no earlier stage assigns (available: {sorted(available)})",
            )
        available.update(stage.assigns)
