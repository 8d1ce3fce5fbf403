//! The CXone platform: NICE CXone's Personal Connection skills (CONTRACT §6). A document
//! writes each of its `skillIds`; a skill holds a weekly schedule (`schedule-settings`, one
//! window per weekday, in the business unit's zone) and per-destination-zone windows
//! (`time-zones`, the curfews of §7, written when the document's plan carries them).
//!
//! **Writing without ETags** (§6.3). The API has no version or conditional write, so a write
//! is: read again right before writing and compare with what the plan read (any difference
//! is a conflict: someone wrote since); write; read back and compare by meaning (a
//! difference is a conflict: someone wrote in between). What remains is the window between
//! the last read and the write itself — milliseconds, one request's round trip — in which
//! another administrator's write to the same skill would be overwritten unseen, and the
//! read-back shows only that the skill now holds ours. A skill's *version* is a fingerprint
//! of what it holds, by meaning (`skill{ID}-` + 16 hex digits of SHA-256), recorded in the
//! audit log so that the next plan recognises drift as on the seed API.

use std::sync::{Arc, OnceLock};

use cxsched_api::ApiError;
use cxsched_api::cxone::{BusinessUnit, CxoneClient, DayHours, Read, SkillSchedule, ZoneWindow};
use cxsched_core::model::weekday_name;
use cxsched_core::{Issue, LocalTime, Schedule, Weekday, windows_zone};
use cxsched_webhooks::Event;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use cxsched_compliance::curfew::Curfews;

use crate::document::Document;
use crate::gate::{Assessment, Judgement};
use crate::platform::{Conflict, Platform, Target, WriteError, Written};

/// Weekdays Monday first, as [`SkillSchedule::days`] is indexed.
const WEEK: [Weekday; 7] = cxsched_core::model::WEEKDAYS;

/// What one skill should hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkillDesired {
    pub schedule: SkillSchedule,
    /// The curfews to write, when the plan computes them (`None`: time-zones untouched);
    /// shared by the skills of one document.
    pub zones: Option<Arc<[ZoneWindow]>>,
}

/// What one skill holds, as read.
pub struct SkillLive {
    pub schedule: Read<SkillSchedule>,
    pub zones: Read<Vec<ZoneWindow>>,
}

/// CXone through its client.
///
/// # Example
///
/// The CXone emulator with the API on a second listener (found through the issuer's
/// `cxone-configuration`), and a document naming two skills: one target per skill, each
/// written by `apply`.
///
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::AtomicBool;
/// use cxsched_api::Secret;
/// use cxsched_api::cxone::{CxoneClient, CxoneConfig};
/// use cxsched_audit::AuditLog;
/// use cxsched_core::{Format, parse_document};
/// use cxsched_emulator::cxone::{self as emulator, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET};
/// use cxsched_engine::cxone::Cxone;
/// use cxsched_engine::execute::{Control, Ending, Settings, Sinks, execute};
/// use cxsched_engine::plan::{PlanInput, Status, plan};
/// use cxsched_engine::record::History;
/// use cxsched_engine::{Document, Platform};
///
/// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// rt.block_on(async {
///     let emu = emulator::spawn(emulator::CxoneConfig {
///         skills: emulator::SkillSource::Ids(vec![7, 8]),
///         ..emulator::CxoneConfig::loopback_two_listeners()
///     })
///     .await
///     .unwrap();
///     assert_ne!(emu.addr(), emu.api_addr());
///     let config = CxoneConfig::new(
///         emu.issuer_url(),
///         "demo-client".into(),
///         Secret::new("demo-secret"),
///         Secret::new(DEMO_ACCESS_KEY_ID),
///         Secret::new(DEMO_ACCESS_KEY_SECRET),
///     );
///     let cxone = Arc::new(Cxone::new(CxoneClient::new(config).unwrap()));
///     cxone.prepare().await.unwrap(); // signs in, reads the business unit
///     assert!(cxone.business_unit().is_some());
///
///     let text = r#"{"campaignId":"3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab",
///       "timezone":"America/New_York","businessHoursDirective":"STRICT","maxConcurrentCalls":10,
///       "skillIds":[7, 8],
///       "timeWindows":[{"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"17:00:00"}]}"#;
///     let validation = parse_document(text, Format::Json);
///     let doc = Document { source: "doc.json".into(), base_dir: ".".into(), validation };
///     let history = History::default();
///     let input = PlanInput { concurrency: 2, history: &history, now: jiff::Timestamp::now(), gate: false };
///     let entries = plan(Arc::clone(&cxone), vec![doc], input).await;
///
///     let skills: Vec<_> = entries.iter().map(|e| e.target.unwrap().skill_id).collect();
///     assert_eq!(skills, [Some(7), Some(8)]);
///     assert!(entries.iter().all(|e| e.status == Status::Changed));
///
///     // Applied: each skill written, then read back.
///     let dir = tempfile::tempdir().unwrap();
///     let sinks = Arc::new(Sinks::new(AuditLog::open(dir.path().join("audit.jsonl")).unwrap(), None));
///     let settings = Arc::new(Settings { concurrency: 2, actor: cxone.actor(), ..Settings::default() });
///     let control = Control { stop: Arc::new(AtomicBool::new(false)), progress: Arc::new(|| {}) };
///     let results = execute(Arc::clone(&cxone), entries, settings, sinks, control).await;
///     let endings: Vec<_> = results.iter().map(|r| r.ending).collect();
///     assert_eq!(endings, [Ending::Written, Ending::Written]);
///     assert!(emu.state().skill(7).is_some());
///     emu.shutdown().await;
/// });
/// ```
pub struct Cxone {
    pub client: CxoneClient,
    business_unit: OnceLock<BusinessUnit>,
    /// Whether plans write each skill's curfews (time-zones) too (CONTRACT §7; on by
    /// default).
    pub curfews: bool,
}

