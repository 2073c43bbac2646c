"""Runs `vault mcp login URL --no-browser` and plays the browser: reads the authorization URL vault prints on stderr
and follows it with an HTTP client (the authorization server consents at once and redirects to vault's loopback
callback). With --paste it plays a browser that cannot reach vault's 127.0.0.1: it stops at the redirect and
pastes the address into vault's stdin (after one line that is not an address).
Prints {"status": vault's exit status, "stderr": what it printed, "page": what the callback answered}.

Usage: oauth_login.py VAULT URL [--paste]
"""
import json, subprocess, sys, urllib.error, urllib.request

vault, url = sys.argv[1], sys.argv[2]
paste = "--paste" in sys.argv[3:]
login = subprocess.Popen([vault, "mcp", "login", url, "--no-browser"], stdin=subprocess.PIPE if paste else None,
                         stderr=subprocess.PIPE, text=True)

class StopAtRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *arguments, **options):
        return None

lines, page = [], None
for line in login.stderr:
    lines.append(line)
    if not (line.startswith("http") and "code_challenge=" in line):
        continue
    if not paste:
        with urllib.request.urlopen(line.strip(), timeout=30) as answer:
            page = answer.read().decode()
        continue
    try:
        urllib.request.build_opener(StopAtRedirect).open(line.strip(), timeout=30)
    except urllib.error.HTTPError as redirect:
        login.stdin.write("hello\n" + redirect.headers["Location"] + "\n")
        login.stdin.flush()
status = login.wait(timeout=60)
print(json.dumps({"status": status, "stderr": "".join(lines), "page": page}))
