"""Write the navigation cells, the Colab cells, the contents table, the README's
lesson list and its badges.

Every lesson gets a markdown cell ``< previous | Contents | next >`` as its
second cell and as its last cell, marked by ``<!--NAVIGATION-->`` so the
script can find and rewrite it (re-running is safe).  The top one also
carries the lesson's "Open in Colab" link.  ``00-index.ipynb``
gets its contents table between ``<!--CONTENTS-->`` markers, and README.md
its lesson list between ``<!--LESSONS-->`` markers, and docs/teaching.md its
table of teacher's pages between ``<!--TEACHING-->`` markers.  Lessons whose notebook
does not exist yet are listed as "coming".

**One public URL.**  The course's GitHub repository is written once, as
``Repository`` under ``[project.urls]`` in pyproject.toml.  Every badge and
link that leaves the repository is made from it here: the README's Binder and
Colab badges (between ``<!--BADGES-->`` markers, its first lines), its
nbgitpuller link (``<!--NBGITPULLER-->``), each lesson's Colab link, and the
Colab cell below.  While the URL names ``OWNER`` (the placeholder) nothing
points there: the README's first lines say what to set, and each lesson says
in a plain sentence that it has no Colab link yet.

**The Colab cell.**  Every lesson's first code cell (marked by its first line,
:data:`COLAB_MARK`) does nothing outside Google Colab.  On Colab it installs
the course (``pip install git+<Repository>@<branch>``), which brings
ipywidgets 8 in place of Colab's 7.x, and turns on Colab's custom widget
manager, which ipywidgets 8 needs there.

The workbook (tools/workbook.py) is made from the book's notebooks; it calls
:func:`with_generated_cells` with ``folder="workbook"`` so its links open
workbook lessons, and skips :func:`is_generated` cells when it looks for a
lesson's setup cell.

    python tools/navigation.py           # rewrite in place
    python tools/navigation.py --check   # exit 1 if anything is stale
    python tools/navigation.py --nbgitpuller https://hub.example.edu   # print the course's nbgitpuller link
"""

from __future__ import annotations

import argparse
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import nbformat

from lessons import LESSONS, Lesson, title

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
NAV_MARK = "<!--NAVIGATION-->"
CONTENTS = ("<!--CONTENTS-->", "<!--/CONTENTS-->")
README_MARKS = ("<!--LESSONS-->", "<!--/LESSONS-->")
TEACHING_MARKS = ("<!--TEACHING-->", "<!--/TEACHING-->")
BADGE_MARKS = ("<!--BADGES-->", "<!--/BADGES-->")
NBGITPULLER_MARKS = ("<!--NBGITPULLER-->", "<!--/NBGITPULLER-->")
PYPROJECT = ROOT / "pyproject.toml"
#: The owner the placeholder URL names; no link is generated while the URL names it.
PLACEHOLDER_OWNER = "OWNER"
#: The folders a lesson is stored in: the book and the workbook.
FOLDERS = ("notebooks", "workbook")
#: The first line of every lesson's Colab cell (how the tools find it).
COLAB_MARK = "# Google Colab only:"
COLAB_CELL_ID = "colab-setup"
INDEX_PATH = "notebooks/00-index.ipynb"


# ---------------------------------------------------------------- the public URL


@dataclass(frozen=True)
class PublicRepo:
    """The course's public GitHub repository, and every link made from it."""

    owner: str
    name: str
    branch: str = "main"

    @property
    def url(self) -> str:
        return f"https://github.com/{self.owner}/{self.name}"

    @property
    def pip_spec(self) -> str:
        """What ``pip install`` takes to install the course from GitHub (its lessons' branch)."""
        return f"git+{self.url}@{self.branch}"

    def colab(self, path: str) -> str:
        """Colab's link that opens ``path`` (e.g. ``notebooks/01-intuition.ipynb``) from GitHub."""
        return f"https://colab.research.google.com/github/{self.owner}/{self.name}/blob/{self.branch}/{path}"

    def binder(self, path: str = INDEX_PATH) -> str:
        """mybinder.org's link that builds the course and opens ``path`` in JupyterLab."""
        return f"https://mybinder.org/v2/gh/{self.owner}/{self.name}/{self.branch}?urlpath=lab/tree/{path}"

    def nbgitpuller(self, hub: str, path: str | None = None) -> str:
        """The nbgitpuller link for a JupyterHub at ``hub`` (see :func:`nbgitpuller_link`)."""
        return nbgitpuller_link(hub, self.url, self.branch, start_page=path or HUB_START_PAGE)


