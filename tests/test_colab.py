"""One public URL, every link made from it, and the Colab cell (tools/navigation.py).

Both states are tested: the placeholder (``OWNER``, as stored today), where no link
may point anywhere, and a real repository (a made-up one, ``example-org``), where
every link must name it.  The Colab cell runs here outside Colab (it must do
nothing) and against a stand-in ``google.colab`` module (it must call pip with the
course's URL and turn the widget manager on), never touching the network.
"""

from __future__ import annotations

import re
import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest

import navigation
from lessons import present

ROOT = Path(__file__).resolve().parent.parent
REAL = navigation.PublicRepo("example-org", "softmax-course", "teach")
REAL_URL = "https://github.com/example-org/softmax-course/tree/teach"
LINK = re.compile(r"\]\((https?://[^)\s]+)\)")


def _pyproject(tmp_path: Path, url: str) -> Path:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    new, n = re.subn(r'(?m)^Repository = ".*"$', f'Repository = "{url}"', text)
    assert n == 1, "pyproject.toml must hold exactly one Repository line under [project.urls]"
    path = tmp_path / "pyproject.toml"
    path.write_text(new, encoding="utf-8")
    return path


def _lesson_nb(*sources: tuple[str, str]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(s) if kind == "md" else nbformat.v4.new_code_cell(s) for kind, s in sources
    ]
    return nb


# ---------------------------------------------------------------- the URL


def _outside_generated_parts(name: str, text: str) -> str:
    """``text`` without the parts tools/navigation.py writes (README blocks, generated cells)."""
    if name.endswith(".ipynb"):
        nb = nbformat.reads(text, as_version=4)
        return "\n".join(c.source for c in nb.cells if not navigation.is_generated(c))
    for start, end in (navigation.BADGE_MARKS, navigation.NBGITPULLER_MARKS):
        text = re.sub(re.escape(start) + ".*?" + re.escape(end), "", text, flags=re.S)
    return text


def test_no_file_writes_a_link_by_hand():
    # Every Binder, Colab and nbgitpuller link is generated from the one URL (the URL itself,
    # the generator and the tests aside), in whichever state the repository is.
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    by_hand = re.compile(r"mybinder\.org/v2/|colab\.research\.google\.com/github/|git-pull\?repo=|github\.com/OWNER")
    for name in tracked:
        path = ROOT / name
        exempt = name.startswith("tests/") or name in {"tools/navigation.py", "pyproject.toml"}
        text_file = path.suffix in {".md", ".py", ".toml", ".txt", ".cfg", ".yml", ".j2", ".json", ".ipynb"}
        if text_file and not exempt and path.exists():
            text = _outside_generated_parts(name, path.read_text(encoding="utf-8", errors="replace"))
            hit = by_hand.search(text)
            assert not hit, f"{name} writes a link by hand ({hit.group(0)}): generate it in tools/navigation.py"


def test_the_readme_top_follows_the_stored_url():
    # Placeholder (as stored until the course is published): the first lines say what to set
    # and link nowhere.  A real URL: they are its Binder and Colab badges.
    repo = navigation.public_repo()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    top = readme.split(navigation.BADGE_MARKS[1])[0]
    if repo is None:
        assert "pyproject.toml" in top and "[project.urls]" in top and "make nav" in top
        assert not LINK.findall(top)
    else:
        assert navigation.badges(repo) in top
    assert not re.search(r"https?://[^\s)`]*OWNER", readme), "a link in the README names OWNER"


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://github.com/OWNER/softmax-lessons", None),
        (
            "https://github.com/example-org/softmax-course",
            navigation.PublicRepo("example-org", "softmax-course", "main"),
        ),
        ("https://github.com/example-org/softmax-course.git", navigation.PublicRepo("example-org", "softmax-course")),
        ("https://github.com/example-org/softmax-course/", navigation.PublicRepo("example-org", "softmax-course")),
        (REAL_URL, REAL),
    ],
)
def test_the_url_is_read_with_its_branch(url, expected):
    assert navigation.parse_repository(url) == expected


