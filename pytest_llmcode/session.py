"""One evaluation run's pytest hooks, registered as a plugin only when models were asked
for, so a run without --llm-models pays nothing. The work is done elsewhere: settings.py
reads the options, assembly.py builds the run's parts, collect.py makes the items, and
reporting/ turns rows into reports."""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import pytest

from . import assembly
from .api.budget import budget_state
from .cases import EvalCase
from .catalog import Model
from .collect import CaseFile, LLMCodeItem, item_id, model_items
from .header import header_lines
from .outcome import Outcome
from .pipeline import Job, default_extract, default_messages
from .reporting import terminal
from .reporting.baseline import Baseline, BaselineError, load_baseline
from .reporting.gates import exit_status
from .reporting.json_report import write_json
from .reporting.live_progress import (
    CountsWriter,
    LiveProgress,
    configure_node,
    controller_counts,
    terminal_fd,
    worker_counts_path,
    worker_wants_counts,
)
from .reporting.manifest import RunFacts, report_meta
from .reporting.markdown import html_link, write_markdown
from .reporting.progress import Counts
from .reporting.resultlog import ResultLog, ResumeError, finished, partial_path, read_rows
from .reporting.results import Results
from .reporting.rows import Key, Row
from .reporting.summary import RunSummary, build
from .settings import Settings, verdict_dir
from .signals import sigterm_as_interrupt
from .status import FAILED
from .verdicts.cache import VerdictCache

# Requests in flight when the run ends get this long (at most --llm-timeout) to answer, so
# what they cost is known; then they are abandoned and reported as unanswered.
INTERRUPT_GRACE_S = 10.0
RUN_DIR_KEY = "llmcode_run_dir"


