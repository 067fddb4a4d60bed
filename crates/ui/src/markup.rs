//! Elements built by calls instead of `html!`: the macro expands every element in place (its
//! tag, attributes, listeners and children stored field by field into the view's frame, each
//! element's code unlike the next); here an element is a few calls to the functions below,
//! which exist once. Moving the page's views here saved about 30 bytes of gzip per element.
//! Same Yew nodes, same DOM: where `html!` has an `if` without `else`, [`El::maybe`] leaves
//! the same empty placeholder, so the siblings after it keep their places from one render to
//! the next.
//!
//! The attributes end up in Yew's hashed form (an `IndexMap`), slower to build and compare than
//! `html!`'s: lists redrawn on every frame of a playing run (event log lines, ledger figures,
//! replica rows, overview tiles) stay in `html!`, and so do inputs (`html!` sets their value
//! as a property).
//!
//! `el("p").class("small").text("…").html()`; `el("button").on_click(cb)`; children with
//! `.el(element)`, `.child(html)` (an `Html` of any kind: a `for` list collected into one too).

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
    attributes: Vec<(&'static str, AttrValue)>,
    listeners: Vec<Option<Rc<dyn Listener>>>,
    children: Vec<VNode>,
}

/// A new `<tag>`.
#[inline(never)]
pub fn el(tag: &'static str) -> El {
    El(Box::new(Parts {
        tag,
        key: None,
        attributes: Vec::new(),
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
    #[inline(never)]
    pub fn attr(mut self, key: &'static str, value: impl Into<AttrValue>) -> El {
        self.0.attributes.push((key, value.into()));
        self
    }

    /// `key="value"` when there is a value (absent otherwise).
    pub fn attr_opt(self, key: &'static str, value: Option<impl Into<AttrValue>>) -> El {
        match value {
            Some(value) => self.attr(key, value),
            None => self,
        }
    }

    /// A boolean attribute (`disabled`, `selected`…): present when `on`, as `html!` writes it.
    #[inline(never)]
    pub fn flag(self, key: &'static str, on: bool) -> El {
        if on {
            self.attr(key, key)
        } else {
            self
        }
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
            attributes,
            listeners,
            children,
        } = *self.0;
        let mut vtag = VTag::new(AttrValue::Static(tag));
        vtag.key = key;
        if !attributes.is_empty() {
            vtag.set_attributes(Attributes::IndexMap(Rc::new(
                attributes
                    .into_iter()
                    .map(|(k, v)| (AttrValue::Static(k), AttributeOrProperty::Attribute(v)))
                    .collect(),
            )));
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

impl From<El> for Html {
    fn from(el: El) -> Html {
        el.html()
    }
}
