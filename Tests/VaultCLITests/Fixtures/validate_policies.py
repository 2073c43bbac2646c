"""Validates every YAML file under a directory against Policies/schema.json (jsonschema + PyYAML)."""
import glob, json, os, sys
import jsonschema, yaml
root = sys.argv[1]
schema = json.load(open(os.path.join(root, "schema.json")))
files = sorted(glob.glob(os.path.join(root, "**", "*.yaml"), recursive=True))
for path in files:
    jsonschema.validate(yaml.safe_load(open(path)), schema)
print(len(files))
