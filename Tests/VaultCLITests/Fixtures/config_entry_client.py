"""Starts one server entry of a Claude Code config as the client does, then calls one of its tools.

The entry is launched through the official SDK's stdio client with the SDK's default environment (only HOME
LOGNAME PATH SHELL TERM USER) plus the entry's `env`, as Claude Code starts its stdio servers.

Usage: config_entry_client.py CONFIG SERVER [TOOL [ARGUMENTS_JSON]]   (default: token_hash {})
Prints what the tool answered.
"""
import asyncio, json, sys
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client, get_default_environment

async def main():
    entry = json.load(open(sys.argv[1]))["mcpServers"][sys.argv[2]]
    env = {**get_default_environment(), **entry.get("env", {})}
    params = StdioServerParameters(command=entry["command"], args=entry.get("args", []), env=env)
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await asyncio.wait_for(session.initialize(), 60)
            tool = sys.argv[3] if len(sys.argv) > 3 else "token_hash"
            arguments = json.loads(sys.argv[4]) if len(sys.argv) > 4 else {}
            result = await asyncio.wait_for(session.call_tool(tool, arguments), 60)
            print(result.content[0].text)

asyncio.run(main())
