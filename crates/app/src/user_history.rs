//! What a user has told NextFlex about their taste, read in one place for every personal list:
//! their ratings, the films they saw without rating them, and the films they are not interested
//! in.

use std::collections::HashSet;

use nextflex_store::db::Db;
use nextflex_store::db::movie_lists;
use nextflex_store::error::Result;
use nextflex_store::ids::UserId;

/// A user's signals, by catalogue id.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// (movie, stars), the most recently rated first.
    pub ratings: Vec<(i64, f32)>,
    /// When each of `ratings` was made (Unix seconds), in their order; empty where unknown
    /// (then no rating is older than another).
    pub rated_at: Vec<i64>,
    /// Watched, not rated: never recommended, and a like where people liked the film (see
    /// [`crate::recommender::Recommender::for_user`]).
    pub seen: HashSet<i64>,
    /// "Not interested": never recommended, and evidence against the films like them.
    pub dismissed: HashSet<i64>,
}

impl History {
    /// A history of ratings alone.
    pub fn of_ratings(ratings: Vec<(i64, f32)>) -> History {
        History {
            ratings,
            ..History::default()
        }
    }

    /// Whether the user rated, saw or dismissed the movie: what their lists leave out.
    pub fn knows(&self, id: i64) -> bool {
        self.seen.contains(&id)
            || self.dismissed.contains(&id)
            || self.ratings.iter().any(|r| r.0 == id)
    }
}

/// The history of user `user_id` as the store holds it now.
pub async fn of_user(db: &Db, user_id: UserId) -> Result<History> {
    let signals = movie_lists::signals_of(db, user_id).await?;
    Ok(History {
        ratings: signals
            .ratings
            .iter()
            .map(|r| (r.movie_id, r.rating as f32))
            .collect(),
        rated_at: signals.ratings.iter().map(|r| r.rated_at).collect(),
        seen: signals.seen.into_iter().collect(),
        dismissed: signals.dismissed.into_iter().collect(),
    })
}
