"""A real JupyterHub for a class: the course reaches every learner through an
nbgitpuller link, the library comes from the same pulled copy, five learners run
the heaviest lesson at the same time, and every lesson's memory is measured.

The hub, the proxy and the learners are in ``tests/hub_lab.py``; the course's
hub settings are ``docs/hub/jupyterhub_config.py``, the link is made by
``docs/hub/course_link.py``.  Needs the teachers' environment (``.venv-teacher``
from requirements-teacher.txt) and configurable-http-proxy (npm); ``make
test-hub`` runs this file alone, ``make test`` (CI) runs it with the rest, and
``make test-lib`` leaves it out (marker ``hub``).

The measured tables are printed and written to ``test-artifacts/hub/``:
``learners.md`` (five learners at once), ``lessons.md`` (every lesson),
``sizing.md`` (docs/teaching.md's sizing table, made from this run),
``timings.md``, and the same numbers as JSON.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib.util
import json
import os
import re
import subprocess
import time
import urllib.parse
from pathlib import Path

import hub_lab
import pytest

import lessons

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "hub"
LEARNERS = [f"learner{i}" for i in range(1, 6)]

# The heaviest lesson, as learners run it: the workbook once it exists, else the book.
HEAVIEST_LESSON = (
    "workbook/09-softmax-at-work.ipynb"
    if (ROOT / "workbook" / "09-softmax-at-work.ipynb").exists()
    else "notebooks/09-softmax-at-work.ipynb"
)
# Kernels running at once when every lesson is measured: one per core here
# (two cores), so each run's wall time stays close to a lone run's.
LESSON_RUNS_AT_ONCE = 2


def hub_test(test):
    """The tests that run the hub: marker ``hub``, and ``slow`` as they run whole
    lessons (the checks of the helpers at the end carry neither)."""
    return pytest.mark.slow(pytest.mark.hub(test))


def _load_docs_module(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "docs" / "hub" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


course_link = _load_docs_module("course_link")
TIMINGS: dict[str, float] = {}
VERSIONS: dict[str, str] = {}
# The concurrent run's results, for the sizing table the per-lesson test writes.
TOGETHER: dict[str, object] = {}
# "Learners per core" in the sizing table: how many learners' Run All one core
# finishes in this many seconds when the whole class presses it at once.
ACCEPTED_WAIT = 60


# --------------------------------------------------------------------------
# Fixtures: the published course, the hub, five learners who clicked the link
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return hub_lab.CourseRepo.from_checkout(ROOT, tmp_path_factory.mktemp("course"))


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    t0 = time.perf_counter()
    started = hub_lab.Hub(tmp_path_factory.mktemp("hub"))
    try:
        started.start()
        TIMINGS["hub start"] = time.perf_counter() - t0
        VERSIONS["hub"] = started.versions()
        yield started
    finally:
        pids = started.all_pids() if started.proc else set()
        killed = started.stop()
        left = [pid for pid in pids if hub_lab.alive(pid)]
        print(
            f"\nhub stopped: {len(pids)} processes (hub, proxy, servers, kernels);"
            f" killed after the hub's own shutdown: {killed or 'none'}"
        )
        assert not left, f"processes still alive after stopping the hub: {left}"


@pytest.fixture(scope="module")
def link(hub, course):
    return course_link.course_link(hub.url, course.url, branch=course.branch)


@pytest.fixture(scope="module")
def learners(hub, link):
    """Five learners log in and click the link at the same time."""
    people = [hub_lab.Learner(hub, name) for name in LEARNERS]

    def arrive(learner):
        learner.log_in()
        learner.landed = learner.click(link)
        return learner

    t0 = time.perf_counter()
    try:
        with concurrent.futures.ThreadPoolExecutor(len(people)) as pool:
            list(pool.map(arrive, people))
    except Exception as err:
        raise RuntimeError(f"{err}\n--- hub log ---\n{hub.log_tail()}") from err
    TIMINGS["5 learners log in, spawn, pull"] = time.perf_counter() - t0
    return people


def _run_together(learner_runs, at_once=None):
    """Run (learner, notebook path in the course) pairs concurrently."""

    async def main():
        gate = asyncio.Semaphore(at_once or len(learner_runs))

        async def one(learner, rel):
            async with gate:
                cells = hub_lab.code_cells(learner.home / course_link.COURSE_DIR / rel)
                return await learner.run_notebook(cells, f"{course_link.COURSE_DIR}/{rel}")

        return await asyncio.gather(*(one(learner, rel) for learner, rel in learner_runs))

    return asyncio.run(main())


def _write_artifact(name: str, table: str, data) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.md").write_text(table + "\n", encoding="utf-8")
    (ARTIFACTS / f"{name}.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def _machine() -> str:
    return f"{os.cpu_count()} cores, {VERSIONS.get('hub', '?')}, load average {os.getloadavg()[0]:.1f} at the end"


def _python_in_kernel(learner, code: str) -> str:
    """Run ``code`` in a new kernel of ``learner`` (opened on the contents page); its stdout."""

    async def main():
        session = await asyncio.to_thread(learner.open_notebook, f"{course_link.COURSE_DIR}/{course_link.START_PAGE}")
        try:
            result = hub_lab.RunResult(learner.name, "probe")
            out = await learner.run_cells(session["kernel"]["id"], [code], result=result)
            assert not out.errors, out.errors
            return out.stdout
        finally:
            await asyncio.to_thread(learner.close_notebook, session)

    return asyncio.run(main()).strip()


# --------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------


@hub_test
def test_the_link_gives_every_learner_the_course_and_opens_the_contents_page(learners, course, link):
    assert link.startswith(learners[0].hub.url + "/hub/user-redirect/git-pull?repo=file%3A%2F%2F")
    published = hub_lab.git("rev-parse", "HEAD", cwd=course.work).strip()
    tracked = sorted(filter(None, hub_lab.git("ls-files", cwd=course.work).splitlines()))
    for learner in learners:
        assert learner.landed == f"{learner.server}lab/tree/softmax-lessons/workbook/00-index.ipynb", learner.landed
        copy = learner.home / course_link.COURSE_DIR
        assert hub_lab.git("rev-parse", "HEAD", cwd=copy).strip() == published, learner.name
        got = sorted(filter(None, hub_lab.git("ls-files", cwd=copy).splitlines()))
        assert got == tracked, f"{learner.name}: files differ from the published course"
        for rel in (course_link.START_PAGE, HEAVIEST_LESSON, "softmax_lib/__init__.py"):
            assert (copy / rel).read_bytes() == (course.work / rel).read_bytes(), f"{learner.name}: {rel}"
        disk = sum(f.stat().st_size for f in copy.rglob("*") if f.is_file())
        TIMINGS.setdefault("disk per learner (MB)", disk / 2**20)
        # The course's hub settings reached the learner's JupyterLab: no news pop-up.
        with learner.request("GET", learner.landed) as r:
            page = r.read().decode()
        config = json.loads(re.search(r'id="jupyter-config-data"[^>]*>\s*(\{.*?\})\s*</script>', page, re.S).group(1))
        assert config["news"] == {"disabled": True}, config.get("news")


@hub_test
def test_every_learners_kernel_imports_the_library_from_their_pulled_copy(learners):
    # The teachers' environment has softmax_lib installed too (requirements.txt's
    # `-e .`, pointing at this checkout), as a hub image built from
    # requirements.txt has: the pulled copy must win over it.
    installed = subprocess.run(
        [str(hub_lab.teacher_bin() / "python"), "-c", "import softmax_lib; print(softmax_lib.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd="/",
        env={"PATH": os.defpath},
    ).stdout.strip()
    for learner in learners:
        pulled = learner.home / course_link.COURSE_DIR / "softmax_lib" / "__init__.py"
        assert installed != str(pulled)
        where = _python_in_kernel(learner, "import softmax_lib; print(softmax_lib.__file__)")
        assert where == str(pulled), f"{learner.name}'s kernel imported {where}, not the pulled {pulled}"


@hub_test
def test_five_learners_run_the_heaviest_lesson_at_the_same_time(learners):
    # First one learner alone (the baseline), then all of them at once.
    t0 = time.perf_counter()
    (alone,) = _run_together([(learners[0], HEAVIEST_LESSON)])
    TIMINGS[f"1 learner runs {HEAVIEST_LESSON} alone"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    results = _run_together([(learner, HEAVIEST_LESSON) for learner in learners])
    wall = time.perf_counter() - t0
    TIMINGS[f"{len(learners)} learners run {HEAVIEST_LESSON} together"] = wall
    expected_cells = len(hub_lab.code_cells(ROOT / HEAVIEST_LESSON))

    rows = [
        "| learner | cells | wall time (s) | CPU (s): kernel | server | peak memory (MB): kernel | server |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        rows.append(
            f"| {r.learner} | {r.cells} | {r.wall:.0f} | {r.kernel_cpu:.1f} | {r.server_cpu:.1f} | "
            f"{hub_lab.mb(r.kernel_peak_kb):.0f} | {hub_lab.mb(r.server_peak_kb):.0f} |"
        )
    table = "\n".join(
        [
            f"{len(results)} learners ran `{HEAVIEST_LESSON}` (Run All: {expected_cells} code cells) at the same time",
            f"through a JupyterHub: {wall:.0f} s for all of them, {wall / alone.wall:.1f} times the {alone.wall:.0f} s"
            f" of one learner alone ({alone.kernel_cpu:.0f} s of kernel CPU); {_machine()}.",
            "",
            *rows,
        ]
    )
    print("\n" + table)
    _write_artifact(
        "learners",
        table,
        {
            "notebook": HEAVIEST_LESSON,
            "wall_seconds": wall,
            "alone": alone.__dict__,
            "machine": _machine(),
            "learners": [r.__dict__ for r in results],
        },
    )
    TOGETHER.update(wall=wall, alone=alone, results=results)

    for r in [alone, *results]:
        assert not r.errors, f"{r.learner}: {r.errors}"
        assert not r.stderr, f"{r.learner} got stderr output: {r.stderr}"
        assert r.cells == expected_cells, f"{r.learner} ran {r.cells} of {expected_cells} cells"
        assert r.kernel_peak_kb > 0 and r.server_peak_kb > 0


@hub_test
def test_every_lesson_runs_on_the_hub_and_its_peak_memory_fits_the_limit(learners):
    present = [lesson for lesson in lessons.present()]
    runs = [(learners[i % len(learners)], f"notebooks/{lesson.name}") for i, lesson in enumerate(present)]
    t0 = time.perf_counter()
    results = _run_together(runs, at_once=LESSON_RUNS_AT_ONCE)
    TIMINGS[f"{len(runs)} book notebooks, {LESSON_RUNS_AT_ONCE} at a time"] = time.perf_counter() - t0

    rows = [
        "| lesson | cells | wall time (s) | CPU (s): kernel | server | kernel peak memory (MB) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        rows.append(
            f"| {Path(r.notebook).stem} | {r.cells} | {r.wall:.0f} | {r.kernel_cpu:.1f} | {r.server_cpu:.1f} | "
            f"{hub_lab.mb(r.kernel_peak_kb):.0f} |"
        )
    server_peak = max(r.server_peak_kb for r in results)
    table = "\n".join(
        [
            f"Every book notebook, Run All in a fresh kernel on the hub, {LESSON_RUNS_AT_ONCE} at a time "
            f"({_machine()}).",
            f"Largest single-user server peak meanwhile: {hub_lab.mb(server_peak):.0f} MB.",
            "",
            *rows,
        ]
    )
    print("\n" + table)
    _write_artifact(
        "lessons",
        table,
        {"machine": _machine(), "server_peak_kb": server_peak, "lessons": [r.__dict__ for r in results]},
    )
    _write_artifact("sizing", _sizing_table(results, server_peak), {})

    for r in results:
        assert not r.errors, f"{r.notebook}: {r.errors}"
        assert not r.stderr, f"{r.notebook} got stderr output: {r.stderr}"
    heaviest_run = max(results, key=lambda r: r.kernel_peak_kb)
    assert Path(heaviest_run.notebook).name == Path(HEAVIEST_LESSON).name, (
        f"{heaviest_run.notebook} now needs the most memory ({hub_lab.mb(heaviest_run.kernel_peak_kb):.0f} MB):"
        " make it HEAVIEST_LESSON, the lesson all learners run together"
    )
    # The Zero to JupyterHub limit in docs/hub/config.yaml must hold a learner's
    # server plus the heaviest lesson's kernel plus the contents page's kernel
    # (a learner keeps it open while working on a lesson).
    limit_kb = _z2jh_memory("limit")
    heaviest = max(r.kernel_peak_kb for r in results)
    index = next(r.kernel_peak_kb for r in results if r.notebook.endswith("00-index.ipynb"))
    need = server_peak + heaviest + index
    assert need <= limit_kb, (
        f"a learner needs {hub_lab.mb(need):.0f} MB (server {hub_lab.mb(server_peak):.0f} + heaviest lesson"
        f" {hub_lab.mb(heaviest):.0f} + contents page {hub_lab.mb(index):.0f}), more than the"
        f" {hub_lab.mb(limit_kb):.0f} MB singleuser.memory.limit in docs/hub/config.yaml: raise it and the"
        " sizing table in docs/teaching.md"
    )
    assert server_peak + heaviest <= _z2jh_memory("guarantee"), (
        "the singleuser.memory.guarantee in docs/hub/config.yaml is below one server plus the heaviest lesson's kernel"
    )


@hub_test
def test_a_course_update_reaches_notebooks_and_library_together(learners, course, link):
    # Each learner has answered a Predict in the heaviest lesson and saved it.
    lesson = f"{course_link.COURSE_DIR}/{HEAVIEST_LESSON}"
    for learner in learners:
        nb = learner.load_notebook(lesson)
        cell = next(c for c in nb["cells"] if "my_prediction = None" in c["source"])
        cell["source"] = cell["source"].replace("my_prediction = None", f"my_prediction = 'c'  # {learner.name}", 1)
        learner.save_notebook(lesson, nb)
    # The teacher publishes a library change; the learners click the link again.
    stamp = f"hub-test-{time.time_ns()}"
    init = (course.work / "softmax_lib" / "__init__.py").read_text(encoding="utf-8")
    commit = course.publish(
        "softmax_lib/__init__.py", init + f"\nCOURSE_UPDATE = {stamp!r}\n", "A course update the learners pull"
    )
    for learner in learners:
        learner.click(link)
        copy = learner.home / course_link.COURSE_DIR
        log = hub_lab.git("log", "--format=%H", cwd=copy).split()
        assert commit in log, f"{learner.name}'s copy did not get the update"
        got = _python_in_kernel(learner, "import softmax_lib; print(softmax_lib.COURSE_UPDATE)")
        assert got == stamp, f"{learner.name}'s kernel did not get the pulled library update: {got!r}"
        # ... and the learner's own answer is still there.
        saved = json.loads((copy / HEAVIEST_LESSON).read_text(encoding="utf-8"))
        assert any(f"my_prediction = 'c'  # {learner.name}" in "".join(c["source"]) for c in saved["cells"]), (
            f"{learner.name}'s saved answer was lost by the update"
        )


def _sizing_table(results, server_peak_kb) -> str:
    """docs/teaching.md's sizing table (between <!--HUB-SIZING--> markers), from this run."""
    mb = hub_lab.mb
    lines = [
        f"Measured by `tests/test_hub.py` ({_machine()}): each book notebook run with **Run All** in a"
        f" fresh kernel on the hub. A learner's single-user server peaked at {mb(server_peak_kb):.0f} MB.",
        "",
        "| Lesson | Kernel peak (MB) | Server + kernel (MB) | CPU per Run All (s) |"
        " Learners per core if all press Run All at once and wait ≤ 1 min |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in results:
        cpu = r.kernel_cpu + r.server_cpu
        lines.append(
            f"| {Path(r.notebook).stem} | {mb(r.kernel_peak_kb):.0f}"
            f" | {mb(server_peak_kb + r.kernel_peak_kb):.0f} | {cpu:.0f}"
            f" | {max(1, int(ACCEPTED_WAIT // cpu))} |"
        )
    if TOGETHER:
        together, alone = TOGETHER["results"], TOGETHER["alone"]
        lines += [
            "",
            (
                f"{len(together)} learners running `{HEAVIEST_LESSON}` at the same moment on {os.cpu_count()} cores"
                f" all finished in {TOGETHER['wall']:.0f} s,"
                f" {TOGETHER['wall'] / alone.wall:.1f} times the {alone.wall:.0f} s"
                f" of one learner alone; each used {mb(max(r.kernel_peak_kb for r in together)):.0f} MB"
                " in the kernel and"
                f" {mb(max(r.server_peak_kb for r in together)):.0f} MB in the server at most."
                " (The test machine was shared with other work, so the wall times are upper bounds.)"
            ),
        ]
    return "\n".join(lines)


def _z2jh_memory(key: str) -> int:
    """singleuser.memory.<key> of docs/hub/config.yaml, in kB."""
    import yaml

    values = yaml.safe_load((ROOT / "docs" / "hub" / "config.yaml").read_text(encoding="utf-8"))
    text = str(values["singleuser"]["memory"][key])
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([MG])", text)
    if not m:
        raise ValueError(f"singleuser.memory.{key} = {text!r} in docs/hub/config.yaml: write it as e.g. 512M or 1G")
    return int(float(m.group(1)) * (1024 if m.group(2) == "M" else 1024 * 1024))


def teardown_module():
    if TIMINGS:
        print("\nhub test: " + "; ".join(f"{k} {v:.0f}" + ("" if "MB" in k else " s") for k, v in TIMINGS.items()))
        _write_artifact("timings", "\n".join(f"- {k}: {v:.0f}" for k, v in TIMINGS.items()), TIMINGS)


# --------------------------------------------------------------------------
# The helpers themselves (no hub needed; `make test-lib` runs these)
# --------------------------------------------------------------------------


def test_course_link_opens_the_contents_page_of_the_pulled_copy():
    link = course_link.course_link("https://hub.example.edu/", "https://github.com/me/softmax-lessons.git")
    base, _, query = link.partition("?")
    assert base == "https://hub.example.edu/hub/user-redirect/git-pull"
    params = dict(urllib.parse.parse_qsl(query))
    assert params == {
        "repo": "https://github.com/me/softmax-lessons.git",
        "branch": "main",
        "targetpath": "softmax-lessons",
        "urlpath": "lab/tree/softmax-lessons/workbook/00-index.ipynb",
    }
    # Every reserved character of the parameters is encoded (a link pasted into
    # a learning platform must survive as one URL).
    assert "/" not in query and ":" not in query


@pytest.mark.parametrize("hub_url", ["hub.example.edu", "ftp://hub.example.edu", ""])
def test_course_link_refuses_a_hub_address_without_http(hub_url):
    with pytest.raises(ValueError, match="must start with https://"):
        course_link.course_link(hub_url, "https://github.com/me/softmax-lessons.git")


def test_course_link_reads_the_repository_from_pyproject(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\n[project.urls]\nRepository = "https://example.org/c.git"\n')
    assert course_link.repository_url(pyproject) == "https://example.org/c.git"
    pyproject.write_text('[project]\nname = "x"\n')
    with pytest.raises(ValueError, match="--repo URL"):
        course_link.repository_url(pyproject)


@pytest.mark.parametrize(
    "line, answered",
    [
        ("my_prediction = None   # 'a', 'b' or 'c'", "my_prediction = 'a'   # 'a', 'b' or 'c'"),
        (
            'my_prediction = None   # a letter, or a set such as {"b", "c"}',
            'my_prediction = \'b\'   # a letter, or a set such as {"b", "c"}',
        ),
        ("my_prediction = None  # a probability, e.g. 0.5", "my_prediction = 0.5  # a probability, e.g. 0.5"),
        ("x = 1\nmy_prediction = None  # e.g. 40\nprint(x)", "x = 1\nmy_prediction = 40  # e.g. 40\nprint(x)"),
        ("my_prediction = 'c'  # 'a', 'b' or 'c'", "my_prediction = 'c'  # 'a', 'b' or 'c'"),
    ],
)
def test_a_scripted_learner_answers_every_predict(line, answered):
    assert hub_lab.answer_predictions(line) == answered


def test_course_link_examples_hold():
    import doctest

    import navigation

    # course_link.py prints the link tools/navigation.py makes; the examples live there.
    assert course_link.course_link is navigation.nbgitpuller_link
    failed, tried = doctest.testmod(navigation, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert tried and not failed


def test_a_predict_the_scripted_learner_cannot_answer_is_named():
    with pytest.raises(ValueError, match="cannot answer 'my_prediction = None  # your guess'"):
        hub_lab.answer_predictions("my_prediction = None  # your guess")
