"""Load test of the workshop room, on loopback only; it stops by itself.

    python benchmarks/room_load.py            # N = 10, 30, 60
    python benchmarks/room_load.py 30         # one N

For each N: a room is opened (`bptutor room mazur --no-dashboard`, its own process, as a
teacher runs it) and N learners join over the websocket as textual-serve's page does
(tutor/room/client.py): the join form, the websocket, a resize, then keys one message each.
Learners arrive spread over ARRIVAL seconds, answer STEPS steps with a pause to think before
each and typing at ~8 keys a second, one wrong answer among them. Measured:

- time to join: from the join form to the first step drawn on the page;
- Enter to verdict: from the Enter key to the verdict drawn on the page (p50, p95, max);
- memory per learner: proportional set size (PSS: shared pages split among processes, so the
  zygote's pages shared by its children count once) and resident size of the learners'
  processes at the busiest moment;
- CPU: the room's process and its learners' processes, in cores busy over the run.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tutor.room.client import ENTER, PageClient  # noqa: E402

CODE = "LOADT3"
STEPS = 6                 # answered per learner
WRONG_AT = 2              # the third answer is wrong first
THINK = (2.0, 5.0)        # seconds before typing an answer
KEY_GAP = 0.12            # seconds between two keys
ARRIVAL = 1.0             # seconds between two learners arriving (30 in half a minute)
RUN_LIMIT = 300           # seconds: a run that takes longer is stopped and reported as such
GOAL_MS = 300
LIMIT_MS = 500


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                kids = [int(k) for k in (task / "children").read_text().split()]
            except OSError:
                continue
            out += kids
            todo += kids
    return out


def memory_kb(pid: int) -> tuple[int, int]:
    """(PSS, RSS) of one process in kB."""
    pss = rss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
            elif line.startswith("Rss:"):
                rss = int(line.split()[1])
    except OSError:
        pass
    return pss, rss


def own_cpu_seconds(pid: int) -> float:
    """utime + stime of one process."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def learner(base: str, k: int, rng: random.Random, out: dict) -> None:
    await asyncio.sleep(k * ARRIVAL)
    c = PageClient(base)
    try:
        t0 = time.monotonic()
        if await c.join(f"Learner {k:03d}", CODE) != 200:
            out["refused"] += 1
            return
        await c.connect(100, 32)
        await c.wait_for("step 1 of 32", timeout=120)
        out["join"].append(time.monotonic() - t0)
        out["joined_at"].append(time.monotonic())
        from tutor.lesson.exercise import load
        from tutor.lesson.session import Lesson

        lesson = Lesson(load("mazur"))  # the right answers, from the engine
        for n in range(STEPS):
            answers = ["0.5", None] if n == WRONG_AT else [None]
            typed, typed_wrong = "", False
            for text in answers:
                text = text or f"{lesson.current.step.value:.6g}"
                await asyncio.sleep(rng.uniform(*THINK))
                for _ in typed:  # the wrong answer rubbed out, as a learner would
                    await c.keys("\x7f")
                    await asyncio.sleep(KEY_GAP / 2)
                typed = text
                for ch in text:
                    await c.keys(ch)
                    await asyncio.sleep(KEY_GAP)
                mark = c.mark()
                t = time.monotonic()
                await c.keys(ENTER)
                if text == "0.5":
                    await c.wait_for("Not yet", since=mark)
                elif typed_wrong:  # after "✗ Not yet." the first "✓ Right." is this answer's
                    await c.wait_for("Right.", since=mark)
                else:
                    await c.wait_for(f"step {n + 2} of 32", since=mark)
                typed_wrong = text == "0.5"
                out["verdict"].append(time.monotonic() - t)
                out["verdict_at"].append(t)
            lesson.submit(f"{lesson.current.step.value:.9g}")
        out["done"] += 1
    except (TimeoutError, ConnectionError, OSError) as e:
        out["failed"].append(f"{k}: {e}"[:200])
        if os.environ.get("ROOM_LOAD_DEBUG"):
            print(c.screen[-3000:])
    finally:
        await c.close()


async def sample_memory(pid: int, out: dict, stop: asyncio.Event) -> None:
    """The learners' memory at the busiest moment (most processes alive), and every
    descendant's CPU time as last seen (forked learners are reaped by the zygote, which
    ignores SIGCHLD, so their time is never added to a parent's)."""
    while not stop.is_set():
        for p in descendants(pid):
            out["cpu_seen"][p] = max(out["cpu_seen"].get(p, 0.0), own_cpu_seconds(p))
        # learners: forked by the zygote (they keep its command line) or started afresh
        kids = [p for p in descendants(pid) if "tutor.room.learner" in _cmdline(p)
                or ("tutor.room.zygote" in _cmdline(p) and "tutor.room.zygote" in _cmdline(_parent(p)))]
        if len(kids) >= out["procs"]:
            mem = [memory_kb(p) for p in kids]
            out["procs"], out["pss"], out["rss"] = len(kids), sum(m[0] for m in mem), sum(m[1] for m in mem)
        try:
            await asyncio.wait_for(stop.wait(), 0.5)
        except asyncio.TimeoutError:
            pass


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return 0


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    except OSError:
        return ""


