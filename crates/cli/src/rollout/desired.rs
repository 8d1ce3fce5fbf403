//! The desired side of a plan: documents read from files and folders, validated, with one
//! document per campaign.

use std::path::PathBuf;

use cxsched_engine::Document;
use cxsched_engine::document::reject_duplicate_campaigns;

use crate::input;

/// Reads every document under `paths`. A campaign named by two documents makes both invalid
/// (which one is meant cannot be guessed).
///
/// # Errors
/// A usage error when a path does not exist.
pub fn load(paths: &[PathBuf]) -> anyhow::Result<Vec<Document>> {
    let mut docs: Vec<Document> = input::document_paths(paths)?
        .iter()
        .map(|p| input::load(p))
        .collect();
    reject_duplicate_campaigns(&mut docs);
    Ok(docs)
}
