//! Reading the campaigns an emulator knows at start: generated ones, or ids (and schedules)
//! from schedule documents (JSON, TOML, YAML), JSON Lines files, or plain files of ids.
//!
//! A document that is valid gives its campaign a starting schedule; one that is not still
//! gives its `campaignId` (when that is a UUID) with an empty schedule, so a folder of
//! examples with deliberately broken documents can be served as it is.

use std::path::{Path, PathBuf};

use cxsched_core::validate::{Profile, validate_value};
use cxsched_core::{Format, parse_document};
use rand::RngCore;
use serde_json::Value;
use uuid::Uuid;

use crate::config::CampaignSource;
use crate::error::EmulatorError;

/// One campaign as loaded: its id, the schedule id a document gave, and the starting
/// schedule (wire fields without `campaignId`/`scheduleId`), if any.
#[derive(Clone, Debug, PartialEq)]
pub struct Seeded {
    pub id: Uuid,
    pub schedule_id: Option<Uuid>,
    pub schedule: Option<Value>,
}

/// What loading found: the campaigns, and notes about documents that gave no schedule.
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    pub campaigns: Vec<Seeded>,
    pub notes: Vec<String>,
}

/// Loads the campaigns of `source`.
///
/// # Errors
/// A path that cannot be read, or a plain id file with a line that is not a UUID.
pub fn load(source: &CampaignSource, rng: &mut impl RngCore) -> Result<Loaded, EmulatorError> {
    let mut out = Loaded::default();
    match source {
        CampaignSource::None => {}
        CampaignSource::Count(n) => {
            for _ in 0..*n {
                let mut bytes = [0u8; 16];
                rng.fill_bytes(&mut bytes);
                let id = uuid::Builder::from_random_bytes(bytes).into_uuid();
                out.campaigns.push(Seeded {
                    id,
                    schedule_id: None,
                    schedule: None,
                });
            }
        }
        CampaignSource::Documents(docs) => {
            for (i, doc) in docs.iter().enumerate() {
                out.take_value(doc, &format!("document {i}"));
            }
        }
        CampaignSource::Path(path) => {
            if path.is_dir() {
                for file in files_under(path)? {
                    out.take_file(&file)?;
                }
            } else if path.exists() {
                out.take_file(path)?;
            } else {
                return Err(EmulatorError::file(
                    path,
                    "no such file or folder; give a count, a file of ids, or a file or folder of \
                     schedule documents",
                ));
            }
        }
    }
    // One campaign per id: a later document replaces an earlier one.
    let mut seen = std::collections::HashMap::new();
    let mut unique: Vec<Seeded> = Vec::with_capacity(out.campaigns.len());
    for c in out.campaigns.drain(..) {
        match seen.get(&c.id) {
            Some(&i) => unique[i] = c,
            None => {
                seen.insert(c.id, unique.len());
                unique.push(c);
            }
        }
    }
    out.campaigns = unique;
    Ok(out)
}

/// The wire fields a stored schedule keeps (ids are the server's).
pub fn stored_schedule(schedule: &cxsched_core::Schedule) -> Value {
    let mut wire = schedule.to_wire();
    if let Value::Object(obj) = &mut wire {
        obj.remove("campaignId");
        obj.remove("scheduleId");
    }
    wire
}

pub(crate) fn files_under(dir: &Path) -> Result<Vec<PathBuf>, EmulatorError> {
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| EmulatorError::file(dir, format!("cannot read the folder: {e}")))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            out.extend(files_under(&p)?);
        } else if matches!(
            extension(&p).as_deref(),
            Some("json" | "jsonl" | "toml" | "yaml" | "yml")
        ) {
            out.push(p);
        }
    }
    Ok(out)
}

pub(crate) fn extension(p: &Path) -> Option<String> {
    p.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
}

