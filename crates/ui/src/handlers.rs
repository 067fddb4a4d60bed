//! The page's callbacks, made once: the dispatcher never changes, so components whose data did
//! not change skip rendering while the animation redraws the stage. One hook holds them all
//! (a `use_callback` each inlined its own hook machinery into the page's view).

use crate::browser;
use crate::doc::Seg;
use crate::lesson_load;
use crate::state::compare::CompareAction;
use crate::state::{Action, LessonAction, Playground};
use kafka_sim::lesson::Target;
use kafka_sim::observe::figure::Figure;
use kafka_sim::ActionKind;
use serde_json::Value;
use yew::{Callback, MouseEvent, UseReducerDispatcher};

#[derive(Clone)]
pub struct Handlers {
    pub on_edit: Callback<(Vec<Seg>, Option<Value>)>,
    /// Edits run B (while comparing).
    pub on_edit_b: Callback<(Vec<Seg>, Option<Value>)>,
    pub on_act: Callback<ActionKind>,
    pub on_select: Callback<Option<Figure>>,
    pub dismiss: Callback<MouseEvent>,
    pub on_toggle: Callback<()>,
    pub on_step: Callback<()>,
    pub on_fast_forward: Callback<()>,
    pub on_seek: Callback<u64>,
    pub on_speed: Callback<f64>,
    pub on_lesson: Callback<LessonAction>,
    /// Opens a lesson by its id (and names it in the address).
    pub on_open_lesson: Callback<String>,
    /// Leaves the lesson (and drops it from the address).
    pub on_leave: Callback<()>,
    /// Starts (true) or leaves (false) the comparison.
    pub on_compare: Callback<bool>,
    pub on_leave_compare: Callback<()>,
    pub on_unset: Callback<String>,
    pub on_target: Callback<bool>,
    pub on_focus: Callback<Option<Target>>,
}

/// A callback dispatching what `to` makes of its value.
fn send<T: 'static>(d: &UseReducerDispatcher<Playground>, to: fn(T) -> Action) -> Callback<T> {
    let d = d.clone();
    Callback::from(move |v| d.dispatch(to(v)))
}

impl Handlers {
    pub fn new(d: &UseReducerDispatcher<Playground>) -> Handlers {
        Handlers {
            on_edit: send(d, |(path, value)| Action::Edit { path, value }),
            on_edit_b: send(d, |(path, value)| {
                Action::Compare(CompareAction::Edit { path, value })
            }),
            on_act: send(d, Action::Act),
            on_select: send(d, Action::Select),
            dismiss: send(d, |_| Action::DismissLinkError),
            on_toggle: send(d, |()| Action::TogglePlay),
            on_step: send(d, |()| Action::Step),
            on_fast_forward: send(d, |()| Action::FastForward),
            on_seek: send(d, Action::Seek),
            on_speed: send(d, Action::SetSpeed),
            on_lesson: send(d, Action::Lesson),
            on_open_lesson: {
                let d = d.clone();
                Callback::from(move |id: String| {
                    let query = browser::address().query;
                    browser::replace_query(&browser::with_param(&query, "lesson", Some(&id)));
                    lesson_load::open(&id, &d);
                })
            },
            on_leave: {
                let d = d.clone();
                Callback::from(move |()| {
                    let query = browser::address().query;
                    browser::replace_query(&browser::with_param(&query, "lesson", None));
                    d.dispatch(Action::Lesson(LessonAction::Leave));
                })
            },
            on_compare: send(d, |on| {
                Action::Compare(if on {
                    CompareAction::Start
                } else {
                    CompareAction::Leave
                })
            }),
            on_leave_compare: send(d, |()| Action::Compare(CompareAction::Leave)),
            on_unset: send(d, |key| Action::Compare(CompareAction::Unset(key))),
            on_target: send(d, |b| Action::Compare(CompareAction::EditB(b))),
            on_focus: send(d, Action::Focus),
        }
    }
}
