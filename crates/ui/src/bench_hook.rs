//! `?bench=1` only: `window.kafkaPlaygroundBench(simulatedMs)` runs the default scenario,
//! stretched to at least that duration, from its start to `simulatedMs` in the page's own wasm
//! and returns the wall-clock milliseconds it took (web/bench/page-bench.mjs prints it).

use crate::run_cache::Runner;
use kafka_sim::scenario::{resolve_scenario, DEFAULT_SCENARIO_JSON};
use serde_json::Value;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;

const NAME: &str = "kafkaPlaygroundBench";

/// Removes the hook when dropped.
pub struct BenchHook {
    _closure: Closure<dyn Fn(f64) -> f64>,
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
    if let Some(window) = web_sys::window() {
        let _ = js_sys::Reflect::set(&window, &JsValue::from_str(NAME), closure.as_ref());
    }
    BenchHook { _closure: closure }
}

impl Drop for BenchHook {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            let _ = js_sys::Reflect::delete_property(&window, &JsValue::from_str(NAME));
        }
    }
}