#: Where an nbgitpuller link puts the course in each learner's home (docs/hub/jupyterhub_config.py
#: and config.yaml put this folder on PYTHONPATH), and the page it opens: the workbook's contents.
HUB_COURSE_DIR = "softmax-lessons"
HUB_START_PAGE = "workbook/00-index.ipynb"


def nbgitpuller_link(
    hub: str, repo: str, branch: str = "main", course_dir: str = HUB_COURSE_DIR, start_page: str = HUB_START_PAGE
) -> str:
    r"""The nbgitpuller link: the first click clones ``repo`` into ``~/course_dir`` and opens
    ``start_page``; later clicks pull updates and keep the learner's changes.  The one place this
    link is made: the README's line, ``--nbgitpuller`` and docs/hub/course_link.py use it, and
    tests/test_hub.py clicks it on a real hub.

    >>> print(nbgitpuller_link("https://hub.example.edu/", "https://github.com/me/softmax-lessons.git")
    ...       .replace("&", "\n&"))
    https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fme%2Fsoftmax-lessons.git
    &branch=main
    &targetpath=softmax-lessons
    &urlpath=lab%2Ftree%2Fsoftmax-lessons%2Fworkbook%2F00-index.ipynb
    """
    if not re.match(r"https?://[^/\s]+", hub):
        raise ValueError(f"the hub's address must start with https:// (e.g. https://hub.example.edu), got {hub!r}")
    if not repo:
        raise ValueError("the repository URL is empty; pass the course's git URL")
    query = urlencode(
        {"repo": repo, "branch": branch, "targetpath": course_dir, "urlpath": f"lab/tree/{course_dir}/{start_page}"},
        quote_via=quote,
        safe="",
    )
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"


_GITHUB = re.compile(
    r"https://github\.com/(?P<owner>[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)/(?P<name>[A-Za-z0-9._-]+?)(?:\.git)?"
    r"(?:/tree/(?P<branch>[A-Za-z0-9._/-]+?))?/?"
)


def repository_url(pyproject: Path | None = None) -> str:
    """The ``Repository`` URL under ``[project.urls]`` in pyproject.toml."""
    path = PYPROJECT if pyproject is None else pyproject
    urls = tomllib.loads(path.read_text(encoding="utf-8")).get("project", {}).get("urls", {})
    if "Repository" not in urls:
        raise ValueError(
            f'{path.name} has no Repository under [project.urls]: add Repository = "https://github.com/<owner>/<name>"'
        )
    return urls["Repository"]


def parse_repository(url: str) -> PublicRepo | None:
    """The repository ``url`` names, or None while it is the placeholder (owner ``OWNER``)."""
    m = _GITHUB.fullmatch(url.strip())
    if not m:
        raise ValueError(
            f"[project.urls] Repository in pyproject.toml must be https://github.com/<owner>/<name> "
            f"or https://github.com/<owner>/<name>/tree/<branch> (Colab and Binder open GitHub "
            f"repositories), got {url!r}"
        )
    if m["owner"] == PLACEHOLDER_OWNER:
        return None
    return PublicRepo(m["owner"], m["name"], m["branch"] or "main")


def public_repo(pyproject: Path | None = None) -> PublicRepo | None:
    """The course's public repository from pyproject.toml; None while it is the placeholder."""
    return parse_repository(repository_url(pyproject))


