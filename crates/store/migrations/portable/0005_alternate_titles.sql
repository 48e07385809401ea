-- The other titles a movie is known by (a MovieLens "a.k.a.", the title another source gave),
-- one per line, so that search finds "Star Wars: Episode V" under The Empire Strikes Back.
ALTER TABLE movies ADD COLUMN alternate_titles TEXT;
