//! `?bench=1` only, for web/bench/page-bench.mjs:
//! - `window.kafkaPlaygroundBench(simulatedMs)` runs the default scenario, stretched to at least
//!   that duration, from its start to `simulatedMs` in the page's own wasm and returns the
//!   wall-clock milliseconds it took;
//! - `window.kafkaPlaygroundFrameWork()` returns (and forgets) the milliseconds of main-thread
//!   work of each animation frame since the last call: see [`frame_started`].

use crate::run_cache::Runner;
use kafka_sim::scenario::{resolve_scenario, DEFAULT_SCENARIO_JSON};
use serde_json::Value;
use std::cell::RefCell;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;

const NAME: &str = "kafkaPlaygroundBench";
const FRAME_WORK_NAME: &str = "kafkaPlaygroundFrameWork";
/// Enough for ten seconds of frames between two reads; later frames are not recorded.
const MAX_FRAMES: usize = 1024;

/// The frame being timed (when it started), and the frames timed so far. `None`: no bench hook,
/// so an ordinary page records nothing.
struct FrameWork {
    started: Option<f64>,
    work_ms: Vec<f64>,
}

thread_local! {
    static FRAME_WORK: RefCell<Option<FrameWork>> = const { RefCell::new(None) };
}

/// Called first thing in the animation frame callback. The frame's work is measured from here
/// to [`frame_rendered`], the App's effect after that frame's render: the callback advances the
/// run and builds the frame (in the reducer, inside `dispatch`), then Yew renders in a microtask
/// before the browser regains control, and runs the App's effects last, after every child's
/// render and effects. What the browser then does itself (style, layout, paint) is not in it.
pub fn frame_started() {
    FRAME_WORK.with_borrow_mut(|w| {
        if let Some(w) = w {
            w.started = Some(crate::browser::now_ms());
        }
    });
}

/// Called from the App's effect on every render; counts only renders that follow a frame start
/// (every tick renders: a tick leaves the state untouched only when paused, and then the loop
/// does not run).
pub fn frame_rendered() {
    FRAME_WORK.with_borrow_mut(|w| {
        let Some(w) = w else {
            return;
        };
        if let Some(start) = w.started.take() {
            if w.work_ms.len() < MAX_FRAMES {
                w.work_ms.push(crate::browser::now_ms() - start);
            }
        }
    });
}

/// Removes the hooks when dropped.
pub struct BenchHook {
    _closure: Closure<dyn Fn(f64) -> f64>,
    _frame_work: Closure<dyn Fn() -> JsValue>,
}

pub fn install() -> BenchHook {
    let closure = Closure::<dyn Fn(f64) -> f64>::new(|simulated_ms: f64| {
        let ms = simulated_ms.max(0.0) as u64;
        let mut doc: Value = serde_json::from_str(DEFAULT_SCENARIO_JSON).unwrap_or(Value::Null);
        if let Some(map) = doc.as_object_mut() {
            map.insert("duration.ms".to_string(), Value::from(ms.max(1)));
        }
        let Ok(scenario) = resolve_scenario(&doc) else {
            return -1.0;
        };
        let start = crate::browser::now_ms();
        let mut runner = Runner::new(scenario);
        runner.seek(ms.saturating_mul(1000));
        let _ = runner.frame(None, true);
        crate::browser::now_ms() - start
    });
    let frame_work = Closure::<dyn Fn() -> JsValue>::new(|| {
        let work_ms = FRAME_WORK.with_borrow_mut(|w| {
            w.as_mut()
                .map(|w| std::mem::take(&mut w.work_ms))
                .unwrap_or_default()
        });
        js_sys::Float64Array::from(work_ms.as_slice()).into()
    });
    FRAME_WORK.set(Some(FrameWork {
        started: None,
        work_ms: Vec::new(),
    }));
    if let Some(window) = web_sys::window() {
        let _ = js_sys::Reflect::set(&window, &JsValue::from_str(NAME), closure.as_ref());
        let _ = js_sys::Reflect::set(
            &window,
            &JsValue::from_str(FRAME_WORK_NAME),
            frame_work.as_ref(),
        );
    }
    BenchHook {
        _closure: closure,
        _frame_work: frame_work,
    }
}

impl Drop for BenchHook {
    fn drop(&mut self) {
        FRAME_WORK.set(None);
        if let Some(window) = web_sys::window() {
            for name in [NAME, FRAME_WORK_NAME] {
                let _ = js_sys::Reflect::delete_property(&window, &JsValue::from_str(name));
            }
        }
    }
}
