//! TMDB enrichment: asks TMDB about the catalogue movies that lack a poster, an overview, a
//! runtime or credits (`GET /movie/{id}?append_to_response=credits,keywords`) and fills what
//! they lack, never overwriting what a dataset gave (docs/data.md has the precedence).
//!
//! Requests are paced (at most `rate` a second, a few in flight), retried with exponential
//! back-off on timeouts, lost connections and 5xx, and after TMDB's `Retry-After` on 429, for a
//! few attempts. What each movie came to is remembered in the database, so that a run resumes
//! where the last one stopped: a movie TMDB answered for or does not know is not asked again, one
//! that keeps failing is given up after a few runs. `nextflex enrich` runs it once; `serve
//! --enrich-interval` runs it periodically and retrains afterwards, so that the recommender
//! snapshot shows what was filled.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures::StreamExt;
use nextflex_data::catalogue::Movie;
use nextflex_data::sources::tmdb_api;
use reqwest::StatusCode;
use serde::Serialize;
use tokio::time::Instant;

use crate::model_versions::{Models, TrainingState};
use crate::progress;
use crate::tmdb::{Failure, Tmdb};
use nextflex_store::config::Secret;
use nextflex_store::db::Db;
use nextflex_store::db::enrichment::{self, Candidate, Outcome};
use nextflex_store::error::{Error, Result};

/// TMDB's documented limit is around 40 requests a second per IP; half of it leaves room for
/// the trending chart and for other clients behind the same address.
pub const DEFAULT_RATE: u32 = 20;
/// The cast kept: the first this many billed.
pub const CAST_LIMIT: usize = 20;
/// The crew kept besides the directing and writing departments (what the movie page and the
/// content model use; TMDB's full crew runs to hundreds of people).
const CREW_JOBS: [&str; 4] = [
    "Producer",
    "Original Music Composer",
    "Director of Photography",
    "Editor",
];

/// How a run asks TMDB.
#[derive(Debug, Clone, PartialEq)]
pub struct EnrichSettings {
    /// At most this many movies per run; `None`: every movie that qualifies.
    pub limit: Option<usize>,
    /// Requests a second, at most.
    pub rate: u32,
    /// Requests in flight, at most.
    pub in_flight: usize,
    /// How long one request may take in all.
    pub timeout: Duration,
    /// Attempts per movie and run, the first included.
    pub attempts: u32,
    /// The wait before the first retry; each next one doubles it.
    pub backoff: Duration,
    /// The longest wait before a retry, whatever `Retry-After` says.
    pub max_wait: Duration,
    /// Runs a movie may fail in before it is no longer asked.
    pub give_up_after: u32,
    /// Movies in a row that fail on timeouts, lost connections, 429 or 5xx before the run stops:
    /// TMDB is down, and asking on would only mark every movie failed.
    pub outage_after: usize,
}

impl Default for EnrichSettings {
    fn default() -> Self {
        EnrichSettings {
            limit: None,
            rate: DEFAULT_RATE,
            in_flight: 4,
            timeout: Duration::from_secs(10),
            attempts: 4,
            backoff: Duration::from_secs(1),
            max_wait: Duration::from_secs(60),
            give_up_after: 3,
            outage_after: 20,
        }
    }
}

impl EnrichSettings {
    fn check(&self) -> Result<()> {
        let bad = |what: &str| Err(Error::Invalid(format!("enrichment: {what}")));
        if self.limit == Some(0) {
            return bad("the limit must be at least 1 movie");
        }
        if self.rate == 0 {
            return bad("the rate limit must be at least 1 request a second");
        }
        if self.in_flight == 0 || self.attempts == 0 || self.give_up_after == 0 {
            return bad("requests in flight, attempts and runs before giving up must be positive");
        }
        if self.timeout.is_zero() || self.outage_after == 0 {
            return bad("the request timeout and the outage threshold must be positive");
        }
        Ok(())
    }
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Movies that lack a poster, an overview, a runtime or credits and were still to ask.
    pub pending: u64,
    /// Movies that lack something but that an earlier run settled: not asked again.
    pub remembered: u64,
    /// Movies asked about in this run: enriched, unchanged, not found or failed.
    pub asked: u64,
    /// TMDB answered, and something the movie lacked was filled.
    pub enriched: u64,
    /// TMDB answered, but had nothing the movie lacked.
    pub unchanged: u64,
    /// TMDB does not know the movie's id.
    pub not_found: u64,
    /// No usable answer after every attempt, or an answer that could not be stored.
    pub failed: u64,
    /// Left for a later run: beyond the limit, or the run stopped.
    pub skipped: u64,
    /// HTTP requests sent, retries included.
    pub requests: u64,
    pub retries: u64,
    /// How many movies got each field or list.
    pub filled: BTreeMap<&'static str, u64>,
    /// Why the run stopped before the end, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<Stopped>,
    pub seconds: f64,
}

