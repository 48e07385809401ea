//! NextFlex recommendation algorithms: charts, content similarity, ALS collaborative filtering,
//! metrics and splits. Pure computation with no I/O, so every algorithm is testable on its own
//! and usable from the server, the CLI and the benchmarks alike.

pub mod text;
