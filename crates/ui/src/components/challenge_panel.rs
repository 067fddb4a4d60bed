//! A challenge's goal (checked at the end of the run), what may be changed, hints revealed one
//! by one, Check (runs to the end and shows each goal met or not) and Reset (the challenge's
//! scenario again, its pass forgotten). A pass is kept in this browser. A plain function (no
//! component): drawn inside the lesson player only.

use crate::components::rich_text;
use crate::components::verdict_list::verdict_list;
use crate::lesson_play::LessonPlay;
use crate::state::LessonAction;
use yew::prelude::*;

/// `remembered`: passed before (the done list kept in this browser).
pub fn challenge_panel(
    play: &LessonPlay,
    remembered: bool,
    on_lesson: &Callback<LessonAction>,
) -> Html {
    let Some(challenge) = play.lesson.challenge.as_ref() else {
        return html! {};
    };
    let act = |a: fn() -> LessonAction| {
        let on = on_lesson.clone();
        Callback::from(move |_: MouseEvent| on.emit(a()))
    };
    let verdicts = play.end_verdicts.as_deref().map(Vec::as_slice);
    let passed = play.passed();
    let failed = verdicts.is_some() && !passed;
    let hints = challenge.hints.len();
    html! {
        <section class="challenge" aria-labelledby="challenge-goal-heading">
            <h3 id="challenge-goal-heading">{"Goal, checked at the end of the run"}</h3>
            {verdict_list(&challenge.goal, verdicts, "at the end of the run")}
            <div class="challenge-result" aria-live="polite">
                if passed {
                    <p class="challenge-passed">{"✓ Passed! Every goal holds. This browser remembers it."}</p>
                } else if failed {
                    <p class="challenge-failed">{"✗ Not yet: the goals marked ✗ do not hold. Change an allowed setting and check again."}</p>
                } else if remembered {
                    <p class="challenge-passed">{"✓ You passed this challenge before (remembered in this browser)."}</p>
                }
            </div>
            <div class="challenge-buttons">
                <button type="button" class="challenge-check" onclick={act(|| LessonAction::Check)}>{"Check"}</button>
                <button type="button" class="challenge-reset" onclick={act(|| LessonAction::Reset)}>{"Reset"}</button>
            </div>
            <p class="small">
                {"You may change only: "}
                { for challenge.allowed.iter().enumerate().map(|(i, p)| html! {
                    <>{if i > 0 { ", " } else { "" }}<code>{p.text()}</code></>
                }) }
                {". Every other setting is locked in this challenge."}
            </p>
            if hints > 0 {
                <div class="challenge-hints">
                    <ol>
                        { for challenge.hints.iter().take(play.hints_shown).map(|h| html! { <li>{rich_text(h)}</li> }) }
                    </ol>
                    if play.hints_shown < hints {
                        <button type="button" class="challenge-hint" onclick={act(|| LessonAction::Hint)}>
                            {format!("Show a hint ({} of {hints})", play.hints_shown + 1)}
                        </button>
                    }
                </div>
            }
        </section>
    }
}
