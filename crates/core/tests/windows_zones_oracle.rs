//! Cross-checks the embedded Windows ↔ IANA zone table (`data/windows-zones.tsv`, from CLDR)
//! with independent copies of CLDR's table in the `babel` and `tzlocal` Python packages
//! (`tests/oracle/windows_zones_oracle.py`): the same primary zone for every Windows name, the
//! same Windows name for every zone, no zone missing. The interpreter is `$CXSCHED_PYTHON`
//! (with `tests/oracle/requirements.txt` installed); without it this test fails rather than
//! skips, as every oracle test does.

use std::path::Path;
use std::process::Command;

#[test]
fn windows_zone_table_agrees_with_babel_and_tzlocal() {
    let python = std::env::var("CXSCHED_PYTHON").unwrap_or_else(|_| {
        panic!(
            "CXSCHED_PYTHON is not set: point it at a Python with tests/oracle/requirements.txt \
             installed (for example .venv/bin/python after .ci/run)"
        )
    });
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = crate_dir.join("../..");
    let out = Command::new(&python)
        .arg(root.join("tests/oracle/windows_zones_oracle.py"))
        .arg(crate_dir.join("data/windows-zones.tsv"))
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
