//! "Share link": the permalink of what is on screen (scenario, timeline and position), copied
//! to the clipboard and shown in a field for copying by hand.

use crate::browser;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ShareProps {
    /// The full permalink.
    pub link: String,
    /// The same scenario in the full page, for embed mode.
    pub embed: bool,
}

#[component]
pub fn Share(props: &ShareProps) -> Html {
    let shown = use_state(|| false);
    let onclick = {
        let (shown, link) = (shown.clone(), props.link.clone());
        Callback::from(move |_| {
            browser::copy_text(&link);
            shown.set(true);
        })
    };
    html! {
        <div class="share">
            <button type="button" {onclick}>{"Share link"}</button>
            if *shown {
                <label class="share-field">{"Link (copied to the clipboard) "}
                    <input type="text" readonly=true value={props.link.clone()} class="share-link" />
                </label>
            }
            if props.embed {
                <a class="open-full" href={props.link.clone()} target="_blank" rel="noopener">{"Open in playground"}</a>
            }
        </div>
    }
}
