"""Runs `vault mcp login URL --no-browser` and plays the browser: reads the authorization URL vault prints on stderr
and follows it with an HTTP client (the authorization server consents at once and redirects to vault's loopback
callback). Prints {"status": vault's exit status, "stderr": what it printed, "page": what the callback answered}.

Usage: oauth_login.py VAULT URL [EXTRA_ARGS…]
"""
import json, subprocess, sys, urllib.request

vault, url = sys.argv[1], sys.argv[2]
login = subprocess.Popen([vault, "mcp", "login", url, "--no-browser", *sys.argv[3:]], stderr=subprocess.PIPE, text=True)
lines, page = [], None
for line in login.stderr:
    lines.append(line)
    if line.startswith("http") and "code_challenge=" in line:
        with urllib.request.urlopen(line.strip(), timeout=30) as answer:
            page = answer.read().decode()
status = login.wait(timeout=60)
print(json.dumps({"status": status, "stderr": "".join(lines), "page": page}))
