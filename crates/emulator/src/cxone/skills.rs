//! Reading the skills a `cxone` emulator knows at start: generated ids, or the `skillIds`
//! arrays of schedule documents (JSON, JSONL, TOML, YAML — parsed directly, only
//! `skillIds` and `campaignId` are read), or files of ids one a line. A document without
//! `skillIds` is skipped with a note; a file that does not parse, or a `skillIds` that is
//! not a list of positive integers, is an error naming the file (and line).

use std::path::Path;

use rand::Rng;
use serde_json::Value;

use super::config::SkillSource;
use crate::campaigns::{extension, files_under};
use crate::error::EmulatorError;

/// One skill as loaded: its id and the campaign (document) that named it, if any.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SeededSkill {
    pub id: u64,
    pub campaign: Option<String>,
}

/// What loading found.
#[derive(Clone, Debug, Default)]
pub(crate) struct LoadedSkills {
    pub skills: Vec<SeededSkill>,
    pub notes: Vec<String>,
}

/// Loads the skills of `source`; one skill per id (the first document naming it wins).
///
/// # Errors
/// A path that cannot be read or parsed, or a bad `skillIds`.
pub(crate) fn load(
    source: &SkillSource,
    rng: &mut impl Rng,
) -> Result<LoadedSkills, EmulatorError> {
    let mut out = LoadedSkills::default();
    match source {
        SkillSource::None => {}
        SkillSource::Count(n) => {
            let mut seen = std::collections::HashSet::new();
            while out.skills.len() < *n {
                let id = rng.random_range(1_000_000..10_000_000u64);
                if seen.insert(id) {
                    out.skills.push(SeededSkill { id, campaign: None });
                }
            }
            out.skills.sort_by_key(|s| s.id);
        }
        SkillSource::Ids(ids) => {
            for &id in ids {
                if id == 0 {
                    return Err(EmulatorError::Config(
                        "skill ids are positive integers".into(),
                    ));
                }
                out.skills.push(SeededSkill { id, campaign: None });
            }
        }
        SkillSource::Path(path) => {
            if path.is_dir() {
                for file in files_under(path)? {
                    out.take_file(&file)?;
                }
            } else if path.exists() {
                out.take_file(path)?;
            } else {
                return Err(EmulatorError::file(
                    path,
                    "no such file or folder; give a count, a file of skill ids, or a file or \
                     folder of schedule documents with skillIds",
                ));
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.skills.retain(|s| seen.insert(s.id));
    Ok(out)
}

impl LoadedSkills {
    fn take_file(&mut self, path: &Path) -> Result<(), EmulatorError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| EmulatorError::file(path, format!("cannot read: {e}")))?;
        let doc = |r: Result<Value, String>| r.map_err(|e| EmulatorError::file(path, e));
        match extension(path).as_deref() {
            Some("jsonl") => {
                for (i, line) in text.lines().enumerate() {
                    if line.trim().is_empty() {
                        continue;
                    }
                    let v: Value = serde_json::from_str(line).map_err(|e| {
                        EmulatorError::file(path, format!("line {}: not JSON: {e}", i + 1))
                    })?;
                    self.take_value(&v, path, &format!("line {}: ", i + 1))?;
                }
            }
            Some("json") => {
                let v = doc(serde_json::from_str(&text).map_err(|e| format!("not JSON: {e}")))?;
                self.take_value(&v, path, "")?;
            }
            Some("toml") => {
                let v = doc(toml::from_str(&text).map_err(|e| format!("not valid TOML: {e}")))?;
                self.take_value(&v, path, "")?;
            }
            Some("yaml" | "yml") => {
                let v =
                    doc(serde_saphyr::from_str(&text).map_err(|e| format!("not valid YAML: {e}")))?;
                self.take_value(&v, path, "")?;
            }
            _ => {
                for (i, line) in text.lines().enumerate() {
                    let line = line.trim();
                    if line.is_empty() || line.starts_with('#') {
                        continue;
                    }
                    let id = line.parse::<u64>().ok().filter(|&n| n > 0).ok_or_else(|| {
                        EmulatorError::file(
                            path,
                            format!(
                                "line {}: expected a skill id (a positive integer) per line, \
                                 found {line:?}",
                                i + 1
                            ),
                        )
                    })?;
                    self.skills.push(SeededSkill { id, campaign: None });
                }
            }
        }
        Ok(())
    }

    fn take_value(&mut self, v: &Value, path: &Path, at: &str) -> Result<(), EmulatorError> {
        let campaign = v
            .get("campaignId")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let Some(ids) = v.get("skillIds") else {
            self.notes.push(format!(
                "{}: {at}no skillIds, no skills taken",
                path.display()
            ));
            return Ok(());
        };
        let bad = || {
            EmulatorError::file(
                path,
                format!("{at}skillIds must be a list of positive integers, found {ids}"),
            )
        };
        let list = ids.as_array().ok_or_else(bad)?;
        for id in list {
            let id = id.as_u64().filter(|&n| n > 0).ok_or_else(bad)?;
            self.skills.push(SeededSkill {
                id,
                campaign: campaign.clone(),
            });
        }
        Ok(())
    }
}
