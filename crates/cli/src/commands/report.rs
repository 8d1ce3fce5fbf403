//! `cxsched report FILE… -o OUT.html`: one self-contained page (inline CSS and SVG, no
//! network, no external file; a little inline JavaScript sorts the findings table) that shows
//! what `check` decides, made from an askama template (`crates/cli/templates/report.html`).
//!
//! Per campaign: a week grid (Monday–Sunday × 24 h) per recipient zone with the windows in
//! that zone's local time on a reference week (the first full week of the horizon), the legal
//! hours and the illegal parts marked; a strip with every date of the horizon marking
//! holidays, prohibited days, blackouts and DST dates, each with its reason on hover; the
//! findings as a sortable table; recipients, presumptions, rule-pack and tzdb versions and
//! the disclaimer. The findings are `check`'s own judgement ([`super::check::judge`]), each
//! once, as a table row whose cells are `check --output json`'s fields (the end tags HTML
//! lets one omit are omitted). So that a campaign stays small, each hover text is written
//! once: in a grid, days with the same legal hours and windows with the same times are one
//! element whose text names the days and windows; the strip draws the unmarked dates as a
//! dashed line a weekday row, a run of a weekday's dates with the same marks (a banned
//! weekday) as one dashed line naming its dates, and only a date with marks of its own as a
//! square; the grids' rows and hour lines are drawn once a page and used by reference.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use askama::Template;
use cxsched_compliance::curfew::{DayHours, day_hours, zone_rules};
use cxsched_compliance::days::{date_of, day_number};
use cxsched_compliance::report::Finding;
use cxsched_compliance::rules::DayRule;
use cxsched_compliance::{RulePack, Target};
use cxsched_core::{Date, LocalTime, Purpose, Schedule, Zone, occurrences};
use jiff::Timestamp;

use super::check::{self, Judged, Setup};
use super::{Globals, Outcome, UsageError};
use crate::input;
use crate::output::{JsonOut, OutputMode};

#[derive(clap::Args, Debug)]
#[group(skip)]
#[command(mut_arg("jsonl", |a| a.hide(true)))]
pub struct Args {
    /// The page to write (HTML, self-contained).
    #[arg(short = 'o', long = "out", value_name = "OUT.html")]
    pub out: PathBuf,
    #[command(flatten)]
    pub check: check::Args,
}

const DAY_NAMES: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// The page.
#[derive(Template)]
#[template(path = "report.html")]
struct Page {
    ruleset: String,
    tzdb: String,
    disclaimer: String,
    campaigns: Vec<CampaignView>,
    total_findings: usize,
    week: WeekBackground,
}

/// One document of the run.
struct CampaignView {
    /// `c1`, `c2`, … (anchors and element ids).
    id: String,
    source: String,
    /// `pass`, `fail` or `invalid`.
    status: &'static str,
    campaign_id: String,
    timezone: String,
    purpose: String,
    from: String,
    last: String,
    days: u32,
    platform: &'static str,
    errors: usize,
    warnings: usize,
    /// Validation errors (an invalid document has nothing else).
    problems: Vec<String>,
    windows: Vec<String>,
    recipients: Vec<RecipientView>,
    presumptions: Vec<String>,
    curfews: Vec<String>,
    grids: Vec<Grid>,
    strip: Option<Strip>,
    findings: Vec<Finding>,
}

struct RecipientView {
    zone: String,
    state: String,
    basis: String,
}

/// A square of the strip (its size is the stylesheet's), with its hover text.
struct Rect {
    x: f64,
    y: f64,
    class: &'static str,
    title: String,
}

/// Boxes of one class that share one hover text (the same hours or the same window times
/// on several days): drawn as one element, so that the text is written once.
struct Shape {
    class: &'static str,
    title: String,
    /// (x, y, w, h).
    boxes: Vec<(f64, f64, f64, f64)>,
}

impl Shape {
    /// The boxes as one path (`M x y h w v h h -w z` each).
    fn path(&self) -> String {
        let mut d = String::new();
        for &(x, y, w, h) in &self.boxes {
            d.push_str(&format!("M{x} {y}h{w}v{h}h-{w}z"));
        }
        d
    }
}

struct Label {
    x: f64,
    y: f64,
    text: String,
}

/// The week grid of one recipient zone (its background, the rows and hour lines, is the
/// page's `week-bg`, drawn by reference).
struct Grid {
    zone: String,
    states: String,
    week: String,
    width: f64,
    height: f64,
    shapes: Vec<Shape>,
    labels: Vec<Label>,
    bad_minutes: i64,
}