_UNSET = object()


def _repo(repo) -> PublicRepo | None:
    return public_repo() if repo is _UNSET else repo


# ---------------------------------------------------------------- Colab


def colab_link(name: str, folder: str = "notebooks", repo=_UNSET) -> str:
    """The line under the top navigation of lesson ``name`` in ``folder``: its "Open in Colab"
    link, or, while the repository is the placeholder, a plain sentence (no dead link)."""
    if folder not in FOLDERS:
        raise ValueError(f"folder must be one of {FOLDERS}, got {folder!r}")
    repo = _repo(repo)
    if repo is None:
        return (
            "*Google Colab:* no link yet, because this copy of the course does not name its public "
            "repository (see the top of the README)."
        )
    return (
        f"[Open this notebook in Google Colab]({repo.colab(f'{folder}/{name}')}): it runs in the "
        "browser, and its first code cell installs the course there."
    )


_COLAB_HEAD = f"""{COLAB_MARK} install the course and turn on the widget manager its sliders need.
# Anywhere else (JupyterLab, Notebook, VS Code, a JupyterHub) this cell does nothing.
import sys

if "google.colab" in sys.modules:
"""

_COLAB_INSTALL = """\
    import importlib.util
    import subprocess

    COURSE = "{spec}"
    if importlib.util.find_spec("softmax_lib") is None:
        print(f"Installing the course from {{COURSE}} (about a minute)...")
        pip = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", COURSE],
                             capture_output=True, text=True)
        if pip.returncode != 0:
            raise RuntimeError(f"pip could not install the course from {{COURSE}}:\\n{{pip.stderr[-3000:]}}")
    # Colab comes with ipywidgets 7; the course needs 8.1 or newer, which the install brought.
    loaded = sys.modules.get("ipywidgets")
    if loaded is not None and tuple(int(n) for n in loaded.__version__.split(".")[:2]) < (8, 1):
        raise RuntimeError(f"Colab had already loaded ipywidgets {{loaded.__version__}}; the course needs 8.1 or "
                           "newer, now installed. Choose Runtime > Restart session, then Runtime > Run all.")
    from google.colab import output

    output.enable_custom_widget_manager()  # ipywidgets 8 needs it on Colab
    print("Google Colab: the course is installed and the widget manager is on.")
"""

_COLAB_PLACEHOLDER = """\
    raise RuntimeError("This copy of the course does not name its public repository, so it cannot "
                       "install itself on Colab: run  !pip install git+https://github.com/<owner>/<name>  "
                       "with the address of the course's repository, then run this notebook again.")
"""


def colab_cell_source(repo=_UNSET) -> str:
    """The source of every lesson's Colab cell: a no-op outside Colab; on Colab it installs
    the course from the public repository and turns on Colab's custom widget manager."""
    repo = _repo(repo)
    body = _COLAB_PLACEHOLDER if repo is None else _COLAB_INSTALL.format(spec=repo.pip_spec)
    return _COLAB_HEAD + body.rstrip("\n")


def is_generated(cell) -> bool:
    """True for the cells this tool writes (navigation and the Colab cell): a tool that looks
    for a lesson's own first cell (its setup) skips these."""
    if cell.cell_type == "markdown":
        return cell.source.startswith(NAV_MARK)
    return cell.cell_type == "code" and cell.source.startswith(COLAB_MARK)


