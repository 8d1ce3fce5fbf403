//! Export (CONTRACT §10): live state back into schedule documents, byte for byte the same
//! every time.
//!
//! Two pure steps, no I/O:
//!
//! - **A CXone skill's live state → a [`Schedule`]** ([`skill_schedule_document`]). A skill
//!   holds a weekly schedule and nothing else a document needs, so:
//!   - `campaignId` is [`skill_campaign_id`]: a name-based UUID (version 5, RFC 9562) in our
//!     fixed namespace [`SKILL_CAMPAIGN_NAMESPACE`] of the name `"{tenantId}/{skillId}"`
//!     (the tenant id as the token's `tenantId` claim gives it, lower-cased hyphenated when
//!     it is a UUID): the same skill of the same tenant always exports the same campaign;
//!   - `timezone` is the primary IANA zone (CLDR) of the business unit's `defaultTimeZone`,
//!     the zone the skill's schedule runs in; a Windows zone CLDR gives none for is an error
//!     naming it;
//!   - `businessHoursDirective` and `maxConcurrentCalls` are not skill settings: they are
//!     [`DEFAULT_DIRECTIVE`] (`STRICT`) and [`DEFAULT_MAX_CONCURRENT_CALLS`] (`1`), the
//!     strictest values that validate (neither is written to a skill, so `plan` never
//!     compares them on CXone);
//!   - `skillIds` is `[skillId]`; `timeWindows` one per active day; an unscheduled skill
//!     (`isScheduled` false, or no active day) has `timeWindows: []`.
//!
//!   Which skills `--all` means is [`is_personal_connection`].
//! - **A schedule → document bytes** in a [`Format`] ([`document_bytes`]): keys in a fixed
//!   order (`campaignId`, `scheduleId` if any, `timezone`, `businessHoursDirective`,
//!   `maxConcurrentCalls`, `skillIds` if any, `timeWindows`, `compliance` only when it
//!   differs from the defaults, and then only its fields that differ), windows sorted
//!   (Monday first, then start, then end), times `HH:MM:SS`, strings always quoted, a
//!   trailing newline. JSON is pretty-printed with two spaces; TOML and YAML are written
//!   here by hand (every value is a string, an integer or a list of those), and every
//!   document is read back with the core's parser before it is returned, so an export
//!   never writes bytes that do not mean the schedule.

use cxsched_api::cxone::{BusinessUnit, DayHours, Skill, SkillSchedule, ZoneWindow};
use cxsched_core::compare::{canonical_windows, same_schedule};
use cxsched_core::model::weekday_name;
use cxsched_core::{
    Compliance, Directive, Format, Purpose, Schedule, TimeWindow, Weekday, parse_document,
    windows_zone, zone,
};
use serde_json::{Map, Value};
use uuid::Uuid;

/// The namespace of [`skill_campaign_id`]'s version 5 UUIDs (a random UUID, fixed forever:
/// changing it would give every exported skill a new campaign).
pub const SKILL_CAMPAIGN_NAMESPACE: Uuid = uuid::uuid!("d2d5bd1a-f0c6-4ea6-96ab-2b5246fb7c26");

/// `businessHoursDirective` of a document exported from a CXone skill.
pub const DEFAULT_DIRECTIVE: Directive = Directive::Strict;

/// `maxConcurrentCalls` of a document exported from a CXone skill.
pub const DEFAULT_MAX_CONCURRENT_CALLS: u16 = 1;

/// Weekdays Monday first, as [`SkillSchedule::days`] is indexed.
const WEEK: [Weekday; 7] = cxsched_core::model::WEEKDAYS;

/// The campaign id of a skill's exported document: UUID v5 of `"{tenant}/{skill}"` in
/// [`SKILL_CAMPAIGN_NAMESPACE`]. A tenant id that is a UUID is written lower-case and
/// hyphenated first, so its spelling in the token does not matter.
///
/// # Example
/// ```
/// use cxsched_engine::export::skill_campaign_id;
/// let a = skill_campaign_id("11111111-2222-4333-8444-555555555555", 101);
/// assert_eq!(a, skill_campaign_id("11111111-2222-4333-8444-555555555555", 101));
/// assert_ne!(a, skill_campaign_id("11111111-2222-4333-8444-555555555555", 102));
/// assert_eq!(a.get_version_num(), 5);
/// ```
pub fn skill_campaign_id(tenant_id: &str, skill_id: u64) -> Uuid {
    let tenant = tenant_id.trim();
    let tenant = Uuid::try_parse(tenant).map_or_else(|_| tenant.to_owned(), |u| u.to_string());
    uuid_v5(
        SKILL_CAMPAIGN_NAMESPACE,
        format!("{tenant}/{skill_id}").as_bytes(),
    )
}

