"""Runs `vault mcp doctor`, `wrap`, a second `wrap` and `unwrap` on every config of the corpus and checks each
step against the manifest (which values are secrets), with an independent JSONC reader.

Usage: config_corpus.py VAULT CORPUS_DIR WORK_DIR   (VAULT_HOME, VAULT_PASSPHRASE_FILE come from the environment)
Prints one JSON object: {"files", "found", "expected", "true_positives", "false_positives", "missed", "problems"}.
"""
import difflib, json, os, re, subprocess, sys, tomllib
import yaml

class Reader:
    """A JSON-with-comments reader that records where each value sits (a second implementation, not vault's)."""
    def __init__(self, text):
        self.t, self.i = text, 0
    def space(self):
        t = self.t
        while self.i < len(t):
            if t[self.i] in " \t\r\n": self.i += 1
            elif t.startswith("//", self.i): self.i = t.find("\n", self.i) if "\n" in t[self.i:] else len(t)
            elif t.startswith("/*", self.i): self.i = t.index("*/", self.i) + 2
            else: break
    def value(self):
        self.space(); start, c = self.i, self.t[self.i]
        if c == "{":
            self.i += 1; members = []
            while True:
                self.space()
                if self.t[self.i] == "}": self.i += 1; return ("object", members, start, self.i)
                key = self.value()
                self.space(); assert self.t[self.i] == ":", f"expected ':' at {self.i}"; self.i += 1
                members.append((json.loads(self.t[key[2]:key[3]]), self.value()))
                self.space()
                if self.t[self.i] == ",": self.i += 1
        if c == "[":
            self.i += 1; items = []
            while True:
                self.space()
                if self.t[self.i] == "]": self.i += 1; return ("array", items, start, self.i)
                items.append(self.value()); self.space()
                if self.t[self.i] == ",": self.i += 1
        if c == '"':
            self.i += 1
            while self.t[self.i] != '"': self.i += 2 if self.t[self.i] == "\\" else 1
            self.i += 1; return ("string", json.loads(self.t[start:self.i]), start, self.i)
        while self.i < len(self.t) and self.t[self.i] not in ",}] \t\r\n": self.i += 1
        return ("scalar", self.t[start:self.i], start, self.i)

def parse(text):
    reader = Reader(text); root = reader.value(); reader.space()
    assert reader.i == len(text), "text after the end"
    return root

def member(node, key):
    found = [v for k, v in node[1] if k == key] if node[0] == "object" else []
    return found[-1] if found else None

def servers(root, client):
    table = {"vscode": "servers", "zed": "context_servers"}.get(client, "mcpServers")
    found = {}
    for k, v in root[1]:
        if k == table:
            for name, entry in v[1]: found[name] = entry
        if k == "projects" and client == "claude-code":
            for directory, project in v[1]:
                for name, entry in (member(project, "mcpServers") or ("object", [], 0, 0))[1]:
                    found[f"projects.{directory}.mcpServers.{name}"] = entry
    return found

def value_at(root, client, server, location):
    if server == "-":
        _, ident, _ = location.split(".", 2)
        for item in member(root, "inputs")[1]:
            if member(item, "id")[1] == ident: return member(item, "default")[1]
    entry = servers(root, client)[server]
    if location.startswith("command."):
        # Zed's older form: the launch is an object `"command": {"path", "args", "env"}`.
        entry, location = member(entry, "command"), location[len("command."):]
    if location.startswith("args["): return member(entry, "args")[1][int(location[5:-1])][1]
    head, _, key = location.partition(".")
    return member(member(entry, head), key)[1] if key else member(entry, head)[1]

class Plain:
    """Codex's TOML and Goose's YAML, read by Python's own tomllib and PyYAML; server spans found by their lines."""
    def __init__(self, client, text):
        self.client, self.text = client, text
        self.data = tomllib.loads(text) if client == "codex" else yaml.safe_load(text)
        self.table = self.data.get("mcp_servers" if client == "codex" else "extensions") or {}
        self.command, self.env = ("command", "env") if client == "codex" else ("cmd", "envs")
    def value(self, server, location):
        if location.startswith("args["): return self.table[server]["args"][int(location[5:-1])]
        head, _, key = location.partition(".")
        return self.table[server][head][key]
    def command_of(self, server):
        return str(self.table[server].get(self.command, ""))
    def rewritten(self):
        return {name for name, entry in self.table.items() if str(entry.get(self.command, "")).endswith("/vault")}
    def span(self, name):
        lines = self.text.splitlines(True)
        offsets = [sum(len(l) for l in lines[:i]) for i in range(len(lines) + 1)]
        if self.client == "codex":
            start = next(i for i, l in enumerate(lines) if l.strip() == f"[mcp_servers.{name}]")
            end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("[") and not lines[i].startswith(f"[mcp_servers.{name}.")), len(lines))
        else:
            start = next(i for i, l in enumerate(lines) if l.rstrip() == f"  {name}:")
            end = next((i for i in range(start + 1, len(lines)) if lines[i].strip() and len(lines[i]) - len(lines[i].lstrip()) <= 2), len(lines))
        return offsets[start], offsets[end]

def launch_of(entry):
    """The program a JSON entry runs: `command`, or `command.path` in Zed's older form."""
    command = member(entry, "command") or ("", "")
    if command[0] == "object": command = member(command, "path") or ("", "")
    return command[1] if isinstance(command[1], str) else ""

def run(args, env):
    return subprocess.run(args, env=env, capture_output=True, text=True)

