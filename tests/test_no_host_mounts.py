"""Nothing of the host's file system is mounted into any container (issue 17): every
container a grading run creates is inspected as the engine creates it, and mounts only
volumes of the engine (and tmpfs), never a host path; the run's volume is gone at its end."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.mounts import CreatedContainers, assert_no_host_mounts

from pytest_llmcode.grading.containers import LABEL, connect

CASE = {
    "case.yaml": "language: python\nsolution_file: solution.py\ntimeout_s: 30\n"
                 "prompt: Write double(x).\n",
    "tests/test_double.py": "from solution import double\n\n"
                            "def test_double():\n    assert double(2) == 4\n",
    "reference/solution.py": "def double(x):\n    return 2 * x\n",
}


@pytest.mark.parametrize("on_tcp", [False, True], ids=["local", "tcp"])
def test_a_grading_run_mounts_no_host_path(tmp_path: Path, sandbox_image: str, on_tcp: bool,
                                           request: pytest.FixtureRequest) -> None:
    """On the local engine, and on the second engine reached over TCP alone (it shares
    this machine's file system, so a bind mount would work there by accident)."""
    engine = request.getfixturevalue("second_engine") if on_tcp else None
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if engine is not None:
        environment["DOCKER_HOST"] = engine
    for name, text in CASE.items():
        path = tmp_path / "eval_cases" / "double" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    client = connect(engine=engine)
    with CreatedContainers(client) as created:
        run = subprocess.Popen(
            [sys.executable, "-m", "pytest", "eval_cases", "--llm-models=reference",
             "-p", "no:cacheprovider", "-p", "no:randomly"],
            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env=environment,
        )
        output, _ = run.communicate(timeout=300)
    assert run.returncode == 0, output
    # Other runs share the engine: only this run's containers (their owner is the run).
    inspected = created.of(run.pid)
    # The self-test's container, the tester and at least one answer host, each inspected.
    assert len(inspected) >= 3, created.seen
    volumes = assert_no_host_mounts(inspected)
    left = client.api.volumes(filters={"label": LABEL}).get("Volumes") or []
    assert volumes and not volumes & {v["Name"] for v in left}, "the run left its volume"
    client.close()
