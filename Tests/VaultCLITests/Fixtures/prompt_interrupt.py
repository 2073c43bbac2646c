"""Interrupts a passphrase prompt on a real pseudo-terminal: prints whether echo was off at the prompt and
whether it is back on after Ctrl-C. Usage: prompt_interrupt.py VAULT ARGS..."""
import fcntl, json, os, pty, select, subprocess, sys, termios, time

master, slave = pty.openpty()
env = {k: v for k, v in os.environ.items() if k != "VAULT_PASSPHRASE_FILE"}
child = subprocess.Popen(sys.argv[1:], stdin=slave, stdout=slave, stderr=slave, env=env,
                         preexec_fn=lambda: (os.setsid(), fcntl.ioctl(0, termios.TIOCSCTTY, 0)))
seen, deadline = b"", time.time() + 20
while b"passphrase" not in seen.lower() and time.time() < deadline:
    ready, _, _ = select.select([master], [], [], 0.2)
    if ready:
        seen += os.read(master, 1024)
time.sleep(0.2)
echo_at_prompt = bool(termios.tcgetattr(slave)[3] & termios.ECHO)
os.write(master, b"\x03")
status = child.wait(timeout=20)
print(json.dumps({"prompted": b"passphrase" in seen.lower(), "echo_at_prompt": echo_at_prompt,
                  "echo_after": bool(termios.tcgetattr(slave)[3] & termios.ECHO), "status": status}))
