//! Typed identifiers that cross the layers, so that a swapped id is a compile error and a
//! malformed one is refused where it is parsed. Each is its integer in JSON and in the OpenAPI
//! document.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// An id newtype over a positive `i64`: refused at parse (0, negatives, non-integers), its
/// integer in JSON, and an `int64` of minimum 1 in the OpenAPI document.
macro_rules! positive_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            /// The id, when `raw` can be one (1 or more).
            pub fn new(raw: i64) -> Option<$name> {
                (raw > 0).then_some($name(raw))
            }

            pub fn get(self) -> i64 {
                self.0
            }

            /// An id the database handed out: one that is not positive is a broken row.
            pub fn from_db(raw: i64) -> crate::error::Result<$name> {
                $name::new(raw).ok_or_else(|| {
                    crate::error::Error::Internal(format!(
                        concat!("the database holds ", $what, " id {}"),
                        raw
                    ))
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = i64::deserialize(d)?;
                $name::new(raw).ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        concat!("{} is not ", $what, " id: ids are 1 or more"),
                        raw
                    ))
                })
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::Integer)
                    .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                        utoipa::openapi::KnownFormat::Int64,
                    )))
                    .minimum(Some(1))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

positive_id!(
    /// A movie of the catalogue: its internal id (not its TMDB, IMDb or MovieLens id).
    MovieId,
    "a movie"
);

positive_id!(
    /// An account.
    UserId,
    "an account"
);

positive_id!(
    /// A user's post.
    PostId,
    "a post"
);

positive_id!(
    /// A movie's id at TMDB (The Movie Database), as TMDB and its datasets give it.
    TmdbId,
    "a TMDB"
);

positive_id!(
    /// A movie's id in MovieLens, as its datasets and users' rating files give it.
    MovieLensId,
    "a MovieLens"
);

#[cfg(test)]
mod tests {
    use super::{MovieId, UserId};

    #[test]
    fn movie_ids_are_positive_integers() {
        let parse = |s: &str| serde_json::from_str::<MovieId>(s);
        assert_eq!(parse("42").unwrap().get(), 42);
        for bad in ["0", "-3", "1.5", "\"7\"", "9223372036854775808"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            serde_json::to_string(&MovieId::new(7).unwrap()).unwrap(),
            "7"
        );
        assert_eq!(MovieId::new(0), None);
        assert!(serde_json::from_str::<UserId>("0").is_err());
        assert_eq!(UserId::new(3).map(UserId::get), Some(3));
    }
}
