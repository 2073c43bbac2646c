#!/usr/bin/env python3
"""A second client of the vault agent, written from docs/PROTOCOL.md alone.

Usage: agent_client.py SOCKET OP [JSON-MEMBERS]   — prints the response JSON of OP (after hello) on stdout.
"""
import json, socket, struct, sys

def call(sock, message):
    body = json.dumps(message).encode()
    sock.sendall(struct.pack(">I", len(body)) + body)
    header = sock.recv(4, socket.MSG_WAITALL)
    if len(header) < 4:
        raise SystemExit("connection closed")
    (length,) = struct.unpack(">I", header)
    return json.loads(sock.recv(length, socket.MSG_WAITALL))

sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sock.connect(sys.argv[1])
hello = call(sock, {"id": 1, "op": "hello", "version": 1})
if not hello.get("ok"):
    print(json.dumps(hello)); sys.exit(3)
members = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
print(json.dumps(call(sock, dict({"id": 2, "op": sys.argv[2]}, **members))))
