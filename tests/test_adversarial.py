"""Hostile answers never pass (the threat model's "Adversarial solutions" list).

Every file under tests/adversarial/<case>/ is an answer to that bundled case that tries to
win without solving it: exiting early, forging reports or test output, patching the test
framework, escaping the sandbox, exhausting resources, stealing secrets, injecting terminal
or CI-log commands. Each is graded by a real Grader in the real sandbox, with a short time
limit, against the test ids its case's reference answer reports, and must end `failed` or
`error`, leave no container of this process, write no file on the host outside the grader's
scratch directory, never show a secret planted in the host environment, and show only
sanitized text.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
from support.chat_server import bundled_cases
from support.grading import open_grader

from pytest_llmcode.cases import EvalCase
from pytest_llmcode.grading.answer_hosts import ANSWER_HOST
from pytest_llmcode.grading.confinement import confirm_confined
from pytest_llmcode.grading.containers import (
    ANSWER_USER,
    LABEL,
    Limits,
    Mount,
    Sandbox,
    SandboxError,
    _labels,
    connect,
)
from pytest_llmcode.grading.grade import Grade
from pytest_llmcode.grading.grader import Grader
from pytest_llmcode.grading.tester_client import TESTER
from pytest_llmcode.scoring.score import score_item, weights_for

REPO = Path(__file__).resolve().parent.parent
ADVERSARIAL = Path(__file__).resolve().parent / "adversarial"
CASES = {case.name: case for case in bundled_cases()}
HOSTILE = sorted(p for p in ADVERSARIAL.glob("*/*") if p.is_file() and p.parent.name in CASES)

# Every hostile answer is graded on the local engine and again on the second engine, over
# TCP alone: the guarantees must not depend on which engine grades.
ON_ENGINES = ([pytest.param(p, "local", id=f"{p.parent.name}/{p.stem}") for p in HOSTILE]
              + [pytest.param(p, "tcp", id=f"tcp-{p.parent.name}/{p.stem}") for p in HOSTILE])

# Short limits so that answers which hang cost seconds; TypeScript and Go are compiled in
# the answer's container before the first call, which takes seconds on its own.
TIME_LIMITS = {"python": 8.0, "javascript": 8.0, "typescript": 30.0, "go": 20.0}
# What a Go test shows when the answer's process is gone (exited, killed, crashed).
GO_ANSWER_GONE = "no reply from the answer's process"
# Which of the two the tester sees depends on whether the supervisor died before or after
# it reported the answer as started; either shows the attack ran. In a sandbox whose every
# process the answer killed at once, the relays' connections may also be reset mid-call.
SUPERVISOR_GONE = ("closed the connection", "stopped answering its supervisor",
                   "Connection reset by peer")

# Text that must reach the grade: proof that the attack really ran and that what it tried
# to show (its loot, its injected commands) travelled as far as the grade, neutralised.
EVIDENCE: dict[str, str | tuple[str, ...]] = {
    "flatten/dumps_environment.py": "HOME=/tmp",
    "flatten/injects_terminal_and_ci_commands.py": "[ci-command] error",
    "flatten/outbound_connections.py": "metadata:",
    "flatten/escalates_privileges.py": "setuid(0):",
    "flatten/probes_docker_socket.py": "docker.sock",
    "flatten/reads_hidden_tests_for_expected_values.py": "hidden tests not found",
    "flatten/fills_tmp_and_root.py": "/tmp:",
    "flatten/hijacks_the_testers_sockets.py": "hijack:",
    "race_fix/dumps_environment.js": "HOME",
    "race_fix/injects_terminal_and_ci_commands.js": "[ci-command] error",
    "go_review/dumps_environment.go": "HOME=/tmp",
    "go_review/injects_terminal_and_ci_commands.go": "[ci-command] error",
    "go_review/init_os_exit.go": GO_ANSWER_GONE,
    "go_review/forged_pass_lines_literal.go": "--- PASS: TestFindUsersByNameReturnsMatches",
    "go_review/aliased_os_exit_after_forged_pass.go": GO_ANSWER_GONE,
    "go_review/dot_import_os_exit.go": GO_ANSWER_GONE,
    "go_review/flag_help_exits_0.go": GO_ANSWER_GONE,
    "go_review/cgi_handler_starts_process_that_outlives_the_tests.go": "net/http/cgi",
    "go_review/raw_string_import_syscall_exit_group.go": GO_ANSWER_GONE,
    "go_review/patches_own_code_through_proc_self_mem.go": "read-only file system",
    "go_review/forges_report_with_stolen_nonce.go": "/report/report.json: no such file",
    "go_review/rewrites_hidden_tests_and_fills_report.go": "/case/solution_test.go: no such file",
    "go_review/escaped_import_path_exits_after_forged_pass.go": GO_ANSWER_GONE,
    "go_review/reflection_calls_exit_after_forged_pass.go": GO_ANSWER_GONE,
    "go_review/rewrites_the_drivers_query_log_by_reflection.go": "no query log reachable",
    "go_review/prints_pass_lines_then_hangs.go": "--- PASS: TestEdgeNoUsers",
    "go_review/forges_its_quality_measure.go": "forged quality written to",
    "go_review/kills_every_process_of_its_container.go": GO_ANSWER_GONE,
    "flatten/kills_its_supervisor.py": SUPERVISOR_GONE,
    # Signal 1 now reaches bubblewrap's init in the answer's own process namespace, which
    # ignores it: nothing stops, and the answer's unchanged lists fail the tests.
    "flatten/stops_its_container.py": (*SUPERVISOR_GONE, "hidden tests did not pass"),
    "race_fix/kills_its_supervisor.js": SUPERVISOR_GONE,
    "dijkstra/ts_nocheck_hides_implicit_any.ts": "neither are the answer's @ts-nocheck (line 1)",
    "dijkstra/ts_ignore_hides_implicit_any.ts": "neither are the answer's @ts-ignore (line 22)",
    "dijkstra/ts_expect_error_hides_implicit_any.ts": "neither are the answer's @ts-expect-error",
    "flatten/ci_commands_in_timeout_output.py": "[ci-command] teamcity[buildStatus",
    "race_fix/ci_commands_in_error_stacks.js": "[ci-command] teamcity[setParameter",
    "go_review/ci_commands_in_build_output.go": "[ci-command] teamcity[buildStatus",
}
# Every hostile answer is blamed (`failed`), those that exhaust or kill their own container
# included: an `error` means infrastructure, and errors are left out of a model's pass rate
# and its score. It stands only where the infrastructure was proven at fault: the case's
# reference answer, graded right after on the same engine, did not pass either.
INFRASTRUCTURE_PROVEN = "reference answer did not pass"
# Answers that forge a measure: only what the trusted side saw may count. Forged pass lines
# before a timeout score no correctness; a quality result written into the container's
# pipes is not the measure (this answer has no doc comment at all).
NO_CORRECTNESS = {"go_review/prints_pass_lines_then_hangs.go"}
MEASURED_UNDOCUMENTED = {"go_review/forges_its_quality_measure.go"}
# An answer whose comments and decorators would switch mypy off: mypy finds its untyped defs.
MYPY_NOT_SILENCED = {"flatten/silences_mypy_with_directives.py"}

# Files hostile answers try to plant; any new one on the host is a breach wherever it is.
PLANTED = re.compile(
    r"pwned|^(conftest\.py|pytest\.ini|tox\.ini|setup\.cfg|sitecustomize\.py|usercustomize\.py"
    r"|.*\.pth|package\.json|tsconfig\.json|\.npmrc|report\.json)$"
)
# CI log commands as each CI honours them (tests/test_sanitize.py has the list).
CI_COMMAND_LINE = re.compile(
    r"^[ \t]*(::|##\[|section_start:|section_end:|\^\^\^ \+\+\+|travis_(fold|time):)|##(vso|teamcity)\[",
    re.M | re.I,
)


# One grading at a time and no warm spares: after each grading, nothing of it may be left.
GRADER_OPTIONS: dict[str, int] = {}


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="llmcode-adv-") as path:
        yield Path(path)


@pytest.fixture(scope="module")
def expected_ids(grader: Grader) -> dict[str, frozenset[str]]:
    """The test ids of each case, from its reference answer graded once (full time limit)."""

    class Ids(dict[str, frozenset[str]]):
        def __missing__(self, name: str) -> frozenset[str]:
            case = CASES[name]
            grade = grader.grade(case, case.reference_file.read_text(), None)
            assert grade.verdict == "passed", f"reference of {name}: {grade.message}\n{grade.output}"
            self[name] = frozenset(t.id for t in grade.tests)
            return self[name]

    return Ids()


def test_every_case_has_hostile_answers() -> None:
    by_case = {p.parent.name for p in HOSTILE}
    assert by_case == set(CASES), "every bundled case gets hostile answers"
    assert {p.name for p in ADVERSARIAL.iterdir()} == set(CASES)
    assert len(HOSTILE) >= 30
    for path in HOSTILE:
        assert path.suffix == Path(CASES[path.parent.name].solution_file).suffix, path
    assert set(EVIDENCE) <= {f"{p.parent.name}/{p.name}" for p in HOSTILE}


@pytest.fixture(scope="module")
def tcp_grader(sandbox_image: str, second_engine: str) -> Iterator[Grader]:
    """A grader on the second engine, reached over TCP (tests/support/second_engine.py)."""
    with open_grader(sandbox_image, engine=second_engine, **GRADER_OPTIONS) as shared:
        yield shared


@pytest.mark.parametrize(("answer", "engine"), ON_ENGINES)
def test_hostile_answer_never_passes(
    expected_ids: dict[str, frozenset[str]],
    answer: Path,
    engine: str,
    monkeypatch: pytest.MonkeyPatch,
    record_property: Any,
    request: pytest.FixtureRequest,
) -> None:
    grader: Grader = request.getfixturevalue("grader" if engine == "local" else "tcp_grader")
    case = CASES[answer.parent.name]
    expected = expected_ids[case.name]
    short = dataclasses.replace(case, timeout_s=TIME_LIMITS[case.language])
    secret = "llmcode-secret-" + secrets.token_hex(16)
    for name in ("LLMCODE_TEST_SECRET", "OPENAI_API_KEY", "GLOBAL_API_KEY"):
        monkeypatch.setenv(name, secret)
    before = _host_state(case)

    grade = grader.grade(short, answer.read_text(encoding="utf-8"), expected)

    record_property("verdict", grade.verdict)
    record_property("message", grade.message)
    record_property("stage", grade.stage)
    record_property("duration_s", round(grade.duration_s, 1))
    text = _shown(grade)
    assert grade.verdict == "failed" or (
        grade.verdict == "error" and INFRASTRUCTURE_PROVEN in grade.message
    ), f"{grade.verdict}: {grade.message}\n{grade.output}"
    assert _own_containers(grader.sandbox.engine) == [], \
        "a container of this grading was left behind"
    assert _slots(grader.directory.parent) == [], "the grading left files in its scratch directory"
    after = _host_state(case)
    assert after["tests"] == before["tests"], "the hidden tests or the reference changed on the host"
    assert after["planted"] - before["planted"] == set(), "the answer planted a file on the host"
    assert _foreign(after["tmp"] - before["tmp"]) == set(), "a container wrote into the host's /tmp"
    assert secret not in text, "a secret of the host environment reached the grade"
    assert "\x1b" not in text and "\x9b" not in text, "terminal escapes reached the grade"
    assert not CI_COMMAND_LINE.search(text), "a CI workflow command reached the grade"
    key = f"{answer.parent.name}/{answer.name}"
    if key in EVIDENCE:
        signs = EVIDENCE[key]
        signs = (signs,) if isinstance(signs, str) else signs
        assert any(sign in text for sign in signs), \
            f"the attack did not run as intended: {grade.message}\n{grade.output}"
    if key in NO_CORRECTNESS:
        score = score_item(grade, expected, weights_for(case.weights))
        assert (score.correctness, score.edge_cases) == (0.0, 0.0), score
    if key in MYPY_NOT_SILENCED:
        assert grade.quality is not None and grade.quality.measured, grade.quality
        assert any(f.startswith("mypy:") and "no-untyped-def" in f
                   for f in grade.quality.findings), grade.quality.findings
    if key in MEASURED_UNDOCUMENTED:
        assert grade.quality is not None and grade.quality.documentation == 0.0, grade.quality
        assert "forged" not in grade.quality.tools


def test_go_answers_may_use_what_the_old_scan_rejected(
    grader: Grader, expected_ids: dict[str, frozenset[str]]
) -> None:
    """A Go answer runs in its own process: `func init`, os.Args, the flag package and
    os.Exit in code that never runs are a correct answer's to use (a static scan rejected
    them when the answer shared the tests' process)."""
    case = CASES["go_review"]
    benign = case.reference_file.read_text().replace(
        'import (\n', 'import (\n\t"flag"\n\t"os"\n', 1
    ).replace(
        "// Connection-pool settings applied by NewStore.",
        "var verbose = flag.NewFlagSet(\"store\", flag.ContinueOnError)\n\n"
        "func init() {\n\tif len(os.Args) > 99 {\n\t\tos.Exit(3)\n\t}\n}\n\n"
        "// Connection-pool settings applied by NewStore.",
    )
    assert "func init()" in benign and '"flag"' in benign
    grade = grader.grade(case, benign, expected_ids[case.name])
    assert grade.verdict == "passed", grade.message + "\n" + grade.output
    assert grade.isolation == "container"


