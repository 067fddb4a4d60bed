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
//! from one render to the next.
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

thread_local! {
    /// Every attribute key list built so far, and the one found last.
    static KEY_LISTS: RefCell<(Vec<&'static [&'static str]>, usize)> =
        const { RefCell::new((Vec::new(), 0)) };
}

/// The one `'static` copy of a key list, made (and leaked, once per distinct list: the page
/// builds a few hundred at most) the first time it is met. Keys are compared by address, as
/// the literals at the call sites are; a list found by content elsewhere would only cost Yew's
/// slower comparison. Consecutive elements mostly share their list (rows of one table), so
/// the last one found is tried first.
fn interned(keys: &[&'static str]) -> &'static [&'static str] {
    let same = |list: &[&'static str]| {
        list.len() == keys.len() && list.iter().zip(keys).all(|(a, b)| std::ptr::eq(*a, *b))
    };
    KEY_LISTS.with_borrow_mut(|(lists, last)| {
        if let Some(&list) = lists.get(*last).filter(|l| same(l)) {
            return list;
        }
        if let Some(i) = lists.iter().position(|l| same(l)) {
            *last = i;
            return lists[i];
        }
        let list: &'static [&'static str] = Box::leak(keys.to_vec().into_boxed_slice());
        *last = lists.len();
        lists.push(list);
        list
    })
}

impl From<El> for Html {
    fn from(el: El) -> Html {
        el.html()
    }
}
