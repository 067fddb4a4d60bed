//! Kafka Playground's page: a Yew app driving the simulation core in the browser.
// The native build only unit-tests the page's logic; the components run in wasm32.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

mod app;
#[cfg(target_arch = "wasm32")]
mod bench_hook;
mod browser;
mod components;
mod doc;
mod embed_api;
mod focus;
mod handlers;
mod highlight;
mod lesson_load;
mod lesson_play;
mod link_data;
mod markup;
mod run_cache;
mod shared;
mod state;

#[cfg(target_arch = "wasm32")]
fn main() {
    std::panic::set_hook(Box::new(|info| show_fatal(&info.to_string())));
    let root = gloo_root();
    match root {
        Some(element) => {
            yew::Renderer::<app::App>::with_root(element).render();
        }
        None => show_fatal("the page has no #app element"),
    }
}

#[cfg(target_arch = "wasm32")]
fn gloo_root() -> Option<web_sys::Element> {
    web_sys::window()?.document()?.get_element_by_id("app")
}

/// Puts a panic's message on the page (not only in the console), through the boot guard's
/// `kafkaPlaygroundFatal` in index.html.
#[cfg(target_arch = "wasm32")]
fn show_fatal(message: &str) {
    use wasm_bindgen::JsCast;
    web_sys::console::error_1(&message.into());
    let Some(window) = web_sys::window() else {
        return;
    };
    let reporter = js_sys::Reflect::get(&window, &"kafkaPlaygroundFatal".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(report) = reporter {
        let text = format!("An internal error stopped the simulation: {message}.");
        let _ = report.call1(&wasm_bindgen::JsValue::NULL, &text.into());
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("kafka-sim-ui is the page; build it with `trunk build` (see README).");
}

/// The `talc` allocator instead of Rust's default for wasm (dlmalloc): 2.7 KB less gzip, and
/// the page's frame and fast-forward figures unchanged.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
