#!/usr/bin/env python3
"""A command rotator speaking docs/ROTATION.md, for the tests. argv[1] is a control directory:
  steps.log        one line per step run: "<secret> <step>"   (never a value)
  fail-at          if it holds a step name, that step answers ok=false
  kill-at          if it holds a step name, the rotator SIGKILLs itself at that step
  sleep-at         if it holds a step name, the rotator sleeps 30 s at that step (the test kills vault meanwhile)
  pause-at         if it holds a step name, the rotator sleeps 1 s at that step (the test stops the agent meanwhile)
  issuer/<secret>  the value the 'issuer' accepted (set writes it; test compares it with pending)
"""
import json, os, signal, sys, time
control = sys.argv[1]
request = json.loads(sys.stdin.read())
step, secret = request["step"], request["secret"]
def flag(name):
    try: return open(os.path.join(control, name)).read().strip()
    except FileNotFoundError: return ""
with open(os.path.join(control, "steps.log"), "a") as log: log.write(f"{secret} {step}\n")
if flag("kill-at") == step: os.kill(os.getpid(), signal.SIGKILL)
if flag("sleep-at") == step: time.sleep(30)
if flag("pause-at") == step: time.sleep(1)
if flag("fail-at") == step:
    print(json.dumps({"ok": False, "error": f"{step} refused by the test"})); sys.exit(0)
issuer = os.path.join(control, "issuer", secret.replace("/", "_"))
if step == "create":
    print(json.dumps({"ok": True, "pending": "issued-" + os.urandom(8).hex()}))
elif step == "set":
    os.makedirs(os.path.dirname(issuer), exist_ok=True); open(issuer, "w").write(request["pending"])
    print(json.dumps({"ok": True}))
elif step == "test":
    print(json.dumps({"ok": open(issuer).read() == request["pending"]}))
else:
    print(json.dumps({"ok": True}))