/// What every week grid draws the same: the row bands, hour lines and hour labels.
struct WeekBackground {
    rows: String,
    hours: String,
    hour_labels: Vec<Label>,
}

/// A run of a weekday's consecutive dates with the same marks (a prohibited weekday, most
/// often), drawn as one dashed line of squares with one hover text.
struct Run {
    x1: f64,
    x2: f64,
    y: f64,
    class: &'static str,
    title: String,
}

/// Every date of the horizon, a column per week, a row per weekday, a block per 53 weeks.
struct Strip {
    width: f64,
    height: f64,
    /// The marked dates with marks of their own (the others are drawn by `rows`).
    cells: Vec<Rect>,
    /// Runs of marked dates with the same marks.
    runs: Vec<Run>,
    /// The unmarked background: per block and weekday, a dashed line of 11-px squares,
    /// one a week (x1, y, x2).
    rows: Vec<(f64, f64, f64)>,
    labels: Vec<Label>,
    marked: usize,
}

pub fn run(args: Args, globals: &Globals) -> anyhow::Result<Outcome> {
    if args.check.jsonl.is_some() {
        return Err(UsageError(
            "report shows documents given as FILE…; it does not take --jsonl".into(),
        )
        .into());
    }
    if args.check.files.is_empty() {
        return Err(UsageError("nothing to report: give FILE…".into()).into());
    }
    let setup = check::setup(&args.check.scope)?;
    let mut campaigns = Vec::new();
    let mut failed = false;
    for (n, path) in input::document_paths(&args.check.files)?
        .into_iter()
        .enumerate()
    {
        let loaded = input::load(&path);
        let judged = check::judge(&setup, &loaded.base_dir, &loaded.validation);
        let view = campaign(n + 1, &loaded.source, &setup, judged);
        failed |= view.status != "pass";
        campaigns.push(view);
    }
    let total_findings = campaigns.iter().map(|c| c.findings.len()).sum();
    let page = Page {
        ruleset: setup.ruleset.clone(),
        tzdb: cxsched_core::tzdb_version().to_owned(),
        disclaimer: setup.pack().disclaimer.clone(),
        total_findings,
        campaigns,
        week: week_background(),
    };
    let html = page
        .render()
        .map_err(|e| anyhow::anyhow!("rendering the page: {e}"))?;
    write_atomically(&args.out, html.as_bytes())?;
    let mut stdout = std::io::stdout().lock();
    let name = args.out.display().to_string();
    match globals.output {
        OutputMode::Json => {
            let mut out = Vec::new();
            JsonOut(&mut out)
                .raw(b"{")
                .key("out")
                .str(&name)
                .raw(b",")
                .key("campaigns")
                .uint(page.campaigns.len() as u64)
                .raw(b",")
                .key("findings")
                .uint(total_findings as u64)
                .raw(b",")
                .key("bytes")
                .uint(html.len() as u64)
                .raw(b"}\n");
            stdout.write_all(&out)?;
        }
        OutputMode::Human => {
            writeln!(
                stdout,
                "wrote {name}: {} campaigns, {total_findings} findings, {} bytes",
                page.campaigns.len(),
                html.len()
            )?;
        }
    }
    stdout.flush()?;
    Ok(Outcome::failed_if(failed))
}

/// Writes `bytes` to `path` through a temporary file in the same folder, renamed over it.
fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path.display();
    let file_name = path
        .file_name()
        .ok_or_else(|| UsageError(format!("{name}: not a file name")))?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        file_name.to_string_lossy(),
        std::process::id()
    ));
    let result = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(UsageError(format!("{name}: cannot write the report: {e}")).into());
    }
    Ok(())
}

