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
import logging
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import WSCloseCode, WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from .config import ENV_LEARNER, ENV_ROOM_FILE, RoomConfig
from .gate import Gate, Refused, key_buckets, read_message
from .pages import STATIC_DIR, join_page, terminal_page

COOKIE = "bptutor_room"
STOP_WAIT = 5.0          # seconds a learner's process has to quit before it is killed
log = logging.getLogger("bptutor.room")


class LearnerProcess(AppService):
    """textual-serve's AppService, starting the room's learner app for one named learner
    (no shell: the name travels in the environment, never on a command line)."""

    def __init__(self, room_file: Path, learner: str, **kwargs):
        super().__init__("bptutor-room-learner", **kwargs)
        self.room_file, self.learner = room_file, learner

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        env = super()._build_environment(width, height)
        env[ENV_ROOM_FILE] = str(self.room_file)
        env[ENV_LEARNER] = self.learner
        return env

    async def _open_app_process(self, width: int = 80, height: int = 24):
        self._process = process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tutor.room.learner",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width, height), cwd=self.room_file.parent)
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
                 lesson_titles: list[str] | None = None):
        self.config, self.room_file = config, Path(room_file)
        self.host, self.port = host, port
        self.gate = Gate(config.code, config.max_learners)
        self.titles = lesson_titles or config.exercises
        self.connections: dict[str, Connection] = {}   # learner -> their live connection
        self.closed_for = {"garbage": 0, "flood": 0, "refused": 0}
        self.downloads = DownloadManager()
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    # --- what the dashboard reads (from another thread: copies only) ----------------------
    def online(self) -> dict[str, float]:
        return {c.learner: c.since for c in list(self.connections.values())}

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
        response = web.HTTPSeeOther("/")
        response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", path="/")
        raise response

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
        if old is not None:  # the same learner in a new tab or after a reload: one process each
            await old.websocket.close(code=WSCloseCode.GOING_AWAY, message=b"opened in another tab")
        width = _int(request.query.get("width"), 80, 20, 500)
        height = _int(request.query.get("height"), 24, 10, 200)
        process = LearnerProcess(self.room_file, learner, write_bytes=ws.send_bytes, write_str=ws.send_str,
                                 close=ws.close, download_manager=self.downloads)
        conn.process = process
        try:
            await process.start(width, height)
            await self._relay(ws, process)
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            if self.connections.get(learner) is conn:
                del self.connections[learner]
            await process.end()
            if not ws.closed:
                await ws.close()
        return ws

    async def _relay(self, ws: web.WebSocketResponse, process: LearnerProcess) -> None:
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
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        loop.run_forever()
        loop.run_until_complete(self.close())
        loop.close()

    def stop(self) -> None:
        """End every learner's process and the server; returns when they have ended."""
        if self._loop is None or self._thread is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
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
