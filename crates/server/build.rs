//! The web UI (web/dist, built by `npm run build`) is embedded into the binary. A checkout
//! where it was never built still compiles: the folder is created empty and the server says
//! that the UI is missing.

use std::path::Path;

fn main() {
    let dist = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/dist");
    println!("cargo:rerun-if-changed={}", dist.display());
    if !dist.join("index.html").exists() {
        if let Err(e) = std::fs::create_dir_all(&dist) {
            panic!("cannot create {}: {e}", dist.display());
        }
        println!(
            "cargo:warning=web/dist has no index.html: this binary serves no web UI (`make build` builds it)"
        );
    }
}
