"""Pipeline: the one place that runs stages (order, requirements, selections, held-out fold
models, a stage's work replaced, the settings recorded, undeclared writes caught)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from ficlens.errors import PipelineError
from ficlens.model import Character, Document, Paragraph, Quote
from ficlens.pipeline import STAGES, Pipeline, PipelineConfig, stage_names

DEMO = Path(__file__).resolve().parents[1] / "src" / "ficlens" / "data" / "demo"


@dataclass(frozen=True)
class _Config:
    level: int = 1


class _Stage:
    """A made-up stage: writes ``doc.metadata[name]`` or what ``fn`` writes."""

    def __init__(self, name: str, requires=(), assigns=("metadata",), fn=None, folds=None) -> None:  # noqa: ANN001
        self.name, self.requires, self.assigns = name, tuple(requires), tuple(assigns)
        self.fn = fn
        self.folds = folds or {}
        self.config = _Config()
        self.calls = 0

    def __call__(self, doc: Document) -> Document:
        self.calls += 1
        if self.fn is not None:
            self.fn(doc)
        else:
            doc.metadata = {**doc.metadata, self.name: doc.metadata.get("order", 0)}
            doc.metadata["order"] = doc.metadata.get("order", 0) + 1
        return doc

    def heldout(self, item: str) -> _Stage:
        return self.folds.get(item, self)


def _paragraphs(doc: Document) -> None:
    doc.paragraphs = [Paragraph(0, 0, len(doc.text), 0, 0)]


def _quotes(doc: Document) -> None:
    doc.quotes = [Quote(id="Q0", start=0, end=2, text=doc.text[:2], paragraph=0, mark="double")]


def _three() -> Pipeline:
    return Pipeline(
        stages=[
            _Stage("segment", requires=("text",), assigns=("paragraphs",), fn=_paragraphs),
            _Stage("quotes", requires=("paragraphs",), assigns=("quotes",), fn=_quotes),
            _Stage("network", requires=("quotes",)),
        ]
    )


def test_stages_run_in_order_and_are_recorded() -> None:
    doc = _three()(Document(text="Hi there."))
    assert doc.stages == ["segment", "quotes", "network"]
    assert doc.quotes[0].text == "Hi" and doc.metadata == {"network": 0, "order": 1}
    assert doc.config == {"segment": {"level": 1}, "quotes": {"level": 1}, "network": {"level": 1}}


def test_a_missing_requirement_names_the_stage_and_the_field() -> None:
    with pytest.raises(PipelineError, match=r"network.*\['quotes'\]"):
        Pipeline(stages=[_Stage("segment", assigns=("paragraphs",), fn=_paragraphs), _Stage("network", requires=("quotes",))])


def test_a_selection_runs_on_a_document_that_went_through_the_earlier_stages() -> None:
    pipeline = _three()
    later = pipeline.select(["network", "quotes"])
    assert later.names == ("quotes", "network")  # pipeline order, not the order asked
    assert later.stages[0] is pipeline.stages[1]  # the same stage objects
    with pytest.raises(PipelineError, match=r"quotes.*\['paragraphs'\]"):
        later(Document(text="Hi there."))  # nothing segmented it
    doc = pipeline.select(["segment"])(Document(text="Hi there."))
    doc = later(doc)
    assert doc.stages == ["segment", "quotes", "network"]
    with pytest.raises(PipelineError, match="unknown stage"):
        pipeline.select(["coref"])


def test_heldout_swaps_the_stages_that_have_folds() -> None:
    fold = _Stage("quotes", requires=("paragraphs",), assigns=("quotes",), fn=_quotes)
    pipeline = _three()
    pipeline.stages[1].folds = {"Emma": fold}
    held = pipeline.heldout("Emma")
    assert held is not pipeline and held.stages[1] is fold and held.stages[0] is pipeline.stages[0]
    assert pipeline.stages[1] is not fold  # the shared pipeline keeps its full models
    assert pipeline.heldout("Persuasion") is pipeline


def test_replace_does_a_stage_work_in_its_place() -> None:
    pipeline = _three()

    def gold(doc: Document) -> Document:
        doc.quotes = [Quote(id="Q0", start=3, end=8, text="there", paragraph=0, mark="double")]
        return doc

    doc = pipeline(Document(text="Hi there."), replace={"quotes": gold})
    assert [q.text for q in doc.quotes] == ["there"] and pipeline.stages[1].calls == 0
    assert doc.stages == ["segment", "quotes", "network"]
    with pytest.raises(PipelineError, match="unknown stage"):
        pipeline(Document(text="x"), replace={"speakers": gold})


def test_check_layers_catches_an_undeclared_write() -> None:
    def sneaky(doc: Document) -> None:
        doc.quotes = []
        doc.characters = [Character("C0", "Ann")]

    pipeline = Pipeline(stages=[_Stage("quotes", assigns=("quotes",), fn=sneaky)])
    assert pipeline(Document(text="x")).characters  # unchecked: nothing stops it
    with pytest.raises(PipelineError, match=r"quotes.*wrote \['characters'\]"):
        pipeline(Document(text="x"), check_layers=True)


def test_progress_is_reported_per_stage() -> None:
    seen: list[tuple[str, int, int]] = []
    _three()(Document(text="Hi."), progress=lambda name, done, total: seen.append((name, done, total)))
    assert seen == [("segment", 0, 1), ("segment", 1, 1), ("quotes", 0, 1), ("quotes", 1, 1), ("network", 0, 1), ("network", 1, 1)]


def test_a_stage_must_return_a_document() -> None:
    class Broken(_Stage):
        def __call__(self, doc: Document) -> Document:
            return None  # type: ignore[return-value]

    with pytest.raises(PipelineError, match="returned NoneType"):
        Pipeline(stages=[Broken("quotes")])(Document(text="x"))


def test_a_stage_may_appear_once() -> None:
    with pytest.raises(PipelineError, match="twice"):
        Pipeline(stages=[_Stage("quotes"), _Stage("quotes")])


def test_stage_names_between_two_stages() -> None:
    names = [cls.name for cls in STAGES]
    assert stage_names() == tuple(names)
    assert stage_names(after="segment", before="speakers") == ("quotes", "characters", "coref")
    assert stage_names(after=names[-1]) == ()


def test_config_from_dict_refuses_unknown_sections_and_options() -> None:
    assert PipelineConfig.from_dict({"speakers": {"max_candidates": 4}}).speakers.max_candidates == 4
    with pytest.raises(PipelineError, match="unknown section"):
        PipelineConfig.from_dict({"speaker": {}})
    with pytest.raises(PipelineError, match="unknown option"):
        PipelineConfig.from_dict({"speakers": {"max_candidate": 4}})


def test_a_config_selection_builds_only_those_stages_and_loads_no_parser() -> None:
    pipeline = Pipeline(PipelineConfig(stages=("quotes",)))
    assert pipeline.names == ("quotes",)
    with pytest.raises(PipelineError, match="unknown stage"):
        Pipeline(PipelineConfig(stages=("quotes", "magic")))


def test_the_speakers_stage_records_the_decoder_scores_it_uses() -> None:
    # The shipped model file carries the transition scores the ranker was tuned with; the
    # record must say those, not the configured defaults.
    pipeline = Pipeline(PipelineConfig(stages=("speakers",)))
    stage = pipeline.stage("speakers")
    used = pipeline.used_config()["speakers"]
    assert used["alternation_bonus"] == stage.config.alternation_bonus
    assert stage.bundle is not None
    assert used["alternation_bonus"] == float(stage.bundle.decoder["alternation_bonus"])


@pytest.mark.slow
def test_every_stage_writes_only_what_it_declares(nlp) -> None:  # noqa: ANN001
    from ficlens.ingest import read_document

    pipeline = Pipeline(nlp=nlp)
    doc = pipeline(read_document(DEMO / "story_a.txt"), check_layers=True)
    assert doc.stages == [cls.name for cls in STAGES]
    assert doc.quotes and doc.characters and doc.narration
    assert set(doc.config) == set(doc.stages)
