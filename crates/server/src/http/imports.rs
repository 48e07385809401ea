//! `POST /api/me/imports`: a user brings their ratings, watchlist and films seen from Letterboxd (a file, or
//! the zip its export downloads), Trakt, IMDb or a plain CSV (see [`nextflex_data::exports`] for what is
//! read and [`nextflex_app::history_import`] for the matching). A row that cannot be used is
//! skipped and reported with its line; a file with no usable row, or a zip that is not a
//! Letterboxd export, is refused and nothing is written. Importing the same file twice changes
//! nothing.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use nextflex_data::exports::{ExportError, ExportFormat, ExportRow, NamedExport, read_upload};
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
use nextflex_store::db::ratings::{self, ImportRows, Imported};

/// The largest file accepted.
pub const MAX_FILE_BYTES: usize = 5 << 20;
/// The most rows a file may have.
pub const MAX_ROWS: usize = 20_000;
/// Candidates offered for an unmatched row.
const CANDIDATES: usize = 3;
/// Unmatched rows that get candidates, the first ones of the file.
const CANDIDATE_ROWS: usize = 100;
/// Skipped rows listed in a report, the first ones.
const SKIPPED_ROWS: usize = 100;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(import).layer(DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024)))
}

/// The upload: the export file, and what to do with movies rated already.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
struct ImportForm {
    /// Letterboxd's export zip as downloaded (or its ratings.csv, diary.csv, watchlist.csv or
    /// watched.csv), Trakt's export zip (or one of its JSON lists), IMDb's ratings export,
    /// NextFlex's own export, or a CSV with `rating` and one of `movieId`
    /// (MovieLens), `movie_id` (NextFlex), `tmdbId`, `imdbId`, or `title` and `year`. At most
    /// 5 MB (each file of a zip too, unpacked) and 20,000 rows a file.
    #[schema(value_type = String, format = Binary)]
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
    /// Null for a watchlist entry or a film watched without a rating.
    rating: Option<f64>,
    /// `rated`, `kept`, `overwritten`, `unchanged`, `watchlisted`, `seen`, `dismissed` or
    /// `already_listed`.
    #[schema(value_type = String)]
    status: &'static str,
}

/// A row no movie fits, with the closest titles to pick from.
#[derive(Debug, Serialize, ToSchema)]
struct UnmatchedRow {
    /// The file it is in: its name as uploaded, or its path in the zip.
    file: String,
    line: u64,
    title: Option<String>,
    year: Option<i64>,
    rating: Option<f64>,
    /// Up to 3 films the title is close to, released within two years of the row's year; for
    /// the first 100 unmatched rows of a file only.
    candidates: Vec<MovieCard>,
}

/// A row that could not be used, and why.
#[derive(Debug, Serialize, ToSchema)]
struct SkippedRow {
    file: String,
    line: u64,
    reason: String,
}

/// One file of the upload (a zip has several).
#[derive(Debug, Serialize, ToSchema)]
struct FileRead {
    /// Its name as uploaded, or its path in the zip.
    file: String,
    /// `letterboxd_ratings`, `letterboxd_diary`, `letterboxd_watchlist`, `letterboxd_watched`,
    /// `letterboxd_likes`, `nextflex_not_interested`, `trakt_ratings`, `trakt_watchlist`,
    /// `trakt_watched`, `imdb_ratings` or `plain`.
    #[schema(value_type = String)]
    format: &'static str,
    /// Rows naming a film.
    rows: usize,
}

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
struct ImportReport {
    /// `letterboxd_zip` for Letterboxd's export zip; otherwise the one file's format (see
    /// `files`).
    #[schema(value_type = String)]
    format: &'static str,
    files: Vec<FileRead>,
    /// Rows naming a film, in all files.
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
    /// Movies marked seen: watched without a rating (`watched.csv`, `likes/films.csv`, diary
    /// entries logged without one). They leave the caller's recommendations, and count as a
    /// like where people liked the film.
    seen: usize,
    /// Movies marked "not interested" (`not-interested.csv` of NextFlex's own export).
    dismissed: usize,
    /// Rows naming a movie (or an unmatched title and year) another row named too: a rating
    /// wins over "watched", the latest row over earlier ones.
    duplicates: usize,
    /// IMDb rows of titles that are not films (TV series and episodes, video games).
    not_films: usize,
    /// Rows that could not be used (`skipped_rows` lists the first 100).
    skipped: usize,
    skipped_rows: Vec<SkippedRow>,
    /// Unmatched rows of films released after the catalogue's latest year: counted here, not
    /// listed in `unmatched_rows`.
    after_catalogue: usize,
    /// The catalogue's latest release year.
    catalogue_last_year: Option<i64>,
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
        Imported::Seen => "seen",
        Imported::Dismissed => "dismissed",
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
        ExportError::Archive(_) => ErrorCode::InvalidArchive,
    };
    let line = match &e {
        ExportError::Line { line, .. } => Some(*line),
        _ => None,
    };
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, e.to_string()).with("line", line)
}

