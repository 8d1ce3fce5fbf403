//! `cxsched export (ID… | --all) --out DIR`: the live state written back as schedule
//! documents (CONTRACT §10), one file per campaign (seed: `DIR/<campaignId>.<ext>`, the live
//! schedule) or per skill (cxone: `DIR/skill-<id>.<ext>`, see `cxsched_engine::export` for
//! how a skill becomes a document), in deterministic bytes, so that `plan DIR` right after
//! says nothing to change and two exports of the same state are identical.
//!
//! - `--all` takes every Personal Connection skill `GET /skills` lists (cxone only: the seed
//!   API has no list endpoint, so there it is a usage error asking for the ids).
//! - An existing file is kept unless `--force` (named, exit status 1: nothing is silently not
//!   exported); a new file appears only complete (written to a temporary file in `DIR`,
//!   synced, then linked or, with `--force`, renamed over the old one).
//! - A read that fails names the campaign or skill and is exit status 1, the others still
//!   written; 3 when nothing could be read for credentials or network reasons.
//! - Human output: a line per file and a summary. `--output json`: one object per id,
//!   `{"id", "campaignId", "file", "status": "written" | "skipped" | "failed", "message"}`
//!   (`id` as given, a string on both platforms).

use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use cxsched_api::cxone::CxoneClient;
use cxsched_api::{ApiError, Client};
use cxsched_core::{Format, Schedule};
use cxsched_engine::export::{self, ExportId};
use cxsched_engine::pool::{Pool, in_order};
use serde_json::json;
use uuid::Uuid;

use super::get::api_failure;
use super::{Globals, Outcome, RemoteError, UsageError};
use crate::config::{ApiFlags, ApiSettings, PlatformFlag, PlatformName};
use crate::output::{OutputMode, print_json};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Campaign ids (seed: UUIDs) or skill ids (cxone: positive integers).
    #[arg(
        value_name = "ID",
        required_unless_present = "all",
        conflicts_with = "all"
    )]
    pub ids: Vec<String>,
    /// cxone: every Personal Connection skill the business unit lists (the seed API has no
    /// list: pass the campaign ids there).
    #[arg(long)]
    pub all: bool,
    /// Folder the documents are written to (created when missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Document format (and file extension).
    #[arg(long, value_enum, default_value = "json")]
    pub format: FormatName,
    /// Replace existing files (atomically); without it they are kept, named, and the exit
    /// status is 1.
    #[arg(long)]
    pub force: bool,
    /// Most reads in flight at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// Client-side limit on requests per second [else CXSCHED_RATE_LIMIT].
    #[arg(long, value_name = "RPS")]
    pub rate_limit: Option<f64>,
    #[command(flatten)]
    pub platform: PlatformFlag,
    #[command(flatten)]
    pub api: ApiFlags,
}

/// `--format`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormatName {
    Json,
    Toml,
    Yaml,
}

impl FormatName {
    fn format(self) -> Format {
        match self {
            FormatName::Json => Format::Json,
            FormatName::Toml => Format::Toml,
            FormatName::Yaml => Format::Yaml,
        }
    }
}

/// What reading one id gave.
struct ReadResult {
    id: ExportId,
    /// As given (or listed).
    label: String,
    schedule: Result<Schedule, Failure>,
}

struct Failure {
    message: String,
    /// Credentials or the network: nothing about this id could be decided.
    remote: bool,
}

impl Failure {
    fn api(what: ExportId, e: &ApiError) -> Failure {
        Failure {
            message: format!("{what}: cannot read it: {e}"),
            remote: e.is_auth() || e.is_transient() || e.is_timeout(),
        }
    }

    fn local(message: String) -> Failure {
        Failure {
            message,
            remote: false,
        }
    }
}

/// One line of the report.
struct Row {
    label: String,
    campaign_id: Option<Uuid>,
    file: PathBuf,
    status: &'static str,
    message: String,
    remote: bool,
}

pub fn run(args: Args, globals: &Globals) -> anyhow::Result<Outcome> {
    let format = args.format.format();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let (reads, notes) = match args.platform.resolve()? {
        PlatformName::Seed => (runtime.block_on(read_seed(&args))?, Vec::new()),
        PlatformName::Cxone => runtime.block_on(read_cxone(&args))?,
    };
    fs::create_dir_all(&args.out)
        .with_context(|| format!("creating the output folder {}", args.out.display()))?;
    let rows: Vec<Row> = reads
        .into_iter()
        .map(|r| write_one(r, &args.out, format, args.force))
        .collect();
    report(&rows, &notes, &args.out, globals)?;
    let failed = rows.iter().filter(|r| r.status != "written").count();
    if !rows.is_empty() && rows.iter().all(|r| r.remote) {
        return Ok(Outcome::Remote);
    }
    Ok(Outcome::failed_if(failed > 0))
}