/// Why a run stopped early.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Stopped {
    /// TMDB refused the key (401 or 403).
    KeyRefused { message: String },
    /// Many movies in a row failed on timeouts, lost connections, 429 or 5xx.
    TmdbUnavailable { message: String },
}

impl Summary {
    /// The run's failure, if it stopped early: what the CLI exits with after the summary.
    pub fn stop_error(&self) -> Option<Error> {
        Some(match self.stopped.as_ref()? {
            Stopped::KeyRefused { message } => Error::Config(format!(
                "TMDB refused the API key ({message}): check NEXTFLEX_TMDB_API_KEY"
            )),
            Stopped::TmdbUnavailable { message } => Error::Internal(format!(
                "TMDB is unavailable ({message}): the run stopped; the next one resumes"
            )),
        })
    }

    /// One line for the progress bar and the log.
    fn line(&self) -> String {
        format!(
            "{} enriched, {} unchanged, {} not found, {} failed, {} left for later",
            self.enriched, self.unchanged, self.not_found, self.failed, self.skipped
        )
    }
}

/// TMDB's answer about one movie.
enum Answer {
    Found(Box<Movie>),
    NotFound,
    Failed {
        why: String,
        transient: bool,
    },
    /// The key was refused: every other request would be too.
    Refused(String),
}

/// Spaces requests' starts at least `gap` apart, across every request in flight.
struct Pacer {
    gap: Duration,
    next: Mutex<Instant>,
}

impl Pacer {
    fn new(rate: u32) -> Pacer {
        Pacer {
            gap: Duration::from_secs(1) / rate.max(1),
            next: Mutex::new(Instant::now()),
        }
    }

    /// Waits for this request's turn.
    async fn wait(&self) {
        let at = {
            let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
            let at = (*next).max(Instant::now());
            *next = at + self.gap;
            at
        };
        tokio::time::sleep_until(at).await;
    }

    /// No request starts for `pause` (TMDB said it is over its limit).
    fn pause(&self, pause: Duration) {
        let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
        *next = (*next).max(Instant::now() + pause);
    }
}

