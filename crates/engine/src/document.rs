//! Desired documents: what was read from a file (its name, its folder, its validation), and
//! the rule that one campaign is described by one document.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use cxsched_core::{Issue, Validation};

/// One document read from somewhere, validated.
pub struct Document {
    /// Where it came from: a path, `-`, or `path:LINE` for JSON Lines.
    pub source: String,
    /// The folder relative paths in the document (a phone-numbers file) are resolved against.
    pub base_dir: PathBuf,
    pub validation: Validation,
}

/// Makes every document that names a campaign another document also names invalid (which
/// one is meant cannot be guessed), saying which files they are.
///
/// # Example
///
/// ```
/// use cxsched_core::{Format, parse_document};
/// use cxsched_engine::Document;
/// use cxsched_engine::document::reject_duplicate_campaigns;
///
/// let text = r#"{"campaignId":"3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab","timezone":"America/New_York",
///   "businessHoursDirective":"STRICT","maxConcurrentCalls":10,
///   "timeWindows":[{"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"17:00:00"}]}"#;
/// let read = |source: &str| Document {
///     source: source.into(),
///     base_dir: ".".into(),
///     validation: parse_document(text, Format::Json),
/// };
/// let mut docs = [read("a.json"), read("b.json")];
/// assert!(docs[0].validation.is_valid());
///
/// reject_duplicate_campaigns(&mut docs);
/// for d in &docs {
///     assert!(!d.validation.is_valid());
///     assert!(d.validation.errors[0].message.contains("a.json, b.json"));
/// }
/// ```
pub fn reject_duplicate_campaigns(docs: &mut [Document]) {
    let mut seen: HashMap<uuid::Uuid, Vec<usize>> = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        if let Some(s) = &d.validation.schedule {
            seen.entry(s.campaign_id).or_default().push(i);
        }
    }
    for indexes in seen.values().filter(|v| v.len() > 1) {
        let sources: Vec<String> = indexes.iter().map(|&i| docs[i].source.clone()).collect();
        for &i in indexes {
            let v = &mut docs[i].validation;
            v.errors.push(Issue {
                path: "campaignId".into(),
                message: format!(
                    "the same campaign is described by several documents ({}); keep one",
                    sources.join(", ")
                ),
            });
            v.schedule = None;
        }
    }
}

/// Reads a phone-number file a document names in `compliance.recipients.phoneNumbersFile`
/// (relative to the document's folder): its display name and text, as the check service
/// asks for them.
///
/// # Errors
/// A message naming the file, when it cannot be read.
pub fn read_phone_numbers(base_dir: &Path, file: &str) -> Result<(String, String), String> {
    let path = base_dir.join(file);
    std::fs::read_to_string(&path)
        .map(|text| (path.display().to_string(), text))
        .map_err(|e| format!("cannot read the phone numbers file {}: {e}", path.display()))
}

/// The errors of a document in one line each: `path: message`.
pub fn error_lines(v: &Validation) -> String {
    v.errors
        .iter()
        .map(|e| {
            if e.path.is_empty() {
                e.message.clone()
            } else {
                format!("{}: {}", e.path, e.message)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}
