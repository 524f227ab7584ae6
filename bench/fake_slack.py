"""The local Slack Web API in its own process, answering with a realistic latency (for load runs,
so the bot's post-ack Web API calls cost what they would against Slack).

Besides Slack's routes it serves `GET /bench/answers`: when each answer given after an
acknowledgement arrived, on the machine's monotonic clock, which the generator shares, keyed as
bench.scenarios' `answer_key`s are: `response:<n>` for a reply to `/response/<n>` (the load
generator's request number), `home:<user>` for a Home published with views.publish.
`POST /bench/reset` forgets them between runs.
"""

from __future__ import annotations

import argparse
import asyncio

from aiohttp import web

from bot.slack.localslack.server import Call, LocalSlack


def answer_key(call: Call) -> str | None:
    """The key an answer is filed under; None for calls that answer no request (and for calls
    Slack refused: an error is not an answer)."""
    if "_error" in call.args or "_failed" in call.args:
        return None
    if call.method == "response_url":
        return f"response:{call.ref}"
    if call.method == "views.publish":
        return f"home:{call.args.get('user_id')}"
    return None


def bench_routes(slack: LocalSlack) -> list[web.RouteDef]:
    async def answers(_: web.Request) -> web.Response:
        replies = [(answer_key(call), call.at) for call in slack.calls]
        return web.json_response(
            {"answers": [r for r in replies if r[0]], "api_calls": sum(c.method != "response_url" for c in slack.calls)}
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
