"""An MCP server that queries PostgreSQL with DATABASE_URL (libpq through ctypes, a new connection per call, so a
retired credential fails the call). Its tool answers n, the role it connected as, a hash of the URI and its pid."""
import ctypes, hashlib, os
from mcp.server.fastmcp import FastMCP

pq = ctypes.CDLL("libpq.so.5")
pq.PQconnectdb.restype = ctypes.c_void_p
pq.PQconnectdb.argtypes = [ctypes.c_char_p]
pq.PQstatus.argtypes = [ctypes.c_void_p]
pq.PQexec.restype = ctypes.c_void_p
pq.PQexec.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
pq.PQresultStatus.argtypes = [ctypes.c_void_p]
pq.PQgetvalue.restype = ctypes.c_char_p
pq.PQgetvalue.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
pq.PQclear.argtypes = [ctypes.c_void_p]
pq.PQfinish.argtypes = [ctypes.c_void_p]

server = FastMCP("vault-supervised-postgres")
url = os.environ.get("DATABASE_URL", "")

@server.tool()
def echo_key_hash(n: int) -> str:
    """n, the role the query ran as, the SHA-256 of DATABASE_URL and this server's pid."""
    connection = pq.PQconnectdb(url.encode())
    try:
        if pq.PQstatus(connection) != 0:
            raise RuntimeError("cannot connect")
        result = pq.PQexec(connection, b"SELECT current_user")
        if pq.PQresultStatus(result) != 2:
            raise RuntimeError("the query failed")
        role = pq.PQgetvalue(result, 0, 0).decode()
        pq.PQclear(result)
    finally:
        pq.PQfinish(connection)
    return f"{n} {hashlib.sha256(url.encode()).hexdigest()} {os.getpid()} {role}"

if __name__ == "__main__":
    server.run()
