"""The official MCP Python SDK client against `vault run --supervise`, calling a tool 20+ times a second from two
callers while the secret is rotated ROTATIONS times; then checks the server ends on the newest value and that no
server it saw is left running.

Usage: supervised_stress_client.py VAULT PYTHON SERVER VAR=SECRET ROTATIONS MODE
  MODE value:  each rotation stores a new random value (vault rotate NAME --from-file -)
  MODE policy: each rotation runs the secret's policy (vault rotate NAME)
Prints {"calls", "rate", "failures", "mismatches", "final_is_current", "left_running", "servers", "errors"} as
JSON. Values never; only hashes of them.
"""
import asyncio, hashlib, json, os, secrets, sys, time
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

async def main():
    vault, python, server, mapping, rotations, mode = sys.argv[1:7]
    name = mapping.split("=", 1)[1]
    env = {k: v for k, v in os.environ.items() if k.startswith("VAULT_") or k == "XDG_RUNTIME_DIR"}
    params = StdioServerParameters(
        command=vault, args=["run", "--supervise", "--env", mapping, "--", python, server], env=env)
    stats = {"calls": 0, "failures": 0, "mismatches": 0}
    errors, pids = [], set()
    done = asyncio.Event()

    async def current_hash():
        process = await asyncio.create_subprocess_exec(
            vault, "get", name, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
        out, _ = await process.communicate()
        return hashlib.sha256(out.rstrip(b"\n")).hexdigest()

    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()

            async def call(n):
                stats["calls"] += 1
                try:
                    result = await session.call_tool("echo_key_hash", {"n": n})
                    text = result.content[0].text
                    if result.isError:
                        stats["failures"] += 1
                        errors.append(text[:200])
                        return None
                    fields = text.split()
                    if fields[0] != str(n):
                        stats["mismatches"] += 1
                    pids.add(int(fields[2]))
                    return fields[1], int(fields[2])
                except Exception as error:
                    stats["failures"] += 1
                    errors.append(str(error)[:200])
                    return None

            async def caller(offset):
                n = offset
                while not done.is_set():
                    await call(n)
                    n += 2
                    await asyncio.sleep(0.02)

            async def rotate():
                for _ in range(int(rotations)):
                    if mode == "value":
                        arguments, value = ["rotate", name, "--from-file", "-"], secrets.token_hex(24).encode()
                    else:
                        arguments, value = ["rotate", name], b""
                    process = await asyncio.create_subprocess_exec(
                        vault, *arguments, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL,
                        stderr=asyncio.subprocess.PIPE)
                    _, err = await process.communicate(value)
                    if process.returncode != 0:
                        errors.append("rotate: " + err.decode()[:200])
                    await asyncio.sleep(0.6)

            started = time.time()
            callers = [asyncio.create_task(caller(i)) for i in (0, 1)]
            await rotate()
            newest, last, final_pid = await current_hash(), None, 0
            for _ in range(300):
                answer = await call(10**6)
                if answer is not None:
                    last, final_pid = answer
                    if last == newest:
                        break
                await asyncio.sleep(0.05)
            elapsed = time.time() - started
            done.set()
            await asyncio.gather(*callers)
            # The servers the client saw: every one but the last must be gone (after the stop grace).
            await asyncio.sleep(6)
            left = []
            for pid in pids:
                try:
                    os.kill(pid, 0)
                    left.append(pid)
                except ProcessLookupError:
                    pass
            print(json.dumps({**stats, "rate": stats["calls"] / elapsed, "final_is_current": last == newest,
                              "left_running": len([p for p in left if p != final_pid]), "servers": len(pids),
                              "errors": errors[:5]}))

asyncio.run(main())