fn campaign(n: usize, source: &str, setup: &Setup, judged: Judged<'_>) -> CampaignView {
    let Judged { v, checked } = judged;
    let mut view = CampaignView {
        id: format!("c{n}"),
        source: source.to_owned(),
        status: "invalid",
        campaign_id: String::new(),
        timezone: String::new(),
        purpose: String::new(),
        from: String::new(),
        last: String::new(),
        days: 0,
        platform: if setup.cxone { "cxone" } else { "seed" },
        errors: 0,
        warnings: 0,
        problems: Vec::new(),
        windows: Vec::new(),
        recipients: Vec::new(),
        presumptions: Vec::new(),
        curfews: Vec::new(),
        grids: Vec::new(),
        strip: None,
        findings: Vec::new(),
    };
    let (Some(c), Some(schedule)) = (checked, v.schedule.as_ref()) else {
        view.problems = v
            .errors
            .iter()
            .map(|i| {
                if i.path.is_empty() {
                    i.message.clone()
                } else {
                    format!("{}: {}", i.path, i.message)
                }
            })
            .collect();
        return view;
    };
    let horizon = &c.prepared.horizon;
    let targets = &c.prepared.resolution.targets;
    let purpose = c.prepared.purpose;
    (view.errors, view.warnings) = c.counts();
    view.status = if view.errors == 0 { "pass" } else { "fail" };
    view.campaign_id = schedule.campaign_id.to_string();
    view.timezone = schedule.timezone.name.to_string();
    view.purpose = purpose.as_str().to_owned();
    view.from = horizon.from.to_string();
    view.days = horizon.days;
    view.last = date_of(day_number(horizon.from) + horizon.days as i32 - 1).to_string();
    view.windows = schedule
        .windows
        .iter()
        .enumerate()
        .map(|(i, w)| format!("{i}: {} {}–{}", DAY_NAMES[wd(w.day)], w.start, w.end))
        .collect();
    view.recipients = targets
        .iter()
        .map(|t| RecipientView {
            zone: t.zone.canonical.to_string(),
            state: t.state.clone().unwrap_or_else(|| "—".into()),
            basis: t.basis.clone(),
        })
        .collect();
    view.presumptions = c.prepared.resolution.presumptions.clone();
    if let Some(e) = &c.effective {
        view.curfews = e
            .curfews
            .curfews
            .iter()
            .map(|cf| {
                format!(
                    "{}: {}–{} ({})",
                    cf.zone.canonical,
                    cf.start,
                    cf.end,
                    cf.rules.join(", ")
                )
            })
            .collect();
    }
    view.grids = zone_groups(targets)
        .into_iter()
        .map(|(zone, states)| {
            grid(
                setup.pack(),
                purpose,
                schedule,
                horizon.from,
                &zone,
                &states,
            )
        })
        .collect();
    view.strip = Some(strip(
        setup.pack(),
        purpose,
        schedule,
        targets,
        &setup.service.blackouts(schedule),
        horizon.from,
        horizon.days,
    ));
    view.findings = setup.service.findings(schedule, &c);
    view
}

fn wd(day: jiff::civil::Weekday) -> usize {
    day.to_monday_zero_offset() as usize
}

/// The targets' zones in order, each with the states reached there.
fn zone_groups(targets: &[Target]) -> Vec<(Zone, Vec<Option<String>>)> {
    let mut out: Vec<(Zone, Vec<Option<String>>)> = Vec::new();
    for t in targets {
        match out
            .iter_mut()
            .find(|(z, _)| z.canonical == t.zone.canonical)
        {
            Some((_, states)) => {
                if !states.contains(&t.state) {
                    states.push(t.state.clone());
                }
            }
            None => out.push((t.zone, vec![t.state.clone()])),
        }
    }
    out
}

/// The rules in force on `date` for recipients in `zone` in any of `states`.
fn rules_on(
    pack: &RulePack,
    purpose: Purpose,
    zone: &Zone,
    states: &[Option<String>],
    date: Date,
) -> Vec<usize> {
    zone_rules(pack, purpose, states.iter().map(|s| s.as_deref()))
        .into_iter()
        .filter(|&i| pack.rules[i].in_force(date) && pack.rules[i].reaches_zone(zone.canonical))
        .collect()
}

fn hhmm(secs: u32) -> String {
    format!("{:02}:{:02}", secs / 3600, secs % 3600 / 60)
}

fn ids(pack: &RulePack, rules: &[usize]) -> String {
    let mut v: Vec<&str> = rules.iter().map(|&i| pack.rules[i].id.as_str()).collect();
    v.dedup();
    v.join(", ")
}

// Week grid geometry (SVG user units).
const LABEL_W: f64 = 96.0;
const HOUR_W: f64 = 36.0;
const ROW_H: f64 = 30.0;
const TOP: f64 = 20.0;

fn x_of(secs: u32) -> f64 {
    LABEL_W + f64::from(secs) / 3600.0 * HOUR_W
}

/// The rows, hour lines and hour labels every week grid shares, drawn once on the page.
fn week_background() -> WeekBackground {
    let mut rows = String::new();
    for d in 0..7 {
        let y = TOP + f64::from(d) * ROW_H + 2.0;
        rows.push_str(&format!(
            "M{LABEL_W} {y}h{w}v{h}h-{w}z",
            w = 24.0 * HOUR_W,
            h = ROW_H - 4.0
        ));
    }
    let mut hours = String::new();
    let mut hour_labels = Vec::new();
    let bottom = TOP + 7.0 * ROW_H;
    for h in (0..=24).step_by(3) {
        let x = x_of(h * 3600);
        hours.push_str(&format!("M{x} {}V{bottom}", TOP - 4.0));
        hour_labels.push(Label {
            x: x - 6.0,
            y: TOP - 6.0,
            text: format!("{h:02}"),
        });
    }
    WeekBackground {
        rows,
        hours,
        hour_labels,
    }
}

