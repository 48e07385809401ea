//! `POST /api/me/imports`: a user brings their ratings and watchlist from Letterboxd, IMDb or a
//! plain CSV (see [`nextflex_app::history_import`] for the matching). All or nothing: a file with a bad line is
//! refused with that line and nothing is written; importing the same file twice changes nothing.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use nextflex_data::exports::{ExportError, ExportRow, read_export};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use super::error::{ErrorBody, not_multipart, unreadable_form};
use super::movies::MovieCard;
use super::tokens::{AuthUser, deleted_account};
use super::{ApiContext, ApiError, ErrorCode};
use nextflex_app::history_import::{MatchIndex, match_rows};
use nextflex_app::recommender::Recommender;
use nextflex_store::db::catalogue;
use nextflex_store::db::ratings::{self, Imported};

/// The largest file accepted.
pub const MAX_FILE_BYTES: usize = 5 << 20;
/// The most rows a file may have.
pub const MAX_ROWS: usize = 20_000;
/// Candidates offered for an unmatched row.
const CANDIDATES: usize = 3;
/// Unmatched rows that get candidates, the first ones of the file.
const CANDIDATE_ROWS: usize = 100;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(import).layer(DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024)))
}

/// The upload: the export file, and what to do with movies rated already.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
struct ImportForm {
    /// Letterboxd's ratings.csv, diary.csv or watchlist.csv, IMDb's ratings export, or a CSV
    /// with `rating` and one of `movieId` (MovieLens), `movie_id` (NextFlex), `tmdbId`,
    /// `imdbId`, or `title` and `year`. At most 5 MB and 20,000 rows.
    #[schema(value_type = String, format = Binary, content_media_type = "text/csv")]
    file: Vec<u8>,
    /// `keep` (the default) or `overwrite` ratings the caller gave already.
    #[schema(required = false, pattern = "^(keep|overwrite)$")]
    existing: String,
}

/// A row matched to a movie.
#[derive(Debug, Serialize, ToSchema)]
struct MatchedRow {
    line: u64,
    movie_id: i64,
    title: String,
    /// Null for a watchlist entry.
    rating: Option<f64>,
    /// `rated`, `kept`, `overwritten`, `unchanged`, `watchlisted` or `already_listed`.
    #[schema(value_type = String)]
    status: &'static str,
}

/// A row no movie fits, with the closest titles to pick from.
#[derive(Debug, Serialize, ToSchema)]
struct UnmatchedRow {
    line: u64,
    title: Option<String>,
    year: Option<i64>,
    rating: Option<f64>,
    /// Up to 3 films the title is close to; for the first 100 unmatched rows of a file only.
    candidates: Vec<MovieCard>,
}

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
struct ImportReport {
    /// `letterboxd_ratings`, `letterboxd_diary`, `letterboxd_watchlist`, `imdb_ratings` or
    /// `plain`.
    #[schema(value_type = String)]
    format: &'static str,
    /// Rows read.
    rows: usize,
    /// Rows matched to a catalogue movie (after duplicates).
    matched: usize,
    /// New ratings written.
    rated: usize,
    /// Matched movies the caller had rated already (kept, overwritten or unchanged).
    already_rated: usize,
    /// Of those, replaced by the file's rating (`existing=overwrite`).
    overwritten: usize,
    /// Movies put on the watchlist.
    watchlisted: usize,
    unmatched: usize,
    /// Rows naming a movie an earlier row named too (the latest counts).
    duplicates: usize,
    /// Diary entries logged without a rating.
    without_rating: usize,
    matches: Vec<MatchedRow>,
    unmatched_rows: Vec<UnmatchedRow>,
}

fn status_of(i: Imported) -> &'static str {
    match i {
        Imported::Rated => "rated",
        Imported::Kept => "kept",
        Imported::Overwritten => "overwritten",
        Imported::Unchanged => "unchanged",
        Imported::Watchlisted => "watchlisted",
        Imported::AlreadyListed => "already_listed",
    }
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::FileTooLarge,
        format!("The file is larger than {} MB.", MAX_FILE_BYTES >> 20),
    )
}

/// A file that is not an export NextFlex reads: 422, naming the line at fault.
pub(super) fn export_error(e: ExportError) -> ApiError {
    let code = match e {
        ExportError::UnknownHeader => ErrorCode::UnknownFormat,
        ExportError::Line { .. } => ErrorCode::InvalidLine,
        ExportError::TooManyRows { .. } => ErrorCode::TooManyRows,
    };
    let line = match &e {
        ExportError::Line { line, .. } => Some(*line),
        _ => None,
    };
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, e.to_string()).with("line", line)
}

