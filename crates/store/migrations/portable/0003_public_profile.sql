-- Whether a user shows others their profile page (their name, posts and how their taste matches
-- the viewer's) and may be added to a "watch together" group by others. Off until they turn it on.
ALTER TABLE users ADD COLUMN public_profile SMALLINT NOT NULL DEFAULT 0;
