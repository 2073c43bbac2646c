"""Reports what a child of `vault run` sees, without printing any value: variable names, SHA-256 of each
VAULT_TEST_* requested variable (or of the file / descriptor behind VAR_FILE / VAR_FD), and its own argv."""
import hashlib, json, os, sys

def digest(data):
    return hashlib.sha256(data).hexdigest()

report = {"env": sorted(os.environ), "hashes": {}, "cmdline": open("/proc/self/cmdline", "rb").read().decode(errors="replace")}
for name in sys.argv[1:]:
    if name in os.environ:
        report["hashes"][name] = digest(os.environ[name].encode())
    elif name + "_FILE" in os.environ:
        path = os.environ[name + "_FILE"]
        report["hashes"][name] = digest(open(path, "rb").read())
        report["file_mode"] = oct(os.stat(path).st_mode & 0o777)
        report["dir_mode"] = oct(os.stat(os.path.dirname(path)).st_mode & 0o777)
        report["path"] = path
    elif name + "_FD" in os.environ:
        report["hashes"][name] = digest(os.read(int(os.environ[name + "_FD"]), 65536))
print(json.dumps(report))