class LLMCodeSession:
    def __init__(self, config: pytest.Config, settings: Settings) -> None:
        self.config = config
        self.settings = settings
        self.is_worker = hasattr(config, "workerinput")
        self._models = settings.model_entries()
        self.baseline: Baseline | None = None
        if settings.gates.baseline is not None and not self.is_worker:
            try:
                self.baseline = load_baseline(settings.gates.baseline)
            except BaselineError as exc:
                raise pytest.UsageError(f"--llm-baseline: {exc}") from None
        reused: dict[Key, Row] = {}
        if settings.resume:
            try:
                reused = finished(read_rows(settings.resume))
            except ResumeError as exc:
                raise pytest.UsageError(str(exc)) from None
        self.results = Results(reused)
        self.parts: assembly.Parts | None = None
        self.planned: list[Key] = []  # what this process collected to run
        self.xdist_ids: list[str] = []  # the controller's view of what workers collected
        self.summary: RunSummary | None = None
        self.started = datetime.now(timezone.utc)
        self.interrupted = False
        # Failed reports that are not a model's wrong answer: gates never excuse these.
        self.other_failures = 0
        self.collect_errors = 0
        # State shared by this run's processes (the budget ledger): made by the controller,
        # handed to pytest-xdist workers.
        workerinput = getattr(config, "workerinput", {})
        self.run_dir = (Path(workerinput[RUN_DIR_KEY]) if RUN_DIR_KEY in workerinput
                        else Path(tempfile.mkdtemp(prefix="llmcode-run-")))
        self._restore_sigterm = sigterm_as_interrupt()
        self.live: LiveProgress | None = None  # the progress line, on the terminal's process
        self.counts_writer: CountsWriter | None = None  # a worker's counts for that line

    # -- what items need (collect.ItemRunner) --------------------------------------------

    @property
    def models(self) -> list[Model]:
        return self._models

    @property
    def samples(self) -> int:
        return self.settings.samples

    def wait_for(self, item: LLMCodeItem) -> Outcome:
        assert self.parts is not None, "collection_finish starts the pipeline"
        outcome = self.parts.pipeline.submit(self._job(item)).result()
        self.config.hook.pytest_llmcode_outcome(outcome=outcome)
        return outcome

    # -- header and collection ----------------------------------------------------------

    def pytest_report_header(self) -> list[str]:
        return header_lines(self.settings, assembly.image_name(self.settings),
                            assembly.cassettes(self.settings).where(),
                            len(self.results.reused))

    def case_items(self, parent: CaseFile, case: EvalCase) -> Iterator[pytest.Item]:
        yield from model_items(parent, case, self)

    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]
                                      ) -> None:
        """--llm-resume: items that passed or failed before are not run again."""
        if not self.results.reused:
            return
        keep, reused = [], []
        for item in items:
            if isinstance(item, LLMCodeItem) and item.key in self.results.reused:
                reused.append(item)
            else:
                keep.append(item)
        if reused:
            config.hook.pytest_deselected(items=reused)
            items[:] = keep

    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        items = [i for i in session.items if isinstance(i, LLMCodeItem)]
        if not items or self.config.option.collectonly or self._collection_stops():
            return
        self.planned = [i.key for i in items]
        self.results.cases = {i.case.name: i.case for i in items}
        worker = getattr(self.config, "workerinput", {}).get("workerid", "worker")
        if self.is_worker:
            self.results.worker_log = ResultLog(self.run_dir / f"outcomes-{worker}.jsonl")
        self.parts = assembly.start(self.settings, self.run_dir, self._messages,
                                    self._extract, self.results.on_outcome,
                                    VerdictCache(verdict_dir(self.config)))
        if self.is_worker and worker_wants_counts(self.config):
            self.counts_writer = CountsWriter(worker_counts_path(self.run_dir, worker),
                                              self._progress_counts)
        if not self.is_worker:
            for item in items:
                self.parts.pipeline.submit(self._job(item))

    def _collection_stops(self) -> bool:
        """pytest ends a run whose collection failed before any item runs: start nothing."""
        return bool(self.collect_errors) and not self.config.option.continue_on_collection_errors

    def _progress_counts(self) -> Counts:
        """This process's pipeline, or (the pytest-xdist controller) the workers' counts."""
        if self.parts is None:
            return controller_counts(self.run_dir)()
        p = self.parts.pipeline.progress()
        return Counts(p.answered, p.finished, p.spent_usd, p.unpriced)

    def _messages(self, job: Job) -> list[dict[str, str]]:
        hook = self.config.hook.pytest_llmcode_messages
        system = self.settings.system_prompt_for(job.model.id, job.case.system_prompt)
        return hook(case=job.case, model=job.model) or default_messages(job.case, system)

    def _extract(self, reply: str, case: EvalCase) -> str | None:
        custom = self.config.hook.pytest_llmcode_extract_code(reply=reply, case=case)
        return custom if custom is not None else default_extract(reply, case)

    # -- running ------------------------------------------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None) -> None:
        # An xdist worker learns its items one at a time: start the next one early.
        if self.is_worker and self.parts is not None:
            for candidate in (item, nextitem):
                if isinstance(candidate, LLMCodeItem):
                    self.parts.pipeline.submit(self._job(candidate))

    def _job(self, item: LLMCodeItem) -> Job:
        seed = self.settings.seed
        return Job(item.nodeid, item.case, item.model, item.sample,
                   None if seed is None else seed + item.sample - 1)

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        # Before pytest-xdist starts its workers (they are told whether to send counts).
        fd = terminal_fd(self.config)
        if fd is not None:
            self.live = LiveProgress(self.config, fd, self._progress_counts,
                                     lambda: len(self.planned or self.xdist_ids))
            self.config.pluginmanager.register(self.live, "llmcode-progress")
        report = self.settings.report
        if report and not self.is_worker and not self.config.option.collectonly:
            # A stale report from an earlier run must not pass for this one's.
            report.unlink(missing_ok=True)
            self.results.log = ResultLog(partial_path(report))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        row = Row.from_properties(report.user_properties)
        if report.when == "setup" and row is not None:
            self.results.on_report(row)
        if report.failed and not (row is not None and row.outcome == FAILED
                                  and report.when == "call"):
            self.other_failures += 1

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.other_failures += 1
            self.collect_errors += 1

    def pytest_keyboard_interrupt(self) -> None:
        # Stop sending and grading at once, not only when sessionfinish comes.
        self.interrupted = True
        if self.parts is not None:
            self.parts.pipeline.stop_starting()
        if self.results.log is not None:
            self.results.log.mark("interrupted")

    # -- pytest-xdist -------------------------------------------------------------------

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        node.workerinput[RUN_DIR_KEY] = str(self.run_dir)
        configure_node(node, shown=self.live is not None)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        if not self.xdist_ids:
            self.xdist_ids = list(ids)

    # -- the end ------------------------------------------------------------------------

    @pytest.hookimpl(trylast=True)  # after pytest-xdist has stopped its workers
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.counts_writer is not None:
            self.counts_writer.stop()
        try:
            if self.parts is not None:
                self.parts.close(grace_s=min(INTERRUPT_GRACE_S, self.settings.timeout_s))
        finally:
            if not self.is_worker:
                self._finish_report(session)

    def _finish_report(self, session: pytest.Session) -> None:
        s = self.settings
        if self.parts is None and self._collection_stops():
            # Nothing ran: pytest's own report of the collection errors says it all.
            if self.results.log is not None:
                self.results.log.remove()
            return
        rows = self.results.final(self._planned(), sorted(self.run_dir.glob("outcomes-*.jsonl")))
        budget = budget_state(assembly.budget_ledger(self.run_dir), s.max_cost) \
            if s.max_cost is not None else None
        summary = self.summary = build(
            rows,
            model_order=s.models,
            prices={m.id: m.output_per_m for m in self.models},
            k=s.samples,
            judge_model=s.judge_model,
            baseline=self.baseline,
            gate_settings=s.gates,
            interrupted=self.interrupted,
            budget_failure=budget.gate_failure() if budget else None,
        )
        session.exitstatus = exit_status(
            session.exitstatus, list(summary.gates), summary.gates_set,
            only_answers_failed=self.other_failures == 0,
        )
        if summary.budget_failure and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        if s.report and (rows or self.results.log is not None):
            image = assembly.image_name(s)
            facts = RunFacts(
                endpoint=s.base_url, image=image,
                image_id=(self.parts.image_id if self.parts is not None
                          else assembly.engine_image_id(image)),
                parameters=assembly.manifest_parameters(s), record_mode=s.record_mode,
                started=self.started, interrupted=self.interrupted, budget=budget,
                resumed_from=s.resume,
            )
            write_json(s.report, summary, report_meta(facts, summary.case_hashes))
            if self.results.log is not None:
                self.results.log.remove()
        if s.report_html and rows:
            from .reporting.html_report import RunInfo, write_html

            run = RunInfo(source="this run", endpoint=s.base_url,
                          started=self.started.isoformat(timespec="seconds"),
                          finished=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                          image=assembly.image_name(s), record_mode=s.record_mode,
                          interrupted=self.interrupted)
            write_html(s.report_html, summary, [run])
        if s.report_md:
            write_markdown(s.report_md, summary,
                           html_link(s.report_md, s.report_html, s.report_url))

    def _planned(self) -> list[Key]:
        """Every item this run meant to run (after deselection)."""
        if not self.xdist_ids:
            return self.planned
        names = {
            f"{item_id(m.id, n, self.samples)}": (m.id, n)
            for m in self.models for n in range(1, self.samples + 1)
        }
        keys = []
        for node_id in self.xdist_ids:
            name = node_id.rpartition("::")[2]
            case, _, rest = name.partition("[")
            if rest[:-1] in names:
                keys.append((case, *names[rest[:-1]]))
        return keys

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.is_worker or self.summary is None:
            return
        written = [(kind, path) for kind, path in (("JSON", self.settings.report),
                                                   ("Markdown", self.settings.report_md),
                                                   ("HTML", self.settings.report_html))
                   if path is not None]
        lines = terminal.section(self.summary, len(self.results.reported), written)
        if lines:
            terminalreporter.write_sep("=", terminal.TITLE)
            for line in lines:
                terminalreporter.write_line(line)
        budget = terminal.budget_line(self.summary)
        if budget:
            terminalreporter.write_line(budget, red=True, bold=True)

    def pytest_unconfigure(self) -> None:
        self._restore_sigterm()
        if self.live is not None:
            self.live.close()
        if not self.is_worker:
            shutil.rmtree(self.run_dir, ignore_errors=True)