async fn read_form(mut multipart: Multipart) -> Result<(Vec<u8>, bool), ApiError> {
    let form_error = |e: axum::extract::multipart::MultipartError| unreadable_form(&e, too_large);
    let (mut file, mut overwrite) = (None, false);
    while let Some(mut field) = multipart.next_field().await.map_err(form_error)? {
        match field.name().unwrap_or_default() {
            "file" => {
                let mut buf = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(form_error)? {
                    if buf.len() + chunk.len() > MAX_FILE_BYTES {
                        return Err(too_large());
                    }
                    buf.extend_from_slice(&chunk);
                }
                file = Some(buf);
            }
            "existing" => {
                overwrite = match field.text().await.map_err(form_error)?.trim() {
                    "" | "keep" => false,
                    "overwrite" => true,
                    _ => {
                        return Err(ApiError::field(
                            "existing",
                            "Must be \"keep\" or \"overwrite\".",
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    let file = file.ok_or_else(|| ApiError::field("file", super::error::REQUIRED))?;
    Ok((file, overwrite))
}

/// Import ratings or a watchlist from Letterboxd, IMDb or a plain CSV
#[utoipa::path(
    post,
    path = "/api/me/imports",
    operation_id = "import_history",
    tag = "ratings",
    request_body(content = ImportForm, content_type = "multipart/form-data"),
    security(("jwt" = [])),
    responses(
        (status = 200, description = "What was matched and written", body = ImportReport),
        (status = 400, description = "No `file`, or `existing` is not keep/overwrite", body = ErrorBody),
        (status = 413, description = "The file is larger than 5 MB", body = ErrorBody),
        (status = 415, description = "Not multipart/form-data", body = ErrorBody),
        (status = 422, description = "Not an export NextFlex reads, a bad line (named), or more than 20,000 rows; nothing is written", body = ErrorBody),
    )
)]
async fn import(
    State(ctx): State<ApiContext>,
    user: AuthUser,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<axum::Json<ImportReport>, ApiError> {
    let multipart = multipart.map_err(|e| not_multipart("the file", &e))?;
    let (bytes, overwrite) = read_form(multipart).await?;
    let keys = catalogue::match_keys(&ctx.db).await?;
    let plan = off_runtime(move || plan(&bytes, &keys)).await??;
    let now = nextflex_store::clock::now();
    let to_rate: Vec<(i64, f64, i64)> = plan
        .ratings
        .iter()
        .map(|(row, movie)| {
            let stars = row.rating.unwrap_or_default();
            (*movie, stars, row.date.map_or(now, |d| d.min(now)))
        })
        .collect();
    let to_watch: Vec<(i64, i64)> = plan
        .watchlist
        .iter()
        .map(|(row, movie)| (*movie, row.date.map_or(now, |d| d.min(now))))
        .collect();
    let outcomes = ratings::import(&ctx.db, user.id, &to_rate, &to_watch, overwrite)
        .await
        .map_err(deleted_account)?;
    let r = ctx.recommender.get();
    off_runtime(move || report(plan, &outcomes, r.as_deref())).await
}

/// An import's work that is not the database's (reading the file, matching its rows, the
/// candidates of those that match nothing) is CPU work: seconds for a large file of unknown
/// titles. It runs on the blocking pool, so that it never holds up the async runtime (and with it
/// every other request), and at most as many imports as there are CPUs do it at once; the others
/// wait their turn.
async fn off_runtime<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    static SLOTS: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
    });
    let _slot = SLOTS.acquire().await.map_err(ApiError::internal)?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(ApiError::internal)
}

/// A file read and matched: what to write, and what to report.
struct Plan {
    format: &'static str,
    rows: usize,
    ratings: Vec<(ExportRow, i64)>,
    watchlist: Vec<(ExportRow, i64)>,
    unmatched: Vec<ExportRow>,
    duplicates: usize,
    without_rating: usize,
}

fn plan(bytes: &[u8], keys: &[catalogue::MatchKeys]) -> Result<Plan, ApiError> {
    let export = read_export(bytes, MAX_ROWS).map_err(export_error)?;
    let index = MatchIndex::new(keys);
    let matched = match_rows(&index, &export);
    let owned = |rows: &[(&ExportRow, i64)]| -> Vec<(ExportRow, i64)> {
        rows.iter().map(|(row, id)| ((*row).clone(), *id)).collect()
    };
    Ok(Plan {
        format: export.format.as_str(),
        rows: export.rows.len(),
        ratings: owned(&matched.ratings),
        watchlist: owned(&matched.watchlist),
        unmatched: matched.unmatched.into_iter().cloned().collect(),
        duplicates: matched.duplicates,
        without_rating: matched.without_rating,
    })
}

/// The report of a written plan. Only the first [`CANDIDATE_ROWS`] unmatched rows get candidates:
/// finding them is most of an import's CPU, and nobody picks films for hundreds of rows by hand.
fn report(plan: Plan, outcomes: &[Imported], r: Option<&Recommender>) -> axum::Json<ImportReport> {
    let title_of = |movie: i64, row: &ExportRow| {
        r.and_then(|r| r.movie(movie))
            .map(|m| m.title.clone())
            .or_else(|| row.film.title.clone())
            .unwrap_or_default()
    };
    let matches: Vec<MatchedRow> = plan
        .ratings
        .iter()
        .chain(&plan.watchlist)
        .zip(outcomes)
        .map(|((row, movie), &outcome)| MatchedRow {
            line: row.line,
            movie_id: *movie,
            title: title_of(*movie, row),
            rating: row.rating,
            status: status_of(outcome),
        })
        .collect();
    let count = |wanted: &[Imported]| outcomes.iter().filter(|o| wanted.contains(o)).count();
    let unmatched_rows: Vec<UnmatchedRow> = plan
        .unmatched
        .iter()
        .enumerate()
        .map(|(n, row)| UnmatchedRow {
            line: row.line,
            title: row.film.title.clone(),
            year: row.film.year,
            rating: row.rating,
            candidates: match (r, &row.film.title) {
                (Some(r), Some(title)) if n < CANDIDATE_ROWS => r
                    .suggestions(title, CANDIDATES)
                    .into_iter()
                    .map(|m| MovieCard::new(r, m))
                    .collect(),
                _ => Vec::new(),
            },
        })
        .collect();
    axum::Json(ImportReport {
        format: plan.format,
        rows: plan.rows,
        matched: matches.len(),
        rated: count(&[Imported::Rated]),
        already_rated: count(&[Imported::Kept, Imported::Overwritten, Imported::Unchanged]),
        overwritten: count(&[Imported::Overwritten]),
        watchlisted: count(&[Imported::Watchlisted]),
        unmatched: unmatched_rows.len(),
        duplicates: plan.duplicates,
        without_rating: plan.without_rating,
        matches,
        unmatched_rows,
    })
}
