//! NextFlex, the movie recommendation service: the HTTP API (`http/`), the command line
//! (`cli/`, a module per command) and the server's start-up and shutdown (`serve.rs`). The
//! `nextflex` binary is a thin shell over this library so that tests can start the real server
//! in-process; the services are `nextflex-app`, the SQL and object storage `nextflex-store`.

pub mod cli;
pub mod http;
pub mod serve;
pub mod telemetry;
