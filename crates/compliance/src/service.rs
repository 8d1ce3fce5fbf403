//! The document-check service: the one place that settles what the check of a document is
//! about — its purpose, horizon, recipients and blackouts, with whatever the caller puts over
//! the document's own — and judges it. `cxsched check` (every rendering: human, JSON, SARIF),
//! `report`, `fix` and the apply gate with its curfews all check through a [`Service`], so
//! "checked as `cxsched check` would" means one thing.
//!
//! A run makes one service (the rule pack, the overrides, the judgement) and asks it per
//! document: [`Service::prepare`] settles the recipients and horizon (reading a phone-number
//! file only when the document's own recipients are used), [`Service::judge`] makes the
//! findings and, under curfews, what effective dialing still meets along with the curfews
//! themselves. Horizons (holiday dates, zone timelines) are computed once per run and shared
//! by every document and thread that uses the same first date and length.
//!
//! Pure like the rest of the crate: the caller passes "now" and reads files.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use cxsched_core::model::Blackout;
use cxsched_core::{Date, Issue, Purpose, Schedule};
use jiff::Timestamp;

use crate::check::{Horizon, RawFinding, Report, check_with_blackouts};
use crate::effective::{self, Effective};
use crate::recipients::{self, AreaCodeTable, RecipientInput, Resolution};
use crate::report::{Context, Finding, finding, write_json};
use crate::rules::{RulePack, Severity};

/// How a schedule is judged: as written, or as the dialer will really dial it once the
/// CXone curfews are written (CONTRACT §7).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Judgement {
    /// Every occurrence as scheduled (the seed platform).
    #[default]
    Scheduled,
    /// Each occurrence cut to its recipients' curfews (CXone): hours a curfew removes are
    /// no finding; banned days, holidays and blackouts stay.
    UnderCurfews,
}

/// Recipients given in place of every document's own.
#[derive(Clone, Debug, Default)]
pub struct Recipients {
    pub zones: Vec<String>,
    pub states: Vec<String>,
    /// A phone-number file's name (for messages) and text.
    pub phone_numbers: Option<(String, String)>,
    /// How problems with them are located in messages (a flag's name, say).
    pub at: String,
}

/// What the caller puts over every document (flags, for the command line).
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub purpose: Option<Purpose>,
    pub horizon_days: Option<u32>,
    /// The first date checked; default: today in each campaign's zone.
    pub from: Option<Date>,
    /// Replace each document's `compliance.recipients`.
    pub recipients: Option<Recipients>,
    /// Added to each document's `compliance.blackouts`.
    pub blackouts: Vec<Blackout>,
    /// The pack was chosen by the caller: a document's `compliance.ruleset` may name any.
    pub any_ruleset: bool,
}

/// A document's settled purpose, horizon and recipients.
#[derive(Clone)]
pub struct Prepared {
    pub horizon: Arc<Horizon>,
    pub purpose: Purpose,
    pub resolution: Resolution,
}

/// What the check of a prepared document found: the findings in compact form (made into
/// words by [`Service::findings`] or [`Service::write_findings_json`]) and, under curfews,
/// the curfews.
#[derive(Clone)]
pub struct Checked {
    pub prepared: Prepared,
    /// Every finding of the check, with the blackouts they name.
    pub report: Report,
    /// Under curfews, per target: whether a curfew covers its zone (its hours findings are
    /// then not met by effective dialing, and left out).
    curfewed: Vec<bool>,
    /// Under curfews: the curfews and what each does to each window.
    pub effective: Option<Effective>,
}

impl Checked {
    /// The findings in report order; under curfews, only those effective dialing still
    /// meets.
    pub fn raw(&self) -> impl Iterator<Item = RawFinding> + '_ {
        self.report
            .findings()
            .filter(|f| effective::meets(f, &self.curfewed))
    }

    /// How many findings are errors, and how many warnings.
    pub fn counts(&self) -> (usize, usize) {
        self.raw().fold((0, 0), |(e, w), f| {
            if f.severity == Severity::Error {
                (e + 1, w)
            } else {
                (e, w + 1)
            }
        })
    }

    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.raw().any(|f| f.severity == Severity::Error)
    }
}

