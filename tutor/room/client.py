"""A learner's browser without the browser: joins a room and speaks textual-serve's page
protocol over the websocket (JSON text messages up, terminal bytes down), as xterm.js does.
For the load test, the room's tests and checking a room from a terminal."""

from __future__ import annotations

import asyncio
import codecs
import json
import re
import time

import aiohttp

ANSI = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]")
ENTER = "\r"
F2 = "\x1bOQ"


class PageClient:
    def __init__(self, base: str, session: aiohttp.ClientSession | None = None):
        self.base = base.rstrip("/")
        self._own_session = session is None
        self.session = session or aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.screen = ""           # everything the app has drawn, escapes stripped
        self.closed: tuple[int | None, str] | None = None
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._changed = asyncio.Event()
        self._reader: asyncio.Task | None = None

    async def join(self, name: str, code: str) -> int:
        """The join form; 200 once joined (after the redirect to the page), 403 refused."""
        async with self.session.post(f"{self.base}/join", data={"name": name, "code": code}) as r:
            await r.read()
            return r.status

    async def connect(self, width: int = 100, height: int = 32) -> None:
        url = self.base.replace("http", "ws", 1) + f"/ws?width={width}&height={height}"
        self.ws = await self.session.ws_connect(url, max_msg_size=0)
        await self.send(["resize", {"width": width, "height": height}])
        self._reader = asyncio.create_task(self._read())

    async def send(self, message: list) -> None:
        assert self.ws is not None
        await self.ws.send_str(json.dumps(message))

    async def keys(self, text: str) -> None:
        """Typed keys, one message per key as xterm.js sends them (escape sequences whole)."""
        for key in re.findall(r"\x1bO.|\x1b\[[0-9;]*[~A-Za-z]|.", text, re.S):
            await self.send(["stdin", key])

    async def _read(self) -> None:
        assert self.ws is not None
        why = ""
        async for msg in self.ws:
            if msg.type == aiohttp.WSMsgType.BINARY:
                self.screen += ANSI.sub("", self._decoder.decode(msg.data))
                self._changed.set()
            elif msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.ERROR):
                why = str(msg.extra or "")
                break
        self.closed = (self.ws.close_code, why)
        self._changed.set()

    def mark(self) -> int:
        """Where the screen's text is now: wait_for looks only at what is drawn after it."""
        return len(self.screen)

    async def wait_for(self, *texts: str, since: int = 0, timeout: float = 20.0) -> str:
        """The first of `texts` drawn after `since`; TimeoutError, or ConnectionError if closed."""
        end = time.monotonic() + timeout
        while True:
            tail = self.screen[since:]
            found = [(tail.find(t), t) for t in texts if t in tail]
            if found:
                return min(found)[1]
            if self.closed is not None:
                raise ConnectionError(f"closed: {self.closed}")
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"none of {texts} on the page after {timeout} s")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), left)
            except asyncio.TimeoutError:
                pass

    async def wait_closed(self, timeout: float = 10.0) -> tuple[int | None, str]:
        end = time.monotonic() + timeout
        while self.closed is None and time.monotonic() < end:
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), max(0.0, end - time.monotonic()))
            except asyncio.TimeoutError:
                break
        if self.closed is None:
            raise TimeoutError("the connection stayed open")
        return self.closed

    async def close(self) -> None:
        if self.ws is not None and not self.ws.closed:
            await self.ws.close()
        if self._reader is not None:
            try:
                await asyncio.wait_for(self._reader, 5)
            except (asyncio.TimeoutError, asyncio.CancelledError):
                self._reader.cancel()
        if self._own_session:
            await self.session.close()