def with_generated_cells(
    nb: nbformat.NotebookNode, name: str, folder: str = "notebooks", repo=_UNSET
) -> nbformat.NotebookNode:
    """``nb`` (lesson ``name``, stored in ``folder``) with its generated cells made current, in place:

    * the navigation as the second cell (with the Colab link) and as the last cell;
    * the Colab cell just before the lesson's first code cell.  An existing Colab cell is kept
      with its outputs and execution count (it prints nothing outside Colab, so a new URL
      needs no re-run); only its source is rewritten.

    Every other cell is left as it is.  Running it again changes nothing.
    """
    repo = _repo(repo)
    line = nav_line(name)
    old_colab = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith(COLAB_MARK)]
    cells = [c for c in nb.cells if not is_generated(c)]
    top = nbformat.v4.new_markdown_cell(f"{line}\n\n{colab_link(name, folder, repo)}")
    bottom = nbformat.v4.new_markdown_cell(line)
    top.id, bottom.id = "nav-top", "nav-bottom"
    if old_colab:
        colab = old_colab[0]
        colab.source = colab_cell_source(repo)
    else:
        colab = nbformat.v4.new_code_cell(colab_cell_source(repo))
        colab.id = COLAB_CELL_ID
    cells = cells[:1] + [top] + cells[1:] + [bottom]
    first_code = next((i for i, c in enumerate(cells) if c.cell_type == "code"), len(cells) - 1)
    cells.insert(first_code, colab)
    nb.cells = cells
    return nb


def badges(repo=_UNSET) -> str:
    """The README's first lines: the Binder and Colab badges, or what to set while the
    repository is the placeholder."""
    repo = _repo(repo)
    if repo is None:
        return (
            "**Publishing this course?** Its public address is not set yet: put the GitHub URL in "
            "`pyproject.toml` (`Repository` under `[project.urls]`, now a placeholder naming `OWNER`), then "
            "run `make nav`. That writes the Binder and Colab badges here and every lesson's Colab link; "
            "until then there are none, because they would point at a repository that does not exist."
        )
    return (
        f"[![Open the course in Binder](https://mybinder.org/badge_logo.svg)]({repo.binder()})\n"
        f"[![Open the course in Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
        f"({repo.colab(INDEX_PATH)})"
    )


def nbgitpuller_note(repo=_UNSET) -> str:
    """The README's nbgitpuller line (a JupyterHub's address is the teacher's own)."""
    repo = _repo(repo)
    if repo is None:
        return (
            "Once the course's public address is set (see the top of this page), `make nav` writes its "
            "nbgitpuller link here."
        )
    link = repo.nbgitpuller("https://YOUR-HUB")
    return (
        f"The course's nbgitpuller link, with your hub's address in place of `https://YOUR-HUB` "
        f"(or `python tools/navigation.py --nbgitpuller https://your.hub` prints it):\n"
        f"`{link}`"
    )


def _label(lesson: Lesson) -> str:
    """``"03 · Temperature and sharpness"``: the number, then the notebook's own title."""
    return f"{lesson.number} · {title(lesson.name, lesson.planned, NOTEBOOKS)}"


def existing() -> list[Lesson]:
    return [lesson for lesson in LESSONS if (NOTEBOOKS / lesson.name).exists()]


def nav_line(name: str) -> str:
    """The navigation markdown for lesson ``name`` (only lessons that exist)."""
    present = existing()
    names = [lesson.name for lesson in present]
    i = names.index(name)
    parts = []
    if i > 0:
        prev = present[i - 1]
        parts.append(f"[< {_label(prev)}]({prev.name})")
    if name != "00-index.ipynb":
        parts.append("[Contents](00-index.ipynb)")
    if i + 1 < len(present):
        nxt = present[i + 1]
        parts.append(f"[{_label(nxt)} >]({nxt.name})")
    return f"{NAV_MARK}\n" + " | ".join(parts)


def contents_table(link_prefix: str = "") -> str:
    lines = ["| # | Lesson | What you will learn |", "|---|---|---|"]
    for lesson in LESSONS[1:]:
        shown = title(lesson.name, lesson.planned, NOTEBOOKS)
        if (NOTEBOOKS / lesson.name).exists():
            lines.append(f"| {lesson.number} | [{shown}]({link_prefix}{lesson.name}) | {lesson.blurb} |")
        else:
            lines.append(f"| {lesson.number} | {shown} *(coming)* | {lesson.blurb} |")
    return "\n".join(lines)


