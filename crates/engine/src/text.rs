//! Text folding for matching titles and names: case- and accent-insensitive, so "Amélie",
//! "AMELIE" and "amelie" are one key.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lower-cases, strips accents (canonical decomposition minus combining marks) and collapses
/// runs of white space to one space.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.nfd().filter(|c| !is_combining_mark(*c)) {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// The words of a text for search: folded, split on anything not a letter or digit.
pub fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Numbers as people write them, as digits.
const NUMBERS: [(&str, &str); 37] = [
    ("one", "1"),
    ("two", "2"),
    ("three", "3"),
    ("four", "4"),
    ("five", "5"),
    ("six", "6"),
    ("seven", "7"),
    ("eight", "8"),
    ("nine", "9"),
    ("ten", "10"),
    ("eleven", "11"),
    ("twelve", "12"),
    ("thirteen", "13"),
    ("fourteen", "14"),
    ("fifteen", "15"),
    ("sixteen", "16"),
    ("seventeen", "17"),
    ("eighteen", "18"),
    ("nineteen", "19"),
    ("twenty", "20"),
    ("ii", "2"),
    ("iii", "3"),
    ("iv", "4"),
    ("vi", "6"),
    ("vii", "7"),
    ("viii", "8"),
    ("ix", "9"),
    ("xi", "11"),
    ("xii", "12"),
    ("xiii", "13"),
    ("first", "1"),
    ("second", "2"),
    ("third", "3"),
    ("fourth", "4"),
    ("fifth", "5"),
    ("sixth", "6"),
    ("seventh", "7"),
];

/// Words that only announce the number after them.
const BEFORE_A_NUMBER: [&str; 7] = ["part", "pt", "chapter", "vol", "volume", "episode", "ep"];

/// Numbers however people write them, as digits: "Chapter Two", "Part II" and "2" are one
/// thing, and a word that only announces a number ("part", "chapter", "vol.") adds nothing.
/// "vs" and "versus" are "v". Search and the history import's title matcher both compare
/// titles so.
pub fn numbers_as_digits(words: &[String]) -> Vec<String> {
    // "I" is a number after "Part" ("Part I"), a word elsewhere ("I, Robot"); "V" after such a
    // word or at the end ("Episode V", "Rocky V"), "versus" elsewhere ("Batman v Superman").
    let number = |w: &str, after: Option<&String>, last: bool| -> Option<&'static str> {
        let announced = after.is_some_and(|a| BEFORE_A_NUMBER.contains(&a.as_str()));
        match w {
            "i" => announced.then_some("1"),
            "v" => (announced || last).then_some("5"),
            _ => NUMBERS.iter().find(|(word, _)| *word == w).map(|(_, n)| *n),
        }
    };
    let mut out = Vec::with_capacity(words.len());
    for (i, w) in words.iter().enumerate() {
        // "Alien vs. Predator", "Batman v Superman": one word, however spelled.
        let w = match w.as_str() {
            "vs" | "versus" => "v",
            w => w,
        };
        let next_is_number = words.get(i + 1).is_some_and(|n| {
            n.bytes().all(|b| b.is_ascii_digit())
                || number(n, words.get(i), i + 2 == words.len()).is_some()
        });
        if BEFORE_A_NUMBER.contains(&w) && next_is_number {
            continue;
        }
        let before = i.checked_sub(1).and_then(|p| words.get(p));
        out.push(
            number(w, before, i + 1 == words.len())
                .unwrap_or(w)
                .to_owned(),
        );
    }
    out
}

/// A title's series key, for keeping one franchise from filling a list: the folded words
/// before a subtitle (`:` or ` - `), less a trailing sequel marker (a number, a Roman numeral,
/// "part N"). "Toy Story 3" and "Star Wars: Episode V - The Empire Strikes Back" become
/// "toy story" and "star wars"; sequels with other titles ("The Empire Strikes Back" alone,
/// "Harry Potter and the Chamber of Secrets") are not recognised.
pub fn franchise(title: &str) -> String {
    let head = title.split([':', '(']).next().unwrap_or(title);
    let head = head.split(" - ").next().unwrap_or(head);
    let mut words = words(head);
    let sequel = |w: &str| {
        w.chars().all(|c| c.is_ascii_digit())
            || matches!(
                w,
                "ii" | "iii" | "iv" | "v" | "vi" | "vii" | "viii" | "ix" | "x" | "part" | "chapter"
            )
    };
    while words.len() > 1 && words.last().is_some_and(|w| sequel(w)) {
        words.pop();
    }
    words.join(" ")
}

/// Whether two series keys ([`franchise`]) name one series: equal, or one a word-prefix of
/// the other with at least two words besides a leading article ("the dark knight" and "the
/// dark knight rises", "star trek" and "star trek into darkness"; not "the man" and "the man
/// who knew too much").
pub fn same_series(a: &str, b: &str) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    match long.strip_prefix(short) {
        Some("") => true,
        Some(rest) if rest.starts_with(' ') => {
            let mut words = short.split(' ').peekable();
            words.next_if(|w| matches!(*w, "the" | "a" | "an"));
            words.count() >= 2
        }
        _ => false,
    }
}

