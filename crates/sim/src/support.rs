//! Small containers and a shared sort, kept because they make the page's download smaller (each
//! module's doc comment gives the measured figure).

pub mod sorting;
pub mod vec_map;
