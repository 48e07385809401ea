//! The Parquet datasets in object storage, readable by Spark and pandas alike:
//! `ratings.parquet` (user_id INT32, source_movie_id INT32 — the dataset's own movie id —,
//! movie_id INT32 — the catalogue's id, null for a movie the catalogue lacks —, rating FLOAT,
//! timestamp INT64 Unix seconds) and `movies.parquet` (the movie features the content model and
//! Spark jobs use).

use std::sync::Arc;

use arrow_array::{
    Array, ArrayRef, Float32Array, Int32Array, Int64Array, RecordBatch, StringArray,
};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::Compression;
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;

use crate::catalogue::Movie;
use crate::ratings::Ratings;

const ROW_GROUP: usize = 1 << 20;

fn props() -> WriterProperties {
    WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(ROW_GROUP))
        .build()
}

/// Writes every rating, with the catalogue id of its movie where `movie_ids[source movie id]`
/// has one (negative: none); returns the file and the number of rows with a catalogue movie.
pub fn ratings_parquet(
    ratings: &Ratings,
    movie_ids: &[i32],
) -> Result<(Vec<u8>, usize), ParquetError> {
    let schema = Arc::new(Schema::new(vec![
        Field::new("user_id", DataType::Int32, false),
        Field::new("source_movie_id", DataType::Int32, false),
        Field::new("movie_id", DataType::Int32, true),
        Field::new("rating", DataType::Float32, false),
        Field::new("timestamp", DataType::Int64, false),
    ]));
    let mut out = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut out, schema.clone(), Some(props()))?;
    let mut matched = 0;
    for start in (0..ratings.len()).step_by(ROW_GROUP) {
        let end = (start + ROW_GROUP).min(ratings.len());
        let movie: Int32Array = ratings.movie[start..end]
            .iter()
            .map(|&m| movie_ids.get(m as usize).copied().filter(|&id| id >= 0))
            .collect();
        matched += movie.len() - movie.null_count();
        let columns: Vec<ArrayRef> = vec![
            Arc::new(Int32Array::from_iter_values(
                ratings.user[start..end].iter().map(|&u| u as i32),
            )),
            Arc::new(Int32Array::from_iter_values(
                ratings.movie[start..end].iter().map(|&m| m as i32),
            )),
            Arc::new(movie),
            Arc::new(Float32Array::from(ratings.rating[start..end].to_vec())),
            Arc::new(Int64Array::from(ratings.timestamp[start..end].to_vec())),
        ];
        writer.write(&RecordBatch::try_new(schema.clone(), columns)?)?;
    }
    writer.close()?;
    Ok((out, matched))
}

/// Writes one row per movie: catalogue id, TMDB and MovieLens ids, title, year, and the
/// `|`-joined genres, keywords, top-3 cast and directors.
pub fn movies_parquet(movies: &[Movie], ids: &[i64]) -> Result<Vec<u8>, ParquetError> {
    let schema = Arc::new(Schema::new(vec![
        Field::new("movie_id", DataType::Int32, false),
        Field::new("tmdb_id", DataType::Int64, true),
        Field::new("movielens_id", DataType::Int64, true),
        Field::new("title", DataType::Utf8, false),
        Field::new("year", DataType::Int64, true),
        Field::new("genres", DataType::Utf8, false),
        Field::new("keywords", DataType::Utf8, false),
        Field::new("cast", DataType::Utf8, false),
        Field::new("directors", DataType::Utf8, false),
    ]));
    let join = |names: Vec<&str>| names.join("|");
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Int32Array::from_iter_values(ids.iter().map(|&i| i as i32))),
        Arc::new(Int64Array::from_iter(movies.iter().map(|m| m.tmdb_id))),
        Arc::new(Int64Array::from_iter(movies.iter().map(|m| m.movielens_id))),
        Arc::new(StringArray::from_iter_values(
            movies.iter().map(|m| m.title.as_str()),
        )),
        Arc::new(Int64Array::from_iter(movies.iter().map(|m| m.release_year))),
        Arc::new(StringArray::from_iter_values(movies.iter().map(|m| {
            join(m.genres.iter().map(|g| g.name.as_str()).collect())
        }))),
        Arc::new(StringArray::from_iter_values(movies.iter().map(|m| {
            join(m.keywords.iter().map(|k| k.name.as_str()).collect())
        }))),
        Arc::new(StringArray::from_iter_values(movies.iter().map(|m| {
            let mut cast: Vec<_> = m.cast.iter().collect();
            cast.sort_by_key(|c| c.order);
            join(
                cast.iter()
                    .take(3)
                    .map(|c| c.person.name.as_str())
                    .collect(),
            )
        }))),
        Arc::new(StringArray::from_iter_values(movies.iter().map(|m| {
            join(
                m.crew
                    .iter()
                    .filter(|c| c.job == "Director")
                    .map(|c| c.person.name.as_str())
                    .collect(),
            )
        }))),
    ];
    let mut out = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut out, schema.clone(), Some(props()))?;
    writer.write(&RecordBatch::try_new(schema, columns)?)?;
    writer.close()?;
    Ok(out)
}

