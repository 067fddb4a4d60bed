//! The compare view: run B's stage beside A's (stacked on narrow screens), and the two ledgers
//! aligned figure by figure, each figure that differs marked with both values; what B changes,
//! each change removable; and the way back to A.

use crate::components::class_list;
use crate::components::stage::Stage;
use crate::components::stage_overview::stage_overview;
use crate::markup::el;
use crate::run_cache::Frame;
use crate::state::compare::{describe, rows, Compare};
use kafka_sim::lesson::Target;
use kafka_sim::support::decimal::Fixed;
use kafka_sim::ActionKind;
use std::fmt::Write;
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
    /// The page's focus: B's stage is narrowed to it as A's is.
    pub focus: Option<Target>,
    pub on_focus: Callback<Option<Target>>,
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
    // Figures compare at one moment: not while B is still on its way to A's.
    let table = c
        .frame
        .as_ref()
        .filter(|_| !c.catching_up)
        .map(|b| rows(&props.a_frame, b));
    let catching_up = c.frame.as_ref().filter(|_| c.catching_up).map(|b| {
        let (at_ms, to_ms) = (b.now_us / 1000, props.a_frame.now_us / 1000);
        el("p")
            .class("running-to small")
            .attr("role", "status")
            .el(el("progress")
                .attr("max", to_ms.max(1).to_string())
                .attr("value", at_ms.to_string())
                .attr("aria-label", "run B's progress to the position"))
            .text(format!(
                "Running B to {} s: at {} s; the figures compare once it is there.",
                Fixed(to_ms as f64 / 1000.0, 1),
                Fixed(at_ms as f64 / 1000.0, 1)
            ))
            .html()
    });
    let differing = table
        .as_ref()
        .map_or(0, |t| t.iter().filter(|r| r.differs()).count());
    let set_text = if c.set.is_empty() {
        "= A so far".to_string()
    } else {
        let mut text = String::new();
        for (i, (k, v)) in c.set.iter().enumerate() {
            let _ = write!(text, "{}{}", if i > 0 { ", " } else { "" }, describe(k, v));
        }
        text
    };
    // Drawn as A is: narrowed to the focus, aggregated when large.
    let shown_b = c
        .frame
        .as_ref()
        .map(|b| crate::focus::shown(b, props.focus.as_ref()));
    let stage_b = match shown_b {
        Some(frame) if crate::focus::aggregated(&frame, props.focus.as_ref()) => {
            stage_overview(&frame, &props.on_focus, &[])
        }
        Some(frame) => html! {
            <Stage frame={frame} doc={Rc::clone(&c.doc)} reduced_motion={props.reduced_motion}
                   on_act={props.on_act.clone()} />
        },
        None => el("p")
            .class("stage-empty")
            .text("Fix run B's problems to run it.")
            .html(),
    };
    let changes = if c.set.is_empty() {
        el("p")
            .class("small")
            .text("Nothing yet: B is A. Change settings of run B on the left.")
    } else {
        el("ul").child(
            c.set
                .iter()
                .map(|(key, value)| {
                    let cb = props.on_unset.clone();
                    let k = key.clone();
                    el("li")
                        .el(el("code").text(describe(key, value)))
                        .el(el("button")
                            .attr("type", "button")
                            .class("unset")
                            .attr("aria-label", format!("Undo the change of {key} in B"))
                            .on_click(Callback::from(move |_: MouseEvent| cb.emit(k.clone())))
                            .text("×"))
                        .html()
                })
                .collect(),
        )
    };
    let problems = stale.then(|| {
        el("div")
            .class("problems")
            .attr("role", "alert")
            .el(el("strong").text("Run B does not run; its last valid run stays on screen."))
            .el(el("ul").child(
                c.errors
                    .iter()
                    .map(|e| {
                        el("li")
                            .el(el("code").text(if e.path.is_empty() {
                                "set".to_string()
                            } else {
                                e.path.clone()
                            }))
                            .text(": ")
                            .text(e.message.clone())
                            .html()
                    })
                    .collect(),
            ))
            .html()
    });
    let th = |text: &'static str| el("th").attr("scope", "col").text(text);
    let table = table.map(|table| {
        el("table")
            .class("compare-table")
            .el(el("caption").class("small").text(format!(
                "At {} s: {differing} figure(s) differ",
                Fixed(props.a_frame.now_us as f64 / 1e6, 3)
            )))
            .el(el("thead").el(el("tr").el(th("figure")).el(th("A")).el(th("B"))))
            .el(el("tbody").child(
                table
                    .iter()
                    .map(|r| {
                        let mark = r.differs().then(|| {
                            el("span")
                                .class("differs-mark")
                                .text(" ≠")
                                .el(el("span").class("visually-hidden").text(" differs"))
                                .html()
                        });
                        el("tr")
                            .class(class_list("compare-row", &[(r.differs(), "differs")]))
                            .attr("data-path", r.path.clone())
                            .el(el("th")
                                .attr("scope", "row")
                                .class("mono")
                                .text(r.path.clone())
                                .maybe(mark))
                            .el(el("td").class("value-a mono").text(r.a.clone()))
                            .el(el("td").class("value-b mono").text(r.b.clone()))
                            .html()
                    })
                    .collect(),
            ))
            .html()
    });
    let stage = el("section")
        .class(class_list("stage stage-b", &[(stale, "stale")]))
        .attr("aria-label", "Stage of run B")
        .el(el("h2")
            .class("run-title")
            .text("Run B")
            .el(el("span").class("small").text(set_text)))
        .maybe(catching_up)
        .child(stage_b);
    let panel = el("section")
        .class("compare-panel")
        .attr("aria-label", "Comparison")
        .el(el("div")
            .class("compare-head")
            .el(el("h2").text("A and B compared"))
            .el(el("button")
                .attr("type", "button")
                .on_click(leave)
                .text("Leave compare (back to A)")))
        .el(el("div")
            .class("compare-changes")
            .el(el("h3").text("B changes"))
            .el(changes)
            .maybe(problems))
        .maybe(table);
    [stage.html(), panel.html()].into_iter().collect()
}