/// Asks TMDB about the movies that lack something and fills what they lack; see the module
/// documentation. With `show_progress`, a bar on a terminal (log lines elsewhere).
pub async fn run(
    db: &Db,
    tmdb: &Tmdb,
    settings: &EnrichSettings,
    show_progress: bool,
) -> Result<Summary> {
    settings.check()?;
    let started = Instant::now();
    let candidates = enrichment::candidates(db, settings.give_up_after).await?;
    let mut summary = Summary {
        pending: candidates.pending.len() as u64,
        remembered: candidates.remembered,
        ..Summary::default()
    };
    let chosen: Vec<Candidate> = candidates
        .pending
        .into_iter()
        .take(settings.limit.unwrap_or(usize::MAX))
        .collect();
    let mut counter =
        show_progress.then(|| progress::counter("asking TMDB about movies", chosen.len() as u64));
    let pacer = Pacer::new(settings.rate);
    let mut answers = futures::stream::iter(chosen)
        .map(|movie| {
            let pacer = &pacer;
            async move {
                let (answer, requests) = ask(tmdb, pacer, settings, movie.tmdb_id).await;
                (movie, answer, requests)
            }
        })
        .buffer_unordered(settings.in_flight);
    let mut failing_in_a_row = 0;
    while let Some((movie, answer, requests)) = answers.next().await {
        summary.requests += requests;
        summary.retries += requests.saturating_sub(1);
        let mut transient_failure = false;
        match answer {
            Answer::Found(found) => match enrichment::fill(db, movie, &tidy(*found)).await {
                Ok(Some(fields)) if fields.is_empty() => summary.unchanged += 1,
                Ok(Some(fields)) => {
                    summary.enriched += 1;
                    for field in fields {
                        *summary.filled.entry(field).or_default() += 1;
                    }
                }
                // Re-imported meanwhile with another TMDB id: nothing written, left for later.
                Ok(None) => {}
                Err(e) if unstorable(&e) => {
                    let why = format!("TMDB's answer cannot be stored: {e}");
                    tracing::warn!(movie_id = movie.movie_id, tmdb_id = movie.tmdb_id, error = %e, "TMDB enrichment: the answer cannot be stored");
                    enrichment::remember(db, movie, Outcome::Failed, Some(&why)).await?;
                    summary.failed += 1;
                }
                Err(e) => return Err(e),
            },
            Answer::NotFound => {
                tracing::debug!(tmdb_id = movie.tmdb_id, "TMDB does not know this movie");
                enrichment::remember(db, movie, Outcome::NotFound, None).await?;
                summary.not_found += 1;
            }
            Answer::Failed { why, transient } => {
                tracing::debug!(tmdb_id = movie.tmdb_id, reason = %why, "TMDB gave no usable answer");
                enrichment::remember(db, movie, Outcome::Failed, Some(&why)).await?;
                summary.failed += 1;
                transient_failure = transient;
                if transient && failing_in_a_row + 1 >= settings.outage_after {
                    summary.stopped = Some(Stopped::TmdbUnavailable { message: why });
                }
            }
            Answer::Refused(why) => {
                summary.stopped = Some(Stopped::KeyRefused { message: why });
            }
        }
        failing_in_a_row = if transient_failure {
            failing_in_a_row + 1
        } else {
            0
        };
        if let Some(counter) = &mut counter {
            counter.inc();
        }
        if summary.stopped.is_some() {
            break;
        }
    }
    // Requests still in flight when the run stopped are dropped; their movies are left for later.
    drop(answers);
    summary.asked = summary.enriched + summary.unchanged + summary.not_found + summary.failed;
    summary.skipped = summary.pending.saturating_sub(summary.asked);
    summary.seconds = started.elapsed().as_secs_f64();
    match counter {
        Some(counter) => counter.done(&summary.line()),
        None => tracing::info!(
            enriched = summary.enriched,
            unchanged = summary.unchanged,
            not_found = summary.not_found,
            failed = summary.failed,
            skipped = summary.skipped,
            requests = summary.requests,
            seconds = summary.seconds,
            "TMDB enrichment done"
        ),
    }
    if let Some(stopped) = &summary.stopped {
        tracing::warn!(
            ?stopped,
            "TMDB enrichment stopped early; the next run resumes"
        );
    }
    Ok(summary)
}

/// Whether storing an answer failed because of the answer (a value the database refuses)
/// rather than because the database is failing.
fn unstorable(e: &Error) -> bool {
    matches!(e, Error::Database(db) if nextflex_store::db::outage(db).is_none()
        && matches!(db, sqlx::Error::Database(_)))
}

/// Asks TMDB about one movie, retrying what may pass; the answer and the requests it took.
async fn ask(tmdb: &Tmdb, pacer: &Pacer, settings: &EnrichSettings, tmdb_id: i64) -> (Answer, u64) {
    let path = format!("movie/{tmdb_id}");
    let query = [("append_to_response", "credits,keywords")];
    let mut requests = 0;
    let mut backoff = settings.backoff;
    loop {
        pacer.wait().await;
        requests += 1;
        let failure = match tmdb.get(&path, &query, settings.timeout).await {
            Ok(body) => {
                let answer = match tmdb_api::read_movie(&body) {
                    Ok(movie) if movie.tmdb_id == Some(tmdb_id) => Answer::Found(Box::new(movie)),
                    Ok(movie) => Answer::Failed {
                        why: format!(
                            "TMDB answered about another movie (id {})",
                            movie.tmdb_id.unwrap_or_default()
                        ),
                        transient: false,
                    },
                    Err(e) => Answer::Failed {
                        why: e.to_string(),
                        transient: false,
                    },
                };
                return (answer, requests);
            }
            Err(failure) => failure,
        };
        let status = match &failure {
            Failure::Status { status, .. } => Some(*status),
            _ => None,
        };
        match status {
            Some(StatusCode::NOT_FOUND) => return (Answer::NotFound, requests),
            Some(StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) => {
                return (Answer::Refused(failure.to_string()), requests);
            }
            _ => {}
        }
        if !failure.is_transient() || requests >= u64::from(settings.attempts) {
            let transient = failure.is_transient();
            let why = failure.to_string();
            return (Answer::Failed { why, transient }, requests);
        }
        let wait = match failure {
            Failure::Status {
                retry_after: Some(after),
                ..
            } => after,
            _ => backoff,
        }
        .min(settings.max_wait);
        backoff = backoff.saturating_mul(2);
        if status == Some(StatusCode::TOO_MANY_REQUESTS) {
            // TMDB's limit is per client: every request waits, not only this one.
            tracing::debug!(?wait, "TMDB answered 429: pausing");
            pacer.pause(wait);
        } else {
            tokio::time::sleep(wait).await;
        }
    }
}

