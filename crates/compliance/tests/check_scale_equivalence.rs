//! The check's spans stay maximal when every rule comes in versions (the scale benchmark's
//! `--versions 1`: each rule split in two at mid-horizon with the same hours): no two
//! findings of one window, target, code, rule and local times follow each other a week
//! apart. Cutting such a span in two would report the same thing twice.

mod reference;

use std::collections::BTreeMap;

use cxsched_compliance::recipients::{RecipientInput, resolve};
use cxsched_compliance::{AreaCodeTable, Horizon, RawFinding, RulePack, check};
use cxsched_core::Purpose;
use jiff::civil::date;
use reference::schedule;

/// What must be equal for two findings to be one span: window, target, code, rule, detail
/// and the local times of the occurrence relative to its campaign date.
fn span_key(f: &RawFinding) -> impl Ord + std::fmt::Debug + use<> {
    let base = i64::from(f.first) * 86_400;
    (
        f.window,
        f.target,
        f.code,
        f.rule,
        format!("{:?}", f.detail),
        f.start_ts + i64::from(f.start_offset) - base,
        f.end_ts + i64::from(f.end_offset) - base,
    )
}

#[test]
fn versioned_rules_keep_spans_maximal() {
    let from = date(2026, 1, 1);
    let days = 366;
    let change = date(2026, 7, 2);
    let mut pack = RulePack::embedded_us();
    pack.rules = pack
        .rules
        .iter()
        .flat_map(|r| {
            let (mut old, mut new) = (r.clone(), r.clone());
            (old.effective_from, old.effective_to) = (None, Some(change));
            (new.effective_from, new.effective_to) = (Some(change), None);
            [old, new]
        })
        .collect();
    let table = AreaCodeTable::embedded();
    let (states, zones) = (table.states(), table.zones());
    let horizon = Horizon::new(&pack, from, days);
    let windows = [
        ("MONDAY", 7 * 60, 8 * 60 + 30),
        ("TUESDAY", 20 * 60 + 30, 22 * 60),
        ("WEDNESDAY", 9 * 60, 17 * 60),
        ("SATURDAY", 7 * 60 + 45, 21 * 60 + 15),
        ("SUNDAY", 8 * 60, 20 * 60 + 45),
    ];
    for zone in ["America/New_York", "America/Phoenix", "Asia/Kolkata"] {
        let s = schedule(zone, &windows);
        let input = RecipientInput {
            zones: &zones,
            states: &states,
            phone_numbers: None,
        };
        let targets = resolve(&input, &s.timezone, || table).unwrap().targets;
        let report = check(&pack, &horizon, &s, Purpose::Telemarketing, &targets);
        let mut spans: BTreeMap<_, Vec<(i32, i32)>> = BTreeMap::new();
        for f in report.findings() {
            spans
                .entry(span_key(&f))
                .or_default()
                .push((f.first, f.last));
        }
        for (key, mut list) in spans {
            list.sort_unstable();
            for pair in list.windows(2) {
                assert_ne!(
                    pair[0].1 + 7,
                    pair[1].0,
                    "{zone}: one span cut in two: {key:?} {pair:?}"
                );
            }
        }
    }
}
