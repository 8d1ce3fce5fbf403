//! The binary's integration tests, one test binary (ripgrep's `tests/tests.rs` shape):
//! one module a command or concern, all over one harness, [`util`].

mod util;

mod api_e2e;
mod apply_e2e;
mod audit_e2e;
mod calendar_e2e;
mod check_e2e;
mod check_report_snapshots;
mod check_sarif;
mod completions_man_e2e;
mod config_e2e;
mod cxone_e2e;
mod expand_e2e;
mod expand_oracle;
mod export_e2e;
mod fix_e2e;
mod help_snapshots;
mod hostile_e2e;
mod plan_exitcode_e2e;
mod precommit_e2e;
mod report_e2e;
mod rules_e2e;
mod rules_show_e2e;
mod validate_corpus;
mod wal_e2e;
mod webhooks_e2e;
mod when_cli_oracle;
mod when_e2e;
