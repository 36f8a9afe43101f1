"""Timing a slider in the browser: key press -> redrawn output, decoded and painted.

``exercise_slider`` moves one slider to its maximum, its minimum and back,
and times each move with a probe armed in the page (``JS_ARM_PROBE``); a
``CommBusyTimer`` adds the kernel's own busy time for each change.  Before
each timed key press the page is left to settle (``SETTLE_MS``), and while a
move is timed the harness does as little as it can in the page: the probe
looks at the output only once the kernel is done, and the slider's value is
read with one ``querySelectorAll``, not a Playwright locator.
``latency_record`` and ``latency_table`` turn the moves into the per-lesson
median/worst table that ``tests/test_browser.py`` prints.
"""

from __future__ import annotations

import re
import statistics
import time
from dataclasses import dataclass, field
from datetime import datetime

try:  # tests/ as a package or as a plain directory on sys.path
    from .browser_lab import HANDLE, SLIDER, on_kernel_messages, wait_kernel_idle
except ImportError:
    from browser_lab import HANDLE, SLIDER, on_kernel_messages, wait_kernel_idle

# Everything a slider drives, as comparable data: image sources, SVG markup
# and visible text of an output area, with every slider (label, track,
# readout) taken out so that the slider's own readout does not count.
JS_SNAPSHOT_FN = """
(area) => {
  const roots = area.matches('.jp-Notebook')
    ? [...area.querySelectorAll('.jp-Cell-outputArea')] : [area];
  const imgs = [], svgs = [], texts = [];
  for (const root of roots) {
    for (const i of root.querySelectorAll('img')) {
      if (!i.closest('.widget-slider')) imgs.push(i.getAttribute('src') || '');
    }
    for (const s of root.querySelectorAll('.jp-RenderedSVG')) svgs.push(s.innerHTML);
    const clone = root.cloneNode(true);
    for (const s of clone.querySelectorAll('.widget-slider, .jp-OutputPrompt')) s.remove();
    texts.push(clone.textContent.replace(/\\s+/g, ' ').trim());
  }
  const text = texts.join(' ').trim();
  return {imgs, svgs, text, key: imgs.join('|') + '\\u0001' + svgs.join('|') + '\\u0001' + text};
}
"""

JS_SLIDERS = f"""
() => {{
  const cells = [...document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-CodeCell')];
  const snap = {JS_SNAPSHOT_FN};
  const res = [];
  document.querySelectorAll('.jp-Cell-outputArea .widget-slider').forEach((s, i) => {{
    const cell = s.closest('.jp-CodeCell');
    const area = s.closest('.jp-Cell-outputArea');
    const h = s.querySelector('.noUi-handle');
    const label = s.querySelector('.widget-label');
    const readout = s.querySelector('.widget-readout');
    const sn = snap(area);
    res.push({{
      index: i,
      cell: cells.indexOf(cell),
      label: label ? label.textContent.trim() : '',
      has_handle: !!h,
      disabled: !h || s.querySelector('[disabled]') !== null || h.hasAttribute('disabled'),
      value: h ? h.getAttribute('aria-valuenow') : null,
      min: h ? h.getAttribute('aria-valuemin') : null,
      max: h ? h.getAttribute('aria-valuemax') : null,
      readout: readout ? readout.textContent.trim() : null,
      readout_editable: !!readout && readout.getAttribute('contenteditable') === 'true',
      area_has_content: sn.imgs.length > 0 || sn.svgs.length > 0 || sn.text.length > 0,
    }});
  }});
  return res;
}}
"""

