"""The official MCP SDK client starting `vault mcp connect URL --oauth` over stdio with the default environment plus
the VAULT_* variables, as a client config would, and calling whoami CALLS times, PAUSE seconds apart.

Usage: oauth_bridge_client.py VAULT URL CALLS PAUSE
Prints a JSON list: each answer's text, or "error: …".
"""
import asyncio, json, os, sys
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client, get_default_environment

async def main():
    vault, url, calls, pause = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    entry_env = {k: v for k, v in os.environ.items() if k.startswith("VAULT_") or k == "XDG_RUNTIME_DIR"}
    params = StdioServerParameters(
        command=vault, args=["mcp", "connect", url, "--oauth"], env={**get_default_environment(), **entry_env})
    answers = []
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            try:
                await asyncio.wait_for(session.initialize(), 30)
            except Exception as error:
                print(json.dumps(["error: " + str(error)]))
                return
            for n in range(calls):
                if n:
                    await asyncio.sleep(pause)
                try:
                    result = await asyncio.wait_for(session.call_tool("whoami", {"n": n}), 30)
                    text = result.content[0].text
                    answers.append(("error: " + text) if result.isError else text)
                except Exception as error:
                    answers.append("error: " + str(error))
    print(json.dumps(answers))

asyncio.run(main())