/// Boxes being merged under a key (the hover text less its days and windows), with the
/// members' local weekdays and windows to name in the text.
struct Group {
    class: &'static str,
    key: String,
    /// (local weekday, window).
    members: Vec<(usize, Option<usize>)>,
    boxes: Vec<(f64, f64, f64, f64)>,
}

/// The groups of a grid, in first-seen order.
#[derive(Default)]
struct Shapes {
    groups: Vec<Group>,
}

impl Shapes {
    fn add(
        &mut self,
        class: &'static str,
        key: String,
        member: (usize, Option<usize>),
        b: (f64, f64, f64, f64),
    ) {
        match self
            .groups
            .iter_mut()
            .find(|g| g.class == class && g.key == key)
        {
            Some(g) => {
                g.members.push(member);
                g.boxes.push(b);
            }
            None => self.groups.push(Group {
                class,
                key,
                members: vec![member],
                boxes: vec![b],
            }),
        }
    }
}

/// `Monday`, `Monday, Wednesday`, `Monday–Friday` (three or more in a row): the names of
/// `items` (sorted, no repeats), consecutive runs shortened.
fn run_list(items: &[usize], name: impl Fn(usize) -> String) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < items.len() {
        let mut j = i;
        while j + 1 < items.len() && items[j + 1] == items[j] + 1 {
            j += 1;
        }
        if j - i >= 2 {
            parts.push(format!("{}–{}", name(items[i]), name(items[j])));
        } else {
            parts.extend(items[i..=j].iter().map(|&k| name(k)));
        }
        i = j + 1;
    }
    parts.join(", ")
}

