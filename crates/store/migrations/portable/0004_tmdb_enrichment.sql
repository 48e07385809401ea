-- What asking TMDB about a movie came to (`nextflex enrich`), so that the next run resumes where
-- this one stopped: a movie TMDB answered for ('enriched') or does not know ('not_found') is not
-- asked again while it keeps this TMDB id; one whose every attempt failed ('failed') is asked
-- again on later runs until `failures` reaches the give-up count.
CREATE TABLE tmdb_enrichment (
    movie_id BIGINT PRIMARY KEY REFERENCES movies (id) ON DELETE CASCADE,
    tmdb_id BIGINT NOT NULL,
    outcome VARCHAR(16) NOT NULL CHECK (outcome IN ('enriched', 'not_found', 'failed')),
    failures INTEGER NOT NULL DEFAULT 0,
    error VARCHAR(500),
    asked_at BIGINT NOT NULL
);