/// What of TMDB's answer is kept: the first [`CAST_LIMIT`] billed (one per place in the
/// billing), the directing and writing crew and a few key jobs, image paths that are paths, and
/// text within the columns' sizes.
fn tidy(mut movie: Movie) -> Movie {
    fn clip(text: &mut String, max: usize) {
        if let Some((cut, _)) = text.char_indices().nth(max) {
            text.truncate(cut);
        }
    }
    fn clipped(text: Option<String>, max: usize) -> Option<String> {
        text.map(|mut t| {
            clip(&mut t, max);
            t
        })
    }
    fn image(path: Option<String>) -> Option<String> {
        path.filter(|p| {
            p.len() <= 255
                && p.starts_with('/')
                && p[1..]
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        })
    }
    movie.poster_path = image(movie.poster_path.take());
    clip(&mut movie.title, 500);
    movie.overview = clipped(movie.overview.take(), 10_000);
    movie.tagline = clipped(movie.tagline.take(), 1_000);
    movie.original_title = clipped(movie.original_title.take(), 500);
    movie.original_language = movie.original_language.take().filter(|l| l.len() <= 16);
    movie.imdb_id = movie.imdb_id.take().filter(|i| i.len() <= 16);
    movie.cast.sort_by_key(|c| c.order);
    movie.cast.dedup_by_key(|c| c.order);
    movie.cast.truncate(CAST_LIMIT);
    movie.crew.retain(|c| {
        matches!(c.department.as_str(), "Directing" | "Writing")
            || CREW_JOBS.contains(&c.job.as_str())
    });
    for c in &mut movie.cast {
        clip(&mut c.person.name, 300);
        c.person.profile_path = image(c.person.profile_path.take());
        c.character = clipped(c.character.take(), 500);
    }
    for c in &mut movie.crew {
        clip(&mut c.person.name, 300);
        c.person.profile_path = image(c.person.profile_path.take());
        clip(&mut c.job, 100);
        clip(&mut c.department, 100);
    }
    for k in &mut movie.keywords {
        clip(&mut k.name, 255);
    }
    for g in &mut movie.genres {
        clip(&mut g.name, 100);
    }
    movie
}

/// Background enrichment for `serve`.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// Between the starts of two runs (the first runs at start-up).
    pub every: Duration,
    pub settings: EnrichSettings,
}

/// Runs enrichment every `schedule.every` in the background, the first run at once, and
/// retrains after a run that filled something (once any training under way has finished), so
/// that posters, overviews and credits show. Without a TMDB key it logs a warning and does
/// nothing.
pub fn schedule(
    db: Db,
    key: Option<&Secret>,
    api_url: &str,
    schedule: Schedule,
    models: Arc<Models>,
) -> Result<()> {
    if schedule.every.is_zero() {
        return Err(Error::Config(
            "the enrichment interval must be positive".into(),
        ));
    }
    schedule
        .settings
        .check()
        .map_err(|e| Error::Config(e.to_string()))?;
    let Some(tmdb) = Tmdb::new(key, api_url)? else {
        tracing::warn!(
            "--enrich-interval is set but there is no TMDB key (NEXTFLEX_TMDB_API_KEY): \
             background enrichment is off"
        );
        return Ok(());
    };
    tracing::info!(every = ?schedule.every, "TMDB enrichment scheduled");
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(schedule.every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match run(&db, &tmdb, &schedule.settings, false).await {
                Ok(summary) if summary.enriched > 0 => rebuild(&models).await,
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "TMDB enrichment failed; the next run resumes")
                }
            }
        }
    });
    Ok(())
}

