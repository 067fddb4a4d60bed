//! The outcome ledger: every figure of the report, labelled, always in view, with what each
//! means (the core's words) a click away. Clicking a figure marks the messages carrying those
//! records on the stage and their offsets in the partition logs; clicking it again (or Escape)
//! clears the marks.

use crate::components::class_list;
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
}

/// A plain function (no component): its frame changes on every tick of a playing run, when a
/// component would redraw anyway, and a component's generic machinery costs download.
pub fn ledger(props: &LedgerProps) -> Html {
    let ledger = &props.frame.ledger;
    html! {
        <section class={class_list("ledger", &[(props.stale, "stale")])} aria-label="Outcome ledger">
            <h2>{"Ledger"}</h2>
            <ul class="figures">
                { for Figure::ALL.iter().map(|&figure| {
                    let selected = props.selection == Some(figure);
                    let onclick = {
                        let on_select = props.on_select.clone();
                        Callback::from(move |_| on_select.emit(if selected { None } else { Some(figure) }))
                    };
                    let value = ledger.get(figure);
                    // `at.risk` is `figure-at-risk`: a dot in a class would need escaping in CSS.
                    let class = format!("figure figure-{}", figure.name().replace('.', "-"));
                    html! {
                        <li>
                            <button type="button" class={class_list(&class, &[(value > 0, "nonzero")])}
                                    data-figure={figure.name()} aria-pressed={selected.to_string()}
                                    title={figure.meaning()} disabled={!figure.has_records() && value == 0}
                                    {onclick}>
                                <span class="figure-name">{figure.name()}</span>
                                <span class="figure-value">{value}</span>
                            </button>
                        </li>
                    }
                }) }
            </ul>
            <details class="figure-meanings">
                <summary>{"What the figures mean"}</summary>
                <dl>
                    { for Figure::ALL.iter().map(|f| html! {
                        <><dt>{f.name()}</dt><dd>{f.meaning()}</dd></>
                    }) }
                </dl>
            </details>
            if let Some(highlight) = &props.frame.highlight {
                <p class="small highlight-caption" aria-live="polite">{highlight.caption()}</p>
            }
            <p class="small mono" data-trace-hash={props.frame.trace_hash.clone()}>{format!("throughput {} records/s · latency p50 {} ms, p99 {} ms",
                Fixed(props.frame.throughput_records_per_sec, 1), Fixed(props.frame.latency_p50_ms, 1), Fixed(props.frame.latency_p99_ms, 1))}</p>
        </section>
    }
}
