"""Grading on engines reached over TLS and over ssh (issue 17), real ones on this machine: a
dockerd that accepts only clients of its own certificate authority, and an engine behind a
private sshd that lets its one key run nothing but `docker system dial-stdio`
(tests/support/second_engine.py, tests/support/ssh_engine.py). Each module starts one of
each and removes them at its end."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docker
import pytest
from support.chat_server import ChatServer, bundled_cases, right_answer
from support.grading import open_grader
from support.llm_runs import report, run
from support.mounts import CreatedContainers, assert_no_host_mounts
from support.required import unavailable
from support.second_engine import SecondEngine, llmcode_containers, load_image, make_certificates
from support.ssh_engine import SSHD, SshFront

from pytest_llmcode.grading import tester_client
from pytest_llmcode.grading.containers import LABEL
from pytest_llmcode.grading.engine_spec import LOCAL_ENGINE, shown_engine

CASES = len(bundled_cases())
STARTUP_ERRORS = (RuntimeError, OSError, subprocess.CalledProcessError)


def require(*programs: str) -> None:
    for program in programs:
        if shutil.which(program) is None:
            unavailable(f"{program} is missing (bash scripts/setup.sh installs it)")


@pytest.fixture(scope="module")
def tls_engine(sandbox_image: str) -> Iterator[SecondEngine]:
    """A dockerd with --tlsverify, holding the sandbox image; its certificates (the
    client's: ca.pem, cert.pem, key.pem) in `engine.tls`."""
    require("dockerd", "openssl")
    engine = SecondEngine()
    try:
        try:
            engine.tls = make_certificates(engine.directory / "certs")
            engine.start()
        except STARTUP_ERRORS as exc:
            unavailable(f"the TLS engine did not start: {exc}")
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("DOCKER_TLS_VERIFY", "1")
            patch.setenv("DOCKER_CERT_PATH", str(engine.tls))
            load_image(engine.url, sandbox_image)
        yield engine
    finally:
        engine.remove()


@pytest.fixture(scope="module")
def ssh_engine(sandbox_image: str) -> Iterator[tuple[SecondEngine, SshFront]]:
    """An engine reached at `front.url` (ssh://root@127.0.0.1:PORT) with `front.bin` first
    on PATH, holding the sandbox image, loaded into it through ssh."""
    require("dockerd", SSHD, "ssh", "ssh-keygen")
    engine = SecondEngine()
    front: SshFront | None = None
    try:
        try:
            engine.start()
            front = SshFront(engine.unix_socket).start()
        except STARTUP_ERRORS as exc:
            unavailable(f"the engine behind sshd did not start: {exc}")
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("PATH", f"{front.bin}:{os.environ['PATH']}")
            load_image(front.url, sandbox_image)
        yield engine, front
    finally:
        if front is not None:
            front.remove()
        engine.remove()


def local_engine() -> str:
    return os.environ.get("DOCKER_HOST") or LOCAL_ENGINE


def engines_of(path: Path) -> set[str]:
    return {row["engine"] for row in report(path)["results"]}


def assert_nothing_left(engine: SecondEngine) -> None:
    """None of this process's containers or volumes is left on the engine (seen through
    its own unix socket)."""
    url = f"unix://{engine.unix_socket}"
    assert llmcode_containers(url, os.getpid()) == []
    client = docker.DockerClient(base_url=url, timeout=30)
    try:
        volumes = client.api.volumes(filters={"label": LABEL}).get("Volumes") or []
    finally:
        client.close()
    assert [v for v in volumes if v["Labels"].get(f"{LABEL}.pid") == str(os.getpid())] == []


def grade_seed_cases(pytester: pytest.Pytester, chat_server: ChatServer,
                     engine: SecondEngine) -> tuple[Path, set[str]]:
    """The bundled cases graded for the reference and a model, in a real run; every one
    passes, every container it created on `engine` mounts nothing of this machine, and
    none is left. The report's path and the volumes the run used."""
    chat_server.script("deepseek-v4-flash", right_answer)
    path = pytester.path / "report.json"
    client = docker.DockerClient(base_url=f"unix://{engine.unix_socket}", timeout=30)
    try:
        with CreatedContainers(client) as created:
            result = run(pytester, chat_server, "reference,deepseek-v4-flash",
                         f"--llm-report={path}")
    finally:
        client.close()
    result.assert_outcomes(passed=2 * CASES)
    inspected = created.of(os.getpid())
    # The self-test's container, the tester and at least one answer host.
    assert len(inspected) >= 3, created.seen
    volumes = assert_no_host_mounts(inspected)
    assert_nothing_left(engine)
    return path, volumes


def test_the_seed_cases_graded_on_a_tls_engine(
    pytester: pytest.Pytester, eval_dir: Path, chat_server: ChatServer,
    tls_engine: SecondEngine, monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in tls_engine.environment.items():
        monkeypatch.setenv(name, value)

    path, volumes = grade_seed_cases(pytester, chat_server, tls_engine)

    assert engines_of(path) == {tls_engine.url}
    assert volumes


@pytest.mark.parametrize("client_certificate", ["none", "of another authority"])
def test_a_tls_engine_refusing_the_client_is_an_error_naming_it(
    pytester: pytest.Pytester, eval_dir: Path, chat_server: ChatServer,
    tls_engine: SecondEngine, monkeypatch: pytest.MonkeyPatch, client_certificate: str,
) -> None:
    """Not a failure of the model's code: every item errors, naming the engine."""
    monkeypatch.setenv("DOCKER_HOST", tls_engine.url)
    if client_certificate == "none":
        monkeypatch.delenv("DOCKER_TLS_VERIFY", raising=False)
        monkeypatch.delenv("DOCKER_CERT_PATH", raising=False)
    else:
        foreign = make_certificates(pytester.path / "foreign")
        shutil.copy(tls_engine.tls / "ca.pem", foreign / "ca.pem")  # trusts the engine
        monkeypatch.setenv("DOCKER_TLS_VERIFY", "1")
        monkeypatch.setenv("DOCKER_CERT_PATH", str(foreign))
    chat_server.script("deepseek-v4-flash", right_answer)

    result = run(pytester, chat_server, "deepseek-v4-flash")

    result.assert_outcomes(errors=CASES)
    result.stdout.fnmatch_lines(
        [f"*cannot grade: engine {tls_engine.url}: no Docker engine answers*"])
    assert_nothing_left(tls_engine)


def test_a_tls_engine_listed_beside_the_local_one(
    pytester: pytest.Pytester, eval_dir: Path, chat_server: ChatServer,
    tls_engine: SecondEngine, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DOCKER_TLS_VERIFY and DOCKER_CERT_PATH reach the tcp:// engine listed; the local
    unix one is reached as ever."""
    monkeypatch.setenv("DOCKER_TLS_VERIFY", "1")
    monkeypatch.setenv("DOCKER_CERT_PATH", str(tls_engine.tls))
    chat_server.script("deepseek-v4-flash", right_answer)
    path = pytester.path / "report.json"

    result = run(pytester, chat_server, "reference,deepseek-v4-flash",
                 f"--llm-docker-hosts={local_engine()}=1,{tls_engine.url}=1", "--llm-samples=2",
                 f"--llm-report={path}")

    result.assert_outcomes(passed=4 * CASES)
    assert engines_of(path) == {local_engine(), tls_engine.url}
    assert llmcode_containers(local_engine(), os.getpid()) == []
    assert_nothing_left(tls_engine)


def test_testers_retired_over_tls_still_report_then_end(
    tls_engine: SecondEngine, sandbox_image: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each job retires the tester before it (as after MAX_AGE_S) while that one still runs
    its job: the reports come on the retired testers' streams all the same, and they end by
    themselves. A TLS stream cannot half-close, so their end is the stream's close."""
    monkeypatch.setenv("DOCKER_TLS_VERIFY", "1")
    monkeypatch.setenv("DOCKER_CERT_PATH", str(tls_engine.tls))
    monkeypatch.setattr(tester_client, "MAX_AGE_S", 0.0)
    case = next(c for c in bundled_cases() if c.name == "flatten")
    engine = docker.DockerClient(base_url=f"unix://{tls_engine.unix_socket}", timeout=30)

    def testers() -> set[str]:
        return {c["Id"] for c in engine.api.containers(filters={"label": LABEL})
                if tester_client.TESTER in c["Command"]}

    try:
        with open_grader(sandbox_image, engine=tls_engine.url, workers=2, spares=2) as grader:
            with ThreadPoolExecutor(3) as pool:
                grades = list(pool.map(lambda _: grader.grade(case, case.reference_file
                                                              .read_text(), None), range(3)))
            assert [g.verdict for g in grades] == ["passed"] * 3, [g.message for g in grades]
            deadline = time.monotonic() + 30
            while testers() - {grader.tester.container} and time.monotonic() < deadline:
                time.sleep(0.2)
            assert testers() == {grader.tester.container}
    finally:
        engine.close()
    assert_nothing_left(tls_engine)


def test_the_seed_cases_graded_over_ssh(
    pytester: pytest.Pytester, eval_dir: Path, chat_server: ChatServer,
    ssh_engine: tuple[SecondEngine, SshFront], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DOCKER_HOST=ssh://...: the containers land on the engine behind sshd, which only
    ssh reaches at that URL."""
    engine, front = ssh_engine
    monkeypatch.setenv("PATH", f"{front.bin}:{os.environ['PATH']}")
    monkeypatch.setenv("DOCKER_HOST", front.url)

    path, volumes = grade_seed_cases(pytester, chat_server, engine)

    assert engines_of(path) == {shown_engine(front.url)}
    assert volumes


def test_an_ssh_engine_whose_host_key_is_unknown_is_an_error_naming_it(
    pytester: pytest.Pytester, eval_dir: Path, chat_server: ChatServer,
    ssh_engine: tuple[SecondEngine, SshFront], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """ssh refuses a host it does not know: every item errors, naming the engine and
    ssh's own reason."""
    _, front = ssh_engine
    config = pytester.path / "ssh_config"
    config.write_text(f"Host *\n  IdentityFile {front.directory / 'client_key'}\n"
                      "  UserKnownHostsFile /dev/null\n  GlobalKnownHostsFile /dev/null\n"
                      "  StrictHostKeyChecking yes\n  BatchMode yes\n")
    wrapper = pytester.path / "bin" / "ssh"
    wrapper.parent.mkdir()
    wrapper.write_text(f'#!/bin/sh\nexec /usr/bin/ssh -F {config} "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{wrapper.parent}:{os.environ['PATH']}")
    monkeypatch.setenv("DOCKER_HOST", front.url)
    chat_server.script("deepseek-v4-flash", right_answer)

    result = run(pytester, chat_server, "deepseek-v4-flash")

    result.assert_outcomes(errors=CASES)
    result.stdout.fnmatch_lines([f"*cannot grade: engine {shown_engine(front.url)}: no Docker "
                                 "engine answers*; ssh: *host key is known for*"
                                 "Host key verification failed.*"])
