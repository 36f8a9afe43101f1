"""A throw-away JupyterLab server and the Playwright steps that drive it in
Debian's headless Chromium (used by ``tests/test_browser.py``; the slider
timing is in ``tests/browser_latency.py``).

Nothing here touches the repository: the server serves a temporary copy of the
notebooks and of ``softmax_lib``, with its own (empty) workspace, user
settings, config, data and runtime directories, so no earlier JupyterLab
layout is restored and nothing is ever saved back.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Debian's Chromium (Playwright's own browser download does not work here).
# SOFTMAX_BROWSER_CHROMIUM overrides the path (e.g. to check the skip message).
CHROMIUM = os.environ.get("SOFTMAX_BROWSER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's headless Chromium driven by Playwright, closed on exit (the tests' one launch)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# JupyterLab user settings for the test server: no news/update pop-up (it
# would ask for network access and cover part of the page), no autosave (the
# served copy is thrown away anyway).
LAB_USER_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {
        "autosave": False,
    },
}

# Kernel stderr that is expected noise, not a notebook problem: after a kernel
# restart the front end re-sends comm messages for widgets of the old kernel,
# and asks for the widget control comm before ipywidgets is imported.
_BENIGN_STDERR = re.compile(r"^(No such comm( target registered)?:.*)?$")


# --------------------------------------------------------------------------
# JupyterLab server
# --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_tree_for_serving(notebooks_src: Path, lib_src: Path, dest: Path) -> Path:
    """Copy the notebooks (as ``dest/notebooks``) and ``softmax_lib`` into dest."""
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc")
    shutil.copytree(notebooks_src, dest / "notebooks", ignore=ignore)
    shutil.copytree(lib_src, dest / "softmax_lib", ignore=ignore)
    return dest / "notebooks"


class JupyterLabServer:
    """``python -m jupyterlab`` on 127.0.0.1, no token, everything in a temp dir
    (``app="notebook"``: Notebook 7's ``python -m notebook`` instead)."""

    APPS = {"jupyterlab": "LabApp", "notebook": "JupyterNotebookApp"}

    def __init__(
        self,
        root_dir: Path,
        workdir: Path,
        pythonpath: Path,
        app: str = "jupyterlab",
        env: dict[str, str] | None = None,
    ):
        if app not in self.APPS:
            raise ValueError(f"app must be one of {sorted(self.APPS)}, not {app!r}")
        self.app = app
        self.extra_env = dict(env or {})
        self.root_dir = Path(root_dir)
        self.workdir = Path(workdir)
        self.pythonpath = Path(pythonpath)
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.workdir / "jupyterlab.log"
        self.proc: subprocess.Popen | None = None
        self._log = None

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        for name in ("config", "data", "runtime"):
            (self.workdir / name).mkdir(parents=True, exist_ok=True)
        # Per-user Jupyter dirs go to the temp dir; the venv's own
        # share/jupyter (kernel spec, widget lab extension) and etc/jupyter
        # are found through sys.prefix, so they are unaffected.  JUPYTER_PATH
        # is deliberately left alone.
        env["JUPYTER_CONFIG_DIR"] = str(self.workdir / "config")
        env["JUPYTER_DATA_DIR"] = str(self.workdir / "data")
        env["JUPYTER_RUNTIME_DIR"] = str(self.workdir / "runtime")
        env["JUPYTER_PLATFORM_DIRS"] = "1"
        env.pop("JUPYTER_TOKEN", None)
        env["PYTHONPATH"] = os.pathsep.join(
            [str(self.pythonpath)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
        )
        # Quiets debugpy's "frozen modules" note in the server log.
        env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
        env.update(self.extra_env)
        return env

    def start(self, timeout: float = 60.0) -> JupyterLabServer:
        settings_dir = self.workdir / "user-settings"
        for rel, value in LAB_USER_SETTINGS.items():
            path = settings_dir / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(value, indent=2))
        workspaces_dir = self.workdir / "workspaces"
        workspaces_dir.mkdir(parents=True, exist_ok=True)
        cls = self.APPS[self.app]
        cmd = [
            sys.executable,
            "-m",
            self.app,
            "--no-browser",
            "--allow-root",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--ServerApp.port_retries=0",
            "--IdentityProvider.token=",
            "--ServerApp.password=",
            f"--ServerApp.root_dir={self.root_dir}",
            f"--{cls}.workspaces_dir={workspaces_dir}",
            f"--{cls}.user_settings_dir={settings_dir}",
        ]
        if self.app == "jupyterlab":
            cmd += [
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                "--LabApp.extension_manager=readonly",
            ]
        env = self._env()
        # On a fresh machine matplotlib's first import builds its font cache
        # and says so on stderr, which the first notebook would show as a
        # stderr output.  Build it here instead.
        subprocess.run(
            [sys.executable, "-c", "import matplotlib.pyplot"],
            env={**env, "MPLBACKEND": "Agg"},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=300,
            check=False,
        )
        self._log = open(self.log_path, "wb")
        # A new session makes the server the leader of its own process group,
        # so the kernels it starts can be cleaned up with it.
        self.proc = subprocess.Popen(
            cmd,
            cwd=self.root_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"JupyterLab exited with {self.proc.returncode} before answering; log:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(self.base_url + "/api/status", timeout=2) as r:
                    if r.status == 200:
                        json.load(r)
                        return self
            except (OSError, ValueError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(
                    f"JupyterLab did not answer on {self.base_url}/api/status within"
                    f" {timeout:.0f} s; log:\n{self.log_tail()}"
                )
            time.sleep(0.2)

    # -- REST helpers ------------------------------------------------------

    def api(self, method: str, path: str) -> Any:
        req = urllib.request.Request(self.base_url + path, method=method)
        with urllib.request.urlopen(req, timeout=10) as r:
            body = r.read()
        return json.loads(body) if body else None

    def shutdown_all_kernels(self) -> None:
        try:
            for kernel in self.api("GET", "/api/kernels") or []:
                try:
                    self.api("DELETE", f"/api/kernels/{kernel['id']}")
                except (OSError, ValueError):
                    pass
        except (OSError, ValueError):
            pass

    def log_tail(self, n: int = 40) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log)"
        return "\n".join(lines[-n:])

    def stop(self) -> None:
        proc = self.proc
        if proc is None:
            return
        try:
            if proc.poll() is None:
                self.shutdown_all_kernels()
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=10)
            # Anything the server left behind in its own process group
            # (kernels) goes too.  The group id is the server's own pid.
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        finally:
            self.proc = None
            if self._log is not None:
                self._log.close()
                self._log = None


# --------------------------------------------------------------------------
# Kernel messages seen by the page (websocket frames)
# --------------------------------------------------------------------------


def decode_kernel_frame(payload: str | bytes) -> tuple[str, dict, dict, dict] | None:
    """(channel, header, parent_header, content) of one kernel websocket frame.

    JupyterLab 4 speaks ``v1.kernel.websocket.jupyter.org``: a binary frame of
    offsets followed by the channel name and the JSON parts back to back; the
    older protocol sends one JSON object.  Returns None for anything else.
    """
    text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload
    if text.startswith("{"):
        try:
            msg = json.loads(text)
        except ValueError:
            return None
        return (
            msg.get("channel", ""),
            msg.get("header", {}),
            msg.get("parent_header", {}),
            msg.get("content", {}),
        )
    m = re.search(r"(iopub|shell|control|stdin)\{", text)
    if not m:
        return None
    dec = json.JSONDecoder()
    pos = m.end() - 1
    parts = []
    try:
        for _ in range(4):  # header, parent_header, metadata, content
            obj, pos = dec.raw_decode(text, pos)
            parts.append(obj)
    except ValueError:
        return None
    return m.group(1), parts[0], parts[1], parts[3]


def on_kernel_messages(page, handler) -> None:
    """Call ``handler(channel, header, parent, content)`` for every kernel message
    the page receives on a kernel websocket (frames that do not decode are skipped)."""

    def on_frame(payload):
        decoded = decode_kernel_frame(payload)
        if decoded is not None:
            handler(*decoded)

    def on_websocket(ws):
        if "/api/kernels/" in ws.url and "/channels" in ws.url:
            ws.on("framereceived", on_frame)

    page.on("websocket", on_websocket)


@dataclass
class KernelMessageLog:
    """Errors and stderr the kernel sent to the page, including those raised by
    widget callbacks (which JupyterLab shows only in its log console)."""

    problems: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        on_kernel_messages(page, self._on_message)

    def _on_message(self, channel, header, parent, content) -> None:
        if channel != "iopub":
            return
        msg_type = header.get("msg_type")
        origin = parent.get("msg_type", "?")
        if msg_type == "error":
            tb = "\n".join(content.get("traceback", []))
            tb = re.sub(r"\x1b\[[0-9;]*m", "", tb)
            self.problems.append(
                f"kernel error (from {origin}): {content.get('ename')}: {content.get('evalue')}\n{tb[-2000:]}"
            )
        elif msg_type == "stream" and content.get("name") == "stderr":
            lines = [ln for ln in content.get("text", "").splitlines() if not _BENIGN_STDERR.match(ln)]
            if lines:
                self.problems.append(f"kernel stderr (from {origin}): " + "\n".join(lines)[-2000:])

    def take(self) -> list[str]:
        out, self.problems = self.problems, []
        return out


# --------------------------------------------------------------------------
# JupyterLab page steps
# --------------------------------------------------------------------------

NOTEBOOK = ".jp-NotebookPanel .jp-Notebook"
EXEC_INDICATOR = ".jp-NotebookPanel .jp-Notebook-ExecutionIndicator"
SLIDER = ".jp-Cell-outputArea .widget-slider"
HANDLE = ".noUi-handle"

JS_WATCH_RUN = """
() => {
  // Remember whether any prompt shows "[*]" (queued/running) from now on, so
  // stale execution counts from before the restart are not mistaken for a
  // finished run.
  window.__sbRunStarted = false;
  const nb = document.querySelector('.jp-NotebookPanel .jp-Notebook');
  const check = () => {
    for (const p of nb.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')) {
      if (p.textContent.includes('*')) { window.__sbRunStarted = true; return true; }
    }
    return false;
  };
  if (window.__sbRunObserver) window.__sbRunObserver.disconnect();
  const obs = new MutationObserver(() => { if (check()) obs.disconnect(); });
  obs.observe(nb, {subtree: true, childList: true, characterData: true});
  window.__sbRunObserver = obs;
}
"""

JS_RUN_STATE = """
() => {
  const ind = document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator');
  const cells = [...document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-CodeCell')];
  return {
    started: !!window.__sbRunStarted,
    status: ind ? ind.getAttribute('data-status') : null,
    prompts: cells.map(c => {
      const p = c.querySelector('.jp-InputArea-prompt');
      return p ? p.textContent.trim() : '';
    }),
    empty: cells.map(c => {
      const ed = c.querySelector('.jp-InputArea-editor .cm-content');
      return ed ? ed.textContent.trim() === '' : false;
    }),
  };
}
"""

JS_OUTPUT_PROBLEMS = """
() => {
  const cells = [...document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-CodeCell')];
  const found = [];
  cells.forEach((cell, i) => {
    const area = cell.querySelector('.jp-Cell-outputArea');
    if (!area) return;
    for (const o of area.querySelectorAll(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"],' +
        '[data-mime-type="application/vnd.jupyter.error"]')) {
      const t = o.innerText.trim();
      if (t) found.push({cell: i, kind: o.getAttribute('data-mime-type').split('.').pop(), text: t});
    }
    for (const o of area.querySelectorAll('.jupyter-widgets-error-widget')) {
      found.push({cell: i, kind: 'widget-error', text: o.innerText.trim()});
    }
    const all = area.innerText || '';
    if (/Error displaying widget/.test(all)) {
      found.push({cell: i, kind: 'widget-error', text: all.trim().slice(0, 500)});
    }
    if (/Warning/.test(all)) {
      const lines = all.split('\\n').filter(l => /Warning/.test(l));
      found.push({cell: i, kind: 'warning', text: lines.join('\\n')});
    }
  });
  return found;
}
"""

JS_KERNEL_STATE = """
() => {
  const panel = document.querySelector('.jp-NotebookPanel');
  const ind = panel && panel.querySelector('.jp-Notebook-ExecutionIndicator');
  const name = panel && panel.querySelector('.jp-Toolbar-kernelName');
  return {
    dialog: document.querySelector('.jp-Dialog') ? document.querySelector('.jp-Dialog').innerText : null,
    status: ind ? ind.getAttribute('data-status') : null,
    kernel: name ? name.textContent.trim() : null,
  };
}
"""


def kernel_state(page) -> dict:
    return page.evaluate(JS_KERNEL_STATE)


def wait_kernel_ready(page, timeout_ms: float, accept_kernel_dialog: bool = True) -> None:
    """Wait until the notebook has a kernel and it is idle.

    The execution indicator says "idle" even before a kernel is attached
    ("No Kernel | Initializing"), so the kernel name must be a real one too.
    A notebook without kernel metadata asks which kernel to use: take the
    default (the dialog's accept button).
    """
    deadline = time.monotonic() + timeout_ms / 1000
    stable = 0
    while True:
        st = kernel_state(page)
        if st["dialog"] and accept_kernel_dialog and "Select Kernel" in st["dialog"]:
            page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept").first.click()
            stable = 0
        elif st["status"] == "idle" and st["kernel"] and st["kernel"] != "No Kernel" and not st["dialog"]:
            stable += 1
            if stable >= 3:
                return
        else:
            stable = 0
        if time.monotonic() > deadline:
            raise AssertionError(f"kernel not ready after {timeout_ms / 1000:.0f} s: {st}")
        time.sleep(0.1)


def open_notebook(page, base_url: str, relpath: str, timeout_ms: float) -> None:
    # `?reset` starts from an empty workspace: no earlier layout or tab.
    page.goto(f"{base_url}/lab/tree/{relpath}?reset", wait_until="domcontentloaded")
    page.wait_for_selector(NOTEBOOK, timeout=timeout_ms)
    wait_kernel_ready(page, timeout_ms)


def restart_and_run_all(page, timeout_ms: float) -> None:
    """Kernel menu > "Restart Kernel and Run All Cells…", confirm, wait until done."""
    page.evaluate(JS_WATCH_RUN)
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text=re.compile(r"^Kernel$")).click()
    item = page.locator(
        ".lm-Menu-item[data-command='runmenu:restart-and-run-all'],"
        " .lm-Menu-item[data-command='notebook:restart-run-all']"
    )
    if not item.count():  # other versions: find it by its label
        item = page.locator(".lm-Menu-item", has_text="Restart Kernel and Run All Cells")
    item.first.click()
    # The confirmation dialog (absent if the user ticked "do not ask again").
    try:
        page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept").click(timeout=5000)
    except Exception:
        pass
    wait_for_run_to_finish(page, timeout_ms)


