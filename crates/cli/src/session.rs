//! The edge shared by `plan` and `apply`: configuration, the API client, the async runtime,
//! the audit log, the webhook outbox, the compliance gate and Ctrl-C.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context;
use cxsched_api::cxone::CxoneClient;
use cxsched_api::{Client, ClientConfig};
use cxsched_audit::AuditLog;
use cxsched_engine::cxone::Cxone;
use cxsched_engine::execute::Control;
use cxsched_engine::plan::PlanInput;
use cxsched_engine::record::{self, History};
use cxsched_engine::seed::Seed;
use cxsched_engine::{
    Document, Entry, Platform, Settings, Sinks, Status, TargetResult, execute, gate, plan,
};
use cxsched_webhooks::{Outbox, WebhookSecret};
use indicatif::{ProgressBar, ProgressStyle};

use crate::commands::{Outcome, UsageError};
use crate::config::{ApiFlags, ApiSettings, PlatformFlag};
use crate::signals::StopSignal;

/// Flags of commands that talk to the API with the audit log and outbox.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct SessionFlags {
    #[command(flatten)]
    pub platform: PlatformFlag,
    #[command(flatten)]
    pub api: ApiFlags,
    /// Client-side limit on requests per second (all requests; 429s slow it further)
    /// [else CXSCHED_RATE_LIMIT].
    #[arg(long, value_name = "RPS")]
    pub rate_limit: Option<f64>,
    /// Most targets worked on at once (reads in the plan, writes in apply; a CXone skill
    /// reads its schedule and its curfews together, so up to twice as many requests).
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub concurrency: u16,
    /// Folder of the durable webhook outbox [else CXSCHED_OUTBOX, default ./cxsched-outbox].
    #[arg(long, value_name = "DIR")]
    pub outbox: Option<PathBuf>,
}

/// An open session: a platform, a runtime, and (for apply) the audit log and outbox.
pub struct Session<P: Platform> {
    runtime: tokio::runtime::Runtime,
    platform: Arc<P>,
    settings: ApiSettings,
    audit_path: PathBuf,
    outbox_dir: PathBuf,
    concurrency: usize,
}

/// What an apply run produced.
pub struct ApplyRun {
    pub results: Vec<TargetResult>,
    pub interrupted: bool,
    pub audit_failure: Option<String>,
    /// A one-line account of webhook delivery, when webhooks are configured.
    pub webhooks: Option<String>,
}

/// The async runtime of a session. The work is waiting on the network, not computing: a
/// couple of workers and a small blocking pool (name resolution, file appends) keep the
/// memory of large runs flat.
fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(8)
        .enable_all()
        .build()
        .context("starting the async runtime")
}

impl Session<Seed> {
    /// Reads the configuration and builds the seed platform's client.
    ///
    /// # Errors
    /// A usage error for missing or bad configuration.
    pub fn seed(flags: &SessionFlags) -> anyhow::Result<Session<Seed>> {
        let settings = ApiSettings::from_sources(&flags.api)?;
        let mut config: ClientConfig = settings.client_config();
        config.rate_limit = crate::config::rate_limit(flags.rate_limit)?;
        let client = Client::new(config).map_err(|e| UsageError(e.to_string()))?;
        Session::new(Seed::new(client), settings, flags)
    }
}

impl Session<Cxone> {
    /// Reads the configuration and builds the CXone platform's client.
    ///
    /// # Errors
    /// A usage error for missing or bad configuration.
    pub fn cxone(flags: &SessionFlags) -> anyhow::Result<Session<Cxone>> {
        let (mut config, settings) = ApiSettings::cxone(&flags.api)?;
        config.rate_limit = crate::config::rate_limit(flags.rate_limit)?;
        let client = CxoneClient::new(config).map_err(|e| UsageError(e.to_string()))?;
        Session::new(Cxone::new(client), settings, flags)
    }
}

