//! Reads whole dataset folders: every recognised file through its reader, merged into one
//! catalogue, with each folder's ratings as a dataset of its own.

use std::path::Path;

use crate::catalogue::{CatalogueBuilder, Movie, Skips};
use crate::ratings::{RatingsRead, ReadOptions, SkipReason, read_ratings};
use crate::sources::{DataError, DatasetDir, FileKind, kaggle, movielens, open, tmdb5000};

/// Ratings read from one folder: the dataset is named after the folder.
#[derive(Debug)]
pub struct DatasetRatings {
    pub name: String,
    pub read: RatingsRead,
}

/// Everything read from the given folders.
#[derive(Debug, Default)]
pub struct Loaded {
    pub movies: Vec<Movie>,
    pub ratings: Vec<DatasetRatings>,
    pub skips: Skips,
}

/// Reads every recognised file of `dirs`. A folder may hold only some of its dataset's files.
/// Two folders with the same name (their ratings would collide) are refused.
pub fn load(dirs: &[DatasetDir], strict: bool) -> Result<Loaded, DataError> {
    let mut builder = CatalogueBuilder::default();
    let mut loaded = Loaded::default();
    for dir in dirs {
        for file in &dir.files {
            let path: &Path = &file.path;
            let skips = match file.kind {
                FileKind::KaggleMetadata => kaggle::read_metadata(path, strict, &mut builder)?,
                FileKind::KaggleCredits => kaggle::read_credits(path, strict, &mut builder)?,
                FileKind::KaggleKeywords => kaggle::read_keywords(path, strict, &mut builder)?,
                FileKind::Tmdb5000Movies => tmdb5000::read_movies_file(path, strict, &mut builder)?,
                FileKind::Tmdb5000Credits => {
                    tmdb5000::read_credits_file(path, strict, &mut builder)?
                }
                FileKind::Links => movielens::read_links(path, strict, &mut builder)?,
                FileKind::MovieLensMovies => {
                    movielens::read_movies_csv(path, strict, &mut builder)?
                }
                FileKind::MovieLensItems | FileKind::MovieLensMoviesDat => {
                    movielens::read_movies_dat(path, strict, &mut builder)?
                }
                FileKind::MovieLensTags => movielens::read_tags(path, strict, &mut builder)?,
                FileKind::Ratings(format) => {
                    let size_hint = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
                    let read = read_ratings(
                        open(path)?,
                        ReadOptions {
                            format,
                            strict,
                            size_hint,
                        },
                    )
                    .map_err(|source| DataError::Ratings {
                        path: path.to_path_buf(),
                        source,
                    })?;
                    let mut skips = Skips::default();
                    for reason in SkipReason::ALL {
                        skips.add(reason.name(), read.skipped(reason));
                    }
                    if loaded.ratings.iter().any(|r| r.name == dir.name) {
                        return Err(DataError::Strict {
                            path: path.to_path_buf(),
                            line: 0,
                            reason: format!(
                                "a second ratings file for the dataset {:?}; import one at a time",
                                dir.name
                            ),
                        });
                    }
                    loaded.ratings.push(DatasetRatings {
                        name: dir.name.clone(),
                        read,
                    });
                    skips
                }
            };
            loaded.skips.merge(&skips);
        }
    }
    let (movies, conflicts) = builder.build();
    loaded.movies = movies;
    loaded.skips.merge(&conflicts);
    Ok(loaded)
}
