//! The page's components, one per file.

pub mod challenge_panel;
pub mod charts;
pub mod compare_button;
pub mod compare_target;
pub mod compare_view;
pub mod event_log;
pub mod export_panel;
pub mod field;
pub mod group_lane;
pub mod ledger;
pub mod lesson_player;
pub mod lesson_problems;
pub mod lessons_panel;
pub mod log_marks;
pub mod node_menu;
pub mod partition_cells;
pub mod playback;
pub mod problems;
pub mod settings;
pub mod share;
pub mod simplifications;
pub mod stage;
pub mod stage_overview;
pub mod verdict_list;
pub mod version_picker;

use crate::markup::{el, text as text_node};
use kafka_sim::support::decimal::Fixed;
use yew::Html;

/// A lesson's plain text: `code` in backticks as `<code>`, everything else as text (Yew escapes
/// it; no markup of the author's ever reaches the page).
pub fn rich_text(text: &str) -> Html {
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                el("code").text(part.to_string()).html()
            } else {
                text_node(part.to_string())
            }
        })
        .collect()
}

/// Simulated time as the page writes it: `3.0 s`.
pub fn seconds(us: u64) -> String {
    format!("{} s", Fixed(us as f64 / 1e6, 1))
}

/// A drawing coordinate or length: one decimal is finer than a pixel.
pub fn px(x: f64) -> Fixed {
    Fixed(x, 1)
}

/// A class attribute: `base`, then each of `extras` whose condition holds, space-separated (what
/// `classes!` builds, without the index set behind it: about 3 KB of the page).
pub fn class_list(base: &str, extras: &[(bool, &str)]) -> String {
    let mut list = base.to_string();
    for (on, class) in extras {
        if *on {
            list.push(' ');
            list.push_str(class);
        }
    }
    list
}

#[cfg(test)]
mod tests {
    use super::class_list;

    #[test]
    fn a_class_list_keeps_the_base_and_the_extras_that_hold_in_order() {
        assert_eq!(class_list("broker", &[]), "broker");
        assert_eq!(
            class_list(
                "broker",
                &[(true, "down"), (false, "isolated"), (true, "x")]
            ),
            "broker down x"
        );
    }
}
