"""The official MCP Python SDK client against `vault run --supervise`: calls a tool, starts a slow call, rotates
the key through the agent, keeps calling until the answers carry the new key, then collects the slow call.

Usage: supervised_client.py VAULT_BIN PYTHON SERVER NEW_VALUE_FILE [ON_ROTATE [SERVER_ARGS...]]
(VAULT_* variables from the environment)
Prints {"before", "slow", "after", "failures", "calls", "old_pid_alive"} as JSON. Values never; only hashes.
"""
import asyncio, json, os, subprocess, sys
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

async def main():
    vault, python, server, new_value_file = sys.argv[1:5]
    on_rotate = sys.argv[5] if len(sys.argv) > 5 else "handover"
    server_args = sys.argv[6:]
    mode = ["--mode", "file"] if on_rotate.startswith("signal:") else []  # the server rereads its file
    env = {k: v for k, v in os.environ.items() if k.startswith("VAULT_") or k == "XDG_RUNTIME_DIR"}
    params = StdioServerParameters(
        command=vault, args=["run", "--supervise", "--on-rotate", on_rotate, *mode, "--env", "KEY=svc/key", "--", python, server, *server_args],
        env=env)
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            before = (await session.call_tool("key_hash", {})).content[0].text
            slow = asyncio.create_task(session.call_tool("slow_key_hash", {"seconds": 2.0}))
            await asyncio.sleep(0.2)
            with open(new_value_file, "rb") as value:
                subprocess.run([vault, "rotate", "svc/key", "--from-file", "-"], stdin=value, check=True,
                               env={**os.environ}, stdout=subprocess.DEVNULL)
            after, failures, calls = None, 0, 0
            for _ in range(100):
                calls += 1
                try:
                    result = await session.call_tool("key_hash", {})
                    if result.isError:
                        failures += 1
                    elif result.content[0].text.split()[0] != before.split()[0]:
                        after = result.content[0].text
                        break
                except Exception:
                    failures += 1
                await asyncio.sleep(0.05)
            try:
                slow_result = await slow
                slow_text = slow_result.content[0].text if not slow_result.isError else "error: " + slow_result.content[0].text
            except Exception as error:  # a JSON-RPC error answer (McpError)
                slow_text = "error: " + str(error)
            await asyncio.sleep(1.5)
            old_pid = int(before.split()[1])
            try:
                os.kill(old_pid, 0)
                alive = True
            except ProcessLookupError:
                alive = False
            print(json.dumps({"before": before, "slow": slow_text, "after": after, "failures": failures,
                              "calls": calls, "old_pid_alive": alive}))

asyncio.run(main())
