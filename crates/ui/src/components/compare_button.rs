//! The header's "Compare" control: starts run B from what is on screen, or leaves the
//! comparison (back to run A alone).

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CompareButtonProps {
    pub comparing: bool,
    /// Starts (true) or leaves (false) the comparison.
    pub on_compare: Callback<bool>,
}

#[component]
pub fn CompareButton(props: &CompareButtonProps) -> Html {
    let comparing = props.comparing;
    let onclick = {
        let cb = props.on_compare.clone();
        Callback::from(move |_: MouseEvent| cb.emit(!comparing))
    };
    html! {
        <button type="button" class="compare-button" aria-pressed={comparing.to_string()} {onclick}
                title="Run B: the same scenario, seed and timeline with the settings you change">
            {if comparing { "Leave compare" } else { "Compare" }}
        </button>
    }
}
