//! NextFlex, the movie recommendation service: the HTTP API (`http/`), the command line
//! (`cli/`, a module per command), the server's start-up and shutdown (`serve.rs`) and its open
//! connections (`connections.rs`). The
//! `nextflex` binary is a thin shell over this library so that tests can start the real server
//! in-process; the services are `nextflex-app`, the SQL and object storage `nextflex-store`.

pub mod cli;
pub mod connections;
pub mod http;
pub mod serve;
pub mod telemetry;
