#!/usr/bin/env python3
"""Generates sealed-envelope-v1.json: known-answer vectors for the sealed-value format (docs/FORMAT.md).

Written from the spec, independently of the Swift code: PyNaCl for XChaCha20-Poly1305 and hashlib's BLAKE2b for
crypto_kdf. Fixed inputs, so the output never changes. Run: pip install pynacl && python3 generate.py > sealed-envelope-v1.json
"""
import hashlib, json, struct
from nacl.bindings import crypto_aead_xchacha20poly1305_ietf_encrypt as seal

FORMAT = 1

def kdf_subkey(master, subkey_id, context):  # libsodium crypto_kdf_derive_from_key (BLAKE2b)
    return hashlib.blake2b(b"", digest_size=32, key=master, salt=struct.pack("<Q", subkey_id) + bytes(8),
                           person=context.ljust(16, b"\0")).digest()

def value_ad(vault_id, name, version):
    return b"vault/value\0" + vault_id + bytes([FORMAT]) + struct.pack(">Q", version) + name.encode()

def keyslot_ad(vault_id, kind):
    return b"vault/keyslot\0" + vault_id + bytes([FORMAT]) + kind.encode()

def envelope(key, nonce, plaintext, ad):
    return bytes([FORMAT]) + nonce + seal(plaintext, ad, nonce, key)

vault_key = bytes(range(32))
vault_id = bytes.fromhex("00112233445566778899aabbccddeeff")
value_key = kdf_subkey(vault_key, 1, b"vaultval")
good, fail = [], []

def value_vector(description, name, version, nonce, plaintext):
    env = envelope(value_key, nonce, plaintext, value_ad(vault_id, name, version))
    v = dict(description=description, kind="value", vault_key=vault_key.hex(), vault_id=vault_id.hex(), name=name,
             version=version, nonce=nonce.hex(), plaintext=plaintext.hex(), envelope=env.hex())
    good.append(v)
    return v

v1 = value_vector("ASCII token", "github/token", 1, bytes([0x24] * 24), b"ghp_0123456789abcdefghijABCDEFGHIJ0123")
value_vector("every byte value", "bin/blob", 7, bytes(range(100, 124)), bytes(range(256)))
value_vector("one byte, large version", "a", 2**40, bytes(24), b"x")

kek = bytes([0xA5] * 32)
env = envelope(kek, bytes([7] * 24), vault_key, keyslot_ad(vault_id, "passphrase"))
good.append(dict(description="vault key in a passphrase keyslot", kind="keyslot", kek=kek.hex(), vault_id=vault_id.hex(),
                 keyslot_kind="passphrase", nonce=(bytes([7] * 24)).hex(), plaintext=vault_key.hex(), envelope=env.hex()))

def mutated(description, expect, **changes):
    v = dict(v1, description=description, expect=expect)
    v.update(changes)
    fail.append(v)

e = bytes.fromhex(v1["envelope"])
def flip(i): b = bytearray(e); b[i] ^= 1; return b.hex()
mutated("format byte changed", "malformed", envelope=flip(0))
mutated("nonce byte flipped", "authentication", envelope=flip(5))
mutated("ciphertext byte flipped", "authentication", envelope=flip(30))
mutated("tag byte flipped", "authentication", envelope=flip(len(e) - 1))
mutated("truncated below the minimum size", "malformed", envelope=e[:40].hex())
mutated("bound to another name", "authentication", name="github/token2")
mutated("bound to another version", "authentication", version=2)
mutated("bound to another vault", "authentication", vault_id="ff" * 16)
mutated("keyslot envelope presented as a value", "authentication", envelope=good[3]["envelope"])

print(json.dumps({"spec": "docs/FORMAT.md, sealed envelope format 1", "good": good, "fail": fail}, indent=2))
