-- A third list beside the watchlist and "not interested": "seen", a film the user watched without
-- rating it. Still one row per user and movie, so a film is on at most one of the three lists.
-- The table is rebuilt with the wider CHECK constraint, as on the other dialects.
CREATE TABLE movie_lists_next (
    user_id BIGINT NOT NULL,
    movie_id BIGINT NOT NULL,
    list VARCHAR(16) NOT NULL CHECK (list IN ('watchlist', 'dismissed', 'seen')),
    added_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, movie_id),
    FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    FOREIGN KEY (movie_id) REFERENCES movies (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT INTO movie_lists_next (user_id, movie_id, list, added_at)
    SELECT user_id, movie_id, list, added_at FROM movie_lists;
DROP TABLE movie_lists;
RENAME TABLE movie_lists_next TO movie_lists;
CREATE INDEX movie_lists_user_list ON movie_lists (user_id, list, added_at);
