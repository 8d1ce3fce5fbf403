//! The human `check` report, pinned with `insta`: it leads with what to do per window
//! (whom it breaks, on which dates, the fix), then the detailed findings. Piped, so no
//! colour; `NO_COLOR` is honoured too.

use std::path::Path;

fn check(dir: &Path, args: &[&str]) -> String {
    let out = crate::util::cxsched(dir)
        .arg("check")
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\x1b'), "no colour when piped");
    text
}

#[test]
fn two_shifts_report_leads_with_the_fix() {
    let text = check(
        &crate::util::repo(""),
        &["examples/two-shifts.toml", "--from", "2027-01-04"],
    );
    let lead = text.find("what to do").unwrap();
    assert!(lead < text.find("errors (").unwrap());
    insta::assert_snapshot!("check_two_shifts", text);
}

#[test]
fn florida_and_texas_report_leads_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let doc = serde_json::json!({
        "campaignId": crate::util::CAMPAIGN,
        "timezone": "America/New_York",
        "businessHoursDirective": "STRICT",
        "maxConcurrentCalls": 5,
        "timeWindows": [
            {"dayOfWeek": "MONDAY", "startTime": "08:00:00", "endTime": "20:30:00"},
            {"dayOfWeek": "SATURDAY", "startTime": "09:00:00", "endTime": "13:00:00"},
            {"dayOfWeek": "SUNDAY", "startTime": "10:00:00", "endTime": "14:00:00"},
        ],
        "compliance": {"recipients": {"states": ["FL", "TX"]}},
    });
    std::fs::write(dir.path().join("fl-tx.json"), doc.to_string()).unwrap();
    let text = check(
        dir.path(),
        &["fl-tx.json", "--from", "2027-06-28", "--horizon-days", "42"],
    );
    insta::assert_snapshot!("check_florida_texas", text);

    // NO_COLOR gives the same text.
    let out = crate::util::cxsched(dir.path())
        .args([
            "check",
            "fl-tx.json",
            "--from",
            "2027-06-28",
            "--horizon-days",
            "42",
        ])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), text);
}

/// On a terminal (a pseudo-terminal from util-linux `script`), the lead is coloured, unless
/// `NO_COLOR` is set.
#[test]
fn colour_only_on_a_terminal_and_not_with_no_color() {
    let on_tty = |no_color: bool| -> Option<String> {
        let command = format!(
            "'{}' check examples/two-shifts.toml --from 2027-01-04",
            crate::util::bin()
        );
        let mut c = std::process::Command::new("script");
        c.args(["-qec", &command, "/dev/null"])
            .current_dir(crate::util::repo(""));
        if no_color {
            c.env("NO_COLOR", "1");
        } else {
            c.env_remove("NO_COLOR");
        }
        let out = c.output().ok()?;
        out.status.code()?;
        Some(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let Some(coloured) = on_tty(false) else {
        eprintln!("no `script` here: the terminal case is not exercised");
        return;
    };
    assert!(
        coloured.contains("\x1b[1mwhat to do\x1b[0m"),
        "{coloured:?}"
    );
    assert!(
        coloured.contains("\x1b[33mmove the start to 10:00:00\x1b[0m"),
        "{coloured:?}"
    );
    let plain = on_tty(true).unwrap();
    assert!(plain.contains("what to do"), "{plain:?}");
    assert!(!plain.contains('\x1b'), "{plain:?}");
}
