//! The embedding API: with `?embed=1&api=ORIGIN` a course page (the parent window at ORIGIN)
//! drives the playground with `postMessage` (the contract in the README's "Embedding API").
//! Messages from any other origin are ignored without a reply; replies go to ORIGIN only. A
//! request becomes an [`Action`]; replies are posted after the render that shows its effect, so
//! they describe what the page shows.

use crate::state::api::ApiAction;
use crate::state::{Action, Playback, Playground};
use kafka_sim::scenario::permalink::MAX_INFLATED_BYTES;
use kafka_sim::scenario::resolve_scenario;
use serde_json::{json, Map, Value};

/// The message types' prefix.
const PREFIX: &str = "kafka-playground:";
/// Wall time between `state` messages while playing (at most 4 a second).
pub const STATE_EVERY_MS: f64 = 250.0;

/// What a host's message asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Load(Value),
    Play,
    Pause,
    Seek(u64),
    Report,
}

/// The origin `api=` names, if it is one (`http(s)://host[:port]`, a trailing `/` allowed).
pub fn allowed_origin(param: &str) -> Option<String> {
    let origin = param.trim().trim_end_matches('/');
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))?;
    let ok = !rest.is_empty()
        && rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b));
    ok.then(|| origin.to_string())
}

/// Reads a host's message (its data as JSON text): the request, or why it is refused.
pub fn read_request(text: &str) -> Result<Request, String> {
    // The scenario's own limit (as a link's, once inflated), and room for the envelope.
    if text.len() > MAX_INFLATED_BYTES + 1024 {
        return Err(format!(
            "the message is too large ({} bytes; a scenario may have at most {MAX_INFLATED_BYTES})",
            text.len()
        ));
    }
    let value: Value = serde_json::from_str(text)
        .map_err(|_| "the message is not an object with a type".to_string())?;
    let Value::Object(map) = value else {
        return Err("the message is not an object with a type".into());
    };
    let Some(kind) = map.get("type").and_then(Value::as_str) else {
        return Err(
            "the message has no \"type\" (a text such as \"kafka-playground:play\")".into(),
        );
    };
    let kind = kind.to_string();
    let fields = |allowed: &[&str]| -> Result<(), String> {
        match map
            .keys()
            .find(|k| *k != "type" && !allowed.contains(&k.as_str()))
        {
            Some(k) => Err(format!("{kind}: unknown field \"{}\"", shorten(k))),
            None => Ok(()),
        }
    };
    match kind.strip_prefix(PREFIX).unwrap_or("") {
        "play" => fields(&[]).map(|_| Request::Play),
        "pause" => fields(&[]).map(|_| Request::Pause),
        "report" => fields(&[]).map(|_| Request::Report),
        "seek" => {
            fields(&["at.ms"])?;
            let at = map.get("at.ms").and_then(Value::as_f64);
            match at {
                Some(ms) if ms >= 0.0 && ms.fract() == 0.0 && ms <= 9e15 => {
                    Ok(Request::Seek(ms as u64))
                }
                _ => Err(format!(
                    "{kind}: \"at.ms\" must be a whole number of milliseconds, at least 0"
                )),
            }
        }
        "load" => {
            fields(&["scenario", "lesson"])?;
            read_load(&kind, &map)
        }
        _ => Err(format!("unknown message type \"{}\"", shorten(&kind))),
    }
}

fn read_load(kind: &str, map: &Map<String, Value>) -> Result<Request, String> {
    if map.contains_key("lesson") {
        return Err(format!(
            "{kind}: this page cannot load lessons through the API yet; send a \"scenario\""
        ));
    }
    let Some(doc) = map.get("scenario") else {
        return Err(format!("{kind}: \"scenario\" (an object) is missing"));
    };
    if !doc.is_object() {
        return Err(format!("{kind}: \"scenario\" must be an object"));
    }
    let size = doc.to_string().len();
    if size > MAX_INFLATED_BYTES {
        return Err(format!(
            "{kind}: the scenario is too large ({size} bytes; at most {MAX_INFLATED_BYTES})"
        ));
    }
    match resolve_scenario(doc) {
        Ok(_) => Ok(Request::Load(doc.clone())),
        Err(errors) => Err(format!("{kind}: the scenario is refused:\n{errors}")),
    }
}

