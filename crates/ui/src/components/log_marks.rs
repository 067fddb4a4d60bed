//! The selected ledger figure's marks on one replica's log strip: a ▼ over each offset holding
//! one of its records (a bar over a long run of them), solid below the high watermark and
//! hollow above it, labelled with the count and the offsets for screen readers.

use crate::components::px;
use crate::highlight::StripMarks;
use crate::markup::el;
use kafka_sim::observe::figure::Figure;
use std::fmt::Write;
use yew::prelude::*;

/// How a replica strip places offsets: the broker's longest log fills the strip's width (the
/// high watermark line and the marks share it).
#[derive(Debug, Clone, Copy)]
pub struct StripScale {
    pub x: f64,
    pub width: f64,
    pub max_leo: u64,
}

impl StripScale {
    pub fn x_of(&self, offset: u64) -> f64 {
        self.x + offset as f64 / self.max_leo.max(1) as f64 * self.width
    }
}

/// Narrower runs are one ▼ at their middle; wider ones a bar.
const BAR_FROM_PX: f64 = 4.0;
/// Marks closer than this to the previous one would overlap it: one ▼ stands for both.
const MIN_GAP_PX: f64 = 1.5;

/// `top`: the strip's top edge; the marks sit on it.
pub fn log_marks(marks: &StripMarks, scale: &StripScale, top: f64, figure: Figure) -> Html {
    let (mut solid, mut hollow) = (String::new(), String::new());
    let mut last_x = f64::NEG_INFINITY;
    for s in &marks.spans {
        let (x1, x2) = (scale.x_of(s.start), scale.x_of(s.end));
        let d = if s.committed { &mut solid } else { &mut hollow };
        if x2 - x1 >= BAR_FROM_PX {
            let _ = write!(
                d,
                "M{} {}h{}v4h-{}Z",
                px(x1),
                px(top - 3.0),
                px(x2 - x1),
                px(x2 - x1)
            );
            last_x = x2;
        } else {
            let x = (x1 + x2) / 2.0;
            if x - last_x < MIN_GAP_PX {
                continue;
            }
            let _ = write!(d, "M{} {}h7l-3.5 6Z", px(x - 3.5), px(top - 5.0));
            last_x = x;
        }
    }
    let label = marks.label(figure);
    let path = |class: &'static str, d: String| {
        (!d.is_empty()).then(|| el("path").class(class).attr("d", d).html())
    };
    el("g")
        .class("log-marks")
        .attr("role", "img")
        .attr("aria-label", label.clone())
        .attr("data-log-marks", marks.offsets.to_string())
        .el(el("title").text(label))
        .maybe(path("log-mark", solid))
        .maybe(path("log-mark uncommitted", hollow))
        .html()
}
