"""The two queues: generation (concurrent HTTP) feeding grading (concurrent containers).

Items are submitted as soon as collection is done; pytest items then only wait for their
own outcome. A case's hidden suite is validated once (its reference answer must pass) and
the ids it reports become the exact set every answer must pass.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, Callable

from .cases import EvalCase
from .catalog import Model
from .client import ApiError, ChatClient, Completion
from .extract import extract_code
from .grading import Grade, Grader
from .outcome import ERROR, FAILED, PASSED, SKIPPED, Outcome
from .scoring import ItemScore, Scorer


@dataclass(frozen=True)
class Job:
    key: str
    case: EvalCase
    model: Model
    sample: int = 1
    seed: int | None = None  # sent with the request when set


def default_messages(job: Job) -> list[dict[str, str]]:
    """The documents' method: one user message, the case's prompt, no prompt tricks."""
    return [{"role": "user", "content": job.case.prompt}]


def default_extract(reply: str, case: EvalCase) -> str | None:
    return extract_code(reply, case.language)


@dataclass(frozen=True)
class GenerationSettings:
    temperature: float = 0.0
    max_tokens: int | None = None
    concurrency: int = 8
    grading_workers: int = 2
    missing_key_reason: str | None = None  # set when the endpoint needs a key and has none


@dataclass(frozen=True)
class Suite:
    """A case's hidden suite as its reference answer saw it."""

    ids: frozenset[str] | None
    reference_grade: Grade | None
    error: str | None = None