impl Cxone {
    pub fn new(client: CxoneClient) -> Cxone {
        Cxone {
            client,
            business_unit: OnceLock::new(),
            curfews: true,
        }
    }

    /// The business unit, once [`Platform::prepare`] has read it.
    pub fn business_unit(&self) -> Option<&BusinessUnit> {
        self.business_unit.get()
    }
}

/// The skill schedule a valid document means (one window per weekday, checked before).
pub fn skill_schedule(schedule: &Schedule) -> SkillSchedule {
    let mut days = [DayHours::default(); 7];
    for w in &schedule.windows {
        days[usize::from(w.day.to_monday_zero_offset() as u8)] = DayHours {
            active: true,
            start: Some(w.start),
            end: Some(w.end),
        };
    }
    // A document without windows never dials: the skill is unscheduled.
    SkillSchedule {
        is_scheduled: !schedule.windows.is_empty(),
        days,
    }
}

/// The business unit's zone against the document's: an issue naming both when the schedule
/// would run in another zone than the document means.
pub fn zone_issue(schedule: &Schedule, bu: &BusinessUnit) -> Option<Issue> {
    let zone = &schedule.timezone;
    if windows_zone::maps_to(zone.canonical, &bu.default_time_zone) {
        return None;
    }
    let theirs = windows_zone::primary_iana(&bu.default_time_zone)
        .map_or_else(String::new, |z| format!(" (IANA {z})"));
    let ours = windows_zone::windows_name(zone.canonical)
        .map_or_else(String::new, |w| format!(" (Windows {w:?})"));
    Some(Issue {
        path: "timezone".into(),
        message: format!(
            "a CXone skill's schedule runs in its business unit's zone, {:?}{theirs}, but this \
             document's zone is {}{ours}; write the windows in the business unit's zone (set \
             timezone to{}), or dial this campaign from a business unit in {}",
            bu.default_time_zone,
            zone.name,
            windows_zone::primary_iana(&bu.default_time_zone)
                .map_or_else(|| " one of its zones".to_owned(), |z| format!(" {z}")),
            zone.name,
        ),
    })
}

