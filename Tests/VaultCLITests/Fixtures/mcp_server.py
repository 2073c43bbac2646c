"""A small MCP server for the end-to-end test: reports a hash of its injected TOKEN, or echoes it."""
import hashlib, os
from mcp.server.fastmcp import FastMCP

server = FastMCP("vault-test")

@server.tool()
def token_hash() -> str:
    """SHA-256 of the TOKEN this server was started with."""
    return hashlib.sha256(os.environ.get("TOKEN", "").encode()).hexdigest()

@server.tool()
def echo_token() -> str:
    """Returns TOKEN itself (a misbehaving server, for the redaction test)."""
    return "the token is " + os.environ.get("TOKEN", "")

if __name__ == "__main__":
    server.run()
