"""`/healthz` says the process is up; `/readyz` says whether the database answers."""

from __future__ import annotations


async def test_healthz_and_readyz(bot, deps):
    assert (await bot.http.get("/healthz")).json() == {"status": "ok"}
    ready = await bot.http.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"


async def test_readyz_is_503_when_the_database_is_unreachable(bot, deps, monkeypatch):
    from bot.infra.db import Database

    broken = Database("postgresql://nobody@127.0.0.1:1/none")
    monkeypatch.setattr(deps, "db", broken)
    ready = await bot.http.get("/readyz")
    assert ready.status_code == 503
    await broken.dispose()
