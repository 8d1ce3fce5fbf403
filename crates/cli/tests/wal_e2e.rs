//! The write-ahead audit log (CONTRACT §11) through the real binary: `apply` is killed with
//! SIGKILL at random moments, many times, against an emulator with latency, then run to
//! completion; every PUT the emulator answered with 2xx must be in the audit log (an
//! `apply.intent` whose outcome is `apply.write ok`, or whose settlement is `landed`), the
//! chain verifies, the live state converges and one more apply writes nothing.
//!
//! The kill moments come from a seeded RNG; the seed is printed (set `WAL_E2E_SEED` to
//! replay a run).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::util::{APPLY_JSON, Cxone, Emulator, campaign_id, client, json_lines};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;

fn seed() -> u64 {
    let seed = std::env::var("WAL_E2E_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
    println!("WAL_E2E_SEED={seed}");
    seed
}

/// One platform's way of running the binary and reading the emulator's request log.
trait Api {
    fn env(&self) -> Vec<(&'static str, String)>;
    /// `(target key, status)` of every PUT the emulator logged that writes a schedule.
    fn schedule_puts(&self) -> Vec<(String, Option<u64>)>;
}

impl Api for Emulator {
    fn env(&self) -> Vec<(&'static str, String)> {
        Emulator::env(self)
    }

    fn schedule_puts(&self) -> Vec<(String, Option<u64>)> {
        puts_in(&self.requests(), |path| {
            path.strip_prefix("/api/v2/campaigns/")
                .and_then(|p| p.strip_suffix("/schedule"))
                .map(str::to_owned)
        })
    }
}

impl Api for Cxone {
    fn env(&self) -> Vec<(&'static str, String)> {
        Cxone::env(self)
    }

    fn schedule_puts(&self) -> Vec<(String, Option<u64>)> {
        puts_in(&self.requests(), |path| {
            let (_, rest) = path.split_once("/skills/")?;
            let (skill, what) = rest.split_once('/')?;
            (what == "parameters/schedule-settings").then(|| format!("skill {skill}"))
        })
    }
}

fn puts_in(log: &[Value], key: impl Fn(&str) -> Option<String>) -> Vec<(String, Option<u64>)> {
    log.iter()
        .filter(|r| r["method"] == "PUT")
        .filter_map(|r| Some((key(r["path"].as_str()?)?, r["status"].as_u64())))
        .collect()
}

struct Bench<'a, A: Api> {
    api: &'a A,
    dir: &'a Path,
    /// The audit log's target key of an entry (campaign on the seed API, skill on CXone).
    key: fn(&Value) -> Option<String>,
}

impl<A: Api> Bench<'_, A> {
    fn command(&self, args: &[&str]) -> Command {
        let mut c = client(self.dir, &self.api.env());
        c.args(args);
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    fn apply_args() -> Vec<&'static str> {
        [&APPLY_JSON[..], &["--concurrency", "4"]].concat()
    }

    /// How many bytes the audit log holds.
    fn log_len(&self) -> u64 {
        std::fs::metadata(self.dir.join("audit.jsonl")).map_or(0, |m| m.len())
    }

    /// Starts `apply` and SIGKILLs it `after` its start, or (`from_first_append`) after it
    /// first appends to the audit log — its first settlement or intent — so that the kill
    /// falls among the writes rather than in the plan's reads.
    fn apply_killed(&self, after: Duration, from_first_append: bool) {
        let before = self.log_len();
        let mut child = self
            .command(&Self::apply_args())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        if from_first_append {
            let deadline = std::time::Instant::now() + Duration::from_secs(30);
            while self.log_len() == before
                && std::time::Instant::now() < deadline
                && child.try_wait().unwrap().is_none()
            {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        std::thread::sleep(after);
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
    }

    /// Runs `apply` to completion; returns each target's status.
    fn apply(&self) -> Vec<String> {
        let out = self.run(&Self::apply_args());
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        json_lines(&out.stdout)
            .iter()
            .map(|v| v["status"].as_str().unwrap().to_owned())
            .collect()
    }

    /// `audit verify --output json`: exit code and report (`null` before the log exists: a
    /// kill during the first plan).
    fn verify(&self) -> (Option<i32>, Value) {
        if !self.dir.join("audit.jsonl").exists() {
            return (None, Value::Null);
        }
        let out = self.run(&["--output", "json", "audit", "verify", "audit.jsonl"]);
        (
            out.status.code(),
            serde_json::from_slice(&out.stdout).unwrap(),
        )
    }

    /// The complete entries of the audit log (torn fragments, sealed or not, skipped).
    fn entries(&self) -> Vec<Value> {
        std::fs::read_to_string(self.dir.join("audit.jsonl"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// Per target: how many intents the audit log shows landed (outcome `apply.write ok`,
    /// or settled `landed`), and the tallies of settlements.
    fn landed_writes(&self) -> (BTreeMap<String, usize>, HashMap<String, usize>) {
        let entries = self.entries();
        let mut intents: HashMap<String, String> = HashMap::new();
        for e in &entries {
            if e["action"] == "apply.intent" {
                let key = (self.key)(e).expect("an intent names its target");
                intents.insert(e["details"]["intentId"].as_str().unwrap().to_owned(), key);
            }
        }
        let mut landed: BTreeMap<String, usize> = BTreeMap::new();
        let mut settled: HashMap<String, usize> = HashMap::new();
        for e in &entries {
            let Some(intent) = e["details"]["intentId"].as_str() else {
                continue;
            };
            let counts = match (e["action"].as_str(), e["outcome"].as_str()) {
                (Some("apply.write"), Some("ok")) => true,
                (Some("apply.settled"), Some(outcome)) => {
                    *settled.entry(outcome.to_owned()).or_default() += 1;
                    outcome == "landed"
                }
                _ => false,
            };
            if counts {
                let key = intents
                    .get(intent)
                    .unwrap_or_else(|| panic!("an outcome without its intent: {e}"));
                assert_eq!((self.key)(e).as_ref(), Some(key), "{e}");
                *landed.entry(key.clone()).or_default() += 1;
            }
        }
        (landed, settled)
    }

    /// Kill rounds, then the checks. Returns `(kills, kills that left intents pending, PUTs
    /// checked)`.
    fn torture(
        &self,
        rng: &mut StdRng,
        rounds: usize,
        kills_per_round: usize,
        write_docs: &dyn Fn(usize),
    ) -> (usize, usize, usize) {
        let (mut kills, mut left_pending) = (0, 0);
        for round in 0..rounds {
            write_docs(round);
            for k in 0..kills_per_round {
                // Every other kill is timed from the run's first append: among the writes.
                let from_first_append = (round + k) % 2 == 1;
                let after = if from_first_append {
                    Duration::from_millis(rng.random_range(0..=600))
                } else {
                    Duration::from_millis(rng.random_range(50..=600))
                };
                self.apply_killed(after, from_first_append);
                kills += 1;
                let (_, report) = self.verify();
                let pending = report["pending"].as_array().map_or(0, Vec::len);
                if pending > 0 {
                    left_pending += 1;
                    // `plan` shows each pending intent on its target, and writes nothing.
                    let before = self.log_len();
                    let plan = self.run(&["plan", "schedules", "--output", "json"]);
                    let noted: usize = json_lines(&plan.stdout)
                        .iter()
                        .map(|v| v["pendingIntents"].as_array().map_or(0, Vec::len))
                        .sum();
                    assert_eq!(noted, pending, "{}", String::from_utf8_lossy(&plan.stdout));
                    assert_eq!(self.log_len(), before, "plan wrote to the audit log");
                }
                println!(
                    "round {round}: killed {after:?} after {}; {pending} intent(s) pending, {} \
                     PUTs so far",
                    if from_first_append {
                        "its first append"
                    } else {
                        "its start"
                    },
                    self.api.schedule_puts().len()
                );
            }
            let statuses = self.apply();
            assert!(
                statuses.iter().all(|s| s == "written" || s == "unchanged"),
                "{statuses:?}"
            );
        }

        // Every PUT the emulator answered 2xx is an intent that landed, one for one.
        let puts = self.api.schedule_puts();
        let mut answered: BTreeMap<String, usize> = BTreeMap::new();
        for (key, status) in &puts {
            assert!(
                status.is_none_or(|s| (200..300).contains(&s)),
                "a PUT was refused: {key} {status:?}"
            );
            if status.is_some() {
                *answered.entry(key.clone()).or_default() += 1;
            }
        }
        let (landed, settled) = self.landed_writes();
        println!("settlements: {settled:?}");
        assert_eq!(
            answered, landed,
            "PUTs answered 2xx per target (left) against intents the audit log shows landed \
             (right)"
        );

        // The chain verifies (a torn last line from the last kill is allowed) and nothing is
        // left pending.
        let (code, report) = self.verify();
        assert!(code == Some(0) || report["kind"] == "torn_tail", "{report}");
        assert_eq!(report["pending"], Value::Array(Vec::new()), "{report}");

        // Converged: the plan finds every target holding its document; one more apply
        // writes nothing.
        let plan = self.run(&["plan", "schedules", "--output", "json"]);
        assert_eq!(plan.status.code(), Some(0));
        assert!(
            json_lines(&plan.stdout)
                .iter()
                .all(|v| v["status"] == "unchanged"),
            "not converged: {}",
            String::from_utf8_lossy(&plan.stdout)
        );
        let before = self.api.schedule_puts().len();
        assert!(self.apply().iter().all(|s| s == "unchanged"));
        assert_eq!(
            self.api.schedule_puts().len(),
            before,
            "the last apply wrote"
        );
        (kills, left_pending, answered.values().sum())
    }
}

fn campaign_key(e: &Value) -> Option<String> {
    e["campaignId"].as_str().map(str::to_owned)
}

fn skill_key(e: &Value) -> Option<String> {
    e["skillId"].as_u64().map(|s| format!("skill {s}"))
}

#[test]
fn every_put_that_reached_the_seed_api_is_in_the_audit_log_after_random_sigkills() {
    const CAMPAIGNS: usize = 40;
    let mut rng = StdRng::seed_from_u64(seed());
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("schedules");
    std::fs::create_dir_all(&docs).unwrap();
    let emu = Emulator::start(&["--accept-any-campaign", "--latency-ms", "40"]);
    let bench = Bench {
        api: &emu,
        dir: tmp.path(),
        key: campaign_key,
    };
    // Each round changes every campaign's Monday end, so every round has 40 writes to do.
    let write_docs = |round: usize| {
        for i in 0..CAMPAIGNS {
            let windows = format!(
                r#"{{"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"{:02}:00:00"}}"#,
                12 + (i + round) % 8
            );
            std::fs::write(
                docs.join(format!("c{i}.json")),
                crate::util::document(&campaign_id(i), "America/New_York", &windows),
            )
            .unwrap();
        }
    };
    let (kills, left_pending, checked) = bench.torture(&mut rng, 5, 3, &write_docs);
    println!("seed: {kills} kills, {left_pending} left intents pending, {checked} PUTs checked");
    assert!(checked >= 5 * CAMPAIGNS, "every round wrote every campaign");
}

#[test]
fn every_put_that_reached_cxone_is_in_the_audit_log_after_random_sigkills() {
    const DOCS: usize = 20;
    let mut rng = StdRng::seed_from_u64(seed());
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("schedules");
    std::fs::create_dir_all(&docs).unwrap();
    // Two skills per document: 40 targets.
    let skills = tmp.path().join("skills.txt");
    let ids: Vec<String> = (0..2 * DOCS).map(|i| (101 + i).to_string()).collect();
    std::fs::write(&skills, ids.join("\n")).unwrap();
    let emu = Cxone::start(&["--skills", skills.to_str().unwrap(), "--latency-ms", "40"]);
    let bench = Bench {
        api: &emu,
        dir: tmp.path(),
        key: skill_key,
    };
    let write_docs = |round: usize| {
        for i in 0..DOCS {
            let doc = format!(
                r#"{{"campaignId":"{}","timezone":"America/New_York","businessHoursDirective":"STRICT",
"maxConcurrentCalls":10,"skillIds":[{},{}],"timeWindows":[
{{"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"{:02}:00:00"}},
{{"dayOfWeek":"FRIDAY","startTime":"10:00:00","endTime":"16:00:00"}}]}}"#,
                campaign_id(i),
                101 + 2 * i,
                102 + 2 * i,
                12 + (i + round) % 8
            );
            std::fs::write(docs.join(format!("c{i}.json")), doc).unwrap();
        }
    };
    let (kills, left_pending, checked) = bench.torture(&mut rng, 3, 3, &write_docs);
    println!("cxone: {kills} kills, {left_pending} left intents pending, {checked} PUTs checked");
    assert!(checked >= 3 * 2 * DOCS, "every round wrote every skill");
}
