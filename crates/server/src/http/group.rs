//! `POST /api/recommend/group`: films for the caller and up to five others to watch together:
//! users who made their profile public (which is their consent to be added), and guests, each
//! bringing their ratings as the text of an export (Letterboxd, IMDb or a plain CSV, matched as
//! an import is, see [`nextflex_app::history_import`]), of which nothing is stored. The films
//! are ones no member rated, ranked by least misery over the members' folded-in scores, each
//! with every member's share (see [`nextflex_engine::group`]).

use std::collections::HashSet;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use nextflex_data::exports::read_export;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use super::error::{ErrorBody, JsonBody, WarmingUp};
use super::imports::export_error;
use super::movies::{MovieCard, full_snapshot, genre};
use super::profiles::user_not_found;
use super::tokens::AuthUser;
use super::{ApiContext, ApiError, ErrorCode};
use nextflex_app::history_import::match_rows;
use nextflex_app::recommender::MAX_LIMIT;
use nextflex_app::user_history;
use nextflex_store::db::users;
use nextflex_store::ids::UserId;

/// Members besides the caller: a group is two to six people.
pub const MAX_GUESTS: usize = 5;
/// The longest guest name, in characters.
const MAX_NAME_CHARS: usize = 40;
/// The longest ratings file a guest brings, in characters.
pub const MAX_FILE_CHARS: usize = 256 * 1024;
/// The most rows a guest's file may have.
const MAX_FILE_ROWS: usize = 10_000;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new().routes(routes!(recommend_group).layer(DefaultBodyLimit::max(
        (MAX_GUESTS * MAX_FILE_CHARS * 4) + 64 * 1024,
    )))
}

/// Someone watching with the caller, who has no account here.
#[derive(Debug, Deserialize, ToSchema)]
struct Guest {
    /// How the guest is called in the answer: 1 to 40 characters, unique in the group.
    #[schema(min_length = 1, max_length = 40, pattern = r"\S")]
    name: String,
    /// The guest's ratings: the text of a Letterboxd ratings.csv or diary.csv, an IMDb ratings
    /// export, or a CSV with `rating` and one of `movieId`, `movie_id`, `tmdbId`, `imdbId`, or
    /// `title` and `year` (as `POST /api/me/imports` reads). At most 262,144 characters and
    /// 10,000 rows.
    #[schema(min_length = 1, max_length = 262_144)]
    ratings_file: String,
}

/// Who watches together with the caller, and what to list: one to five others in all.
#[derive(Debug, Deserialize, ToSchema)]
struct GroupRequest {
    /// Guests without an account here, with their ratings.
    #[serde(default)]
    #[schema(max_items = 5)]
    guests: Vec<Guest>,
    /// Users with a public profile (their ids, each 1 or more), whose ratings here count.
    #[serde(default)]
    #[schema(max_items = 5)]
    users: Vec<UserId>,
    /// How many films, 1 to 100 (default 20).
    #[schema(minimum = 1, maximum = 100)]
    k: Option<usize>,
    /// Only films of this genre.
    genre: Option<String>,
}

/// A member of the group, as the answer names them.
#[derive(Debug, Serialize, ToSchema)]
struct Member {
    /// `You` for the caller, a user's first name and initial, or a guest's name.
    name: String,
    /// The user's id; null for the caller and for guests.
    user_id: Option<i64>,
    /// Ratings the member brought that name a catalogue film.
    ratings: usize,
    /// Rows of a guest's file that name no catalogue film (0 for the caller).
    unmatched: usize,
}

/// One member's part in a film's place.
#[derive(Debug, Serialize, ToSchema)]
struct MemberScore {
    name: String,
    /// How well the film fits this member, 0 to 1 (1: their best fit among the candidates).
    score: f64,
    /// This member's part of the members' summed scores (the shares of a film sum to 1).
    share: f64,
}

#[derive(Debug, Serialize, ToSchema)]
struct GroupItem {
    #[serde(flatten)]
    movie: MovieCard,
    /// The least happy member's score, 0 to 1; the list is ordered by it.
    score: f64,
    /// Every member, in the order of `members`.
    members: Vec<MemberScore>,
}

/// Films for the group, the least happy member's best first.
#[derive(Debug, Serialize, ToSchema)]
struct GroupBody {
    members: Vec<Member>,
    results: Vec<GroupItem>,
}

fn check(request: &GroupRequest, caller: i64) -> Result<usize, ApiError> {
    let k = request.k.unwrap_or(20);
    if !(1..=MAX_LIMIT).contains(&k) {
        return Err(ApiError::field(
            "k",
            format!("Must be from 1 to {MAX_LIMIT}."),
        ));
    }
    let others = request.guests.len() + request.users.len();
    if !(1..=MAX_GUESTS).contains(&others) {
        return Err(ApiError::field(
            "guests",
            format!("A group has 1 to {MAX_GUESTS} people besides you."),
        ));
    }
    let mut ids = HashSet::from([caller]);
    if !request.users.iter().all(|id| ids.insert(id.get())) {
        return Err(ApiError::field(
            "users",
            "Each user is in the group once, and you are in it already.",
        ));
    }
    for guest in &request.guests {
        let name = guest.name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            return Err(ApiError::field(
                "guests",
                format!("A guest's name is 1 to {MAX_NAME_CHARS} characters."),
            ));
        }
        if guest.ratings_file.chars().count() > MAX_FILE_CHARS {
            return Err(ApiError::field(
                "guests",
                format!("{name}'s ratings file is longer than {MAX_FILE_CHARS} characters."),
            ));
        }
    }
    Ok(k)
}

