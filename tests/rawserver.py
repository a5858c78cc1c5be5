"""A scripted HTTP server on a raw socket for the fetch tests (fixture ``raw_server`` in
conftest)."""

from __future__ import annotations

import socket
import socketserver
import struct
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus


@dataclass
class Reply:
    """One scripted answer of :class:`RawHttpServer`. ``action``: None (send it all),
    ``"reset"`` (half the body, then a TCP reset), ``"drip"`` (headers, then one byte every
    100 ms), ``"endless"`` (headers, then a body that never ends, as fast as it is read),
    ``"hang"`` (accept, never answer), ``"slow"`` (answer after 0.5 s), ``"drop"`` (read the
    request, close the connection without an answer), ``"rst"`` (read the request, reset the
    connection without an answer). A reply with ``Connection: keep-alive`` in its headers keeps
    the connection open for the next request."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    action: str | None = None


class _RawHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        server: RawHttpServer = self.server.owner  # type: ignore[attr-defined]
        sock: socket.socket = self.request
        with server.lock:
            server.connections += 1
        data = b""
        while True:
            while b"\r\n\r\n" not in data:
                chunk = sock.recv(65536)
                if not chunk:
                    return
                data += chunk
            raw, data = data.split(b"\r\n\r\n", 1)  # no request bodies here
            if not self._answer(server, sock, raw):
                return

    @staticmethod
    def _answer(server: RawHttpServer, sock: socket.socket, raw: bytes) -> bool:
        """Answers one request; True when the connection stays open for another."""
        head = raw.decode("latin-1").split("\r\n")
        target = head[0].split(" ")[1]
        headers = {k.strip().lower(): v.strip() for k, v in (h.split(":", 1) for h in head[1:])}
        path = "/" + target.split("://", 1)[1].split("/", 1)[1] if "://" in target else target
        reply = server.next_reply(path.split("?")[0], target, headers)
        status_line = f"HTTP/1.1 {reply.status} {HTTPStatus(reply.status).phrase}\r\n"
        hdrs = {"Connection": "close", "Content-Length": str(len(reply.body)), **reply.headers}
        if reply.action == "drip":
            hdrs["Content-Length"] = "1000000"
        elif reply.action == "endless":
            del hdrs["Content-Length"]  # read until the connection closes: never
        out = status_line + "".join(f"{k}: {v}\r\n" for k, v in hdrs.items()) + "\r\n"
        try:
            if reply.action == "hang":
                server.stopping.wait(30)
                return False
            if reply.action in ("drop", "rst"):
                if reply.action == "rst":
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                return False
            if reply.action == "slow":
                server.stopping.wait(0.5)
            sock.sendall(out.encode("latin-1"))
            if reply.action == "drip":
                while not server.stopping.wait(0.1):
                    sock.sendall(b" ")
            elif reply.action == "endless":
                while not server.stopping.is_set():
                    sock.sendall(reply.body or b"<item>" * 10000)
            elif reply.action == "reset":
                sock.sendall(reply.body[: len(reply.body) // 2])
                time.sleep(0.05)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                sock.sendall(reply.body)
                return hdrs["Connection"].lower() == "keep-alive"
        except OSError:
            pass  # the client gave up: that is what the drip and hang tests wait for
        return False


class RawHttpServer:
    """An HTTP/1.1 server on a raw socket, scripted per path, for what a well-behaved server
    never does: resets mid-body, slow drips, hangs, bombs, odd headers. It also answers
    proxy-style requests (``GET http://host/path``). Unknown paths are 404."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.routes: dict[str, list[Reply]] = {}
        self.requests: list[tuple[str, str, dict[str, str], float]] = []
        self.connections = 0  # accepted so far
        self.stopping = threading.Event()
        self.tcp = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _RawHandler)
        self.tcp.daemon_threads = True
        self.tcp.owner = self  # type: ignore[attr-defined]
        threading.Thread(target=self.tcp.serve_forever, daemon=True).start()

    @property
    def port(self) -> int:
        return int(self.tcp.server_address[1])

    def route(self, path: str, *replies: Reply) -> str:
        """Answer ``path`` with ``replies`` in turn; the last one repeats."""
        with self.lock:
            self.routes[path] = list(replies)
        return f"http://127.0.0.1:{self.port}{path}"

    def next_reply(self, path: str, target: str, headers: dict[str, str]) -> Reply:
        with self.lock:
            self.requests.append((path, target, headers, time.monotonic()))
            replies = self.routes.get(path)
            if not replies:
                return Reply(404, {"Content-Type": "text/plain"}, b"not found")
            return replies.pop(0) if len(replies) > 1 else replies[0]

    def hits(self, path: str) -> list[tuple[str, dict[str, str], float]]:
        with self.lock:
            return [(t, h, at) for p, t, h, at in self.requests if p == path]

    def close(self) -> None:
        self.stopping.set()
        self.tcp.shutdown()
        self.tcp.server_close()