@pytest.mark.parametrize("url", ["https://gitlab.com/a/b", "github.com/a/b", "https://github.com/a", ""])
def test_a_url_colab_cannot_open_is_a_clear_error(url):
    with pytest.raises(ValueError, match=r"must be https://github\.com/<owner>/<name>.*got"):
        navigation.parse_repository(url)


def test_every_link_is_made_from_the_url_in_pyproject(tmp_path, monkeypatch):
    monkeypatch.setattr(navigation, "PYPROJECT", _pyproject(tmp_path, REAL_URL))
    repo = navigation.public_repo()
    assert repo == REAL
    assert repo.pip_spec == "git+https://github.com/example-org/softmax-course@teach"
    assert repo.binder() == (
        "https://mybinder.org/v2/gh/example-org/softmax-course/teach?urlpath=lab/tree/notebooks/00-index.ipynb"
    )
    assert repo.colab("workbook/03-temperature.ipynb") == (
        "https://colab.research.google.com/github/example-org/softmax-course/blob/teach/workbook/03-temperature.ipynb"
    )
    assert repo.nbgitpuller("https://hub.example.edu/") == (
        "https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fexample-org%2Fsoftmax-course"
        "&branch=teach&targetpath=softmax-lessons&urlpath=lab%2Ftree%2Fsoftmax-lessons%2Fworkbook%2F00-index.ipynb"
    )
    with pytest.raises(ValueError, match="must start with https://"):
        repo.nbgitpuller("hub.example.edu")
    # The README's generated parts: the badges come first and name only this repository.
    readme = navigation.updated_readme((ROOT / "README.md").read_text(encoding="utf-8"))
    first = readme.split(navigation.BADGE_MARKS[1])[0]
    badge_images = {"https://mybinder.org/badge_logo.svg", "https://colab.research.google.com/assets/colab-badge.svg"}
    links = [url for url in LINK.findall(first) if url not in badge_images]
    assert links == [repo.binder(), repo.colab("notebooks/00-index.ipynb")]
    assert "OWNER" not in first and "Publishing this course?" not in first
    assert repo.nbgitpuller("https://YOUR-HUB") in readme
    assert all("OWNER" not in url for url in LINK.findall(readme))


def test_the_cli_prints_the_nbgitpuller_link():
    py = [sys.executable, str(ROOT / "tools" / "navigation.py"), "--nbgitpuller", "https://hub.example.edu"]
    r = subprocess.run(py, capture_output=True, text=True)
    repo = navigation.public_repo()
    if repo is None:
        assert r.returncode == 1 and "not set" in r.stdout and "OWNER" in r.stdout, r.stdout + r.stderr
    else:
        assert (r.returncode, r.stdout) == (0, repo.nbgitpuller("https://hub.example.edu") + "\n"), r.stderr
    bad = subprocess.run(py[:-1] + ["hub.example.edu"], capture_output=True, text=True)
    assert bad.returncode in {1, 2} and bad.stdout.strip(), bad.stderr  # one clear line, never a traceback
    assert "Traceback" not in bad.stderr


# ---------------------------------------------------------------- the generated cells


def _book() -> nbformat.NotebookNode:
    return _lesson_nb(
        ("md", "# 01 · A lesson\n\nBy the end..."),
        ("code", "import numpy as np\nx = 1"),
        ("md", "## 1. Text"),
        ("code", "print(x)"),
    )


@pytest.mark.parametrize("folder", navigation.FOLDERS)
def test_generated_cells_with_a_real_url(folder):
    nb = navigation.with_generated_cells(_book(), "01-intuition.ipynb", folder, REAL)
    kinds = [(c.cell_type, c.get("id")) for c in nb.cells]
    assert kinds[:4] == [
        ("markdown", kinds[0][1]),
        ("markdown", "nav-top"),
        ("code", "colab-setup"),
        ("code", kinds[3][1]),
    ]
    assert nb.cells[-1].id == "nav-bottom"
    top = nb.cells[1].source
    assert top.startswith(navigation.NAV_MARK + "\n" + navigation.nav_line("01-intuition.ipynb").split("\n", 1)[1])
    assert LINK.findall(top)[-1] == REAL.colab(f"{folder}/01-intuition.ipynb")
    assert REAL.pip_spec in nb.cells[2].source
    assert nb.cells[3].source.startswith("import numpy")  # the lesson's own setup cell follows
    assert [navigation.is_generated(c) for c in nb.cells] == [False, True, True, False, False, False, True]


