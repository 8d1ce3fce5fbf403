//! Cross-checks the embedded area-code table with the `phonenumbers` Python package
//! (`tests/oracle/area_codes_oracle.py`): for every US area code, our zones are a superset
//! of every zone it gives, and our state matches its geocoder. The interpreter is
//! `$CXSCHED_PYTHON` (with `tests/oracle/requirements.txt` installed); without it this test
//! fails rather than skips.

use std::path::Path;
use std::process::Command;

#[test]
fn area_code_table_agrees_with_phonenumbers() {
    let python = std::env::var("CXSCHED_PYTHON").unwrap_or_else(|_| {
        panic!(
            "CXSCHED_PYTHON is not set: point it at a Python with tests/oracle/requirements.txt \
             installed (for example .venv/bin/python after .ci/run)"
        )
    });
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = crate_dir.join("../..");
    let out = Command::new(&python)
        .arg(root.join("tests/oracle/area_codes_oracle.py"))
        .arg(crate_dir.join("data/area_codes.tsv"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run CXSCHED_PYTHON={python}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the oracle disagrees:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains(", 0 disagreements"), "{stdout}");
}
