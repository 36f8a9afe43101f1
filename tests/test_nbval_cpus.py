"""tools/nbval_cpus.py really switches the code paths it claims to test (issue 16 §1)."""

from __future__ import annotations

import platform

import pytest

import nbval_cpus

x86 = pytest.mark.skipif(platform.machine().lower() not in {"x86_64", "amd64"}, reason="OpenBLAS x86 kernels")


@x86
def test_prescott_switches_openblas_and_turns_numpy_avx512_off():
    env = nbval_cpus.environment("prescott")
    assert env["OPENBLAS_CORETYPE"] == "Prescott"
    assert set(env["NPY_DISABLE_CPU_FEATURES"].split()) <= set(nbval_cpus.NUMPY_AVX512)
    assert "Katmai" in nbval_cpus.kernel_in_use(env).split()


@x86
def test_haswell_where_the_cpu_has_avx2():
    if nbval_cpus.runnable()["haswell"]:
        pytest.skip(nbval_cpus.runnable()["haswell"])
    env = nbval_cpus.environment("haswell")
    assert "NPY_DISABLE_CPU_FEATURES" not in env or env["NPY_DISABLE_CPU_FEATURES"] == ""
    assert nbval_cpus.kernel_in_use(env).split() == ["Haswell"]


def test_unknown_configuration_is_refused(capsys):
    assert nbval_cpus.main(["pentium"]) == 2
    assert "choose from" in capsys.readouterr().err


def test_not_x86_says_why(monkeypatch):
    monkeypatch.setattr(nbval_cpus.platform, "machine", lambda: "arm64")
    assert all("not an x86-64" in why for why in nbval_cpus.runnable().values())
    assert nbval_cpus.main([]) == 0
