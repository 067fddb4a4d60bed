//! Elements built by calls instead of `html!`: the macro expands every element in place (its
//! tag, attributes, listeners and children stored field by field into the view's frame, each
//! element's code unlike the next); here an element is a few calls to the functions below,
//! which exist once. Moving the page's views here saved about 30 bytes of gzip per element.
//! Same Yew nodes, same DOM: where `html!` has an `if` without `else`, [`El::maybe`] leaves
//! the same empty placeholder, so the siblings after it keep their places from one render to
//! the next.
//!
//! The attributes take `html!`'s own form, Yew's `Attributes::Dynamic`: a `'static` list of
//! keys beside the values, which Yew compares value by value when both renders share the key
//! list (by address). Each distinct key list is interned once ([`interned`]), and an absent
//! optional attribute keeps its key with no value, so an element's key list stays the same
//! from one render to the next. What stays in `html!`: components (their props), inputs
//! (`html!` sets an input's value as a property, which keeps it current while the user types),
//! and the event log's lines (hundreds a frame, where its fewer allocations show).
//!
//! `el("p").class("small").text("…").html()`; `el("button").on_click(cb)`; children with
//! `.el(element)`, `.child(html)` (an `Html` of any kind: a `for` list collected into one too).

use std::cell::RefCell;
use std::rc::Rc;
use yew::html::{onchange, onclick, onkeydown};
use yew::virtual_dom::{
    AttrValue, AttributeOrProperty, Attributes, Key, Listener, VNode, VTag, VText,
};
use yew::{Callback, Html};

/// An element being built.
pub struct El(Box<Parts>);

struct Parts {
    tag: &'static str,
    key: Option<Key>,
    keys: Vec<&'static str>,
    values: Vec<Option<AttributeOrProperty>>,
    listeners: Vec<Option<Rc<dyn Listener>>>,
    children: Vec<VNode>,
}

/// A new `<tag>`.
#[inline(never)]
pub fn el(tag: &'static str) -> El {
    El(Box::new(Parts {
        tag,
        key: None,
        keys: Vec::new(),
        values: Vec::new(),
        listeners: Vec::new(),
        children: Vec::new(),
    }))
}

/// A text node.
#[inline(never)]
pub fn text(value: impl Into<AttrValue>) -> Html {
    VNode::VText(VText::new(value))
}

impl El {
    /// The key Yew matches list items by.
    pub fn key(mut self, key: impl Into<Key>) -> El {
        self.0.key = Some(key.into());
        self
    }

    /// `key="value"`.
    pub fn attr(self, key: &'static str, value: impl Into<AttrValue>) -> El {
        self.attr_value(key, Some(value.into()))
    }

    #[inline(never)]
    fn attr_value(mut self, key: &'static str, value: Option<AttrValue>) -> El {
        self.0.keys.push(key);
        self.0
            .values
            .push(value.map(AttributeOrProperty::Attribute));
        self
    }

    /// `key="value"` when there is a value (absent otherwise).
    pub fn attr_opt(self, key: &'static str, value: Option<impl Into<AttrValue>>) -> El {
        self.attr_value(key, value.map(Into::into))
    }

    /// A boolean attribute (`disabled`, `selected`…): present when `on`, as `html!` writes it.
    #[inline(never)]
    pub fn flag(self, key: &'static str, on: bool) -> El {
        self.attr_value(key, on.then_some(AttrValue::Static(key)))
    }

    pub fn class(self, value: impl Into<AttrValue>) -> El {
        self.attr("class", value)
    }

    /// One child node.
    #[inline(never)]
    pub fn child(mut self, child: Html) -> El {
        self.0.children.push(child);
        self
    }

    /// A child that may not be there: `html!`'s empty placeholder then.
    pub fn maybe(self, child: Option<Html>) -> El {
        self.child(child.unwrap_or_default())
    }

    /// A text child.
    pub fn text(self, value: impl Into<AttrValue>) -> El {
        self.child(text(value))
    }

    /// A child element.
    pub fn el(self, child: El) -> El {
        self.child(child.html())
    }

    #[inline(never)]
    fn listen(mut self, listener: Rc<dyn Listener>) -> El {
        self.0.listeners.push(Some(listener));
        self
    }

    pub fn on_click(self, callback: Callback<web_sys::MouseEvent>) -> El {
        self.listen(Rc::new(onclick::Wrapper::new(callback)))
    }

    pub fn on_change(self, callback: Callback<web_sys::Event>) -> El {
        self.listen(Rc::new(onchange::Wrapper::new(callback)))
    }

    pub fn on_keydown(self, callback: Callback<web_sys::KeyboardEvent>) -> El {
        self.listen(Rc::new(onkeydown::Wrapper::new(callback)))
    }

    /// The finished element.
    #[inline(never)]
    pub fn html(self) -> Html {
        let Parts {
            tag,
            key,
            keys,
            values,
            listeners,
            children,
        } = *self.0;
        let mut vtag = VTag::new(AttrValue::Static(tag));
        vtag.key = key;
        if !keys.is_empty() {
            vtag.set_attributes(Attributes::Dynamic {
                keys: interned(&keys),
                values: values.into_boxed_slice(),
            });
        }
        if !listeners.is_empty() {
            vtag.set_listeners(listeners.into_boxed_slice());
        }
        if !children.is_empty() {
            vtag.add_children(children);
        }
        VNode::VTag(Rc::new(vtag))
    }
}

/// Slots of the interned key lists' cache (a power of two).
const KEY_SLOTS: usize = 64;

thread_local! {
    /// Every attribute key list built so far, and a cache of where a list was last found, by a
    /// hash of its keys' addresses (0: empty, else the index plus one).
    static KEY_LISTS: RefCell<(Vec<&'static [&'static str]>, [usize; KEY_SLOTS])> =
        const { RefCell::new((Vec::new(), [0; KEY_SLOTS])) };
}

/// The one `'static` copy of a key list, made (and leaked, once per distinct list: the page
/// builds a few hundred at most) the first time it is met. Keys are compared by address, as
/// the literals at the call sites are; a list found by content elsewhere would only cost Yew's
/// slower comparison. Most lookups hit the cache: a few rows' kinds alternate in a table.
fn interned(keys: &[&'static str]) -> &'static [&'static str] {
    let same = |list: &[&'static str]| {
        list.len() == keys.len() && list.iter().zip(keys).all(|(a, b)| std::ptr::eq(*a, *b))
    };
    let hash = keys.iter().fold(keys.len(), |h, k| {
        h.wrapping_mul(31).wrapping_add(k.as_ptr() as usize)
    });
    let slot = (hash ^ (hash >> 7)) % KEY_SLOTS;
    KEY_LISTS.with_borrow_mut(|(lists, cache)| {
        let cached = cache[slot].checked_sub(1).and_then(|i| lists.get(i));
        if let Some(&list) = cached.filter(|l| same(l)) {
            return list;
        }
        let i = match lists.iter().position(|l| same(l)) {
            Some(i) => i,
            None => {
                lists.push(Box::leak(keys.to_vec().into_boxed_slice()));
                lists.len() - 1
            }
        };
        cache[slot] = i + 1;
        lists[i]
    })
}

impl From<El> for Html {
    fn from(el: El) -> Html {
        el.html()
    }
}
