"""The two queues: generation (concurrent HTTP) feeding grading (concurrent containers).

Items are submitted as soon as collection is done; pytest items then only wait for their
own outcome. A case's hidden suite is validated first (suites.py: its reference answer must
pass, and the ids it reports become the exact set every answer must pass); no request is
sent for a case that is broken.

When the run ends early (Ctrl-C, SIGTERM, -x), requests in flight get a short grace to
answer, so what they cost is known; every unfinished item then ends as "not run" with what
its requests cost so far.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Callable

from .api.answers import Answer, Answerer, NoAnswer
from .api.completion import Completion
from .api.daemon_threads import DaemonPool
from .api.tally import Spend, Tally
from .cases import EvalCase
from .catalog import Model
from .extract import MAX_REPLY_CHARS, extract_code
from .grading.grade import Grade
from .grading.grader import Grader
from .outcome import Outcome
from .scoring.score import ItemScore, Scorer
from .status import ERROR, FAILED, NOT_RUN, SKIPPED, Status
from .verdicts.cache import VerdictCache
from .verdicts.suites import Suite, Suites


@dataclass(frozen=True)
class Job:
    key: str
    case: EvalCase
    model: Model
    sample: int = 1
    seed: int | None = None  # sent with the request when set


def default_messages(case: EvalCase, system_prompt: str | None = None
                     ) -> list[dict[str, str]]:
    """The documents' method: one user message, the case's prompt, no prompt tricks; a
    system message before it only when one is configured."""
    system = [{"role": "system", "content": system_prompt}] if system_prompt else []
    return [*system, {"role": "user", "content": case.prompt}]


def default_extract(reply: str, case: EvalCase) -> str | None:
    return extract_code(reply, case.language)


@dataclass(frozen=True)
class GenerationSettings:
    concurrency: int  # requests in flight
    grading_workers: int  # gradings at once


@dataclass(frozen=True)
class Progress:
    """How far the pipeline is: for the live progress line."""

    submitted: int
    answered: int  # replies received (replayed ones included) and reference answers
    finished: int  # items with an outcome
    spent_usd: float  # what this run's requests cost so far, where the price is known
    unpriced: bool  # some request's cost is unknown (no price for its model)


class Pipeline:
    def __init__(
        self,
        settings: GenerationSettings,
        answerer: Answerer,
        grader: Grader | None,
        grading_unavailable: str | None,
        on_outcome: Callable[[Outcome], None] | None = None,
        messages: Callable[[Job], list[dict[str, str]]] | None = None,
        extract: Callable[[str, EvalCase], str | None] | None = None,
        scorer: Scorer | None = None,
        verdicts: VerdictCache | None = None,
        image_id: str | None = None,
    ) -> None:
        self.settings = settings
        self._answerer = answerer
        self._grader = grader
        self._grading_unavailable = grading_unavailable
        self._on_outcome = on_outcome
        self._messages = messages or (lambda job: default_messages(job.case))
        self._extract = extract or default_extract
        self._scorer = scorer
        self._cases: dict[str, EvalCase] = {}
        self._generation = DaemonPool(settings.concurrency, "llmcode-gen")
        self._grading = ThreadPoolExecutor(settings.grading_workers, "llmcode-grade")
        self._futures: dict[str, tuple[Job, Future[Outcome]]] = {}
        self._tallies: dict[str, Tally] = {}
        self._answers: dict[str, Answer] = {}
        self.suites = Suites(grader, grading_unavailable, self._grading.submit, verdicts,
                             image_id)
        self._sent: dict[tuple[str, str, int], tuple[dict[str, str], ...]] = {}
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
            self._finish(future, self._not_run(job))
        elif job.model.is_reference:
            self.suites.get(job.case).add_done_callback(
                lambda suite: self._finish(future, self._reference_outcome(job, suite.result()))
            )
        elif self._grader is None:
            # Nothing can be graded, but answers are recorded for a run that can.
            self._send(job, future)
        else:
            # The reference first: nothing is requested for a case that cannot be graded.
            self.suites.get(job.case).add_done_callback(
                lambda suite: self._after_suite(job, future, suite.result())
            )
        return future

    def progress(self) -> Progress:
        with self._lock:
            jobs = list(self._futures.values())
            answered = len(self._answers)
            tallies = list(self._tallies.values())
        spends = [t.snapshot() for t in tallies]
        answered += sum(1 for job, f in jobs if job.model.is_reference and f.done())
        return Progress(
            submitted=len(jobs),
            answered=answered,
            finished=sum(1 for _, f in jobs if f.done()),
            spent_usd=sum(s.cost_usd or 0.0 for s in spends),
            unpriced=any(s.cost_usd is None for s in spends),
        )

    def stop_starting(self) -> None:
        """The run is ending: send no new request and start no new grading."""
        self._closing = True
        self._generation.cancel_pending()

    def close(self, grace_s: float = 0.0) -> None:
        """End the run: requests not yet sent are dropped, those in flight get grace_s to
        answer and are then abandoned; every unfinished item ends as not run."""
        self.stop_starting()
        try:
            self._generation.wait_idle(grace_s)
        finally:
            self._answerer.close()
            self._generation.shutdown()
            self._grading.shutdown(wait=False, cancel_futures=True)
            with self._lock:
                pending = [(job, f) for job, f in self._futures.values() if not f.done()]
            for job, future in pending:
                self._finish(future, self._not_run(job))

    # -- generation -------------------------------------------------------------------

    def _after_suite(self, job: Job, future: Future[Outcome], suite: Suite) -> None:
        if suite.error:
            self._finish(future, _outcome(job, ERROR, suite.error))
        elif self._closing:
            self._finish(future, self._not_run(job))
        else:
            self._send(job, future)

    def _send(self, job: Job, future: Future[Outcome]) -> None:
        try:
            self._generation.submit(lambda: self._generate(job, future))
        except RuntimeError:  # the pool has shut down: the run is over
            self._finish(future, self._not_run(job))

    def _generate(self, job: Job, future: Future[Outcome]) -> None:
        tally = Tally(self._answerer.price_of)
        with self._lock:
            self._tallies[job.key] = tally
        messages = self._messages(job)
        with self._lock:
            self._sent[(job.case.name, job.model.id, job.sample)] = tuple(messages)
        try:
            answer = self._answerer.answer(
                job.case, job.model.id, job.sample, tally, messages, job.seed
            )
        except NoAnswer as exc:
            status = SKIPPED if exc.skipped else ERROR
            self._finish(future, _outcome(job, status, str(exc), spend=tally.snapshot()))
            return
        except Exception as exc:  # noqa: BLE001 - a bug must not hang the item
            self._finish(future, _outcome(job, ERROR, f"generation crashed: {exc!r}",
                                          spend=tally.snapshot()))
            return
        with self._lock:
            self._answers[job.key] = answer
        spend = tally.snapshot()
        completion = answer.completion
        refused = _unreadable(answer)
        if refused is not None:
            self._finish(future, _outcome(job, FAILED, refused, answer, spend))
            return
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
                    answer,
                    spend,
                ),
            )
            return
        if self._grader is None:
            self._finish(
                future, _outcome(job, ERROR, str(self._grading_unavailable), answer, spend, code)
            )
            return
        if self._closing:
            self._finish(future, self._not_run(job))
            return
        try:
            self._grading.submit(self._grade, job, future, answer, spend, code)
        except RuntimeError:
            self._finish(future, self._not_run(job))

    def _not_run(self, job: Job) -> Outcome:
        """The run ended before this item had a verdict: say how far it got and what its
        requests cost so far (one still in flight counts as unanswered)."""
        with self._lock:
            tally = self._tallies.get(job.key)
            answer = self._answers.get(job.key)
        spend = tally.snapshot() if tally is not None else Spend()
        if answer is not None:
            message = "not run: the run ended before the answer was graded"
        elif spend.unanswered:
            message = ("not run: the run ended while a request was in flight; it was abandoned "
                       "and what the endpoint billed for it is unknown")
        elif spend.attempts:
            message = "not run: the run ended between two attempts"
        else:
            message = "not run: the run ended before the item started"
        return _outcome(job, NOT_RUN, message, answer, spend)

    # -- grading ----------------------------------------------------------------------

    def _grade(
        self, job: Job, future: Future[Outcome], answer: Answer, spend: Spend, code: str
    ) -> None:
        assert self._grader is not None
        suite = self.suites.get(job.case).result()
        if suite.error:
            self._finish(future, _outcome(job, ERROR, suite.error, answer, spend, code))
            return
        try:
            grade = self._grader.grade(job.case, code, suite.ids)
        except Exception as exc:  # noqa: BLE001 - a bug must not hang the item
            grade = Grade(ERROR, f"grading crashed: {exc!r}")
        outcome = _outcome(job, grade.verdict, grade.message, answer, spend, code, grade)
        self._finish(future, outcome)

    def _reference_outcome(self, job: Job, suite: Suite) -> Outcome:
        reference = job.case.reference.code
        completion = Completion(
            f"```{job.case.language}\n{reference}```", "reference", 0, 0, 0.0, attempts=0
        )
        answer = Answer(completion, job.model.id)
        grade = suite.reference_grade
        if suite.error or grade is None:
            return _outcome(job, ERROR, str(suite.error), answer, Spend(), reference, grade)
        message = grade.message + (" (verdict of an earlier run: same case, same image)"
                                   if suite.cached else "")
        return _outcome(job, grade.verdict, message, answer, Spend(), reference, grade)

    def _finish(self, future: Future[Outcome], outcome: Outcome, scored: bool = False) -> None:
        if future.done():
            return
        sent = self._sent.get((outcome.case, outcome.model, outcome.sample))
        if sent and not outcome.messages:
            outcome = replace(outcome, messages=sent)
        if self._closing and outcome.status == ERROR:
            # Ended by the run's end (a container removed, a request abandoned), not by a
            # fault of its own.
            outcome = replace(outcome, status=NOT_RUN, message=f"not run: {outcome.message}")
        if self._scorer is not None and not scored:
            if self._scorer.wants_judge(outcome.grade, outcome.code) and not self._closing:
                # The judge is an API call: it waits in the generation pool, not here.
                try:
                    self._generation.submit(lambda: self._judge_then_finish(future, outcome))
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
        suite = self.suites.peek(case)
        ids = suite.ids if suite is not None else None
        try:
            score, judgement = self._scorer.score(outcome.status, outcome.grade, outcome.code,
                                                  case, ids, use_judge)
        except Exception as exc:  # noqa: BLE001
            note = f"not scored: scoring crashed: {exc!r}"
            return replace(outcome, score=ItemScore(None, None, None, None, None, note=note))
        return replace(outcome, score=score, judgement=judgement)


def _unreadable(answer: Answer) -> str | None:
    """Why a reply is failed before extraction: cut off by the token limit, or too long."""
    completion = answer.completion
    if completion.cut_off:
        limit = (f"max_tokens={answer.max_tokens}" if answer.max_tokens is not None
                 else "the endpoint's own token limit (no max_tokens was sent)")
        return (f"the answer was cut off at {limit} (finish_reason: length, "
                f"{completion.completion_tokens} completion tokens); raise --llm-max-tokens "
                "or the model's max_tokens in the catalog")
    if len(completion.text) > MAX_REPLY_CHARS:
        return (f"the reply is {len(completion.text):,} characters, over the cap of "
                f"{MAX_REPLY_CHARS:,}: it was not searched for code")
    return None


def _outcome(
    job: Job,
    status: Status,
    message: str,
    answer: Answer | None = None,
    spend: Spend | None = None,
    code: str | None = None,
    grade: Grade | None = None,
) -> Outcome:
    sent_seed = job.seed if answer is not None and answer.completion.attempts > 0 else None
    return Outcome(
        job.case.name, job.model.id, job.sample, status, message,
        completion=answer.completion if answer else None,
        cost_usd=spend.cost_usd if spend else 0.0,
        code=code,
        grade=grade,
        spend=spend or Spend(),
        answered_by=answer.answered_by if answer else None,
        recorded=answer.recorded if answer else None,
        seed=sent_seed,
    )