class Pipeline:
    def __init__(
        self,
        settings: GenerationSettings,
        client_factory: Callable[[], ChatClient],
        grader: Grader | None,
        grading_unavailable: str | None,
        on_outcome: Callable[[Outcome], None] | None = None,
        messages: Callable[[Job], list[dict[str, str]]] | None = None,
        extract: Callable[[str, EvalCase], str | None] | None = None,
        scorer: Scorer | None = None,
    ) -> None:
        self.settings = settings
        self._client_factory = client_factory
        self._client: ChatClient | None = None
        self._grader = grader
        self._grading_unavailable = grading_unavailable
        self._on_outcome = on_outcome
        self._messages = messages or default_messages
        self._extract = extract or default_extract
        self._scorer = scorer
        self._cases: dict[str, EvalCase] = {}
        self._generation = ThreadPoolExecutor(settings.concurrency, "llmcode-gen")
        self._grading = ThreadPoolExecutor(settings.grading_workers, "llmcode-grade")
        self._futures: dict[str, tuple[Job, Future[Outcome]]] = {}
        self._suites: dict[str, Future[Suite]] = {}
        self._lock = threading.Lock()
        self._closing = False

    # -- public -----------------------------------------------------------------------

    def submit(self, job: Job) -> Future[Outcome]:
        with self._lock:
            if job.key in self._futures:
                return self._futures[job.key][1]
            future: Future[Outcome] = Future()
            self._futures[job.key] = (job, future)
            self._cases[job.case.name] = job.case
        if self._closing:
            self._finish(future, _error(job, "not run: the session was ending"))
        elif job.model.is_reference:
            self._suite(job.case).add_done_callback(
                lambda suite: self._finish(future, self._reference_outcome(job, suite.result()))
            )
        elif self.settings.missing_key_reason:
            self._finish(future, _outcome(job, SKIPPED, self.settings.missing_key_reason))
        else:
            if self._grader is not None:
                self._suite(job.case)
            self._generation.submit(self._generate, job, future)
        return future

    def close(self) -> None:
        """Cancel what has not started; outcomes of unfinished items become errors."""
        self._closing = True
        self._generation.shutdown(wait=False, cancel_futures=True)
        self._grading.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            pending = [(job, f) for job, f in self._futures.values() if not f.done()]
        for job, future in pending:
            self._finish(future, _error(job, "not run: the session ended before it finished"))
        if self._client is not None:
            self._client.close()

    # -- generation -------------------------------------------------------------------

    @property
    def client(self) -> ChatClient:
        with self._lock:
            if self._client is None:
                self._client = self._client_factory()
            return self._client

    def _generate(self, job: Job, future: Future[Outcome]) -> None:
        try:
            params: dict[str, Any] = {"temperature": self.settings.temperature}
            if self.settings.max_tokens is not None:
                params["max_tokens"] = self.settings.max_tokens
            if job.seed is not None:
                params["seed"] = job.seed
            completion = self.client.complete(job.model.id, self._messages(job), **params)
        except ApiError as exc:
            self._finish(future, _error(job, str(exc)))
            return
        except Exception as exc:  # noqa: BLE001 - a bug must not hang the item
            self._finish(future, _error(job, f"generation crashed: {exc!r}"))
            return
        cost = job.model.cost(completion.prompt_tokens, completion.completion_tokens)
        code = self._extract(completion.text, job.case)
        if code is None:
            self._finish(
                future,
                _outcome(
                    job,
                    FAILED,
                    f"the reply holds no usable {job.case.language} code (no fenced code block "
                    f"tagged {job.case.language} or untagged); reply starts: "
                    f"{completion.text[:300]!r}",
                    completion,
                    cost,
                ),
            )
            return
        if self._grader is None:
            self._finish(
                future, _outcome(job, ERROR, str(self._grading_unavailable), completion, cost, code)
            )
            return
        try:
            self._grading.submit(self._grade, job, future, completion, cost, code)
        except RuntimeError:
            self._finish(future, _error(job, "not graded: the session was ending"))

    # -- grading ----------------------------------------------------------------------

    def _grade(
        self, job: Job, future: Future[Outcome], completion: Completion, cost: float | None,
        code: str,
    ) -> None:
        assert self._grader is not None
        suite = self._suite(job.case).result()
        if suite.error:
            self._finish(future, _outcome(job, ERROR, suite.error, completion, cost, code))
            return
        try:
            grade = self._grader.grade(job.case, code, suite.ids)
        except Exception as exc:  # noqa: BLE001 - a bug must not hang the item
            grade = Grade("error", f"grading crashed: {exc!r}")
        self._finish(future, _outcome(job, grade.verdict, grade.message, completion, cost, code, grade))

    def _suite(self, case: EvalCase) -> Future[Suite]:
        with self._lock:
            suite = self._suites.get(case.name)
            if suite is None:
                suite = Future()
                self._suites[case.name] = suite
                if self._grader is None:
                    suite.set_result(Suite(None, None, str(self._grading_unavailable)))
                else:
                    self._grading.submit(self._validate_suite, case, suite)
        return suite

    def _validate_suite(self, case: EvalCase, suite: Future[Suite]) -> None:
        assert self._grader is not None
        try:
            grade = self._grader.grade(case, case.reference_file.read_text("utf-8"), None)
        except Exception as exc:  # noqa: BLE001
            grade = Grade("error", f"grading crashed: {exc!r}")
        if grade.verdict == PASSED:
            suite.set_result(Suite(frozenset(t.id for t in grade.tests), grade))
        elif grade.verdict == ERROR:
            suite.set_result(Suite(None, grade, grade.message))
        else:
            suite.set_result(
                Suite(
                    None,
                    grade,
                    f"case {case.name} is broken: its reference answer "
                    f"({case.reference_file}) fails its own hidden tests: {grade.message}",
                )
            )

    def _reference_outcome(self, job: Job, suite: Suite) -> Outcome:
        reference = job.case.reference_file.read_text("utf-8")
        completion = Completion(
            f"```{job.case.language}\n{reference}```", "reference", 0, 0, 0.0, attempts=0
        )
        grade = suite.reference_grade
        if suite.error or grade is None:
            return _outcome(job, ERROR, str(suite.error), completion, 0.0, reference, grade)
        return _outcome(job, grade.verdict, grade.message, completion, 0.0, reference, grade)

    def _finish(self, future: Future[Outcome], outcome: Outcome, scored: bool = False) -> None:
        if future.done():
            return
        if self._scorer is not None and not scored:
            if self._scorer.wants_judge(outcome) and not self._closing:
                # The judge is an API call: it waits in the generation pool, not here.
                try:
                    self._generation.submit(self._judge_then_finish, future, outcome)
                    return
                except RuntimeError:
                    pass
            outcome = self._score(outcome, use_judge=False)
        try:
            future.set_result(outcome)
        except Exception:  # noqa: BLE001 - set by a concurrent close(); keep the first
            return
        if self._on_outcome is not None:
            self._on_outcome(outcome)

    def _judge_then_finish(self, future: Future[Outcome], outcome: Outcome) -> None:
        self._finish(future, self._score(outcome, use_judge=True), scored=True)

    def _score(self, outcome: Outcome, use_judge: bool) -> Outcome:
        """The outcome with its score; unscored rather than hanging the item on a bug."""
        assert self._scorer is not None
        case = self._cases.get(outcome.case)
        if case is None:
            return outcome
        suite = self._suites.get(case.name)
        ids = suite.result().ids if suite is not None and suite.done() else None
        try:
            return self._scorer.attach(outcome, case, ids, use_judge)
        except Exception as exc:  # noqa: BLE001
            note = f"not scored: scoring crashed: {exc!r}"
            return replace(outcome, score=ItemScore(None, None, None, None, None, note=note))


def _outcome(
    job: Job,
    status: str,
    message: str,
    completion: Completion | None = None,
    cost: float | None = None,
    code: str | None = None,
    grade: Grade | None = None,
) -> Outcome:
    sent_seed = job.seed if completion is not None and completion.attempts > 0 else None
    return Outcome(job.case.name, job.model.id, job.sample, status, message, completion, cost,
                   code, grade, seed=sent_seed)


def _error(job: Job, message: str) -> Outcome:
    return _outcome(job, ERROR, message)