def wait_for_run_to_finish(page, timeout_ms: float) -> dict:
    deadline = time.monotonic() + timeout_ms / 1000
    try:
        page.wait_for_function("() => window.__sbRunStarted === true", timeout=min(timeout_ms, 60000))
    except Exception:
        raise AssertionError(f"Run All did not start (no cell was queued): {kernel_state(page)}") from None
    stable = 0
    while True:
        state = page.evaluate(JS_RUN_STATE)
        busy = any("*" in p for p in state["prompts"])
        if state["status"] == "idle" and not busy:
            stable += 1
            if stable >= 3:  # idle across ~0.3 s: not just between two cells
                return state
        else:
            stable = 0
        if time.monotonic() > deadline:
            raise AssertionError(
                f"notebook still running after {timeout_ms / 1000:.0f} s: status="
                f"{state['status']}, prompts={state['prompts']}"
            )
        time.sleep(0.1)


def wait_for_widgets(page, timeout_s: float = 10.0) -> None:
    """Widget views render after the kernel is idle: wait for a stable count."""
    last, stable = None, 0
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        n = page.evaluate(
            "() => document.querySelectorAll('.jp-Cell-outputArea .jupyter-widgets').length"
            " + '/' + document.querySelectorAll('.jp-Cell-outputArea img').length"
        )
        stable = stable + 1 if n == last else 0
        last = n
        if stable >= 3:
            return
        time.sleep(0.1)


