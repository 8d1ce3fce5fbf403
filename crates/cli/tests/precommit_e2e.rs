//! The pre-commit hooks of `.pre-commit-hooks.yaml`, run by the `pre-commit` tool itself
//! (from `CXSCHED_PYTHON`, pinned in tests/oracle/requirements.txt) in a scratch git
//! repository, with the built `cxsched` first on PATH: the manifest is valid; a schedule
//! with a Sunday window into Utah blocks the commit with the finding; a good one (Mondays into Colorado) is
//! committed; an invalid one is stopped by both hooks.

use crate::util::{bin, python, repo, text};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A command in the scratch repository with git isolated from the machine's configuration
/// and the built cxsched first on PATH.
fn command(dir: &Path, program: &str, home: &Path) -> Command {
    let bin_dir = Path::new(bin()).parent().unwrap();
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![bin_dir.to_path_buf()];
    paths.extend(std::env::split_paths(&path));
    let mut c = Command::new(program);
    c.current_dir(dir)
        .env("PATH", std::env::join_paths(paths).unwrap())
        .env("HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", home.join("gitconfig"))
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .env("PRE_COMMIT_HOME", home.join("pre-commit"))
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE");
    c
}

fn run(mut c: Command) -> Output {
    c.output().unwrap()
}

fn ok(o: Output) -> Output {
    assert!(o.status.success(), "{}", text(&o));
    o
}

const ID: &str = "a7e3c9d1-2b4f-4a6e-8c0d-1f3e5a7b9c2d";

fn schedule(day: &str, state: &str) -> String {
    format!(
        r#"{{"campaignId":"{ID}","timezone":"America/Denver","businessHoursDirective":"STRICT",
"maxConcurrentCalls":5,"timeWindows":[
{{"dayOfWeek":"{day}","startTime":"10:00:00","endTime":"14:00:00"}}],
"compliance":{{"purpose":"telemarketing","recipients":{{"states":["{state}"]}}}}}}
"#
    )
}

struct Scratch {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    home: PathBuf,
}

impl Scratch {
    fn new() -> Scratch {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("repo");
        let home = tmp.path().join("home");
        std::fs::create_dir_all(dir.join("schedules")).unwrap();
        std::fs::create_dir_all(&home).unwrap();
        std::fs::write(home.join("gitconfig"), "").unwrap();
        let s = Scratch {
            _tmp: tmp,
            dir,
            home,
        };
        ok(run(s.git(&["init", "-q", "-b", "main"])));
        // `repo: local` with the hooks exactly as .pre-commit-hooks.yaml defines them.
        let manifest = std::fs::read_to_string(repo(".pre-commit-hooks.yaml")).unwrap();
        let hooks: String = manifest
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| format!("      {l}\n"))
            .collect();
        std::fs::write(
            s.dir.join(".pre-commit-config.yaml"),
            format!("repos:\n  - repo: local\n    hooks:\n{hooks}"),
        )
        .unwrap();
        ok(run(s.pre_commit(&["install"])));
        ok(run(s.git(&["add", ".pre-commit-config.yaml"])));
        ok(run(s.git(&["commit", "-q", "-m", "hooks"])));
        s
    }

    fn git(&self, args: &[&str]) -> Command {
        let mut c = command(&self.dir, "git", &self.home);
        c.args(args);
        c
    }

    fn pre_commit(&self, args: &[&str]) -> Command {
        let mut c = command(&self.dir, &python(), &self.home);
        c.args(["-m", "pre_commit"]).args(args);
        c
    }

    fn commits(&self) -> usize {
        let out = ok(run(self.git(&["rev-list", "--count", "HEAD"])));
        String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
    }

    /// Stages a schedule and tries to commit it.
    fn commit(&self, name: &str, text: &str) -> Output {
        std::fs::write(self.dir.join("schedules").join(name), text).unwrap();
        ok(run(self.git(&["add", "-A"])));
        run(self.git(&["commit", "-m", name]))
    }
}

#[test]
fn the_manifest_is_valid_for_pre_commit() {
    let s = Scratch::new();
    let manifest = repo(".pre-commit-hooks.yaml");
    ok(run(s.pre_commit(&[
        "validate-manifest",
        manifest.to_str().unwrap(),
    ])));
    ok(run(s.pre_commit(&[
        "validate-config",
        ".pre-commit-config.yaml",
    ])));
}

#[test]
fn a_sunday_into_utah_blocks_the_commit_and_a_good_schedule_passes() {
    let s = Scratch::new();
    let before = s.commits();

    let blocked = s.commit("utah.json", &schedule("SUNDAY", "UT"));
    assert!(!blocked.status.success(), "{}", text(&blocked));
    let out = text(&blocked);
    assert!(out.contains("cxsched check"), "{out}");
    assert!(out.contains("Failed"), "{out}");
    assert!(out.contains("schedules/utah.json: FAIL"), "{out}");
    assert!(
        out.contains("PROHIBITED_DAY") && out.contains("US-UT"),
        "{out}"
    );
    assert_eq!(s.commits(), before, "the commit went through: {out}");

    // Mondays into Colorado (federal hours only): legal, and the commit is made.
    let passed = s.commit("utah.json", &schedule("MONDAY", "CO"));
    assert!(passed.status.success(), "{}", text(&passed));
    assert!(text(&passed).contains("Passed"), "{}", text(&passed));
    assert_eq!(s.commits(), before + 1);
}

#[test]
fn an_invalid_schedule_is_stopped_by_both_hooks_and_other_files_are_not_checked() {
    let s = Scratch::new();
    let before = s.commits();
    let bad = schedule("MONDAY", "UT").replace("14:00:00", "25:00:00");
    let blocked = s.commit("bad.json", &bad);
    assert!(!blocked.status.success(), "{}", text(&blocked));
    let out = text(&blocked);
    assert!(out.contains("timeWindows[0].endTime"), "{out}");
    assert!(
        out.matches("Failed").count() >= 2,
        "both hooks should fail: {out}"
    );
    assert_eq!(s.commits(), before);
    ok(run(s.git(&["reset", "-q", "--hard"])));
    ok(run(s.git(&["clean", "-qfd"])));

    // A JSON file outside schedules/ is none of the hooks' business.
    std::fs::write(s.dir.join("package.json"), "{}").unwrap();
    ok(run(s.git(&["add", "package.json"])));
    let out = ok(run(s.git(&["commit", "-m", "other"])));
    assert!(
        text(&out).contains("Skipped") || text(&out).contains("no files"),
        "{}",
        text(&out)
    );
}
