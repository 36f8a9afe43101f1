"""Strict nbval of every notebook under other CPU code paths (issue 16: same outputs on any CPU).

    python tools/nbval_cpus.py                 # prescott and haswell, where this CPU can run them
    python tools/nbval_cpus.py prescott        # one of them (names below)
    python tools/nbval_cpus.py --list          # what would run here, and why others would not

The stored outputs are compared, as `make test` does, while OpenBLAS and NumPy are made to
take code paths another machine would take:

* ``prescott``: OpenBLAS's generic x86-64 kernels (``OPENBLAS_CORETYPE=Prescott``), and NumPy
  without its AVX-512 loops (``NPY_DISABLE_CPU_FEATURES``), as on a laptop without AVX-512.
* ``haswell``: OpenBLAS's AVX2 kernels (needs a CPU with AVX2).
* ``skylakex``: OpenBLAS's AVX-512 kernels (needs AVX-512).

Each run checks that OpenBLAS really switched (threadpoolctl names the kernel in use) and
exits non-zero if any notebook's output differs.  Not x86-64: the script says so and exits 0,
since these kernels do not exist there.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# name: (OPENBLAS_CORETYPE, kernel name threadpoolctl reports, CPU flag it needs, disable NumPy's AVX-512)
CONFIGS = {
    "prescott": ("Prescott", "Katmai", None, True),
    "haswell": ("Haswell", "Haswell", "avx2", False),
    "skylakex": ("SkylakeX", "SkylakeX", "avx512f", False),
}
# `make test` already runs the machine's own kernel (SkylakeX or Zen on most CI hosts).
DEFAULT = ("prescott", "haswell")
NUMPY_AVX512 = ("X86_V4", "AVX512_ICL", "AVX512_SPR")


def _cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def _numpy_disable_list() -> str:
    """NumPy's AVX-512 feature names that this NumPy build dispatches (others would warn)."""
    code = "from numpy._core._multiarray_umath import __cpu_dispatch__ as d; print(' '.join(d))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    dispatched = set(out.split())
    return " ".join(f for f in NUMPY_AVX512 if f in dispatched)


def environment(name: str) -> dict[str, str]:
    coretype, _, _, no_avx512 = CONFIGS[name]
    env = dict(os.environ, OPENBLAS_CORETYPE=coretype)
    if no_avx512:
        disable = _numpy_disable_list()
        if disable:
            env["NPY_DISABLE_CPU_FEATURES"] = disable
    return env


def runnable() -> dict[str, str]:
    """name -> why it cannot run here ('' when it can)."""
    if platform.machine().lower() not in {"x86_64", "amd64"}:
        return {name: f"not an x86-64 machine ({platform.machine()})" for name in CONFIGS}
    flags = _cpu_flags()
    return {
        name: "" if need is None or need in flags else f"this CPU has no {need}"
        for name, (_, _, need, _) in CONFIGS.items()
    }


def kernel_in_use(env: dict[str, str]) -> str:
    code = (
        "import numpy, threadpoolctl;"
        "print(' '.join(sorted({i.get('architecture', '?') for i in threadpoolctl.threadpool_info()"
        " if i.get('internal_api') == 'openblas'})))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


def main(argv: list[str]) -> int:
    why_not = runnable()
    if "--list" in argv:
        for name, reason in why_not.items():
            print(f"{name:9s} {'runs here' if not reason else 'skipped: ' + reason}")
        return 0
    chosen = [a for a in argv if not a.startswith("-")] or [n for n in DEFAULT if not why_not[n]]
    unknown = [n for n in chosen if n not in CONFIGS]
    if unknown:
        print(f"unknown configuration {unknown}; choose from {sorted(CONFIGS)}", file=sys.stderr)
        return 2
    if not chosen:
        print("no CPU configuration to run here:", "; ".join(f"{n}: {r}" for n, r in why_not.items()))
        return 0
    failed = []
    for name in chosen:
        if why_not[name]:
            print(f"{name}: cannot run here ({why_not[name]})", file=sys.stderr)
            return 2
        env = environment(name)
        kernel = kernel_in_use(env)
        expected = CONFIGS[name][1]
        shown = {k: env[k] for k in ("OPENBLAS_CORETYPE", "NPY_DISABLE_CPU_FEATURES") if k in env}
        print(f"== {name}: {shown}; OpenBLAS kernel in use: {kernel}", flush=True)
        if expected not in kernel.split():
            print(f"{name}: OpenBLAS did not switch to {expected} (it reports {kernel!r})", file=sys.stderr)
            failed.append(name)
            continue
        cmd = [sys.executable, "-m", "pytest", "notebooks", "-q", "-p", "no:cacheprovider"]
        if subprocess.run(cmd, cwd=ROOT, env=env).returncode != 0:
            failed.append(name)
    if failed:
        print(f"strict nbval differs under: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"strict nbval passes under: {', '.join(chosen)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