# Watches the kernel websockets of the page (from the first message sent on
# each after it is installed): the ids of comm messages the page sends, and
# the kernel's "idle" status for each, which the kernel sends after every
# message it produced while handling it (iopub keeps their order).  Frames are
# decoded only as far as their headers.  Installed once per page, by the probe.
JS_KERNEL_TAP = """
() => {
  if (window.__sbTap) return;
  const tap = window.__sbTap = {listeners: new Set()};
  const dec = new TextDecoder();
  const heads = (data) => {
    if (typeof data === 'string') {
      const m = JSON.parse(data);
      return [m.channel, m.header || {}, m.parent_header || {}, () => m.content || {}];
    }
    // v1.kernel.websocket.jupyter.org: a count of offsets, the offsets (uint64
    // little-endian), then channel, header, parent header, metadata, content, buffers.
    const buf = data instanceof ArrayBuffer ? data : data.buffer;
    const dv = new DataView(buf, data.byteOffset || 0);
    const n = dv.getUint32(0, true);
    const off = [];
    for (let i = 0; i < n; i++) off.push(dv.getUint32(8 * (i + 1), true));
    const part = (i) => dec.decode(new Uint8Array(buf, (data.byteOffset || 0) + off[i], off[i + 1] - off[i]));
    return [part(0), JSON.parse(part(1)), JSON.parse(part(2)), () => JSON.parse(part(4))];
  };
  const onSend = (data) => {
    try {
      const [, h] = heads(data);
      if (h.msg_type === 'comm_msg') for (const f of tap.listeners) f('sent', h.msg_id);
    } catch (e) {}
  };
  const onFrame = (e) => {
    try {
      const [ch, h, p, content] = heads(e.data);
      if (ch === 'iopub' && h.msg_type === 'status' && content().execution_state === 'idle')
        for (const f of tap.listeners) f('idle', p.msg_id);
    } catch (err) {}
  };
  const send = WebSocket.prototype.send;
  const tapped = new WeakSet();
  WebSocket.prototype.send = function (data) {
    if (!tapped.has(this) && String(this.url).includes('/channels')) {
      tapped.add(this);
      this.addEventListener('message', onFrame);
    }
    if (tapped.has(this)) onSend(data);
    return send.call(this, data);
  };
}
"""

# Arms a probe on slider `index`: the key press time (keydown on the handle or
# readout) and the time at which the driven output area shows a different,
# non-empty figure/text with its images decoded and painted, after the kernel
# has finished with every comm message the page sent for the move (its idle
# status arrived), so that a figure sent as several messages (picture, then
# caption) counts only once all of them are in.
JS_ARM_PROBE = f"""
([index, wholeNotebook]) => {{
  ({JS_KERNEL_TAP})();
  const snap = {JS_SNAPSHOT_FN};
  const slider = document.querySelectorAll('.jp-Cell-outputArea .widget-slider')[index];
  const area = wholeNotebook
    ? document.querySelector('.jp-NotebookPanel .jp-Notebook')
    : slider.closest('.jp-Cell-outputArea');
  const base = snap(area);
  const probe = {{t0: null, t1: null, done: false, base: base.key, snaps: 0, sent: 0, waiting: new Set()}};
  // Settled when the move is timed; the harness awaits it instead of polling the
  // page, since Playwright's wait_for_function polls on every animation frame and
  // makes the page draw a frame each time, taking CPU from the move it times.
  probe.finished = new Promise(resolve => {{ probe.resolve = resolve; }});
  if (window.__sbProbe && window.__sbProbe.cleanup) window.__sbProbe.cleanup();
  window.__sbProbe = probe;
  // The last "commit" key wins: typing into the readout counts from Enter.
  const keys = ['Enter', 'Home', 'End', 'PageUp', 'PageDown',
                'ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown'];
  const onKey = (e) => {{ if (!probe.done && keys.includes(e.key)) probe.t0 = performance.now(); }};
  slider.addEventListener('keydown', onKey, true);
  let pending = false;
  const kernelDone = () => probe.sent > 0 && probe.waiting.size === 0;
  const ready = (s) => {{
    if (!kernelDone()) return false;
    if (s.key === base.key) return false;
    if (!s.imgs.length && !s.svgs.length && !s.text) return false;  // cleared, not redrawn yet
    if (s.imgs.length < base.imgs.length || s.svgs.length < base.svgs.length) return false;
    return true;
  }};
  const check = () => {{
    // Nothing counts before the kernel is done, so do not snapshot until then:
    // the snapshot (a clone of the area) would only take CPU from the move.
    if (probe.done || pending || !kernelDone()) return;
    const s = snap(area);
    probe.snaps += 1;
    if (!ready(s)) return;
    pending = true;
    const imgs = [...area.querySelectorAll('img')];
    Promise.all(imgs.map(i => i.decode ? i.decode().catch(() => null) : null)).then(() => {{
      requestAnimationFrame(() => {{
        pending = false;
        if (probe.done) return;
        if (!ready(snap(area))) return;
        probe.t1 = performance.now();
        probe.done = true;
        probe.cleanup();
        probe.resolve(true);
      }});
    }});
  }};
  const onKernel = (what, id) => {{
    if (probe.done || probe.t0 === null) return;
    if (what === 'sent') {{ probe.sent += 1; probe.waiting.add(id); }}
    else if (probe.waiting.delete(id) && kernelDone()) check();
  }};
  window.__sbTap.listeners.add(onKernel);
  const obs = new MutationObserver(check);
  obs.observe(area, {{subtree: true, childList: true, attributes: true, characterData: true}});
  probe.cleanup = () => {{
    obs.disconnect();
    slider.removeEventListener('keydown', onKey, true);
    window.__sbTap.listeners.delete(onKernel);
  }};
}}
"""