/// The ids, each once, in the order given.
fn unique<T: PartialEq>(items: Vec<T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(items.len());
    for i in items {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

async fn read_seed(args: &Args) -> anyhow::Result<Vec<ReadResult>> {
    if args.all {
        return Err(UsageError(
            "--all needs a platform that lists its campaigns; the seed API has no list endpoint: \
             pass the campaign ids to export (cxsched export ID… --out DIR)"
                .into(),
        )
        .into());
    }
    let ids = args
        .ids
        .iter()
        .map(|raw| {
            Uuid::try_parse(raw.trim())
                .ok()
                .filter(|id| !id.is_nil())
                .ok_or_else(|| {
                    UsageError(format!(
                        "{raw:?} is not a campaign id; expected a UUID such as \
                         3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab (on cxone, pass --platform cxone \
                         and skill ids)"
                    ))
                })
        })
        .collect::<Result<Vec<Uuid>, _>>()?;
    let settings = ApiSettings::from_sources(&args.api)?;
    let mut config = settings.client_config();
    config.rate_limit = crate::config::rate_limit(args.rate_limit)?;
    let client = Arc::new(Client::new(config).map_err(api_failure)?);
    let mut pool = Pool::new(usize::from(args.concurrency));
    let ids = unique(ids);
    for (i, id) in ids.iter().copied().enumerate() {
        let client = Arc::clone(&client);
        pool.spawn(i, async move {
            let what = ExportId::Campaign(id);
            let schedule = match client.get_schedule(id).await {
                Ok(live) => live.schedule.ok_or_else(|| {
                    Failure::local(format!(
                        "{what} holds no valid schedule (the server sent {}); nothing to export",
                        live.body
                    ))
                }),
                Err(e) => Err(Failure::api(what, &e)),
            };
            ReadResult {
                id: what,
                label: id.to_string(),
                schedule,
            }
        })
        .await;
    }
    Ok(finish(
        pool,
        &ids.iter()
            .map(|&c| ExportId::Campaign(c))
            .collect::<Vec<_>>(),
    )
    .await)
}

/// The pool's results in input order; a task that panicked is a failure of its id.
async fn finish(pool: Pool<ReadResult>, ids: &[ExportId]) -> Vec<ReadResult> {
    let done = pool.finish().await;
    in_order(done)
        .into_iter()
        .zip(ids)
        .map(|(r, &id)| {
            r.unwrap_or_else(|panic| ReadResult {
                id,
                label: match id {
                    ExportId::Campaign(c) => c.to_string(),
                    ExportId::Skill(s) => s.to_string(),
                },
                schedule: Err(Failure::local(format!("{id}: the read failed: {panic}"))),
            })
        })
        .collect()
}

async fn read_cxone(args: &Args) -> anyhow::Result<(Vec<ReadResult>, Vec<String>)> {
    let given = args
        .ids
        .iter()
        .map(|raw| {
            raw.trim()
                .parse::<u64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| {
                    UsageError(format!(
                        "{raw:?} is not a skill id; on cxone, export takes skill ids (positive \
                     integers) or --all"
                    ))
                })
        })
        .collect::<Result<Vec<u64>, _>>()?;
    let (mut config, _) = ApiSettings::cxone(&args.api)?;
    config.rate_limit = crate::config::rate_limit(args.rate_limit)?;
    let client = CxoneClient::new(config).map_err(api_failure)?;
    client.connect().await.map_err(api_failure)?;
    let bu = client.business_unit().await.map_err(api_failure)?;
    let tenant = client.tenant_id().ok_or_else(|| {
        RemoteError(
            "the access token carries no tenantId claim, and a skill's exported campaignId is \
             derived from it; check the issuer (CXONE_ISSUER)"
                .into(),
        )
    })?;
    let mut notes = Vec::new();
    let ids = if args.all {
        let skills = client.skills().await.map_err(api_failure)?;
        let listed = skills.len();
        let pc: Vec<u64> = skills
            .iter()
            .filter(|s| export::is_personal_connection(s))
            .map(|s| s.id)
            .collect();
        if pc.len() < listed {
            notes.push(format!(
                "{} of the {listed} skills listed are not Personal Connection skills and were \
                 left out",
                listed - pc.len()
            ));
        }
        if pc.is_empty() {
            notes.push("no Personal Connection skill to export".into());
        }
        unique(pc)
    } else {
        unique(given)
    };
    // A zone no document can name fails every skill alike; said once per skill.
    let zone_error = export::business_unit_zone(&bu).err();
    let bu = Arc::new(bu);
    let tenant: Arc<str> = tenant.into();
    let mut pool = Pool::new(usize::from(args.concurrency));
    for (i, id) in ids.iter().copied().enumerate() {
        let (client, bu, tenant, zone_error) = (
            client.clone(),
            Arc::clone(&bu),
            Arc::clone(&tenant),
            zone_error.clone(),
        );
        pool.spawn(i, async move {
            let what = ExportId::Skill(id);
            let (settings, zones) =
                tokio::join!(client.get_schedule_settings(id), client.get_time_zones(id));
            let schedule = match (zone_error, settings.and_then(|s| Ok((s, zones?)))) {
                (_, Err(e)) => Err(Failure::api(what, &e)),
                (Some(z), Ok(_)) => Err(Failure::local(format!("{what}: {z}"))),
                (None, Ok((live, zones))) => {
                    export::skill_schedule_document(&tenant, id, &live.value, &zones.value, &bu)
                        .map_err(Failure::local)
                }
            };
            ReadResult {
                id: what,
                label: id.to_string(),
                schedule,
            }
        })
        .await;
    }
    let reads = finish(
        pool,
        &ids.iter().map(|&s| ExportId::Skill(s)).collect::<Vec<_>>(),
    )
    .await;
    Ok((reads, notes))
}

/// How writing one file ended.
enum Placed {
    New,
    Replaced,
    /// Kept; whether it already held exactly these bytes.
    Kept {
        same: bool,
    },
}

fn write_one(read: ReadResult, dir: &Path, format: Format, force: bool) -> Row {
    let file = dir.join(export::file_name(&read.id, format));
    let mut row = Row {
        label: read.label,
        campaign_id: None,
        file,
        status: "failed",
        message: String::new(),
        remote: false,
    };
    let schedule = match read.schedule {
        Ok(s) => s,
        Err(f) => {
            row.message = f.message;
            row.remote = f.remote;
            return row;
        }
    };
    row.campaign_id = Some(schedule.campaign_id);
    let bytes = match export::document_bytes(&schedule, format) {
        Ok(b) => b,
        Err(e) => {
            row.message = format!("{}: {e}; not written", read.id);
            return row;
        }
    };
    let never = if schedule.windows.is_empty() {
        "; it has no windows (timeWindows is empty: the campaign never dials)"
    } else {
        ""
    };
    match place(&row.file, bytes.as_bytes(), force) {
        Ok(Placed::New) => {
            row.status = "written";
            row.message = format!("written{never}");
        }
        Ok(Placed::Replaced) => {
            row.status = "written";
            row.message = format!("replaced the existing file{never}");
        }
        Ok(Placed::Kept { same }) => {
            row.status = "skipped";
            row.message = format!(
                "the file exists and was kept ({}); pass --force to replace it",
                if same {
                    "it already holds this export"
                } else {
                    "it differs from the live state"
                }
            );
        }
        Err(e) => {
            row.message = format!("{}: cannot write {}: {e}", read.id, row.file.display());
        }
    }
    row
}

/// Writes `bytes` to `file` so that it only ever appears complete: a temporary file in the
/// same folder, synced, then hard-linked into place (which never replaces a file) or, with
/// `force`, renamed over it.
fn place(file: &Path, bytes: &[u8], force: bool) -> std::io::Result<Placed> {
    let existed = fs::symlink_metadata(file).is_ok();
    if existed && !force {
        return Ok(Placed::Kept {
            same: fs::read(file).is_ok_and(|old| old == bytes),
        });
    }
    let dir = file.parent().unwrap_or(Path::new("."));
    let name = file.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        if force {
            fs::rename(&tmp, file)?;
            return Ok(if existed {
                Placed::Replaced
            } else {
                Placed::New
            });
        }
        match fs::hard_link(&tmp, file) {
            Ok(()) => Ok(Placed::New),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(Placed::Kept {
                same: fs::read(file).is_ok_and(|old| old == bytes),
            }),
            Err(e) => Err(e),
        }
    })();
    let _ = fs::remove_file(&tmp);
    if result.is_ok() {
        // The new name is durable too (best effort: not every platform syncs folders).
        let _ = fs::File::open(dir).and_then(|d| d.sync_all());
    }
    result
}

