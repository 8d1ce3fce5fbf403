//! Schedules as code at the binary's edge: reading the desired documents from files and
//! folders ([`desired`]) and rendering plans and apply results for people and as JSON
//! ([`report`]). The engine itself (platforms, plan, drift, gate, writes) is the
//! `cxsched-engine` crate.

pub mod desired;
pub mod report;
