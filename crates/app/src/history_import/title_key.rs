//! A title as a careful person compares two: what differs only in how it is written is the same.
//! Case, accents, punctuation and spaces do not count ("WALL·E" = "Wall-E"); neither do English
//! articles anywhere ("Lord of the Rings Fellowship of the Ring"), another language's leading
//! article, nor one moved to the end ("The Intouchables", "Intouchables", "Matrix, The",
//! "Sjunde inseglet, Det"); numbers are numbers however written ("Chapter 2", "Chapter Two",
//! "Part II"), and "Part", "Chapter", "Vol." before one add nothing; "&" is "and", and both count
//! for nothing. The subtitle after `:` or ` - ` is kept: "Alien" is not "Alien: Resurrection".
//! A title's parts alone ([`part_keys`]: its head before a subtitle, the subtitle) are for a
//! second look, where the year agrees.

use nextflex_engine::text::{numbers_as_digits, words};

/// English articles, which count for nothing anywhere in a title.
const ENGLISH_ARTICLES: [&str; 3] = ["the", "a", "an"];

/// Other languages' articles, which count for nothing at the start of a title (French, Spanish,
/// Italian, German, Portuguese, Swedish and Danish).
const ARTICLES: [&str; 17] = [
    "le", "la", "les", "l", "el", "los", "las", "il", "lo", "gli", "der", "die", "das", "os", "as",
    "det", "den",
];

/// The key two titles share when a person would call them the same: their
/// [`title_words`] joined.
#[cfg(test)]
pub fn title_key(title: &str) -> String {
    title_words(title).concat()
}

/// A title's words as a careful person compares them; joined, they are its key.
pub fn title_words(title: &str) -> Vec<String> {
    normal_words(&words(&article_to_front(title)))
}