/// Whether `--all` exports this skill: `GET /skills` lists every skill of the business unit
/// (inbound, chat, email, other outbound strategies), and only Personal Connection skills
/// have the weekly schedule a document describes — those whose `outboundStrategy` is
/// `Personal Connection` (case and spacing aside). Inactive ones count: their schedule is
/// state like any other.
///
/// # Example
/// ```
/// use cxsched_api::cxone::Skill;
/// use cxsched_engine::export::is_personal_connection;
/// let mut s = Skill { id: 1, name: "PC".into(), is_active: true,
///     outbound_strategy: Some("Personal Connection".into()), campaign_id: None, campaign_name: None };
/// assert!(is_personal_connection(&s));
/// s.outbound_strategy = None;
/// assert!(!is_personal_connection(&s));
/// ```
pub fn is_personal_connection(skill: &Skill) -> bool {
    skill.outbound_strategy.as_deref().is_some_and(|s| {
        s.split_whitespace()
            .collect::<String>()
            .eq_ignore_ascii_case("PersonalConnection")
    })
}

/// The file an export writes for a seed campaign or a CXone skill, without the folder.
pub fn file_name(id: &ExportId, format: Format) -> String {
    let ext = extension(format);
    match id {
        ExportId::Campaign(c) => format!("{c}.{ext}"),
        ExportId::Skill(s) => format!("skill-{s}.{ext}"),
    }
}

/// What one exported document is of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ExportId {
    /// A seed-platform campaign.
    Campaign(Uuid),
    /// A CXone skill.
    Skill(u64),
}

impl std::fmt::Display for ExportId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExportId::Campaign(c) => write!(f, "campaign {c}"),
            ExportId::Skill(s) => write!(f, "skill {s}"),
        }
    }
}

/// A format's file extension.
pub fn extension(format: Format) -> &'static str {
    match format {
        Format::Json => "json",
        Format::Toml => "toml",
        Format::Yaml => "yaml",
    }
}

/// The document a CXone skill's live state means (see the module docs for each field).
///
/// # Errors
/// A message naming the skill: the business unit's zone has no primary IANA zone in CLDR's
/// table (or the tz database lacks it), or an active day whose window a document cannot hold
/// (no times, or an end not after its start).
pub fn skill_schedule_document(
    tenant_id: &str,
    skill_id: u64,
    live: &SkillSchedule,
    zones: &[ZoneWindow],
    business_unit: &BusinessUnit,
) -> Result<Schedule, String> {
    let timezone = business_unit_zone(business_unit)?;
    let mut compliance = Compliance::default();
    compliance.recipients.zones = recipient_zones(zones, &timezone);
    let mut windows = Vec::new();
    if live.is_scheduled {
        for (day, hours) in WEEK.iter().zip(&live.days) {
            if let Some(w) = day_window(*day, hours).map_err(|why| {
                format!(
                    "skill {skill_id}: {} {why}",
                    weekday_name(*day).to_lowercase()
                )
            })? {
                windows.push(w);
            }
        }
    }
    Ok(Schedule {
        campaign_id: skill_campaign_id(tenant_id, skill_id),
        schedule_id: None,
        timezone,
        directive: DEFAULT_DIRECTIVE,
        max_concurrent_calls: DEFAULT_MAX_CONCURRENT_CALLS,
        windows,
        compliance,
        skill_ids: vec![skill_id],
    })
}

/// The recipient zones a skill's active time zones name: each active Windows zone's primary
/// IANA zone, sorted; none when the only one is the campaign's own zone (what a document
/// without recipients means). So a skill cxsched wrote from a document naming zones exports
/// to a document whose curfews compile to the same list. What the live state cannot say —
/// the recipients' states, and so the state rules behind narrower curfews — is not
/// recovered: `plan` then shows those curfews widening, for the operator to add the states.
fn recipient_zones(zones: &[ZoneWindow], campaign: &zone::Zone) -> Vec<String> {
    let mut names: Vec<String> = zones
        .iter()
        .filter(|z| z.active)
        .filter_map(|z| cxsched_core::windows_zone::primary_iana(&z.standard_name))
        .filter_map(|iana| zone::resolve(iana).ok())
        .map(|r| r.zone.canonical.to_string())
        .collect();
    names.sort();
    names.dedup();
    if names.len() == 1 && names[0] == *campaign.canonical {
        names.clear();
    }
    names
}