/// The uploaded file's name (when the form gives one) and bytes, and whether to overwrite.
type Form = (Option<String>, Vec<u8>, bool);

async fn read_form(mut multipart: Multipart) -> Result<Form, ApiError> {
    let form_error = |e: axum::extract::multipart::MultipartError| unreadable_form(&e, too_large);
    let (mut file, mut name, mut overwrite) = (None, None, false);
    while let Some(mut field) = multipart.next_field().await.map_err(form_error)? {
        match field.name().unwrap_or_default() {
            "file" => {
                name = field.file_name().map(str::to_owned);
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
    Ok((name, file, overwrite))
}

/// Import ratings, a watchlist and films seen from Letterboxd (its export zip), Trakt, IMDb or a plain CSV
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
        (status = 408, description = "`body_timeout`: the file did not arrive within the upload deadline", body = ErrorBody),
        (status = 413, description = "The file is larger than 5 MB", body = ErrorBody),
        (status = 415, description = "Not multipart/form-data", body = ErrorBody),
        (status = 422, description = "Not an export NextFlex reads, no usable row (the first bad line named), more than 20,000 rows, or a zip that is not a Letterboxd export or unpacks too large; nothing is written", body = ErrorBody),
        (status = 429, description = "`throttled`: over the imports allowed per user and hour, or the user's uploads under way at once", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
async fn import(
    State(ctx): State<ApiContext>,
    user: AuthUser,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<axum::Json<ImportReport>, ApiError> {
    let _under_way = ctx.uploads.admit_import(user.id.get())?;
    let multipart = multipart.map_err(|e| not_multipart("the file", &e))?;
    let (name, bytes, overwrite) = ctx.uploads.receive(read_form(multipart)).await?;
    let index = ctx.match_index.get(&ctx.db).await?;
    let plan = super::cpu_work(move || plan(name.as_deref(), &bytes, &index)).await??;
    let now = nextflex_store::clock::now();
    let to_rate: Vec<(i64, f64, i64)> = plan
        .ratings
        .iter()
        .map(|(row, movie)| {
            let stars = row.rating.unwrap_or_default();
            (*movie, stars, row.date.map_or(now, |d| d.min(now)))
        })
        .collect();
    let dated = |rows: &[(ExportRow, i64)]| -> Vec<(i64, i64)> {
        rows.iter()
            .map(|(row, movie)| (*movie, row.date.map_or(now, |d| d.min(now))))
            .collect()
    };
    let rows = ImportRows {
        ratings: to_rate,
        watchlist: dated(&plan.watchlist),
        seen: dated(&plan.seen),
        dismissed: dated(&plan.dismissed),
    };
    let outcomes = ratings::import(&ctx.db, user.id, &rows, overwrite)
        .await
        .map_err(deleted_account)?;
    let r = ctx.recommender.get();
    super::cpu_work(move || report(plan, &outcomes, r.as_deref())).await
}

/// An upload read and matched: what to write, and what to report.
struct Plan {
    format: &'static str,
    files: Vec<FileRead>,
    ratings: Vec<(ExportRow, i64)>,
    watchlist: Vec<(ExportRow, i64)>,
    seen: Vec<(ExportRow, i64)>,
    dismissed: Vec<(ExportRow, i64)>,
    /// (file, row) of the rows no movie fits, but for those after the catalogue's last year.
    unmatched: Vec<(String, ExportRow)>,
    after_catalogue: usize,
    catalogue_last_year: Option<i64>,
    duplicates: usize,
    not_films: usize,
    skipped: Vec<SkippedRow>,
}

fn plan(name: Option<&str>, bytes: &[u8], index: &MatchIndex) -> Result<Plan, ApiError> {
    let zip = nextflex_data::exports::is_zip(bytes);
    let exports = read_upload(name, bytes, MAX_ROWS, MAX_FILE_BYTES).map_err(export_error)?;
    let files: Vec<(&str, &nextflex_data::exports::Export)> = exports
        .iter()
        .map(|NamedExport { file, export }| (file.as_str(), export))
        .collect();
    let matched = match_rows(index, &files);
    let owned = |rows: &[(&ExportRow, i64)]| -> Vec<(ExportRow, i64)> {
        rows.iter().map(|(row, id)| ((*row).clone(), *id)).collect()
    };
    let last_year = index.last_year();
    let (after, unmatched): (Vec<_>, Vec<_>) = matched.unmatched.iter().partition(|(_, row)| {
        row.film
            .year
            .zip(last_year)
            .is_some_and(|(y, last)| y > last)
    });
    Ok(Plan {
        format: match exports.as_slice() {
            _ if zip => "letterboxd_zip",
            [one] => one.export.format.as_str(),
            _ => ExportFormat::Plain.as_str(),
        },
        files: exports
            .iter()
            .map(|f| FileRead {
                file: f.file.clone(),
                format: f.export.format.as_str(),
                rows: f.export.rows.len(),
            })
            .collect(),
        ratings: owned(&matched.ratings),
        watchlist: owned(&matched.watchlist),
        seen: owned(&matched.seen),
        dismissed: owned(&matched.dismissed),
        unmatched: unmatched
            .into_iter()
            .map(|(file, row)| ((*file).to_owned(), (*row).clone()))
            .collect(),
        after_catalogue: after.len(),
        catalogue_last_year: last_year,
        duplicates: matched.duplicates,
        not_films: exports.iter().map(|f| f.export.not_films).sum(),
        skipped: exports
            .iter()
            .flat_map(|f| {
                f.export.skipped.iter().map(|s| SkippedRow {
                    file: f.file.clone(),
                    line: s.line,
                    reason: s.reason.clone(),
                })
            })
            .collect(),
    })
}

/// Whether a candidate of `year` may be the film a row dates `wanted`: within two years (release
/// dates differ between countries and services), or either year unknown.
fn plausible_year(wanted: Option<i64>, year: Option<i64>) -> bool {
    wanted.zip(year).is_none_or(|(w, y)| (w - y).abs() <= 2)
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
        .chain(&plan.seen)
        .chain(&plan.dismissed)
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
        .map(|(n, (file, row))| UnmatchedRow {
            file: file.clone(),
            line: row.line,
            title: row.film.title.clone(),
            year: row.film.year,
            rating: row.rating,
            candidates: match (r, &row.film.title) {
                (Some(r), Some(title)) if n < CANDIDATE_ROWS => r
                    .suggestions(title, 3 * CANDIDATES)
                    .into_iter()
                    .filter(|m| plausible_year(row.film.year, m.year))
                    .take(CANDIDATES)
                    .map(|m| MovieCard::new(r, m))
                    .collect(),
                _ => Vec::new(),
            },
        })
        .collect();
    let skipped = plan.skipped.len();
    axum::Json(ImportReport {
        format: plan.format,
        rows: plan.files.iter().map(|f| f.rows).sum(),
        files: plan.files,
        matched: matches.len(),
        rated: count(&[Imported::Rated]),
        already_rated: count(&[Imported::Kept, Imported::Overwritten, Imported::Unchanged]),
        overwritten: count(&[Imported::Overwritten]),
        watchlisted: count(&[Imported::Watchlisted]),
        unmatched: unmatched_rows.len(),
        seen: count(&[Imported::Seen]),
        dismissed: count(&[Imported::Dismissed]),
        duplicates: plan.duplicates,
        not_films: plan.not_films,
        skipped,
        skipped_rows: plan.skipped.into_iter().take(SKIPPED_ROWS).collect(),
        after_catalogue: plan.after_catalogue,
        catalogue_last_year: plan.catalogue_last_year,
        matches,
        unmatched_rows,
    })
}