impl Prepared {
    /// The rule versions this check applied: every version of a rule for the purpose that
    /// reaches some recipient (its state, its zone) and is in force on some date of the
    /// horizon, as `ID` or `ID@VERSION` (a dated version), in pack order — what an audit
    /// entry names as the law a decision rested on.
    pub fn rules_in_force(&self, pack: &RulePack) -> Vec<String> {
        let from = self.horizon.from;
        let end = from
            .checked_add(jiff::Span::new().days(i64::from(self.horizon.days)))
            .unwrap_or(from);
        let targets = &self.resolution.targets;
        pack.rules
            .iter()
            .filter(|r| r.covers(self.purpose))
            .filter(|r| r.effective_from.is_none_or(|f| f < end))
            .filter(|r| r.effective_to.is_none_or(|t| from < t))
            .filter(|r| {
                targets.iter().any(|t| {
                    (r.state.is_none() || r.state == t.state) && r.reaches_zone(t.zone.canonical)
                })
            })
            .map(|r| match r.version() {
                Some(v) => format!("{}@{v}", r.id),
                None => r.id.clone(),
            })
            .collect()
    }
}

/// The check of one run: a rule pack, what is put over the documents, and the judgement.
pub struct Service {
    pack: RulePack,
    overrides: Overrides,
    judgement: Judgement,
    /// Asked once per document: a fast hash (the keys are a run's few horizons, not
    /// anyone's crafted input).
    horizons: Mutex<HashMap<(Date, u32), Arc<Horizon>, foldhash::fast::FixedState>>,
}

impl Service {
    pub fn new(pack: RulePack, overrides: Overrides, judgement: Judgement) -> Service {
        Service {
            pack,
            overrides,
            judgement,
            horizons: Mutex::default(),
        }
    }

    pub fn pack(&self) -> &RulePack {
        &self.pack
    }

    pub fn overrides(&self) -> &Overrides {
        &self.overrides
    }

    pub fn judgement(&self) -> Judgement {
        self.judgement
    }

    /// The horizon of `days` dates from `from`, computed once per run.
    pub fn horizon(&self, from: Date, days: u32) -> Arc<Horizon> {
        let mut map = self.horizons.lock().unwrap_or_else(|p| p.into_inner());
        Arc::clone(
            map.entry((from, days))
                .or_insert_with(|| Arc::new(Horizon::new(&self.pack, from, days))),
        )
    }

    /// The blackouts in force for `schedule`: its own and the overrides'.
    pub fn blackouts<'s>(&'s self, schedule: &'s Schedule) -> Cow<'s, [Blackout]> {
        if self.overrides.blackouts.is_empty() {
            Cow::Borrowed(&schedule.compliance.blackouts)
        } else {
            Cow::Owned(
                [
                    &schedule.compliance.blackouts[..],
                    &self.overrides.blackouts[..],
                ]
                .concat(),
            )
        }
    }

