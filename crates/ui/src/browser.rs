//! The few browser facilities the page uses (address, history, clipboard, media queries,
//! animation frames, key presses), behind plain functions. Outside wasm32 they are inert, so the
//! rest of the crate builds and unit-tests natively.

/// The page's address parts: `?query` and `#fragment` (both without their mark), and the
/// address without the fragment (the base of a permalink).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Address {
    pub query: String,
    pub fragment: String,
    pub base: String,
}

/// One query parameter's value (`?embed=1&controls=acks` → `controls` → `acks`).
pub fn query_param(query: &str, name: &str) -> Option<String> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter_map(|part| part.split_once('=').or(Some((part, ""))))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| percent_decode(value))
}

/// `query` with the parameter `name` set to `value` (a lesson id: nothing to escape), or
/// removed (None); the other parameters kept in order.
pub fn with_param(query: &str, name: &str, value: Option<&str>) -> String {
    let mut out = String::new();
    let kept = query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty() && p.split('=').next() != Some(name));
    let set = value.map(|value| format!("{name}={value}"));
    for part in kept.chain(set.as_deref()) {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(part);
    }
    out
}

/// Decodes `%XX` escapes and `+` (a query's space); invalid escapes stay as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(target_arch = "wasm32")]
mod web {
    use super::Address;
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    pub fn address() -> Address {
        let Some(location) = web_sys::window().map(|w| w.location()) else {
            return Address::default();
        };
        let href = location.href().unwrap_or_default();
        Address {
            query: location
                .search()
                .unwrap_or_default()
                .trim_start_matches('?')
                .to_string(),
            fragment: location.hash().unwrap_or_default(),
            base: href.split('#').next().unwrap_or_default().to_string(),
        }
    }