# The probe's promise, or false after `ms`: one evaluate that waits without polling.
JS_AWAIT_PROBE = """
(ms) => Promise.race([window.__sbProbe.finished, new Promise(done => setTimeout(() => done(false), ms))])
"""


@dataclass
class Move:
    slider: str
    cell: int
    key: str
    value_before: str | None
    value_after: str | None
    changed: bool
    latency_ms: float | None
    note: str = ""
    kernel_ms: float | None = None

    def as_dict(self) -> dict:
        return {
            "slider": self.slider,
            "cell": self.cell,
            "key": self.key,
            "value_before": self.value_before,
            "value_after": self.value_after,
            "changed": self.changed,
            "latency_ms": None if self.latency_ms is None else round(self.latency_ms, 1),
            "kernel_ms": None if self.kernel_ms is None else round(self.kernel_ms, 1),
            "note": self.note,
        }


@dataclass
class CommBusyTimer:
    """Kernel-side busy time (ms, from the kernel's own status timestamps) of
    each comm message it handled: a widget change and its redraw."""

    comm_busy_ms: list[float] = field(default_factory=list)
    _busy_since: dict = field(default_factory=dict)

    def attach(self, page) -> None:
        on_kernel_messages(page, self._on_message)

    def _on_message(self, channel, header, parent, content) -> None:
        if channel == "iopub" and header.get("msg_type") == "status" and parent.get("msg_type") == "comm_msg":
            self._comm_status(parent.get("msg_id"), content.get("execution_state"), header.get("date"))

    def _comm_status(self, parent_id, state, date) -> None:
        try:
            t = datetime.fromisoformat(str(date).replace("Z", "+00:00"))
        except ValueError:
            return
        if state == "busy":
            self._busy_since[parent_id] = t
        elif state == "idle" and parent_id in self._busy_since:
            start = self._busy_since.pop(parent_id)
            self.comm_busy_ms.append((t - start).total_seconds() * 1000)


def _slider_state(page, index: int) -> str:
    """The slider's value as its handles report it (value and text of each)."""
    # A plain querySelectorAll: this runs while a move is timed, and a Playwright
    # locator (its own selector engine, walking the whole page) takes ~11 ms of
    # the page's main thread there.
    return page.evaluate(
        """([sel, i]) => [...document.querySelectorAll(sel)[i].querySelectorAll('.noUi-handle')]
             .map(h => h.getAttribute('aria-valuetext') || h.getAttribute('aria-valuenow'))
             .join(' – ')""",
        [SLIDER, index],
    )


#: How long the page is left alone before a timed key press (ms).  Scrolling a
#: slider into view and focusing it start work that runs on after them (raster
#: of the newly shown part of the page, the editors of the cells scrolled to,
#: the notebook's active-cell change); a teacher drags a slider that is already
#: on screen, so that work is let finish instead of being timed with the move.
SETTLE_MS = 300

JS_SETTLE = """
(ms) => new Promise(done =>
  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, ms))))
"""


def settle(page) -> None:
    """Two animation frames (a layout and paint have run), then SETTLE_MS."""
    page.evaluate(JS_SETTLE, SETTLE_MS)