fn shorten(text: &str) -> String {
    text.chars().take(60).collect()
}

/// The action a request takes (a report only needs the render its reply follows).
pub fn action_of(request: Request) -> Action {
    match request {
        Request::Load(doc) => Action::Api(ApiAction::Load(doc)),
        Request::Play => Action::Play,
        Request::Pause => Action::Pause,
        Request::Seek(ms) => Action::Seek(ms.saturating_mul(1000)),
        Request::Report => Action::Api(ApiAction::Touch),
    }
}

pub fn ready_message() -> Value {
    json!({"type": "kafka-playground:ready", "version": env!("CARGO_PKG_VERSION")})
}

pub fn error_message(message: &str) -> Value {
    json!({"type": "kafka-playground:error", "message": message})
}

pub fn state_message(state: &Playground) -> Value {
    json!({"type": "kafka-playground:state", "at.ms": state.position_us / 1000,
           "playing": state.playback != Playback::Paused})
}

/// The report of the run at the position, as `kafka-sim run --json` prints it (the report,
/// and the scenario's notes).
pub fn report_message(state: &Playground) -> Value {
    let mut report = state
        .runner
        .as_ref()
        .map(|r| kafka_sim::lesson::report_json(&r.borrow().run_report()))
        .unwrap_or(Value::Null);
    if let Value::Object(map) = &mut report {
        let notes = state
            .notes()
            .iter()
            .map(|n| json!({"path": n.path, "message": n.message}))
            .collect();
        map.insert("notes".into(), Value::Array(notes));
    }
    json!({"type": "kafka-playground:report", "report": report})
}

/// What to post after a render, from what was asked and what changed since the last one.
#[derive(Debug, Default)]
pub struct Pending {
    /// A request asked for a `state` reply.
    pub state: bool,
    /// A request asked for a `report` reply.
    pub report: bool,
    last: Option<(bool, u64)>,
    last_state_ms: f64,
    /// The document revision whose end was reported.
    ended: Option<u64>,
}

impl Pending {
    /// The messages to post after a render at wall time `now_ms`.
    pub fn after_render(&mut self, state: &Playground, now_ms: f64) -> Vec<Value> {
        let playing = state.playback != Playback::Paused;
        let at = state.position_us / 1000;
        let at_end = state.frame.is_some() && state.position_us >= state.end_us();
        let mut out = Vec::new();
        let Some((was_playing, was_at)) = self.last.replace((playing, at)) else {
            // The first render: nothing happened yet.
            self.ended = at_end.then_some(state.doc_revision);
            return out;
        };
        let toggled = was_playing != playing;
        let moved = was_at != at;
        let due = now_ms - self.last_state_ms >= STATE_EVERY_MS;
        if self.state || toggled || (moved && (!playing || due)) {
            self.state = false;
            self.last_state_ms = now_ms;
            out.push(state_message(state));
        }
        if self.report {
            self.report = false;
            out.push(report_message(state));
        }
        if !at_end {
            self.ended = None;
        } else if self.ended != Some(state.doc_revision) {
            self.ended = Some(state.doc_revision);
            out.push(report_message(state));
        }
        out
    }
}

#[cfg(target_arch = "wasm32")]
mod web {
    use super::{action_of, error_message, read_request, ready_message, Pending, Request};
    use crate::state::Playground;
    use serde_json::Value;
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    use yew::prelude::*;