/// The week grid of one recipient zone on the first full week (Monday to Sunday) of the
/// horizon.
///
/// A grid names each part's hours and rules on hover. Days with the same legal hours, and
/// windows with the same times, are one element with one text naming the days (windows)
/// it covers, rather than an element a day with the text repeated.
fn grid(
    pack: &RulePack,
    purpose: Purpose,
    schedule: &Schedule,
    from: Date,
    zone: &Zone,
    states: &[Option<String>],
) -> Grid {
    let monday = date_of(day_number(from) + (7 - wd(from.weekday()) as i32) % 7);
    let mut shapes = Shapes::default();
    let mut labels = Vec::new();
    // Per weekday of the zone's local week: the hours the law allows, and why (without the
    // day's name).
    let mut allowed: Vec<Option<(u32, u32)>> = Vec::with_capacity(7);
    let mut why: Vec<String> = Vec::with_capacity(7);
    for (d, day_name) in DAY_NAMES.iter().enumerate() {
        let date = date_of(day_number(monday) + d as i32);
        let y = TOP + d as f64 * ROW_H;
        labels.push(Label {
            x: 4.0,
            y: y + ROW_H * 0.62,
            text: format!("{} {}", &day_name[..3], date.strftime("%m-%d")),
        });
        let rules = rules_on(pack, purpose, zone, states, date);
        let hours = day_hours(pack, &rules, date.weekday(), |_| false);
        match hours {
            DayHours::Closed(by) => {
                let reason = format!(
                    "no calls in {} ({} prohibits the day)",
                    zone.canonical,
                    ids(pack, &by)
                );
                let b = (LABEL_W, y + 2.0, 24.0 * HOUR_W, ROW_H - 4.0);
                shapes.add("closed", reason.clone(), (d, None), b);
                allowed.push(None);
                why.push(reason);
            }
            DayHours::Open {
                open,
                close,
                open_by,
                close_by,
            } => {
                let text = format!(
                    "legal {}–{} in {} (opens: {}; closes: {})",
                    hhmm(open),
                    hhmm(close),
                    zone.canonical,
                    ids(pack, &open_by),
                    ids(pack, &close_by)
                );
                if open < close {
                    let b = (x_of(open), y + 2.0, x_of(close) - x_of(open), ROW_H - 4.0);
                    shapes.add("legal", text.clone(), (d, None), b);
                    allowed.push(Some((open, close)));
                } else {
                    allowed.push(None);
                }
                why.push(text);
            }
        }
    }
    let mut bad_minutes = 0i64;
    for o in occurrences(schedule, monday, 7) {
        if o.is_void() {
            continue;
        }
        let w = &schedule.windows[o.window];
        let times = format!("{}–{} {}", w.start, w.end, schedule.timezone.name);
        for (day, s, e) in local_segments(o.start, o.end, zone) {
            let y = TOP + day as f64 * ROW_H;
            // Windows merge when their times, their local times and the local day's offset
            // from the campaign day agree.
            let shift = (day + 7 - wd(w.day)) % 7;
            let local = format!("{}–{} in {}", hhmm(s), hhmm(e), zone.canonical);
            shapes.add(
                "win",
                format!("{times}|{shift}|{local}"),
                (day, Some(o.window)),
                (x_of(s), y + 8.0, x_of(e) - x_of(s), ROW_H - 16.0),
            );
            let mut bad = Vec::new();
            match allowed[day] {
                None => bad.push((s, e)),
                Some((open, close)) => {
                    if s < open {
                        bad.push((s, e.min(open)));
                    }
                    if e > close {
                        bad.push((s.max(close), e));
                    }
                }
            }
            for (bs, be) in bad.into_iter().filter(|(a, b)| a < b) {
                bad_minutes += i64::from(be - bs) / 60;
                shapes.add(
                    "bad",
                    format!(
                        "{times}|{shift}|{}–{} in {}|{}",
                        hhmm(bs),
                        hhmm(be),
                        zone.canonical,
                        why[day]
                    ),
                    (day, Some(o.window)),
                    (x_of(bs), y + 8.0, x_of(be) - x_of(bs), ROW_H - 16.0),
                );
            }
        }
    }
    // Windows under their illegal parts, whatever order the groups were first seen in.
    let mut groups = shapes.groups;
    groups.sort_by_key(|g| match g.class {
        "win" => 1,
        "bad" => 2,
        _ => 0,
    });
    let shapes = groups
        .into_iter()
        .map(
            |Group {
                 class,
                 key,
                 members,
                 boxes,
             }| {
                let mut days: Vec<usize> = members.iter().map(|m| m.0).collect();
                days.sort_unstable();
                days.dedup();
                let long_days = run_list(&days, |d| DAY_NAMES[d].to_owned());
                let short_days = run_list(&days, |d| DAY_NAMES[d][..3].to_owned());
                let title = match class {
                    "legal" | "closed" => format!("{long_days}: {key}"),
                    _ => {
                        let mut windows: Vec<usize> = members.iter().filter_map(|m| m.1).collect();
                        windows.sort_unstable();
                        windows.dedup();
                        let mut window_days: Vec<usize> = windows
                            .iter()
                            .map(|&i| wd(schedule.windows[i].day))
                            .collect();
                        window_days.sort_unstable();
                        window_days.dedup();
                        let (one, many) = (windows.len() == 1, windows.len() > 1);
                        let label = format!(
                            "window{} {} ({} {})",
                            if many { "s" } else { "" },
                            run_list(&windows, |i| i.to_string()),
                            run_list(&window_days, |d| DAY_NAMES[d].to_owned()),
                            key.split('|').next().unwrap_or_default(),
                        );
                        let mut parts = key.split('|').skip(2);
                        let local = parts.next().unwrap_or_default();
                        if class == "win" {
                            format!("{label}: {short_days} {local}")
                        } else {
                            format!(
                                "illegal: {label} dial{} {short_days} {local}; {long_days}: {}",
                                if one { "s" } else { "" },
                                parts.next().unwrap_or_default()
                            )
                        }
                    }
                };
                Shape {
                    class,
                    title,
                    boxes,
                }
            },
        )
        .collect();
    let states: Vec<&str> = states.iter().filter_map(|s| s.as_deref()).collect();
    Grid {
        zone: zone.canonical.to_string(),
        states: if states.is_empty() {
            "no state (federal rules)".into()
        } else {
            states.join(", ")
        },
        week: format!("{} to {}", monday, date_of(day_number(monday) + 6)),
        width: x_of(LocalTime::DAY) + 8.0,
        height: TOP + 7.0 * ROW_H + 4.0,
        shapes,
        labels,
        bad_minutes,
    }
}

