//! The desired side of a plan: documents read from files and folders, validated, with one
//! document per campaign.

use std::collections::HashMap;
use std::path::PathBuf;

use cxsched_core::{Issue, Validation};

use crate::input::{self, Loaded};

/// One desired document, validated.
pub struct Desired {
    pub loaded: Loaded,
}

impl Desired {
    pub fn source(&self) -> &str {
        &self.loaded.source
    }

    pub fn validation(&self) -> &Validation {
        &self.loaded.validation
    }
}

/// Reads every document under `paths`. A campaign named by two documents makes both invalid
/// (which one is meant cannot be guessed).
///
/// # Errors
/// A usage error when a path does not exist.
pub fn load(paths: &[PathBuf]) -> anyhow::Result<Vec<Desired>> {
    let mut docs: Vec<Desired> = input::document_paths(paths)?
        .iter()
        .map(|p| Desired {
            loaded: input::load(p),
        })
        .collect();
    let mut seen: HashMap<uuid::Uuid, Vec<usize>> = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        if let Some(s) = &d.loaded.validation.schedule {
            seen.entry(s.campaign_id).or_default().push(i);
        }
    }
    for indexes in seen.values().filter(|v| v.len() > 1) {
        let sources: Vec<String> = indexes
            .iter()
            .map(|&i| docs[i].loaded.source.clone())
            .collect();
        for &i in indexes {
            let v = &mut docs[i].loaded.validation;
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
    Ok(docs)
}