def teaching_table() -> str:
    """docs/teaching.md's table: every lesson that exists, with its teacher's page."""
    lines = ["| # | Lesson | Teacher's page |", "|---|---|---|"]
    for lesson in existing():
        if lesson.teaching is not None:
            page = lesson.teaching.name
            lines.append(f"| {lesson.number} | {_label(lesson).split(' · ', 1)[1]} | [{page}](teaching/{page}) |")
    return "\n".join(lines)


def _replace_between(text: str, marks: tuple[str, str], body: str) -> str:
    start, end = marks
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        raise SystemExit(f"markers {start} ... {end} not found")
    return pattern.sub(lambda _: f"{start}\n{body}\n{end}", text)


def updated_notebook(path: Path, repo=_UNSET) -> nbformat.NotebookNode:
    """Return the book's notebook with its generated cells (and contents) made current."""
    nb = nbformat.read(path, as_version=4)
    with_generated_cells(nb, path.name, "notebooks", repo)
    if path.name == "00-index.ipynb":
        for c in nb.cells:
            if c.cell_type == "markdown" and CONTENTS[0] in c.source:
                c.source = _replace_between(c.source, CONTENTS, contents_table())
    return nb


def updated_readme(text: str, repo=_UNSET) -> str:
    repo = _repo(repo)
    text = _replace_between(text, README_MARKS, contents_table("notebooks/"))
    text = _replace_between(text, BADGE_MARKS, badges(repo))
    return _replace_between(text, NBGITPULLER_MARKS, nbgitpuller_note(repo))


def updated_teaching(text: str) -> str:
    return _replace_between(text, TEACHING_MARKS, teaching_table())


def _docs() -> list[tuple[Path, Callable[[str], str]]]:
    """The Markdown files with a generated lesson list, and the function that makes it current."""
    return [(ROOT / "README.md", updated_readme), (ROOT / "docs" / "teaching.md", updated_teaching)]


def stale() -> list[str]:
    """Names of files whose navigation, contents or lesson list is out of date."""
    out = []
    repo = public_repo()
    for lesson in existing():
        path = NOTEBOOKS / lesson.name
        if nbformat.writes(updated_notebook(path, repo)) != nbformat.writes(nbformat.read(path, as_version=4)):
            out.append(f"notebooks/{lesson.name}")
    for path, update in _docs():
        if path.exists() and update(path.read_text(encoding="utf-8")) != path.read_text(encoding="utf-8"):
            out.append(path.relative_to(ROOT).as_posix())
    return out


def write_all(only: list[Path] | None = None) -> list[str]:
    """Rewrite the navigation of every notebook and the README's lesson list,
    or, given ``only``, of just those notebooks (the others keep theirs)."""
    changed = stale()
    repo = public_repo()
    for lesson in existing():
        path = NOTEBOOKS / lesson.name
        if only is None or path.resolve() in {p.resolve() for p in only}:
            nbformat.write(updated_notebook(path, repo), path)
    for path, update in _docs():
        if only is None and path.exists():
            path.write_text(update(path.read_text(encoding="utf-8")), encoding="utf-8")
    return changed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only report stale files")
    ap.add_argument(
        "--nbgitpuller",
        metavar="HUB_URL",
        help="print the course's nbgitpuller link for the JupyterHub at HUB_URL, and nothing else",
    )
    args = ap.parse_args()
    try:
        repo = public_repo()
    except ValueError as e:
        print(e)
        return 2
    if args.nbgitpuller:
        if repo is None:
            print(
                "No nbgitpuller link: the course's public repository is not set "
                "(pyproject.toml, Repository under [project.urls], names OWNER)."
            )
            return 1
        try:
            print(repo.nbgitpuller(args.nbgitpuller))
        except ValueError as e:
            print(e)
            return 2
        return 0
    if args.check:
        bad = stale()
        for b in bad:
            print(f"stale navigation: {b}  (run `make nav`)")
        return 1 if bad else 0
    for name in write_all():
        print(f"updated {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
