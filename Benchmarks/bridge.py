#!/usr/bin/env python3
"""The remote MCP bridge's cost per tool call: the MCP SDK's own streamable-HTTP client calling a FastMCP server on
loopback, against the same client over stdio through `vault mcp connect` (its header rendered from a real agent
for every request). Run with the MCP SDK's Python (Scripts/test makes .build/mcp-venv).

Usage: bridge.py VAULT_BIN     (Benchmarks/run.sh calls it)
"""
import asyncio, os, socket, statistics, subprocess, sys, tempfile, time
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client, get_default_environment
from mcp.client.streamable_http import streamablehttp_client

VAULT = sys.argv[1]
CALLS = int(os.environ.get("BENCH_BRIDGE_CALLS", "300"))
here = os.path.dirname(os.path.abspath(__file__))
server_script = os.path.join(here, "..", "Tests", "VaultCLITests", "Fixtures", "remote_mcp_server.py")
root = tempfile.mkdtemp(prefix="vault-bridge-bench-")
os.chmod(root, 0o700)
token = "bench-" + os.urandom(16).hex()
token_file = os.path.join(root, "token"); open(token_file, "w").write(token)
pass_file = os.path.join(root, "pass"); open(pass_file, "w").write("benchmark passphrase"); os.chmod(pass_file, 0o600)
run_dir = os.path.join(root, "run"); os.makedirs(run_dir, mode=0o700)
env = {"PATH": "/usr/bin:/bin", "HOME": root, "XDG_RUNTIME_DIR": run_dir, "VAULT_NO_KEYRING": "1",
       "VAULT_HOME": os.path.join(root, "vault"), "VAULT_PASSPHRASE_FILE": pass_file, "LANG": "C.UTF-8"}
subprocess.run([VAULT, "init", "--kdf", "interactive", "--no-keyring"], env=env, stdout=subprocess.DEVNULL, check=True)
subprocess.run([VAULT, "add", "svc/token"], env=env, input=token.encode(), stderr=subprocess.DEVNULL, check=True)
agent = subprocess.Popen([VAULT, "agent", "--rotate-every", "0"], env=env, stderr=subprocess.DEVNULL)
while not os.path.exists(os.path.join(run_dir, "vault", "agent.sock")): time.sleep(0.02)
probe = socket.socket(); probe.bind(("127.0.0.1", 0)); port = probe.getsockname()[1]; probe.close()
server = subprocess.Popen([sys.executable, server_script, str(port), token_file], stderr=subprocess.DEVNULL)
for _ in range(200):
    try: socket.create_connection(("127.0.0.1", port), 0.2).close(); break
    except OSError: time.sleep(0.1)
url = f"http://127.0.0.1:{port}/mcp"

async def timed_calls(session):
    await session.initialize()
    for n in range(20): await session.call_tool("whoami", {"n": n})   # warm-up
    samples = []
    for n in range(CALLS):
        start = time.perf_counter()
        await session.call_tool("whoami", {"n": n})
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)

async def direct():
    async with streamablehttp_client(url, headers={"Authorization": "Bearer " + token}) as (read, write, _):
        async with ClientSession(read, write) as session:
            return await timed_calls(session)

async def bridged():
    client_env = {**get_default_environment(), "VAULT_HOME": env["VAULT_HOME"], "XDG_RUNTIME_DIR": run_dir}
    params = StdioServerParameters(
        command=VAULT, args=["mcp", "connect", url, "--header", "Authorization=Bearer {{ vault://svc/token }}"],
        env=client_env)
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            return await timed_calls(session)

try:
    # Alternating rounds, so load on the machine falls on both alike.
    rounds = [(asyncio.run(direct()), asyncio.run(bridged())) for _ in range(3)]
finally:
    server.terminate(); agent.terminate(); server.wait(); agent.wait()
direct_s = statistics.median(r[0] for r in rounds)
bridged_s = statistics.median(r[1] for r in rounds)
added_ms = (bridged_s - direct_s) * 1000
print(f"== remote MCP bridge (median of {CALLS} tool calls, 3 alternating rounds)")
print(f"  SDK client → server over streamable HTTP        {direct_s * 1000:8.2f} ms")
print(f"  SDK client → vault mcp connect → server           {bridged_s * 1000:8.2f} ms   ({added_ms:+.2f} ms)")
print("== goals (remote bridge)")
print(f"  {'met   ' if added_ms <= 1 else 'MISSED'}  the bridge adds ≤ 1 ms per tool call: {added_ms:+.2f} ms", flush=True)
