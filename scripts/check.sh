#!/usr/bin/env bash
# Static checks, run by .ci/run before the test suite: ruff, then mypy --strict on the
# package and, as a program of their own, on the runners that run inside the containers.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

echo "check: ruff"
python3 -m ruff check .
echo "check: mypy --strict pytest_llmcode"
python3 -m mypy pytest_llmcode
echo "check: mypy --strict the in-container runners"
cd pytest_llmcode/grading/container/runners
python3 -m mypy --strict --explicit-package-bases --cache-dir=/tmp/llmcode-mypy-runners .
