//! The outcome ledger: every figure of the report, labelled, always in view, with what each
//! means (the core's words) a click away. Clicking a figure marks the messages carrying those
//! records on the stage and their offsets in the partition logs; clicking it again (or Escape)
//! clears the marks.

use crate::components::class_list;
use crate::markup::el;
use crate::run_cache::Frame;
use kafka_sim::observe::figure::Figure;
use kafka_sim::support::decimal::Fixed;
use std::rc::Rc;
use yew::prelude::*;

pub struct LedgerProps {
    pub frame: Rc<Frame>,
    pub selection: Option<Figure>,
    pub on_select: Callback<Option<Figure>>,
    /// Dimmed while the document is invalid (this is the last valid run).
    pub stale: bool,
    /// The stage is drawn aggregated (what the highlight marks is said accordingly).
    pub aggregated: bool,
}

/// A plain function (no component): its frame changes on every tick of a playing run, when a
/// component would redraw anyway, and a component's generic machinery costs download.
pub fn ledger(props: &LedgerProps) -> Html {
    let ledger = &props.frame.ledger;
    let narrowed = props.frame.records_of.is_some();
    let buttons = Figure::ALL.iter().map(|&figure| {
        let selected = props.selection == Some(figure);
        let onclick = {
            let on_select = props.on_select.clone();
            Callback::from(move |_| on_select.emit(if selected { None } else { Some(figure) }))
        };
        let value = ledger.get(figure);
        // `at.risk` is `figure-at-risk`: a dot in a class would need escaping in CSS.
        let class = format!("figure figure-{}", figure.name().replace('.', "-"));
        let cluster_wide = narrowed && !figure.is_producers();
        el("li")
            .el(el("button")
                .attr("type", "button")
                .class(class_list(
                    &class,
                    &[(value > 0, "nonzero"), (cluster_wide, "cluster-wide")],
                ))
                .attr("data-figure", figure.name())
                .attr("aria-pressed", if selected { "true" } else { "false" })
                .attr("title", figure.meaning())
                .flag("disabled", !figure.has_records() && value == 0)
                .on_click(onclick)
                .el(el("span").class("figure-name").text(figure.name()))
                .maybe(cluster_wide.then(|| {
                    el("span")
                        .class("visually-hidden")
                        .text(" (cluster-wide)")
                        .html()
                }))
                .el(el("span").class("figure-value").text(value.to_string())))
            .html()
    });
    let meanings = Figure::ALL.iter().map(|f| -> Html {
        [
            el("dt").text(f.name()).html(),
            el("dd").text(f.meaning()).html(),
        ]
        .into_iter()
        .collect()
    });
    let frame = &props.frame;
    el("section")
        .class(class_list("ledger", &[(props.stale, "stale")]))
        .attr("aria-label", "Outcome ledger")
        .el(el("h2").text("Ledger"))
        .maybe(frame.records_of.as_ref().map(|who| {
            el("p")
                .class("small ledger-scope")
                .text(format!(
                    "Records of {who}. Dashed: the consumers' figures, the whole cluster's."
                ))
                .html()
        }))
        .el(el("ul").class("figures").child(buttons.collect()))
        .el(el("details")
            .class("figure-meanings")
            .el(el("summary").text("What the figures mean"))
            .el(el("dl").child(meanings.collect())))
        .maybe(frame.highlight.as_ref().map(|highlight| {
            el("p")
                .class("small highlight-caption")
                .attr("aria-live", "polite")
                .text(highlight.caption(props.aggregated))
                .html()
        }))
        .el(el("p")
            .class("small mono")
            .attr("data-trace-hash", frame.trace_hash.clone())
            .text(format!(
                "throughput {} records/s · latency p50 {} ms, p99 {} ms",
                Fixed(frame.throughput_records_per_sec, 1),
                Fixed(frame.latency_p50_ms, 1),
                Fixed(frame.latency_p99_ms, 1)
            )))
        .html()
}
