//! NextFlex's storage layer: the relational database (the pool, the migrations, every SQL query,
//! one module per table family) and object storage (a local folder, memory or S3), with the
//! settings that open them, the clock every `*_at` column is written from and the error type
//! every layer above shares.

pub mod clock;
pub mod config;
pub mod db;
pub mod email;
pub mod error;
pub mod ids;
pub mod rating;
pub mod storage;

pub use error::{Error, Outage, Result};
