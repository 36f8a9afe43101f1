"""A real JupyterHub on 127.0.0.1 and scripted learners for ``tests/test_hub.py``.

The hub runs from the teachers' environment (``.venv-teacher``, made by
``make test-hub`` from requirements-teacher.txt: JupyterHub, nbgitpuller,
nbgrader on top of requirements.txt), with configurable-http-proxy from npm,
DummyAuthenticator (any name logs in) and SimpleLocalProcessSpawner (every
learner's server is a local process with its own home under a temp dir).  The
course's own hub settings come from ``docs/hub/jupyterhub_config.py``, loaded
as a TLJH admin would load them.

A :class:`Learner` does what a learner's browser does, over plain HTTP: logs
in through the login form, clicks the nbgitpuller link (following the spawn,
OAuth and nbgitpuller pages, then reading nbgitpuller's event stream as its
page's script does), and runs a notebook through the single-user server's REST
API and kernel websocket, one code cell after another as **Run All** would.

Process facts (peak memory, CPU time) are read from ``/proc``, so this runs on
Linux only.  Everything started here is stopped in :meth:`Hub.stop`, which also
kills what a crashed hub would leave behind (proxy, servers, kernels).
"""

from __future__ import annotations

import asyncio
import datetime
import html.parser
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HUB_DOCS = ROOT / "docs" / "hub"
TEACHER_VENV = Path(os.environ.get("SOFTMAX_TEACHER_VENV", ROOT / ".venv-teacher"))
CHP_INSTALL = "npm install -g configurable-http-proxy"
TEACHER_INSTALL = "make .venv-teacher/.installed"
CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

# The first matplotlib import in a new home builds the font cache and says so on
# stderr: every learner's first kernel on a hub does this once.
_BENIGN_STDERR = re.compile(r"^Matplotlib is building the font cache; this may take a moment\.\s*$")


class HubSetupError(RuntimeError):
    """Something the hub test needs is missing; the message says what to install."""


# --------------------------------------------------------------------------
# What the hub runs on
# --------------------------------------------------------------------------


def teacher_bin() -> Path:
    """The teachers' environment's bin/ (JupyterHub, nbgitpuller, the lesson stack)."""
    bindir = TEACHER_VENV / "bin"
    missing = [n for n in ("jupyterhub", "jupyterhub-singleuser", "python") if not (bindir / n).exists()]
    if missing:
        raise HubSetupError(
            f"the teachers' environment {TEACHER_VENV} has no {', '.join(missing)}: create it with"
            f" `{TEACHER_INSTALL}` (requirements.txt + requirements-teacher.txt), or point"
            " SOFTMAX_TEACHER_VENV at a venv with both installed"
        )
    return bindir


def configurable_http_proxy() -> str:
    """The path of configurable-http-proxy (SOFTMAX_CHP, or on PATH)."""
    chp = os.environ.get("SOFTMAX_CHP") or shutil.which("configurable-http-proxy")
    if not chp:
        raise HubSetupError(
            f"configurable-http-proxy is not on PATH: install it with `{CHP_INSTALL}`"
            " (Node.js >= 20; `npm install -g configurable-http-proxy@4.6` for older Node),"
            " or set SOFTMAX_CHP to its path"
        )
    return chp


def require_linux() -> None:
    if not Path("/proc/self/status").exists():
        raise HubSetupError("the hub test reads peak memory from /proc: run it on Linux")