def move_slider(
    page,
    info: dict,
    key: str,
    whole_notebook: bool,
    change_timeout_ms: float,
    readout_text: str | None = None,
) -> Move:
    """Press `key` on the slider's (first) handle, or with key == "readout" type
    `readout_text` into its readout and press Enter, and time the redraw."""
    index = info["index"]
    slider = page.locator(SLIDER).nth(index)
    slider.scroll_into_view_if_needed()
    before = _slider_state(page, index)
    page.evaluate(JS_ARM_PROBE, [index, whole_notebook])
    if key == "readout":
        slider.locator(".widget-readout").click()
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type(readout_text or "")
        settle(page)
        page.keyboard.press("Enter")
        label = f"readout:{readout_text}"
    else:
        slider.locator(HANDLE).first.focus()
        settle(page)
        page.keyboard.press(key)
        label = key
    after = _slider_state(page, index)
    if key == "readout" and before == after:
        # Not a number the readout accepts: put the shown value back.
        page.keyboard.press("Escape")
    if before == after:
        page.evaluate("() => window.__sbProbe.cleanup()")
        note = "the readout kept its value" if key == "readout" else "value unchanged (already there)"
        return Move(info["label"], info["cell"], label, before, after, False, None, note)
    if not page.evaluate(JS_AWAIT_PROBE, change_timeout_ms):
        page.evaluate("() => window.__sbProbe.cleanup()")
        return Move(
            info["label"],
            info["cell"],
            label,
            before,
            after,
            False,
            None,
            f"output did not change within {change_timeout_ms / 1000:.0f} s",
        )
    t0, t1 = page.evaluate("() => [window.__sbProbe.t0, window.__sbProbe.t1]")
    latency = None if t0 is None else t1 - t0
    return Move(info["label"], info["cell"], label, before, after, True, latency)


_NUMERIC_READOUT = re.compile(r"^\s*[-+]?[\d.eE+-]+(\s*[–:-]\s*[-+]?[\d.eE+-]+)?\s*$")


def readout_to_typed(text: str) -> str:
    """What a person types to get back the value a readout shows.

    ipywidgets formats readouts with d3-format, which writes negative numbers
    with U+2212 MINUS SIGN; the readout parser (parseFloat) rejects that
    character, so the shown text cannot be typed back verbatim."""
    return text.replace("\u2212", "-").strip()


def exercise_slider(
    page,
    info: dict,
    whole_notebook: bool,
    change_timeout_ms: float,
    kernel_log: CommBusyTimer | None = None,
    idle_timeout_ms: float = 30000,
) -> list[Move]:
    """End (max), Home (min), then back to the start value: its readout text
    typed back into the readout for numeric sliders, then (if the readout kept
    its value, or there is none) ArrowRight one step at a time (at most 20
    steps).  Each move waits for the kernel to go idle before the next; with
    `kernel_log`, each move also gets the kernel's own busy time for the
    change (``kernel_ms``)."""
    index = info["index"]
    start = _slider_state(page, index)
    moves = []

    def do(key, text=None):
        mark = len(kernel_log.comm_busy_ms) if kernel_log else 0
        mv = move_slider(page, info, key, whole_notebook, change_timeout_ms, readout_text=text)
        wait_kernel_idle(page, idle_timeout_ms)
        if kernel_log and mv.changed:
            page.wait_for_timeout(50)  # let the last status frames arrive
            busy = kernel_log.comm_busy_ms[mark:]
            mv.kernel_ms = sum(busy) if busy else None
        moves.append(mv)
        return mv

    do("End")
    do("Home")
    readout = readout_to_typed(info["readout"] or "")
    if info["readout_editable"] and readout and _NUMERIC_READOUT.match(readout):
        do("readout", readout)
    # A readout that kept its value (a SelectionSlider's, which shows a label, not
    # a number it parses) leaves the slider at its minimum: step back instead.
    for _ in range(20):
        if _slider_state(page, index) == start:
            break
        if not do("ArrowRight").changed:
            break
    return moves


