#!/usr/bin/env python3
"""Generates keys-v1.json: known-answer vectors for the recovery key, the audit MAC ratchet and the sealed audit
key (docs/FORMAT.md), written from the spec independently of the Swift code: hashlib's BLAKE2b for every hash and
crypto_kdf, PyNaCl for XChaCha20-Poly1305. Fixed inputs, so the output never changes.
Run: pip install pynacl && python3 generate_keys.py > keys-v1.json
"""
import hashlib, json, struct
from nacl.bindings import crypto_aead_xchacha20poly1305_ietf_encrypt as seal

FORMAT = 1
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

def keyed(key, message):  # crypto_generichash with a key, 32 bytes
    return hashlib.blake2b(message, digest_size=32, key=key).digest()

def kdf_subkey(master, subkey_id, context):  # crypto_kdf_derive_from_key
    return hashlib.blake2b(b"", digest_size=32, key=master, salt=struct.pack("<Q", subkey_id) + bytes(8),
                           person=context.ljust(16, b"\0")).digest()

def recovery_text(key):
    raw = key + hashlib.blake2b(key, digest_size=3).digest()  # a 3-byte BLAKE2b, not a cut 32-byte one
    bits = "".join(f"{byte:08b}" for byte in raw)
    chars = "".join(CROCKFORD[int(bits[i:i + 5], 2)] for i in range(0, len(bits), 5))
    return "-".join(chars[i:i + 8] for i in range(0, len(chars), 8))

recovery_keys = [bytes(range(32)), bytes([0xFF] * 32), bytes(range(200, 232))]
recovery = [dict(key=k.hex(), text=recovery_text(k), checksum=hashlib.blake2b(k, digest_size=3).hexdigest(),
                 kek=keyed(k, b"vault/recovery-kek/v1").hex()) for k in recovery_keys]

first = bytes(range(100, 132))
keys = [first]
for _ in range(9):
    keys.append(keyed(keys[-1], b"vault/audit-ratchet"))
line = b'{"seq":3,"time":"2026-11-30T18:00:00Z","op":"get","secret":"github/token","version":1,"outcome":"ok","pid":42,"uid":1000,"exe":"/usr/bin/vault","prev":"' + b"0" * 64 + b'"'
ratchet = dict(first=first.hex(), keys=[k.hex() for k in keys],
               record=dict(seq=3, line=line.decode(), mac=keyed(keys[2], line + b"}").hex()))

vault_key = bytes(range(32))
vault_id = bytes.fromhex("00112233445566778899aabbccddeeff")
nonce = bytes([9] * 24)
ad = b"vault/audit-key\0" + vault_id + bytes([FORMAT])
sealing = kdf_subkey(vault_key, 2, b"vaultaud")
audit_key = dict(vault_key=vault_key.hex(), vault_id=vault_id.hex(), sealing_key=sealing.hex(), nonce=nonce.hex(),
                 plaintext=first.hex(),
                 envelope=(bytes([FORMAT]) + nonce + seal(first, ad, nonce, sealing)).hex())

print(json.dumps({"spec": "docs/FORMAT.md: recovery key, audit ratchet, audit key",
                  "recovery": recovery, "ratchet": ratchet, "audit_key": audit_key}, indent=2))
