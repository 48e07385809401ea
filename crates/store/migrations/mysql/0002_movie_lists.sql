-- A user's watchlist and "not interested" marks. One row per user and movie: a movie is on at
-- most one of the user's lists, so adding it to one takes it off the other.
CREATE TABLE movie_lists (
    user_id BIGINT NOT NULL,
    movie_id BIGINT NOT NULL,
    list VARCHAR(16) NOT NULL CHECK (list IN ('watchlist', 'dismissed')),
    added_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, movie_id),
    FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    FOREIGN KEY (movie_id) REFERENCES movies (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX movie_lists_user_list ON movie_lists (user_id, list, added_at);
