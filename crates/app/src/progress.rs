//! Progress of long work (import, training, enrichment): a spinner with the elapsed time, or a
//! bar for counted work, on a terminal; plain log lines elsewhere (CI, services, pipes).

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
        finish(self.bar, &self.what, self.started, result);
    }
}

/// Counted work ("asking TMDB", 120 of 9,742 movies): a bar with the rate and the time left on
/// a terminal, a log line at most every [`LOG_EVERY`] elsewhere; say [`Counter::done`] at the end.
pub struct Counter {
    bar: Option<ProgressBar>,
    what: String,
    total: u64,
    count: u64,
    started: Instant,
    logged: Instant,
}

/// How often a [`Counter`] without a terminal logs its count.
pub const LOG_EVERY: Duration = Duration::from_secs(10);

/// Starts counting `total` steps of `what`.
pub fn counter(what: impl Into<String>, total: u64) -> Counter {
    let what = what.into();
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(total);
        if let Ok(style) = ProgressStyle::with_template(
            "{msg} [{bar:30}] {pos}/{len} ({per_sec}, {eta} left) [{elapsed}]",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(what.clone());
        bar.enable_steady_tick(Duration::from_millis(250));
        bar
    });
    if bar.is_none() {
        tracing::info!(total, "{what}");
    }
    let now = Instant::now();
    Counter {
        bar,
        what,
        total,
        count: 0,
        started: now,
        logged: now,
    }
}

impl Counter {
    /// One more step done.
    pub fn inc(&mut self) {
        self.advance_to(self.count + 1);
    }

    /// `count` steps done in all.
    pub fn advance_to(&mut self, count: u64) {
        self.count = count;
        match &self.bar {
            Some(bar) => bar.set_position(count),
            None if self.logged.elapsed() >= LOG_EVERY => {
                self.logged = Instant::now();
                tracing::info!(done = self.count, total = self.total, "{}", self.what);
            }
            None => {}
        }
    }

    /// Ends the count with a short result ("40 enriched, 2 not found").
    pub fn done(self, result: &str) {
        finish(self.bar, &self.what, self.started, result);
    }
}

/// Ends a step or a count: its bar (on a terminal) or a log line says what it came to and how
/// long it took.
fn finish(bar: Option<ProgressBar>, what: &str, started: Instant, result: &str) {
    let seconds = started.elapsed().as_secs_f64();
    match bar {
        Some(bar) => {
            if let Ok(style) = ProgressStyle::with_template("  {msg}") {
                bar.set_style(style);
            }
            bar.finish_with_message(format!("{what}: {result} ({seconds:.1} s)"));
        }
        None => tracing::info!("{what}: {result} ({seconds:.1} s)"),
    }
}