/// The ratings of a `ratings.parquet` whose movie is in the catalogue, as parallel columns:
/// dataset user id, catalogue movie id, rating.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CatalogueRatings {
    pub user: Vec<u32>,
    pub movie: Vec<u32>,
    pub rating: Vec<f32>,
    /// When each rating was made (Unix seconds); 0 where the file does not say.
    pub timestamp: Vec<i64>,
}

/// Reads a file written by [`ratings_parquet`] (or any Parquet file with INT32 `user_id`, INT32
/// nullable `movie_id` and FLOAT `rating` columns, and optionally INT64 `timestamp`), keeping
/// the rows with a catalogue movie.
pub fn read_catalogue_ratings(file: bytes::Bytes) -> Result<CatalogueRatings, ParquetError> {
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)?.build()?;
    let mut out = CatalogueRatings::default();
    for batch in reader {
        let batch = batch?;
        let column = |name: &str| {
            batch
                .column_by_name(name)
                .ok_or_else(|| ParquetError::General(format!("no column {name:?}")))
        };
        let wrong =
            |name: &str| ParquetError::General(format!("column {name:?} has the wrong type"));
        let users = column("user_id")?
            .as_any()
            .downcast_ref::<Int32Array>()
            .ok_or_else(|| wrong("user_id"))?;
        let movies = column("movie_id")?
            .as_any()
            .downcast_ref::<Int32Array>()
            .ok_or_else(|| wrong("movie_id"))?;
        let ratings = column("rating")?
            .as_any()
            .downcast_ref::<Float32Array>()
            .ok_or_else(|| wrong("rating"))?;
        let times = match batch.column_by_name("timestamp") {
            Some(c) => Some(
                c.as_any()
                    .downcast_ref::<Int64Array>()
                    .ok_or_else(|| wrong("timestamp"))?,
            ),
            None => None,
        };
        for i in 0..batch.num_rows() {
            if movies.is_null(i) || users.is_null(i) || ratings.is_null(i) {
                continue;
            }
            let (user, movie) = (users.value(i), movies.value(i));
            if user < 0 || movie < 0 {
                return Err(ParquetError::General(format!(
                    "row {i}: negative id (user {user}, movie {movie})"
                )));
            }
            out.user.push(user as u32);
            out.movie.push(movie as u32);
            out.rating.push(ratings.value(i));
            out.timestamp
                .push(times.filter(|t| !t.is_null(i)).map_or(0, |t| t.value(i)));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_round_trip_with_unknown_movies_as_null() {
        let ratings = Ratings {
            user: vec![1, 1, 2],
            movie: vec![10, 11, 99],
            rating: vec![4.5, 3.0, 1.0],
            timestamp: vec![100, 200, 300],
        };
        let mut ids = vec![-1; 20];
        ids[10] = 7;
        ids[11] = 8;
        let (bytes, written) = ratings_parquet(&ratings, &ids).unwrap();
        assert_eq!(written, 2, "rows with a catalogue movie");
        let kept = read_catalogue_ratings(bytes::Bytes::from(bytes.clone())).unwrap();
        assert_eq!(kept.user, vec![1, 1]);
        assert_eq!(kept.movie, vec![7, 8]);
        assert_eq!(kept.rating, vec![4.5, 3.0]);
        assert_eq!(kept.timestamp, vec![100, 200]);
        assert!(read_catalogue_ratings(bytes::Bytes::from_static(b"not parquet")).is_err());
        let reader = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(bytes))
            .unwrap()
            .build()
            .unwrap();
        let batches: Vec<RecordBatch> = reader.map(|b| b.unwrap()).collect();
        let batch = &batches[0];
        assert_eq!(batch.num_rows(), 3);
        let source = batch
            .column(1)
            .as_any()
            .downcast_ref::<Int32Array>()
            .unwrap();
        assert_eq!(source.values(), &[10, 11, 99]);
        let movie = batch
            .column(2)
            .as_any()
            .downcast_ref::<Int32Array>()
            .unwrap();
        assert_eq!(
            movie.iter().collect::<Vec<_>>(),
            vec![Some(7), Some(8), None]
        );
        let rating = batch
            .column(3)
            .as_any()
            .downcast_ref::<Float32Array>()
            .unwrap();
        assert_eq!(rating.values(), &[4.5, 3.0, 1.0]);
    }
}