impl Loaded {
    fn take_file(&mut self, path: &Path) -> Result<(), EmulatorError> {
        // A document file over the limit is refused by its size, before it is read (a JSON
        // Lines file may hold many documents: each line is held to the limit instead).
        let limit = cxsched_core::validate::MAX_DOCUMENT_BYTES;
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        if extension(path).as_deref() != Some("jsonl") && size > limit as u64 {
            self.notes.push(format!(
                "{}: skipped, {size} bytes is more than the limit of {limit} bytes (1 MiB) for \
                 a document",
                path.display()
            ));
            return Ok(());
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| EmulatorError::file(path, format!("cannot read: {e}")))?;
        let name = path.display().to_string();
        match extension(path).as_deref() {
            Some("jsonl") => {
                for (i, line) in text.lines().enumerate() {
                    if line.trim().is_empty() {
                        continue;
                    }
                    // Read as `validate --jsonl` reads a line: a key written twice (which
                    // `serde_json` alone would take as its last value) makes it invalid.
                    let v = cxsched_core::validate::parse_json_document(line);
                    self.take_validation(v, &format!("{name}:{}", i + 1));
                }
            }
            Some(ext) if Format::from_extension(ext).is_some() => {
                let format = Format::from_extension(ext).unwrap_or(Format::Json);
                let v = parse_document(&text, format);
                self.take_validation(v, &name);
            }
            _ => self.take_id_lines(path, &text)?,
        }
        Ok(())
    }

    fn take_id_lines(&mut self, path: &Path, text: &str) -> Result<(), EmulatorError> {
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let id = Uuid::try_parse(line)
                .ok()
                .filter(|id| !id.is_nil())
                .ok_or_else(|| {
                    EmulatorError::file(
                        path,
                        format!(
                            "line {}: expected a campaign id (a UUID) per line, found {line:?}",
                            i + 1
                        ),
                    )
                })?;
            self.campaigns.push(Seeded {
                id,
                schedule_id: None,
                schedule: None,
            });
        }
        Ok(())
    }

    fn take_value(&mut self, v: &Value, source: &str) {
        self.take_validation(validate_value(v, Profile::Document), source);
    }

    fn take_validation(&mut self, v: cxsched_core::Validation, source: &str) {
        if let Some(s) = &v.schedule {
            self.campaigns.push(Seeded {
                id: s.campaign_id,
                schedule_id: s.schedule_id,
                schedule: Some(stored_schedule(s)),
            });
            return;
        }
        match v
            .campaign_id
            .as_deref()
            .and_then(|s| Uuid::try_parse(s).ok())
            .filter(|id| !id.is_nil())
        {
            Some(id) => {
                self.campaigns.push(Seeded {
                    id,
                    schedule_id: None,
                    schedule: None,
                });
                self.notes.push(format!(
                    "{source}: campaign {id} starts with an empty schedule (the document is invalid)"
                ));
            }
            None => self
                .notes
                .push(format!("{source}: skipped, no usable campaignId")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document or JSON Lines line with a key written twice gives no schedule (which value
    /// was meant is not known), as `validate` would refuse it.
    #[test]
    fn documents_with_a_key_written_twice_give_no_schedule() {
        let id = "3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab";
        let doc = format!(
            r#"{{"campaignId":"{id}","timezone":"UTC","businessHoursDirective":"STRICT","maxConcurrentCalls":10,"timeWindows":[{{"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"17:00:00","endTime":"23:30:00"}}]}}"#
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.json"), &doc).unwrap();
        std::fs::write(dir.path().join("b.jsonl"), format!("{doc}\n")).unwrap();
        for file in ["a.json", "b.jsonl"] {
            let source = CampaignSource::Path(dir.path().join(file));
            let loaded = load(&source, &mut rand::rng()).unwrap();
            assert_eq!(loaded.campaigns.len(), 1, "{file}");
            assert_eq!(loaded.campaigns[0].id.to_string(), id);
            assert_eq!(loaded.campaigns[0].schedule, None, "{file}");
            assert!(loaded.notes[0].contains("invalid"), "{:?}", loaded.notes);
        }
    }
}
