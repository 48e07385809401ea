-- What MovieLens users said a film is about (tags.csv: "atmospheric", "twist ending"), in lower
-- case, with how many people gave each tag: terms of what a film is about, for similar movies.
CREATE TABLE movie_tags (
    movie_id BIGINT NOT NULL REFERENCES movies (id) ON DELETE CASCADE,
    tag VARCHAR(255) NOT NULL,
    people BIGINT NOT NULL,
    PRIMARY KEY (movie_id, tag)
);
