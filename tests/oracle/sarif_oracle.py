"""SARIF oracle: validates SARIF logs against the published SARIF 2.1.0 JSON schema
(sarif-schema-2.1.0.json beside this file) with the `jsonschema` package, formats included.

Usage: sarif_oracle.py FILE...   Prints "ok FILE" per valid log; for an invalid one, every
schema error with its JSON path, and exits 1.
"""

import json
import sys
from pathlib import Path

import jsonschema

SCHEMA = json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text())


def main() -> int:
    validator_class = jsonschema.validators.validator_for(SCHEMA)
    validator_class.check_schema(SCHEMA)
    validator = validator_class(SCHEMA, format_checker=validator_class.FORMAT_CHECKER)
    bad = 0
    for name in sys.argv[1:]:
        log = json.loads(Path(name).read_text())
        errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
        if errors:
            bad += 1
            for e in errors:
                print(f"{name}: {e.json_path}: {e.message}")
        else:
            print(f"ok {name}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