class UnconfinedSandbox(Sandbox):
    """A misconfigured sandbox: root, Docker's default capabilities plus SYS_ADMIN, a bridge
    network, a writable root, no process or memory limit, a host variable passed in."""

    def create(
        self,
        command: list[str],
        mounts: list[Mount],
        environment: dict[str, str],
        time_limit_s: float,
        limits: Limits | None = None,
        user: str = ANSWER_USER,
        stdin: bool = False,
        nesting: bool = False,
    ) -> str:
        container = self.client.containers.create(
            self.image,
            ["timeout", "-k", "2", f"{time_limit_s:g}", *command],
            stdin_open=stdin,
            network_mode="bridge",
            user="0:0",
            cap_add=["SYS_ADMIN"],
            volumes={m.volume: {"bind": m.container_path, "mode": "rw"} for m in mounts},
            environment={**environment, "LLMCODE_TEST_SECRET": "leaked"},
            labels=_labels(time_limit_s + self.limits.watchdog_grace_s),
        )
        with self._lock:
            self._running.add(container.id)
        return str(container.id)


@pytest.mark.parametrize("on_tcp", [False, True], ids=["local", "tcp"])
def test_confinement_self_test_refuses_an_unconfined_container(
    sandbox_image: str, scratch: Path, on_tcp: bool, request: pytest.FixtureRequest
) -> None:
    engine = request.getfixturevalue("second_engine") if on_tcp else None
    sandbox = UnconfinedSandbox(sandbox_image, engine=engine)
    try:
        with pytest.raises(SandboxError, match="not confined, refusing to grade") as refused:
            confirm_confined(sandbox, scratch)
    finally:
        sandbox.close()
    message = str(refused.value)
    for check in ("non-root user", "no capabilities", "no new privileges", "read-only root",
                  "read-only /proc", "only loopback", "pids limit", "memory limit",
                  "minimal environment"):
        assert check in message, f"{check} not reported: {message}"
    assert _own_containers(engine) == []
    assert _slots(scratch) == []


