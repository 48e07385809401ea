//! `nextflex recommend`: the four recommenders over the imported catalogue, from the command
//! line. Each call builds a [`Recommender`] snapshot, as the server does.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use serde::Serialize;

use nextflex_app::recommender::{
    self, ChartSource, ForYou, Lookup, MAX_K, MAX_LIMIT, MovieSummary, Recommender,
    RecommenderSettings, split_year,
};
use nextflex_app::user_history::History;
use nextflex_store::db::{Db, catalogue};
use nextflex_store::error::{Error, Result};
use nextflex_store::ids::{MovieId, MovieLensId};
use nextflex_store::storage::Storage;

use super::{Context, json};

#[derive(Debug, Subcommand)]
pub enum RecommendCommand {
    /// (A) The most popular movies: TMDB popularity, or rating counts where a movie has none
    Popular(ListArgs),
    /// (A) The most recently released movies
    Latest(ListArgs),
    /// (B) The top-rated chart by IMDB's weighted rating
    TopRated(TopRatedArgs),
    /// (C) The movies most similar to a title: its series, then its kind (genres, keywords,
    /// people, who likes both)
    Similar(SimilarArgs),
    /// (D) Personalised recommendations for the ratings in a file, folded into ALS
    User(UserArgs),
}

/// What every `recommend` command shares.
#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// How many movies
    #[arg(short, long, default_value_t = 10)]
    pub k: usize,
    /// The imported ratings dataset to use [default: the one with the most ratings]
    #[arg(long, env = "NEXTFLEX_DATASET", hide_env_values = true)]
    pub dataset: Option<String>,
    /// Print a JSON list on stdout
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only movies of this genre
    #[arg(long)]
    pub genre: Option<String>,
    #[command(flatten)]
    pub common: SnapshotArgs,
}

/// `--source` of `recommend top-rated`: the recommender's [`ChartSource`] as the command line
/// names it (the recommender knows nothing of clap).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Source {
    Ratings,
    Tmdb,
}

impl From<Source> for ChartSource {
    fn from(s: Source) -> Self {
        match s {
            Source::Ratings => ChartSource::Ratings,
            Source::Tmdb => ChartSource::Tmdb,
        }
    }
}

#[derive(Debug, Args)]
pub struct TopRatedArgs {
    /// Only movies of this genre (a chart of its own: its own mean and vote threshold)
    #[arg(long)]
    pub genre: Option<String>,
    /// Whose votes: the ratings of the dataset and app users, or TMDB's vote statistics
    #[arg(long, value_enum, default_value_t = Source::Ratings)]
    pub source: Source,
    /// Vote-count percentile a movie needs to be charted
    #[arg(long, default_value_t = 0.9)]
    pub percentile: f64,
    #[command(flatten)]
    pub common: SnapshotArgs,
}

#[derive(Debug, Args)]
pub struct SimilarArgs {
    /// The title, any case and accents; "Title (1995)" picks among equal titles
    pub title: String,
    #[command(flatten)]
    pub common: SnapshotArgs,
}

#[derive(Debug, Args)]
#[command(
    after_help = "The file is CSV with a header naming a rating column and either movieId (MovieLens \
ids, as in a dataset's ratings.csv) or movie_id (catalogue ids); other columns are ignored."
)]
pub struct UserArgs {
    /// The user's ratings (movieId,rating)
    #[arg(long)]
    pub ratings: PathBuf,
    /// Only movies of this genre
    #[arg(long)]
    pub genre: Option<String>,
    #[command(flatten)]
    pub common: SnapshotArgs,
}

pub async fn run(command: RecommendCommand, ctx: &Context) -> Result<()> {
    let storage = Storage::open(&ctx.storage_config()?).await?;
    let (list, as_json) = ctx
        .with_db(async |db| recommend(db, &storage, &ctx.cwd, command).await)
        .await?;
    if as_json {
        println!("{}", json(&list)?);
    } else {
        print_recommended(&list);
    }
    Ok(())
}

