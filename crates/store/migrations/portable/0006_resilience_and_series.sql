-- A training proves it is alive: its process writes heartbeat_at every few seconds while it
-- runs, so that a "training" row whose heartbeat is older than the lease (its process was
-- killed or the machine stopped) is marked failed at the next start, not left "training" for
-- good.
ALTER TABLE model_versions ADD COLUMN heartbeat_at BIGINT;
-- One row that readiness probes update: a database that takes reads but refuses writes (a full
-- disk, an unwritable journal) must take the replica out of rotation.
CREATE TABLE write_probe (
    id INTEGER NOT NULL PRIMARY KEY,
    probed_at BIGINT NOT NULL
);
INSERT INTO write_probe (id, probed_at) VALUES (1, 0);
-- Access tokens issued before this time (Unix seconds) are refused: set when an account is
-- deactivated, so that its tokens stay dead after a reactivation.
ALTER TABLE users ADD COLUMN tokens_valid_from BIGINT NOT NULL DEFAULT 0;
-- The series TMDB puts a film in (The Movies Dataset's belongs_to_collection): its sequels and
-- prequels come first among its similar films, also where the titles do not say so (Alien and
-- Aliens, Raiders of the Lost Ark and Indiana Jones and the Temple of Doom).
ALTER TABLE movies ADD COLUMN collection_id BIGINT;
ALTER TABLE movies ADD COLUMN collection_name VARCHAR(255);
