"""Validates JSON (or JSON Lines with --lines) from stdin against a JSON Schema file. Prints 'ok N' or the first
error. Usage: validate_json.py SCHEMA [--lines]"""
import json, sys
from jsonschema import Draft202012Validator

schema = json.load(open(sys.argv[1]))
text = sys.stdin.read()
documents = [json.loads(line) for line in text.splitlines() if line.strip()] if "--lines" in sys.argv else [json.loads(text)]
validator = Draft202012Validator(schema)
for document in documents:
    errors = sorted(validator.iter_errors(document), key=lambda e: e.path)
    if errors:
        print("invalid: " + errors[0].message + " at " + "/".join(map(str, errors[0].absolute_path)))
        sys.exit(1)
print("ok", len(documents))