    /// Settles `schedule`'s purpose, horizon (from today in the campaign's zone at `now`
    /// unless given) and recipients (the overrides' or the document's, whose phone-number
    /// file `read_numbers` reads by the name the document gives: its display name and text).
    ///
    /// # Errors
    /// Every reason the check cannot be made, each with the field it comes from and what to
    /// do.
    pub fn prepare(
        &self,
        schedule: &Schedule,
        now: Timestamp,
        read_numbers: impl FnOnce(&str) -> Result<(String, String), String>,
    ) -> Result<Prepared, Vec<Issue>> {
        let c = &schedule.compliance;
        let o = &self.overrides;
        if !o.any_ruleset && c.ruleset != self.pack.name {
            return Err(vec![Issue {
                path: "compliance.ruleset".into(),
                message: format!(
                    "unknown rule pack {:?}; this build embeds {:?}: name it, or check against your own pack with `cxsched check --rules FILE`",
                    c.ruleset, self.pack.name
                ),
            }]);
        }
        let doc_numbers;
        let (input, at) = match &o.recipients {
            Some(r) => (
                RecipientInput {
                    zones: &r.zones,
                    states: &r.states,
                    phone_numbers: r.phone_numbers.as_ref().map(|(n, t)| (&**n, &**t)),
                },
                r.at.as_str(),
            ),
            None => {
                let r = &c.recipients;
                doc_numbers = r
                    .phone_numbers_file
                    .as_deref()
                    .map(read_numbers)
                    .transpose()
                    .map_err(|message| {
                        vec![Issue {
                            path: "compliance.recipients.phoneNumbersFile".into(),
                            message,
                        }]
                    })?;
                (
                    RecipientInput {
                        zones: &r.zones,
                        states: &r.states,
                        phone_numbers: doc_numbers.as_ref().map(|(n, t)| (&**n, &**t)),
                    },
                    "compliance.recipients",
                )
            }
        };
        let resolution = recipients::resolve(&input, &schedule.timezone, AreaCodeTable::embedded)
            .map_err(|errs| {
            errs.into_iter()
                .map(|message| Issue {
                    path: at.to_owned(),
                    message,
                })
                .collect::<Vec<_>>()
        })?;
        let from = o
            .from
            .unwrap_or_else(|| now.to_zoned_datetime(schedule.timezone.tz.clone()).date());
        Ok(Prepared {
            horizon: self.horizon(from, o.horizon_days.unwrap_or(c.horizon_days)),
            purpose: o.purpose.unwrap_or(c.purpose),
            resolution,
        })
    }

    /// Checks a prepared schedule: its findings over the horizon (the document's blackouts
    /// and the overrides'), and under curfews the curfews and the findings effective dialing
    /// still meets.
    pub fn judge(&self, schedule: &Schedule, prepared: Prepared) -> Checked {
        let targets = &prepared.resolution.targets;
        let report = check_with_blackouts(
            &self.pack,
            &prepared.horizon,
            schedule,
            prepared.purpose,
            targets,
            &self.blackouts(schedule),
        );
        let (effective, curfewed) = if self.judgement == Judgement::UnderCurfews {
            let e = effective::judge(
                &self.pack,
                prepared.purpose,
                targets,
                schedule,
                prepared.horizon.from,
                prepared.horizon.days,
            );
            let curfewed = e.curfewed(targets);
            (Some(e), curfewed)
        } else {
            (None, Vec::new())
        };
        Checked {
            prepared,
            report,
            curfewed,
            effective,
        }
    }