/// Whether one title's words begin or end the other's ("Eternal Sunshine" and "Eternal Sunshine
/// of the Spotless Mind", "Star Wars Empire Strikes Back" and "The Empire Strikes Back"), the
/// shorter having two words or six letters at least; or whether `a` is a sequel by its number
/// whose series `b` begins ("Die Hard 3" and "Die Hard: With a Vengeance"; the caller has checked
/// the year).
pub fn begins_or_ends(a: &[String], b: &[String]) -> bool {
    // Every case below shares a first or a last word: most pairs end here, without counting.
    let (Some(a_first), Some(b_first)) = (a.first(), b.first()) else {
        return false;
    };
    if a_first != b_first && a.last() != b.last() {
        return false;
    }
    let letters = |words: &[String]| words.iter().map(|w| w.chars().count()).sum::<usize>();
    if let Some((last, head)) = a.split_last()
        && last.bytes().all(|c| c.is_ascii_digit())
        && letters(head) >= 4
        && b.len() > head.len()
        && b.starts_with(head)
        && !b[head.len()].bytes().all(|c| c.is_ascii_digit())
    {
        // A sequel by its number ("Die Hard 3" for "Die Hard: With a Vengeance").
        return true;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let enough = short.len() >= 2 || letters(short) >= 6;
    enough && short.len() < long.len() && (long.starts_with(short) || long.ends_with(short))
}

/// The keys of a title's parts when it has a subtitle (after `:` or ` - `): its head before the
/// first one and before the last one, and the subtitle after the last one. "Avengers: Infinity
/// War - Part I" has "avengers", "avengersinfinitywar" and "1" (too short to be used: a part
/// is used when its key has 4 characters or more and is not a number).
pub fn part_keys(title: &str) -> Vec<String> {
    let cuts: Vec<(usize, usize)> = title
        .match_indices(':')
        .map(|(at, _)| (at, at + 1))
        .chain(title.match_indices(" - ").map(|(at, _)| (at, at + 3)))
        .collect();
    let (Some(first), Some(last)) = (
        cuts.iter().min_by_key(|c| c.0),
        cuts.iter().max_by_key(|c| c.0),
    ) else {
        return Vec::new();
    };
    let mut keys: Vec<String> = [&title[..first.0], &title[..last.0], &title[last.1..]]
        .iter()
        .map(|part| normal_words(&words(part)).concat())
        .filter(|k| k.chars().count() >= 4 && !k.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// "Matrix, The" as "The Matrix" (MovieLens and some lists move the article to the end).
fn article_to_front(title: &str) -> String {
    let trimmed = title.trim();
    if let Some((rest, last)) = trimmed.rsplit_once(", ") {
        let article = last.trim().trim_end_matches('\'').to_lowercase();
        if ARTICLES.contains(&article.as_str())
            || ENGLISH_ARTICLES.contains(&article.as_str())
            || article == "l'"
        {
            return format!("{last} {rest}");
        }
    }
    trimmed.to_owned()
}

fn normal_words(words: &[String]) -> Vec<String> {
    let only_word = words.len() == 1;
    numbers_as_digits(words)
        .into_iter()
        .enumerate()
        .filter(|(i, w)| {
            !((!only_word && ENGLISH_ARTICLES.contains(&w.as_str()))
                || (*i == 0 && !only_word && ARTICLES.contains(&w.as_str()))
                || w == "and")
        })
        .map(|(_, w)| w)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_differs_only_in_writing_is_one_key() {
        for (a, b) in [
            ("The Intouchables", "Intouchables"),
            ("Matrix, The", "The Matrix"),
            ("Les Misérables", "Misérables, Les"),
            ("John Wick: Chapter 2", "John Wick: Chapter Two"),
            ("The Godfather Part II", "The Godfather: Part 2"),
            ("Kill Bill: Vol. 1", "Kill Bill: Volume 1"),
            (
                "Lock, Stock & Two Smoking Barrels",
                "Lock, Stock and Two Smoking Barrels",
            ),
            ("WALL·E", "Wall-E"),
            ("Amelie", "Amélie"),
            ("Schindlers List", "Schindler's List"),
            ("Rocky II", "Rocky 2"),
            ("Seven Samurai", "7 Samurai"),
            ("Batman vs Superman", "Batman v Superman"),
            (
                "lord of the rings fellowship of the ring",
                "The Lord of the Rings: The Fellowship of the Ring",
            ),
            ("Sjunde inseglet, Det", "Sjunde inseglet"),
            ("Mockingjay - Part I", "Mockingjay Part 1"),
        ] {
            assert_eq!(title_key(a), title_key(b), "{a} ~ {b}");
        }
    }

    #[test]
    fn what_differs_in_substance_stays_apart() {
        for (a, b) in [
            ("Alien", "Aliens"),
            ("Alien", "Alien: Resurrection"),
            ("Up", "Upside"),
            ("Toy Story", "Toy Story 2"),
            ("The Godfather", "The Godfather: Part II"),
            ("A", "The"),
            ("I, Robot", "1 Robot"),
        ] {
            assert_ne!(title_key(a), title_key(b), "{a} ≁ {b}");
        }
        assert_eq!(
            title_key("The"),
            "the",
            "a title that is only an article keeps it"
        );
    }

    #[test]
    fn a_title_may_begin_or_end_another() {
        let w = title_words;
        assert!(begins_or_ends(
            &w("eternal sunshine"),
            &w("Eternal Sunshine of the Spotless Mind")
        ));
        assert!(begins_or_ends(
            &w("The Empire Strikes Back"),
            &w("star wars empire strikes back")
        ));
        assert!(begins_or_ends(
            &w("Birdman"),
            &w("Birdman or (The Unexpected Virtue of Ignorance)")
        ));
        assert!(
            !begins_or_ends(&w("ET"), &w("E.T. the Extra-Terrestrial")),
            "too short"
        );
        assert!(
            !begins_or_ends(&w("Alien"), &w("Alien")),
            "the same is not a part"
        );
        assert!(!begins_or_ends(
            &w("Sunshine Eternal"),
            &w("Eternal Sunshine of the Spotless Mind")
        ));
        assert!(begins_or_ends(
            &w("die hard 3"),
            &w("Die Hard: With a Vengeance")
        ));
        assert!(
            !begins_or_ends(&w("die hard 3"), &w("Die Hard 2")),
            "another number"
        );
        assert!(
            !begins_or_ends(&w("Up 2"), &w("Up in the Air")),
            "too short a series"
        );
    }

    #[test]
    fn a_title_s_parts_are_its_heads_and_its_subtitle() {
        assert_eq!(
            part_keys("Borat: Cultural Learnings of America"),
            ["borat", "culturallearningsofamerica"]
        );
        assert_eq!(
            part_keys("Avengers: Infinity War - Part I"),
            ["avengers", "avengersinfinitywar"]
        );
        assert_eq!(
            part_keys("Star Wars: Episode VII - The Force Awakens"),
            ["forceawakens", "starwars", "starwars7"]
        );
        assert!(part_keys("Alien").is_empty());
    }
}
