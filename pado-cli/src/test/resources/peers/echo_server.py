# A python-websockets echo server for pado-cli's tests: listens on 127.0.0.1, a free port, which it prints on the
# first line of stdout; echoes every message as it came (text as text). Runs until killed.
import asyncio

import websockets


async def echo(ws, path=None):  # websockets < 13 passes the path too
    async for message in ws:
        await ws.send(message)


async def main():
    async with websockets.serve(echo, "127.0.0.1", 0) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Future()


asyncio.run(main())