    /// What `checked` (a check of `schedule`) refers to.
    fn context<'a>(&'a self, schedule: &'a Schedule, checked: &'a Checked) -> Context<'a> {
        Context::of(
            &checked.report,
            &self.pack,
            schedule,
            &checked.prepared.resolution.targets,
        )
    }

    /// The findings of `checked` (a check of `schedule`) as people and reports read them.
    pub fn findings(&self, schedule: &Schedule, checked: &Checked) -> Vec<Finding> {
        let cx = self.context(schedule, checked);
        checked.raw().map(|f| finding(&f, cx)).collect()
    }

    /// Appends the findings of `checked` (a check of `schedule`) as a JSON array of the
    /// objects [`Service::findings`] makes, written without making them.
    pub fn write_findings_json(&self, schedule: &Schedule, checked: &Checked, out: &mut Vec<u8>) {
        let cx = self.context(schedule, checked);
        out.push(b'[');
        for (i, f) in checked.raw().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_json(out, &f, cx);
        }
        out.push(b']');
    }

    /// [`Service::prepare`] then [`Service::judge`].
    ///
    /// # Errors
    /// As [`Service::prepare`].
    pub fn check(
        &self,
        schedule: &Schedule,
        now: Timestamp,
        read_numbers: impl FnOnce(&str) -> Result<(String, String), String>,
    ) -> Result<Checked, Vec<Issue>> {
        let prepared = self.prepare(schedule, now, read_numbers)?;
        Ok(self.judge(schedule, prepared))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cxsched_core::{Format, parse_document};

    fn schedule(compliance: &str) -> Schedule {
        let text = format!(
            r#"{{"campaignId":"3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab","timezone":"America/Chicago",
            "businessHoursDirective":"STRICT","maxConcurrentCalls":10,
            "timeWindows":[{{"dayOfWeek":"MONDAY","startTime":"07:00:00","endTime":"22:00:00"}}],
            "compliance":{compliance}}}"#
        );
        let v = parse_document(&text, Format::Json);
        *v.schedule.unwrap_or_else(|| panic!("{:?}", v.errors))
    }

    fn now() -> Timestamp {
        "2027-01-04T12:00:00Z".parse().unwrap()
    }

    fn make(overrides: Overrides, judgement: Judgement) -> Service {
        Service::new(RulePack::embedded_us(), overrides, judgement)
    }

    fn states(states: &[&str]) -> Overrides {
        Overrides {
            recipients: Some(Recipients {
                states: states.iter().map(|s| s.to_string()).collect(),
                at: "--recipient-*".into(),
                ..Recipients::default()
            }),
            ..Overrides::default()
        }
    }

    fn no_file(name: &str) -> Result<(String, String), String> {
        panic!("{name} read, but no file should be")
    }

    #[test]
    fn the_horizon_starts_today_in_the_campaign_zone_unless_given() {
        let s = schedule(r#"{"horizonDays":7}"#);
        let service = make(Overrides::default(), Judgement::Scheduled);
        // 03:00 UTC on 2027-01-05 is still the 4th in Chicago.
        let late: Timestamp = "2027-01-05T03:00:00Z".parse().unwrap();
        let p = service.prepare(&s, late, no_file).unwrap();
        assert_eq!(
            (p.horizon.from, p.horizon.days),
            (jiff::civil::date(2027, 1, 4), 7)
        );
        let given = make(
            Overrides {
                from: Some(jiff::civil::date(2027, 3, 1)),
                horizon_days: Some(30),
                ..Overrides::default()
            },
            Judgement::Scheduled,
        );
        let p = given.prepare(&s, late, no_file).unwrap();
        assert_eq!(
            (p.horizon.from, p.horizon.days),
            (jiff::civil::date(2027, 3, 1), 30)
        );
        // One horizon per (from, days), shared.
        let again = given.prepare(&s, now(), no_file).unwrap();
        assert!(Arc::ptr_eq(&p.horizon, &again.horizon));
    }

    #[test]
    fn overriding_recipients_never_reads_the_documents_file() {
        let s = schedule(r#"{"recipients":{"phoneNumbersFile":"numbers.txt"}}"#);
        let service = make(states(&["TX"]), Judgement::Scheduled);
        let c = service.check(&s, now(), no_file).unwrap();
        assert!(c.has_errors());
        assert!(
            service
                .findings(&s, &c)
                .iter()
                .any(|f| f.rule.as_deref() == Some("US-TX"))
        );
        let bad = make(states(&["XX"]), Judgement::Scheduled);
        let problems = bad.prepare(&s, now(), no_file).err().expect("refused");
        assert_eq!(problems[0].path, "--recipient-*");
    }

    #[test]
    fn the_documents_file_is_read_and_its_failure_located() {
        let s = schedule(r#"{"recipients":{"phoneNumbersFile":"numbers.txt"}}"#);
        let service = make(Overrides::default(), Judgement::Scheduled);
        let p = service
            .prepare(&s, now(), |name| {
                assert_eq!(name, "numbers.txt");
                Ok(("numbers.txt".into(), "+12125550100\n".into()))
            })
            .unwrap();
        assert_eq!(p.resolution.targets.len(), 1);
        assert_eq!(p.resolution.targets[0].zone.canonical, "America/New_York");
        let problems = service
            .prepare(&s, now(), |_| Err("cannot read it".into()))
            .err()
            .expect("refused");
        assert_eq!(problems[0].path, "compliance.recipients.phoneNumbersFile");
        assert_eq!(problems[0].message, "cannot read it");
    }

    #[test]
    fn an_unknown_ruleset_is_refused_unless_the_pack_was_chosen() {
        let s = schedule(r#"{"ruleset":"acme"}"#);
        let embedded = make(Overrides::default(), Judgement::Scheduled);
        let problems = embedded.prepare(&s, now(), no_file).err().expect("refused");
        assert_eq!(problems[0].path, "compliance.ruleset");
        assert!(problems[0].message.contains("--rules FILE"));
        let chosen = make(
            Overrides {
                any_ruleset: true,
                ..Overrides::default()
            },
            Judgement::Scheduled,
        );
        assert!(chosen.prepare(&s, now(), no_file).is_ok());
    }

    #[test]
    fn under_curfews_the_hours_a_curfew_removes_are_no_finding() {
        // 07:00-22:00 Chicago into Chicago: outside 8-21 as written, legal once cut.
        let s = schedule(r#"{"horizonDays":14}"#);
        let scheduled = make(Overrides::default(), Judgement::Scheduled);
        let c = scheduled.check(&s, now(), no_file).unwrap();
        assert!(c.has_errors() && c.effective.is_none());
        let under = make(Overrides::default(), Judgement::UnderCurfews);
        let c = under.check(&s, now(), no_file).unwrap();
        assert!(!c.has_errors(), "{:?}", under.findings(&s, &c));
        let e = c.effective.expect("curfews");
        assert_eq!(e.curfews.curfews.len(), 1);
    }

    /// Connecticut moved its evening end from 9 pm to 8 pm on 2023-10-01: a horizon across
    /// the change names both versions, one after it only the new one; Florida's rules are
    /// not named for a Connecticut-only campaign.
    #[test]
    fn the_rules_in_force_name_each_version_the_horizon_reaches() {
        let s = schedule(r#"{"horizonDays":30}"#);
        let at = |from| {
            make(
                Overrides {
                    from: Some(from),
                    ..states(&["CT"])
                },
                Judgement::Scheduled,
            )
            .prepare(&s, now(), no_file)
            .unwrap_or_else(|e| panic!("{e:?}"))
            .rules_in_force(&RulePack::embedded_us())
        };
        let across = at(jiff::civil::date(2023, 9, 20));
        let ct: Vec<&String> = across.iter().filter(|r| r.starts_with("US-CT")).collect();
        assert_eq!(ct.len(), 2, "{across:?}");
        assert!(ct.iter().any(|r| r.ends_with("@2023-10-01")), "{across:?}");
        assert!(across.iter().any(|r| r.starts_with("US-FED")), "{across:?}");
        assert!(!across.iter().any(|r| r.starts_with("US-FL")), "{across:?}");
        let after = at(jiff::civil::date(2024, 1, 1));
        let ct: Vec<&String> = after.iter().filter(|r| r.starts_with("US-CT")).collect();
        assert_eq!(ct, [&"US-CT@2023-10-01".to_owned()], "{after:?}");
    }

    #[test]
    fn override_blackouts_join_the_documents() {
        let s = schedule(
            r#"{"horizonDays":14,"blackouts":[{"name":"Doc","from":"2027-01-04","to":"2027-01-04"}]}"#,
        );
        let extra = Blackout {
            name: "Flag".into(),
            from: jiff::civil::date(2027, 1, 11),
            to: jiff::civil::date(2027, 1, 11),
            ..s.compliance.blackouts[0].clone()
        };
        let service = make(
            Overrides {
                blackouts: vec![extra],
                ..Overrides::default()
            },
            Judgement::UnderCurfews,
        );
        let c = service.check(&s, now(), no_file).unwrap();
        let list = service.findings(&s, &c);
        let names: Vec<&str> = list
            .iter()
            .filter(|f| f.code == "BLACKOUT")
            .map(|f| f.message.as_str())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(names.iter().any(|m| m.contains("Doc")), "{names:?}");
        assert!(names.iter().any(|m| m.contains("Flag")), "{names:?}");
    }
}
