"""The room's web server: a gate in front of textual-serve.

textual-serve (Textualize's server for Textual apps) runs one app process per websocket and
relays the terminal between it and xterm.js in the browser. It has no authentication and no
cap, so the room serves its own routes around textual-serve's page, static files and
`AppService` (the process and its protocol):

  GET  /        the join form, or the lesson page for a browser that has joined
  POST /join    name and room code; a right code sets a cookie and leads to /
  GET  /ws      the websocket: refused (no process) without the cookie, then one process
                per learner (a second tab takes over from the first)
  GET  /static  textual-serve's xterm.js, CSS and fonts

Every message from the browser is checked (`gate.read_message`); garbage or a flood of keys
closes the connection. A learner's process ends when the connection does.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import WSCloseCode, WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from .board import Presence
from .config import ENV_LEARNER, ENV_ROOM_FILE, RoomConfig
from .gate import Gate, Refused, key_buckets, read_message
from .pages import STATIC_DIR, join_page, terminal_page

COOKIE = "bptutor_room"
STOP_WAIT = 5.0          # seconds a learner's process has to quit before it is killed
log = logging.getLogger("bptutor.room")


# one learner's app is single-threaded work: no BLAS thread pools in 40 processes on 2 cores
QUIET_THREADS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


class Zygote:
    """The warm parent learners' processes are forked from (tutor/room/zygote.py)."""

    def __init__(self, room_file: Path):
        self.room_file = room_file
        self.path = room_file.parent / "zygote.sock"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, env: dict[str, str], log_fd: int) -> bool:
        try:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "tutor.room.zygote", str(self.room_file), str(self.path), str(os.getpid()),
                stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=log_fd, env=env,
                cwd=self.room_file.parent, start_new_session=True)  # Ctrl+C in the terminal is the room's
            line = await asyncio.wait_for(self.process.stdout.readline(), 120)
        except (OSError, asyncio.TimeoutError) as e:
            log.warning("no zygote (%s): each learner's process starts from scratch", e)
            await self.stop()
            return False
        if line.strip() != b"ready":
            log.warning("the zygote did not start: each learner's process starts from scratch")
            await self.stop()
            return False
        return True

    @property
    def ready(self) -> bool:
        return self.process is not None and self.process.returncode is None

    def fork(self, env: dict[str, str], fds: list[int]) -> int:
        """A learner's process with these stdin, stdout and stderr; its pid (blocking, ~ms)."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(10)
            s.connect(str(self.path))
            socket.send_fds(s, [json.dumps({"env": env}).encode()], fds)
            answer = b""
            while not answer.endswith(b"\n"):
                chunk = s.recv(64)
                if not chunk:
                    raise OSError("the zygote closed the connection")
                answer += chunk
        return int(answer)

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), STOP_WAIT)
            except asyncio.TimeoutError:
                self.process.kill()
        try:
            self.path.unlink()
        except OSError:
            pass


class Forked:
    """A forked learner's process, as much of asyncio's Process as AppService uses."""

    def __init__(self, pid: int, stdin: asyncio.StreamWriter, stdout: asyncio.StreamReader):
        self.pid, self.stdin, self.stdout = pid, stdin, stdout
        self.stderr = asyncio.StreamReader()
        self.stderr.feed_eof()  # its stderr is the room's log
        self.returncode: int | None = None

    @classmethod
    async def start(cls, zygote: Zygote, env: dict[str, str], log_fd: int) -> "Forked":
        loop = asyncio.get_running_loop()
        in_r, in_w = os.pipe()
        out_r, out_w = os.pipe()
        try:
            pid = await loop.run_in_executor(None, zygote.fork, env, [in_r, out_w, log_fd])
        except BaseException:
            for fd in (in_w, out_r):
                os.close(fd)
            raise
        finally:
            os.close(in_r)
            os.close(out_w)
        reader = asyncio.StreamReader(limit=2**22)
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(out_r, "rb", 0))
        transport, protocol = await loop.connect_write_pipe(asyncio.streams.FlowControlMixin,
                                                            os.fdopen(in_w, "wb", 0))
        return cls(pid, asyncio.StreamWriter(transport, protocol, None, loop), reader)

    def _alive(self) -> bool:
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            self.returncode = self.returncode if self.returncode is not None else 0
            return False
        except PermissionError:
            pass
        return True

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    async def wait(self) -> int:
        while self._alive():  # the zygote reaps it; gone from the process table once it has ended
            await asyncio.sleep(0.05)
        self.stdin.close()
        return self.returncode or 0


class LearnerProcess(AppService):
    """textual-serve's AppService, starting the room's learner app for one named learner
    (no shell: the name travels in the environment, never on a command line), forked from
    the zygote when there is one."""

    def __init__(self, room_file: Path, learner: str, zygote: Zygote | None = None, log_fd: int = 2, **kwargs):
        super().__init__("bptutor-room-learner", **kwargs)
        self.room_file, self.learner, self.zygote, self.log_fd = room_file, learner, zygote, log_fd

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        env = super()._build_environment(width, height)
        env.update(QUIET_THREADS)
        env[ENV_ROOM_FILE] = str(self.room_file)
        env[ENV_LEARNER] = self.learner
        return env

    async def _open_app_process(self, width: int = 80, height: int = 24):
        env = self._build_environment(width, height)
        if self.zygote is not None and self.zygote.ready:
            try:
                mine = {k: env[k] for k in ("COLUMNS", "ROWS", ENV_ROOM_FILE, ENV_LEARNER)}
                self._process = process = await Forked.start(self.zygote, mine, self.log_fd)
                self._stdin = process.stdin
                return process
            except OSError as e:
                log.warning("the zygote could not fork (%s): starting from scratch", e)
        self._process = process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tutor.room.learner",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env=env, cwd=self.room_file.parent)
        self._stdin = process.stdin
        return process

    async def end(self) -> None:
        """Ask the app to quit (it has stored every answer already); kill it if it does not."""
        try:
            await asyncio.wait_for(self.stop(), STOP_WAIT)
        except (asyncio.TimeoutError, ConnectionError, RuntimeError):
            pass
        process = self._process
        if process is not None and process.returncode is None:
            try:
                process.kill()
            except ProcessLookupError:
                pass
        if process is not None:
            try:
                await asyncio.wait_for(process.wait(), STOP_WAIT)
            except asyncio.TimeoutError:
                log.warning("process %s did not end", process.pid)


@dataclass
class Connection:
    learner: str
    websocket: web.WebSocketResponse
    process: LearnerProcess | None = None
    since: float = field(default_factory=time.time)


class RoomServer:
    def __init__(self, config: RoomConfig, room_file: Path, host: str = "127.0.0.1", port: int = 8000,
                 lesson_titles: list[str] | None = None, zygote: bool | None = None):
        self.config, self.room_file = config, Path(room_file)
        self.host, self.port = host, port
        self.gate = Gate(config.code, config.max_learners)
        self.titles = lesson_titles or config.exercises
        self.connections: dict[str, Connection] = {}   # learner -> their live connection
        self.seen: dict[str, float] = {}   # learner -> last seen: the code given, a key, connecting, leaving
        self.closed_for = {"garbage": 0, "flood": 0, "refused": 0}
        self.downloads = DownloadManager()
        if zygote is None:  # fork is safe with what a learner's process loads on Linux; elsewhere, exec
            zygote = sys.platform.startswith("linux")
        self.zygote: Zygote | None = Zygote(self.room_file) if zygote else None
        self._log_fd = -1
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    # --- what the dashboard reads (from another thread: copies only) ----------------------
    def online(self) -> dict[str, float]:
        return {c.learner: c.since for c in list(self.connections.values())}

    def presence(self) -> dict[str, Presence]:
        """Everyone who gave the code this run: connected now or not, and when last seen."""
        online = self.online()
        return {learner: Presence(learner in online, at) for learner, at in list(self.seen.items())}

    # --- the web app ---------------------------------------------------------------------
    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=16 * 1024)
        app.add_routes([
            web.get("/", self.index),
            web.post("/join", self.join),
            web.get("/ws", self.websocket),
            web.static("/static", STATIC_DIR),
        ])
        app.on_shutdown.append(self._on_shutdown)
        return app

    async def index(self, request: web.Request) -> web.Response:
        learner = self.gate.learner(request.cookies.get(COOKIE))
        if learner is None:
            return web.Response(text=join_page(self.titles), content_type="text/html")
        scheme = "wss" if request.secure else "ws"
        page = terminal_page(f"{scheme}://{request.host}/ws", f"bptutor: {learner}")
        return web.Response(text=page, content_type="text/html", headers={"Cache-Control": "no-store"})

    async def join(self, request: web.Request) -> web.Response:
        try:
            form = await request.post()
        except (ValueError, web.HTTPException):
            return web.Response(status=400, text=join_page(self.titles, "The form did not arrive whole."),
                                content_type="text/html")
        name, code = str(form.get("name", ""))[:200], str(form.get("code", ""))[:50]
        try:
            token, learner = self.gate.join(name, code, request.remote or "")
        except Refused as e:
            self.closed_for["refused"] += 1
            return web.Response(status=403, text=join_page(self.titles, str(e), name), content_type="text/html")
        log.info("joined: %s from %s", learner, request.remote)
        self.seen[learner] = time.time()
        # in the store now, not when the lesson's page opens: the gradebook has a row for
        # everyone the dashboard shows, also a learner who never opened the page
        await asyncio.get_running_loop().run_in_executor(None, self._record_join, learner)
        response = web.HTTPSeeOther("/")
        response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", path="/")
        raise response

    def _record_join(self, learner: str) -> None:
        from .learner import room_store

        try:
            store = room_store(self.config, learner)
            try:
                store.join()
            finally:
                store.close()
        except Exception as e:  # noqa: BLE001 (the store says its own trouble; the learner still comes in)
            log.warning("the join of %s was not stored (%s)", learner, e)

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        learner = self.gate.learner(request.cookies.get(COOKIE))
        if learner is None:
            raise web.HTTPForbidden(text="Join the room first: open the room's address and give the room code.")
        origin = request.headers.get("Origin")
        if origin is not None and origin.split("://", 1)[-1] != request.host:
            raise web.HTTPForbidden(text="The lesson opens only from the room's own page.")
        if learner not in self.connections and len(self.connections) >= self.config.max_learners:
            raise web.HTTPServiceUnavailable(text="The room is full.")
        ws = web.WebSocketResponse(heartbeat=15, max_msg_size=64 * 1024)
        await ws.prepare(request)
        old = self.connections.get(learner)
        conn = Connection(learner, ws)
        self.connections[learner] = conn
        self.seen[learner] = time.time()
        if old is not None:  # the same learner in a new tab or after a reload: one process each
            await old.websocket.close(code=WSCloseCode.GOING_AWAY, message=b"opened in another tab")
        width = _int(request.query.get("width"), 80, 20, 500)
        height = _int(request.query.get("height"), 24, 10, 200)
        process = LearnerProcess(self.room_file, learner, self.zygote, self._log_fd, write_bytes=ws.send_bytes,
                                 write_str=ws.send_str, close=ws.close, download_manager=self.downloads)
        conn.process = process
        try:
            await process.start(width, height)
            await self._relay(ws, process, learner)
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            if self.connections.get(learner) is conn:
                del self.connections[learner]
            self.seen[learner] = time.time()
            await process.end()
            if not ws.closed:
                await ws.close()
        return ws

    async def _relay(self, ws: web.WebSocketResponse, process: LearnerProcess, learner: str) -> None:
        messages, characters = key_buckets()
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                if message.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
                    return
                return await self._close(ws, "garbage", "only the page's own messages are accepted")
            try:
                kind, arg = read_message(message.data)
            except ValueError:
                return await self._close(ws, "garbage", "only the page's own messages are accepted")
            if kind == "stdin":
                self.seen[learner] = time.time()   # a key: not idle
                if not (messages.take(1) and characters.take(len(arg))):
                    return await self._close(ws, "flood", "too many keys at once")
                if not await process.send_bytes(arg.encode("utf-8")):
                    return
            elif kind == "resize":
                await process.set_terminal_size(*arg)
            elif kind == "ping":
                if not messages.take(1):
                    return await self._close(ws, "flood", "too many messages at once")
                await ws.send_json(["pong", arg])
            elif kind == "focus":
                await process.focus()
            elif kind == "blur":
                await process.blur()

    async def _close(self, ws: web.WebSocketResponse, why: str, text: str) -> None:
        self.closed_for[why] += 1
        log.info("closed a connection: %s", why)
        await ws.close(code=WSCloseCode.POLICY_VIOLATION, message=text.encode())

    async def _on_shutdown(self, app: web.Application) -> None:
        """Ctrl+C: every learner's app is asked to quit (answers are stored as they are given)."""
        conns = list(self.connections.values())
        await asyncio.gather(*(c.websocket.close(code=WSCloseCode.GOING_AWAY, message=b"the room has closed")
                               for c in conns), return_exceptions=True)
        await asyncio.gather(*(c.process.end() for c in conns if c.process is not None), return_exceptions=True)

    # --- running -------------------------------------------------------------------------
    async def open(self) -> None:
        self._log_fd = os.open(self.room_file.with_name("learners.log"), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        if self.zygote is not None:
            env = LearnerProcess(self.room_file, "", download_manager=self.downloads, write_bytes=None,
                                 write_str=None, close=None)._build_environment()
            if not await self.zygote.start(env, self._log_fd):
                self.zygote = None
        self._runner = web.AppRunner(self.make_app(), access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, reuse_address=True)
        await site.start()
        sockets = getattr(site._server, "sockets", None) or []
        if sockets:
            self.port = sockets[0].getsockname()[1]  # port 0: the one the system chose

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()  # runs _on_shutdown: processes end first
            self._runner = None
        if self.zygote is not None:
            await self.zygote.stop()
        if self._log_fd >= 0:
            os.close(self._log_fd)
            self._log_fd = -1

    def start(self) -> None:
        """Serve from a thread of its own (the teacher's dashboard owns the main thread)."""
        self._thread = threading.Thread(target=self._serve_thread, name="bptutor-room", daemon=True)
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error

    def _serve_thread(self) -> None:
        loop = self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self.open())
        except BaseException as e:  # e.g. the port is taken: said by the caller
            self._error = e
            try:  # the zygote started before the port was refused: it ends, its socket goes
                loop.run_until_complete(self.close())
            except Exception:  # noqa: BLE001 (the first error is the one said)
                pass
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        loop.run_forever()
        loop.run_until_complete(self.close())
        loop.close()

    def stop(self) -> None:
        """End every learner's process and the server; returns when they have ended."""
        if self._loop is None or self._thread is None or not self._thread.is_alive():
            return  # never started, or stopped already
        try:
            self._loop.call_soon_threadsafe(self._loop.stop)
        except RuntimeError:  # closed meanwhile
            return
        self._thread.join(timeout=STOP_WAIT * 3)


def _int(text: str | None, default: int, lo: int, hi: int) -> int:
    try:
        return min(hi, max(lo, int(text or default)))
    except ValueError:
        return default


def log_to(path: Path) -> None:
    """The room's log goes to a file: the teacher's terminal belongs to the dashboard, and
    textual-serve's and aiohttp's loggers would otherwise write over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    for name in ("bptutor.room", "textual-serve", "aiohttp"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(logging.INFO)
        logger.propagate = False
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
