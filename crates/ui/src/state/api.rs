//! What the embedding API (the page's `embed_api` module) does to the state beyond playback.

use super::{Playback, Playground};
use serde_json::Value;

/// What the API does to the state beyond the playback actions.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiAction {
    /// Replaces the scenario on screen (already checked), at its start, paused.
    Load(Value),
    /// Nothing but a render, after which the pending replies are posted.
    Touch,
}

impl Playground {
    pub fn reduce_api(&mut self, action: ApiAction) {
        match action {
            ApiAction::Load(doc) => {
                self.compare = None;
                self.link_error = None;
                self.selection = None;
                self.playback = Playback::Paused;
                self.position_us = 0;
                self.set_doc(doc);
            }
            ApiAction::Touch => {}
        }
    }
}