def machine_reference_ms(steps: int = 3_000_000, repeats: int = 3) -> float:
    """How fast this machine is right now: the best of ``repeats`` runs of a fixed
    pure-Python loop, in ms.  Timed next to each lesson's moves, it tells a slow
    machine from a slow lesson (a shared 2-vCPU VM ran it in 123 to 217 ms within one
    day, and the same lessons' medians moved with it)."""
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        total = 0
        for i in range(steps):
            total += i
        best = min(best, time.perf_counter() - t)
    return round(best * 1000, 1)


def cpu_times() -> list[int] | None:
    """The machine's CPU time counters (/proc/stat's "cpu" line), or None where there is none."""
    try:
        with open("/proc/stat") as f:
            return [int(v) for v in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None


def steal_percent(before: list[int] | None, after: list[int] | None) -> float | None:
    """Share of CPU time taken by the hypervisor for other guests between two
    :func:`cpu_times` readings (the 8th counter, "steal"), in percent: a quiet
    machine has about 0."""
    if not before or not after or len(before) < 8 or len(after) < 8:
        return None
    total = sum(a - b for a, b in zip(after[:8], before[:8]))
    return round(100 * (after[7] - before[7]) / total, 1) if total > 0 else None


def latency_record(
    moves: list[Move],
    n_sliders: int,
    seconds: float,
    goal_median_ms: float,
    goal_worst_ms: float,
    reference_ms: float | None = None,
    steal_pct: float | None = None,
) -> dict:
    """One lesson's numbers: median and worst redraw time over its timed moves, and
    how quiet the machine was: its reference time (:func:`machine_reference_ms`)
    just before the moves and the CPU time stolen during them (:func:`steal_percent`)."""
    timed = [m.latency_ms for m in moves if m.latency_ms is not None]
    kernel = [m.kernel_ms for m in moves if m.kernel_ms is not None]
    median = statistics.median(timed) if timed else None
    return {
        "sliders": n_sliders,
        "timed_moves": len(timed),
        "median_ms": None if median is None else round(median, 1),
        "worst_ms": round(max(timed), 1) if timed else None,
        "kernel_median_ms": round(statistics.median(kernel), 1) if kernel else None,
        "reference_ms": reference_ms,
        "steal_pct": steal_pct,
        "goal_met": bool(timed) and median <= goal_median_ms and max(timed) <= goal_worst_ms,
        "seconds": round(seconds, 1),
        "moves": [m.as_dict() for m in moves],
    }


def latency_table(records: dict[str, dict], goal_median_ms: float, goal_worst_ms: float) -> list[str]:
    """The per-lesson table, one row per notebook, ready to paste into a note::

    lesson               sliders  moves  median ms  worst ms  kernel ms  ref ms  steal %  goal
    01-intuition               3      9         95       111         60     150      0.2  met
    """

    def ms(v):
        return "-" if v is None else f"{v:.0f}"

    head = (
        f"{'lesson':<20} {'sliders':>7} {'moves':>6} {'median ms':>10} {'worst ms':>9}"
        f" {'kernel ms':>10} {'ref ms':>7} {'steal %':>8}"
        f"  goal (median <= {goal_median_ms:.0f}, worst <= {goal_worst_ms:.0f})"
    )
    lines = [head, "-" * len(head)]
    for name, r in records.items():
        goal = "-" if r["median_ms"] is None else ("met" if r["goal_met"] else "NOT met")
        lines.append(
            f"{name:<20} {r['sliders']:>7} {r['timed_moves']:>6} {ms(r['median_ms']):>10}"
            f" {ms(r['worst_ms']):>9} {ms(r['kernel_median_ms']):>10} {ms(r.get('reference_ms')):>7}"
            f" {'-' if r.get('steal_pct') is None else format(r['steal_pct'], '.1f'):>8}  {goal}"
        )
    timed = [r for r in records.values() if r["median_ms"] is not None]
    if timed:
        lines.append(
            f"goal met in {sum(r['goal_met'] for r in timed)} of {len(timed)} lessons with sliders"
            " (kernel ms: the kernel's median busy time per move; ref ms: the machine's speed just"
            " before the moves, a fixed Python loop, lower is faster; steal %: CPU time the"
            " hypervisor gave other guests during the moves, about 0 on a quiet machine)"
        )
    return lines