async fn recommend(
    db: &Db,
    storage: &Storage,
    cwd: &Path,
    command: RecommendCommand,
) -> Result<(Vec<Recommended>, bool)> {
    let common = match &command {
        RecommendCommand::Popular(a) | RecommendCommand::Latest(a) => &a.common,
        RecommendCommand::TopRated(a) => &a.common,
        RecommendCommand::Similar(a) => &a.common,
        RecommendCommand::User(a) => &a.common,
    };
    let mut settings = RecommenderSettings {
        dataset: common.dataset.clone(),
        ..RecommenderSettings::default()
    };
    if let RecommendCommand::TopRated(a) = &command {
        settings.chart_percentile = a.percentile;
    }
    let user_ratings = match &command {
        RecommendCommand::User(a) => read_user_ratings(db, &cwd.join(&a.ratings)).await?,
        _ => Vec::new(),
    };
    let r = recommender::build(db, storage, &settings).await?;
    let (k, as_json) = (common.k, common.json);
    let list = match &command {
        RecommendCommand::Popular(a) => popular(&r, a.genre.as_deref(), k)?,
        RecommendCommand::Latest(a) => latest(&r, a.genre.as_deref(), k)?,
        RecommendCommand::TopRated(a) => top_rated(&r, a.source.into(), a.genre.as_deref(), k)?,
        RecommendCommand::Similar(a) => similar(&r, &a.title, k)?,
        RecommendCommand::User(a) => for_user(&r, &user_ratings, a.genre.as_deref(), k)?,
    };
    Ok((list, as_json))
}

fn print_recommended(list: &[Recommended]) {
    for (n, r) in list.iter().enumerate() {
        let year = r.year.map(|y| format!(" ({y})")).unwrap_or_default();
        let score = r.score.map(|s| format!("  {s:.3}")).unwrap_or_default();
        println!("{:>3}. {}{year}{score}", n + 1, r.title);
        if !r.because.is_empty() {
            println!("       because you rated {}", r.because.join(", "));
        }
    }
}

/// One recommended movie, as `--json` prints it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Recommended {
    pub movie_id: i64,
    pub title: String,
    pub year: Option<i64>,
    pub genres: Vec<String>,
    /// Popular: TMDB popularity (or the rating count); latest: none; top-rated: the weighted
    /// rating; similar: the blended similarity (0 to 1); user: the ranking model's match (0 to 1).
    pub score: Option<f64>,
    /// For a user's recommendations: the rated movies carrying the score, with their shares.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub because: Vec<String>,
}

impl Recommended {
    fn new(m: &MovieSummary, score: Option<f64>) -> Self {
        Recommended {
            movie_id: m.id,
            title: m.title.clone(),
            year: m.year,
            genres: m.genres.clone(),
            score,
            because: Vec::new(),
        }
    }
}

/// Checks a list length.
pub fn check_limit(k: usize, max: usize) -> Result<usize> {
    if (1..=max).contains(&k) {
        Ok(k)
    } else {
        Err(Error::Invalid(format!("k must be from 1 to {max}")))
    }
}

/// The genre as the catalogue spells it, or an error listing the genres.
pub fn popular(r: &Recommender, genre: Option<&str>, k: usize) -> Result<Vec<Recommended>> {
    let (k, genre) = (check_limit(k, MAX_LIMIT)?, r.check_genre(genre)?);
    Ok(r.popular(genre, k)
        .into_iter()
        .map(|m| {
            let ratings = r.rating_stats(m.id).map(|s| s.count as f64);
            Recommended::new(m, m.popularity.or(ratings))
        })
        .collect())
}

pub fn latest(r: &Recommender, genre: Option<&str>, k: usize) -> Result<Vec<Recommended>> {
    let (k, genre) = (check_limit(k, MAX_LIMIT)?, r.check_genre(genre)?);
    Ok(r.latest(genre, k)
        .into_iter()
        .map(|m| Recommended::new(m, None))
        .collect())
}

pub fn top_rated(
    r: &Recommender,
    source: ChartSource,
    genre: Option<&str>,
    k: usize,
) -> Result<Vec<Recommended>> {
    let (k, genre) = (check_limit(k, MAX_LIMIT)?, r.check_genre(genre)?);
    Ok(r.top_rated(source, genre, k)
        .entries
        .into_iter()
        .map(|e| Recommended::new(e.movie, Some(e.score)))
        .collect())
}

