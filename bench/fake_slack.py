"""The local Slack Web API in its own process, answering with a realistic latency (for load runs,
so the bot's post-ack Web API calls cost what they would against Slack)."""

from __future__ import annotations

import argparse
import asyncio

from bot.localslack.server import LocalSlack


async def serve(port: int, latency: float) -> None:
    slack = await LocalSlack(latency=latency, port=port).start()
    print(f"fake slack on {slack.base_url} latency {latency}s", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--latency", type=float, default=0.1)
    args = parser.parse_args()
    asyncio.run(serve(args.port, args.latency))
