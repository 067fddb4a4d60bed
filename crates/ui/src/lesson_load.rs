//! Getting lessons: the index and each lesson are fetched when needed (relative to the page, so
//! it works under any sub-path; a lesson hosted elsewhere by its http(s) address), a `#l=` link
//! is decoded in place. Every outcome reaches the state as a [`LessonAction`].

use crate::lesson_play::lesson_url;
use crate::state::{Action, LessonAction, Playground, Shared};
use kafka_sim::lesson::link::decode_lesson_link;
use kafka_sim::lesson::{parse_lesson, resolve_lesson, LessonErrors};
use yew::UseReducerDispatcher;

/// The index beside the page.
pub const INDEX_URL: &str = "lessons/index.json";

fn problems(errors: LessonErrors) -> Vec<(String, String)> {
    errors
        .errors
        .into_iter()
        .map(|e| (e.path, e.message))
        .collect()
}

/// What a lesson's text comes to: the lesson opened, or every problem.
pub fn from_text(source: &str, text: &str) -> LessonAction {
    match parse_lesson(text) {
        Ok(lesson) => LessonAction::Open(Shared::new(lesson)),
        Err(errors) => LessonAction::Failed {
            source: source.to_string(),
            errors: problems(errors),
        },
    }
}

/// What a `#l=` link comes to.
pub fn from_link(fragment: &str) -> LessonAction {
    let source = "in this link (#l=)".to_string();
    match decode_lesson_link(fragment) {
        Ok(doc) => match resolve_lesson(&doc) {
            Ok(lesson) => LessonAction::Open(Shared::new(lesson)),
            Err(errors) => LessonAction::Failed {
                source,
                errors: problems(errors),
            },
        },
        Err(e) => LessonAction::Failed {
            source,
            errors: vec![(String::new(), e.to_string())],
        },
    }
}

/// Fetches the lesson `?lesson=` names (an id or an http(s) address) and opens it.
pub fn open(param: &str, d: &UseReducerDispatcher<Playground>) {
    let source = format!("\"{}\"", param.chars().take(200).collect::<String>());
    let url = match lesson_url(param) {
        Ok(url) => url,
        Err(why) => {
            d.dispatch(Action::Lesson(LessonAction::Failed {
                source,
                errors: vec![("lesson".to_string(), why)],
            }));
            return;
        }
    };
    d.dispatch(Action::Lesson(LessonAction::Loading(source.clone())));
    #[cfg(target_arch = "wasm32")]
    {
        let d = d.clone();
        yew::platform::spawn_local(async move {
            let action = match crate::browser::fetch_text(&url).await {
                Ok(text) => from_text(&source, &text),
                Err(why) => LessonAction::Failed {
                    source,
                    errors: vec![(String::new(), format!("it could not be fetched: {why}"))],
                },
            };
            d.dispatch(Action::Lesson(action));
        });
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = url;
}

/// Fetches the index for the Lessons panel.
pub fn load_index(d: &UseReducerDispatcher<Playground>) {
    #[cfg(target_arch = "wasm32")]
    {
        let d = d.clone();
        yew::platform::spawn_local(async move {
            use crate::lesson_play::{read_index, Catalog};
            let catalog = match crate::browser::fetch_text(INDEX_URL).await {
                Ok(text) => match read_index(&text) {
                    Ok(entries) => Catalog::Loaded(std::rc::Rc::new(entries)),
                    Err(why) => Catalog::Failed(why),
                },
                Err(why) => Catalog::Failed(why),
            };
            d.dispatch(Action::Lesson(LessonAction::CatalogLoaded(catalog)));
        });
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = d;
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_sim::lesson::link::encode_lesson_fragment;

    #[test]
    fn a_lesson_link_opens_and_a_damaged_one_says_why() {
        let text = include_str!("../../../web/lessons/ordering.json");
        let doc: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
        let action = from_link(&encode_lesson_fragment(&doc));
        assert!(matches!(action, LessonAction::Open(l) if l.id == "ordering"));
        assert!(matches!(from_link("#l=!!!"), LessonAction::Failed { .. }));
    }

    #[test]
    fn an_invalid_lesson_lists_every_problem_with_its_path() {
        let text = r#"{"lesson": 1, "id": "x", "title": "t", "scenario": {"format": 1},
            "steps": [{"at.ms": 0, "sey": "a"}, {"at.ms": 0, "say": "b", "expect": ["records.lsot > 1"]}]}"#;
        let LessonAction::Failed { errors, .. } = from_text("x", text) else {
            panic!("an invalid lesson opened");
        };
        let paths: Vec<&str> = errors.iter().map(|(p, _)| p.as_str()).collect();
        assert!(paths.contains(&"steps[0].sey"), "{paths:?}");
        assert!(
            paths.iter().any(|p| p.starts_with("steps[1].expect[0]")),
            "{paths:?}"
        );
    }
}
