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

#[cfg(test)]
mod tests {
    use super::fold;

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