def free_port() -> int:
    """A port nobody listens on now.  The hub can still lose it to another
    process before it binds; :meth:`Hub.start` then retries with new ports."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------
# The course's git repository
# --------------------------------------------------------------------------


def git(*args: str, cwd: Path) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Teacher",
        "GIT_AUTHOR_EMAIL": "teacher@example.invalid",
        "GIT_COMMITTER_NAME": "Teacher",
        "GIT_COMMITTER_EMAIL": "teacher@example.invalid",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    r = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    if r.returncode:
        raise RuntimeError(f"git {' '.join(args)} failed in {cwd}:\n{r.stdout}\n{r.stderr}")
    return r.stdout


@dataclass
class CourseRepo:
    """The teacher's published course: a bare repository (the "GitHub" the link
    names, as a file:// URL) and the teacher's working copy that pushes to it."""

    bare: Path
    work: Path
    branch: str = "main"

    @property
    def url(self) -> str:
        return self.bare.as_uri()

    @classmethod
    def from_checkout(cls, src: Path, dest: Path) -> CourseRepo:
        """A new repository holding the files git tracks in ``src`` (as they are on disk)."""
        tracked = (
            subprocess.run(["git", "ls-files", "-z"], cwd=src, capture_output=True, check=True)
            .stdout.decode()
            .split("\0")
        )
        work = dest / "teacher-copy"
        for name in filter(None, tracked):
            if (src / name).is_file():
                (work / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src / name, work / name)
        git("init", "--quiet", "--initial-branch=main", cwd=work)
        git("add", "--all", cwd=work)
        git("commit", "--quiet", "-m", "The course as published", cwd=work)
        bare = dest / "softmax-lessons.git"
        git("clone", "--quiet", "--bare", str(work), str(bare), cwd=dest)
        git("remote", "add", "origin", str(bare), cwd=work)
        return cls(bare=bare, work=work)

    def publish(self, path: str, text: str, message: str) -> str:
        """Commit a change to one file and push it; returns the new commit."""
        (self.work / path).write_text(text, encoding="utf-8")
        git("commit", "--quiet", "-am", message, cwd=self.work)
        git("push", "--quiet", "origin", self.branch, cwd=self.work)
        return git("rev-parse", "HEAD", cwd=self.work).strip()