def test_confinement_self_test_passes_the_real_sandbox(sandbox_image: str, scratch: Path) -> None:
    sandbox = Sandbox(sandbox_image)
    try:
        confirm_confined(sandbox, scratch)
    finally:
        sandbox.close()
    assert _own_containers() == []


# ---- helpers ------------------------------------------------------------------------------


def _shown(grade: Grade) -> str:
    """Everything of a grade that reaches a user: message, output, every test's id and text."""
    parts = [grade.message, grade.output, grade.stage, *grade.missing]
    for test in grade.tests:
        parts += [test.id, test.outcome, test.message]
    return "\n".join(parts)


def _slots(scratch: Path) -> list[str]:
    """What is left of gradings in a grader's scratch directory (the tester's own socket
    directory lives on with the tester)."""
    return sorted(str(p) for p in scratch.rglob("*") if "tester" not in p.relative_to(scratch).parts
                  and p.name != "grading")


def _own_containers(engine: str | None = None, settle_s: float = 15.0) -> list[str]:
    """Containers of this process on the engine at `engine` (else DOCKER_HOST's) still
    present once removals in progress have finished (the engine's auto-remove and the
    grader's forced remove race, so one may still be going), but the long-lived tester and
    answer hosts; an answer host counts as left behind if any process other than its own
    runs in it (an answer's sandbox must end with its grading)."""
    client = connect(engine=engine)
    try:
        deadline = time.monotonic() + settle_s
        while True:
            found = client.api.containers(all=True, filters={"label": [LABEL, f"{LABEL}.pid={os.getpid()}"]})
            found = [c for c in found if TESTER not in c.get("Command", "")
                     and not (ANSWER_HOST in c.get("Command", "") and _only_the_host(client, c))]
            if not found or time.monotonic() > deadline:
                return [f"{c['Id'][:12]} {c.get('State')} {c.get('Status')}" for c in found]
            time.sleep(0.2)
    finally:
        client.close()


