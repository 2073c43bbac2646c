"""A remote MCP server (streamable HTTP, the MCP SDK's FastMCP on uvicorn) that wants `Authorization: Bearer T`,
T being the content of TOKEN_FILE, read again for every request (so a test can rotate it).

Usage: remote_mcp_server.py PORT TOKEN_FILE
"""
import hashlib, sys
import uvicorn
from mcp.server.fastmcp import FastMCP
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import JSONResponse

port, token_file = int(sys.argv[1]), sys.argv[2]
server = FastMCP("vault-remote", host="127.0.0.1", port=port)

@server.tool()
def whoami(n: int) -> str:
    """n, then a hash of the token the request carried (never the token)."""
    return f"{n} " + hashlib.sha256(open(token_file).read().encode()).hexdigest()

class Bearer(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        expected = "Bearer " + open(token_file).read()
        if request.headers.get("authorization") != expected:
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        return await call_next(request)

app = server.streamable_http_app()
app.add_middleware(Bearer)
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
