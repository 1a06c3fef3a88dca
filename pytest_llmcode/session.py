"""One evaluation run: settings, catalog, pipeline and results, registered as a plugin.

It exists only when models were asked for, so a run without --llm-models pays nothing.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from . import __version__
from . import summary as run_summary
from .baseline import Baseline, BaselineError, load_baseline
from .cases import MANIFEST_NAME, EvalCase
from .catalog import Catalog, CatalogError, Model
from .client import ChatClient, ClientSettings
from .confinement import confirm_confined
from .gates import exit_status, resolve_gates
from .grading import Grader
from .items import CaseFile, LLMCodeItem
from .judge import Judge
from .markdown import write_markdown
from .options import Settings
from .outcome import Outcome
from .pipeline import GenerationSettings, Job, Pipeline, default_extract, default_messages
from .report import Row, write_json
from .sandbox import Sandbox, SandboxError, sweep
from .scoring import Scorer


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
        self.is_worker = hasattr(config, "workerinput")
        self.rows: list[Row] = []
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
            f"llmcode: concurrency {self.settings.concurrency}, grading workers "
            f"{self.settings.grading_workers}, samples {self.settings.samples}, "
            f"temperature {self.settings.temperature:g}",
        ]
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
        if self.settings.missing_key_reason and any(not m.is_reference for m in self.models):
            lines.append(f"llmcode: {self.settings.missing_key_reason}; API items are skipped")
        return lines

    def pytest_collect_file(self, file_path: Path, parent: pytest.Collector) -> CaseFile | None:
        if file_path.name == MANIFEST_NAME:
            return CaseFile.from_parent(parent, path=file_path)
        return None

    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        items = [i for i in session.items if isinstance(i, LLMCodeItem)]
        if not items or self.config.option.collectonly:
            return
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
            grader = Grader(self.sandbox, self.scratch, spares=self.settings.grading_workers)
            self.grader = grader
        except SandboxError as exc:
            unavailable = f"cannot grade: {exc}"
        s = self.settings

        def client() -> ChatClient:
            return ChatClient(
                ClientSettings(s.base_url, s.api_key, s.key_env, s.timeout_s, s.retries)
            )

        judge = Judge(self.judge_model, client(), s.seed) if self.judge_model else None
        self.judge = judge
        return Pipeline(
            GenerationSettings(
                temperature=s.temperature,
                max_tokens=s.max_tokens,
                concurrency=s.concurrency,
                grading_workers=s.grading_workers,
                missing_key_reason=s.missing_key_reason,
            ),
            client_factory=client,
            grader=grader,
            grading_unavailable=unavailable,
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

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        row = Row.from_properties(report.user_properties)
        if report.when == "setup" and row is not None:
            self.rows.append(row)
        if report.failed and not (row is not None and row.outcome == "failed"
                                  and report.when == "call"):
            self.other_failures += 1

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.other_failures += 1

    def pytest_keyboard_interrupt(self) -> None:
        self.interrupted = True

    # -- the end ------------------------------------------------------------------------

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.pipeline is not None:
            self.pipeline.close()
        if self.grader is not None:
            self.grader.close()
        if self.judge is not None:
            self.judge.close()
        if self.sandbox is not None:
            self.sandbox.close()
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
        if self.is_worker:
            return
        summary = self._summarize()
        session.exitstatus = exit_status(
            session.exitstatus, list(summary.gates), summary.gates_set,
            only_answers_failed=self.other_failures == 0,
        )
        if self.settings.report:
            write_json(self.settings.report, list(summary.rows), self._meta(summary),
                       summary.models, run_summary.json_sections(summary))
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

    def _meta(self, summary: run_summary.RunSummary) -> dict[str, Any]:
        finished = datetime.now(timezone.utc).isoformat(timespec="seconds")
        started = self.started.isoformat(timespec="seconds")
        s = self.settings
        return {
            "plugin_version": __version__,
            "endpoint": s.base_url,
            "image": self.image,
            "started": started,
            "finished": finished,
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
                "finished": finished,
            },
        }

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
        if not (self.rows or self.summary.gates or self.interrupted):
            return
        terminalreporter.write_sep("=", "llmcode results")
        if self.interrupted:
            terminalreporter.write_line(
                f"llmcode: interrupted after {len(self.rows)} finished item(s); unfinished work "
                "was cancelled and its containers removed"
            )
        for line in run_summary.terminal_lines(self.summary):
            terminalreporter.write_line(line)
        if self.settings.report:
            terminalreporter.write_line(f"JSON report: {self.settings.report}")
        if self.settings.report_md:
            terminalreporter.write_line(f"Markdown report: {self.settings.report_md}")
