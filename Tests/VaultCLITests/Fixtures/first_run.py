"""Runs Scripts/first-run on a real pseudo-terminal as a new user would, answering each passphrase prompt; prints
how many prompts there were and what the script printed. Usage: first_run.py SCRIPT VAULT PASSPHRASE"""
import json, os, pty, select, sys, time

script, vault, passphrase = sys.argv[1:4]
pid, master = pty.fork()
if pid == 0:
    os.chdir(os.path.dirname(os.path.dirname(script)))
    os.execv("/bin/bash", ["/bin/bash", script, vault])
output, prompts, answered, deadline = b"", 0, 0, time.time() + 120
while time.time() < deadline:
    ready, _, _ = select.select([master], [], [], 0.5)
    if not ready:
        if os.waitpid(pid, os.WNOHANG)[0] == pid: break
        continue
    try:
        chunk = os.read(master, 4096)
    except OSError:
        break
    if not chunk: break
    output += chunk
    # A prompt asks for the passphrase and waits: the output so far ends with "passphrase:" (and a space).
    if output.lower().count(b"passphrase") > prompts and output.lower().rstrip().endswith(b"passphrase:"):
        prompts = output.lower().count(b"passphrase")
        answered += 1
        os.write(master, passphrase.encode() + b"\n")
try:
    _, status = os.waitpid(pid, 0)
except ChildProcessError:
    status = 0
text = output.decode(errors="replace")
print(json.dumps({"prompts": answered, "status": status, "output": text}))
