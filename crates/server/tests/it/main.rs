//! Integration tests: the real server, real databases (SQLite always; PostgreSQL and MariaDB when
//! NEXTFLEX_TEST_POSTGRES_URL / NEXTFLEX_TEST_MYSQL_URL are set), real object stores.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod admin;
mod api;
mod cli;
mod connections;
mod db;
mod demo;
mod enrich;
mod health;
mod helpers;
mod history_import;
mod images;
mod import;
mod layers;
mod metrics;
mod models;
mod openapi;
mod posts;
mod search;
mod spark;
mod storage;
mod taste;
mod trending;
mod watch;
