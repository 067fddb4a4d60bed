//! While comparing: which run the settings panel edits (B by default; A's edits reach B too,
//! since B is A with its changes).

use crate::markup::el;
use yew::prelude::*;

/// A plain function (no component): a component's generic machinery costs more download than
/// rebuilding two radio buttons with the page.
pub fn compare_target(editing_b: bool, on_choose: &Callback<bool>) -> Html {
    let choice = |b: bool, label: &'static str| {
        let cb = on_choose.clone();
        html! {
            <label>
                <input type="radio" name="compare-target" checked={editing_b == b}
                       onchange={Callback::from(move |_: Event| cb.emit(b))} />
                {label}
            </label>
        }
    };
    el("fieldset")
        .class("compare-target")
        .el(el("legend").text("The settings below edit"))
        .child(choice(false, "run A"))
        .child(choice(true, "run B"))
        .el(el("p").class("small").text(if editing_b {
            "Changes to B are kept as its set of changed paths; A stays as it is."
        } else {
            "Changes to A reach B too: B is A with its own changes."
        }))
        .html()
}
