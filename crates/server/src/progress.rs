//! Progress of long work (import, later training): a spinner with the elapsed time on a terminal,
//! plain log lines elsewhere (CI, services, pipes).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// One step of long work; say [`Stage::done`] when it ends.
pub struct Stage {
    bar: Option<ProgressBar>,
    what: String,
    started: Instant,
}

/// Starts a step described by `what` ("reading ml-latest-small").
pub fn stage(what: impl Into<String>) -> Stage {
    let what = what.into();
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} [{elapsed}]") {
            bar.set_style(style);
        }
        bar.set_message(what.clone());
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    });
    if bar.is_none() {
        tracing::info!("{what}");
    }
    Stage {
        bar,
        what,
        started: Instant::now(),
    }
}

impl Stage {
    /// Ends the step with a short result ("9,742 movies").
    pub fn done(self, result: &str) {
        let seconds = self.started.elapsed().as_secs_f64();
        match self.bar {
            Some(bar) => {
                if let Ok(style) = ProgressStyle::with_template("  {msg}") {
                    bar.set_style(style);
                }
                bar.finish_with_message(format!("{}: {result} ({seconds:.1} s)", self.what));
            }
            None => tracing::info!("{}: {result} ({seconds:.1} s)", self.what),
        }
    }
}
