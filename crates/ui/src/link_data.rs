//! The permalink's data on the page. Natively the core packs a document with miniz's deflate;
//! the page deflates with the browser's own `CompressionStream("deflate-raw")` instead, so its
//! download carries no compressor (about 7 KB of gzip). Where the browser has none, the data
//! goes as stored deflate blocks: longer, but every reader inflates it. Links are still read
//! (inflated) by the core, on the page as on the command line.

use serde_json::Value;
use std::cell::Cell;
use std::rc::Rc;
use yew::prelude::*;

/// The fragment of what is on screen: `doc` (with B's set when comparing) at `position_ms`.
/// Empty until the first one is packed; each change of `revision`, `set` or `position_ms`
/// packs anew, and a packing overtaken by a newer one is dropped.
#[hook]
pub fn use_fragment(
    doc: Rc<Value>,
    revision: u64,
    set: Option<Rc<Value>>,
    position_ms: Option<u64>,
) -> Rc<String> {
    let fragment = use_state(|| Rc::new(String::new()));
    let setter = fragment.setter();
    use_effect_with((revision, set, position_ms), move |(_, set, ms)| {
        let current = Rc::new(Cell::new(true));
        #[cfg(target_arch = "wasm32")]
        {
            let (current, set, ms) = (Rc::clone(&current), set.clone(), *ms);
            wasm_bindgen_futures::spawn_local(async move {
                let packed = web::fragment(&doc, set.as_deref(), ms).await;
                if current.get() {
                    setter.set(Rc::new(packed));
                }
            });
        }
        #[cfg(not(target_arch = "wasm32"))]
        setter.set(Rc::new(crate::state::compare::fragment(
            &doc,
            set.as_deref(),
            *ms,
        )));
        move || current.set(false)
    });
    (*fragment).clone()
}

#[cfg(target_arch = "wasm32")]
mod web {
    use crate::state::compare::fragment_of;
    use kafka_sim::scenario::permalink::{deflate_stored, encode_deflated};
    use serde_json::Value;

    pub async fn fragment(doc: &Value, set: Option<&Value>, position_ms: Option<u64>) -> String {
        let data = pack(doc).await;
        let set = match set {
            Some(set) => Some(pack(set).await),
            None => None,
        };
        fragment_of(&data, set.as_deref(), position_ms)
    }

    async fn pack(doc: &Value) -> String {
        let json = doc.to_string();
        let deflated = match crate::browser::deflate_raw(json.as_bytes()).await {
            Some(deflated) => deflated,
            None => deflate_stored(json.as_bytes()),
        };
        encode_deflated(&deflated)
    }
}
