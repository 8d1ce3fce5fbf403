//! The invalid-document corpus (`tests/corpus/invalid/`), run through the real `cxsched`
//! binary: every document must be refused with exit status 1 and report, at the expected field
//! paths, errors whose messages say what was expected and what was found. Documents under
//! `accepted/` sit at the edge of the rules and must pass (exit 0), with their warnings.
//! The sidecar format (`NAME.EXT.expect`) is described in `tests/corpus/invalid/README.md`.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::command as cxsched;

const MIN_INVALID: usize = 60;

fn corpus_dir() -> PathBuf {
    crate::util::repo("tests/corpus/invalid")
}

/// One expected issue: `error PATH: FRAGMENT` or `warning PATH: FRAGMENT`.
#[derive(Debug)]
struct Expected {
    kind: &'static str,
    path: String,
    fragment: String,
}

/// What a sidecar says about its document.
#[derive(Debug)]
struct Case {
    document: PathBuf,
    expected: Vec<Expected>,
    error_count: Option<usize>,
}

impl Case {
    fn invalid(&self) -> bool {
        self.expected.iter().any(|e| e.kind == "errors")
    }
}

fn parse_sidecar(document: PathBuf, text: &str) -> Case {
    let mut case = Case {
        document,
        expected: Vec::new(),
        error_count: None,
    };
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
        let where_ = format!("{}.expect line {}", case.document.display(), n + 1);
        match word {
            "errors" => {
                case.error_count = Some(
                    rest.parse()
                        .unwrap_or_else(|_| panic!("{where_}: bad count")),
                )
            }
            "error" | "warning" => {
                let (path, fragment) = rest
                    .split_once(": ")
                    .unwrap_or_else(|| panic!("{where_}: expected `{word} PATH: FRAGMENT`"));
                let path = if path == "(document)" { "" } else { path };
                case.expected.push(Expected {
                    kind: if word == "error" {
                        "errors"
                    } else {
                        "warnings"
                    },
                    path: path.to_owned(),
                    fragment: fragment.to_owned(),
                });
            }
            other => panic!("{where_}: unknown directive {other:?}"),
        }
    }
    case
}

/// Every document of the corpus (recursively, sorted) with its sidecar.
fn cases() -> Vec<Case> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("json" | "toml" | "yaml" | "yml")
            ) {
                out.push(p);
            }
        }
    }
    let mut docs = Vec::new();
    walk(&corpus_dir(), &mut docs);
    docs.into_iter()
        .map(|doc| {
            let sidecar = PathBuf::from(format!("{}.expect", doc.display()));
            let text = std::fs::read_to_string(&sidecar).unwrap_or_else(|e| {
                panic!("{}: every document needs a sidecar: {e}", sidecar.display())
            });
            parse_sidecar(doc, &text)
        })
        .collect()
}

/// Runs `cxsched validate --output json FILE` and returns (exit status, the report).
fn validate(doc: &Path) -> (i32, Value) {
    let out = cxsched()
        .args(["validate", "--output", "json"])
        .arg(doc)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.is_empty(),
        "{}: unexpected stderr: {stderr}",
        doc.display()
    );
    let report: Value = serde_json::from_str(stdout.trim_end()).unwrap_or_else(|e| {
        panic!(
            "{}: output is not one JSON object ({e}): {stdout}",
            doc.display()
        )
    });
    (out.status.code().unwrap_or(-1), report)
}

/// Problems with one case, as sentences (empty when the binary did what the sidecar says).
fn check_case(case: &Case) -> Vec<String> {
    let (code, report) = validate(&case.document);
    let name = case
        .document
        .strip_prefix(corpus_dir())
        .unwrap_or(&case.document)
        .display()
        .to_string();
    let mut problems = Vec::new();
    let invalid = case.invalid();
    let want_code = if invalid { 1 } else { 0 };
    if code != want_code {
        problems.push(format!("{name}: exit status {code}, expected {want_code}"));
    }
    if report["valid"] != Value::Bool(!invalid) {
        problems.push(format!(
            "{name}: \"valid\" is {}, expected {}",
            report["valid"], !invalid
        ));
    }
    if report["file"].as_str() != Some(&case.document.display().to_string()) {
        problems.push(format!("{name}: \"file\" is {}", report["file"]));
    }
    let errors = report["errors"].as_array().cloned().unwrap_or_default();
    for issue in errors
        .iter()
        .chain(report["warnings"].as_array().into_iter().flatten())
    {
        let message = issue["message"].as_str().unwrap_or("");
        if message.len() < 10 {
            problems.push(format!(
                "{name}: an issue without a useful message: {issue}"
            ));
        }
    }
    for e in &case.expected {
        let issues = report[e.kind].as_array().cloned().unwrap_or_default();
        let hit = issues.iter().any(|i| {
            i["path"].as_str() == Some(e.path.as_str())
                && i["message"]
                    .as_str()
                    .is_some_and(|m| m.contains(&e.fragment))
        });
        if !hit {
            problems.push(format!(
                "{name}: no {} at path {:?} containing {:?}; got {}",
                &e.kind[..e.kind.len() - 1],
                e.path,
                e.fragment,
                report[e.kind]
            ));
        }
    }
    let want_count = case.error_count.or((!invalid).then_some(0));
    if let Some(n) = want_count {
        if errors.len() != n {
            problems.push(format!(
                "{name}: {} errors, expected {n}: {}",
                errors.len(),
                report["errors"]
            ));
        }
    }
    problems
}