def wait_kernel_idle(page, timeout_ms: float) -> None:
    stable = 0
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        status = page.get_attribute(EXEC_INDICATOR, "data-status")
        stable = stable + 1 if status == "idle" else 0
        if stable >= 2:
            return
        time.sleep(0.05)
    raise AssertionError(f"kernel not idle after {timeout_ms / 1000:.0f} s")


def full_page_screenshot(page, path: Path) -> None:
    """The notebook scrolls inside JupyterLab, so make the viewport as tall as
    the notebook for the screenshot, then put it back."""
    path.parent.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    extra = page.evaluate(
        """() => {
          const s = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer')
                 || document.querySelector('.jp-NotebookPanel .jp-Notebook');
          return s ? Math.max(0, s.scrollHeight - s.clientHeight) : 0;
        }"""
    )
    height = min(size["height"] + int(extra) + 40, 16000)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    try:
        page.set_viewport_size({"width": size["width"], "height": height})
        page.wait_for_timeout(300)
        page.evaluate(
            "() => { const s = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer');"
            " if (s) s.scrollTop = 0; }"
        )
        page.wait_for_timeout(200)
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(size)


# --------------------------------------------------------------------------
# Offline pages and axe-core (tests/test_static_html.py, tests/test_contrast.py)
# --------------------------------------------------------------------------

