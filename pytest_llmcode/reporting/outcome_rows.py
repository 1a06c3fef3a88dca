"""An item's outcome as the report row that carries it."""

from __future__ import annotations

from ..cases import EvalCase
from ..outcome import Outcome
from ..status import PASSED
from .rows import Row

# A reply or code longer than this (a runaway answer) is cut in reports, with a note.
MAX_TEXT = 100_000


def row_of(outcome: Outcome, case: EvalCase | None = None) -> Row:
    """The outcome's row; `case` adds its language, tags and content hash."""
    completion = outcome.completion
    grade = outcome.grade
    score = outcome.score
    judgement = outcome.judgement
    quality = outcome.grade.quality if outcome.grade else None
    spend = outcome.spend
    recorded = outcome.recorded
    return Row(
        case=outcome.case,
        model=outcome.model,
        sample=outcome.sample,
        outcome=outcome.status,
        prompt_tokens=spend.prompt_tokens,
        completion_tokens=spend.completion_tokens,
        cost_usd=outcome.cost_usd,
        latency_s=(round(completion.latency_s, 4)
                   if completion is not None and recorded is None else None),
        served_model=completion.served_model if completion else None,
        endpoint=(completion.endpoint or None) if completion else None,
        finish_reason=completion.finish_reason if completion else None,
        reasoning_tokens=completion.reasoning_tokens if completion else 0,
        attempts=spend.attempts,
        grading_s=round(outcome.grade.duration_s, 4) if outcome.grade else None,
        isolation=(outcome.grade.isolation or None) if outcome.grade else None,
        engine=(outcome.grade.engine or None) if outcome.grade else None,
        failure=None if outcome.status == PASSED else outcome.message,
        score=score.score if score else None,
        correctness=score.correctness if score else None,
        edge_cases=score.edge_cases if score else None,
        code_quality=score.code_quality if score else None,
        documentation=score.documentation if score else None,
        core_passed=score.core_passed if score else 0,
        core_total=score.core_total if score else 0,
        edge_passed=score.edge_passed if score else 0,
        edge_total=score.edge_total if score else 0,
        quality_source=score.quality_source if score else None,
        quality_findings=quality.finding_count if quality and quality.measured else None,
        quality_notes=quality.summary() if quality else None,
        score_note=(score.note or None) if score else None,
        judge_prompt_tokens=judgement.prompt_tokens if judgement else 0,
        judge_completion_tokens=judgement.completion_tokens if judgement else 0,
        judge_cost_usd=judgement.cost_usd if judgement else None,
        judge_error=judgement.error if judgement else None,
        seed=outcome.seed,
        case_hash=case.content_hash() if case is not None else None,
        waited_s=round(spend.waited_s, 3),
        answered_by=outcome.answered_by if spend.attempts or recorded else None,
        unanswered_attempts=spend.unanswered,
        replayed=recorded is not None,
        recorded_prompt_tokens=recorded.spend.prompt_tokens if recorded else None,
        recorded_completion_tokens=recorded.spend.completion_tokens if recorded else None,
        recorded_cost_usd=recorded.spend.cost_usd if recorded else None,
        recorded_latency_s=round(recorded.latency_s, 4) if recorded else None,
        recorded_at=recorded.recorded_at if recorded else None,
        language=case.language if case is not None else None,
        tags=case.tags if case is not None else (),
        messages=[dict(m) for m in outcome.messages] or None,
        reply=_bounded(completion.text) if completion is not None else None,
        code=_bounded(outcome.code),
        tests=([{"id": t.id, "outcome": t.outcome, "message": t.message} for t in grade.tests]
               if grade is not None and grade.tests else None),
        grading_stage=(grade.stage or None) if grade is not None else None,
        grading_output=(grade.output or None) if grade is not None else None,
    )


def _bounded(text: str | None) -> str | None:
    if text is None or len(text) <= MAX_TEXT:
        return text
    return text[:MAX_TEXT] + f"\n[... {len(text) - MAX_TEXT} more characters not kept]"
