"""Rebuild the text snapshot of lesson 09 from this Python's standard library.

    python -m softmax_lib.data.make_docstrings

writes ``docstrings_train.txt`` and ``docstrings_heldout.txt`` next to this
file.  The committed files were made with CPython 3.11.7; another Python
version changes some docstrings, and with them the lesson's numbers, which is
why the lesson reads the committed snapshot and never calls this.

For each module in a fixed list: the module's docstring, then the docstrings
of its public classes, their public methods and its public functions, in
sorted order (``inspect.getdoc``).  Code examples (lines starting with
``>>>`` or ``...``, and indented lines) are dropped, the text is lowercased,
every character outside ``a-z``, space and ``' ( ) , .`` becomes a space, and
runs of spaces are collapsed.  One docstring per line; docstrings of 40
characters or fewer are skipped.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

TRAIN = [
    "argparse",
    "calendar",
    "collections",
    "csv",
    "datetime",
    "decimal",
    "difflib",
    "email.message",
    "fractions",
    "functools",
    "gettext",
    "heapq",
    "html.parser",
    "http.client",
    "imaplib",
    "inspect",
    "io",
    "ipaddress",
    "itertools",
    "json",
    "logging",
    "mailbox",
    "numbers",
    "optparse",
    "os",
    "pathlib",
    "pickle",
    "pprint",
    "queue",
    "random",
    "re",
    "shutil",
    "smtplib",
    "socket",
    "statistics",
    "string",
    "subprocess",
    "tarfile",
    "tempfile",
    "textwrap",
    "threading",
    "typing",
    "unittest",
    "urllib.parse",
    "urllib.request",
    "uuid",
    "warnings",
    "zipfile",
]
HELD_OUT = [
    "asyncio.events",
    "contextlib",
    "copy",
    "enum",
    "fnmatch",
    "glob",
    "locale",
    "operator",
    "shlex",
    "struct",
    "sched",
    "timeit",
    "traceback",
    "weakref",
]


def docstrings(name: str) -> list[str]:
    """The docstrings of module ``name``, its public classes, their methods and its functions, sorted."""
    module = importlib.import_module(name)
    out = [d for d in [inspect.getdoc(module)] if d]
    for attr in sorted(vars(module)):
        obj = getattr(module, attr)
        if attr.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isclass(obj) or inspect.isfunction(obj):
            out += [d for d in [inspect.getdoc(obj)] if d]
        if inspect.isclass(obj):
            for method in sorted(vars(obj)):
                f = vars(obj)[method]
                if not method.startswith("_") and inspect.isfunction(f):
                    out += [d for d in [inspect.getdoc(f)] if d]
    return out


def clean(text: str) -> str:
    """Prose only, lowercase, in the lesson's 32-character alphabet."""
    lines = [
        line.strip()
        for line in text.splitlines()
        if not line.strip().startswith((">>>", "...")) and not line.startswith("    ")
    ]
    text = re.sub(r"[^a-z .,'()]", " ", " ".join(lines).lower())
    return re.sub(r"\s+", " ", text).strip()


def main() -> None:
    here = Path(__file__).resolve().parent
    for filename, modules in (("docstrings_train.txt", TRAIN), ("docstrings_heldout.txt", HELD_OUT)):
        parts = [c for name in modules for c in map(clean, docstrings(name)) if len(c) > 40]
        (here / filename).write_text("\n".join(parts) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