# axe-core from npm, installed by `npm ci --prefix tests/js` (.ci/run does it);
# the tests inject this file into the page, so nothing is fetched at run time.
AXE_JS = Path(__file__).resolve().parent / "js" / "node_modules" / "axe-core" / "axe.min.js"
AXE_INSTALL = "npm ci --prefix tests/js"


def block_network(context, allowed: tuple[str, ...] = ("file:", "data:")) -> list[str]:
    """Abort every request of ``context`` whose URL does not start with one of
    ``allowed`` (a classroom proxy, an offline laptop); returns the list the
    blocked URLs are appended to."""
    blocked: list[str] = []

    def route(r):
        if r.request.url.startswith(allowed):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    return blocked


def axe_violations(
    page, include: list[str] | None = None, impacts: tuple[str, ...] = ("serious", "critical")
) -> list[dict]:
    """axe-core's violations of the given impacts on the page (or only inside
    the elements matched by the CSS selectors in ``include``), one dict per
    offending element: rule id, impact, its HTML and axe's summary."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    found = page.evaluate(
        """async (include) => {
          const context = include ? {include: include.map(s => [s])} : document;
          const r = await axe.run(context, {resultTypes: ['violations']});
          return r.violations.flatMap(v => v.nodes.map(n => ({
            rule: v.id, impact: n.impact || v.impact, html: n.html.slice(0, 200),
            target: n.target.join(' '),
            summary: (n.failureSummary || '').replace(/\\s+/g, ' ').trim().slice(0, 400)})));
        }""",
        include,
    )
    return [v for v in found if v["impact"] in impacts]
