//! The compare view: run B's stage beside A's (stacked on narrow screens), and the two ledgers
//! aligned figure by figure, each figure that differs marked with both values; what B changes,
//! each change removable; and the way back to A.

use crate::components::class_list;
use crate::components::stage::Stage;
use crate::run_cache::Frame;
use crate::state::compare::{describe, rows, Compare};
use kafka_sim::support::decimal::Fixed;
use kafka_sim::ActionKind;
use std::rc::Rc;
use yew::prelude::*;

pub struct CompareViewProps {
    pub a_frame: Rc<Frame>,
    pub compare: Compare,
    pub reduced_motion: bool,
    /// An act on B's stage lands on the shared timeline (A's, and so B's).
    pub on_act: Callback<ActionKind>,
    /// Drops one changed path from B.
    pub on_unset: Callback<String>,
    pub on_leave: Callback<()>,
}

/// A plain function (no component): A's frame is new on every tick of a playing run, so it
/// redrew with the page anyway.
pub fn compare_view(props: &CompareViewProps) -> Html {
    let c = &props.compare;
    let stale = !c.errors.is_empty();
    let leave = {
        let cb = props.on_leave.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let table = c.frame.as_ref().map(|b| rows(&props.a_frame, b));
    let differing = table
        .as_ref()
        .map_or(0, |t| t.iter().filter(|r| r.differs()).count());
    html! {
        <>
            <section class={class_list("stage stage-b", &[(stale, "stale")])} aria-label="Stage of run B">
                <h2 class="run-title">{"Run B"}
                    <span class="small">{if c.set.is_empty() { "= A so far".to_string() } else {
                        c.set.iter().map(|(k, v)| describe(k, v)).collect::<Vec<_>>().join(", ")
                    }}</span>
                </h2>
                if let Some(frame) = c.frame.clone() {
                    <Stage frame={frame} doc={Rc::clone(&c.doc)} reduced_motion={props.reduced_motion}
                           on_act={props.on_act.clone()} />
                } else {
                    <p class="stage-empty">{"Fix run B's problems to run it."}</p>
                }
            </section>
            <section class="compare-panel" aria-label="Comparison">
                <div class="compare-head">
                    <h2>{"A and B compared"}</h2>
                    <button type="button" onclick={leave}>{"Leave compare (back to A)"}</button>
                </div>
                <div class="compare-changes">
                    <h3>{"B changes"}</h3>
                    if c.set.is_empty() {
                        <p class="small">{"Nothing yet: B is A. Change settings of run B on the left."}</p>
                    } else {
                        <ul>
                            { for c.set.iter().map(|(key, value)| {
                                let cb = props.on_unset.clone();
                                let k = key.clone();
                                html! {
                                    <li>
                                        <code>{describe(key, value)}</code>
                                        <button type="button" class="unset" aria-label={format!("Undo the change of {key} in B")}
                                                onclick={Callback::from(move |_: MouseEvent| cb.emit(k.clone()))}>{"×"}</button>
                                    </li>
                                }
                            }) }
                        </ul>
                    }
                    if stale {
                        <div class="problems" role="alert">
                            <strong>{"Run B does not run; its last valid run stays on screen."}</strong>
                            <ul>
                                { for c.errors.iter().map(|e| html! {
                                    <li><code>{if e.path.is_empty() { "set" } else { e.path.as_str() }}</code>{": "}{&e.message}</li>
                                }) }
                            </ul>
                        </div>
                    }
                </div>
                if let Some(table) = table {
                    <table class="compare-table">
                        <caption class="small">
                            {format!("At {} s: {differing} figure(s) differ", Fixed(props.a_frame.now_us as f64 / 1e6, 3))}
                        </caption>
                        <thead><tr><th scope="col">{"figure"}</th><th scope="col">{"A"}</th><th scope="col">{"B"}</th></tr></thead>
                        <tbody>
                            { for table.iter().map(|r| html! {
                                <tr class={class_list("compare-row", &[(r.differs(), "differs")])} data-path={r.path.clone()}>
                                    <th scope="row" class="mono">{&r.path}
                                        if r.differs() { <span class="differs-mark">{" ≠"}<span class="visually-hidden">{" differs"}</span></span> }
                                    </th>
                                    <td class="value-a mono">{&r.a}</td>
                                    <td class="value-b mono">{&r.b}</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                }
            </section>
        </>
    }
}
