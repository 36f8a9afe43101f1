"""Print the nbgitpuller link that gives every learner the course on a JupyterHub.

    python docs/hub/course_link.py https://hub.example.edu

One click logs the learner in, starts their server, clones the course into
``~/softmax-lessons`` (later clicks merge your updates into the learner's copy),
and opens the workbook's contents page, ``workbook/00-index.ipynb``: the
edition learners do (the book, ``notebooks/``, is next to it).  The
repository is the ``Repository`` entry of ``[project.urls]`` in pyproject.toml
(``--repo URL`` to give another, e.g. your fork).  ``tests/test_hub.py`` clicks
the link this script makes.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent.parent

# Where the course lands in each learner's home; docs/hub/jupyterhub_config.py
# and the Zero to JupyterHub config.yaml put this folder on PYTHONPATH.  Given
# explicitly because nbgitpuller's own default, the last part of the
# repository URL, would be "softmax-lessons.git" for a URL ending in .git.
COURSE_DIR = "softmax-lessons"
# The page the link opens, inside the course: the workbook's contents page.
START_PAGE = "workbook/00-index.ipynb"
# [project.urls] labels tried in order.
URL_LABELS = ("Repository", "Source", "Source Code", "Homepage")


def repository_url(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """The course's git repository, from pyproject.toml's ``[project.urls]``."""
    urls = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {}).get("urls", {})
    for label in URL_LABELS:
        if urls.get(label):
            return urls[label]
    raise ValueError(
        f"{pyproject} has no repository URL under [project.urls] (looked for"
        f" {', '.join(URL_LABELS)}); pass the repository with --repo URL"
    )


def course_link(
    hub_url: str, repo: str, branch: str = "main", course_dir: str = COURSE_DIR, start_page: str = START_PAGE
) -> str:
    r"""The nbgitpuller link: clone ``repo`` into ``~/course_dir`` and open ``start_page``.

    >>> print(course_link("https://hub.example.edu/", "https://github.com/me/softmax-lessons.git")
    ...       .replace("&", "\n&"))
    https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fme%2Fsoftmax-lessons.git
    &branch=main
    &targetpath=softmax-lessons
    &urlpath=lab%2Ftree%2Fsoftmax-lessons%2Fworkbook%2F00-index.ipynb
    """
    hub = urlsplit(hub_url)
    if hub.scheme not in ("http", "https") or not hub.netloc:
        raise ValueError(
            f"hub URL {hub_url!r} is not an http(s) address; pass the hub's address, e.g. https://hub.example.edu"
        )
    if not repo:
        raise ValueError("the repository URL is empty; pass the course's git URL")
    query = urlencode(
        {
            "repo": repo,
            "branch": branch,
            "targetpath": course_dir,
            "urlpath": f"lab/tree/{course_dir}/{start_page}",
        },
        quote_via=quote,
        safe="",
    )
    return f"{hub_url.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("hub_url", help="the hub's address, e.g. https://hub.example.edu")
    parser.add_argument("--repo", help="the course's git repository (default: pyproject.toml's [project.urls])")
    parser.add_argument("--branch", default="main", help="the branch learners get (default: main)")
    args = parser.parse_args(argv)
    try:
        print(course_link(args.hub_url, args.repo or repository_url(), args.branch))
    except ValueError as err:
        parser.error(str(err))
    return 0


if __name__ == "__main__":
    sys.exit(main())
