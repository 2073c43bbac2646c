"""Three vaults rotate team secrets on a real 3-node OpenBao Raft cluster while its leader is killed and restarted.

Usage: raft_rotations.py BAO VAULT WORKDIR ROTATIONS
Starts three `bao server` processes with integrated storage on 127.0.0.1, initialises and unseals them, makes
three vaults (one per node, as three machines would), each with the cluster as remote `team`, then runs
ROTATIONS `vault rotate team/sN --from-file -` between them from three threads. A third of the way in, the leader
is killed; it is restarted and unsealed a few seconds later. Each vault has its agent, and pulls after a
conflict, as its user would. Afterwards every confirmed write must be in OpenBao
(one of the secret's versions), and every vault must hold the newest values after `vault pull`.
Prints {"confirmed", "failed", "lost", "converged", "leader_killed", "failures_by_status"} as JSON. Never a value.
"""
import hashlib, json, os, random, secrets, socket, subprocess, sys, threading, time, urllib.request

BAO, VAULT, WORK, ROTATIONS = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
os.makedirs(WORK, mode=0o700, exist_ok=True)
NAMES = [f"s{i}" for i in range(5)]

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close(); return port

api = [free_port() for _ in range(3)]
cluster = [free_port() for _ in range(3)]
servers = [None, None, None]

def config(i):
    joins = "".join(f'  retry_join {{ leader_api_addr = "http://127.0.0.1:{api[j]}" }}\n' for j in range(3) if j != i)
    path = os.path.join(WORK, f"n{i}")
    os.makedirs(path, exist_ok=True)
    text = (f'storage "raft" {{\n  path = "{path}"\n  node_id = "n{i}"\n{joins}}}\n'
            f'listener "tcp" {{\n  address = "127.0.0.1:{api[i]}"\n  cluster_address = "127.0.0.1:{cluster[i]}"\n'
            f'  tls_disable = true\n}}\napi_addr = "http://127.0.0.1:{api[i]}"\n'
            f'cluster_addr = "https://127.0.0.1:{cluster[i]}"\ndisable_mlock = true\n')
    file = os.path.join(WORK, f"n{i}.hcl")
    open(file, "w").write(text)
    return file

def start(i):
    log = open(os.path.join(WORK, f"n{i}.log"), "ab")
    servers[i] = subprocess.Popen([BAO, "server", f"-config={config(i)}"], stdout=log, stderr=log)

def call(i, method, path, token=None, body=None, timeout=5):
    request = urllib.request.Request(f"http://127.0.0.1:{api[i]}/v1/{path}", method=method,
                                     data=json.dumps(body).encode() if body is not None else None)
    if token: request.add_header("X-Vault-Token", token)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            text = answer.read()
            return answer.status, json.loads(text) if text else {}
    except urllib.error.HTTPError as error:
        return error.code, {}
    except Exception:
        return 0, {}

