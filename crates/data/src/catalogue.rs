//! The merged movie catalogue: one record per movie, keyed by TMDB id, cross-linked to MovieLens
//! and IMDb ids; movies only MovieLens knows are kept too.
//!
//! Precedence when sources disagree: TMDB 5000, then The Movies Dataset, then MovieLens. Each
//! scalar field takes the first non-empty value in that order; each list (genres, cast, crew,
//! keywords) comes whole from the first source that has one. The id links (MovieLens → TMDB,
//! IMDb) take the first links file that names the MovieLens id. See docs/data.md.

use std::collections::{BTreeMap, HashMap, HashSet};

use nextflex_engine::text::fold;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Movie {
    pub tmdb_id: Option<i64>,
    pub imdb_id: Option<String>,
    pub movielens_id: Option<i64>,
    pub title: String,
    /// Other titles the movie is known by (a MovieLens "a.k.a.", another source's title), never
    /// `title` itself.
    pub alternate_titles: Vec<String>,
    pub original_title: Option<String>,
    pub overview: Option<String>,
    pub tagline: Option<String>,
    /// `YYYY-MM-DD`.
    pub release_date: Option<String>,
    pub release_year: Option<i64>,
    pub runtime: Option<i64>,
    pub popularity: Option<f64>,
    pub vote_average: Option<f64>,
    pub vote_count: Option<i64>,
    pub poster_path: Option<String>,
    pub original_language: Option<String>,
    pub budget: Option<i64>,
    pub revenue: Option<i64>,
    pub genres: Vec<Genre>,
    pub cast: Vec<CastMember>,
    pub crew: Vec<CrewMember>,
    pub keywords: Vec<Keyword>,
    /// The series TMDB puts it in (The Movies Dataset's `belongs_to_collection`).
    pub collection: Option<Collection>,
    /// What MovieLens users said it is about (tags.csv), by name.
    pub tags: Vec<Tag>,
}

/// A MovieLens tag of a film, in lower case, and how many people gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub name: String,
    pub people: u32,
}

/// A series of films as TMDB groups them ("Toy Story Collection").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collection {
    pub tmdb_id: i64,
    pub name: String,
}

/// Whether `title` is a placeholder that `other`, another source's title for the same film,
/// should replace: a working title ("Untitled Spider-Man Reboot") or the first part of a film
/// released under its plain name ("Avengers: Infinity War - Part I" for "Avengers: Infinity
/// War"), when `other` is not a placeholder itself.
pub fn yields_to(title: &str, other: &str) -> bool {
    let untitled = |t: &str| fold(t).starts_with("untitled ");
    let (title_f, other_f) = (fold(title), fold(other));
    if other_f.is_empty() || untitled(other) || title_f == other_f {
        return false;
    }
    // Roman and after a dash only: "Mockingjay - Part 1" and "Deathly Hallows: Part 1" are
    // the films' names.
    let first_part = title_f
        .strip_suffix(" - part i")
        .is_some_and(|t| t.trim() == other_f);
    untitled(title) || first_part
}

impl Movie {
    /// The title folded for case- and accent-insensitive search.
    pub fn search_title(&self) -> String {
        fold(&self.title)
    }

    /// Adds titles to [`Movie::alternate_titles`], leaving out empty ones and those equal to a
    /// title the movie has (ignoring case and accents).
    pub fn add_alternates(&mut self, titles: impl IntoIterator<Item = String>) {
        for t in titles {
            let t = t.trim().to_owned();
            let folded = fold(&t);
            let known = folded.is_empty()
                || folded == fold(&self.title)
                || self.alternate_titles.iter().any(|a| fold(a) == folded);
            if !known {
                self.alternate_titles.push(t);
            }
        }
    }