def test_generated_cells_with_the_placeholder_say_so_without_a_link():
    nb = navigation.with_generated_cells(_book(), "01-intuition.ipynb", "notebooks", None)
    top = nb.cells[1].source
    assert "no link yet" in top and "colab.research.google.com" not in top
    for cell in nb.cells:
        assert "OWNER" not in cell.source
    assert "raise RuntimeError" in nb.cells[2].source and "git+https://github.com/<owner>/<name>" in nb.cells[2].source


def test_regenerating_is_safe_and_keeps_the_colab_cells_run(tmp_path):
    once = navigation.with_generated_cells(_book(), "01-intuition.ipynb", "notebooks", None)
    again = navigation.with_generated_cells(
        nbformat.reads(nbformat.writes(once), 4), "01-intuition.ipynb", "notebooks", None
    )
    assert nbformat.writes(again) == nbformat.writes(once)
    # A stored, executed book: setting the URL rewrites the Colab cell's source only; its
    # execution count stays (it prints nothing outside Colab), so no re-run is needed.
    once.cells[2].execution_count = 1
    real = navigation.with_generated_cells(once, "01-intuition.ipynb", "notebooks", REAL)
    colab = [c for c in real.cells if c.cell_type == "code" and navigation.is_generated(c)]
    assert len(colab) == 1 and colab[0].execution_count == 1 and REAL.pip_spec in colab[0].source
    assert len([c for c in real.cells if navigation.is_generated(c)]) == 3


def test_the_index_gets_its_colab_cell_before_its_first_code_cell():
    nb = _lesson_nb(
        ("md", "# Softmax"),
        ("md", "## Contents\n\n<!--CONTENTS-->\n<!--/CONTENTS-->"),
        ("code", "from softmax_lib import style"),
    )
    nb = navigation.with_generated_cells(nb, "00-index.ipynb", "notebooks", REAL)
    assert [c.get("id") for c in nb.cells][1] == "nav-top"
    assert nb.cells[3].id == "colab-setup" and nb.cells[4].source == "from softmax_lib import style"


def test_every_stored_lesson_would_get_the_cells(tmp_path, monkeypatch):
    # The real notebooks, generated on temporary copies (the stored ones are not touched).
    nb_dir = tmp_path / "notebooks"
    nb_dir.mkdir()
    for lesson in present():
        (nb_dir / lesson.name).write_bytes(lesson.notebook.read_bytes())
    monkeypatch.setattr(navigation, "NOTEBOOKS", nb_dir)
    monkeypatch.setattr(navigation, "PYPROJECT", _pyproject(tmp_path, REAL_URL))
    navigation.write_all(only=sorted(nb_dir.glob("*.ipynb")))
    for lesson in present():
        nb = nbformat.read(nb_dir / lesson.name, as_version=4)
        codes = [c for c in nb.cells if c.cell_type == "code"]
        assert codes[0].source == navigation.colab_cell_source(REAL), lesson.name
        assert not navigation.is_generated(codes[1]), lesson.name
        assert REAL.colab(f"notebooks/{lesson.name}") in nb.cells[1].source
    # Current now, and running the tool again changes nothing (the README in the repository
    # still holds the placeholder's text, so it is stale for this made-up URL).
    assert navigation.stale() == ["README.md"]
    before = {p.name: p.read_bytes() for p in nb_dir.glob("*.ipynb")}
    navigation.write_all(only=sorted(nb_dir.glob("*.ipynb")))
    assert {p.name: p.read_bytes() for p in nb_dir.glob("*.ipynb")} == before


# ---------------------------------------------------------------- the Colab cell, run


class _Pip:
    def __init__(self, returncode=0):
        self.calls = []
        self.returncode = returncode

    def __call__(self, cmd, **kwargs):
        self.calls.append(cmd)
        return subprocess.CompletedProcess(cmd, self.returncode, stdout="", stderr="ERROR: network unreachable")


