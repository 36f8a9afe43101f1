"""Restore the stored lessons, book and workbook, so that ``git pull`` works, and lose nothing (``make reset``).

    python3 tools/reset.py            # the course this file belongs to
    python3 tools/reset.py --root DIR # another checkout of the course

Running a lesson rewrites it (outputs, and JupyterLab autosaves), so ``git pull``
refuses: "Your local changes ... would be overwritten", or, for a file git does not
track that the update adds, "untracked working tree files would be overwritten".
This script, for the lesson folders ``notebooks/`` (the book) and ``workbook/`` (where
the learner writes answers), those of them the last commit has:

1. makes a new folder ``my-work/<date-time>/`` (``-2``, ``-3``, ... when a run in the
   same second made one already; created atomically, so two runs never share one);
2. copies into it every tracked file that differs from the last commit, staged or not,
   as it is on disk; when the staged version (``git add``) differs from both the commit
   and the file, it is kept too, as ``NAME.staged.EXT``;
3. moves into it every file in those folders that git does not track and does not
   ignore (a notebook of the learner's own, or one an update would add): moved, not
   deleted, so the learner keeps it and ``git pull`` can add its own;
4. checks every copy byte for byte, and only then unstages and restores ``notebooks/``
   from the last commit and removes the moved files.

Outside a git checkout (a downloaded ZIP), or where git tracks neither folder,
it changes nothing, says so in one line, and exits with status 1.  It runs on the
system's ``python3`` (3.8 or newer), not only the course's venv.
"""

from __future__ import annotations

import argparse
import datetime
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("notebooks", "workbook")
WORK = "my-work"


class ResetError(Exception):
    """Nothing was changed; the message says why, in one line."""


def _git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    try:
        r = subprocess.run(["git", *args], cwd=root, capture_output=True)
    except FileNotFoundError:
        raise ResetError(
            "make reset needs git, which is not installed: copy any notebook you want to keep "
            "out of notebooks/ and workbook/, then download a fresh copy of the course."
        ) from None
    if check and r.returncode != 0:
        raise ResetError(f"git {' '.join(args)} failed: {r.stderr.decode(errors='replace').strip()}")
    return r


def _paths(output: bytes) -> list[str]:
    """The NUL-separated paths of a ``git ... -z`` listing."""
    return sorted(p for p in output.decode("utf-8", errors="surrogateescape").split("\0") if p)


def _names(folders) -> str:
    return " and ".join(f"{f}/" for f in folders)


def _check_checkout(root: Path) -> list[str]:
    """The lesson folders the last commit has; ResetError where there is nothing to restore from."""
    inside = _git(root, "rev-parse", "--is-inside-work-tree", check=False)
    if inside.returncode != 0 or inside.stdout.strip() != b"true":
        raise ResetError(
            f"make reset restores the lessons from git, but {root} is not a git checkout (a downloaded "
            "copy?): nothing was changed. Copy any notebook you want to keep out of notebooks/ and "
            "workbook/, and "
            "download the course again."
        )
    if _git(root, "rev-parse", "--verify", "--quiet", "HEAD", check=False).returncode != 0:
        raise ResetError(
            "this git checkout has no commit yet, so there are no stored lessons to restore: nothing was changed."
        )
    folders = [f for f in FOLDERS if _git(root, "ls-tree", "-z", "--name-only", "HEAD", "--", f).stdout]
    if not folders:
        raise ResetError(
            f"git does not track {_names(FOLDERS).replace(' and ', ' or ')} in {root}, so there is "
            "nothing to restore them from: nothing was changed."
        )
    return folders


def new_folder(root: Path, now: datetime.datetime | None = None) -> Path:
    """A new, empty ``my-work/<date-time>[-N]/``: unique even for runs in the same second."""
    stamp = (now or datetime.datetime.now()).strftime("%Y%m%d-%H%M%S")
    (root / WORK).mkdir(exist_ok=True)
    n = 1
    while True:
        dest = root / WORK / (stamp if n == 1 else f"{stamp}-{n}")
        try:
            dest.mkdir()  # atomic: fails if another run made it first
            return dest
        except FileExistsError:
            n += 1


