"""A minimal HTTP/1.1 keep-alive client on asyncio streams, for the load generators only.

Why not httpx: on this 2-core machine the load client shares the CPU with the stack it measures. httpx spends
roughly 0.5 ms of CPU per request (measured by `python -m bench.rawhttp`), which caps one client process near
2k requests/s and steals a core from the server under test; this client pre-encodes each request and parses
only the status line and Content-Length, so the same core drives several times more load. It speaks exactly
what uvicorn answers to our POSTs (Content-Length bodies); anything else is reported as an error.
"""

from __future__ import annotations

import asyncio
import json
import time


def encode_post(port: int, path: str, body: bytes, token: str | None, method: str = "POST") -> bytes:
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{auth}"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def encode_get(port: int, path: str, token: str | None) -> bytes:
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{auth}\r\n".encode()


class Pool:
    """At most `size` connections to 127.0.0.1:port; a request waits for a free one (a bounded client)."""

    # uvicorn closes a keep-alive connection after 5 s idle; reusing one just as it does fails the request,
    # so connections idle for longer than this are dropped instead of reused.
    MAX_IDLE = 3.0

    def __init__(self, port: int, size: int, timeout: float = 10.0) -> None:
        self.port, self.timeout = port, timeout
        self.slots = asyncio.Semaphore(size)
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        now = time.monotonic()
        while self.idle:
            reader, writer, since = self.idle.pop()
            if now - since < self.MAX_IDLE:
                return reader, writer
            writer.close()
        return await asyncio.open_connection("127.0.0.1", self.port)

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        async with self.slots:
            reader, writer = await self._connection()
            try:
                async with asyncio.timeout(self.timeout):
                    writer.write(raw)
                    head = await reader.readuntil(b"\r\n\r\n")
                    status = int(head[9:12])
                    lower = head.lower()
                    at = lower.find(b"content-length:")
                    if at < 0:
                        raise ValueError("response without Content-Length")
                    length = int(lower[at + 15 : lower.index(b"\r\n", at)])
                    body = await reader.readexactly(length) if length else b""
            except BaseException:
                writer.close()
                raise
            if b"connection: close" in lower:
                writer.close()
            else:
                self.idle.append((reader, writer, time.monotonic()))
            return status, body

    async def close(self) -> None:
        for _, writer, _ in self.idle:
            writer.close()
        self.idle.clear()


async def _compare(port: int, n: int = 2000) -> None:
    """CPU per request of httpx vs this client against a running server (diagnostic, not part of `make bench`)."""
    import httpx

    body = json.dumps({"probe": True}).encode()
    gate = asyncio.Semaphore(32)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=httpx.Limits(max_connections=32)) as c:

        async def one() -> None:
            async with gate:
                await c.post("/healthz", content=body)

        t = time.process_time()
        await asyncio.gather(*(one() for _ in range(n)))
        print(f"httpx   {1000 * (time.process_time() - t) / n:.3f} ms CPU/request")
    pool = Pool(port, 32)
    raw = encode_post(port, "/healthz", body, None)
    t = time.process_time()
    await asyncio.gather(*(pool.request(raw) for _ in range(n)))
    print(f"rawhttp {1000 * (time.process_time() - t) / n:.3f} ms CPU/request")
    await pool.close()


if __name__ == "__main__":
    import sys

    asyncio.run(_compare(int(sys.argv[1])))
