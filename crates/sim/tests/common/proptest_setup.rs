//! The setup the property tests share: a pinned sweep, so a run is the same run everywhere.
//! Native only (proptest does not build for wasm32), hence apart from `common/mod.rs`, which
//! the wasm32 builds of the scenario tests also include.

use proptest::test_runner::{Config as ProptestConfig, RngSeed};

/// `cases` cases from a fixed RNG seed unless PROPTEST_RNG_SEED asks for another sweep; no
/// failure files (a failure found by the sweep is pinned as a plain test instead).
pub fn config(cases: u32) -> ProptestConfig {
    let defaults = ProptestConfig::default();
    let rng_seed = if std::env::var_os("PROPTEST_RNG_SEED").is_some() {
        defaults.rng_seed
    } else {
        RngSeed::Fixed(20_261_127)
    };
    ProptestConfig {
        cases,
        failure_persistence: None,
        rng_seed,
        ..defaults
    }
}
