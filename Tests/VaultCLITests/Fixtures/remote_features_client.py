"""The official MCP SDK client starting `vault mcp connect URL --header 'Authorization=Bearer {{ vault://svc/token }}'`
over stdio (default environment plus the VAULT_* variables), using what goes beyond request and answer: a
server-to-client request in the middle of a call (sampling), progress notifications during a call, and a
notification the server sends outside any call (on the GET stream, or the HTTP+SSE stream).

Usage: remote_features_client.py VAULT URL [CONNECT_ARGS…]
Prints {"whoami", "ask", "announce", "progress", "listChanged", "patient", "resumptions", "slow", "cancellations",
"connections"}; "patient" (streamable HTTP only) is answered after the server closed the call's stream and the bridge
resumed it with Last-Event-ID; "slow" is a call the client cancels (notifications/cancelled) half a second in.
"""
import asyncio, json, os, sys
from mcp import ClientSession, StdioServerParameters, types
from mcp.client.stdio import stdio_client, get_default_environment

async def main():
    vault, url = sys.argv[1:3]
    entry_env = {k: v for k, v in os.environ.items() if k.startswith("VAULT_") or k == "XDG_RUNTIME_DIR"}
    params = StdioServerParameters(
        command=vault,
        args=["mcp", "connect", url, "--header", "Authorization=Bearer {{ vault://svc/token }}", *sys.argv[3:]],
        env={**get_default_environment(), **entry_env})
    changed, progress = asyncio.Event(), []

    async def sample(context, params):
        return types.CreateMessageResult(
            role="assistant", model="test", content=types.TextContent(type="text", text="sampled"))

    async def on_message(message):
        if isinstance(message, types.ServerNotification) and isinstance(message.root, types.ToolListChangedNotification):
            changed.set()

    async def on_progress(done, total, message):
        progress.append(done)

    outcome = {}
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write, sampling_callback=sample, message_handler=on_message) as session:
            await asyncio.wait_for(session.initialize(), 30)
            for name, arguments in [("whoami", {"n": 1}), ("ask", {"question": "q"})]:
                result = await asyncio.wait_for(session.call_tool(name, arguments), 30)
                outcome[name] = result.content[0].text
            result = await asyncio.wait_for(
                session.call_tool("announce", {}, progress_callback=on_progress), 30)
            outcome["announce"] = result.content[0].text
            outcome["progress"] = progress
            if "--transport" not in sys.argv:
                result = await asyncio.wait_for(session.call_tool("patient", {}), 30)
                outcome["patient"] = result.content[0].text
                result = await asyncio.wait_for(session.call_tool("resumptions", {}), 30)
                outcome["resumptions"] = int(result.content[0].text)
            # A call the client gives up on: its notifications/cancelled must reach the server, which stops it.
            call = asyncio.create_task(session.call_tool("slow", {}))
            await asyncio.sleep(0.5)
            await session.send_notification(types.ClientNotification(types.CancelledNotification(
                params=types.CancelledNotificationParams(requestId=session._request_id - 1, reason="given up"))))
            try:
                outcome["slow"] = (await asyncio.wait_for(call, 10)).content[0].text
            except Exception as error:
                outcome["slow"] = "error: " + str(error)
            result = await asyncio.wait_for(session.call_tool("cancellations", {}), 30)
            outcome["cancellations"] = int(result.content[0].text)
            result = await asyncio.wait_for(session.call_tool("connections", {}), 30)
            outcome["connections"] = int(result.content[0].text)
            try:
                await asyncio.wait_for(changed.wait(), 10)
                outcome["listChanged"] = True
            except asyncio.TimeoutError:
                outcome["listChanged"] = False
    print(json.dumps(outcome))

asyncio.run(main())
