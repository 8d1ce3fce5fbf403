//! The command-line surface, pinned: `--help` of the binary and of every command, as
//! `insta` snapshots (`crates/cli/tests/snapshots/`). A change to a flag, a default or a
//! description shows up here for review (`cargo insta review`, or `INSTA_UPDATE=always`).

fn help(args: &[&str]) -> String {
    let out = crate::util::command()
        .args(args)
        .arg("--help")
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{args:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn help_of_every_command() {
    for command in [
        &[][..],
        &["validate"],
        &["check"],
        &["report"],
        &["fix"],
        &["when"],
        &["expand"],
        &["calendar"],
        &["get"],
        &["plan"],
        &["apply"],
        &["export"],
        &["audit", "verify"],
        &["rules"],
        &["rules", "lint"],
        &["rules", "holidays"],
        &["webhooks", "flush"],
        &["webhooks", "status"],
        &["emulator"],
        &["demo"],
        &["completions"],
        &["man"],
    ] {
        let name = if command.is_empty() {
            "cxsched".to_owned()
        } else {
            command.join("_")
        };
        insta::assert_snapshot!(name, help(command));
    }
}
