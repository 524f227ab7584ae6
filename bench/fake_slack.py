"""The local Slack Web API in its own process, answering with a realistic latency (for load runs,
so the bot's post-ack Web API calls cost what they would against Slack).

Besides Slack's routes it serves `GET /bench/answers`: when each reply to a `response_url`
arrived (`/response/<n>`, the load generator's request number), on the machine's monotonic clock,
which the generator shares. `POST /bench/reset` forgets them between runs.
"""

from __future__ import annotations

import argparse
import asyncio

from aiohttp import web

from bot.slack.localslack.server import LocalSlack


def bench_routes(slack: LocalSlack) -> list[web.RouteDef]:
    async def answers(_: web.Request) -> web.Response:
        replies = [(call.ref, call.at) for call in slack.calls if call.method == "response_url"]
        return web.json_response(
            {"answers": replies, "api_calls": sum(c.method != "response_url" for c in slack.calls)}
        )

    async def reset(_: web.Request) -> web.Response:
        slack.calls.clear()
        return web.json_response({"ok": True})

    return [web.get("/bench/answers", answers), web.post("/bench/reset", reset)]


async def serve(port: int, latency: float) -> None:
    slack = LocalSlack(latency=latency, port=port)
    await slack.start(routes=bench_routes(slack))
    print(f"fake slack on {slack.base_url} latency {latency}s", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--latency", type=float, default=0.1)
    args = parser.parse_args()
    asyncio.run(serve(args.port, args.latency))
