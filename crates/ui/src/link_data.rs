//! The permalink's data on the page. Natively the core packs a document with miniz's deflate;
//! the page deflates with the browser's own `CompressionStream("deflate-raw")` instead, so its
//! download carries no compressor (about 7 KB of gzip). Where the browser has none, the data
//! goes as stored deflate blocks: longer, but every reader inflates it. Links are still read
//! (inflated) by the core, on the page as on the command line.

use serde_json::Value;
use std::cell::Cell;
use std::rc::Rc;
use yew::prelude::*;

/// The fragment of what is on screen: `doc` (with B's set when comparing) at `position_ms`,
/// and whether a newer one is still being packed (the page marks that, so a reader of the
/// address knows to wait). Empty until the first one is packed; each change of `revision`,
/// `set` or `position_ms` packs anew, and a packing overtaken by a newer one is dropped.
#[hook]
pub fn use_fragment(
    doc: Rc<Value>,
    revision: u64,
    set: Option<Rc<Value>>,
    position_ms: Option<u64>,
) -> (Rc<String>, bool) {
    type Key = (u64, Option<Rc<Value>>, Option<u64>);
    let packed = use_state(|| (None::<Key>, Rc::new(String::new())));
    let key: Key = (revision, set, position_ms);
    let pending = packed.0.as_ref() != Some(&key);
    let setter = packed.setter();
    use_effect_with(key, move |key| {
        let current = Rc::new(Cell::new(true));
        let (_, set, ms) = key.clone();
        #[cfg(target_arch = "wasm32")]
        {
            let (current, key) = (Rc::clone(&current), key.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let fragment = web::fragment(&doc, set.as_deref(), ms).await;
                if current.get() {
                    setter.set((Some(key), Rc::new(fragment)));
                }
            });
        }
        #[cfg(not(target_arch = "wasm32"))]
        setter.set((
            Some(key.clone()),
            Rc::new(crate::state::compare::fragment(&doc, set.as_deref(), ms)),
        ));
        move || current.set(false)
    });
    (Rc::clone(&packed.1), pending)
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