    /// Posts `message` to the parent window, for `origin` only.
    fn post(origin: &str, message: &Value) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let Ok(Some(parent)) = window.parent() else {
            return;
        };
        if let Ok(data) = js_sys::JSON::parse(&message.to_string()) {
            let _ = parent.post_message(&data, origin);
        }
    }

    fn text_of(value: &JsValue, key: &str) -> Option<String> {
        js_sys::Reflect::get(value, &key.into()).ok()?.as_string()
    }

    /// The window's `message` listener for one origin, removed when dropped.
    pub struct Port {
        origin: String,
        closure: Closure<dyn FnMut(web_sys::Event)>,
        pending: Rc<RefCell<Pending>>,
    }

    impl Port {
        fn start(origin: String, dispatcher: UseReducerDispatcher<Playground>) -> Port {
            let pending = Rc::new(RefCell::new(Pending::default()));
            let (expected, asked) = (origin.clone(), Rc::clone(&pending));
            let closure = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
                // Another origin gets nothing, not even an error.
                if text_of(&e, "origin").as_deref() != Some(expected.as_str()) {
                    return;
                }
                let data = js_sys::Reflect::get(&e, &"data".into()).unwrap_or(JsValue::NULL);
                let text = js_sys::JSON::stringify(&data)
                    .ok()
                    .and_then(|s| s.as_string());
                let request = text.map_or_else(
                    || Err("the message is not an object with a type".to_string()),
                    |t| read_request(&t),
                );
                match request {
                    Err(why) => post(&expected, &error_message(&why)),
                    Ok(request) => {
                        let mut p = asked.borrow_mut();
                        match request {
                            Request::Report => p.report = true,
                            Request::Play | Request::Pause | Request::Seek(_) => p.state = true,
                            Request::Load(_) => {}
                        }
                        drop(p);
                        dispatcher.dispatch(action_of(request));
                    }
                }
            });
            if let Some(window) = web_sys::window() {
                let _ = window
                    .add_event_listener_with_callback("message", closure.as_ref().unchecked_ref());
            }
            post(&origin, &ready_message());
            Port {
                origin,
                closure,
                pending,
            }
        }

        fn after_render(&self, state: &Playground) {
            let messages = self
                .pending
                .borrow_mut()
                .after_render(state, crate::browser::now_ms());
            for m in messages {
                post(&self.origin, &m);
            }
        }
    }

    impl Drop for Port {
        fn drop(&mut self) {
            if let Some(window) = web_sys::window() {
                let _ = window.remove_event_listener_with_callback(
                    "message",
                    self.closure.as_ref().unchecked_ref(),
                );
            }
        }
    }

    /// Speaks the API with `origin` (None: the API is off): registers the listener in an
    /// effect (removed in its cleanup), posts `ready`, and after every render the replies due.
    #[hook]
    pub fn use_embed_api(origin: Option<String>, state: &UseReducerHandle<Playground>) {
        let port = use_mut_ref(|| None::<Port>);
        {
            let (port, dispatcher) = (Rc::clone(&port), state.dispatcher());
            use_effect_with(origin, move |origin| {
                *port.borrow_mut() = origin.clone().map(|o| Port::start(o, dispatcher));
                move || drop(port.borrow_mut().take())
            });
        }
        let state = state.clone();
        use_effect(move || {
            if let Some(port) = port.borrow().as_ref() {
                port.after_render(&state);
            }
        });
    }
}

#[cfg(target_arch = "wasm32")]
pub use web::use_embed_api;

