"""A remote MCP server (the MCP SDK's FastMCP on uvicorn) that wants `Authorization: Bearer T` (or `?api_key=T` in
the URL), T being the content of TOKEN_FILE, read again for every request (so a test can rotate it).

TRANSPORT is `streamable-http` (the default; POST /mcp and its GET stream) or `sse` (MCP 2024-11-05: GET /events,
messages POSTed to the endpoint it names; /events so that a client must fall back to it, not guess it from /sse).

With CERT and KEY it serves HTTPS. While TOKEN_FILE.fail holds "STATUS COUNT", the next COUNT tool calls are
answered with that HTTP status (a server that is down for a moment).

Usage: remote_mcp_server.py PORT TOKEN_FILE [TRANSPORT [CERT KEY]]
"""
import asyncio, hashlib, itertools, os, sys
import uvicorn
from mcp.server.fastmcp import Context, FastMCP
from mcp.server.streamable_http import EventStore
from mcp.types import SamplingMessage, TextContent
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import JSONResponse

port, token_file = int(sys.argv[1]), sys.argv[2]
transport = sys.argv[3] if len(sys.argv) > 3 else "streamable-http"
class MemoryEventStore(EventStore):
    """Every event of every stream, so a client can resume a stream after the server closed it (Last-Event-ID)."""
    def __init__(self):
        self.events, self.ids = [], itertools.count(1)

    async def store_event(self, stream_id, message):
        event_id = str(next(self.ids))
        self.events.append((event_id, stream_id, message))
        return event_id

    async def replay_events_after(self, last_event_id, send_callback):
        stream = next((s for e, s, _ in self.events if e == last_event_id), None)
        after = False
        for event_id, stream_id, message in self.events:
            if after and stream_id == stream and message is not None:
                await send_callback(type("Event", (), {"event_id": event_id, "message": message})())
            after = after or event_id == last_event_id
        return stream

server = FastMCP("vault-remote", host="127.0.0.1", port=port, sse_path="/events", event_store=MemoryEventStore(),
                 retry_interval=100)

@server.tool()
def whoami(n: int) -> str:
    """n, then a hash of the token the request carried (never the token)."""
    return f"{n} " + hashlib.sha256(open(token_file).read().encode()).hexdigest()

@server.tool()
async def ask(question: str, ctx: Context) -> str:
    """Asks the client's model (a server-to-client request in the middle of this call) and returns its answer."""
    result = await ctx.session.create_message(
        [SamplingMessage(role="user", content=TextContent(type="text", text=question))], max_tokens=10)
    return "asked: " + result.content.text

@server.tool()
async def announce(ctx: Context) -> str:
    """Reports progress three times, then tells the client (outside this call) that the tool list changed."""
    for step in range(3):
        await ctx.report_progress(step + 1, 3)
        await asyncio.sleep(0.05)
    await ctx.session.send_tool_list_changed()
    return "announced"

@server.tool()
async def patient(ctx: Context) -> str:
    """Closes this call's event stream half way (as a server that polls does); the answer comes on the stream the
    client resumes with Last-Event-ID."""
    await ctx.report_progress(1, 2)
    await ctx.close_sse_stream()
    await asyncio.sleep(0.3)
    await ctx.report_progress(2, 2)
    return "patient done"

resumed, peers, cancelled = [], set(), []

@server.tool()
async def slow() -> str:
    """Waits 20 s unless the client cancels the call (notifications/cancelled), which is counted."""
    try:
        await asyncio.sleep(20)
    except asyncio.CancelledError:
        cancelled.append(1)
        raise
    return "slow done"

@server.tool()
def cancellations() -> str:
    """How many calls the client cancelled so far."""
    return str(len(cancelled))

@server.tool()
def connections() -> str:
    """How many TCP connections the requests so far came on (a client that reuses connections opens few)."""
    return str(len(peers))

@server.tool()
def resumptions() -> str:
    """How many requests so far resumed a stream with Last-Event-ID."""
    return str(len(resumed))

class Bearer(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        peers.add((request.client.host, request.client.port))
        if request.method == "GET" and request.headers.get("last-event-id"):
            resumed.append(request.headers["last-event-id"])
        token = open(token_file).read()
        if request.headers.get("authorization") != "Bearer " + token and request.query_params.get("api_key") != token:
            # Echoes what it was sent, as careless servers do: the bridge must not pass a key on to the client.
            sent = request.headers.get("authorization", "") + " " + request.url.query
            return JSONResponse({"error": "invalid_token", "sent": sent}, status_code=401)
        failing = token_file + ".fail"
        if request.method == "POST" and os.path.exists(failing) and b'"tools/call"' in await request.body():
            status, count = map(int, open(failing).read().split())
            if count > 1: open(failing, "w").write(f"{status} {count - 1}")
            else: os.remove(failing)
            return JSONResponse({"error": "unavailable"}, status_code=status)
        return await call_next(request)

app = server.sse_app() if transport == "sse" else server.streamable_http_app()
app.add_middleware(Bearer)
tls = {"ssl_certfile": sys.argv[4], "ssl_keyfile": sys.argv[5]} if len(sys.argv) > 5 else {}
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", **tls)
