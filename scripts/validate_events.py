#!/usr/bin/env python3
"""Validate JSON documents against one of the event schemas (JSON Schema 2020-12).

    validate_events.py SCHEMA [FILE]      one JSON document per line of FILE (default stdin)
    validate_events.py --examples SCHEMA  the schema's own `examples`

Prints a JSON summary on stdout: {"schema": ..., "valid": N, "invalid": [{"line": N, "errors": [...]}]}
(for --examples, "line" is the example's index). Exit status: 0 when every document is valid,
1 when one is not, 2 when the schema or the input cannot be read. Blank lines are skipped.
Used by the tests (Tests/UploadWorkerTests/Support/SchemaValidator.swift) and handy by hand:
    kcat -C -b 127.0.0.1:9092 -t image-upload-results -e | scripts/validate_events.py schemas/upload-result.v1.schema.json
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("validate_events.py: the Python package 'jsonschema' is missing (pip install jsonschema)", file=sys.stderr)
    sys.exit(2)


def main(argv):
    examples = False
    if argv and argv[0] == "--examples":
        examples = True
        argv = argv[1:]
    if not argv or len(argv) > 2 or (examples and len(argv) != 1):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(argv[0], encoding="utf-8") as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
    except (OSError, ValueError, jsonschema.exceptions.SchemaError) as e:
        print(f"validate_events.py: cannot use schema {argv[0]}: {e}", file=sys.stderr)
        return 2
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)

    if examples:
        documents = list(enumerate(schema.get("examples", [])))
        if not documents:
            print(f"validate_events.py: schema {argv[0]} has no examples", file=sys.stderr)
            return 2
    else:
        try:
            stream = open(argv[1], encoding="utf-8") if len(argv) == 2 else sys.stdin
            lines = stream.read().split("\n")
        except (OSError, UnicodeDecodeError) as e:
            print(f"validate_events.py: cannot read input: {e}", file=sys.stderr)
            return 2
        documents = []
        for number, line in enumerate(lines, start=1):
            if line.strip():
                documents.append((number, line))

    valid = 0
    invalid = []
    for where, document in documents:
        if isinstance(document, str):
            try:
                document = json.loads(document)
            except ValueError as e:
                invalid.append({"line": where, "errors": [f"not JSON: {e}"]})
                continue
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        if errors:
            invalid.append({"line": where, "errors": [
                f"{'/' + '/'.join(str(p) for p in e.absolute_path) if e.absolute_path else '(root)'}: {e.message}"
                for e in errors]})
        else:
            valid += 1
    json.dump({"schema": schema.get("$id", argv[0]), "valid": valid, "invalid": invalid}, sys.stdout)
    sys.stdout.write("\n")
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
