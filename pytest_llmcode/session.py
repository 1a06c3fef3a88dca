"""One evaluation run: settings, catalog, pipeline and results, registered as a plugin.

It exists only when models were asked for, so a run without --llm-models pays nothing.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from . import __version__
from . import summary as run_summary
from .answers import Answerer
from .baseline import Baseline, BaselineError, load_baseline
from .budget import Budget, budget_state
from .cases import MANIFEST_NAME, EvalCase
from .cassettes import Cassettes, endpoint_key
from .catalog import Catalog, CatalogError, Model
from .client import ChatClient, ClientSettings
from .confinement import confirm_confined
from .gates import exit_status, resolve_gates
from .grading import Grader
from .items import CaseFile, LLMCodeItem, item_id
from .judge import Judge
from .markdown import write_markdown
from .options import Settings, in_ci, raw
from .outcome import NOT_RUN, Outcome
from .pipeline import GenerationSettings, Job, Pipeline, default_extract, default_messages
from .ratelimit import RateLimiter, endpoint_dir
from .report import Row, run_notes, write_json
from .resultlog import ResultLog, ResumeError, finished, partial_path, read_rows
from .sandbox import Sandbox, SandboxError, sweep
from .scoring import Scorer
from .signals import sigterm_as_interrupt

# Requests in flight when the run ends get this long (at most --llm-timeout) to answer, so
# what they cost is known; then they are abandoned and reported as unanswered.
INTERRUPT_GRACE_S = 10.0
RUN_DIR_KEY = "llmcode_run_dir"

Key = tuple[str, str, int]  # case, model, sample


class LLMCodeSession:
    def __init__(self, config: pytest.Config, settings: Settings) -> None:
        self.config = config
        self.settings = settings
        self.catalog = Catalog()
        try:
            if settings.catalog:
                self.catalog.load_file(settings.catalog)
            for line in config.getini("llm_prices"):
                self.catalog.apply_price_line(line)
        except CatalogError as exc:
            raise pytest.UsageError(str(exc)) from None
        self.models: list[Model] = [self.catalog.get(m) for m in settings.models]
        self._check_budget_prices()
        self.is_worker = hasattr(config, "workerinput")
        self.rows: list[Row] = []
        self.reported: set[Key] = set()
        self.outcomes: dict[Key, Outcome] = {}  # as the pipeline ends them
        self.planned: list[Key] = []  # what this process collected to run
        self.xdist_ids: list[str] = []  # the controller's view of what workers collected
        self.pipeline: Pipeline | None = None
        self.sandbox: Sandbox | None = None
        self.grader: Grader | None = None
        self.scratch: Path | None = None
        self.started = datetime.now(timezone.utc)
        self.interrupted = False
        self.gate_settings = resolve_gates(config, settings.models)
        self.baseline: Baseline | None = None
        if self.gate_settings.baseline is not None and not self.is_worker:
            try:
                self.baseline = load_baseline(self.gate_settings.baseline)
            except BaselineError as exc:
                raise pytest.UsageError(f"--llm-baseline: {exc}") from None
        self.judge_model: Model | None = (
            self.catalog.get(settings.judge_model) if settings.judge_model else None
        )
        self.summary: run_summary.RunSummary | None = None
        self.judge: Judge | None = None
        # Failed reports that are not a model's wrong answer: gates never excuse these.
        self.other_failures = 0
        self.result_log: ResultLog | None = None  # the controller's REPORT.partial.jsonl
        self.outcome_log: ResultLog | None = None  # a worker's outcomes, for the controller
        self.reused: dict[Key, Row] = {}
        if settings.resume:
            try:
                self.reused = finished(read_rows(settings.resume))
            except ResumeError as exc:
                raise pytest.UsageError(str(exc)) from None
        # State shared by this run's processes (the budget ledger): made by the controller,
        # handed to pytest-xdist workers.
        workerinput = getattr(config, "workerinput", {})
        self.run_dir = (Path(workerinput[RUN_DIR_KEY]) if RUN_DIR_KEY in workerinput
                        else Path(tempfile.mkdtemp(prefix="llmcode-run-")))
        self._restore_sigterm = sigterm_as_interrupt()

    def _check_budget_prices(self) -> None:
        if self.settings.max_cost is None:
            return
        needed = {m.id for m in self.models if not m.is_reference}
        for model in list(needed):
            needed.update(self.settings.fallbacks.get(model, ()))
        unpriced = sorted(m for m in needed if self.catalog.get(m).output_per_m is None)
        if unpriced:
            raise pytest.UsageError(
                f"--llm-max-cost needs a price for every model it may call; none is known for "
                f"{', '.join(unpriced)} (add one with the ini option llm_prices = MODEL=USD_PER_M "
                "or --llm-catalog)"
            )

    @property
    def budget_ledger(self) -> Path:
        return self.run_dir / "budget.json"

    @property
    def image(self) -> str:
        if self.settings.image:
            return self.settings.image
        from .image import image_tag

        return image_tag()

    # -- header and collection ----------------------------------------------------------

    def pytest_report_header(self) -> list[str]:
        lines = [
            f"llmcode: models {', '.join(m.id for m in self.models)}; "
            f"endpoint {self.settings.endpoint_host}; sandbox image {self.image}",
            f"llmcode: concurrency {self.settings.concurrency}"
            + (f", {self.settings.rpm} requests/min" if self.settings.rpm else "")
            + f" per endpoint, grading workers "
            f"{self.settings.grading_workers}, samples {self.settings.samples}, "
            f"temperature {self.settings.temperature:g}",
            f"llmcode: record mode {self.settings.record_mode}"
            + (" (CI is set)" if in_ci() and raw(self.config, "record-mode") is None else "")
            + f"; cassettes in {self.cassettes.where()}",
        ]
        for model, chain in self.settings.fallbacks.items():
            lines.append(f"llmcode: fallback {' -> '.join((model, *chain))}")
        if self.settings.max_cost is not None:
            lines.append(
                f"llmcode: max cost ${self.settings.max_cost:g} for the run; worst case of one "
                + ("request from --llm-max-tokens" if self.settings.max_tokens
                   else "request estimated (no --llm-max-tokens): largest completion so far, "
                        "at least 4096 tokens")
            )
        if self.settings.resume:
            lines.append(
                f"llmcode: resuming {self.settings.resume}: {len(self.reused)} finished "
                "items are reused, not rerun"
            )
        unpriced = [m.id for m in self.models if m.output_per_m is None]
        if unpriced:
            lines.append(
                f"llmcode: no price known for {', '.join(unpriced)}: cost reported as unknown "
                "(add one with the ini option llm_prices = MODEL=USD_PER_M or --llm-catalog)"
            )
        gates = ", ".join(g.name for g in self.gate_settings.gates())
        if gates:
            lines.append(f"llmcode: gates {gates} decide the exit status of the answers")
        if self.judge_model is not None:
            lines.append(f"llmcode: judge {self.judge_model.id} rates code quality and "
                         "documentation (its cost is reported separately)")
        if (self.settings.missing_key_reason and self.settings.record_mode != "none"
                and any(not m.is_reference for m in self.models)):
            lines.append(f"llmcode: {self.settings.missing_key_reason}; API items without a "
                         "recorded answer are skipped")
        return lines

    @property
    def cassettes(self) -> Cassettes:
        s = self.settings
        return Cassettes(s.record_mode, s.cassette_dir, (s.api_key,) if s.api_key else ())

    def pytest_collect_file(self, file_path: Path, parent: pytest.Collector) -> CaseFile | None:
        if file_path.name == MANIFEST_NAME:
            return CaseFile.from_parent(parent, path=file_path)
        return None

    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]
                                      ) -> None:
        """--llm-resume: items that passed or failed before are not run again."""
        if not self.reused:
            return
        keep, reused = [], []
        for item in items:
            if isinstance(item, LLMCodeItem) and _key(item) in self.reused:
                reused.append(item)
            else:
                keep.append(item)
        if reused:
            config.hook.pytest_deselected(items=reused)
            items[:] = keep

    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        items = [i for i in session.items if isinstance(i, LLMCodeItem)]
        if not items or self.config.option.collectonly:
            return
        self.planned = [_key(i) for i in items]
        if self.is_worker:
            worker = getattr(self.config, "workerinput", {}).get("workerid", "worker")
            self.outcome_log = ResultLog(self.run_dir / f"outcomes-{worker}.jsonl")
        self.pipeline = self._start_pipeline()
        if not self.is_worker:
            for item in items:
                self.pipeline.submit(self._job(item))

    def _start_pipeline(self) -> Pipeline:
        grader = None
        unavailable = None
        self.scratch = Path(tempfile.mkdtemp(prefix="llmcode-"))
        try:
            self.sandbox = Sandbox(self.image)
            sweep(self.sandbox.client)
            self.sandbox.check_image()
            confirm_confined(self.sandbox, self.scratch)
            grader = Grader(self.sandbox, self.scratch, workers=self.settings.grading_workers,
                            spares=self.settings.grading_workers)
            self.grader = grader
        except SandboxError as exc:
            unavailable = f"cannot grade: {exc}"
        s = self.settings
        limiter = RateLimiter(endpoint_dir(s.base_url), s.concurrency, s.rpm)
        budget = (None if s.max_cost is None else
                  Budget(s.max_cost, self.budget_ledger, self.catalog.get, s.max_tokens))
        params: dict[str, Any] = {"temperature": s.temperature}
        if s.max_tokens is not None:
            params["max_tokens"] = s.max_tokens

        def client() -> ChatClient:
            return ChatClient(
                ClientSettings(s.base_url, s.api_key, s.key_env, s.timeout_s, s.retries),
                limiter=limiter,
                budget=budget,
            )

        answerer = Answerer(
            client_factory=client,
            price_of=self.catalog.get,
            endpoint=endpoint_key(s.base_url),
            params=params,
            fallbacks=s.fallbacks,
            cassettes=self.cassettes,
            missing_key_reason=s.missing_key_reason,
        )
        judge = Judge(self.judge_model, client(), s.seed) if self.judge_model else None
        self.judge = judge
        return Pipeline(
            GenerationSettings(concurrency=s.concurrency, grading_workers=s.grading_workers),
            answerer,
            grader=grader,
            grading_unavailable=unavailable,
            on_outcome=self._on_outcome,
            messages=self._messages,
            extract=self._extract,
            scorer=Scorer(judge),
        )

    def _messages(self, job: Job) -> list[dict[str, str]]:
        hook = self.config.hook.pytest_llmcode_messages
        return hook(case=job.case, model=job.model) or default_messages(job)

    def _extract(self, reply: str, case: EvalCase) -> str | None:
        custom = self.config.hook.pytest_llmcode_extract_code(reply=reply, case=case)
        return custom if custom is not None else default_extract(reply, case)

    def _on_outcome(self, outcome: Outcome) -> None:
        self.outcomes[(outcome.case, outcome.model, outcome.sample)] = outcome
        if self.outcome_log is not None:
            # Written as it happens: a worker that xdist kills at the end loses nothing.
            self.outcome_log.append(Row.from_outcome(outcome))

    # -- running ------------------------------------------------------------------------

    def wait_for(self, item: LLMCodeItem) -> Outcome:
        assert self.pipeline is not None, "collection_finish starts the pipeline"
        outcome = self.pipeline.submit(self._job(item)).result()
        self.config.hook.pytest_llmcode_outcome(outcome=outcome)
        return outcome

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None) -> None:
        # An xdist worker learns its items one at a time: start the next one early.
        if self.is_worker and self.pipeline is not None:
            for candidate in (item, nextitem):
                if isinstance(candidate, LLMCodeItem):
                    self.pipeline.submit(self._job(candidate))

    def _job(self, item: LLMCodeItem) -> Job:
        seed = self.settings.seed
        return Job(item.nodeid, item.case, item.model, item.sample,
                   None if seed is None else seed + item.sample - 1)

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        report = self.settings.report
        if report and not self.is_worker and not self.config.option.collectonly:
            # A stale report from an earlier run must not pass for this one's.
            report.unlink(missing_ok=True)
            self.result_log = ResultLog(partial_path(report))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        row = Row.from_properties(report.user_properties)
        if report.when == "setup" and row is not None:
            self.rows.append(row)
            self.reported.add((row.case, row.model, int(row.sample)))
            if self.result_log is not None:
                self.result_log.append(row)
        if report.failed and not (row is not None and row.outcome == "failed"
                                  and report.when == "call"):
            self.other_failures += 1

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.other_failures += 1

    def pytest_keyboard_interrupt(self) -> None:
        # Stop sending and grading at once, not only when sessionfinish comes.
        self.interrupted = True
        if self.pipeline is not None:
            self.pipeline.stop_starting()
        if self.result_log is not None:
            self.result_log.mark("interrupted")

    # -- pytest-xdist -------------------------------------------------------------------

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        node.workerinput[RUN_DIR_KEY] = str(self.run_dir)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        if not self.xdist_ids:
            self.xdist_ids = list(ids)

    # -- the end ------------------------------------------------------------------------

    @pytest.hookimpl(trylast=True)  # after pytest-xdist has stopped its workers
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        try:
            if self.pipeline is not None:
                self.pipeline.close(grace_s=min(INTERRUPT_GRACE_S, self.settings.timeout_s))
        finally:
            try:
                if self.grader is not None:
                    self.grader.close()
                if self.judge is not None:
                    self.judge.close()
                if self.sandbox is not None:
                    self.sandbox.close()
                if self.scratch is not None:
                    shutil.rmtree(self.scratch, ignore_errors=True)
            finally:
                if not self.is_worker:
                    self._finish_report(session)

    def _unreported_rows(self) -> list[Row]:
        """Items this process ended without a pytest report: finished in the background, or
        not run (with what their requests cost so far)."""
        return [Row.from_outcome(o) for o in self.outcomes.values()
                if (o.case, o.model, o.sample) not in self.reported]

    def _finish_report(self, session: pytest.Session) -> None:
        extra = {(r.case, r.model, int(r.sample)): r for r in self._unreported_rows()}
        for path in sorted(self.run_dir.glob("outcomes-*.jsonl")):
            # pytest-xdist workers' outcomes, for items whose report never reached us.
            for row in read_rows(path):
                extra[(row.case, row.model, int(row.sample))] = row
        for key in self._planned():
            if key not in self.reported and key not in extra:
                extra[key] = Row(*key, outcome=NOT_RUN,
                                 failure="not run: the run ended before the item started")
        self.rows.extend(r for k, r in extra.items() if k not in self.reported)
        self.rows.extend(r for k, r in self.reused.items()
                         if k not in self.reported and k not in extra)
        summary = self._summarize()
        session.exitstatus = exit_status(
            session.exitstatus, list(summary.gates), summary.gates_set,
            only_answers_failed=self.other_failures == 0,
        )
        if self.budget_stop and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        if self.settings.report and (self.rows or self.result_log is not None):
            write_json(self.settings.report, list(summary.rows), self._meta(summary),
                       summary.models, run_summary.json_sections(summary))
            if self.result_log is not None:
                self.result_log.remove()
        if self.settings.report_md:
            write_markdown(self.settings.report_md, summary)

    def _summarize(self) -> run_summary.RunSummary:
        judge = self.judge_model
        self.summary = run_summary.build(
            self.rows,
            model_order=tuple(m.id for m in self.models),
            prices={m.id: m.output_per_m for m in self.models},
            k=self.settings.samples,
            judge_model=judge.id if judge else None,
            baseline=self.baseline,
            gate_settings=self.gate_settings,
        )
        return self.summary

    def _planned(self) -> list[Key]:
        """Every item this run meant to run (after deselection)."""
        if not self.xdist_ids:
            return self.planned
        names = {
            f"{item_id(m.id, n, self.settings.samples)}": (m.id, n)
            for m in self.models for n in range(1, self.settings.samples + 1)
        }
        keys = []
        for node_id in self.xdist_ids:
            name = node_id.rpartition("::")[2]
            case, _, rest = name.partition("[")
            if rest[:-1] in names:
                keys.append((case, *names[rest[:-1]]))
        return keys

    @property
    def budget_stop(self) -> str | None:
        if self.settings.max_cost is None:
            return None
        return budget_state(self.budget_ledger, self.settings.max_cost).gate_failure()

    def _meta(self, summary: run_summary.RunSummary) -> dict[str, Any]:
        ended = datetime.now(timezone.utc).isoformat(timespec="seconds")
        started = self.started.isoformat(timespec="seconds")
        s = self.settings
        meta: dict[str, Any] = {
            "plugin_version": __version__,
            "endpoint": s.base_url,
            "image": self.image,
            "started": started,
            "finished": ended,
            "interrupted": self.interrupted,
            # Enough to tell whether two reports measured the same thing the same way.
            "manifest": {
                "plugin_version": __version__,
                "image": self.image,
                "image_id": self._image_id(),
                "cases": summary.case_hashes,
                "parameters": {
                    "endpoint": s.base_url,
                    "models": list(s.models),
                    "temperature": s.temperature,
                    "max_tokens": s.max_tokens,
                    "seed": s.seed,
                    "samples": s.samples,
                    "judge_model": s.judge_model,
                    "timeout_s": s.timeout_s,
                    "retries": s.retries,
                },
                "started": started,
                "finished": ended,
            },
            "record_mode": self.settings.record_mode,
        }
        if self.settings.max_cost is not None:
            meta["budget"] = asdict(budget_state(self.budget_ledger, self.settings.max_cost))
        if self.settings.resume:
            meta["resumed_from"] = str(self.settings.resume)
        return meta

    def _image_id(self) -> str | None:
        """The engine's id of the sandbox image (a tag can be rebuilt; the id cannot)."""
        try:
            from .sandbox import connect

            client = connect()
        except SandboxError:
            return None
        try:
            return str(client.images.get(self.image).id)
        except Exception:  # noqa: BLE001 - a missing image is reported elsewhere
            return None
        finally:
            client.close()

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.is_worker or self.summary is None:
            return
        if self.rows or self.summary.gates or self.interrupted:
            terminalreporter.write_sep("=", "llmcode results")
            if self.interrupted:
                terminalreporter.write_line(
                    f"llmcode: interrupted after {len(self.reported)} finished item(s); "
                    "unfinished work was cancelled and its containers removed"
                )
            for line in run_summary.terminal_lines(self.summary):
                terminalreporter.write_line(line)
            for line in run_notes(self.rows):
                terminalreporter.write_line(f"llmcode: {line}")
            if self.settings.report:
                terminalreporter.write_line(f"JSON report: {self.settings.report}")
            if self.settings.report_md:
                terminalreporter.write_line(f"Markdown report: {self.settings.report_md}")
        stop = self.budget_stop
        if stop:
            terminalreporter.write_line(f"llmcode gate failed: {stop}", red=True, bold=True)

    def pytest_unconfigure(self) -> None:
        self._restore_sigterm()
        if not self.is_worker:
            shutil.rmtree(self.run_dir, ignore_errors=True)


def _key(item: LLMCodeItem) -> Key:
    return (item.case.name, item.model.id, item.sample)
