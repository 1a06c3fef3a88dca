"""The live progress line: shown on a real terminal (a pseudo-terminal here, its screen
rendered by a terminal emulator), gone under -q and when output is not a terminal, and
never left behind in pytest's or pytest-xdist's output."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pyte
import pytest
from support.chat_server import ChatServer, Reply, codeless_answer
from support.llm_runs import copy_cases

from pytest_llmcode.reporting.progress import Counts, Eta, line

ROOT = Path(__file__).resolve().parents[1]
COLUMNS, ROWS = 120, 300
# Room for a loaded machine: a run takes seconds when quiet, over a minute near load 20.
RUN_LIMIT_S = 300
LIVE = re.compile(r"\[llmcode (\d+)/(\d+) answered, (\d+) graded, "
                  r"(?:\$\d+\.\d{4}(?: \+ unknown)?|cost unknown), ETA [^\]]+\]")


def slow_codeless(body: dict[str, object]) -> Reply:
    reply = codeless_answer(body)
    reply.delay_s = 0.8
    return reply


def run_in_terminal(cwd: Path, *args: str) -> tuple[str, list[str]]:
    """pytest run on a pseudo-terminal: every byte it wrote, and the screen it left."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "PYTHONPATH": str(ROOT),
           "COLUMNS": str(COLUMNS)}
    env.pop("PYTEST_ADDOPTS", None)
    env.pop("PY_COLORS", None)  # pytester sets it to 0, as if colours were turned off
    proc = subprocess.Popen([sys.executable, "-m", "pytest", *args], cwd=cwd, env=env,
                            stdin=slave, stdout=slave, stderr=slave, close_fds=True)
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + RUN_LIMIT_S
    while time.monotonic() < deadline:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the terminal's other end is closed
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=30)
    os.close(master)
    raw = b"".join(chunks).decode("utf-8", "replace")
    screen = pyte.Screen(COLUMNS, ROWS)
    pyte.Stream(screen).feed(raw)
    return raw, [row.rstrip() for row in screen.display]


@pytest.fixture
def slow_server(pytester: pytest.Pytester, chat_server: ChatServer, sandbox_image: str
                ) -> ChatServer:
    """The runs grade each case's reference first: they need the engine."""
    copy_cases(pytester, "flatten", "race_fix", "dijkstra")
    chat_server.script("slow", slow_codeless)
    return chat_server


def llm_args(server: ChatServer, *more: str) -> list[str]:
    return ["eval_cases", "--llm-models=slow", f"--llm-base-url={server.base_url}",
            "--llm-concurrency=1", "-p", "no:cacheprovider", *more]


def test_the_line_shows_while_items_run_and_leaves_pytest_output_intact(
    pytester: pytest.Pytester, slow_server: ChatServer
) -> None:
    raw, screen = run_in_terminal(pytester.path, *llm_args(slow_server))
    shown = LIVE.findall(raw)
    assert shown, raw[-3000:]
    assert {total for _, total, _ in shown} == {"3"}
    assert any(int(graded) < 3 for _, _, graded in shown)  # drawn before the run ended
    text = "\n".join(screen)
    assert "[llmcode" not in text and "answered," not in text
    # The dots line reads exactly as without the live line.
    assert re.search(r"^eval_cases/dijkstra/case\.yaml F\s+\[ 33%\]$", text, re.M), text
    assert re.search(r"^eval_cases/race_fix/case\.yaml F\s+\[100%\]$", text, re.M), text
    assert re.search(r"^=+ 3 failed in [\d.]+s =+$", text, re.M), text


def test_the_line_under_pytest_xdist(pytester: pytest.Pytester, slow_server: ChatServer
                                     ) -> None:
    raw, screen = run_in_terminal(pytester.path, *llm_args(slow_server, "-n", "2"))
    assert LIVE.search(raw), raw[-3000:]
    text = "\n".join(screen)
    assert "[llmcode" not in text
    assert re.search(r"^2 workers \[3 items\]\s*$", text, re.M), text
    assert re.search(r"^FFF\s+\[100%\]$", text, re.M), text
    assert re.search(r"^=+ 3 failed in [\d.]+s =+$", text, re.M), text


def test_verbose_lines_stay_whole(pytester: pytest.Pytester, slow_server: ChatServer) -> None:
    raw, screen = run_in_terminal(pytester.path, *llm_args(slow_server, "-v"))
    assert LIVE.search(raw), raw[-3000:]
    text = "\n".join(screen)
    assert "[llmcode" not in text
    for case, percent in (("dijkstra", 33), ("flatten", 66), ("race_fix", 100)):
        assert re.search(rf"^eval_cases/{case}/case\.yaml::{case}\[slow\] FAILED\s+"
                         rf"\[\s*{percent}%\]$", text, re.M), text


@pytest.mark.parametrize("option", ["-q", "-s"])
def test_no_line_under_quiet_or_without_capture(
    pytester: pytest.Pytester, slow_server: ChatServer, option: str
) -> None:
    """-s lets tests write to the terminal at any time: the line could not be kept whole."""
    raw, _ = run_in_terminal(pytester.path, *llm_args(slow_server, option))
    assert "3 failed" in raw
    assert "[llmcode" not in raw


def test_no_line_when_output_is_not_a_terminal(pytester: pytest.Pytester,
                                               slow_server: ChatServer) -> None:
    env = {**os.environ, "TERM": "xterm-256color", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "pytest", *llm_args(slow_server)],
                          cwd=pytester.path, env=env, capture_output=True, text=True,
                          timeout=RUN_LIMIT_S, check=False)
    assert "3 failed" in done.stdout
    assert "[llmcode" not in done.stdout + done.stderr


def test_the_text_fits_the_room_it_has() -> None:
    counts = Counts(answered=12, graded=9, spent_usd=0.0042)
    assert line(counts, 200, 65, 200) == "[llmcode 12/200 answered, 9 graded, $0.0042, ETA 1m05s]"
    assert line(counts, 200, None, 40) == "[llmcode 9/200 graded, ETA -]"
    assert line(counts, 200, 65, 10) == ""
    assert ", cost unknown, " in line(Counts(1, 0, 0.0, unpriced=True), 2, None, 200)
    assert ", $0.0100 + unknown, " in line(Counts(1, 0, 0.01, unpriced=True), 2, None, 200)
    for width in range(0, 80):
        assert len(line(counts, 200, 3725, width)) <= width


def test_eta_follows_the_recent_rate() -> None:
    now = [0.0]
    eta = Eta(window_s=30, clock=lambda: now[0])
    assert eta.seconds_left(0, 100) is None
    for t in range(1, 11):  # 1 item/s
        now[0] = t
        left = eta.seconds_left(t, 100)
    assert left == pytest.approx(90.0)
    for t in range(11, 101):  # a stall
        now[0] = t
        eta.seconds_left(10, 100)
    for t in range(101, 111):  # 2 items/s
        now[0] = t
        left = eta.seconds_left(10 + 2 * (t - 100), 100)
    # The last 30 s: 20 items, so 70 more take 105 s; the first 10 s no longer count.
    assert left == pytest.approx(105.0)
    assert eta.seconds_left(100, 100) == 0.0