fn report(rows: &[Row], notes: &[String], dir: &Path, globals: &Globals) -> anyhow::Result<()> {
    match globals.output {
        OutputMode::Json => {
            for r in rows {
                print_json(&json!({
                    "id": r.label,
                    "campaignId": r.campaign_id,
                    "file": r.file.display().to_string(),
                    "status": r.status,
                    "message": r.message,
                }))?;
            }
        }
        OutputMode::Human => {
            let mut out = std::io::stdout().lock();
            for r in rows {
                match r.status {
                    "written" if r.message == "written" => {
                        writeln!(out, "written  {}", r.file.display())?;
                    }
                    "written" => writeln!(
                        out,
                        "written  {}: {}",
                        r.file.display(),
                        r.message.trim_start_matches("written; ")
                    )?,
                    "skipped" => writeln!(out, "skipped  {}: {}", r.file.display(), r.message)?,
                    _ => writeln!(out, "failed   {}", r.message)?,
                }
            }
            for n in notes {
                writeln!(out, "note: {n}")?;
            }
            let count = |s: &str| rows.iter().filter(|r| r.status == s).count();
            writeln!(
                out,
                "export to {}: {} written, {} skipped, {} failed",
                dir.display(),
                count("written"),
                count("skipped"),
                count("failed")
            )?;
            out.flush()?;
        }
    }
    Ok(())
}
