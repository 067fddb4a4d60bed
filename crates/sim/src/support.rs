//! Small containers and a shared sort, kept because they make the page's download smaller (each
//! module's doc comment gives the measured figure) or the engine's cost independent of the
//! partition count (`bit_set`).

pub mod bit_set;
pub mod decimal;
pub mod sorting;
pub mod vec_map;