def main():
    vault, corpus, work = sys.argv[1:4]
    manifest = json.load(open(os.path.join(corpus, "manifest.json")))
    totals = {"files": 0, "found": 0, "expected": 0, "true_positives": 0, "false_positives": 0, "missed": 0, "problems": []}
    for number, case in enumerate(manifest):
        problems = totals["problems"]
        home = os.path.join(work, f"home-{number}")
        path = os.path.join(home, case["path"])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        original = open(os.path.join(corpus, case["file"]), encoding="utf-8", newline="").read()
        open(path, "w", encoding="utf-8", newline="").write(original)
        env = {k: v for k, v in os.environ.items() if k.startswith("VAULT_") or k in ("PATH", "LANG")}
        env.update(HOME=home, VAULT_POLICIES=os.path.join(home, "policies"))
        client, name = case["client"], case["file"]
        totals["files"] += 1
        doctor = run([vault, "mcp", "doctor", "--json", path], env)
        report = json.loads(doctor.stdout)
        found = {f'{f["server"] or "-"} {f["location"]}' for f in report["findings"]}
        expected = set(case["secrets"])
        clients = {f["client"] for f in report["findings"]}
        if clients - {client}: problems.append(f"{name}: labelled {sorted(clients)}, not {client}")
        if report["problems"]: problems.append(f"{name}: doctor: {report['problems']}")
        totals["found"] += len(found); totals["expected"] += len(expected)
        totals["true_positives"] += len(found & expected); totals["false_positives"] += len(found - expected); totals["missed"] += len(expected - found)
        for extra in sorted(found - expected): problems.append(f"{name}: false positive {extra}")
        for missing in sorted(expected - found): problems.append(f"{name}: missed {missing}")
        plain = client in ("codex", "goose")
        root = Plain(client, original) if plain else parse(original)
        values = {s: root.value(*s.split(" ", 1)) if plain else value_at(root, client, *s.split(" ", 1)) for s in expected}
        wrap = run([vault, "mcp", "wrap", "--client", client, "--config", path], env)
        if wrap.returncode != 0: problems.append(f"{name}: wrap exit {wrap.returncode}: {wrap.stderr.strip().splitlines()[:1]}"); continue
        wrapped = open(path, encoding="utf-8", newline="").read()
        try:
            new_root = Plain(client, wrapped) if plain else parse(wrapped)
        except Exception as error:
            problems.append(f"{name}: the rewritten file does not parse: {type(error).__name__}"); continue
        if plain:
            rewritten = new_root.rewritten()
        else:
            rewritten = {s for s, e in servers(new_root, client).items() if launch_of(e).endswith("/vault")}
        for server in case.get("bridged", []):
            entry = new_root.table.get(server, {}) if plain else servers(new_root, client).get(server)
            args = entry.get("args", []) if plain else [a[1] for a in (member(entry, "args") or ("", []))[1]]
            if server not in rewritten or args[:2] != ["mcp", "connect"]: problems.append(f"{name}: {server} did not become a vault mcp connect bridge")
        def in_container(server):
            command = root.command_of(server) if plain else launch_of(servers(root, client)[server])
            return os.path.basename(command) in ("docker", "podman")
        # Values in env, a container's `-e NAME=value` argument and a bridged server's headers leave the file.
        moved = {}
        for secret, value in values.items():
            server, location = secret.split(" ", 1)
            location = location.removeprefix("command.")
            if server not in rewritten: continue
            if location.split(".")[0] in ("env", "envs"): moved[secret] = value
            elif location.startswith("args[") and "=" in value and in_container(server): moved[secret] = value.split("=", 1)[1]
            # mcp-remote's `--header 'Name: value'`: the entry became a bridge and the token left the file.
            elif location.startswith("args[") and server in case.get("bridged", []): moved[secret] = value.split(":", 1)[1].split()[-1]
            # A remote server's secret header: the entry became a `vault mcp connect` bridge (the token left the file).
            elif location.split(".")[0] in ("headers", "http_headers"): moved[secret] = value.split(" ", 1)[-1]
        backups = [open(os.path.join(os.path.dirname(path), f), encoding="utf-8").read() for f in os.listdir(os.path.dirname(path)) if ".vault-backup-" in f]
        for secret, value in moved.items():
            if value in wrapped or any(value in b for b in backups): problems.append(f"{name}: {secret} still in the file or its backup")
        spans = [root.span(s) for s in rewritten] if plain else [(e[2], e[3]) for s, e in servers(root, client).items() if s in rewritten]
        for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, original, wrapped, autojunk=False).get_opcodes():
            if tag != "equal" and not any(a <= i1 and i2 <= b for a, b in spans):
                problems.append(f"{name}: bytes {i1}..{i2} outside the rewritten entries changed"); break
        again = run([vault, "mcp", "wrap", "--client", client, "--config", path], env)
        if open(path, encoding="utf-8", newline="").read() != wrapped: problems.append(f"{name}: a second wrap changed the file")
        unwrap = run([vault, "mcp", "unwrap", "--client", client, "--config", path], env)
        restored = open(path, encoding="utf-8", newline="").read()
        if rewritten and restored != original:
            # Line numbers only: the lines hold the corpus's tokens, and test output holds no value.
            lines = [n + 1 for n, (a, b) in enumerate(zip(original.splitlines(), restored.splitlines())) if a != b]
            problems.append(f"{name}: unwrap is not the original (exit {unwrap.returncode}; first differing line {lines[:1] or 'past the end'})")
    print(json.dumps(totals))

main()