/// `[start, end)` cut at the zone's local midnights: (weekday Monday = 0, start, end) in
/// seconds of local clock time.
fn local_segments(start: Timestamp, end: Timestamp, zone: &Zone) -> Vec<(usize, u32, u32)> {
    let mut out = Vec::new();
    let mut cur = start;
    while cur < end {
        let z = cur.to_zoned_datetime(zone.tz.clone());
        let date = z.date();
        let t = z.time();
        let s = t.hour() as u32 * 3600 + t.minute() as u32 * 60 + t.second() as u32;
        let next = date
            .tomorrow()
            .ok()
            .and_then(|d| d.to_zoned_datetime(zone.tz.clone()).ok())
            .map(|z| z.timestamp());
        let Some(next) = next.filter(|n| *n > cur) else {
            break;
        };
        let (seg_end, e) = if end < next {
            let t = end.to_zoned_datetime(zone.tz.clone()).time();
            (
                end,
                t.hour() as u32 * 3600 + t.minute() as u32 * 60 + t.second() as u32,
            )
        } else {
            (next, LocalTime::DAY)
        };
        if e > s {
            out.push((wd(date.weekday()), s, e));
        }
        cur = seg_end;
    }
    out
}

// Strip geometry.
const CELL: f64 = 13.0;
const STRIP_LEFT: f64 = 34.0;
const WEEKS_A_BLOCK: i32 = 53;
const BLOCK_H: f64 = 16.0 + 7.0 * CELL + 8.0;

