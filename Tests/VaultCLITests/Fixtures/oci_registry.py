"""A small OCI distribution registry on loopback (plain HTTP) serving one busybox-static image, so a container
engine can really pull without the network. Every request path is appended to LOG.

Usage: oci_registry.py NAME LOG   Prints the port it listens on, then serves until killed.
The image NAME:latest has /bin/busybox and the applets sh, printf, sha256sum; its CMD is `sh`.
"""
import gzip, hashlib, http.server, io, json, os, sys, tarfile

def digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()

def layer():
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        tar.add("/bin/busybox", arcname="bin/busybox")
        for applet in ("sh", "printf", "sha256sum"):
            link = tarfile.TarInfo("bin/" + applet)
            link.type, link.linkname = tarfile.SYMTYPE, "busybox"
            tar.addfile(link)
    return raw.getvalue(), gzip.compress(raw.getvalue(), mtime=0)

def main():
    name, log = sys.argv[1], sys.argv[2]
    uncompressed, compressed = layer()
    config = json.dumps({
        "architecture": "amd64", "os": "linux",
        "config": {"Cmd": ["sh"]},
        "rootfs": {"type": "layers", "diff_ids": [digest(uncompressed)]},
    }).encode()
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": digest(config), "size": len(config)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": digest(compressed), "size": len(compressed)}],
    }).encode()
    blobs = {digest(config): config, digest(compressed): compressed}
    manifests = {"latest": manifest, digest(manifest): manifest}

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args): pass
        def answer(self, body, kind, extra=None):
            with open(log, "a") as out: out.write(f"{self.command} {self.path}\n")
            if body is None:
                self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers(); return
            self.send_response(200)
            self.send_header("Content-Type", kind); self.send_header("Content-Length", str(len(body)))
            self.send_header("Docker-Content-Digest", digest(body))
            self.send_header("Docker-Distribution-Api-Version", "registry/2.0")
            self.end_headers()
            if self.command == "GET": self.wfile.write(body)
        def do_GET(self):
            parts = self.path.split("?")[0].strip("/").split("/")
            if parts == ["v2"]: return self.answer(b"{}", "application/json")
            if len(parts) == 4 and parts[:2] == ["v2", name] and parts[2] == "manifests":
                return self.answer(manifests.get(parts[3]), "application/vnd.oci.image.manifest.v1+json")
            if len(parts) == 4 and parts[:2] == ["v2", name] and parts[2] == "blobs":
                return self.answer(blobs.get(parts[3]), "application/octet-stream")
            self.answer(None, "")
        do_HEAD = do_GET

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()

main()