/// A user's name as a group shows it: first name and initial, else "User <id>".
fn display_name(u: &users::User) -> String {
    let first = u.first_name.trim();
    match (first, u.last_name.trim().chars().next()) {
        ("", _) => format!("User {}", u.id),
        (f, Some(initial)) => format!("{f} {initial}."),
        (f, None) => f.to_owned(),
    }
}

/// Every member is called differently (case aside), so that shares can be told apart.
fn check_names(members: &[Member]) -> Result<(), ApiError> {
    let mut names = HashSet::new();
    for m in members {
        if !names.insert(m.name.to_lowercase()) {
            return Err(ApiError::field(
                "guests",
                format!(
                    "Two members are called {:?}: give each a different name.",
                    m.name
                ),
            ));
        }
    }
    Ok(())
}

/// Films to watch together, for the caller and one to five others
#[utoipa::path(
    post,
    path = "/api/recommend/group",
    tag = "recommendations",
    request_body = GroupRequest,
    security(("jwt" = [])),
    responses(
        (status = 200, description = "Films no member rated, the least happy member's best first", body = GroupBody),
        (status = 400, description = "Nobody or more than five besides the caller, a user twice or the caller, a name missing or used twice, a ratings file too long, or `k` out of range", body = ErrorBody),
        (status = 404, description = "No such genre, or a user without a public profile", body = ErrorBody),
        (status = 413, description = "The body is larger than five guests' files can be", body = ErrorBody),
        (status = 422, description = "A guest's file is not an export NextFlex reads (the line is named), or a member's ratings name no film they liked that the model knows", body = ErrorBody),
        WarmingUp,
    )
)]
async fn recommend_group(
    State(ctx): State<ApiContext>,
    user: AuthUser,
    JsonBody(request): JsonBody<GroupRequest>,
) -> Result<axum::Json<GroupBody>, ApiError> {
    let k = check(&request, user.id.get())?;
    let r = full_snapshot(&ctx)?;
    let genre = genre(&r, request.genre.as_deref())?;
    // Each member's taste folds in their ratings and the films they saw (as "For you" does);
    // what any member saw is left out, as what they rated is, and what the caller dismissed.
    let history = user_history::of_user(&ctx.db, user.id).await?;
    let mine = r.taste(&history);
    let mut exclude: HashSet<i64> = history.dismissed.union(&history.seen).copied().collect();
    let mut members = vec![Member {
        name: "You".to_owned(),
        user_id: None,
        ratings: history.ratings.len(),
        unmatched: 0,
    }];
    let mut tastes = vec![mine];
    for &id in &request.users {
        let member = users::find_by_id(&ctx.db, id)
            .await?
            .filter(|u| u.is_active && u.public_profile)
            .ok_or_else(user_not_found)?;
        let theirs = user_history::of_user(&ctx.db, id).await?;
        exclude.extend(&theirs.seen);
        members.push(Member {
            name: display_name(&member),
            user_id: Some(id.get()),
            ratings: theirs.ratings.len(),
            unmatched: 0,
        });
        tastes.push(r.taste(&theirs));
    }
    // Matching needs the catalogue's titles and ids: read only when a guest brings a file.
    // Reading and matching up to five files is CPU work: off the async runtime.
    if !request.guests.is_empty() {
        let index = ctx.match_index.get(&ctx.db).await?;
        let files: Vec<(String, String)> = request
            .guests
            .into_iter()
            .map(|g| (g.name.trim().to_owned(), g.ratings_file))
            .collect();
        let guests = super::cpu_work(move || {
            files
                .into_iter()
                .map(|(name, file)| {
                    let export = read_export(file.as_bytes(), MAX_FILE_ROWS)
                        .map_err(|e| export_error(e).with("guest", &name))?;
                    let matched = match_rows(&index, &[("", &export)]);
                    let theirs: Vec<(i64, f32)> = matched
                        .ratings
                        .iter()
                        .filter_map(|(row, movie)| Some((*movie, row.rating? as f32)))
                        .collect();
                    Ok((name, theirs, matched.unmatched.len()))
                })
                .collect::<Result<Vec<_>, ApiError>>()
        })
        .await??;
        for (name, theirs, unmatched) in guests {
            members.push(Member {
                name,
                user_id: None,
                ratings: theirs.len(),
                unmatched,
            });
            tastes.push(theirs);
        }
    }
    check_names(&members)?;
    let picks = r
        .for_group(&tastes, &exclude, k, genre)
        .map_err(|unplaced| {
            let names: Vec<&str> = unplaced.iter().map(|&m| members[m].name.as_str()).collect();
            // The caller is "you" in a sentence.
            let said: Vec<&str> = unplaced
                .iter()
                .map(|&m| if m == 0 { "you" } else { members[m].name.as_str() })
                .collect();
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::UnknownTaste,
                format!(
                    "We cannot tell yet what {} would like: rate a few films you liked, or bring ratings that name some NextFlex knows.",
                    said.join(" and ")
                ),
            )
            .with("members", &names)
        })?;
    let results = picks
        .into_iter()
        .map(|pick| GroupItem {
            movie: MovieCard::new(&r, pick.movie),
            score: f64::from(pick.score),
            members: members
                .iter()
                .zip(pick.members)
                .map(|(m, (score, share))| MemberScore {
                    name: m.name.clone(),
                    score: f64::from(score),
                    share: f64::from(share),
                })
                .collect(),
        })
        .collect();
    Ok(axum::Json(GroupBody { members, results }))
}
