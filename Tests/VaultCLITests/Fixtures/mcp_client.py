"""The official MCP Python SDK client: starts the server through `vault run` over stdio and calls its tools.

Usage: mcp_client.py VAULT_BIN REDACT(0|1) PYTHON SERVER   (VAULT_* variables come from the environment)
Prints {"hash": ..., "echo": ...} as JSON.
"""
import asyncio, json, os, sys
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

async def main():
    vault, redact, python, server = sys.argv[1], sys.argv[2] == "1", sys.argv[3], sys.argv[4]
    args = ["run", "--profile", "mcp"] + (["--redact"] if redact else []) + ["--", python, server]
    env = {k: v for k, v in os.environ.items() if k.startswith("VAULT_") or k in ("HOME", "PATH", "XDG_RUNTIME_DIR")}
    params = StdioServerParameters(command=vault, args=args, env=env)
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            hashed = await session.call_tool("token_hash", {})
            echoed = await session.call_tool("echo_token", {})
            print(json.dumps({"server": init.serverInfo.name, "hash": hashed.content[0].text, "echo": echoed.content[0].text}))

asyncio.run(main())