/// Outside the browser there is no window to speak through.
#[cfg(not(target_arch = "wasm32"))]
#[yew::hook]
pub fn use_embed_api(origin: Option<String>, state: &yew::UseReducerHandle<Playground>) {
    let _ = (origin, state);
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_sim::scenario::DEFAULT_SCENARIO_JSON;
    use std::rc::Rc;
    use yew::Reducible;

    fn text(v: Value) -> String {
        v.to_string()
    }

    #[test]
    fn requests_are_read_and_malformed_ones_refused_with_a_reason() {
        assert_eq!(
            read_request(&text(json!({"type": "kafka-playground:play"}))),
            Ok(Request::Play)
        );
        assert_eq!(
            read_request(&text(
                json!({"type": "kafka-playground:seek", "at.ms": 5000})
            )),
            Ok(Request::Seek(5000))
        );
        for bad in [
            json!("kafka-playground:play"),
            json!([1]),
            json!({"kind": "play"}),
            json!({"type": "kafka-playground:dance"}),
            json!({"type": "play"}),
            json!({"type": "kafka-playground:seek", "at.ms": -1}),
            json!({"type": "kafka-playground:seek", "at.ms": "5"}),
            json!({"type": "kafka-playground:seek"}),
            json!({"type": "kafka-playground:play", "speed": 3}),
            json!({"type": "kafka-playground:load"}),
            json!({"type": "kafka-playground:load", "scenario": "x"}),
            json!({"type": "kafka-playground:load", "lesson": "acks"}),
            json!({"type": "kafka-playground:load", "scenario": {"format": 1, "seed": -1}}),
        ] {
            assert!(read_request(&text(bad.clone())).is_err(), "{bad}");
        }
        assert!(read_request("not json").is_err());
        let huge = json!({"type": "kafka-playground:load",
                          "scenario": {"format": 1, "x": "a".repeat(MAX_INFLATED_BYTES)}});
        let why = read_request(&text(huge)).expect_err("too large");
        assert!(why.contains("too large"), "{why}");
        let refused = read_request(&text(
            json!({"type": "kafka-playground:load", "scenario": {"format": 1, "seed": -1}}),
        ))
        .expect_err("refused");
        assert!(refused.contains("seed"), "{refused}");
    }

    #[test]
    fn origins_are_exact_http_origins() {
        assert_eq!(
            allowed_origin("http://127.0.0.1:8000/").as_deref(),
            Some("http://127.0.0.1:8000")
        );
        assert_eq!(
            allowed_origin("https://courses.example").as_deref(),
            Some("https://courses.example")
        );
        assert_eq!(allowed_origin("*"), None);
        assert_eq!(allowed_origin("https://a.example/path"), None);
        assert_eq!(allowed_origin("javascript:alert(1)"), None);
    }

    #[test]
    fn replies_follow_what_changed_and_the_end_is_reported_once() {
        let doc: Value = serde_json::from_str(DEFAULT_SCENARIO_JSON).unwrap_or(Value::Null);
        let state = Rc::new(Playground::new(doc, None));
        let mut p = Pending::default();
        assert!(p.after_render(&state, 0.0).is_empty());
        let state = state.reduce(Action::Play);
        let out = p.after_render(&state, 10.0);
        assert_eq!(out, vec![state_message(&state)]);
        assert_eq!(out[0]["playing"], json!(true));
        let state = state.reduce(Action::Tick(16.0));
        assert!(p.after_render(&state, 26.0).is_empty(), "throttled");
        let state = state.reduce(Action::Tick(16.0));
        assert_eq!(p.after_render(&state, 300.0).len(), 1);
        // A seek from the host asks for a state reply.
        p.state = true;
        let state = state.reduce(Action::Seek(u64::MAX));
        let out = p.after_render(&state, 310.0);
        assert_eq!(out.len(), 2, "{out:?}");
        assert_eq!(out[1]["type"], json!("kafka-playground:report"));
        assert!(out[1]["report"]["records"]["sent"].as_u64() > Some(0));
        assert!(out[1]["report"]["notes"].is_array());
        assert!(p.after_render(&state, 320.0).is_empty(), "reported once");
        p.report = true;
        assert_eq!(p.after_render(&state, 330.0).len(), 1);
    }

    #[test]
    fn loading_replaces_the_scenario_and_leaves_compare() {
        let doc: Value = serde_json::from_str(DEFAULT_SCENARIO_JSON).unwrap_or(Value::Null);
        let state = Rc::new(Playground::new(doc, Some(3000)))
            .reduce(Action::Compare(crate::state::compare::CompareAction::Start));
        let new = json!({"format": 1, "seed": 9, "duration.ms": 5000});
        let state = state.reduce(action_of(Request::Load(new.clone())));
        assert_eq!(*state.doc, new);
        assert_eq!(state.position_us, 0);
        assert!(state.compare.is_none());
    }
}
