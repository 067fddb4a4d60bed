//! Fetches a leader holds until there is something to answer or the wait ends (Kafka's
//! `DelayedFetch` in the fetch purgatory). Followers' and consumers' fetches wait the same way;
//! only what a fetch holds and how it is answered differ.

use crate::support::vec_map::VecMap;

/// What the purgatory needs to know about a held fetch.
pub(super) trait HeldFetch {
    fn correlation_id(&self) -> u64;
}

/// Held fetches, at most one per fetching node (a node sends its next fetch only after the
/// answer).
#[derive(Debug, Clone)]
pub(super) struct FetchPurgatory<F> {
    held: VecMap<u32, F>,
}

impl<F: HeldFetch> FetchPurgatory<F> {
    pub fn new() -> Self {
        FetchPurgatory {
            held: VecMap::new(),
        }
    }

    pub fn hold(&mut self, fetcher: u32, fetch: F) {
        self.held.insert(fetcher, fetch);
    }

    pub fn clear(&mut self) {
        self.held.clear();
    }

    /// The wait of fetch `correlation_id` ended: it comes out, unless it was answered already.
    pub fn expire(&mut self, fetcher: u32, correlation_id: u64) -> Option<F> {
        if self
            .held
            .get(&fetcher)
            .is_some_and(|h| h.correlation_id() == correlation_id)
        {
            self.held.remove(&fetcher)
        } else {
            None
        }
    }

    /// The fetches of the fetchers `wanted` picks come out, in fetcher order.
    pub fn release_where(&mut self, mut wanted: impl FnMut(u32) -> bool) -> Vec<(u32, F)> {
        if self.held.is_empty() {
            return Vec::new();
        }
        let ready: Vec<u32> = self
            .held
            .keys()
            .copied()
            .filter(|&fetcher| wanted(fetcher))
            .collect();
        ready
            .into_iter()
            .filter_map(|fetcher| Some((fetcher, self.held.remove(&fetcher)?)))
            .collect()
    }
}
