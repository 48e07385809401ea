//! NextFlex dataset readers: The Movies Dataset, TMDB 5000 and MovieLens files, the
//! Python-literal columns of the Kaggle files, the merged catalogue, and the Parquet datasets
//! shared with Spark.

pub mod catalogue;
pub mod columnar;
pub mod exports;
pub mod load;
pub mod pyliteral;
pub mod ratings;
pub mod sources;
pub mod spark;