def _only_the_host(client: Any, container: dict[str, Any]) -> bool:
    """Nothing runs in an answer host but `timeout` and the host itself."""
    import docker

    try:
        processes = client.api.top(container["Id"])["Processes"] or []
    except docker.errors.DockerException:
        return True  # gone meanwhile
    return len(processes) <= 2


def _foreign(new_in_tmp: set[str]) -> set[str]:
    """New top-level entries of /tmp that this test's user did not create: written by a
    container's user (nobody), or named like what hostile answers plant. Other processes of
    this user (other test runs, pytest itself) create entries there all the time."""
    foreign = set()
    for name in new_in_tmp:
        try:
            owner = os.lstat(f"/tmp/{name}").st_uid
        except OSError:
            continue
        if owner != os.getuid() or PLANTED.search(name):
            foreign.add(name)
    return foreign


def _host_state(case: EvalCase) -> dict[str, Any]:
    planted = set()
    for root, dirs, files in os.walk(REPO):
        dirs[:] = [d for d in dirs if d not in (".git", "__pycache__", ".pytest_cache", ".mypy_cache")]
        planted |= {os.path.join(root, n) for n in files + dirs if PLANTED.search(n)}
    tmp = set(os.listdir("/tmp"))
    planted |= {f"/tmp/{n}" for n in tmp if PLANTED.search(n)}
    digest = hashlib.sha256()
    for path in sorted([*case.tests_dir.rglob("*"), case.reference_file]):
        digest.update(str(path).encode() + b"\0" + (path.read_bytes() if path.is_file() else b"dir"))
    return {"planted": planted, "tmp": tmp, "tests": digest.hexdigest()}
