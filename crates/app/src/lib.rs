//! NextFlex's services, between the HTTP API and command line above and the store, the data
//! readers and the engine below: accounts, posts and images, ratings imported from a user's
//! history, the home page's rows, similar movies with their reasons, dataset import, TMDB
//! enrichment, the in-memory recommender snapshot and the model versions it is built from.
//! Nothing here knows HTTP or the command line; nothing here writes SQL.

pub mod accounts;
pub mod dataset_import;
pub mod enrich;
pub mod history_export;
pub mod history_import;
pub mod home_rows;
pub mod images;
pub mod model_versions;
pub mod posts;
pub mod progress;
pub mod random_id;
pub mod recommender;
pub mod secrets;
pub mod similar;
pub mod tmdb;
pub mod user_history;