/// The skill's whole time-zone list for the recipients' curfews (CONTRACT §7): every zone
/// the business unit enables, the recipients' active with their curfew (`overrideTime`),
/// the rest inactive. Recipient zones that share a Windows zone (New York and Detroit are
/// both "Eastern Standard Time") get the intersection of their curfews; a recipient zone
/// whose days are all banned has no curfew and stays inactive (never dialled there).
///
/// # Errors
/// A recipient zone with no Windows zone, or one the business unit does not enable.
pub fn zone_windows(curfews: &Curfews, bu: &BusinessUnit) -> Result<Vec<ZoneWindow>, Vec<Issue>> {
    let enabled: Vec<&str> = bu
        .time_zones
        .iter()
        .map(|z| z.standard_name.as_str())
        .collect();
    let mut issues = Vec::new();
    let mut merged: Vec<(&str, LocalTime, LocalTime)> = Vec::new();
    for c in &curfews.curfews {
        let Some(name) = windows_zone::windows_name(c.zone.canonical) else {
            issues.push(Issue {
                path: "compliance.recipients".into(),
                message: format!(
                    "recipients in {} are in no Windows zone of CLDR's table, so no CXone \
                     curfew can name them; remove them or give their zone",
                    c.zone.canonical
                ),
            });
            continue;
        };
        if !enabled.contains(&name) {
            issues.push(Issue {
                path: "compliance.recipients".into(),
                message: format!(
                    "recipients in {} (Windows {name:?}) are in a zone the business unit does \
                     not enable ({}); enable {name:?} for the business unit (ACD → Business \
                     Units → Time Zones) or remove those recipients",
                    c.zone.canonical,
                    enabled.join(", ")
                ),
            });
            continue;
        }
        match merged.iter_mut().find(|(n, _, _)| *n == name) {
            Some((_, start, end)) => {
                *start = (*start).max(c.start);
                *end = (*end).min(c.end);
            }
            None => merged.push((name, c.start, c.end)),
        }
    }
    for (name, start, end) in &merged {
        if start >= end {
            issues.push(Issue {
                path: "compliance.recipients".into(),
                message: format!(
                    "the recipient zones in Windows zone {name:?} leave no common calling \
                     hours ({start}–{end}); CXone keeps one window per Windows zone: split \
                     these recipients over separate campaigns"
                ),
            });
        }
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    Ok(bu
        .time_zones
        .iter()
        .map(
            |z| match merged.iter().find(|(n, _, _)| *n == z.standard_name) {
                Some((_, start, end)) => ZoneWindow {
                    standard_name: z.standard_name.clone(),
                    active: true,
                    override_time: true,
                    start: Some(*start),
                    end: Some(*end),
                },
                None => ZoneWindow {
                    standard_name: z.standard_name.clone(),
                    active: false,
                    override_time: false,
                    start: None,
                    end: None,
                },
            },
        )
        .collect())
}

fn hhmm(t: Option<LocalTime>) -> String {
    t.map_or_else(|| "--:--".into(), |t| t.to_string()[..5].to_owned())
}

fn day_text(d: &DayHours) -> String {
    if d.active {
        format!("{}–{}", hhmm(d.start), hhmm(d.end))
    } else {
        "off".into()
    }
}

fn zone_text(z: Option<&ZoneWindow>) -> String {
    match z {
        Some(z) if z.active && z.override_time => format!("{}–{}", hhmm(z.start), hhmm(z.end)),
        Some(z) if z.active => "active (business unit hours)".into(),
        _ => "inactive".into(),
    }
}

/// A text of what a skill holds, by meaning: equal texts, equal meaning.
fn meaning(schedule: &SkillSchedule, zones: &[ZoneWindow]) -> String {
    let mut text = format!("scheduled={}", schedule.is_scheduled);
    for (day, d) in WEEK.iter().zip(&schedule.days) {
        text.push_str(&format!(";{}={}", weekday_name(*day), day_text(d)));
    }
    let mut active: Vec<(&str, String)> = zones
        .iter()
        .filter(|z| z.active)
        .map(|z| (z.standard_name.as_str(), zone_text(Some(z))))
        .collect();
    active.sort();
    for (name, t) in active {
        text.push_str(&format!(";{name}={t}"));
    }
    text
}

impl Platform for Cxone {
    type Desired = SkillDesired;
    type Live = SkillLive;

    fn name(&self) -> &'static str {
        "cxone"
    }

    fn actor(&self) -> String {
        self.client
            .actor()
            .unwrap_or_else(|| "cxone user (not yet signed in)".into())
    }

    async fn prepare(&self) -> Result<(), ApiError> {
        if self.business_unit.get().is_none() {
            self.client.connect().await?;
            let bu = self.client.business_unit().await?;
            let _ = self.business_unit.set(bu);
        }
        Ok(())
    }

    fn judgement(&self) -> Judgement {
        if self.curfews {
            Judgement::UnderCurfews
        } else {
            Judgement::Scheduled
        }
    }

    fn targets(
        &self,
        _doc: &Document,
        schedule: &Arc<Schedule>,
        assessment: &Assessment,
    ) -> Result<Vec<(Target, SkillDesired)>, Vec<Issue>> {
        let mut issues = cxsched_core::cxone::limits(schedule);
        let bu = self.business_unit.get();
        if let Some(i) = bu.and_then(|bu| zone_issue(schedule, bu)) {
            issues.push(i);
        }
        let zones = match bu.filter(|_| self.curfews) {
            Some(bu) => match &assessment.curfews {
                Some(c) => match zone_windows(c, bu) {
                    Ok(z) => Some(Arc::from(z)),
                    Err(mut more) => {
                        issues.append(&mut more);
                        None
                    }
                },
                // The gate reports why the recipients cannot be settled; the schedule is
                // still written with the curfews untouched only if the gate is overridden.
                None => None,
            },
            None => None,
        };
        if !issues.is_empty() {
            return Err(issues);
        }
        let desired = SkillDesired {
            schedule: skill_schedule(schedule),
            zones,
        };
        Ok(schedule
            .skill_ids
            .iter()
            .map(|&id| {
                (
                    Target {
                        campaign_id: schedule.campaign_id,
                        skill_id: Some(id),
                    },
                    desired.clone(),
                )
            })
            .collect())
    }

    async fn read(&self, target: Target) -> Result<SkillLive, ApiError> {
        let id = target.skill_id.unwrap_or_default();
        let (schedule, zones) = tokio::join!(
            self.client.get_schedule_settings(id),
            self.client.get_time_zones(id)
        );
        Ok(SkillLive {
            schedule: schedule?,
            zones: zones?,
        })
    }

    fn version(&self, target: Target, live: &SkillLive) -> String {
        let text = meaning(&live.schedule.value, &live.zones.value);
        let digest = hex::encode(Sha256::digest(text.as_bytes()));
        format!(
            "skill{}-{}",
            target.skill_id.unwrap_or_default(),
            &digest[..16]
        )
    }

    fn same(&self, desired: &SkillDesired, live: &SkillLive) -> bool {
        desired.schedule.same_meaning(&live.schedule.value)
            && desired
                .zones
                .as_ref()
                .is_none_or(|z| ZoneWindow::same_list(z, &live.zones.value))
    }

    fn is_empty(&self, live: &SkillLive) -> bool {
        let s = &live.schedule.value;
        !s.is_scheduled || s.days.iter().all(|d| !d.active)
    }

    fn changes(&self, desired: &SkillDesired, live: &SkillLive) -> Vec<String> {
        let mut out = Vec::new();
        let (want, have) = (&desired.schedule, &live.schedule.value);
        if want.is_scheduled != have.is_scheduled {
            out.push(format!(
                "isScheduled: {} → {}",
                have.is_scheduled, want.is_scheduled
            ));
        }
        for (day, (w, h)) in WEEK.iter().zip(want.days.iter().zip(&have.days)) {
            let (w, h) = (day_text(w), day_text(h));
            if w != h {
                out.push(format!("{}: {h} → {w}", weekday_name(*day)));
            }
        }
        if let Some(zones) = &desired.zones {
            let mut names: Vec<&str> = zones
                .iter()
                .chain(&live.zones.value)
                .map(|z| z.standard_name.as_str())
                .collect();
            names.sort_unstable();
            names.dedup();
            // Zones whose change is the same (typically "→ inactive") are told on one line
            // when there are many of them.
            let mut by_change: Vec<((String, String), Vec<&str>)> = Vec::new();
            for name in names {
                let find = |list: &'_ [ZoneWindow]| {
                    zone_text(list.iter().find(|z| z.standard_name == name))
                };
                let (w, h) = (find(zones), find(&live.zones.value));
                if w != h {
                    match by_change
                        .iter_mut()
                        .find(|(c, _)| *c == (h.clone(), w.clone()))
                    {
                        Some((_, names)) => names.push(name),
                        None => by_change.push(((h, w), vec![name])),
                    }
                }
            }
            for ((h, w), names) in by_change {
                if names.len() > 3 {
                    out.push(format!(
                        "curfews of {} other zones: {h} → {w} ({})",
                        names.len(),
                        names.join(", ")
                    ));
                } else {
                    for name in names {
                        out.push(format!("curfew {name}: {h} → {w}"));
                    }
                }
            }
        }
        out
    }

    fn live_json(&self, live: &SkillLive) -> Value {
        // As the platform sent it; once a plan has dropped the bodies (see `compact`), as
        // cxsched read it, in the PUT's shape.
        let schedule = if live.schedule.body.is_null() {
            live.schedule.value.to_put_body()["scheduleSettings"].take()
        } else {
            live.schedule.body.clone()
        };
        let zones = if live.zones.body.is_null() {
            ZoneWindow::list_to_put_body(&live.zones.value)["timeZoneSettings"].take()
        } else {
            live.zones
                .body
                .get("timeZoneSettings")
                .unwrap_or(&live.zones.body)
                .clone()
        };
        json!({ "scheduleSettings": schedule, "timeZoneSettings": zones })
    }

    fn desired_json(&self, desired: &SkillDesired) -> Value {
        let mut v = json!({
            "scheduleSettings": desired.schedule.to_put_body()["scheduleSettings"],
        });
        if let Some(z) = &desired.zones {
            v["timeZoneSettings"] = ZoneWindow::list_to_put_body(z)["timeZoneSettings"].clone();
        }
        v
    }

    fn compact(&self, mut live: SkillLive) -> SkillLive {
        // The raw bodies are JSON trees of a couple of kilobytes per skill: what a plan keeps
        // of them (versions, comparisons, conflict versions) comes from the parsed values.
        live.schedule.body = Value::Null;
        live.zones.body = Value::Null;
        live
    }

    async fn write(
        &self,
        target: Target,
        desired: &SkillDesired,
        read: &SkillLive,
    ) -> Result<Written, WriteError> {
        let id = target.skill_id.unwrap_or_default();
        // Read again: anything other than what the plan read was written by someone else.
        let now = self.read(target).await?;
        if self.same(desired, &now) {
            return Ok(Written::AlreadyInPlace {
                version: self.version(target, &now),
            });
        }
        if self.version(target, &now) != self.version(target, read) {
            return Err(WriteError::Conflict(Box::new(Conflict {
                message: format!(
                    "skill {id} changed since the plan read it ({} → {}); not overwritten. \
                     Review it (cxsched get --platform cxone {id}) and plan again",
                    self.version(target, read),
                    self.version(target, &now)
                ),
                versions: [
                    ("read", self.live_json(read)),
                    ("live", self.live_json(&now)),
                ],
                live_version: Some(self.version(target, &now)),
            })));
        }
        let mut unanswered = false;
        if !desired.schedule.same_meaning(&now.schedule.value) {
            let sent = self
                .client
                .put_schedule_settings(id, &desired.schedule)
                .await?;
            unanswered |= sent.unanswered;
        }
        if let Some(zones) = &desired.zones
            && !ZoneWindow::same_list(zones, &now.zones.value)
        {
            let sent = self.client.put_time_zones(id, zones).await?;
            unanswered |= sent.unanswered;
        }
        // Read back: what we wrote must be what is there.
        let back = self.read(target).await?;
        let version = self.version(target, &back);
        if !self.same(desired, &back) {
            return Err(WriteError::Conflict(Box::new(Conflict {
                message: format!(
                    "skill {id} reads back differently from what was just written: someone wrote \
                     in between (or the tenant changed the values); review it (cxsched get \
                     --platform cxone {id}) and plan again"
                ),
                versions: [
                    ("written", self.desired_json(desired)),
                    ("read back", self.live_json(&back)),
                ],
                live_version: Some(version),
            })));
        }
        Ok(Written::Written {
            version,
            answer_lost: false,
            details: json!({
                "readBack": "matches",
                "earlierAttemptUnanswered": unanswered,
            }),
        })
    }

    fn event(
        &self,
        target: Target,
        schedule: &Schedule,
        _desired: &SkillDesired,
        version: &str,
    ) -> Event {
        Event {
            campaign_id: schedule.campaign_id.to_string(),
            timezone: schedule.timezone.name.to_string(),
            windows: schedule.to_wire()["timeWindows"].clone(),
            directive: schedule.directive.as_str().to_owned(),
            timestamp: jiff::Timestamp::now(),
            etag_after: version.to_owned(),
            skill_id: target.skill_id,
        }
    }
}
