//! The page's components, one per file.

pub mod charts;
pub mod event_log;
pub mod field;
pub mod group_lane;
pub mod ledger;
pub mod log_marks;
pub mod node_menu;
pub mod playback;
pub mod problems;
pub mod settings;
pub mod share;
pub mod simplifications;
pub mod stage;
pub mod version_picker;