impl<P: Platform> Session<P> {
    fn new(platform: P, settings: ApiSettings, flags: &SessionFlags) -> anyhow::Result<Session<P>> {
        Ok(Session {
            runtime: runtime()?,
            platform: Arc::new(platform),
            audit_path: settings.audit_log.clone(),
            settings,
            outbox_dir: crate::commands::webhooks::outbox_dir(flags.outbox.clone())?,
            concurrency: usize::from(flags.concurrency),
        })
    }

    /// The platform this session plans and applies against.
    pub fn platform(&self) -> &P {
        &self.platform
    }

    /// Who acts, as the audit log records it.
    pub fn actor(&self) -> String {
        self.platform.actor()
    }

    /// Most requests in flight at once.
    pub fn concurrency(&self) -> usize {
        self.concurrency
    }

    /// The rule pack used by the compliance gate.
    pub fn rule_pack_version(&self) -> String {
        gate::rule_pack_version()
    }

    /// Reads live states and compares them with `docs`.
    ///
    /// # Errors
    /// A local failure (the audit log cannot be read), or a remote one before anything could
    /// be read (the platform refuses us or cannot be reached).
    pub fn plan(&self, docs: Vec<Document>) -> anyhow::Result<Vec<Entry<P>>> {
        let history = History::read(&self.audit_path)
            .with_context(|| format!("reading the audit log {}", self.audit_path.display()))?;
        let now = jiff::Timestamp::now();
        self.runtime.block_on(async {
            self.platform
                .prepare()
                .await
                .map_err(crate::commands::get::api_failure)?;
            Ok(plan::plan(
                Arc::clone(&self.platform),
                docs,
                PlanInput {
                    concurrency: self.concurrency,
                    history: &history,
                    now,
                    gate: true,
                },
            )
            .await)
        })
    }

    /// `Some(Remote)` when every campaign failed to read for credentials or network reasons:
    /// nothing could be decided (exit status 3).
    pub fn remote_failure(&self, entries: &[Entry<P>]) -> Option<Outcome> {
        // The entries that got as far as reading their target (invalid documents did not;
        // an unchanged one keeps no desired state).
        let readable: Vec<&Entry<P>> = entries
            .iter()
            .filter(|e| e.desired.is_some() || e.status == Status::Unchanged)
            .collect();
        (!readable.is_empty() && readable.iter().all(|e| e.remote_failure))
            .then_some(Outcome::Remote)
    }

    /// The exit outcome of a plan: remote failure, errors or conflicts, or fine.
    pub fn plan_outcome(&self, entries: &[Entry<P>]) -> Outcome {
        self.remote_failure(entries).unwrap_or_else(|| {
            Outcome::failed_if(entries.iter().any(|e| {
                matches!(e.status, Status::Error | Status::Conflict)
                    || !e.compliance_errors.is_empty()
            }))
        })
    }

    /// Writes the plan's changes, then delivers queued webhooks within `webhook_wait`.
    ///
    /// # Errors
    /// When the audit log or the outbox cannot be opened.
    pub fn apply(
        &self,
        entries: Vec<Entry<P>>,
        settings: Settings,
        webhook_wait: Duration,
    ) -> anyhow::Result<ApplyRun> {
        let audit = AuditLog::open(&self.audit_path)
            .with_context(|| format!("opening the audit log {}", self.audit_path.display()))?;
        let webhook = self.webhook_target()?;
        let outbox = match &webhook {
            Some(_) => Some(Outbox::open(&self.outbox_dir).with_context(|| {
                format!("opening the webhook outbox {}", self.outbox_dir.display())
            })?),
            None => None,
        };
        let sinks = Arc::new(Sinks::new(audit, outbox));
        let stop = Arc::new(AtomicBool::new(false));
        let progress = progress_bar(entries.len() as u64);
        let settings = Arc::new(settings);
        let results = self.runtime.block_on({
            let stop = Arc::clone(&stop);
            let sinks = Arc::clone(&sinks);
            let settings = Arc::clone(&settings);
            let platform = Arc::clone(&self.platform);
            let progress = progress.clone();
            async move {
                let mut signal = StopSignal::install();
                let watcher = tokio::spawn({
                    let stop = Arc::clone(&stop);
                    async move {
                        signal.wait().await;
                        stop.store(true, Ordering::SeqCst);
                        eprintln!(
                            "\ninterrupted: finishing the writes in flight, starting no new ones \
                             (interrupt again to stop at once)"
                        );
                        signal.wait().await;
                        // Every write already reported is in the audit log (synced before it
                        // counts as done); each one in flight has its intent on disk, and the
                        // next run settles it from a fresh read (CONTRACT §11).
                        eprintln!("interrupted again: stopping now; run the same command again to converge");
                        std::process::exit(1);
                    }
                });
                let control = Control {
                    stop,
                    progress: Arc::new(move || progress.inc(1)),
                };
                let results = execute(platform, entries, settings, sinks, control).await;
                watcher.abort();
                results
            }
        });
        progress.finish_and_clear();
        let webhooks = match (&webhook, &sinks.outbox) {
            (Some((url, secret)), Some(outbox)) => {
                Some(self.deliver(outbox, url, secret, webhook_wait, &sinks, &settings))
            }
            _ => None,
        };
        let audit_failure = sinks.failure();
        Ok(ApplyRun {
            results,
            interrupted: stop.load(Ordering::SeqCst),
            audit_failure,
            webhooks,
        })
    }