@pytest.fixture
def fake_colab(monkeypatch):
    """A stand-in google.colab whose output.enable_custom_widget_manager records its call."""
    calls = []
    google = types.ModuleType("google")
    colab = types.ModuleType("google.colab")
    output = types.ModuleType("google.colab.output")
    output.enable_custom_widget_manager = lambda: calls.append("enable_custom_widget_manager")
    colab.output = output
    google.colab = colab
    for name, mod in {"google": google, "google.colab": colab, "google.colab.output": output}.items():
        monkeypatch.setitem(sys.modules, name, mod)
    return calls


def _run_cell(source: str) -> dict:
    namespace: dict = {"__name__": "__main__"}
    exec(compile(source, "<colab cell>", "exec"), namespace)
    return namespace


def test_outside_colab_the_cell_does_nothing(monkeypatch, capsys):
    assert "google.colab" not in sys.modules
    pip = _Pip()
    monkeypatch.setattr(subprocess, "run", pip)
    before = set(sys.modules)
    for repo in (REAL, None):
        namespace = _run_cell(navigation.colab_cell_source(repo))
        assert set(namespace) == {"__name__", "__builtins__", "sys"}
    assert pip.calls == [] and set(sys.modules) == before
    assert capsys.readouterr() == ("", "")


def test_on_colab_the_cell_installs_the_course_and_turns_on_the_widget_manager(fake_colab, monkeypatch, capsys):
    pip = _Pip()
    monkeypatch.setattr(subprocess, "run", pip)
    import importlib.util

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "softmax_lib" else real_find_spec(name, *a)
    )
    monkeypatch.delitem(sys.modules, "ipywidgets", raising=False)
    _run_cell(navigation.colab_cell_source(REAL))
    assert pip.calls == [
        [sys.executable, "-m", "pip", "install", "--quiet", "git+https://github.com/example-org/softmax-course@teach"]
    ]
    assert fake_colab == ["enable_custom_widget_manager"]
    out = capsys.readouterr().out
    assert "Installing the course" in out and "widget manager is on" in out


def test_on_colab_an_installed_course_is_not_installed_again(fake_colab, monkeypatch):
    pip = _Pip()
    monkeypatch.setattr(subprocess, "run", pip)
    _run_cell(navigation.colab_cell_source(REAL))  # softmax_lib is importable here
    assert pip.calls == [] and fake_colab == ["enable_custom_widget_manager"]


def test_on_colab_a_failed_install_says_so(fake_colab, monkeypatch):
    monkeypatch.setattr(subprocess, "run", _Pip(returncode=1))
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    with pytest.raises(
        RuntimeError,
        match=r"(?s)pip could not install the course from git\+https://github\.com/"
        r"example-org/softmax-course@teach.*network unreachable",
    ):
        _run_cell(navigation.colab_cell_source(REAL))
    assert fake_colab == []


def test_on_colab_an_already_loaded_ipywidgets_7_asks_for_a_restart(fake_colab, monkeypatch):
    monkeypatch.setattr(subprocess, "run", _Pip())
    old = types.ModuleType("ipywidgets")
    old.__version__ = "7.7.1"
    monkeypatch.setitem(sys.modules, "ipywidgets", old)
    with pytest.raises(RuntimeError, match=r"already loaded ipywidgets 7\.7\.1.*Restart session.*Run all"):
        _run_cell(navigation.colab_cell_source(REAL))


def test_on_colab_the_placeholder_cell_says_what_to_do(fake_colab, monkeypatch):
    monkeypatch.setattr(subprocess, "run", _Pip())
    with pytest.raises(RuntimeError, match=r"does not name its public repository.*!pip install git\+"):
        _run_cell(navigation.colab_cell_source(None))
    assert fake_colab == []


def test_the_cell_runs_as_a_no_op_in_a_real_kernel(tmp_path):
    # In a kernel (not exec): no output, no error, nothing installed.
    from nbclient import NotebookClient

    nb = _lesson_nb(
        ("code", navigation.colab_cell_source(REAL)),
        ("code", "print('google.colab' in sys.modules, 'subprocess' in dir())"),
    )
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert nb.cells[0].outputs == []
    assert nb.cells[1].outputs[0]["text"] == "False False\n"
