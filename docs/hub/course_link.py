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

ROOT = Path(__file__).resolve().parent.parent.parent

sys.path.insert(0, str(ROOT / "tools"))
import navigation  # noqa: E402  (the one place the nbgitpuller link is made)

course_link = navigation.nbgitpuller_link
# Where the course lands in each learner's home (jupyterhub_config.py and config.yaml put it on
# PYTHONPATH) and the page the link opens, as tests/test_hub.py reads them.
COURSE_DIR = navigation.HUB_COURSE_DIR
START_PAGE = navigation.HUB_START_PAGE

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