    fn webhook_target(&self) -> anyhow::Result<Option<(String, WebhookSecret)>> {
        match (&self.settings.webhook_url, &self.settings.webhook_secret) {
            (Some(url), Some(secret)) => {
                let secret = WebhookSecret::parse(secret.expose())
                    .map_err(|e| UsageError(format!("WEBHOOK_SECRET: {e}")))?;
                Ok(Some((url.clone(), secret)))
            }
            (Some(_), None) => Err(UsageError(
                "WEBHOOK_URL is set but WEBHOOK_SECRET is not: webhooks are always signed; set WEBHOOK_SECRET (whsec_…)".into(),
            )
            .into()),
            _ => Ok(None),
        }
    }

    /// Delivers pending webhooks, recording each event that changed state in the audit log.
    fn deliver(
        &self,
        outbox: &Outbox,
        url: &str,
        secret: &WebhookSecret,
        wait: Duration,
        sinks: &Sinks,
        settings: &Settings,
    ) -> String {
        let before: HashMap<String, String> = outbox
            .list()
            .unwrap_or_default()
            .into_iter()
            .map(|r| (r.id.clone(), r.state.as_str().to_owned()))
            .collect();
        let report = cxsched_webhooks::http_client()
            .map_err(|e| format!("delivery did not run: {e}"))
            .and_then(|http| {
                self.runtime.block_on(async {
                    // Ctrl-C cuts the wait short: what is not delivered stays in the outbox.
                    let mut stop = StopSignal::install();
                    tokio::select! {
                        r = outbox.deliver_pending(&http, url, secret, wait) => {
                            r.map_err(|e| format!("delivery did not run: {e}"))
                        }
                        () = stop.wait() => Err(format!(
                            "delivery interrupted; undelivered events stay in {} (deliver them \
                             with `cxsched webhooks flush`)",
                            outbox.dir().display()
                        )),
                    }
                })
            });
        for r in outbox.list().unwrap_or_default() {
            let state = r.state.as_str();
            if before.get(&r.id).map(String::as_str) != Some(state)
                && let Some(mut e) = record::webhook_entry(r.state, &r.campaign_id)
            {
                e.details = serde_json::json!({ "webhookId": r.id, "attempts": r.attempts });
                e.error = r.last_error.clone();
                sinks.record(e, settings);
            }
        }
        match report {
            Ok(r) => format!(
                "webhooks: {} delivered, {} failed, {} still pending in {}",
                r.delivered,
                r.failed,
                r.pending,
                outbox.dir().display()
            ),
            Err(e) => format!("webhooks: {e}"),
        }
    }
}

fn progress_bar(len: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} campaigns {elapsed_precise} ETA {eta}")
    {
        bar.set_style(style);
    }
    bar
}
