-- A third list beside the watchlist and "not interested": "seen", a film the user watched without
-- rating it. Still one row per user and movie, so a film is on at most one of the three lists.
-- SQLite cannot alter a CHECK constraint, so the table is rebuilt with the wider one.
CREATE TABLE movie_lists_next (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    movie_id BIGINT NOT NULL REFERENCES movies (id) ON DELETE CASCADE,
    list VARCHAR(16) NOT NULL CHECK (list IN ('watchlist', 'dismissed', 'seen')),
    added_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, movie_id)
);
INSERT INTO movie_lists_next (user_id, movie_id, list, added_at)
    SELECT user_id, movie_id, list, added_at FROM movie_lists;
DROP TABLE movie_lists;
ALTER TABLE movie_lists_next RENAME TO movie_lists;
CREATE INDEX movie_lists_user_list ON movie_lists (user_id, list, added_at);