/// Every date of the horizon with what marks it.
fn strip(
    pack: &RulePack,
    purpose: Purpose,
    schedule: &Schedule,
    targets: &[Target],
    blackouts: &[cxsched_core::model::Blackout],
    from: Date,
    days: u32,
) -> Strip {
    let first = day_number(from);
    let last = first + days as i32 - 1;
    // Holidays of every calendar over the horizon.
    let holidays: Vec<HashMap<i32, Vec<(String, bool)>>> = pack
        .calendars
        .iter()
        .map(|c| {
            let mut m: HashMap<i32, Vec<(String, bool)>> = HashMap::new();
            for h in c.between(first, last) {
                m.entry(h.day)
                    .or_default()
                    .push((c.holidays[h.holiday].name.clone(), h.observed));
            }
            m
        })
        .collect();
    let mut zones: Vec<&Zone> = vec![&schedule.timezone];
    for t in targets {
        if !zones.iter().any(|z| z.canonical == t.zone.canonical) {
            zones.push(&t.zone);
        }
    }
    let week0 = first - wd(from.weekday()) as i32;
    let mut cells = Vec::new();
    /// Consecutive same-weekday dates of one strip row with the same marks.
    struct Marks {
        key: (i32, usize),
        x1: f64,
        x2: f64,
        y: f64,
        class: &'static str,
        first: Date,
        last: Date,
        dates: usize,
        reasons: Vec<String>,
    }
    let mut marks: Vec<Marks> = Vec::new();
    // (block, weekday) -> (y, first x, last x) of the dates of the horizon.
    let mut spans: Vec<((i32, usize), f64, f64, f64)> = Vec::new();
    let mut labels = Vec::new();
    let mut marked = 0;
    let blocks = ((last - week0) / 7) / WEEKS_A_BLOCK + 1;
    for b in 0..blocks {
        for (r, name) in DAY_NAMES.iter().enumerate() {
            if r % 2 == 0 {
                labels.push(Label {
                    x: 2.0,
                    y: f64::from(b) * BLOCK_H + 16.0 + r as f64 * CELL + CELL * 0.8,
                    text: name[..3].to_owned(),
                });
            }
        }
    }
    for n in first..=last {
        let date = date_of(n);
        let mut reasons: Vec<String> = Vec::new();
        let mut class = "day";
        let mut mark = |c: &'static str, why: String, class: &mut &'static str| {
            let rank = |c: &str| match c {
                "blackout" => 4,
                "holiday" => 3,
                "prohibited" => 2,
                "dst" => 1,
                _ => 0,
            };
            if rank(c) > rank(class) {
                *class = c;
            }
            if !reasons.contains(&why) {
                reasons.push(why);
            }
        };
        for t in targets {
            let states = [t.state.clone()];
            let who = match &t.state {
                Some(s) => format!("{s}, {}", t.zone.canonical),
                None => t.zone.canonical.to_string(),
            };
            for ri in rules_on(pack, purpose, &t.zone, &states, date) {
                let rule = &pack.rules[ri];
                if rule.day(date.weekday()) == DayRule::Prohibited {
                    mark(
                        "prohibited",
                        format!(
                            "prohibited day: {} bans calls on {}s ({who})",
                            rule.id,
                            DAY_NAMES[wd(date.weekday())]
                        ),
                        &mut class,
                    );
                }
                if let Some(ci) = rule.holidays {
                    for (name, observed) in holidays[ci].get(&n).into_iter().flatten() {
                        let obs = if *observed { " (observed)" } else { "" };
                        mark(
                            "holiday",
                            format!(
                                "holiday: {name}{obs}, {} calendar; {} bans calls ({who})",
                                pack.calendars[ci].id, rule.id
                            ),
                            &mut class,
                        );
                    }
                }
            }
        }
        for b in blackouts.iter().filter(|b| b.from <= date && date <= b.to) {
            let reaches = (b.states.is_empty() && b.zones.is_empty())
                || targets.iter().any(|t| {
                    t.state.as_ref().is_some_and(|s| b.states.contains(s))
                        || b.zones
                            .iter()
                            .any(|z| **z == *t.zone.name || **z == *t.zone.canonical)
                });
            if reaches {
                let mut why = format!("blackout: {} ({} to {})", b.name, b.from, b.to);
                if let Some(r) = &b.reason {
                    why.push_str(&format!("; {r}"));
                }
                if let Some(s) = &b.source {
                    why.push_str(&format!("; source: {s}"));
                }
                mark("blackout", why, &mut class);
            }
        }
        for z in &zones {
            let at = |d: Date| {
                d.to_zoned_datetime(z.tz.clone())
                    .ok()
                    .map(|zd| z.tz.to_offset(zd.timestamp()))
            };
            if let (Some(a), Some(b)) = (at(date), date.tomorrow().ok().and_then(at)) {
                if a != b {
                    mark(
                        "dst",
                        format!("DST: {} changes from UTC{a} to UTC{b}", z.canonical),
                        &mut class,
                    );
                }
            }
        }
        let week = (n - week0) / 7;
        let (block, col) = (week / WEEKS_A_BLOCK, week % WEEKS_A_BLOCK);
        let x = STRIP_LEFT + f64::from(col) * CELL;
        let y0 = f64::from(block) * BLOCK_H;
        if date.day() == 1 || n == first {
            labels.push(Label {
                x,
                y: y0 + 11.0,
                text: date.strftime("%b").to_string(),
            });
        }
        let y = y0 + 16.0 + wd(date.weekday()) as f64 * CELL;
        let key = (block, wd(date.weekday()));
        match spans.iter_mut().find(|(k, _, _, _)| *k == key) {
            Some(span) => span.3 = x,
            None => spans.push((key, y, x, x)),
        }
        if reasons.is_empty() {
            continue;
        }
        marked += 1;
        // The same marks as the same weekday's date a week before: one run.
        match marks.iter_mut().rev().find(|m| m.key == key) {
            Some(m) if m.x2 == x - CELL && m.class == class && m.reasons == reasons => {
                m.x2 = x;
                m.last = date;
                m.dates += 1;
            }
            _ => marks.push(Marks {
                key,
                x1: x,
                x2: x,
                y,
                class,
                first: date,
                last: date,
                dates: 1,
                reasons,
            }),
        }
    }
    let mut runs = Vec::new();
    for m in marks {
        let name = DAY_NAMES[wd(m.first.weekday())];
        let mut title = if m.dates == 1 {
            format!("{} {name}", m.first)
        } else {
            format!("{name}s from {} to {} ({} dates)", m.first, m.last, m.dates)
        };
        for r in &m.reasons {
            title.push('\n');
            title.push_str(r);
        }
        if m.dates == 1 {
            cells.push(Rect {
                x: m.x1,
                y: m.y,
                class: m.class,
                title,
            });
        } else {
            runs.push(Run {
                x1: m.x1,
                x2: m.x2 + CELL - 2.0,
                y: m.y + (CELL - 2.0) / 2.0,
                class: m.class,
                title,
            });
        }
    }
    Strip {
        width: STRIP_LEFT + f64::from(WEEKS_A_BLOCK.min((last - week0) / 7 + 1)) * CELL + 4.0,
        height: f64::from(blocks) * BLOCK_H,
        cells,
        runs,
        rows: spans
            .into_iter()
            .map(|(_, y, a, b)| (a, y + (CELL - 2.0) / 2.0, b + CELL - 2.0))
            .collect(),
        labels,
        marked,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cxsched_compliance::{AreaCodeTable, RecipientInput};
    use cxsched_core::{Format, parse_document};

    fn schedule(zone: &str, days: &[&str]) -> Schedule {
        let windows: Vec<String> = days
            .iter()
            .map(|d| {
                format!(r#"{{"dayOfWeek":"{d}","startTime":"08:00:00","endTime":"18:30:00"}}"#)
            })
            .collect();
        let text = format!(
            r#"{{"campaignId":"3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab","timezone":"{zone}","businessHoursDirective":"STRICT","maxConcurrentCalls":5,"timeWindows":[{}]}}"#,
            windows.join(",")
        );
        *parse_document(&text, Format::Json)
            .schedule
            .expect("a valid document")
    }

    fn zone(name: &str) -> Zone {
        cxsched_core::zone::resolve(name).expect("a zone").zone
    }

    #[test]
    fn runs_of_three_or_more_are_shortened() {
        let day = |d: usize| DAY_NAMES[d].to_owned();
        assert_eq!(run_list(&[0, 1, 2, 3, 4], day), "Monday–Friday");
        assert_eq!(run_list(&[0, 1], day), "Monday, Tuesday");
        assert_eq!(
            run_list(&[0, 2, 3, 4, 6], day),
            "Monday, Wednesday–Friday, Sunday"
        );
        assert_eq!(run_list(&[3], |i| i.to_string()), "3");
    }

    /// Windows with the same times on several days are one element whose hover text names
    /// them all; a window alone keeps the text of one.
    #[test]
    fn a_grid_names_every_day_and_window_a_shape_covers() {
        let pack = RulePack::embedded_us();
        let from = jiff::civil::date(2026, 12, 1);
        let states = [Some("TX".to_owned())];
        let chicago = zone("America/Chicago");
        let days = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"];
        let s = schedule("America/New_York", &days);
        let g = grid(&pack, Purpose::Telemarketing, &s, from, &chicago, &states);
        let win: Vec<&Shape> = g.shapes.iter().filter(|s| s.class == "win").collect();
        assert_eq!(win.len(), 1);
        assert_eq!(win[0].boxes.len(), 5);
        assert_eq!(
            win[0].title,
            "windows 0–4 (Monday–Friday 08:00:00–18:30:00 America/New_York): Mon–Fri 07:00–17:30 in America/Chicago"
        );
        let bad = g
            .shapes
            .iter()
            .find(|s| s.class == "bad")
            .expect("an illegal part");
        assert!(
            bad.title.starts_with(
                "illegal: windows 0–4 (Monday–Friday 08:00:00–18:30:00 America/New_York) dial Mon–Fri 07:00–"
            ),
            "{}",
            bad.title
        );
        assert!(
            bad.title.contains("; Monday–Friday: legal "),
            "{}",
            bad.title
        );
        // The legal hours under the windows, the windows under the illegal parts.
        let rank = |c: &str| match c {
            "win" => 1,
            "bad" => 2,
            _ => 0,
        };
        assert!(
            g.shapes
                .windows(2)
                .all(|p| rank(p[0].class) <= rank(p[1].class)),
            "{:?}",
            g.shapes.iter().map(|s| s.class).collect::<Vec<_>>()
        );

        let one = schedule("America/New_York", &["MONDAY"]);
        let g = grid(&pack, Purpose::Telemarketing, &one, from, &chicago, &states);
        let win = g
            .shapes
            .iter()
            .find(|s| s.class == "win")
            .expect("the window");
        assert_eq!(
            win.title,
            "window 0 (Monday 08:00:00–18:30:00 America/New_York): Mon 07:00–17:30 in America/Chicago"
        );
    }

    /// A weekday's dates with the same marks are one run naming its dates; a date with marks
    /// of its own stays a square; together they cover every marked date.
    #[test]
    fn the_strip_draws_runs_of_the_same_marks() {
        let pack = RulePack::embedded_us();
        let s = schedule("America/Denver", &["SUNDAY"]);
        let states = ["UT".to_owned()];
        let input = RecipientInput {
            zones: &[],
            states: &states,
            phone_numbers: None,
        };
        let targets =
            cxsched_compliance::recipients::resolve(&input, &s.timezone, AreaCodeTable::embedded)
                .expect("a known state")
                .targets;
        let from = jiff::civil::date(2026, 12, 1);
        let strip = strip(&pack, Purpose::Telemarketing, &s, &targets, &[], from, 366);
        assert!(!strip.runs.is_empty());
        let run = &strip.runs[0];
        assert!(
            run.title.starts_with("Sundays from 2026-12-06 to "),
            "{}",
            run.title
        );
        assert!(
            run.title
                .contains("\nprohibited day: US-UT bans calls on Sundays")
        );
        let in_runs: usize = strip
            .runs
            .iter()
            .map(|r| ((r.x2 - r.x1 + 2.0) / CELL) as usize)
            .sum();
        assert_eq!(in_runs + strip.cells.len(), strip.marked);
        // The spring DST Sunday has a mark of its own besides the ban.
        let dst = strip
            .cells
            .iter()
            .find(|c| c.title.starts_with("2027-03-14 Sunday"))
            .expect("the DST date alone");
        assert!(dst.title.contains("\nDST: America/Denver"), "{}", dst.title);
    }
}
