//! The horizon a check decides and what every schedule checked over it shares: holiday
//! dates, zone timelines, the dates next to transitions and the split of the horizon per
//! (campaign zone, target zone) pair, each computed once and used by all threads.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use cxsched_core::{Purpose, Zone};
use jiff::civil::Date;

use super::judge::ActiveRule;
use super::rank;
use crate::days::{DAY_SECONDS, DayNumber, date_of, day_number};
use crate::holidays::HolidayDay;
use crate::rules::RulePack;
use crate::timeline::Timeline;

/// Maps keyed by state names, looked up for every document checked: a fast hash.
type NameMap<V> = HashMap<Arc<str>, V, foldhash::fast::FixedState>;

/// Maps keyed by zone names (the bundled database's own, [`Zone::canonical`]).
type ZoneMap<V> = HashMap<&'static str, V, foldhash::fast::FixedState>;

/// The federal rules of a zone's pass by purpose and target zone ([`Horizon::federal`]).
type FederalRules = HashMap<(Purpose, &'static str), Arc<[ActiveRule]>, foldhash::fast::FixedState>;

/// The dates a check decides, and what is shared by every schedule checked over them:
/// holiday dates of each calendar and zone timelines (computed once, used by all threads).
pub struct Horizon {
    pub from: Date,
    pub days: u32,
    pub(super) first: DayNumber,
    pub(super) last: DayNumber,
    /// Per calendar of the pack: holiday days in `[first - 1, last + 1]`.
    pub(super) holidays: Vec<Vec<HolidayDay>>,
    /// The pack's state rules by state (indices into the pack's rules), for every purpose.
    pub(super) state_rules: NameMap<Vec<u16>>,
    pub(super) timelines: RwLock<ZoneMap<Arc<Timeline>>>,
    /// Per campaign zone: the dates next to its own transitions ([`special_days`]).
    pub(super) special: RwLock<ZoneMap<Arc<[DayNumber]>>>,
    /// Pair plans by campaign zone, then target zone (both canonical names).
    pub(super) plans: RwLock<ZoneMap<ZoneMap<Arc<PairPlan>>>>,
    /// The federal rules a zone's pass judges, by purpose and target zone.
    federal: RwLock<FederalRules>,
}

impl Horizon {
    /// The horizon `[from, from + days)` for checks against `pack`.
    pub fn new(pack: &RulePack, from: Date, days: u32) -> Horizon {
        let first = day_number(from);
        let last = first + days.max(1) as i32 - 1;
        let holidays = pack
            .calendars
            .iter()
            .map(|c| c.between(first - 1, last + 1))
            .collect();
        let mut state_rules: NameMap<Vec<u16>> = NameMap::default();
        for (i, rule) in pack.rules.iter().enumerate() {
            if let Some(state) = &rule.state {
                state_rules
                    .entry(state.as_str().into())
                    .or_default()
                    .push(i as u16);
            }
        }
        Horizon {
            from,
            days,
            first,
            last,
            holidays,
            state_rules,
            timelines: RwLock::default(),
            special: RwLock::default(),
            plans: RwLock::default(),
            federal: RwLock::default(),
        }
    }

    /// The federal rules for `purpose` that reach target zone `zone`, ranked: the rules of
    /// a zone's pass, the same for every schedule checked against `pack` (the pack this
    /// horizon was made for), so made once.
    pub(super) fn federal(
        &self,
        pack: &RulePack,
        purpose: Purpose,
        zone: &'static str,
    ) -> Arc<[ActiveRule]> {
        let key = (purpose, zone);
        if let Some(rules) = self.federal.read().expect("not poisoned").get(&key) {
            return Arc::clone(rules);
        }
        let mut rules: Vec<ActiveRule> = pack
            .applicable(purpose, None)
            .into_iter()
            .filter(|&i| pack.rules[i].reaches_zone(zone))
            .map(|i| ActiveRule::new(i as u16, &pack.rules[i]))
            .collect();
        rank(&mut rules);
        let rules: Arc<[ActiveRule]> = rules.into();
        self.federal
            .write()
            .expect("not poisoned")
            .entry(key)
            .or_insert(rules)
            .clone()
    }

    /// The last date of the horizon.
    pub fn last_date(&self) -> Date {
        date_of(self.last)
    }

    /// The split of the horizon for a (campaign zone, target zone) pair, computed once.
    pub(crate) fn plan(&self, campaign: &Zone, recipient: &Zone) -> Arc<PairPlan> {
        if let Some(p) = self
            .plans
            .read()
            .expect("not poisoned")
            .get(campaign.canonical)
            .and_then(|of_campaign| of_campaign.get(recipient.canonical))
        {
            return Arc::clone(p);
        }
        let c = self.timeline(campaign);
        let r = self.timeline(recipient);
        let cs = self.campaign_special(campaign, &c);
        let p = Arc::new(PairPlan::new(self, &c, &r, &cs));
        self.plans
            .write()
            .expect("not poisoned")
            .entry(campaign.canonical)
            .or_default()
            .entry(recipient.canonical)
            .or_insert(p)
            .clone()
    }

    /// [`special_days`] of a campaign zone with itself, computed once.
    pub(super) fn campaign_special(&self, zone: &Zone, timeline: &Timeline) -> Arc<[DayNumber]> {
        cached(&self.special, zone.canonical, || {
            special_days(self, timeline, timeline).into()
        })
    }

    pub(super) fn timeline(&self, zone: &Zone) -> Arc<Timeline> {
        cached(&self.timelines, zone.canonical, || {
            let start = i64::from(self.first - 3) * DAY_SECONDS;
            let end = i64::from(self.last + 4) * DAY_SECONDS;
            Arc::new(Timeline::new(zone.tz, start, end))
        })
    }
}

/// The value under `name`, made by `make` and kept the first time it is asked for.
fn cached<V: Clone>(map: &RwLock<ZoneMap<V>>, name: &'static str, make: impl FnOnce() -> V) -> V {
    if let Some(v) = map.read().expect("not poisoned").get(name) {
        return v.clone();
    }
    let v = make();
    map.write()
        .expect("not poisoned")
        .entry(name)
        .or_insert(v)
        .clone()
}

/// Campaign dates within one day of a transition of `a` or `b` (read in `a`'s local date).
fn special_days(h: &Horizon, a: &Timeline, b: &Timeline) -> Vec<DayNumber> {
    let mut out = Vec::new();
    for &(ts, _) in a.transitions.iter().chain(b.transitions.iter()) {
        let local = ts + i64::from(a.offset_at(ts));
        let d = local.div_euclid(DAY_SECONDS) as DayNumber;
        for n in d - 1..=d + 1 {
            if (h.first..=h.last).contains(&n) {
                out.push(n);
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// How one (campaign zone, target zone) pair splits the horizon.
pub(crate) struct PairPlan {
    /// Steady runs `[a, b]` with the campaign and target offsets, in order.
    pub(crate) runs: Vec<(DayNumber, DayNumber, i32, i32)>,
    /// Dates next to a transition of either zone, in order.
    pub(crate) special: Vec<DayNumber>,
    pub(super) campaign: Arc<Timeline>,
    pub(super) recipient: Arc<Timeline>,
}

impl PairPlan {
    fn new(
        h: &Horizon,
        campaign: &Arc<Timeline>,
        recipient: &Arc<Timeline>,
        campaign_special: &[DayNumber],
    ) -> PairPlan {
        let mut special = special_days(h, campaign, recipient);
        special.extend_from_slice(campaign_special);
        special.sort_unstable();
        special.dedup();
        let mut runs = Vec::new();
        let mut a = h.first;
        for &s in special.iter().chain(std::iter::once(&(h.last + 1))) {
            if s > a {
                let noon = i64::from(a) * DAY_SECONDS + DAY_SECONDS / 2;
                runs.push((
                    a,
                    s - 1,
                    campaign.offset_at(noon),
                    recipient.offset_at(noon),
                ));
            }
            a = s + 1;
        }
        PairPlan {
            runs,
            special,
            campaign: Arc::clone(campaign),
            recipient: Arc::clone(recipient),
        }
    }
}