/// Retrains, so that the snapshot (cards, charts, the similar lists) has what was filled. A
/// training under way may have read the catalogue before the run's writes: it is waited for.
async fn rebuild(models: &Arc<Models>) {
    while models.training().state == TrainingState::Running {
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    match models.retrain("enrich") {
        Ok(_) => tracing::info!("retraining so that what TMDB filled shows"),
        // Started after the run's writes, so it has them.
        Err(_) => tracing::info!("a training started meanwhile; it shows what TMDB filled"),
    }
}

#[cfg(test)]
mod tests {
    use nextflex_data::catalogue::{CastMember, CrewMember, Person};

    use super::*;

    #[test]
    fn settings_are_checked() {
        assert!(EnrichSettings::default().check().is_ok());
        for bad in [
            EnrichSettings {
                limit: Some(0),
                ..EnrichSettings::default()
            },
            EnrichSettings {
                rate: 0,
                ..EnrichSettings::default()
            },
            EnrichSettings {
                attempts: 0,
                ..EnrichSettings::default()
            },
            EnrichSettings {
                timeout: Duration::ZERO,
                ..EnrichSettings::default()
            },
        ] {
            assert!(bad.check().is_err(), "{bad:?}");
        }
    }

    fn person(id: i64, name: &str, profile: Option<&str>) -> Person {
        Person {
            tmdb_id: Some(id),
            name: name.into(),
            gender: None,
            profile_path: profile.map(str::to_owned),
        }
    }

    #[test]
    fn tidy_keeps_the_billed_cast_the_key_crew_and_real_paths() {
        let cast = (0..30)
            .rev()
            .map(|i| CastMember {
                person: person(i, &format!("actor {i}"), Some("/a.jpg")),
                character: Some("x".repeat(600)),
                order: i,
            })
            .chain([CastMember {
                person: person(99, "twice billed", None),
                character: None,
                order: 0,
            }])
            .collect();
        let crew = [
            ("Director", "Directing"),
            ("Screenplay", "Writing"),
            ("Producer", "Production"),
            ("Gaffer", "Lighting"),
            ("Casting", "Production"),
        ]
        .into_iter()
        .enumerate()
        .map(|(i, (job, department))| CrewMember {
            person: person(100 + i as i64, job, None),
            job: job.into(),
            department: department.into(),
        })
        .collect();
        let movie = tidy(Movie {
            poster_path: Some("https://evil.example/x.jpg".into()),
            overview: Some("é".repeat(20_000)),
            original_language: Some("a-language-code-far-too-long".into()),
            cast,
            crew,
            ..Movie::default()
        });
        assert_eq!(movie.poster_path, None);
        assert_eq!(movie.overview.unwrap().chars().count(), 10_000);
        assert_eq!(movie.original_language, None);
        let orders: Vec<i64> = movie.cast.iter().map(|c| c.order).collect();
        assert_eq!(orders, (0..20).collect::<Vec<_>>());
        assert_eq!(movie.cast[0].person.name, "actor 0");
        assert_eq!(movie.cast[0].character.as_ref().unwrap().len(), 500);
        assert_eq!(movie.cast[0].person.profile_path.as_deref(), Some("/a.jpg"));
        let jobs: Vec<&str> = movie.crew.iter().map(|c| c.job.as_str()).collect();
        assert_eq!(jobs, ["Director", "Screenplay", "Producer"]);
        let kept = tidy(Movie {
            poster_path: Some("/uXDfjJbdP4ijW5hWSBrPrlKpxab.jpg".into()),
            ..Movie::default()
        });
        assert_eq!(
            kept.poster_path.as_deref(),
            Some("/uXDfjJbdP4ijW5hWSBrPrlKpxab.jpg")
        );
    }

    #[tokio::test]
    async fn the_pacer_spaces_requests_and_pauses_them_all() {
        let pacer = Pacer::new(20);
        let start = Instant::now();
        for _ in 0..5 {
            pacer.wait().await;
        }
        // Five starts 50 ms apart, the first at once.
        let took = start.elapsed();
        assert!(
            took >= Duration::from_millis(195) && took < Duration::from_millis(400),
            "{took:?}"
        );
        pacer.pause(Duration::from_millis(500));
        let paused = Instant::now();
        pacer.wait().await;
        let took = paused.elapsed();
        assert!(
            took >= Duration::from_millis(490) && took < Duration::from_millis(700),
            "{took:?}"
        );
    }
}
