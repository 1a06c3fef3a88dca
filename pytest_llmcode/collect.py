"""Collection: a case (a folder's manifest, or a one-file Python case) becomes pytest
items: one per model and sample in a model run, one in a case check."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator, Protocol

import pytest

from .cases import CaseError, EvalCase, load_case
from .cases.onefile import load_one_file_case
from .catalog import Model
from .outcome import Outcome
from .reporting.outcome_rows import row_of
from .reporting.rows import Key
from .sanitize import sanitize
from .status import ERROR, FAILED, NOT_RUN, SKIPPED
from .verdicts.suites import BROKEN

UNSAFE_ID = re.compile(r"[^A-Za-z0-9_.-]+")
SHOWN_LIMIT = 20_000  # a failure's whole text: message, failing tests, output, code excerpt


class CaseRunner(Protocol):
    """What makes a case's items: the model run (session.py) or the case check."""

    def case_items(self, parent: CaseFile, case: EvalCase) -> Iterator[pytest.Item]: ...


RUNNER_KEY = pytest.StashKey[CaseRunner]()
CASE_SOURCES = pytest.StashKey[dict[str, Path]]()  # case name -> where it was collected


class ItemRunner(Protocol):
    """What model items need from the run (session.LLMCodeSession)."""

    @property
    def models(self) -> list[Model]: ...

    @property
    def samples(self) -> int: ...

    def wait_for(self, item: LLMCodeItem) -> Outcome: ...


class CaseFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        case = load_one_file_case(self.path) if self.path.suffix == ".py" else \
            load_case(self.path)
        seen = self.config.stash.setdefault(CASE_SOURCES, {})
        other = seen.setdefault(case.name, case.source)
        if other != case.source:
            raise CaseError(f"{case.source}: the case name {case.name!r} is taken by {other}: "
                            "give one of them another `name`")
        yield from self.config.stash[RUNNER_KEY].case_items(self, case)

    def repr_failure(  # type: ignore[override]
        self, excinfo: pytest.ExceptionInfo[BaseException]
    ) -> str:
        if isinstance(excinfo.value, CaseError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))


def model_items(parent: CaseFile, case: EvalCase, runner: ItemRunner
                ) -> Iterator[LLMCodeItem]:
    samples = runner.samples
    for model in runner.models:
        for sample in range(1, samples + 1):
            name = f"{case.name}[{item_id(model.id, sample, samples)}]"
            yield LLMCodeItem.from_parent(parent, name=name, case=case, model=model,
                                          sample=sample, runner=runner)


def item_id(model_id: str, sample: int, samples: int) -> str:
    safe = UNSAFE_ID.sub("_", model_id)
    return f"{safe}-s{sample}" if samples > 1 else safe


class AnswerFailed(Exception):
    """The model's answer is wrong: reported as a pytest failure."""


class LLMCodeItem(pytest.Item):
    def __init__(self, *, case: EvalCase, model: Model, sample: int, runner: ItemRunner,
                 **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.runner = runner
        self.case = case
        self.model = model
        self.sample = sample
        self.outcome: Outcome | None = None
        # `-k` matches a case's tags, language and model besides the item name.
        self.extra_keyword_matches.update({*case.tags, case.language, model.id})

    @property
    def key(self) -> Key:
        return (self.case.name, self.model.id, self.sample)

    def setup(self) -> None:
        outcome = self.runner.wait_for(self)
        self.outcome = outcome
        row = row_of(outcome, self.case)
        self.user_properties.extend(row.properties())
        if outcome.status in (ERROR, NOT_RUN):
            # Raised in setup, so pytest reports an error (infrastructure or a broken case:
            # never the model's fault), not a failure.
            label = "" if outcome.message.startswith(BROKEN) else "[infrastructure] "
            pytest.fail(sanitize(f"{label}{outcome.message}", SHOWN_LIMIT), pytrace=False)
        if outcome.status == SKIPPED:
            pytest.skip(outcome.message)

    def runtest(self) -> None:
        assert self.outcome is not None
        if self.outcome.status == FAILED:
            raise AnswerFailed(self.outcome.message)

    def repr_failure(  # type: ignore[override]
        self, excinfo: pytest.ExceptionInfo[BaseException]
    ) -> str:
        if isinstance(excinfo.value, AnswerFailed) and self.outcome is not None:
            # Each part came from a container or the network: shown only once it carries
            # no terminal escape and no CI log command.
            return sanitize(failure_text(self.outcome), SHOWN_LIMIT)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[str, int | None, str]:
        return str(self.path), None, self.name


def failure_text(outcome: Outcome) -> str:
    lines = [outcome.message]
    grade = outcome.grade
    if grade is not None:
        for test in grade.failed_tests[:3]:
            if test.message:
                lines += ["", f"--- {test.id} ({test.outcome})", test.message.strip()[-1200:]]
        if grade.output and (grade.stage != "test" or not grade.failed_tests):
            lines += ["", "--- output", grade.output.strip()[-2000:]]
    if outcome.code:
        code_lines = outcome.code.splitlines()
        excerpt = sanitize("\n".join(code_lines[:25]), limit=4000)
        lines += ["", f"--- extracted code ({len(code_lines)} lines)", excerpt]
        if len(code_lines) > 25:
            lines.append("...")
    return "\n".join(lines)
