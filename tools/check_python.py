"""Say in one line whether this Python can run the course, before pip runs.

    python3 tools/check_python.py     # exit 0 on Python 3.11 or newer, else 1 with one line

`make` runs it before it creates or fills .venv, and the README's pip route runs it
first, so an old Python gets "Python 3.11 or newer is needed (found 3.10)" instead of
pip's "No matching distribution found for scikit-learn".  It must run on any Python
(even 2.7): no f-strings, no annotations, nothing newer than 3.0 or 2.7 would parse.
The minimum is pyproject.toml's requires-python (a test keeps the two equal).
"""

import sys

MINIMUM = (3, 11)


def problem(version_info):
    """The line to print for ``version_info`` (major, minor, ...), or None when it is new enough."""
    found = tuple(version_info[:2])
    if found >= MINIMUM:
        return None
    return "Python %d.%d or newer is needed (found %d.%d)" % (MINIMUM + found)  # noqa: UP031 (runs on 2.7)


def main():
    line = problem(sys.version_info)
    if line is None:
        return 0
    sys.stderr.write(line + "\n")
    return 1


if __name__ == "__main__":
    sys.exit(main())
