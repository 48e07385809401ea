-- NextFlex schema, MySQL/MariaDB dialect. Kept column-for-column in step with ../sqlite and ../postgres.
-- Conventions (see docs/architecture.md): times are Unix epoch seconds (BIGINT), flags are 0/1
-- integers, JSON documents are TEXT, dates are 'YYYY-MM-DD' TEXT, so that sqlx's Any driver
-- decodes every column the same way on every backend. Tables use utf8mb4_bin so that text
-- comparisons and UNIQUE are case-sensitive, as on SQLite and PostgreSQL. Foreign keys are
-- table constraints: MySQL ignores REFERENCES written on a column.

CREATE TABLE users (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    email VARCHAR(254) NOT NULL UNIQUE,
    password_hash VARCHAR(255) NOT NULL,
    first_name VARCHAR(150) NOT NULL DEFAULT '',
    last_name VARCHAR(150) NOT NULL DEFAULT '',
    is_active SMALLINT NOT NULL DEFAULT 1,
    is_admin SMALLINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    last_login_at BIGINT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE refresh_tokens (
    jti VARCHAR(64) PRIMARY KEY,
    user_id BIGINT NOT NULL,
    family VARCHAR(64) NOT NULL,
    issued_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT,
    FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);

CREATE TABLE movies (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    tmdb_id BIGINT UNIQUE,
    imdb_id VARCHAR(16) UNIQUE,
    movielens_id BIGINT UNIQUE,
    title VARCHAR(500) NOT NULL,
    search_title VARCHAR(500) NOT NULL,
    original_title VARCHAR(500),
    overview TEXT,
    tagline TEXT,
    release_date VARCHAR(10),
    release_year INTEGER,
    runtime INTEGER,
    popularity DOUBLE,
    vote_average DOUBLE,
    vote_count BIGINT,
    poster_path VARCHAR(255),
    original_language VARCHAR(16),
    budget BIGINT,
    revenue BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX movies_search_title ON movies (search_title);
CREATE INDEX movies_popularity ON movies (popularity);
CREATE INDEX movies_release_date ON movies (release_date);
CREATE INDEX movies_release_year ON movies (release_year);

CREATE TABLE genres (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    tmdb_id BIGINT UNIQUE,
    name VARCHAR(100) NOT NULL UNIQUE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE movie_genres (
    movie_id BIGINT NOT NULL,
    genre_id BIGINT NOT NULL,
    PRIMARY KEY (movie_id, genre_id),
    FOREIGN KEY (movie_id) REFERENCES movies (id) ON DELETE CASCADE,
    FOREIGN KEY (genre_id) REFERENCES genres (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX movie_genres_genre ON movie_genres (genre_id);

CREATE TABLE people (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    tmdb_id BIGINT UNIQUE,
    name VARCHAR(300) NOT NULL,
    gender SMALLINT,
    profile_path VARCHAR(255)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX people_name ON people (name);

CREATE TABLE movie_cast (
    movie_id BIGINT NOT NULL,
    cast_order INTEGER NOT NULL,
    person_id BIGINT NOT NULL,
    character_name VARCHAR(500),
    PRIMARY KEY (movie_id, cast_order),
    FOREIGN KEY (movie_id) REFERENCES movies (id) ON DELETE CASCADE,
    FOREIGN KEY (person_id) REFERENCES people (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX movie_cast_person ON movie_cast (person_id);

CREATE TABLE movie_crew (
    movie_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    job VARCHAR(100) NOT NULL,
    department VARCHAR(100) NOT NULL,
    PRIMARY KEY (movie_id, person_id, job),
    FOREIGN KEY (movie_id) REFERENCES movies (id) ON DELETE CASCADE,
    FOREIGN KEY (person_id) REFERENCES people (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX movie_crew_person ON movie_crew (person_id);

CREATE TABLE keywords (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    tmdb_id BIGINT UNIQUE,
    name VARCHAR(255) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE movie_keywords (
    movie_id BIGINT NOT NULL,
    keyword_id BIGINT NOT NULL,
    PRIMARY KEY (movie_id, keyword_id),
    FOREIGN KEY (movie_id) REFERENCES movies (id) ON DELETE CASCADE,
    FOREIGN KEY (keyword_id) REFERENCES keywords (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX movie_keywords_keyword ON movie_keywords (keyword_id);

-- App users' own ratings; the datasets' ratings live as Parquet in object storage.
CREATE TABLE ratings (
    user_id BIGINT NOT NULL,
    movie_id BIGINT NOT NULL,
    rating DOUBLE NOT NULL CHECK (rating >= 0.5 AND rating <= 5.0),
    rated_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, movie_id),
    FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    FOREIGN KEY (movie_id) REFERENCES movies (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ratings_movie ON ratings (movie_id);
CREATE INDEX ratings_rated_at ON ratings (rated_at);

CREATE TABLE images (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id BIGINT NOT NULL,
    storage_key VARCHAR(255) NOT NULL UNIQUE,
    thumbnail_key VARCHAR(255),
    content_type VARCHAR(64) NOT NULL,
    format VARCHAR(16) NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 VARCHAR(64) NOT NULL,
    original_filename VARCHAR(255),
    uploaded_at BIGINT NOT NULL,
    exif_datetime_original VARCHAR(32),
    exif_datetime VARCHAR(32),
    camera_make VARCHAR(255),
    camera_model VARCHAR(255),
    orientation SMALLINT,
    exif_gps_present SMALLINT NOT NULL DEFAULT 0,
    FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX images_user ON images (user_id);

CREATE TABLE posts (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id BIGINT NOT NULL,
    movie_id BIGINT,
    image_id BIGINT,
    title VARCHAR(300) NOT NULL,
    content TEXT NOT NULL,
    rating DOUBLE CHECK (rating IS NULL OR (rating >= 0.5 AND rating <= 5.0)),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    FOREIGN KEY (movie_id) REFERENCES movies (id) ON DELETE SET NULL,
    FOREIGN KEY (image_id) REFERENCES images (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX posts_user ON posts (user_id);
CREATE INDEX posts_movie ON posts (movie_id);
CREATE INDEX posts_created_at ON posts (created_at);

-- One row per imported ratings dataset (Parquet under datasets/<name>/ in object storage).
CREATE TABLE datasets (
    name VARCHAR(100) PRIMARY KEY,
    source_kind VARCHAR(32) NOT NULL,
    storage_prefix VARCHAR(255) NOT NULL,
    ratings_count BIGINT NOT NULL,
    users_count BIGINT NOT NULL,
    movies_count BIGINT NOT NULL,
    imported_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Trained model artifact sets (models/<version>/ in object storage); JSON documents as TEXT.
CREATE TABLE model_versions (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    version VARCHAR(64) NOT NULL UNIQUE,
    status VARCHAR(16) NOT NULL,
    is_active SMALLINT NOT NULL DEFAULT 0,
    trained_by VARCHAR(32) NOT NULL,
    params TEXT NOT NULL,
    data_sizes TEXT NOT NULL,
    metrics TEXT NOT NULL,
    timings TEXT NOT NULL,
    artifact_prefix VARCHAR(255) NOT NULL,
    checksum VARCHAR(64),
    error TEXT,
    created_at BIGINT NOT NULL,
    finished_at BIGINT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX model_versions_created_at ON model_versions (created_at);