/// The zone a business unit's skill schedules run in, as a document names it.
///
/// # Errors
/// A message naming the Windows zone when CLDR gives it no primary IANA zone.
pub fn business_unit_zone(bu: &BusinessUnit) -> Result<zone::Zone, String> {
    let windows = &bu.default_time_zone;
    let iana = windows_zone::primary_iana(windows).ok_or_else(|| {
        format!(
            "the business unit's defaultTimeZone {windows:?} has no primary IANA zone in CLDR's \
             Windows↔IANA table (cldr {}), so no document timezone can be chosen for its skills; \
             set the business unit's zone to a Windows zone CLDR maps",
            windows_zone::cldr_version()
        )
    })?;
    zone::resolve(iana).map(|r| r.zone).map_err(|e| {
        format!(
            "the business unit's zone {windows:?} maps to {iana}: {}",
            e.message
        )
    })
}

/// One active day as a window; `None` for an inactive day.
fn day_window(day: Weekday, hours: &DayHours) -> Result<Option<TimeWindow>, String> {
    if !hours.active {
        return Ok(None);
    }
    match (hours.start, hours.end) {
        (Some(start), Some(end)) if start < end => Ok(Some(TimeWindow { day, start, end })),
        (Some(start), Some(end)) => Err(format!(
            "is active from {start} to {end}: a document's window must end after it starts \
             (one that crosses midnight is two windows, on two days); fix the skill's schedule"
        )),
        _ => Err("is active without both times".into()),
    }
}

/// The document of `schedule` in `format`, read back with the core's parser to be sure it
/// means `schedule`.
///
/// # Errors
/// A message when the bytes do not read back as the same schedule (a bug, or a value no
/// document can hold, such as a live schedule the validator rejects).
pub fn document_bytes(schedule: &Schedule, format: Format) -> Result<String, String> {
    let text = match format {
        Format::Json => to_json(schedule),
        Format::Toml => to_toml(schedule),
        Format::Yaml => to_yaml(schedule),
    };
    let back = parse_document(&text, format);
    match &back.schedule {
        Some(s)
            if same_schedule(schedule, s)
                && s.schedule_id == schedule.schedule_id
                && s.skill_ids == schedule.skill_ids
                && s.compliance == schedule.compliance
                && *s.timezone.name == *schedule.timezone.name =>
        {
            Ok(text)
        }
        Some(_) => Err(format!(
            "the {} document does not read back as the same schedule",
            extension(format)
        )),
        None => Err(format!(
            "the {} document does not validate: {}",
            extension(format),
            back.errors
                .iter()
                .map(|e| format!("{}: {}", e.path, e.message))
                .collect::<Vec<_>>()
                .join("; ")
        )),
    }
}

/// The document's tree, keys in the export's order.
pub fn document_value(schedule: &Schedule) -> Value {
    let mut doc = Map::new();
    for (key, value) in top_level(schedule) {
        doc.insert(key.into(), value);
    }
    let windows: Vec<Value> = canonical_windows(&schedule.windows)
        .iter()
        .map(|w| {
            Value::Object(
                window_fields(w)
                    .into_iter()
                    .map(|(k, v)| (k.into(), v))
                    .collect(),
            )
        })
        .collect();
    doc.insert("timeWindows".into(), Value::Array(windows));
    if let Some(c) = compliance_fields(&schedule.compliance) {
        let mut table = Map::new();
        for (k, v) in c.scalars {
            table.insert(k.into(), v);
        }
        if !c.recipients.is_empty() {
            table.insert(
                "recipients".into(),
                Value::Object(
                    c.recipients
                        .into_iter()
                        .map(|(k, v)| (k.into(), v))
                        .collect(),
                ),
            );
        }
        doc.insert("compliance".into(), Value::Object(table));
    }
    Value::Object(doc)
}

