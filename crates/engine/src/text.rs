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
    use super::{fold, franchise, same_series, within_edits, words};

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
