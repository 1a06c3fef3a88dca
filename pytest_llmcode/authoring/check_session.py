"""`--llm-check-cases`: one item per eval case, `CASE[check]`, that passes when the case is
sound and fails with the cause when it is broken. No model is asked and nothing is spent;
the cases are checked in parallel in the sandbox as soon as collection ends."""

from __future__ import annotations

from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from typing import Any, Callable, Iterator

import pytest

from .. import assembly
from ..cases import EvalCase
from ..collect import CaseFile
from ..settings import Settings, verdict_dir
from ..verdicts.cache import VerdictCache
from ..verdicts.suites import Suites
from .case_check import CaseCheck, check_case, check_message

OUTCOME = "llmcode_check"  # user property: sound | broken | error
REFERENCE = "llmcode_check_reference"  # user property: graded | reused


class BrokenCase(Exception):
    """The case cannot fairly judge a model: reported as a failure of its check item."""


class CaseCheckSession:
    def __init__(self, config: pytest.Config, settings: Settings) -> None:
        self.config = config
        self.settings = settings
        self.is_worker = hasattr(config, "workerinput")
        self.grading: assembly.Grading | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._checks: dict[str, Future[CaseCheck]] = {}
        self.seen: dict[str, list[str]] = {"sound": [], "broken": [], "error": []}
        self.reused = 0
        self.collect_errors = 0

    # -- collection -----------------------------------------------------------------------

    def case_items(self, parent: CaseFile, case: EvalCase) -> Iterator[pytest.Item]:
        yield CheckItem.from_parent(parent, name=f"{case.name}[check]", case=case,
                                    wait=self.wait_for)

    def pytest_report_header(self) -> list[str]:
        cache = verdict_dir(self.config)
        ignored = f" (--llm-models {','.join(self.settings.models)} is ignored)" \
            if self.settings.models else ""
        return [f"llmcode: checking eval cases: no model is asked{ignored}, nothing is spent; "
                f"sandbox image {assembly.image_name(self.settings)}",
                "llmcode: verdicts are reused from "
                + (f"{cache} while a case and the image stay the same" if cache
                   else "nowhere (the cache provider is off): every reference is graded")]

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collect_errors += 1

    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        items = [i for i in session.items if isinstance(i, CheckItem)]
        stopping = self.collect_errors and not self.config.option.continue_on_collection_errors
        if not items or self.config.option.collectonly or stopping:
            return
        self.grading = grading = assembly.start_grading(self.settings)
        # Each case is checked in one thread of the pool, its reference graded in that
        # thread too, so no check waits for a thread that waits for it.
        suites = Suites(grading.grader, grading.unavailable, lambda task: task(),
                        VerdictCache(verdict_dir(self.config)), grading.image_id)
        self._pool = ThreadPoolExecutor(self.settings.grading_workers, "llmcode-check")
        for item in items:
            self._checks[item.case.name] = self._pool.submit(check_case, item.case, suites)

    def wait_for(self, item: CheckItem) -> CaseCheck:
        future = self._checks.get(item.case.name)
        if future is None:
            return CaseCheck(error="the check did not start")
        try:
            return future.result()
        except CancelledError:
            return CaseCheck(error="not run: the run ended before this case was checked")

    # -- results ----------------------------------------------------------------------------

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        properties = dict(report.user_properties)
        if report.when != "setup" or OUTCOME not in properties:
            return
        case = report.nodeid.rpartition("::")[2].removesuffix("[check]")
        self.seen[str(properties[OUTCOME])].append(case)
        self.reused += properties.get(REFERENCE) == "reused"

    def pytest_keyboard_interrupt(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        if self.grading is not None:
            self.grading.close()

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        checked = sum(len(cases) for cases in self.seen.values())
        if self.is_worker or not checked:
            return
        broken, errors = self.seen["broken"], self.seen["error"]
        parts = [f"{len(self.seen['sound'])} sound"]
        if broken:
            parts.append(f"{len(broken)} broken ({', '.join(sorted(broken))})")
        if errors:
            parts.append(f"{len(errors)} not checked ({', '.join(sorted(errors))})")
        terminalreporter.write_line(
            f"llmcode check: {checked} case{'s' * (checked != 1)}: {', '.join(parts)}; "
            f"{self.reused} reference verdict{'s' * (self.reused != 1)} reused from earlier "
            "runs", red=bool(broken or errors), green=not (broken or errors), bold=True)


class CheckItem(pytest.Item):
    def __init__(self, *, case: EvalCase, wait: Callable[[CheckItem], CaseCheck],
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self._wait = wait
        self.check: CaseCheck | None = None
        self.extra_keyword_matches.update({*case.tags, case.language})

    def setup(self) -> None:
        check = self.check = self._wait(self)
        outcome = "error" if check.error is not None else "broken" if check.problems else "sound"
        self.user_properties += [(OUTCOME, outcome),
                                 (REFERENCE, "reused" if check.reference_cached else "graded")]
        if check.error is not None:
            pytest.fail(f"[infrastructure] {check.error}", pytrace=False)

    def runtest(self) -> None:
        assert self.check is not None
        if self.check.problems:
            raise BrokenCase(check_message(self.case, self.check))

    def repr_failure(  # type: ignore[override]
        self, excinfo: pytest.ExceptionInfo[BaseException]
    ) -> str:
        if isinstance(excinfo.value, BrokenCase):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[str, int | None, str]:
        return str(self.path), None, self.name
