"""The official MCP SDK client starting `vault mcp connect URL --header 'Authorization=Bearer {{ vault://svc/token }}'`
over stdio with the default environment plus the entry's VAULT_* variables, as a client config would.

Usage: remote_bridge_client.py VAULT URL ROTATE_TO_FILE TOKEN_FILE [CONNECT_ARGS…]
Calls whoami; then (if ROTATE_TO_FILE is not '-') rotates svc/token to that file's content, writes it to the
server's TOKEN_FILE, and calls again on the same session ('again': calls again without rotating). Prints {"first", "second"}: each a hash or "error: …".
"""
import asyncio, json, os, subprocess, sys
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client, get_default_environment

async def main():
    vault, url, rotate_to, token_file = sys.argv[1:5]
    entry_env = {k: v for k, v in os.environ.items() if k.startswith("VAULT_") or k == "XDG_RUNTIME_DIR"}
    params = StdioServerParameters(
        command=vault,
        args=["mcp", "connect", url, "--header", "Authorization=Bearer {{ vault://svc/token }}", *sys.argv[5:]],
        env={**get_default_environment(), **entry_env})

    async def call(session, n):
        try:
            result = await asyncio.wait_for(session.call_tool("whoami", {"n": n}), 30)
            text = result.content[0].text
            return ("error: " + text) if result.isError else text.split()[1]
        except Exception as error:
            return "error: " + str(error)

    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            try:
                await asyncio.wait_for(session.initialize(), 30)
            except Exception as error:
                print(json.dumps({"first": "error: " + str(error), "second": None}))
                return
            first = await call(session, 1)
            second = None
            if rotate_to == "again":
                second = await call(session, 2)
            elif rotate_to != "-":
                with open(rotate_to, "rb") as value:
                    subprocess.run([vault, "rotate", "svc/token", "--from-file", "-"], stdin=value, check=True,
                                   env={**os.environ}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                with open(rotate_to) as source, open(token_file, "w") as target:
                    target.write(source.read())
                second = await call(session, 2)
            print(json.dumps({"first": first, "second": second}))

asyncio.run(main())