def wait(condition, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition(): return True
        time.sleep(0.2)
    return False

def unseal(i, key):
    """Unseals node i, again until it says so: a follower that has not joined yet can drop the key it was given."""
    wait(lambda: call(i, "GET", "sys/seal-status")[0] == 200)
    def unsealed():
        status, body = call(i, "GET", "sys/seal-status")
        return status == 200 and body.get("sealed") is False
    for _ in range(12):
        call(i, "PUT", "sys/unseal", body={"key": key})
        if wait(unsealed, 10): return
    sys.exit(f"node {i} stayed sealed")

for i in range(3): start(i)
wait(lambda: call(0, "GET", "sys/seal-status")[0] == 200)
status, init = call(0, "PUT", "sys/init", body={"secret_shares": 1, "secret_threshold": 1}, timeout=90)
if "keys_base64" not in init: sys.exit(f"bao init failed: status {status}")
key, root = init["keys_base64"][0], init["root_token"]
unseal(0, key)
wait(lambda: call(0, "GET", "sys/leader")[1].get("is_self") is True)
for i in (1, 2):
    time.sleep(2)
    unseal(i, key)
def voters():
    peers = call(0, "GET", "sys/storage/raft/configuration", root)[1].get("data", {}).get("config", {}).get("servers", [])
    return len([p for p in peers if p.get("voter")]) == 3
wait(voters, 90)
call(0, "POST", "sys/mounts/secret", root, {"type": "kv", "options": {"version": "2"}})
wait(lambda: call(0, "POST", "secret/config", root, {"max_versions": 10000})[0] in (200, 204))
for name in NAMES:
    wait(lambda: call(0, "POST", f"secret/data/team/{name}", root, {"data": {"value": "v0-" + name}})[0] == 200)

# Every node must serve the KV mount (a standby answers 400 while the primary upgrades it to KV v2).
for i in range(3):
    if not wait(lambda: call(i, "LIST", "secret/metadata/team", root)[0] == 200, 120):
        sys.exit(f"node {i} does not serve the KV mount")

homes, agents = [], []
for i in range(3):
    home = os.path.join(WORK, f"vault{i}")
    os.makedirs(os.path.join(home, "run"), mode=0o700, exist_ok=True)
    passphrase = os.path.join(home, "pass")
    open(passphrase, "w").write("raft test passphrase"); os.chmod(passphrase, 0o600)
    env = {"PATH": "/usr/bin:/bin", "HOME": home, "VAULT_HOME": os.path.join(home, "data"), "LANG": "C.UTF-8",
           "XDG_RUNTIME_DIR": os.path.join(home, "run"), "VAULT_PASSPHRASE_FILE": passphrase, "VAULT_NO_KEYRING": "1"}
    subprocess.run([VAULT, "init", "--kdf", "interactive"], env=env, capture_output=True, check=True)
    added = subprocess.run([VAULT, "remote", "add", "team", "--openbao", f"http://127.0.0.1:{api[i]}", "--prefix", "team"],
                           env=env, input=root.encode(), capture_output=True)
    if added.returncode != 0: sys.exit("remote add failed: " + added.stderr.decode()[:300])
    # Each machine runs its agent; commands go through it (no key derivation per command).
    agents.append(subprocess.Popen([VAULT, "agent", "--rotate-every", "0", "--pull-every", "0"], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    wait(lambda: os.path.exists(os.path.join(home, "run", "vault", "agent.sock")))
    homes.append(dict(env, VAULT_PASSPHRASE_FILE=""))

confirmed, failed, statuses, reasons = [], 0, {}, []
lock = threading.Lock()
done = [0]

def worker(index, count):
    global failed
    for _ in range(count):
        name = random.choice(NAMES)
        value = secrets.token_hex(16)
        result = subprocess.run([VAULT, "rotate", f"team/{name}", "--from-file", "-"], env=homes[index],
                                input=value.encode(), capture_output=True)
        with lock:
            done[0] += 1
            if result.returncode == 0:
                confirmed.append((name, hashlib.sha256(value.encode()).hexdigest()))
            else:
                failed += 1
                statuses[result.returncode] = statuses.get(result.returncode, 0) + 1
                reasons.append(f"{index} {time.time():.1f} " + result.stderr.decode()[:160])
        if result.returncode == 6:  # another machine wrote first: this one pulls, as its user would
            subprocess.run([VAULT, "pull"], env=homes[index], capture_output=True)
        elif result.returncode != 0:  # the cluster is electing a leader: wait a little, as a script would
            time.sleep(0.5)

def leader():
    for i in range(3):
        status, body = call(i, "GET", "sys/leader")
        if status == 200 and body.get("is_self"): return i
    return None

threads = [threading.Thread(target=worker, args=(i, ROTATIONS // 3 + (1 if i < ROTATIONS % 3 else 0))) for i in range(3)]
for thread in threads: thread.start()
wait(lambda: done[0] >= ROTATIONS // 3, 600)
killed = leader()
if killed is not None:
    servers[killed].kill(); servers[killed].wait()
    time.sleep(4)
    start(killed)
    unseal(killed, key)
for thread in threads: thread.join()

# Every confirmed write is one of its secret's versions in OpenBao.
wait(lambda: leader() is not None, 60)
stored = set()
for name in NAMES:
    status, meta = call(leader(), "GET", f"secret/metadata/team/{name}", root)
    for version in range(1, meta.get("data", {}).get("current_version", 0) + 1):
        status, body = call(leader(), "GET", f"secret/data/team/{name}?version={version}", root)
        value = ((body.get("data") or {}).get("data") or {}).get("value")
        if value is not None: stored.add((name, hashlib.sha256(value.encode()).hexdigest()))
lost = len([entry for entry in confirmed if entry not in stored])

converged = True
for env in homes:
    subprocess.run([VAULT, "pull"], env=env, capture_output=True)
    for name in NAMES:
        mine = subprocess.run([VAULT, "get", f"team/{name}"], env=env, capture_output=True).stdout
        body = call(leader(), "GET", f"secret/data/team/{name}", root)[1]
        newest = ((body.get("data") or {}).get("data") or {}).get("value", "")
        if mine.decode() != newest: converged = False

open(os.path.join(WORK, "failures.log"), "w").write("\n".join(reasons))
for process in servers + agents:
    if process: process.kill()
print(json.dumps({"confirmed": len(confirmed), "failed": failed, "lost": lost, "converged": converged,
                  "leader_killed": killed is not None, "failures_by_status": statuses}))
