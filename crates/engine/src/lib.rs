//! NextFlex recommendation algorithms: charts, content similarity, explicit ALS (predicted
//! ratings), implicit ALS and EASE (ranked lists), similar movies blending content with
//! who-liked-what, group lists by least misery, metrics and splits. Pure computation with no
//! I/O, so every algorithm is testable on its own and usable from the server, the CLI and the
//! benchmarks alike.

pub mod als;
pub mod blend;
pub mod bm25;
pub mod charts;
pub mod content;
mod csr;
pub mod ease;
pub mod group;
pub mod heap;
pub mod ials;
pub mod index;
mod kernels;
pub mod linalg;
pub mod metrics;
pub mod ranking;
pub mod recency;
pub mod rng;
pub mod similar;
pub mod split;
pub mod text;
pub mod topn;

/// The engine's errors: bad hyper-parameters or unusable input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EngineError {
    #[error("invalid {name}: {reason}")]
    InvalidParameter { name: &'static str, reason: String },
    #[error("{0}")]
    Input(String),
}

pub type Result<T, E = EngineError> = std::result::Result<T, E>;
