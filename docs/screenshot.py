"""Make the README's screenshots of a real HTML report.

    python docs/screenshot.py

A real run of the plugin: the bundled cases, six models scripted on the loopback chat
server (test support) to answer with each case's reference or one of its wrong answers,
graded in the real Docker sandbox; then headless Chromium photographs the report
(docs/report.png) and one failed item's detail (docs/report-item.png). Needs the setup of
scripts/setup.sh.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from support.browser import CHROMIUM_FLAGS, chromium_paths  # noqa: E402
from support.chat_server import EVAL_CASES, ChatServer, Reply, case_for, fenced  # noqa: E402

# model -> (cases it gets wrong, completion tokens per answer)
MODELS: dict[str, tuple[set[str], int]] = {
    "deepseek-v4-flash": ({"users_api"}, 700),
    "deepseek-coder": ({"users_api", "dijkstra"}, 650),
    "qwen3-coder-30b": ({"go_review", "race_fix"}, 800),
    "glm-5": (set(), 1100),
    "kimi-k2.5": ({"flatten"}, 1500),
    "my-local-model": ({"dijkstra", "go_review"}, 900),
}


def responder(wrong: set[str], tokens: int) -> Any:
    def respond(body: dict[str, Any]) -> Reply:
        case = case_for(body)
        source = case.wrong_answers()[0] if case.name in wrong else case.reference_file
        return Reply(fenced(case.language, source.read_text()), completion_tokens=tokens,
                     prompt_tokens=220)

    return respond


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="llmcode-shot-"))
    shutil.copytree(EVAL_CASES, work / "eval_cases", ignore=shutil.ignore_patterns(".*"))
    server = ChatServer().start()
    for model, (wrong, tokens) in MODELS.items():
        server.script(model, responder(wrong, tokens))
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "eval_cases", "-q", "-p", "no:cacheprovider",
             f"--llm-models={','.join(MODELS)}", f"--llm-base-url={server.base_url}",
             "--llm-report-html=report.html"],
            cwd=work, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False,
            capture_output=True, text=True)
    finally:
        server.stop()
    report = work / "report.html"
    if not report.exists():
        print(done.stdout[-3000:], done.stderr[-3000:])
        return 1
    browser, _ = chromium_paths()
    for name, fragment, size in (("report.png", "", "1280,2300"),
                                 ("report-item.png", "#item/users_api/deepseek-v4-flash/1",
                                  "1280,1500")):
        profile = tempfile.mkdtemp(prefix="llmcode-chromium-")
        subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                        "--hide-scrollbars", f"--window-size={size}",
                        f"--screenshot={ROOT / 'docs' / name}", report.as_uri() + fragment],
                       check=True, capture_output=True)
        shutil.rmtree(profile, ignore_errors=True)
        print(f"docs/{name}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