def _staged_name(rel: str) -> str:
    path = Path(rel)
    return str(path.with_name(f"{path.stem}.staged{path.suffix}"))


def _copy(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dest)
    if dest.read_bytes() != src.read_bytes():
        raise ResetError(f"the copy of {src} in {dest.parent} differs from it: nothing was restored.")


def reset(root: Path = ROOT, now: datetime.datetime | None = None, out=print) -> Path | None:
    """Save the learner's work under ``root/my-work/`` and restore ``root/notebooks/``.

    Returns the folder the work went to, or None when nothing needed saving.
    Raises :class:`ResetError` (one line, nothing changed) outside a git checkout.
    """
    root = Path(root).resolve()
    folders = _check_checkout(root)
    # Tracked files that differ from the last commit: staged, unstaged, deleted, newly added.
    changed = _paths(_git(root, "diff", "HEAD", "--name-only", "--no-renames", "-z", "--", *folders).stdout)
    staged = set(_paths(_git(root, "diff", "--cached", "--name-only", "--no-renames", "-z", "--", *folders).stdout))
    unstaged = set(_paths(_git(root, "diff", "--name-only", "--no-renames", "-z", "--", *folders).stdout))
    untracked = _paths(_git(root, "ls-files", "--others", "--exclude-standard", "-z", "--", *folders).stdout)
    on_disk = [p for p in changed if (root / p).is_file()]
    if not changed and not untracked:
        out(f"{_names(folders)} {'are' if len(folders) > 1 else 'is'} as stored: nothing to restore.")
        return None

    # Staged, then changed (or deleted) again: the staged version is a third one; keep it too.
    staged_blobs = {}
    for rel in sorted(staged & unstaged):
        blob = _git(root, "show", f":{rel}", check=False)
        if blob.returncode == 0:
            staged_blobs[_staged_name(rel)] = blob.stdout
    dest = None
    saved = []
    if on_disk or untracked or staged_blobs:
        dest = new_folder(root, now)
        for rel in on_disk + untracked:
            _copy(root / rel, dest / rel)
            saved.append(rel)
        for rel, data in staged_blobs.items():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            (dest / rel).write_bytes(data)
            if (dest / rel).read_bytes() != data:
                raise ResetError(f"the copy of the staged {rel} in {dest} differs from it: nothing was restored.")
            saved.append(rel)

    # Everything is saved and checked: now restore.  Unstage first (a newly added file
    # becomes untracked), then restore every tracked file, then remove what was moved.
    _git(root, "reset", "--quiet", "HEAD", "--", *folders)
    _git(root, "checkout", "HEAD", "--", *folders)
    added = [p for p in changed if not _git(root, "cat-file", "-e", f"HEAD:{p}", check=False).returncode == 0]
    for rel in untracked + added:
        path = root / rel
        if path.is_file():
            path.unlink()

    restored = sorted(set(changed) - set(added))
    if restored:
        out(f"Restored the stored lessons: {', '.join(restored)}.")
    moved = sorted(set(untracked) | set(added))
    if moved:
        out(
            f"Moved out of {_names(folders)} (git does not store them, and an update might add files with "
            f"these names): {', '.join(moved)}."
        )
    if dest is not None:
        where = dest.relative_to(root).as_posix()
        out(f"Your versions are in {where}/ (git ignores {WORK}/): {', '.join(sorted(saved))}.")
    else:
        out("Nothing of yours needed saving: only deleted files were restored.")
    out("Now `git pull` can update the course.")
    return dest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=ROOT, help="the course checkout (default: the one this file is in)")
    args = ap.parse_args(argv)
    try:
        reset(args.root)
    except ResetError as e:
        print(e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
