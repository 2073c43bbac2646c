"""Starts wrapped MCP server entries exactly as MCP clients do, then calls a tool through the official SDK.

Run inside a private mount namespace whose /run is a fresh tmpfs (the test does `unshare -m`), so that
/run/user/UID is this test's alone. MODE `agent`: a `vault agent` started with no XDG_RUNTIME_DIR listens at
/run/user/UID/vault/agent.sock. MODE `keyring`: no agent; a dbus-daemon at /run/user/UID/bus with gnome-keyring
holds the vault's keyring key. Either way each entry is launched with the SDK's default environment (only HOME
LOGNAME PATH SHELL TERM USER) plus the entry's `env`: no XDG_RUNTIME_DIR, DBUS_SESSION_BUS_ADDRESS or passphrase.

Usage: client_launch.py MODE VAULT CONFIG_LIST_JSON   (CONFIG_LIST_JSON: [[client, path, table, server], ...])
Prints {"client": "sha256 of the TOKEN the server saw", ...} as JSON.
"""
import asyncio, json, os, re, signal, subprocess, sys, time
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client, get_default_environment

def strip_jsonc(text):
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while text[j] != '"': j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1]); i = j + 1
        elif text.startswith("//", i): i = text.find("\n", i) if "\n" in text[i:] else n
        elif text.startswith("/*", i): i = text.index("*/", i) + 2
        else: out.append(c); i += 1
    return re.sub(r",(\s*[}\]])", r"\1", "".join(out))

def entry(path, table, server):
    """The entry as {command, args, env, cwd}, read the way its client reads its file."""
    text = open(path).read()
    if path.endswith(".toml"):
        import tomllib
        return tomllib.loads(text)[table][server]
    if path.endswith(".yaml"):
        import yaml
        goose = yaml.safe_load(text)[table][server]
        return {"command": goose["cmd"], "args": goose.get("args", []), "env": goose.get("envs", {})}
    return json.loads(strip_jsonc(text))[table][server]

async def call(server):
    env = {**get_default_environment(), **server.get("env", {})}
    params = StdioServerParameters(command=server["command"], args=server.get("args", []), env=env, cwd=server.get("cwd"))
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await asyncio.wait_for(session.initialize(), 30)
            result = await asyncio.wait_for(session.call_tool("token_hash", {}), 30)
            return result.content[0].text

def wait_for(path, seconds=30):
    deadline = time.time() + seconds
    while not os.path.exists(path):
        if time.time() > deadline: raise SystemExit(f"{path} never appeared")
        time.sleep(0.05)

def main():
    mode, vault, configs = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    runtime = f"/run/user/{os.getuid()}"
    os.makedirs(runtime, mode=0o700)
    os.chmod(runtime, 0o700)
    base = {k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR" and k != "DBUS_SESSION_BUS_ADDRESS"}
    helpers = []
    keyring_pid = None
    try:
        if mode == "agent":
            helpers.append(subprocess.Popen([vault, "agent", "--rotate-every", "0"], env=base, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            wait_for(runtime + "/vault/agent.sock")
        else:
            bus = "unix:path=" + runtime + "/bus"
            helpers.append(subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--address=" + bus], env=base, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            wait_for(runtime + "/bus")
            keyring_env = {**base, "DBUS_SESSION_BUS_ADDRESS": bus}
            subprocess.run(["sh", "-c", "printf %s login | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null"], env=keyring_env, check=True)
            for _ in range(200):
                owner = subprocess.run(["dbus-send", "--session", "--dest=org.freedesktop.DBus", "--print-reply", "/org/freedesktop/DBus",
                                        "org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.secrets"], env=keyring_env, capture_output=True, text=True)
                if "boolean true" in owner.stdout: break
                time.sleep(0.05)
            # This run's daemon only: other tests run their own keyrings on their own buses at the same time.
            owner_pid = subprocess.run(["dbus-send", "--session", "--dest=org.freedesktop.DBus", "--print-reply", "/org/freedesktop/DBus",
                                        "org.freedesktop.DBus.GetConnectionUnixProcessID", "string:org.freedesktop.secrets"],
                                       env=keyring_env, capture_output=True, text=True)
            keyring_pid = re.search(r"uint32 (\d+)", owner_pid.stdout)
            if keyring_pid is None: raise SystemExit("gnome-keyring-daemon did not take org.freedesktop.secrets: " + owner_pid.stderr)
            keyring_pid = int(keyring_pid.group(1))
            enable = subprocess.run([vault, "keyring", "enable"], env=keyring_env, capture_output=True, text=True)
            if enable.returncode != 0: raise SystemExit("keyring enable failed: " + enable.stderr)
        # What a client has: no passphrase source, no runtime directory, no bus address.
        for name in ("VAULT_PASSPHRASE_FILE", "VAULT_NO_KEYRING"): os.environ.pop(name, None)
        for name in ("XDG_RUNTIME_DIR", "DBUS_SESSION_BUS_ADDRESS"): os.environ.pop(name, None)
        seen = {}
        for client, path, table, server in configs:
            try:
                seen[client] = asyncio.run(call(entry(path, table, server)))
            except Exception as error:
                seen[client] = "failed: " + type(error).__name__
        print(json.dumps(seen))
    finally:
        for helper in helpers: helper.terminate()
        if keyring_pid is not None:
            try: os.kill(keyring_pid, signal.SIGTERM)
            except ProcessLookupError: pass

main()
