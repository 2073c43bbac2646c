"""An MCP server for the supervised-launch tests: reports a hash of the KEY it was started with, and its pid.

Options: --hold-file PATH  wait to serve while PATH exists (a new server slow to start, holding up a handover)
         --hang-on-exit     ignore SIGTERM and keep running after stdin closes (killed only by SIGKILL)
         --refuse-prefix P  exit with status 1 at start when KEY starts with P (a new key the server rejects)
"""
import asyncio, hashlib, os, signal, sys, time
from mcp.server.fastmcp import FastMCP

server = FastMCP("vault-supervised")

def read_key() -> str:
    """KEY, or in file mode the contents of KEY_FILE (read again on SIGHUP)."""
    path = os.environ.get("KEY_FILE")
    if not path:
        return os.environ.get("KEY", "")
    with open(path) as file:
        return file.read()

key = [read_key()]
signal.signal(signal.SIGHUP, lambda *_: key.__setitem__(0, read_key()))

def digest() -> str:
    return hashlib.sha256(key[0].encode()).hexdigest() + " " + str(os.getpid())

@server.tool()
def key_hash() -> str:
    """SHA-256 of KEY, then this server's pid."""
    return digest()

@server.tool()
def echo_key_hash(n: int) -> str:
    """n, then the SHA-256 of KEY and this server's pid (so each answer shows which request it answers)."""
    return f"{n} {digest()}"

@server.tool()
async def slow_key_hash(seconds: float) -> str:
    """The same, after `seconds` (a call in flight while the key rotates)."""
    await asyncio.sleep(seconds)
    return digest()

def option(name):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else None

if __name__ == "__main__":
    refuse = option("--refuse-prefix")
    if refuse and key[0].startswith(refuse):
        sys.exit(1)
    hold = option("--hold-file")
    deadline = time.time() + 30
    while hold and os.path.exists(hold) and time.time() < deadline:
        time.sleep(0.05)
    if "--hang-on-exit" in sys.argv:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    server.run()
    while "--hang-on-exit" in sys.argv:
        time.sleep(1)
