//! What is seen of a run: the ledger of every record's fate, the readable trace, the view the
//! page draws, the report, the log marks, and the named invariants checked in test builds.

pub mod figure;
pub mod focus;
pub mod group_view;
pub mod invariants;
pub mod ledger;
pub mod log_marks;
pub mod outline;
pub mod report;
pub mod snapshot;
pub mod trace;
pub mod values;
pub mod view;
