"""The GitHub workflow a fork runs (.github/workflows/test.yml) cannot run here, so it is read:
it must run the README's test command on every Python the README promises, with the browser
tests required, as .ci/run does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "test.yml"


def readme_test_command() -> str:
    """The command the README gives for the whole suite (in its "With make" block)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"\*\*With make\*\*.*?```bash\n(.*?)```", readme, re.S)
    assert block, "README.md has no 'With make' bash block"
    commands = [line.split("#", 1)[0].strip() for line in block.group(1).splitlines()]
    suite = [c for c in commands if c.startswith("make test")]
    assert len(suite) == 1, f"the README's make block should give one test command, found {suite}"
    return suite[0]


def readme_pythons() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"The course runs on \*\*Python ([\d.]+(?:, [\d.]+)*) and ([\d.]+)\*\*", readme)
    assert m, "README.md should say 'The course runs on **Python 3.11, 3.12 and 3.13**'"
    return [*m.group(1).split(", "), m.group(2)]


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _steps_runs(job: dict) -> list[list[str]]:
    runs = [step["run"] for step in job["steps"] if "run" in step]
    return [[line.strip() for line in run.splitlines() if line.strip()] for run in runs]


def test_it_runs_on_push_and_pull_request(workflow):
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert {"push", "pull_request"} <= set(triggers)


def test_it_calls_the_readmes_command_on_every_python_the_readme_names(workflow):
    command = readme_test_command()
    assert command == "make test"
    pythons = readme_pythons()
    assert pythons == ["3.11", "3.12", "3.13"]
    (job,) = workflow["jobs"].values()
    assert [str(v) for v in job["strategy"]["matrix"]["python"]] == pythons
    assert job["strategy"].get("fail-fast") is False, "one Python failing must not cancel the others"
    # The Python of each run is the matrix's: the job's container is python:<version>.
    assert re.fullmatch(r"python:\$\{\{ matrix\.python \}\}-\w+", job["container"]["image"]), job["container"]
    runs = _steps_runs(job)
    assert [command] in runs, f"no step runs exactly {command!r}: {runs}"
    guarded = [s for s in job["steps"] if s.get("run", "").strip() == command]
    assert all("if" not in s for s in guarded), "the README's command must run on every Python"


def test_browser_tests_are_required_with_debians_chromium_first(workflow):
    (job,) = workflow["jobs"].values()
    assert str(job["env"]["SOFTMAX_REQUIRE_BROWSER"]) == "1"
    runs = _steps_runs(job)
    flat = [line for run in runs for line in run]
    chromium = next(i for i, line in enumerate(flat) if re.search(r"apt-get install .*\bchromium\b", line))
    assert chromium < flat.index(readme_test_command())


def test_ci_run_calls_the_same_command():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    lines = [line.strip() for line in script.splitlines()]
    assert readme_test_command() in lines and "make test-install" in lines
    assert "export SOFTMAX_REQUIRE_BROWSER=1" in lines


def test_the_check_can_fail(tmp_path, monkeypatch, workflow):
    # A workflow that drops a Python, or calls another command, is caught.
    broken = dict(workflow)
    ((name, job),) = workflow["jobs"].items()
    job = {
        **job,
        "strategy": {**job["strategy"], "matrix": {"python": ["3.11", "3.12"]}},
        "steps": [s for s in job["steps"] if s.get("run", "").strip() != "make test"],
    }
    broken["jobs"] = {name: job}
    with pytest.raises(AssertionError):
        test_it_calls_the_readmes_command_on_every_python_the_readme_names(broken)