# --------------------------------------------------------------------------
# /proc
# --------------------------------------------------------------------------


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def descendants(pid: int) -> list[int]:
    """Every live process below ``pid`` (children, grandchildren, ...)."""
    children, found, todo = _children_map(), [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def proc_status_kb(pid: int, key: str) -> int:
    """A ``kB`` line of /proc/PID/status, e.g. VmHWM (peak resident memory)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(f"{key} not in /proc/{pid}/status")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def cmdline(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []


def environ(pid: int) -> dict[str, str]:
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace")
    except OSError:
        return {}
    return dict(item.split("=", 1) for item in raw.split("\0") if "=" in item)


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


# --------------------------------------------------------------------------
# The hub
# --------------------------------------------------------------------------


class Hub:
    """JupyterHub + configurable-http-proxy + one server per learner, in ``workdir``."""

    def __init__(self, workdir: Path, start_timeout: float = 120.0):
        require_linux()
        self.bin = teacher_bin()
        self.chp = configurable_http_proxy()
        self.workdir = Path(workdir)
        self.homes = self.workdir / "home"
        self.start_timeout = start_timeout
        self.proc: subprocess.Popen | None = None
        self.url = ""
        self.log_path = self.workdir / "jupyterhub.log"
        self._seen: set[int] = set()  # every process ever seen under the hub
        self.attempts = 0

    # -- start / stop ---------------------------------------------------------

    def _write_config(self, port: int, hub_port: int, api_port: int) -> Path:
        config = self.workdir / "jupyterhub_config.py"
        singleuser_args = ["--allow-root"] if os.geteuid() == 0 else []
        config.write_text(f"""\
# Written by tests/hub_lab.py.  The course's part is docs/hub/jupyterhub_config.py,
# loaded as on The Littlest JupyterHub; the rest is this test's hub.
c = get_config()
load_subconfig({str(HUB_DOCS / "jupyterhub_config.py")!r})
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{self.chp!r}]
c.ConfigurableHTTPProxy.pid_file = {str(self.workdir / "proxy.pid")!r}
c.JupyterHub.db_url = "sqlite:///{self.workdir / "jupyterhub.sqlite"}"
c.JupyterHub.cookie_secret_file = {str(self.workdir / "cookie_secret")!r}
c.JupyterHub.pid_file = {str(self.workdir / "jupyterhub.pid")!r}
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(self.homes / "{username}")!r}
c.Spawner.cmd = [{str(self.bin / "jupyterhub-singleuser")!r}]
c.Spawner.args.extend({singleuser_args!r})
c.Spawner.ip = "127.0.0.1"
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 300
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
""")
        return config

    def _env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("PYTHON", "JUPYTER", "VIRTUAL_ENV", "IPYTHON", "MPL"))
        }
        env["PATH"] = os.pathsep.join([str(self.bin), str(Path(self.chp).parent), env.get("PATH", os.defpath)])
        env["HOME"] = str(self.workdir)
        env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
        return env

    def start(self, attempts: int = 3) -> Hub:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.homes.mkdir(exist_ok=True)
        last = ""
        for attempt in range(1, attempts + 1):
            self.attempts = attempt
            port, hub_port, api_port = free_port(), free_port(), free_port()
            if len({port, hub_port, api_port}) < 3:
                continue
            config = self._write_config(port, hub_port, api_port)
            self.url = f"http://127.0.0.1:{port}"
            log = open(self.log_path, "ab")
            log.write(f"\n===== attempt {attempt}: ports {port}, {hub_port}, {api_port}\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                [str(self.bin / "jupyterhub"), "-f", str(config)],
                cwd=self.workdir,
                env=self._env(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            log.close()
            if self._wait_up():
                return self
            last = self.log_tail()
            self.stop()
            if "address already in use" not in last.lower() and "EADDRINUSE" not in last:
                break
        raise RuntimeError(f"JupyterHub did not start ({self.attempts} attempt(s)); log:\n{last}")

    def _wait_up(self) -> bool:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            self._remember()
            try:
                with urllib.request.urlopen(self.url + "/hub/api/", timeout=5) as r:
                    if r.status == 200 and "version" in json.load(r):
                        return True
            except (OSError, ValueError):
                pass
            time.sleep(0.3)
        return False

    def _remember(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self._seen.update(descendants(self.proc.pid))
            self._seen.add(self.proc.pid)

    def _ours(self) -> set[int]:
        """Processes this hub started, found also after a crash orphaned them: the
        hub, the proxy, every server and kernel has its HOME inside ``workdir``."""
        home = str(self.workdir)
        found = set()
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and int(entry.name) != os.getpid():
                h = environ(int(entry.name)).get("HOME", "")
                if h == home or h.startswith(home + os.sep):
                    found.add(int(entry.name))
        return found

    def stop(self, timeout: float = 60.0) -> list[str]:
        """Stop the hub (which stops its servers, their kernels and the proxy), then
        kill whatever is left.  Returns what had to be killed, for the report."""
        if self.proc is None:
            return []
        self._remember()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        killed = []
        for pid in sorted(self._seen | self._ours()):
            if alive(pid):
                killed.append(f"{pid} {' '.join(cmdline(pid))[:120]}")
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 10
        while any(alive(int(k.split()[0])) for k in killed) and time.monotonic() < deadline:
            time.sleep(0.1)
        if self.proc.poll() is None:
            self.proc.wait(10)
        self.proc = None
        self._seen.clear()
        return killed

    def versions(self) -> str:
        """What the hub runs on: Python and the hub's packages, as a short phrase."""
        code = (
            "import platform, importlib.metadata as m; print(f'Python {platform.python_version()}, ' + "
            "', '.join(f'{p} {m.version(p)}' for p in ('jupyterhub', 'nbgitpuller', 'jupyterlab')))"
        )
        r = subprocess.run(
            [str(self.bin / "python"), "-c", code], capture_output=True, text=True, timeout=60, env={"PATH": os.defpath}
        )
        chp = subprocess.run([self.chp, "--version"], capture_output=True, text=True, timeout=60)
        return f"{r.stdout.strip()}, configurable-http-proxy {chp.stdout.strip()}"

    def log_tail(self, n: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    # -- processes ------------------------------------------------------------

    def server_pid(self, name: str) -> int:
        """The process id of ``name``'s single-user server."""
        self._remember()
        for pid in descendants(self.proc.pid):
            if environ(pid).get("JUPYTERHUB_USER") == name and any("jupyterhub-singleuser" in a for a in cmdline(pid)):
                return pid
        raise LookupError(f"no single-user server process for {name!r} under the hub")

    def kernel_pid(self, name: str, kernel_id: str) -> int:
        """The process id of kernel ``kernel_id`` in ``name``'s server."""
        self._remember()
        for pid in descendants(self.server_pid(name)):
            if any(f"kernel-{kernel_id}.json" in a for a in cmdline(pid)):
                return pid
        raise LookupError(f"no process for kernel {kernel_id} of {name!r}")

    def all_pids(self) -> set[int]:
        self._remember()
        return {pid for pid in self._seen | self._ours() if alive(pid)}


# --------------------------------------------------------------------------
# A learner
# --------------------------------------------------------------------------


class _DataAttributes(html.parser.HTMLParser):
    """The data-* attributes of a page's elements (nbgitpuller's page keeps its
    parameters there for its script)."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key.startswith("data-") and value is not None:
                self.data[key[5:]] = urllib.parse.unquote(value)


@dataclass
class RunResult:
    """One notebook run in one kernel."""

    learner: str
    notebook: str
    cells: int = 0
    errors: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)
    stdout: str = ""
    wall: float = 0.0
    kernel_peak_kb: int = 0
    kernel_cpu: float = 0.0
    server_cpu: float = 0.0  # the learner's server's CPU time during the run
    server_peak_kb: int = 0


class Learner:
    """One learner with their own browser cookies."""

    def __init__(self, hub: Hub, name: str):
        self.hub = hub
        self.name = name
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.server = f"{hub.url}/user/{name}/"
        self.pull_log: list[str] = []
        self.landed = ""  # the page the last click on the link ended on

    @property
    def home(self) -> Path:
        return self.hub.homes / self.name

    # -- HTTP -------------------------------------------------------------------

    def _cookie(self, name: str, path_prefix: str = "") -> str | None:
        values = [c for c in self.cookies if c.name == name and (c.path or "/").startswith(path_prefix or "/")]
        return max(values, key=lambda c: len(c.path or "")).value if values else None

    def request(self, method: str, url: str, body: dict | None = None, form: dict | None = None, timeout: float = 60.0):
        """An HTTP request with this learner's cookies (and xsrf token for writes)."""
        headers = {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if method != "GET":
            path = urllib.parse.urlsplit(url).path
            prefix = f"/user/{self.name}/" if path.startswith(f"/user/{self.name}/") else "/hub/"
            token = self._cookie("_xsrf", prefix)
            if token:
                headers["X-XSRFToken"] = token
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        return self.opener.open(req, timeout=timeout)

    def api(self, method: str, path: str, body: dict | None = None):
        """The learner's single-user server's REST API (``path`` below /api/)."""
        with self.request(method, self.server + "api/" + path, body=body) as r:
            raw = r.read()
        return json.loads(raw) if raw else None

    # -- what the learner does ------------------------------------------------------

    def log_in(self) -> None:
        """The login form: any name, any password (DummyAuthenticator)."""
        with self.request("GET", self.hub.url + "/hub/login") as r:
            r.read()
        xsrf = self._cookie("_xsrf", "/hub/")
        with self.request(
            "POST", self.hub.url + "/hub/login", form={"username": self.name, "password": "class", "_xsrf": xsrf or ""}
        ) as r:
            r.read()
        names = [c.name for c in self.cookies]
        if not any(n == "jupyterhub-session-id" or n.startswith("jupyterhub-hub-login") for n in names):
            raise RuntimeError(f"{self.name}: the login form did not log in (cookies: {names})")

    def click(self, link: str, timeout: float = 300.0) -> str:
        """Open the nbgitpuller link as a browser does; returns the URL the
        learner ends on (the page the link opens) after the pull finished."""
        deadline = time.monotonic() + timeout
        url = link
        while True:
            # The spawn-pending page waits for the server and then sends the
            # browser on; a browser's script polls, so does this loop.
            with self.request("GET", url) as r:
                url, page = r.geturl(), r.read().decode(errors="replace")
            if "/hub/spawn-pending/" not in urllib.parse.urlsplit(url).path:
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name}: the server did not start in {timeout:.0f} s")
            time.sleep(0.5)
        if "/git-pull" not in url:
            raise RuntimeError(f"{self.name}: the link ended on {url}, not nbgitpuller's page; page:\n{page[:2000]}")
        params = _DataAttributes()
        params.feed(page)
        p = params.data
        if "repo" not in p or "path" not in p:
            raise RuntimeError(f"{self.name}: {url} is not nbgitpuller's page (no data-repo/data-path):\n{page[:2000]}")
        # What nbgitpuller's gitsync.js does: an EventSource on git-pull/api ...
        query = {"_xsrf": p.get("xsrf", ""), "repo": p["repo"], "targetpath": p["targetpath"]}
        for key in ("depth", "branch", "backup"):
            if key in p:
                query[key] = p[key]
        base = p.get("base-url") or urllib.parse.urlsplit(self.server).path
        origin = f"{urllib.parse.urlsplit(url).scheme}://{urllib.parse.urlsplit(url).netloc}"
        api = origin + base + "git-pull/api?" + urllib.parse.urlencode(query)
        phase = None
        with self.request("GET", api, timeout=timeout) as r:
            for raw in r:
                line = raw.decode(errors="replace").rstrip("\n")
                if not line.startswith("data: "):
                    continue
                event = json.loads(line[6:])
                phase = event.get("phase")
                if event.get("output"):
                    self.pull_log.append(event["output"].rstrip())
                if phase == "error":
                    raise RuntimeError(
                        f"{self.name}: nbgitpuller failed: {event.get('message')}\n{event.get('output', '')}"
                    )
                if phase == "finished":
                    break
        if phase != "finished":
            raise RuntimeError(
                f"{self.name}: nbgitpuller's stream ended without 'finished':\n" + "\n".join(self.pull_log)
            )
        # ... then sends the browser to the page the link names.
        target = origin + base + p["path"]
        with self.request("GET", target) as r:
            r.read()
            return r.geturl()

    def load_notebook(self, path: str) -> dict:
        """A notebook from the learner's server (the contents API), ``path`` in their home."""
        return self.api("GET", f"contents/{urllib.parse.quote(path)}?type=notebook&content=1")["content"]

    def save_notebook(self, path: str, notebook: dict) -> None:
        """Save a notebook as JupyterLab does (the contents API)."""
        self.api(
            "PUT", f"contents/{urllib.parse.quote(path)}", {"type": "notebook", "format": "json", "content": notebook}
        )

    # -- kernels ------------------------------------------------------------------

    def open_notebook(self, path: str) -> dict:
        """What JupyterLab does when a notebook is opened: a session with a new
        python3 kernel, started in the notebook's folder.  ``path`` is relative to
        the learner's home."""
        return self.api(
            "POST",
            "sessions",
            {"path": path, "name": path.rsplit("/", 1)[-1], "type": "notebook", "kernel": {"name": "python3"}},
        )

    def close_notebook(self, session: dict) -> None:
        """Close the notebook and shut its kernel down."""
        try:
            self.api("DELETE", f"sessions/{session['id']}")
        except urllib.error.HTTPError as err:
            if err.code != 404:
                raise

    def _ws_request(self, kernel_id: str):
        from tornado.httpclient import HTTPRequest

        ws_url = self.server.replace("http://", "ws://", 1) + f"api/kernels/{kernel_id}/channels"
        cookie = "; ".join(
            f"{c.name}={c.value}"
            for c in self.cookies
            if (c.path or "/") == "/" or f"/user/{self.name}".startswith((c.path or "/").rstrip("/"))
        )
        return HTTPRequest(ws_url, headers={"Cookie": cookie}, request_timeout=60, connect_timeout=60)

    async def run_cells(
        self, kernel_id: str, sources: list[str], cell_timeout: float = 600.0, result: RunResult | None = None
    ) -> RunResult:
        """Execute ``sources`` in order in the kernel, stopping at the first error."""
        from tornado.websocket import websocket_connect

        result = result or RunResult(self.name, "")
        ws = await websocket_connect(self._ws_request(kernel_id))
        session = uuid.uuid4().hex
        try:
            await self._roundtrip(ws, session, "kernel_info_request", {}, "shell", timeout=120)
            for source in sources:
                reply, outputs = await self._roundtrip(
                    ws,
                    session,
                    "execute_request",
                    {
                        "code": source,
                        "silent": False,
                        "store_history": True,
                        "user_expressions": {},
                        "allow_stdin": False,
                        "stop_on_error": True,
                    },
                    "shell",
                    timeout=cell_timeout,
                )
                result.cells += 1
                for msg in outputs:
                    kind, content = msg["header"]["msg_type"], msg["content"]
                    if kind == "error":
                        result.errors.append(f"cell {result.cells}: {content['ename']}: {content['evalue']}")
                    elif kind == "stream" and content.get("name") == "stderr":
                        for line in content["text"].splitlines():
                            if line.strip() and not _BENIGN_STDERR.match(line):
                                result.stderr.append(f"cell {result.cells}: {line}")
                    elif kind == "stream":
                        result.stdout += content["text"]
                if reply["content"]["status"] != "ok":
                    if not result.errors:
                        result.errors.append(f"cell {result.cells}: execute_reply status {reply['content']['status']}")
                    break
        finally:
            ws.close()
        return result

    async def _roundtrip(self, ws, session: str, msg_type: str, content: dict, channel: str, timeout: float):
        """Send one request; wait for its reply and for the kernel to be idle again.
        Returns the reply and the iopub messages the request caused."""
        msg_id = uuid.uuid4().hex
        await ws.write_message(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "msg_type": msg_type,
                        "username": self.name,
                        "session": session,
                        "date": datetime.datetime.now(datetime.UTC).isoformat(),
                        "version": "5.3",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "content": content,
                    "channel": channel,
                    "buffers": [],
                }
            )
        )
        reply, idle, outputs = None, False, []
        deadline = time.monotonic() + timeout
        while reply is None or not idle:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{self.name}: no answer to {msg_type} within {timeout:.0f} s")
            raw = await asyncio.wait_for(ws.read_message(), left)
            if raw is None:
                raise RuntimeError(f"{self.name}: the kernel websocket closed during {msg_type}")
            if isinstance(raw, bytes):  # a binary frame: widget buffers; no header we wait for
                continue
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if msg.get("channel") == "shell":
                reply = msg
            elif msg.get("channel") == "iopub":
                if msg["header"]["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                    idle = True
                else:
                    outputs.append(msg)
        return reply, outputs

    async def run_notebook(self, cells: list[str], path_in_home: str) -> RunResult:
        """Open the notebook (a new kernel) and Run All: every code cell in order.
        Then read the kernel's and the server's peak memory and the kernel's CPU
        time, and close the notebook."""
        result = RunResult(self.name, path_in_home)
        session = await asyncio.to_thread(self.open_notebook, path_in_home)
        kernel_id = session["kernel"]["id"]
        server = self.hub.server_pid(self.name)
        try:
            server_cpu, t0 = cpu_seconds(server), time.perf_counter()
            await self.run_cells(kernel_id, cells, result=result)
            result.wall = time.perf_counter() - t0
            result.server_cpu = cpu_seconds(server) - server_cpu
            pid = self.hub.kernel_pid(self.name, kernel_id)
            result.kernel_peak_kb = proc_status_kb(pid, "VmHWM")
            result.kernel_cpu = cpu_seconds(pid)
            result.server_peak_kb = proc_status_kb(server, "VmHWM")
        finally:
            await asyncio.to_thread(self.close_notebook, session)
        return result


# --------------------------------------------------------------------------
# Notebooks
# --------------------------------------------------------------------------


_PREDICTION = re.compile(r"^(\s*my_prediction\s*=\s*)None(\s*#\s*(.*))?$", re.MULTILINE)
_QUOTED_OPTION = re.compile(r"""['"]([^'"]+)['"]""")
_EXAMPLE_NUMBER = re.compile(r"\be\.g\.\s*(-?\d+(?:\.\d+)?)")


def answer_predictions(source: str) -> str:
    """A learner's answer for every unanswered ``my_prediction = None`` line,
    taken from its comment: the first option in quotes (``# 'a', 'b' or 'c'``
    gives ``'a'``), else the example number (``# a probability, e.g. 0.5`` gives
    ``0.5``).  The workbook stops at an unanswered Predict, as a learner would."""

    def answer(m: re.Match) -> str:
        comment = m.group(3) or ""
        if option := _QUOTED_OPTION.search(comment):
            value = repr(option.group(1))
        elif number := _EXAMPLE_NUMBER.search(comment):
            value = number.group(1)
        else:
            raise ValueError(
                f"cannot answer {m.group(0).strip()!r}: its comment names no option in quotes"
                " (# 'a', 'b' or 'c') and no example number (# e.g. 10); teach"
                " tests/hub_lab.answer_predictions this Predict's form"
            )
        return f"{m.group(1)}{value}{m.group(2)}"

    return _PREDICTION.sub(answer, source)


def code_cells(notebook: Path) -> list[str]:
    """The notebook's code cells, in order, as a learner runs them (Predicts answered)."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    return [
        answer_predictions("".join(c["source"]))
        for c in nb["cells"]
        if c["cell_type"] == "code" and "".join(c["source"]).strip()
    ]


def mb(kb: int) -> float:
    return kb / 1024
