//! `cxsched completions SHELL` and `cxsched man` through the real binary: the bash script
//! loads without error and completes commands and flags; the other shells' scripts name every
//! command (and pass the shell's own syntax check when that shell is installed); the man page
//! is well-formed roff naming every command and renders with `man -l` (when `man` is
//! installed: Debian's `man-db`).

use std::path::Path;
use std::process::Command;

use crate::util::{run as cxsched, success as stdout};

const COMMANDS: &[&str] = &[
    "validate",
    "check",
    "expand",
    "calendar",
    "when",
    "get",
    "plan",
    "apply",
    "export",
    "audit",
    "webhooks",
    "emulator",
    "demo",
    "completions",
    "man",
];

fn on_path(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// What bash completes for the words of a command line (the last one being completed).
fn bash_complete(script: &Path, words: &[&str]) -> Vec<String> {
    let words_list = words
        .iter()
        .map(|w| format!("'{w}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let cword = words.len() - 1;
    let cur = words[cword];
    let prev = if cword > 0 { words[cword - 1] } else { "" };
    let program = format!(
        "set -u; source '{}' || exit 9; COMP_WORDS=({words_list}); COMP_CWORD={cword}; \
         COMP_LINE='{}'; COMP_POINT=${{#COMP_LINE}}; _cxsched cxsched '{cur}' '{prev}'; \
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        words.join(" ")
    );
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .output()
        .unwrap();
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "bash failed ({:?}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_loads_the_script_and_completes_commands_and_flags() {
    let tmp = tempfile::tempdir().unwrap();
    let script = tmp.path().join("cxsched.bash");
    std::fs::write(&script, stdout(&cxsched(&["completions", "bash"]))).unwrap();

    // Loading alone prints nothing and fails nothing, and registers the completion.
    let out = Command::new("bash")
        .args([
            "--norc",
            "--noprofile",
            "-c",
            &format!("source '{}' && complete -p cxsched", script.display()),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("_cxsched"));

    assert_eq!(bash_complete(&script, &["cxsched", "va"]), ["validate"]);
    let all = bash_complete(&script, &["cxsched", ""]);
    for c in COMMANDS {
        assert!(all.iter().any(|w| w == c), "{c} missing from {all:?}");
    }
    assert_eq!(
        bash_complete(&script, &["cxsched", "plan", "--detailed"]),
        ["--detailed-exitcode"]
    );
    assert_eq!(
        bash_complete(&script, &["cxsched", "audit", "ve"]),
        ["verify"]
    );
    let shells = bash_complete(&script, &["cxsched", "completions", ""]);
    for s in ["bash", "zsh", "fish", "powershell"] {
        assert!(shells.iter().any(|w| w == s), "{s} missing from {shells:?}");
    }
}

#[test]
fn zsh_fish_and_powershell_scripts_name_every_command() {
    for (shell, checker) in [
        ("zsh", Some(("zsh", "-n"))),
        ("fish", Some(("fish", "--no-execute"))),
        ("powershell", None),
        ("elvish", None),
    ] {
        let script = stdout(&cxsched(&["completions", shell]));
        for c in COMMANDS {
            assert!(script.contains(c), "{shell}: {c} missing");
        }
        assert!(script.contains("detailed-exitcode"), "{shell}");
        if let Some((program, flag)) = checker {
            if on_path(program) {
                let tmp = tempfile::NamedTempFile::new().unwrap();
                std::fs::write(tmp.path(), &script).unwrap();
                let out = Command::new(program)
                    .arg(flag)
                    .arg(tmp.path())
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "{program} {flag}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            } else {
                eprintln!("{program} is not installed: its syntax check of the script is skipped");
            }
        }
    }
    let out = cxsched(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
}

/// Asserts the roff structure of a page: the title line, the sections, every command.
fn assert_roff(page: &str) {
    assert!(page.contains(".TH cxsched 1"), "{page}");
    for section in [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH DESCRIPTION",
        ".SH OPTIONS",
        ".SH SUBCOMMANDS",
        ".SH VERSION",
    ] {
        assert!(page.contains(section), "{section} missing:\n{page}");
    }
    for c in COMMANDS {
        assert!(
            page.contains(&format!("cxsched\\-{c}(1)")),
            "{c} missing:\n{page}"
        );
    }
}

/// Renders a page with `man -l` as plain text, or `None` when `man` is not installed.
fn man_render(page: &Path) -> Option<String> {
    if !on_path("man") {
        eprintln!(
            "man is not installed (Debian: apt-get install man-db): rendering with `man -l` \
             is skipped; the roff structure is still checked"
        );
        return None;
    }
    let out = Command::new("man")
        .arg("-l")
        .arg(page)
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .env("MANWIDTH", "100")
        .env("MAN_KEEP_FORMATTING", "")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "man -l failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let warnings = String::from_utf8_lossy(&out.stderr);
    assert!(!warnings.contains("warning"), "man -l warned: {warnings}");
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn the_man_page_is_roff_and_renders_with_man() {
    let page = stdout(&cxsched(&["man"]));
    assert_roff(&page);
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("cxsched.1");
    std::fs::write(&file, &page).unwrap();
    if let Some(text) = man_render(&file) {
        for heading in ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "SUBCOMMANDS"] {
            assert!(text.contains(heading), "{heading} missing:\n{text}");
        }
        assert!(
            text.contains("Build, validate, check and activate"),
            "{text}"
        );
        // Rendered text has no roff requests left in it.
        assert!(!text.lines().any(|l| l.starts_with(".SH")), "{text}");
    }
}

#[test]
fn man_out_writes_a_page_per_command() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("man1");
    let out = cxsched(&["man", "--out", dir.to_str().unwrap()]);
    stdout(&out);
    let top = std::fs::read_to_string(dir.join("cxsched.1")).unwrap();
    assert_roff(&top);
    for name in [
        "cxsched-plan.1",
        "cxsched-check.1",
        "cxsched-audit-verify.1",
        "cxsched-man.1",
    ] {
        let page =
            std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(page.starts_with(".ie") || page.contains(".TH"), "{name}");
    }
    let plan = std::fs::read_to_string(dir.join("cxsched-plan.1")).unwrap();
    assert!(plan.contains("detailed\\-exitcode"), "{plan}");
    if let Some(text) = man_render(&dir.join("cxsched-plan.1")) {
        assert!(text.contains("--detailed-exitcode"), "{text}");
    }
}
