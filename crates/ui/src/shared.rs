//! Sharing without deep comparison.

use std::rc::Rc;

/// An `Rc` compared by identity, not by contents: for what is only ever replaced whole and is
/// costly (the run) or pointless (the resolved scenario, which follows the document) to compare
/// deeply. Deriving `PartialEq` through it stays cheap.
#[derive(Debug)]
pub struct Shared<T>(pub Rc<T>);

impl<T> Shared<T> {
    pub fn new(value: T) -> Shared<T> {
        Shared(Rc::new(value))
    }
}

// By hand: `derive(Clone)` would ask for `T: Clone`, and only the pointer is copied.
impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Rc::clone(&self.0))
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}