/// The scalar and list fields before `timeWindows`, in order.
fn top_level(s: &Schedule) -> Vec<(&'static str, Value)> {
    let mut out = vec![("campaignId", Value::from(s.campaign_id.to_string()))];
    if let Some(id) = s.schedule_id {
        out.push(("scheduleId", id.to_string().into()));
    }
    out.push(("timezone", (*s.timezone.name).into()));
    out.push(("businessHoursDirective", s.directive.as_str().into()));
    out.push(("maxConcurrentCalls", s.max_concurrent_calls.into()));
    if !s.skill_ids.is_empty() {
        out.push(("skillIds", s.skill_ids.clone().into()));
    }
    out
}

fn window_fields(w: &TimeWindow) -> [(&'static str, Value); 3] {
    [
        ("dayOfWeek", weekday_name(w.day).into()),
        ("startTime", w.start.to_string().into()),
        ("endTime", w.end.to_string().into()),
    ]
}

/// The `compliance` fields that differ from the defaults.
struct ComplianceFields {
    scalars: Vec<(&'static str, Value)>,
    recipients: Vec<(&'static str, Value)>,
}

fn compliance_fields(c: &Compliance) -> Option<ComplianceFields> {
    if *c == Compliance::default() {
        return None;
    }
    let default = Compliance::default();
    let mut scalars = Vec::new();
    if c.purpose != Purpose::Telemarketing {
        scalars.push(("purpose", c.purpose.as_str().into()));
    }
    if c.horizon_days != default.horizon_days {
        scalars.push(("horizonDays", c.horizon_days.into()));
    }
    if c.ruleset != default.ruleset {
        scalars.push(("ruleset", c.ruleset.clone().into()));
    }
    let r = &c.recipients;
    let mut recipients = Vec::new();
    if !r.zones.is_empty() {
        recipients.push(("zones", r.zones.clone().into()));
    }
    if !r.states.is_empty() {
        recipients.push(("states", r.states.clone().into()));
    }
    if let Some(f) = &r.phone_numbers_file {
        recipients.push(("phoneNumbersFile", f.clone().into()));
    }
    Some(ComplianceFields {
        scalars,
        recipients,
    })
}

fn to_json(schedule: &Schedule) -> String {
    // serde_json's pretty printer indents with two spaces; its maps keep insertion order
    // (the workspace enables `preserve_order`).
    let mut text = serde_json::to_string_pretty(&document_value(schedule))
        .expect("a JSON tree always serializes");
    text.push('\n');
    text
}

/// A scalar or a list of scalars, as TOML and YAML (flow style) both read it: strings in
/// JSON's double-quoted spelling, which both accept, so no value is ever read as another type.
fn inline(v: &Value) -> String {
    match v {
        Value::Array(items) => {
            format!(
                "[{}]",
                items.iter().map(inline).collect::<Vec<_>>().join(", ")
            )
        }
        other => other.to_string(),
    }
}

fn to_toml(schedule: &Schedule) -> String {
    let mut out = String::new();
    for (k, v) in top_level(schedule) {
        out.push_str(&format!("{k} = {}\n", inline(&v)));
    }
    let windows = canonical_windows(&schedule.windows);
    if windows.is_empty() {
        out.push_str("timeWindows = []\n");
    }
    for w in &windows {
        out.push_str("\n[[timeWindows]]\n");
        for (k, v) in window_fields(w) {
            out.push_str(&format!("{k} = {}\n", inline(&v)));
        }
    }
    if let Some(c) = compliance_fields(&schedule.compliance) {
        out.push_str("\n[compliance]\n");
        for (k, v) in &c.scalars {
            out.push_str(&format!("{k} = {}\n", inline(v)));
        }
        if !c.recipients.is_empty() {
            out.push_str("\n[compliance.recipients]\n");
            for (k, v) in &c.recipients {
                out.push_str(&format!("{k} = {}\n", inline(v)));
            }
        }
    }
    out
}

fn to_yaml(schedule: &Schedule) -> String {
    let mut out = String::new();
    for (k, v) in top_level(schedule) {
        out.push_str(&format!("{k}: {}\n", inline(&v)));
    }
    let windows = canonical_windows(&schedule.windows);
    if windows.is_empty() {
        out.push_str("timeWindows: []\n");
    } else {
        out.push_str("timeWindows:\n");
        for w in &windows {
            for (i, (k, v)) in window_fields(w).iter().enumerate() {
                let lead = if i == 0 { "  - " } else { "    " };
                out.push_str(&format!("{lead}{k}: {}\n", inline(v)));
            }
        }
    }
    if let Some(c) = compliance_fields(&schedule.compliance) {
        out.push_str("compliance:\n");
        for (k, v) in &c.scalars {
            out.push_str(&format!("  {k}: {}\n", inline(v)));
        }
        if !c.recipients.is_empty() {
            out.push_str("  recipients:\n");
            for (k, v) in &c.recipients {
                out.push_str(&format!("    {k}: {}\n", inline(v)));
            }
        }
    }
    out
}

/// A version 5 UUID (RFC 9562 §5.5): SHA-1 of the namespace's bytes and the name.
fn uuid_v5(namespace: Uuid, name: &[u8]) -> Uuid {
    Uuid::new_v5(&namespace, name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cxsched_core::{LocalTime, Recipients};

    fn t(h: u32, m: u32) -> LocalTime {
        LocalTime::from_hms(h, m, 0).unwrap()
    }

    fn bu(zone: &str) -> BusinessUnit {
        BusinessUnit {
            id: 4_600_001,
            name: "BU".into(),
            default_time_zone: zone.into(),
            time_zones: Vec::new(),
        }
    }

    fn hours(start: LocalTime, end: LocalTime) -> DayHours {
        DayHours {
            active: true,
            start: Some(start),
            end: Some(end),
        }
    }

    const TENANT: &str = "11111111-2222-4333-8444-555555555555";

    #[test]
    fn the_active_zones_become_the_recipients_and_the_campaign_zone_alone_is_no_recipient() {
        let z = |name: &str, active: bool| ZoneWindow {
            standard_name: name.into(),
            active,
            override_time: active,
            start: None,
            end: None,
        };
        let ny = zone::resolve("America/New_York").unwrap().zone;
        let live = [
            z("Eastern Standard Time", true),
            z("Central Standard Time", true),
            z("Pacific Standard Time", false),
        ];
        assert_eq!(
            recipient_zones(&live, &ny),
            ["America/Chicago", "America/New_York"]
        );
        assert!(recipient_zones(&live[..1], &ny).is_empty());
        assert!(recipient_zones(&[], &ny).is_empty());
    }

    #[test]
    fn uuid_v5_matches_pythons() {
        // Python's uuid.uuid5(uuid.NAMESPACE_DNS, "python.org").
        let dns = uuid::uuid!("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
        assert_eq!(
            uuid_v5(dns, b"python.org").to_string(),
            "886313e1-3b8a-5372-9b90-0c9aee199e5d"
        );
    }

    #[test]
    fn a_skills_campaign_id_is_stable_and_ignores_the_tenant_ids_spelling() {
        let id = skill_campaign_id(TENANT, 101);
        // Python: uuid.uuid5(UUID("d2d5bd1a-f0c6-4ea6-96ab-2b5246fb7c26"),
        //                    "11111111-2222-4333-8444-555555555555/101").
        assert_eq!(id.to_string(), EXPECTED_101);
        assert_eq!(id, skill_campaign_id(&TENANT.to_uppercase(), 101));
        assert_ne!(id, skill_campaign_id(TENANT, 1010));
        assert_ne!(
            id,
            skill_campaign_id("11111111-2222-4333-8444-555555555556", 101)
        );
    }

    const EXPECTED_101: &str = "468b02fc-90c7-5d25-a95c-73e3875196e5";

    #[test]
    fn personal_connection_skills_are_the_ones_with_that_strategy() {
        let skill = |s: Option<&str>| Skill {
            id: 1,
            name: String::new(),
            is_active: false,
            outbound_strategy: s.map(str::to_owned),
            campaign_id: None,
            campaign_name: None,
        };
        assert!(is_personal_connection(&skill(Some("Personal Connection"))));
        assert!(is_personal_connection(&skill(Some("personal  connection"))));
        assert!(is_personal_connection(&skill(Some("PersonalConnection"))));
        assert!(!is_personal_connection(&skill(Some("Manual"))));
        assert!(!is_personal_connection(&skill(Some("Progressive"))));
        assert!(!is_personal_connection(&skill(None)));
    }

    fn weekdays() -> SkillSchedule {
        let mut days = [DayHours::default(); 7];
        days[4] = hours(t(9, 0), t(17, 30));
        days[0] = hours(t(9, 0), t(17, 0));
        // Inactive days keep times the platform had; they mean nothing.
        days[6] = DayHours {
            active: false,
            start: Some(t(1, 0)),
            end: Some(t(2, 0)),
        };
        SkillSchedule {
            is_scheduled: true,
            days,
        }
    }

    #[test]
    fn a_skill_becomes_a_document_in_its_business_units_zone() {
        let s =
            skill_schedule_document(TENANT, 101, &weekdays(), &[], &bu("Eastern Standard Time"))
                .unwrap();
        assert_eq!(s.campaign_id, skill_campaign_id(TENANT, 101));
        assert_eq!(s.timezone.name, "America/New_York");
        assert_eq!(s.directive, Directive::Strict);
        assert_eq!(s.max_concurrent_calls, 1);
        assert_eq!(s.skill_ids, vec![101]);
        assert_eq!(
            s.windows,
            vec![
                TimeWindow {
                    day: Weekday::Monday,
                    start: t(9, 0),
                    end: t(17, 0)
                },
                TimeWindow {
                    day: Weekday::Friday,
                    start: t(9, 0),
                    end: t(17, 30)
                },
            ]
        );
        // What the engine would write for it is what the skill holds.
        assert!(crate::cxone::skill_schedule(&s).same_meaning(&weekdays()));
        assert!(crate::cxone::zone_issue(&s, &bu("Eastern Standard Time")).is_none());
        assert!(cxsched_core::cxone::limits(&s).is_empty());
    }

    #[test]
    fn an_unscheduled_skill_has_no_windows_and_still_validates() {
        let mut off = weekdays();
        off.is_scheduled = false;
        let s =
            skill_schedule_document(TENANT, 7, &off, &[], &bu("Eastern Standard Time")).unwrap();
        assert!(s.windows.is_empty());
        let none = SkillSchedule {
            is_scheduled: true,
            days: [DayHours::default(); 7],
        };
        let s2 =
            skill_schedule_document(TENANT, 7, &none, &[], &bu("Eastern Standard Time")).unwrap();
        assert!(s2.windows.is_empty());
        for f in [Format::Json, Format::Toml, Format::Yaml] {
            let text = document_bytes(&s, f).unwrap();
            let v = parse_document(&text, f);
            assert!(v.is_valid(), "{text}");
            assert!(
                v.warnings.iter().any(|w| w.path == "timeWindows"),
                "{:?}",
                v.warnings
            );
        }
    }

    #[test]
    fn a_zone_cldr_cannot_map_and_a_window_a_document_cannot_hold_are_errors_naming_them() {
        let e = skill_schedule_document(TENANT, 1, &weekdays(), &[], &bu("Mars Standard Time"))
            .unwrap_err();
        assert!(e.contains("\"Mars Standard Time\""), "{e}");
        let mut overnight = weekdays();
        overnight.days[2] = hours(t(22, 0), t(2, 0));
        let e = skill_schedule_document(TENANT, 9, &overnight, &[], &bu("Eastern Standard Time"))
            .unwrap_err();
        assert!(e.starts_with("skill 9: wednesday"), "{e}");
    }

    fn full() -> Schedule {
        let mut s =
            skill_schedule_document(TENANT, 101, &weekdays(), &[], &bu("Eastern Standard Time"))
                .unwrap();
        s.schedule_id = Some(uuid::uuid!("0f1c2a4e-7b8d-4c9e-a1f2-0123456789ab"));
        s.skill_ids = vec![101, 7];
        // Out of order, and two windows on one day: sorted by day, then start.
        s.windows = vec![
            TimeWindow {
                day: Weekday::Sunday,
                start: t(10, 0),
                end: t(12, 0),
            },
            TimeWindow {
                day: Weekday::Tuesday,
                start: t(13, 0),
                end: t(17, 0),
            },
            TimeWindow {
                day: Weekday::Tuesday,
                start: t(9, 0),
                end: t(12, 0),
            },
        ];
        s.compliance = Compliance {
            purpose: Purpose::DebtCollection,
            recipients: Recipients {
                zones: vec!["America/Chicago".into()],
                states: vec!["NY".into(), "NO".into()],
                phone_numbers_file: Some("numbers \"a\".txt".into()),
            },
            horizon_days: 30,
            ruleset: "us".into(),
            blackouts: Vec::new(),
        };
        s
    }

    #[test]
    fn json_has_the_fixed_key_order_sorted_windows_and_a_trailing_newline() {
        let text = document_bytes(&full(), Format::Json).unwrap();
        let keys: Vec<usize> = [
            "\"campaignId\"",
            "\"scheduleId\"",
            "\"timezone\"",
            "\"businessHoursDirective\"",
            "\"maxConcurrentCalls\"",
            "\"skillIds\"",
            "\"timeWindows\"",
            "\"compliance\"",
        ]
        .iter()
        .map(|k| text.find(k).unwrap_or_else(|| panic!("{k} in {text}")))
        .collect();
        assert!(keys.windows(2).all(|p| p[0] < p[1]), "{text}");
        assert!(text.ends_with("}\n") && !text.ends_with("\n\n"));
        assert!(
            text.contains("\n  \"timezone\": \"America/New_York\",\n"),
            "{text}"
        );
        let tue9 = text.find("\"09:00:00\"").unwrap();
        let tue13 = text.find("\"13:00:00\"").unwrap();
        let sun = text.find("\"SUNDAY\"").unwrap();
        assert!(tue9 < tue13 && tue13 < sun, "{text}");
        assert!(!text.contains("ruleset"), "defaults are left out: {text}");
    }

    #[test]
    fn every_format_reads_back_as_the_same_schedule() {
        for s in [
            full(),
            skill_schedule_document(TENANT, 101, &weekdays(), &[], &bu("Eastern Standard Time"))
                .unwrap(),
        ] {
            for f in [Format::Json, Format::Toml, Format::Yaml] {
                let text = document_bytes(&s, f).unwrap();
                assert!(text.ends_with('\n'));
                let back = parse_document(&text, f);
                let b = back
                    .schedule
                    .unwrap_or_else(|| panic!("{text}\n{:?}", back.errors));
                assert_eq!(b.campaign_id, s.campaign_id);
                assert_eq!(b.schedule_id, s.schedule_id);
                assert_eq!(b.skill_ids, s.skill_ids);
                assert_eq!(b.compliance, s.compliance);
                assert_eq!(b.windows, canonical_windows(&s.windows), "{text}");
                assert_eq!(document_bytes(&b, f).unwrap(), text, "a fixed point");
            }
        }
    }

    #[test]
    fn toml_and_yaml_look_like_this() {
        let s =
            skill_schedule_document(TENANT, 101, &weekdays(), &[], &bu("Eastern Standard Time"))
                .unwrap();
        let id = s.campaign_id;
        assert_eq!(
            document_bytes(&s, Format::Toml).unwrap(),
            format!(
                "campaignId = \"{id}\"\ntimezone = \"America/New_York\"\n\
                 businessHoursDirective = \"STRICT\"\nmaxConcurrentCalls = 1\nskillIds = [101]\n\
                 \n[[timeWindows]]\ndayOfWeek = \"MONDAY\"\nstartTime = \"09:00:00\"\n\
                 endTime = \"17:00:00\"\n\
                 \n[[timeWindows]]\ndayOfWeek = \"FRIDAY\"\nstartTime = \"09:00:00\"\n\
                 endTime = \"17:30:00\"\n"
            )
        );
        assert_eq!(
            document_bytes(&s, Format::Yaml).unwrap(),
            format!(
                "campaignId: \"{id}\"\ntimezone: \"America/New_York\"\n\
                 businessHoursDirective: \"STRICT\"\nmaxConcurrentCalls: 1\nskillIds: [101]\n\
                 timeWindows:\n  - dayOfWeek: \"MONDAY\"\n    startTime: \"09:00:00\"\n    \
                 endTime: \"17:00:00\"\n  - dayOfWeek: \"FRIDAY\"\n    startTime: \"09:00:00\"\n    \
                 endTime: \"17:30:00\"\n"
            )
        );
    }

    #[test]
    fn file_names() {
        assert_eq!(
            file_name(&ExportId::Skill(101), Format::Yaml),
            "skill-101.yaml"
        );
        let c = uuid::uuid!("3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab");
        assert_eq!(
            file_name(&ExportId::Campaign(c), Format::Toml),
            "3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab.toml"
        );
    }
}
