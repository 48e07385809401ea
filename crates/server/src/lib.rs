//! NextFlex, the movie recommendation service: the `nextflex` binary is a thin shell over this
//! library so that tests can start the real server in-process.

pub mod accounts;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod enrich;
pub mod error;
pub mod history;
pub mod http;
pub mod ids;
pub mod images;
pub mod import;
pub mod models;
pub mod posts;
pub mod progress;
pub mod rating;
pub mod recommend;
pub mod recommender;
pub mod rows;
pub mod secrets;
pub mod serve;
pub mod similar;
pub mod storage;
pub mod telemetry;
pub mod tmdb;
