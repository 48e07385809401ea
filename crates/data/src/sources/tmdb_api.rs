//! TMDB's API: a movie's details as `GET /movie/{id}?append_to_response=credits,keywords`
//! answers them, read into a catalogue movie with the cleaning the dataset files get (blank text
//! and zero runtimes, budgets and revenues are none, a date must be a real `YYYY-MM-DD`, IMDb ids
//! are normalised), and the lists read by the same code as TMDB 5000's JSON columns.

use super::kaggle::{cast_of, crew_of, genres_of, keywords_of};
use super::tmdb5000::convert;
use super::{DateField, date, imdb, text};
use crate::catalogue::Movie;
use crate::pyliteral::Value;

/// Why an answer is not a movie's details.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TmdbApiError {
    #[error("the answer is not JSON: {0}")]
    NotJson(String),
    #[error("the answer is not a TMDB movie: {0}")]
    NotAMovie(&'static str),
}

/// Reads a movie's details. The movie's own fields must be there (an object with a positive
/// `id` and a `title`); anything else that is missing or malformed is left empty, never guessed.
pub fn read_movie(body: &[u8]) -> Result<Movie, TmdbApiError> {
    let json: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| TmdbApiError::NotJson(e.to_string()))?;
    let movie = convert(json);
    if !matches!(movie, Value::Dict(_)) {
        return Err(TmdbApiError::NotAMovie("not an object"));
    }
    let str_of = |key: &str| text(movie.get(key).and_then(Value::as_str));
    let tmdb_id = movie
        .get("id")
        .and_then(Value::as_i64)
        .filter(|&id| id > 0)
        .ok_or(TmdbApiError::NotAMovie("no id"))?;
    let title = str_of("title").ok_or(TmdbApiError::NotAMovie("no title"))?;
    let positive = |key: &str| {
        let n = match movie.get(key)? {
            Value::Int(i) => *i as f64,
            Value::Float(f) => *f,
            _ => return None,
        };
        (n.is_finite() && n > 0.0).then_some(n)
    };
    let release_date = match date(&str_of("release_date").unwrap_or_default()) {
        DateField::Valid(d) => Some(d),
        DateField::Blank | DateField::Invalid => None,
    };
    let release_year = release_date
        .as_deref()
        .and_then(|d| d.get(..4))
        .and_then(|y| y.parse().ok());
    let credits = movie.get("credits");
    let empty = Value::List(Vec::new());
    let list = |v: Option<&Value>| v.cloned().unwrap_or_else(|| empty.clone());
    Ok(Movie {
        tmdb_id: Some(tmdb_id),
        imdb_id: str_of("imdb_id").as_deref().and_then(imdb),
        title,
        original_title: str_of("original_title"),
        overview: str_of("overview"),
        tagline: str_of("tagline"),
        release_date,
        release_year,
        runtime: positive("runtime").map(|v| v.round() as i64),
        popularity: positive("popularity"),
        vote_average: match movie.get("vote_average") {
            Some(Value::Int(i)) => Some(*i as f64),
            Some(Value::Float(f)) => Some(*f),
            _ => None,
        }
        .filter(|v| v.is_finite() && (0.0..=10.0).contains(v)),
        vote_count: movie
            .get("vote_count")
            .and_then(Value::as_i64)
            .filter(|&n| n >= 0),
        poster_path: str_of("poster_path"),
        original_language: str_of("original_language"),
        budget: positive("budget").map(|v| v as i64),
        revenue: positive("revenue").map(|v| v as i64),
        genres: genres_of(&list(movie.get("genres"))),
        cast: cast_of(&list(credits.and_then(|c| c.get("cast")))),
        crew: crew_of(&list(credits.and_then(|c| c.get("crew")))),
        keywords: keywords_of(&list(movie.get("keywords").and_then(|k| k.get("keywords")))),
        ..Movie::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An answer as TMDB gives it (trimmed: TMDB sends many more fields).
    const TOY_STORY: &str = r#"{
        "adult": false, "backdrop_path": "/3Rfvhy1Nl6sSGJwyjb0QiZzZYlB.jpg",
        "belongs_to_collection": {"id": 10194, "name": "Toy Story Collection"},
        "budget": 30000000, "genres": [{"id": 16, "name": "Animation"}, {"id": 35, "name": "Comedy"}],
        "homepage": "", "id": 862, "imdb_id": "tt0114709", "original_language": "en",
        "original_title": "Toy Story", "overview": "Led by Woody, Andy's toys live happily…",
        "popularity": 100.5, "poster_path": "/uXDfjJbdP4ijW5hWSBrPrlKpxab.jpg",
        "release_date": "1995-10-30", "revenue": 394436586, "runtime": 81,
        "status": "Released", "tagline": "", "title": "Toy Story", "video": false,
        "vote_average": 7.97, "vote_count": 18000,
        "credits": {
            "cast": [
                {"adult": false, "gender": 2, "id": 31, "known_for_department": "Acting",
                 "name": "Tom Hanks", "profile_path": "/xndWFsBlClOJFRdhSt4NBwiPq2o.jpg",
                 "cast_id": 14, "character": "Woody (voice)", "credit_id": "x", "order": 0},
                {"gender": 2, "id": 12898, "name": "Tim Allen", "profile_path": null,
                 "character": "Buzz Lightyear (voice)", "order": 1}
            ],
            "crew": [
                {"gender": 2, "id": 7879, "name": "John Lasseter", "department": "Directing",
                 "job": "Director", "profile_path": null}
            ]
        },
        "keywords": {"keywords": [{"id": 931, "name": "jealousy"}, {"id": 4290, "name": "toy"}]}
    }"#;

    #[test]
    fn a_movie_with_credits_and_keywords() {
        let m = read_movie(TOY_STORY.as_bytes()).unwrap();
        assert_eq!(m.tmdb_id, Some(862));
        assert_eq!(m.imdb_id.as_deref(), Some("tt0114709"));
        assert_eq!(m.title, "Toy Story");
        assert_eq!(m.runtime, Some(81));
        assert_eq!(m.release_date.as_deref(), Some("1995-10-30"));
        assert_eq!(m.release_year, Some(1995));
        assert_eq!(m.tagline, None, "blank text is none");
        assert_eq!(
            m.poster_path.as_deref(),
            Some("/uXDfjJbdP4ijW5hWSBrPrlKpxab.jpg")
        );
        assert_eq!(m.budget, Some(30_000_000));
        assert_eq!(m.vote_count, Some(18000));
        let genres: Vec<_> = m
            .genres
            .iter()
            .map(|g| (g.tmdb_id, g.name.as_str()))
            .collect();
        assert_eq!(genres, [(Some(16), "Animation"), (Some(35), "Comedy")]);
        assert_eq!(m.cast.len(), 2);
        assert_eq!(m.cast[0].person.name, "Tom Hanks");
        assert_eq!(m.cast[0].person.tmdb_id, Some(31));
        assert_eq!(m.cast[0].character.as_deref(), Some("Woody (voice)"));
        assert_eq!(m.cast[1].order, 1);
        assert_eq!(m.cast[1].person.profile_path, None);
        assert_eq!(m.crew[0].job, "Director");
        assert_eq!(m.crew[0].department, "Directing");
        let keywords: Vec<_> = m.keywords.iter().map(|k| k.name.as_str()).collect();
        assert_eq!(keywords, ["jealousy", "toy"]);
    }

    #[test]
    fn missing_and_empty_fields_are_none() {
        let m = read_movie(
            br#"{"id": 5, "title": "Four Rooms", "runtime": 0, "budget": 0, "release_date": "",
                 "poster_path": null, "overview": "  ", "imdb_id": null, "credits": {"cast": "x"}}"#,
        )
        .unwrap();
        assert_eq!(
            (
                m.runtime,
                m.budget,
                m.release_date,
                m.poster_path,
                m.overview,
                m.imdb_id
            ),
            (None, None, None, None, None, None)
        );
        assert!(m.cast.is_empty() && m.crew.is_empty() && m.keywords.is_empty());
        let bad_date = read_movie(br#"{"id": 5, "title": "x", "release_date": "1995-02-30"}"#);
        assert_eq!(bad_date.unwrap().release_date, None);
    }

    #[test]
    fn what_is_not_a_movie_is_an_error() {
        for body in [&b"<html>Bad gateway</html>"[..], b"", b"{\"id\": 862"] {
            assert!(
                matches!(read_movie(body), Err(TmdbApiError::NotJson(_))),
                "{body:?}"
            );
        }
        for body in [
            &b"[]"[..],
            b"null",
            br#"{"status_code": 34, "status_message": "The resource could not be found."}"#,
            br#"{"id": "862", "title": "Toy Story"}"#,
            br#"{"id": -1, "title": "Toy Story"}"#,
            br#"{"id": 862, "title": ""}"#,
        ] {
            assert!(
                matches!(read_movie(body), Err(TmdbApiError::NotAMovie(_))),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }
}