/// Whether `a` and `b` are within `max` edits (insertions, deletions, substitutions and
/// transpositions of neighbours: the optimal string alignment distance). Search calls it for
/// every title word, so ASCII words (nearly all, once folded) are compared as bytes, with the
/// rows on the stack.
pub fn within_edits(a: &str, b: &str, max: usize) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return osa_within(a.as_bytes(), b.as_bytes(), max);
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    osa_within(&a, &b, max)
}

/// Rows this long or shorter live on the stack.
const STACK_ROW: usize = 48;

fn osa_within<T: PartialEq>(a: &[T], b: &[T], max: usize) -> bool {
    if a.len().abs_diff(b.len()) > max {
        return false;
    }
    let width = b.len() + 1;
    let mut stack = [[0usize; STACK_ROW]; 3];
    let mut heap = Vec::new();
    let rows: [&mut [usize]; 3] = if width <= STACK_ROW {
        let [r0, r1, r2] = &mut stack;
        [&mut r0[..width], &mut r1[..width], &mut r2[..width]]
    } else {
        heap.resize(3 * width, 0);
        let (r0, rest) = heap.split_at_mut(width);
        let (r1, r2) = rest.split_at_mut(width);
        [r0, r1, r2]
    };
    let [mut prev2, mut prev, mut cur] = rows;
    for (j, cell) in prev.iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        cur[0] = i;
        let mut best = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
            best = best.min(d);
        }
        if best > max {
            return false;
        }
        // The row just filled becomes the previous one; the oldest is reused.
        (prev2, prev, cur) = (prev, cur, prev2);
    }
    prev[b.len()] <= max
}

#[cfg(test)]
mod tests {
    use super::{fold, franchise, numbers_as_digits, same_series, within_edits, words};

    #[test]
    fn numbers_are_digits_however_written() {
        let n = |t: &str| numbers_as_digits(&words(t)).join(" ");
        assert_eq!(n("The Godfather: Part II"), "the godfather 2");
        assert_eq!(n("godfather part 2"), "godfather 2");
        assert_eq!(n("John Wick: Chapter Two"), "john wick 2");
        assert_eq!(
            n("Guardians of the Galaxy Vol. 2"),
            "guardians of the galaxy 2"
        );
        assert_eq!(n("Star Wars: Episode V"), "star wars 5");
        assert_eq!(n("I, Robot"), "i robot", "I is a word unless after Part");
        assert_eq!(n("Part I"), "1");
        assert_eq!(
            n("The Part"),
            "the part",
            "a part that announces nothing stays"
        );
        assert_eq!(n("Alien vs. Predator"), "alien v predator");
        assert_eq!(n("Batman v Superman"), "batman v superman");
        assert_eq!(n("Rocky V"), "rocky 5");
    }

    #[test]
    fn series_are_one_key_or_a_long_enough_prefix() {
        let same = |a: &str, b: &str| same_series(&franchise(a), &franchise(b));
        assert!(same("Toy Story", "Toy Story 3"));
        assert!(same("The Dark Knight", "The Dark Knight Rises"));
        assert!(same(
            "Star Wars: Episode IV - A New Hope",
            "Star Wars: The Force Awakens"
        ));
        assert!(same("Mad Max", "Mad Max Beyond Thunderdome"));
        assert!(!same("The Man", "The Man Who Knew Too Much"));
        assert!(!same("Alien", "Aliens"));
        assert!(!same("Up", "Upside Down"));
        assert!(!same_series("", ""));
    }

    #[test]
    fn edit_distances_with_transpositions() {
        assert!(within_edits("matrix", "matrix", 0));
        assert!(
            within_edits("matirx", "matrix", 1),
            "a transposition is one edit"
        );
        assert!(within_edits("matrx", "matrix", 1));
        assert!(within_edits("godfater", "godfather", 1));
        assert!(!within_edits("godfater", "godmother", 2));
        assert!(within_edits("", "ab", 2));
        assert!(!within_edits("", "abc", 2));
        assert!(within_edits("amelie", "amélie", 1));
        let long = "a".repeat(60);
        assert!(
            within_edits(&long, &format!("{long}b"), 1),
            "rows longer than the stack's"
        );
        assert!(!within_edits(&long, &"b".repeat(60), 2));
    }

    #[test]
    fn words_fold_and_split() {
        assert_eq!(
            words("Léon: The Professional"),
            ["leon", "the", "professional"]
        );
        assert_eq!(words("WALL·E"), ["wall", "e"]);
        assert!(words(" -- ").is_empty());
    }

    #[test]
    fn folds_case_accents_and_spaces() {
        assert_eq!(fold("Amélie"), "amelie");
        assert_eq!(
            fold("  LÉON:  The  Professional "),
            "leon: the professional"
        );
        assert_eq!(fold("Ça ira"), "ca ira");
        assert_eq!(fold("Şahin Ñandú"), "sahin nandu");
        assert_eq!(fold(""), "");
    }
}
