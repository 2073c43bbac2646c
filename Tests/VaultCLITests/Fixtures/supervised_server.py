"""An MCP server for the supervised-launch test: reports a hash of the KEY it was started with, and its pid."""
import asyncio, hashlib, os
from mcp.server.fastmcp import FastMCP

server = FastMCP("vault-supervised")

def digest() -> str:
    return hashlib.sha256(os.environ.get("KEY", "").encode()).hexdigest() + " " + str(os.getpid())

@server.tool()
def key_hash() -> str:
    """SHA-256 of KEY, then this server's pid."""
    return digest()

@server.tool()
async def slow_key_hash(seconds: float) -> str:
    """The same, after `seconds` (a call in flight while the key rotates)."""
    await asyncio.sleep(seconds)
    return digest()

if __name__ == "__main__":
    server.run()