async def run(n: int) -> dict:
    port = free_port()
    home = tempfile.mkdtemp(prefix="bptutor-load-")
    env = {**os.environ, "BPTUTOR_HOME": home}
    server = subprocess.Popen([sys.executable, "-m", "tutor", "room", "mazur", "--no-dashboard", "--port", str(port),
                               "--code", CODE, "--name", f"load-{n}", "--max-learners", str(max(n, 40))],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = server.stdout.readline()
        if not re.search(r"is open", line):
            raise RuntimeError(f"the room did not open: {line}{server.stdout.read()}")
        base = f"http://127.0.0.1:{port}"
        out = {"join": [], "verdict": [], "failed": [], "refused": 0, "done": 0, "procs": 0, "pss": 0, "rss": 0,
               "cpu_seen": {}, "joined_at": [], "verdict_at": []}
        rng = random.Random(n)
        zygote = {p: own_cpu_seconds(p) for p in descendants(server.pid)}  # before: its start-up is not the run's
        server0, wall0 = own_cpu_seconds(server.pid), time.monotonic()
        stop = asyncio.Event()
        sampler = asyncio.create_task(sample_memory(server.pid, out, stop))
        try:
            await asyncio.wait_for(asyncio.gather(*(learner(base, k, rng, out) for k in range(n))), RUN_LIMIT)
        except asyncio.TimeoutError:
            out["failed"].append(f"the run passed {RUN_LIMIT} s and was stopped")
        stop.set()
        await sampler
        for _ in range(100):  # the learners' processes end when their connections do
            if not descendants(server.pid):
                break
            await asyncio.sleep(0.1)
        wall = time.monotonic() - wall0
        server_cpu = own_cpu_seconds(server.pid) - server0
        spent = server_cpu + sum({**zygote, **out["cpu_seen"]}.values()) - sum(zygote.values())
        out["cpu"], out["cpu_server"] = spent / wall, server_cpu / wall
        out["wall"] = time.monotonic() - wall0
        return out
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def steady(r: dict) -> list[float]:
    """Verdicts asked for once every learner had joined (no process starting meanwhile)."""
    last = max(r["joined_at"], default=0.0)
    return [v * 1000 for v, at in zip(r["verdict"], r["verdict_at"]) if at > last]


def report(n: int, r: dict) -> str:
    v = [x * 1000 for x in r["verdict"]]
    j = r["join"]
    per = r["procs"] or 1
    s = steady(r)
    return (f"| {n} | {r['done']}/{n} | {statistics.median(j):.1f} s / {max(j):.1f} s | "
            f"{pct(v, .5):.0f} ms | {pct(v, .95):.0f} ms | {max(v):.0f} ms | "
            f"{pct(s, .5):.0f} / {pct(s, .95):.0f} ms ({len(s)}) | "
            f"{r['pss'] / per / 1024:.0f} MB ({r['rss'] / per / 1024:.0f} MB) | {r['cpu']:.2f} "
            f"(server {r['cpu_server']:.2f}) |")


def main() -> None:
    ns = [int(a) for a in sys.argv[1:]] or [10, 30, 60]
    print(f"{os.cpu_count()} cores; load average (other work on the machine too) before: {os.getloadavg()[0]:.1f}; "
          f"{STEPS} answers per learner (one wrong first), {THINK[0]:.0f}-{THINK[1]:.0f} s to think, "
          f"a learner arriving every {ARRIVAL} s")
    print("| learners | finished | join (median / max) | Enter to verdict p50 | p95 | max | once all have joined: "
          "p50 / p95 (verdicts) | memory per learner, PSS (RSS) | CPU, cores busy |")
    print("|---|---|---|---|---|---|---|---|---|")
    under = []
    for n in ns:
        r = asyncio.run(run(n))
        print(report(n, r), f" load average after: {os.getloadavg()[0]:.1f}", flush=True)
        for f in r["failed"][:5]:
            print(f"    failed: {f}")
        p95 = pct([x * 1000 for x in r["verdict"]], .95)
        if p95 < LIMIT_MS and r["done"] == n:
            under.append(n)
    print(f"largest N tried with p95 under {LIMIT_MS} ms: {max(under) if under else 'none'} "
          f"(goal: 30 learners with p95 under {GOAL_MS} ms)")


if __name__ == "__main__":
    main()