#[test]
fn corpus_has_at_least_60_invalid_documents_in_every_format() {
    let cases = cases();
    let invalid: Vec<&Case> = cases.iter().filter(|c| c.invalid()).collect();
    assert!(
        invalid.len() >= MIN_INVALID,
        "only {} invalid documents",
        invalid.len()
    );
    for ext in ["json", "toml", "yaml"] {
        let n = invalid
            .iter()
            .filter(|c| c.document.extension().and_then(|e| e.to_str()) == Some(ext))
            .count();
        assert!(n >= 10, "only {n} invalid .{ext} documents");
    }
    assert!(cases.iter().any(|c| !c.invalid()), "no accepted documents");
}

#[test]
fn every_invalid_document_is_refused_with_its_expected_errors() {
    let problems: Vec<String> = cases()
        .iter()
        .filter(|c| c.invalid())
        .flat_map(check_case)
        .collect();
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn accepted_documents_pass_with_their_warnings() {
    let problems: Vec<String> = cases()
        .iter()
        .filter(|c| !c.invalid())
        .flat_map(check_case)
        .collect();
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn a_folder_is_validated_file_by_file_in_one_run() {
    let dir = corpus_dir().join("yaml");
    let out = cxsched()
        .args(["validate", "--output", "json"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let reports: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let expected = cases()
        .iter()
        .filter(|c| c.document.starts_with(&dir))
        .count();
    assert_eq!(reports.len(), expected);
    assert!(reports.iter().all(|r| r["valid"] == Value::Bool(false)));
}

#[test]
fn human_output_names_the_file_the_path_and_the_fix() {
    let doc = corpus_dir().join("json/windows-overlap.json");
    let out = cxsched()
        .args(["validate", "--output", "human"])
        .arg(&doc)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(&format!("{}: invalid\n", doc.display())),
        "{text}"
    );
    assert!(
        text.contains("error: timeWindows[1]: MONDAY 11:00:00–17:00:00 overlaps timeWindows[0]"),
        "{text}"
    );
    assert!(text.contains("merge them or move one"), "{text}");
}

#[test]
fn jsonl_verdicts_equal_file_verdicts() {
    // The JSON documents of the corpus as one JSON Lines file: `--jsonl` must give each line
    // the same errors as validating the file alone.
    let docs: Vec<Case> = cases()
        .into_iter()
        .filter(|c| c.document.extension().and_then(|e| e.to_str()) == Some("json"))
        .filter_map(|c| {
            let text = std::fs::read_to_string(&c.document).unwrap();
            serde_json::from_str::<Value>(&text).ok().map(|_| c)
        })
        .collect();
    let mut lines = String::new();
    for c in &docs {
        let v: Value =
            serde_json::from_str(&std::fs::read_to_string(&c.document).unwrap()).unwrap();
        lines.push_str(&v.to_string());
        lines.push('\n');
    }
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("corpus.jsonl");
    std::fs::write(&path, lines).unwrap();
    let out = cxsched()
        .args(["validate", "--output", "json", "--jsonl"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let reports: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(reports.len(), docs.len());
    for (n, (case, report)) in docs.iter().zip(&reports).enumerate() {
        assert_eq!(report["line"], Value::from(n + 1));
        let (_, alone) = validate(&case.document);
        assert_eq!(
            report["errors"],
            alone["errors"],
            "{}",
            case.document.display()
        );
        assert_eq!(
            report["warnings"],
            alone["warnings"],
            "{}",
            case.document.display()
        );
    }
}
