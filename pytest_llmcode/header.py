"""What `pytest_report_header` says: which models run where, and how."""

from __future__ import annotations

from .api.budget import GUESS_TOKENS
from .settings import Settings


def header_lines(settings: Settings, image: str, cassettes_where: str, reused: int) -> list[str]:
    s = settings
    endpoints = s.api_endpoints()
    hosts = ", ".join(dict.fromkeys(e.host for e, _ in endpoints)) or "none (no API model)"
    lines = [
        f"llmcode: models {', '.join(s.models)}; endpoint{'s' if len(endpoints) > 1 else ''} "
        f"{hosts}; sandbox image {image}",
        f"llmcode: concurrency {s.concurrency}"
        + (f", {s.rpm} requests/min" if s.rpm else "")
        + f" per endpoint, grading workers {s.grading_workers}, samples {s.samples}, "
        f"temperature {s.temperature:g}",
        f"llmcode: record mode {s.record_mode}"
        + (" (CI is set)" if s.record_mode_from_ci else "")
        + f"; cassettes in {cassettes_where}",
    ]
    for endpoint, served in endpoints:
        # The variable's name, never the key.
        lines.append(f"llmcode: key {endpoint.key_line()}"
                     + (f" (models {', '.join(served)})" if len(endpoints) > 1 else ""))
    if len(s.engines) > 1 or any(e.url for e in s.engines):
        lines.append("llmcode: Docker engines " + ", ".join(
            f"{e.label} ({e.workers} worker{'s' * (e.workers != 1)})" for e in s.engines))
    for model, chain in s.fallbacks.items():
        lines.append(f"llmcode: fallback {' -> '.join((model, *chain))}")
    if s.max_cost is not None:
        lines.append(
            f"llmcode: max cost ${s.max_cost:g} for the run; worst case of one "
            + ("request from --llm-max-tokens" if s.max_tokens
               else "request estimated (no --llm-max-tokens): largest completion so far, "
                    f"at least {GUESS_TOKENS} tokens")
        )
    if s.resume:
        lines.append(f"llmcode: resuming {s.resume}: {reused} finished items are reused, "
                     "not rerun")
    models = s.model_entries()
    unpriced = [m.id for m in models if m.output_per_m is None]
    if unpriced:
        lines.append(
            f"llmcode: no price known for {', '.join(unpriced)}: cost reported as unknown "
            "(add one with the ini option llm_prices = MODEL=USD_PER_M or --llm-catalog)"
        )
    gates = ", ".join(g.name for g in s.gates.gates())
    if gates:
        lines.append(f"llmcode: gates {gates} decide the exit status of the answers")
    if s.judge_model is not None:
        lines.append(f"llmcode: judge {s.judge_model} rates code quality and "
                     "documentation (its cost is reported separately)")
    if s.record_mode != "none":
        for endpoint, _ in endpoints:
            if endpoint.missing_key_reason:
                lines.append(f"llmcode: {endpoint.missing_key_reason}; its items without a "
                             "recorded answer are skipped")
    return lines