    /// Fills every empty field of `self` from `other` (which ranks lower). A placeholder title
    /// (see [`yields_to`]) gives way to `other`'s and stays as an alternate.
    fn fill_from(&mut self, mut other: Movie) {
        if yields_to(&self.title, &other.title) {
            std::mem::swap(&mut self.title, &mut other.title);
        }
        fn opt<T>(a: &mut Option<T>, b: Option<T>) {
            if a.is_none() {
                *a = b;
            }
        }
        fn list<T>(a: &mut Vec<T>, b: Vec<T>) {
            if a.is_empty() {
                *a = b;
            }
        }
        opt(&mut self.tmdb_id, other.tmdb_id);
        opt(&mut self.imdb_id, other.imdb_id);
        opt(&mut self.movielens_id, other.movielens_id);
        if self.title.is_empty() {
            self.title = other.title;
        } else {
            self.add_alternates(std::iter::once(other.title));
        }
        self.add_alternates(other.alternate_titles);
        opt(&mut self.original_title, other.original_title);
        opt(&mut self.overview, other.overview);
        opt(&mut self.tagline, other.tagline);
        opt(&mut self.release_date, other.release_date);
        opt(&mut self.release_year, other.release_year);
        opt(&mut self.runtime, other.runtime);
        opt(&mut self.popularity, other.popularity);
        opt(&mut self.vote_average, other.vote_average);
        opt(&mut self.vote_count, other.vote_count);
        opt(&mut self.poster_path, other.poster_path);
        opt(&mut self.original_language, other.original_language);
        opt(&mut self.budget, other.budget);
        opt(&mut self.revenue, other.revenue);
        opt(&mut self.collection, other.collection);
        list(&mut self.genres, other.genres);
        list(&mut self.cast, other.cast);
        list(&mut self.crew, other.crew);
        list(&mut self.keywords, other.keywords);
        list(&mut self.tags, other.tags);
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Genre {
    pub tmdb_id: Option<i64>,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub tmdb_id: Option<i64>,
    pub name: String,
    pub gender: Option<i64>,
    pub profile_path: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CastMember {
    pub person: Person,
    pub character: Option<String>,
    pub order: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrewMember {
    pub person: Person,
    pub job: String,
    pub department: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Keyword {
    pub tmdb_id: Option<i64>,
    pub name: String,
}

/// Rows left out, counted by reason (stable snake_case names for summaries and JSON).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Skips(pub BTreeMap<String, u64>);

impl Skips {
    pub fn add(&mut self, reason: &str, n: u64) {
        if n > 0 {
            *self.0.entry(reason.to_string()).or_default() += n;
        }
    }

    pub fn merge(&mut self, other: &Skips) {
        for (reason, n) in &other.0 {
            self.add(reason, *n);
        }
    }

    pub fn total(&self) -> u64 {
        self.0.values().sum()
    }
}

/// The ranks of the sources, highest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    Tmdb5000,
    MoviesDataset,
    MovieLens,
}

/// A MovieLens → TMDB/IMDb link.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Link {
    pub tmdb_id: Option<i64>,
    pub imdb_id: Option<String>,
}

/// Collects records from every source, in any order, and merges them by precedence.
#[derive(Debug, Default)]
pub struct CatalogueBuilder {
    tmdb_movies: Vec<(Source, Movie)>,
    credits: Vec<(Source, i64, Vec<CastMember>, Vec<CrewMember>)>,
    keywords: Vec<(Source, i64, Vec<Keyword>)>,
    links: HashMap<i64, Link>,
    movielens: Vec<Movie>,
    /// MovieLens tags by MovieLens id.
    tags: HashMap<i64, Vec<Tag>>,
}

impl CatalogueBuilder {
    /// A movie from a TMDB-keyed source (`tmdb_id` set).
    pub fn add_movie(&mut self, source: Source, movie: Movie) {
        self.tmdb_movies.push((source, movie));
    }

    pub fn add_credits(
        &mut self,
        source: Source,
        tmdb_id: i64,
        cast: Vec<CastMember>,
        crew: Vec<CrewMember>,
    ) {
        self.credits.push((source, tmdb_id, cast, crew));
    }

    pub fn add_keywords(&mut self, source: Source, tmdb_id: i64, keywords: Vec<Keyword>) {
        self.keywords.push((source, tmdb_id, keywords));
    }

    /// A film's MovieLens tags (the first list for a MovieLens id wins).
    pub fn add_tags(&mut self, movielens_id: i64, tags: Vec<Tag>) {
        self.tags.entry(movielens_id).or_insert(tags);
    }

    /// A links-file row; the first link for a MovieLens id wins.
    pub fn add_link(&mut self, movielens_id: i64, link: Link) {
        self.links.entry(movielens_id).or_insert(link);
    }

    /// The keyword lists read so far, by TMDB id (for benchmarks over keywords.csv alone).
    pub fn keyword_lists(&self) -> impl Iterator<Item = (i64, &[Keyword])> {
        self.keywords.iter().map(|(_, id, k)| (*id, k.as_slice()))
    }

    /// A MovieLens movie (`movielens_id` set, `tmdb_id` unset: the links supply it).
    pub fn add_movielens_movie(&mut self, movie: Movie) {
        self.movielens.push(movie);
    }

    /// Merges everything. Returns the movies (TMDB-keyed first, by TMDB id; then MovieLens-only
    /// ones, by MovieLens id) and the conflicts it resolved by dropping a value.
    pub fn build(mut self) -> (Vec<Movie>, Skips) {
        let mut skips = Skips::default();
        // Stable sorts: within a source, file order is kept.
        self.tmdb_movies.sort_by_key(|(s, _)| *s);
        self.credits.sort_by_key(|(s, ..)| *s);
        self.keywords.sort_by_key(|(s, ..)| *s);

        let mut movies: Vec<Movie> = Vec::new();
        let mut by_tmdb: HashMap<i64, usize> = HashMap::new();
        for (_, movie) in self.tmdb_movies {
            let Some(id) = movie.tmdb_id else { continue };
            match by_tmdb.get(&id) {
                Some(&i) => movies[i].fill_from(movie),
                None => {
                    by_tmdb.insert(id, movies.len());
                    movies.push(movie);
                }
            }
        }

        self.movielens.sort_by_key(|m| m.movielens_id);
        for mut movie in self.movielens {
            let Some(ml) = movie.movielens_id else {
                continue;
            };
            let link = self.links.get(&ml).cloned().unwrap_or_default();
            if movie.imdb_id.is_none() {
                movie.imdb_id = link.imdb_id;
            }
            match link.tmdb_id {
                Some(tmdb) => match by_tmdb.get(&tmdb) {
                    Some(&i) if movies[i].movielens_id.is_none() => movies[i].fill_from(movie),
                    Some(_) => {
                        // Two MovieLens ids link to one TMDB movie: keep the second apart.
                        skips.add("duplicate_tmdb_link", 1);
                        movies.push(movie);
                    }
                    None => {
                        movie.tmdb_id = Some(tmdb);
                        by_tmdb.insert(tmdb, movies.len());
                        movies.push(movie);
                    }
                },
                None => movies.push(movie),
            }
        }

        for (_, tmdb, cast, crew) in self.credits {
            if let Some(&i) = by_tmdb.get(&tmdb) {
                let movie = &mut movies[i];
                if movie.cast.is_empty() && movie.crew.is_empty() {
                    movie.cast = cast;
                    movie.crew = crew;
                }
            }
        }
        for (_, tmdb, keywords) in self.keywords {
            if let Some(&i) = by_tmdb.get(&tmdb)
                && movies[i].keywords.is_empty()
            {
                movies[i].keywords = keywords;
            }
        }

        for movie in &mut movies {
            if let Some(tags) = movie.movielens_id.and_then(|ml| self.tags.remove(&ml))
                && movie.tags.is_empty()
            {
                movie.tags = tags;
            }
        }

        // IMDb ids are unique in the catalogue: the first movie to claim one keeps it.
        let mut imdb_seen = HashSet::new();
        for movie in &mut movies {
            if let Some(imdb) = &movie.imdb_id
                && !imdb_seen.insert(imdb.clone())
            {
                skips.add("duplicate_imdb_id", 1);
                movie.imdb_id = None;
            }
            if movie.release_year.is_none() {
                movie.release_year = movie
                    .release_date
                    .as_deref()
                    .and_then(|d| d.get(..4))
                    .and_then(|y| y.parse().ok());
            }
            dedupe_lists(movie);
        }
        (movies, skips)
    }
}

/// Sources repeat genres, keywords and crew credits now and then; the database keys forbid it.
fn dedupe_lists(movie: &mut Movie) {
    let mut seen = HashSet::new();
    movie.genres.retain(|g| seen.insert(g.name.clone()));
    let mut seen = HashSet::new();
    movie
        .keywords
        .retain(|k| seen.insert((k.tmdb_id, k.name.clone())));
    let mut seen = HashSet::new();
    movie
        .crew
        .retain(|c| seen.insert((c.person.tmdb_id, c.person.name.clone(), c.job.clone())));
    let mut seen = HashSet::new();
    movie.cast.retain(|c| seen.insert(c.order));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmdb(id: i64, title: &str) -> Movie {
        Movie {
            tmdb_id: Some(id),
            title: title.into(),
            ..Movie::default()
        }
    }

    fn ml(id: i64, title: &str) -> Movie {
        Movie {
            movielens_id: Some(id),
            title: title.into(),
            ..Movie::default()
        }
    }

    #[test]
    fn a_placeholder_title_yields_to_the_film_s_name() {
        assert!(yields_to(
            "Untitled Spider-Man Reboot",
            "Spider-Man: Homecoming"
        ));
        assert!(yields_to(
            "Avengers: Infinity War - Part I",
            "Avengers: Infinity War"
        ));
        assert!(!yields_to(
            "Avengers: Infinity War - Part I",
            "Avengers: Endgame"
        ));
        assert!(!yields_to(
            "Spider-Man: Homecoming",
            "Untitled Spider-Man Reboot"
        ));
        assert!(!yields_to(
            "Harry Potter and the Deathly Hallows: Part 1",
            "Harry Potter and the Deathly Hallows"
        ));
        assert!(!yields_to(
            "The Hunger Games: Mockingjay - Part 1",
            "The Hunger Games: Mockingjay"
        ));
        assert!(!yields_to("Heat", ""));
        let mut movielens = Movie {
            title: "Untitled Spider-Man Reboot".into(),
            ..Movie::default()
        };
        movielens.fill_from(Movie {
            title: "Spider-Man: Homecoming".into(),
            ..Movie::default()
        });
        assert_eq!(movielens.title, "Spider-Man: Homecoming");
        assert_eq!(movielens.alternate_titles, ["Untitled Spider-Man Reboot"]);
    }

    #[test]
    fn precedence_and_links() {
        let mut b = CatalogueBuilder::default();
        // Added in the "wrong" order on purpose: precedence does not depend on it.
        b.add_movie(
            Source::MoviesDataset,
            Movie {
                overview: Some("from kaggle".into()),
                popularity: Some(1.0),
                poster_path: Some("/p.jpg".into()),
                ..tmdb(862, "Toy Story (kaggle)")
            },
        );
        b.add_movie(
            Source::Tmdb5000,
            Movie {
                overview: Some("from tmdb".into()),
                ..tmdb(862, "Toy Story")
            },
        );
        b.add_movielens_movie(Movie {
            release_year: Some(1995),
            genres: vec![Genre {
                tmdb_id: None,
                name: "Children".into(),
            }],
            ..ml(1, "Toy Story")
        });
        b.add_movielens_movie(ml(2, "Only In MovieLens"));
        b.add_link(
            1,
            Link {
                tmdb_id: Some(862),
                imdb_id: Some("tt0114709".into()),
            },
        );
        b.add_link(
            1,
            Link {
                tmdb_id: Some(999),
                imdb_id: None,
            },
        );
        b.add_keywords(
            Source::MoviesDataset,
            862,
            vec![Keyword {
                tmdb_id: Some(931),
                name: "jealousy".into(),
            }],
        );
        b.add_keywords(
            Source::MoviesDataset,
            12345,
            vec![Keyword {
                tmdb_id: Some(1),
                name: "orphan".into(),
            }],
        );
        let (movies, skips) = b.build();
        assert_eq!(movies.len(), 2);
        let toy = &movies[0];
        assert_eq!(toy.title, "Toy Story");
        assert_eq!(toy.overview.as_deref(), Some("from tmdb"));
        assert_eq!(
            toy.popularity,
            Some(1.0),
            "gaps filled from the lower source"
        );
        assert_eq!(toy.poster_path.as_deref(), Some("/p.jpg"));
        assert_eq!(toy.movielens_id, Some(1));
        assert_eq!(toy.imdb_id.as_deref(), Some("tt0114709"));
        assert_eq!(toy.release_year, Some(1995));
        assert_eq!(toy.genres[0].name, "Children");
        assert_eq!(toy.keywords[0].name, "jealousy");
        let only = &movies[1];
        assert_eq!((only.tmdb_id, only.movielens_id), (None, Some(2)));
        assert_eq!(skips.total(), 0);
    }

    #[test]
    fn conflicting_ids_are_resolved_and_counted() {
        let mut b = CatalogueBuilder::default();
        b.add_movie(
            Source::MoviesDataset,
            Movie {
                imdb_id: Some("tt1".into()),
                ..tmdb(1, "A")
            },
        );
        b.add_movie(
            Source::MoviesDataset,
            Movie {
                imdb_id: Some("tt1".into()),
                ..tmdb(2, "B")
            },
        );
        b.add_movielens_movie(ml(10, "A"));
        b.add_movielens_movie(ml(11, "A again"));
        for id in [10, 11] {
            b.add_link(
                id,
                Link {
                    tmdb_id: Some(1),
                    imdb_id: None,
                },
            );
        }
        let (movies, skips) = b.build();
        assert_eq!(movies.len(), 3);
        assert_eq!(movies[0].movielens_id, Some(10));
        assert_eq!(movies[1].imdb_id, None);
        assert_eq!(movies[2].movielens_id, Some(11));
        assert_eq!(movies[2].tmdb_id, None);
        assert_eq!(skips.0.get("duplicate_imdb_id"), Some(&1));
        assert_eq!(skips.0.get("duplicate_tmdb_link"), Some(&1));
    }
}
