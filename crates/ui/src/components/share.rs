//! "Share link": the permalink of what is on screen (scenario, timeline and position), copied
//! to the clipboard and shown in a field for copying by hand.

use crate::browser;
use crate::markup::el;
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
    el("div")
        .class("share")
        .el(el("button").attr("type", "button").on_click(onclick).text("Share link"))
        .maybe(shown.then(|| {
            el("label")
                .class("share-field")
                .text("Link (copied to the clipboard) ")
                .child(html! {
                    <input type="text" readonly=true value={props.link.clone()} class="share-link" />
                })
                .html()
        }))
        .maybe(props.embed.then(|| {
            el("a")
                .class("open-full")
                .attr("href", props.link.clone())
                .attr("target", "_blank")
                .attr("rel", "noopener")
                .text("Open in playground")
                .html()
        }))
        .html()
}
