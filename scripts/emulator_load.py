#!/usr/bin/env python3
"""Drives an `upload-worker emulator` with keep-alive uploads (stdlib only) and prints its cost.

    upload-worker emulator --listen 127.0.0.1:0 --token t &     # note the port and the PID
    scripts/emulator_load.py --port PORT --pid PID [--requests 20000] [--connections 64] [--get]

Each upload names a unique URL on the emulator's built-in origin. Prints requests/s and the
emulator's CPU time (user + system, from /proc) per request. The load generator itself is Python
and shares the machine: requests/s is a floor, CPU per request is the figure that matters.
"""
import argparse, asyncio, os, time, uuid

def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

async def main(a):
    statuses, next_index = {}, [0]
    run = uuid.uuid4().hex[:8]
    boundary = "emulator-load-boundary"

    def request(i):
        if a.get:
            return (f"GET /__emulator/config HTTP/1.1\r\nHost: {a.host}\r\n\r\n").encode()
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"url\"\r\n\r\n"
                f"http://{a.host}:{a.port}/origin/load-{run}/{i}-64x48.png\r\n--{boundary}--\r\n").encode()
        head = (f"POST /client/v4/accounts/acc/images/v1 HTTP/1.1\r\nHost: {a.host}\r\n"
                f"Authorization: Bearer {a.token}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()
        return head + body

    async def connection():
        reader, writer = await asyncio.open_connection(a.host, a.port)
        while next_index[0] < a.requests:
            i = next_index[0]; next_index[0] += 1
            writer.write(request(i))
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.split(b"\r\n")
            status = int(lines[0].split()[1])
            statuses[status] = statuses.get(status, 0) + 1
            length = next((int(l.split(b":")[1]) for l in lines[1:] if l.lower().startswith(b"content-length:")), 0)
            await reader.readexactly(length)
        writer.close()

    cpu0, t0 = cpu_seconds(a.pid), time.time()
    await asyncio.gather(*(connection() for _ in range(a.connections)))
    wall, cpu = time.time() - t0, cpu_seconds(a.pid) - cpu0
    kind = "GET /__emulator/config" if a.get else "uploads"
    print(f"{kind}: requests={a.requests} connections={a.connections} wall={wall:.2f}s "
          f"rate={a.requests / wall:.0f}/s emulator_cpu={cpu:.2f}s "
          f"cpu_per_request={cpu / a.requests * 1e6:.0f}us statuses={statuses}")

if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--pid", type=int, required=True, help="the emulator's PID, for its CPU time")
    p.add_argument("--token", default="t")
    p.add_argument("--requests", type=int, default=20000)
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--get", action="store_true", help="plain GETs of a control endpoint: the server's own cost")
    asyncio.run(main(p.parse_args()))
