//! The header's "Compare" control: starts run B from what is on screen, or leaves the
//! comparison (back to run A alone).

use crate::markup::el;
use yew::prelude::*;

/// A plain function (no component): a component's generic machinery costs more download than
/// rebuilding one button with the page. `on_compare` starts (true) or leaves (false) the
/// comparison.
pub fn compare_button(comparing: bool, on_compare: &Callback<bool>) -> Html {
    let onclick = {
        let cb = on_compare.clone();
        Callback::from(move |_: MouseEvent| cb.emit(!comparing))
    };
    el("button")
        .attr("type", "button")
        .class("compare-button")
        .attr("aria-pressed", comparing.to_string())
        .on_click(onclick)
        .attr(
            "title",
            "Run B: the same scenario, seed and timeline with the settings you change",
        )
        .text(if comparing {
            "Leave compare"
        } else {
            "Compare"
        })
        .html()
}
