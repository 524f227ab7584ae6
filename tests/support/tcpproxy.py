"""A TCP proxy on loopback that a test can cut and restore: from the app's side, exactly what a
database going down and coming back looks like (connections reset, new ones refused). The
`db_proxy` fixture puts one in front of the test's PostgreSQL; a module that uses it imports it
and overrides `settings` to connect through it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.engine import make_url


class CuttableProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.StreamWriter] = set()

    async def start(self) -> CuttableProxy:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self._pipes.update((writer, up_writer))
        await asyncio.gather(self._pump(reader, up_writer), self._pump(up_reader, writer), return_exceptions=True)

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        finally:
            with contextlib.suppress(Exception):
                writer.close()
            self._pipes.discard(writer)

    async def cut(self) -> None:
        """Reset every open connection and refuse new ones."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._pipes):
            with contextlib.suppress(Exception):
                writer.transport.abort()
        self._pipes.clear()

    async def restore(self) -> None:
        await self.start()

    async def stop(self) -> None:
        await self.cut()


@pytest.fixture
async def db_proxy(database_url: str) -> AsyncIterator[tuple[CuttableProxy, str]]:
    """A cuttable proxy in front of the test's database, and the database URL through it."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("a network fault between the app and its database needs PostgreSQL")
    proxy = await CuttableProxy(url.host or "127.0.0.1", url.port or 5432).start()
    yield proxy, url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    await proxy.stop()