/// The `k` movies most similar to the one titled `title` (a `title (year)` form picks the year).
pub fn similar(r: &Recommender, title: &str, k: usize) -> Result<Vec<Recommended>> {
    let k = check_limit(k, MAX_K)?;
    let (name, year) = split_year(title);
    let movie = match r.find(name, year) {
        Lookup::Found(m) => m,
        Lookup::NotFound => return Err(Error::NotFound(format!("no movie titled {title:?}"))),
        Lookup::Ambiguous(candidates) => {
            let list: Vec<String> = candidates.iter().map(|m| with_year(m)).collect();
            return Err(Error::Conflict(format!(
                "{title:?} names several movies: {}; add the year",
                list.join(", ")
            )));
        }
    };
    Ok(r.similar(movie.id, k)
        .unwrap_or_default()
        .into_iter()
        .map(|n| Recommended::new(n.movie, Some(f64::from(n.score))))
        .collect())
}

/// Recommendations for a user given by a ratings file, folded into the model.
pub fn for_user(
    r: &Recommender,
    ratings: &[(i64, f32)],
    genre: Option<&str>,
    k: usize,
) -> Result<Vec<Recommended>> {
    let (k, genre) = (check_limit(k, MAX_LIMIT)?, r.check_genre(genre)?);
    let history = History::of_ratings(ratings.to_vec());
    Ok(match r.for_user(&history, k, genre) {
        ForYou::Personal(list) => list
            .into_iter()
            .map(|p| Recommended {
                because: p
                    .because
                    .iter()
                    .map(|(m, share)| format!("{} {:.0}%", with_year(m), share * 100.0))
                    .collect(),
                ..Recommended::new(p.movie, Some(f64::from(p.score)))
            })
            .collect(),
        ForYou::TopRated(chart) => {
            tracing::warn!(
                "none of the rated movies is known to the model: showing the top-rated chart"
            );
            chart
                .entries
                .into_iter()
                .map(|e| Recommended::new(e.movie, Some(e.score)))
                .collect()
        }
    })
}

/// Reads a user's ratings from a CSV file with a header naming `rating` and either `movieId`
/// (MovieLens ids, as in the datasets' ratings.csv) or `movie_id` (catalogue ids). Returns
/// (catalogue id, rating) pairs; MovieLens ids the catalogue lacks are an error.
pub async fn read_user_ratings(db: &Db, path: &Path) -> Result<Vec<(i64, f32)>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let bad =
        |line: usize, what: String| Error::Invalid(format!("{}:{line}: {what}", path.display()));
    let headers = reader.headers().map_err(|e| bad(1, e.to_string()))?.clone();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let rating_at = column("rating").ok_or_else(|| bad(1, "no rating column".into()))?;
    let (movie_at, movielens) = match (column("movieId"), column("movie_id")) {
        (Some(i), _) => (i, true),
        (None, Some(i)) => (i, false),
        (None, None) => return Err(bad(1, "no movieId or movie_id column".into())),
    };
    let mut pairs = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        let record = record.map_err(|e| bad(line, e.to_string()))?;
        let field = |i: usize| record.get(i).unwrap_or("");
        let id: i64 = field(movie_at).parse().map_err(|_| {
            bad(
                line,
                format!("movie id {:?} is not a number", field(movie_at)),
            )
        })?;
        let rating: f32 = field(rating_at)
            .parse()
            .ok()
            .filter(|r: &f32| (0.5..=5.0).contains(r))
            .ok_or_else(|| {
                bad(
                    line,
                    format!("rating {:?} must be from 0.5 to 5", field(rating_at)),
                )
            })?;
        pairs.push((id, rating, line));
    }
    if pairs.is_empty() {
        return Err(Error::Invalid(format!("{}: no ratings", path.display())));
    }
    let mut out = Vec::with_capacity(pairs.len());
    for (id, rating, line) in pairs {
        let catalogue_id = match (movielens, MovieLensId::new(id), MovieId::new(id)) {
            (true, Some(movielens_id), _) => catalogue::id_by_movielens(db, movielens_id).await?,
            (false, _, Some(movie)) => catalogue::exists(db, movie).await?.then_some(movie),
            _ => None,
        };
        let id =
            catalogue_id.ok_or_else(|| bad(line, format!("movie {id} is not in the catalogue")))?;
        out.push((id.get(), rating));
    }
    Ok(out)
}

fn with_year(m: &MovieSummary) -> String {
    match m.year {
        Some(y) => format!("{} ({y})", m.title),
        None => m.title.clone(),
    }
}