    pub fn replace_fragment(fragment: &str) {
        let Some(history) = web_sys::window().and_then(|w| w.history().ok()) else {
            return;
        };
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(fragment));
    }

    pub fn copy_text(text: &str) {
        if let Some(window) = web_sys::window() {
            let _ = window.navigator().clipboard().write_text(text);
        }
    }

    pub fn media_matches(query: &str) -> bool {
        web_sys::window()
            .and_then(|w| w.match_media(query).ok().flatten())
            .is_some_and(|m| m.matches())
    }

    /// The frame callback, shared with itself so it can ask for the next frame.
    type FrameSlot = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

    /// Calls `on_frame(elapsed_ms)` on every animation frame until dropped.
    pub struct AnimationLoop {
        id: Rc<RefCell<Option<i32>>>,
        closure: FrameSlot,
    }

    impl AnimationLoop {
        pub fn start(mut on_frame: impl FnMut(f64) + 'static) -> AnimationLoop {
            let id = Rc::new(RefCell::new(None));
            let closure: FrameSlot = Rc::new(RefCell::new(None));
            let last = Rc::new(RefCell::new(None::<f64>));
            let (id_in, closure_in) = (Rc::clone(&id), Rc::clone(&closure));
            let body = Closure::<dyn FnMut(f64)>::new(move |timestamp: f64| {
                let elapsed = last.borrow().map(|t| timestamp - t).unwrap_or(0.0);
                *last.borrow_mut() = Some(timestamp);
                on_frame(elapsed);
                if let Some(f) = closure_in.borrow().as_ref() {
                    *id_in.borrow_mut() = request(f);
                }
            });
            *id.borrow_mut() = request(&body);
            *closure.borrow_mut() = Some(body);
            AnimationLoop { id, closure }
        }
    }

    fn request(f: &Closure<dyn FnMut(f64)>) -> Option<i32> {
        web_sys::window()?
            .request_animation_frame(f.as_ref().unchecked_ref())
            .ok()
    }

    impl Drop for AnimationLoop {
        fn drop(&mut self) {
            if let (Some(window), Some(id)) = (web_sys::window(), self.id.borrow_mut().take()) {
                let _ = window.cancel_animation_frame(id);
            }
            // Dropping the closure breaks the cycle through `closure_in`.
            self.closure.borrow_mut().take();
        }
    }

    /// A document-level keydown listener, removed when dropped.
    pub struct KeyListener {
        closure: Closure<dyn FnMut(web_sys::KeyboardEvent)>,
    }

    impl KeyListener {
        pub fn start(mut on_key: impl FnMut(&web_sys::KeyboardEvent) + 'static) -> KeyListener {
            let closure = Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(
                move |e: web_sys::KeyboardEvent| on_key(&e),
            );
            if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
                let _ = doc
                    .add_event_listener_with_callback("keydown", closure.as_ref().unchecked_ref());
            }
            KeyListener { closure }
        }
    }

    impl Drop for KeyListener {
        fn drop(&mut self) {
            if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
                let _ = doc.remove_event_listener_with_callback(
                    "keydown",
                    self.closure.as_ref().unchecked_ref(),
                );
            }
        }
    }

    /// Whether a key press belongs to a form field (so page shortcuts leave it alone).
    pub fn typing_into_field(e: &web_sys::KeyboardEvent) -> bool {
        e.target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|el| {
                matches!(
                    el.tag_name().as_str(),
                    "INPUT" | "SELECT" | "TEXTAREA" | "BUTTON" | "A" | "SUMMARY"
                ) || el
                    .get_attribute("role")
                    .is_some_and(|r| r == "button" || r == "menuitem")
            })
    }

    /// The text at `url` (relative to the page, or absolute), or why it could not be had.
    pub async fn fetch_text(url: &str) -> Result<String, String> {
        use wasm_bindgen_futures::JsFuture;
        let failed = || "the request failed (offline, or not allowed)".to_string();
        let window = web_sys::window().ok_or_else(failed)?;
        let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
            .await
            .ok()
            .and_then(|r| r.dyn_into().ok())
            .ok_or_else(failed)?;
        if !response.ok() {
            return Err(format!("the server answered HTTP {}", response.status()));
        }
        let text = JsFuture::from(response.text().map_err(|_| failed())?)
            .await
            .map_err(|_| failed())?;
        text.as_string().ok_or_else(failed)
    }

    #[wasm_bindgen::prelude::wasm_bindgen(inline_js = "export function deflateRaw(bytes) {
        return new Response(new Blob([bytes]).stream()
            .pipeThrough(new CompressionStream('deflate-raw'))).arrayBuffer();
    }")]
    extern "C" {
        // `catch`: a browser without CompressionStream throws here instead of aborting.
        #[wasm_bindgen(catch, js_name = deflateRaw)]
        fn deflate_raw_promise(bytes: &[u8]) -> Result<js_sys::Promise, wasm_bindgen::JsValue>;
    }

    /// `bytes` as raw deflate by the browser's own compressor, or None where it has none.
    pub async fn deflate_raw(bytes: &[u8]) -> Option<Vec<u8>> {
        let promise = deflate_raw_promise(bytes).ok()?;
        let buffer = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
        Some(js_sys::Uint8Array::new(&buffer).to_vec())
    }

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    /// A value kept in localStorage (None where storage is off).
    pub fn load(key: &str) -> Option<String> {
        storage()?.get_item(key).ok().flatten()
    }

    pub fn store(key: &str, value: &str) {
        if let Some(s) = storage() {
            let _ = s.set_item(key, value);
        }
    }

    /// Rewrites the address's query (`?...`, empty for none), keeping its path and fragment.
    pub fn replace_query(query: &str) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let location = window.location();
        let url = format!(
            "{}{}{}",
            location.pathname().unwrap_or_default(),
            if query.is_empty() {
                String::new()
            } else {
                format!("?{query}")
            },
            location.hash().unwrap_or_default()
        );
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
    }

    pub fn now_ms() -> f64 {
        web_sys::window()
            .and_then(|w| w.performance())
            .map(|p| p.now())
            .unwrap_or(0.0)
    }
}

#[cfg(target_arch = "wasm32")]
pub use web::*;

#[cfg(not(target_arch = "wasm32"))]
mod inert {
    use super::Address;

    pub fn address() -> Address {
        Address::default()
    }
    pub fn replace_fragment(_fragment: &str) {}
    pub fn copy_text(_text: &str) {}
    pub fn media_matches(_query: &str) -> bool {
        false
    }
    pub fn now_ms() -> f64 {
        0.0
    }
    pub fn load(_key: &str) -> Option<String> {
        None
    }
    pub fn store(_key: &str, _value: &str) {}
    pub fn replace_query(_query: &str) {}
}

#[cfg(not(target_arch = "wasm32"))]
pub use inert::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parameters_are_found_and_decoded() {
        let q = "embed=1&controls=acks%2Csend.mode&x";
        assert_eq!(query_param(q, "embed").as_deref(), Some("1"));
        assert_eq!(
            query_param(q, "controls").as_deref(),
            Some("acks,send.mode")
        );
        assert_eq!(query_param(q, "x").as_deref(), Some(""));
        assert_eq!(query_param(q, "bench"), None);
        assert_eq!(query_param("a=%zz", "a").as_deref(), Some("%zz"));
    }

    #[test]
    fn a_parameter_is_replaced_or_removed_and_the_others_kept() {
        assert_eq!(
            with_param("embed=1&lesson=a", "lesson", Some("acks")),
            "embed=1&lesson=acks"
        );
        assert_eq!(with_param("lesson=a&embed=1", "lesson", None), "embed=1");
    }
}
