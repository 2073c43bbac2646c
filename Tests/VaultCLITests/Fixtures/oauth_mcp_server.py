"""A remote MCP server behind OAuth 2.1 as the MCP authorization spec describes it, with its authorization server
in the same process (loopback only, for tests):

- /mcp: FastMCP over streamable HTTP; a request without a live access token gets 401 with
  `WWW-Authenticate: Bearer resource_metadata="…"` (RFC 9728).
- /.well-known/oauth-protected-resource/mcp: the protected resource metadata, naming the authorization server
  http://127.0.0.1:PORT/auth (an issuer with a path, so discovery must insert the well-known segment).
- /.well-known/oauth-authorization-server/auth: RFC 8414 metadata.
- /auth/register (RFC 7591, hands out a client secret), /auth/authorize (consents at once: redirects to the
  registered loopback redirect with code and state), /auth/token (authorization_code with PKCE S256 and the
  RFC 8707 resource; refresh_token, rotating the refresh token), /auth/revoke (RFC 7009).
- /control/stats, /control/issued (every token and client secret handed out), /control/lifetime?seconds=N,
  /control/revoke-refresh: what the test reads and changes.

Tokens live LIFETIME seconds (changeable). The server exits when the process that started it does (one server
serves a whole test suite). Usage: oauth_mcp_server.py PORT LIFETIME
"""
import base64, hashlib, os, secrets, sys, threading, time
from urllib.parse import urlencode
import uvicorn
from mcp.server.fastmcp import FastMCP
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route

port, lifetime = int(sys.argv[1]), [float(sys.argv[2])]
parent = os.getppid()

def exit_with_parent():
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)

threading.Thread(target=exit_with_parent, daemon=True).start()
origin = f"http://127.0.0.1:{port}"
resource, issuer = origin + "/mcp", origin + "/auth"
clients, codes, access, refresh, issued = {}, {}, {}, {}, []
stats = {"registrations": 0, "codes": 0, "refreshes": 0, "revocations": 0, "refused": 0}

server = FastMCP("vault-oauth", host="127.0.0.1", port=port)

@server.tool()
def whoami(n: int) -> str:
    """n, then "ok": the caller's token was live."""
    return f"{n} ok"

class Bearer(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if request.url.path.startswith("/mcp") and access.get(token, 0) < time.time():
            stats["refused"] += 1
            metadata = origin + "/.well-known/oauth-protected-resource/mcp"
            return JSONResponse({"error": "invalid_token"}, status_code=401,
                                headers={"WWW-Authenticate": f'Bearer resource_metadata="{metadata}"'})
        return await call_next(request)

def issue():
    token, renewal = "at-" + secrets.token_urlsafe(24), "rt-" + secrets.token_urlsafe(24)
    access[token] = time.time() + lifetime[0]
    issued.extend([token, renewal])
    refresh[renewal] = True
    return {"access_token": token, "token_type": "Bearer", "expires_in": lifetime[0], "refresh_token": renewal}

def error(code, status=400):
    return JSONResponse({"error": code}, status_code=status)

async def protected_resource(request):
    return JSONResponse({"resource": resource, "authorization_servers": [issuer]})

async def authorization_server(request):
    return JSONResponse({
        "issuer": issuer, "authorization_endpoint": issuer + "/authorize", "token_endpoint": issuer + "/token",
        "registration_endpoint": issuer + "/register", "revocation_endpoint": issuer + "/revoke",
        "response_types_supported": ["code"], "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "none"]})

async def register(request):
    body = await request.json()
    client_id, secret = "client-" + secrets.token_hex(8), "cs-" + secrets.token_urlsafe(24)
    clients[client_id] = {"secret": secret, "redirect_uris": body["redirect_uris"]}
    issued.append(secret)
    stats["registrations"] += 1
    return JSONResponse({**body, "client_id": client_id, "client_secret": secret,
                         "token_endpoint_auth_method": "client_secret_post"}, status_code=201)

async def authorize(request):
    query = request.query_params
    client = clients.get(query.get("client_id"))
    if client is None or query.get("redirect_uri") not in client["redirect_uris"]:
        return error("invalid_client")
    if (query.get("response_type") != "code" or query.get("code_challenge_method") != "S256"
            or query.get("resource") != resource or not query.get("state")):
        return error("invalid_request")
    code = secrets.token_urlsafe(16)
    codes[code] = dict(query)
    stats["codes"] += 1
    return RedirectResponse(query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]}))

async def token(request):
    form = await request.form()
    client = clients.get(form.get("client_id"))
    if client is None or form.get("client_secret") != client["secret"]:
        return error("invalid_client", 401)
    if form.get("grant_type") == "authorization_code":
        grant = codes.pop(form.get("code"), None)
        verifier = form.get("code_verifier", "").encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode()
        if (grant is None or grant["code_challenge"] != challenge or grant["redirect_uri"] != form.get("redirect_uri")
                or form.get("resource") != resource):
            return error("invalid_grant")
        return JSONResponse(issue())
    if form.get("grant_type") == "refresh_token":
        if refresh.pop(form.get("refresh_token"), None) is None or form.get("resource") != resource:
            return error("invalid_grant")
        stats["refreshes"] += 1
        return JSONResponse(issue())
    return error("unsupported_grant_type")

async def revoke(request):
    form = await request.form()
    stats["revocations"] += 1
    access.pop(form.get("token"), None)
    refresh.pop(form.get("token"), None)
    return JSONResponse({})

async def control_stats(request):
    return JSONResponse(stats)

async def control_issued(request):
    return JSONResponse(issued)

async def control_lifetime(request):
    lifetime[0] = float(request.query_params["seconds"])
    return JSONResponse({"lifetime": lifetime[0]})

async def control_revoke_refresh(request):
    refresh.clear()
    return JSONResponse({})

app = server.streamable_http_app()
app.router.routes[:0] = [
    Route("/.well-known/oauth-protected-resource/mcp", protected_resource),
    Route("/.well-known/oauth-authorization-server/auth", authorization_server),
    Route("/auth/register", register, methods=["POST"]),
    Route("/auth/authorize", authorize),
    Route("/auth/token", token, methods=["POST"]),
    Route("/auth/revoke", revoke, methods=["POST"]),
    Route("/control/stats", control_stats),
    Route("/control/issued", control_issued),
    Route("/control/lifetime", control_lifetime, methods=["POST"]),
    Route("/control/revoke-refresh", control_revoke_refresh, methods=["POST"]),
]
app.add_middleware(Bearer)
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
