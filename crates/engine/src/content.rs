//! What a movie is, for similarity: its named features — genres, keywords, director(s) and
//! top-3 cast — kept once per catalogue ([`Terms`]), and two TF-IDF vectors built from them
//! ([`Vectors`]): the film's *kind* (its genres, the rarer ones weighing more, so sharing
//! Animation says more than sharing Drama) and what it is *about* (keywords, people; a term
//! shared by few films says more than one shared by thousands). Each vector is L2-normalised
//! and reached through an inverted index, so a film's overlaps with the catalogue cost what
//! its terms' postings hold, never an N×N matrix.

use std::collections::HashMap;

use crate::{EngineError, Result};

/// What the content model reads of a movie.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContentItem {
    pub id: i64,
    pub title: String,
    /// Its other titles (original, alternates): a sequel may be known by its series' name
    /// under one of them ("Star Wars: Episode V - The Empire Strikes Back").
    pub also_known_as: Vec<String>,
    pub year: Option<i64>,
    /// What it is about, as TMDB's keywords say.
    pub keywords: Vec<String>,
    /// What it is about, as MovieLens users' tags say (lower case). They count as keywords do,
    /// but are never named as a reason: people's tags are not always fit to show.
    pub tags: Vec<String>,
    /// Top-billed cast, best first (the first three count).
    pub cast: Vec<String>,
    pub directors: Vec<String>,
    pub genres: Vec<String>,
    /// The series TMDB puts it in (its collection's id), when it has one.
    pub collection: Option<i64>,
}

/// How many of the cast count.
pub const STARS: usize = 3;

/// TMDB keywords about how a film was made or released rather than what it is about: not a
/// feature, so never what makes two films alike nor named as what they share.
pub const META_KEYWORDS: [&str; 6] = [
    "duringcreditsstinger",
    "aftercreditsstinger",
    "woman director",
    "independent film",
    "3d",
    "sequel",
];

/// What a term is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Genre,
    Keyword,
    Director,
    Star,
    /// A MovieLens user's tag.
    Tag,
}

impl Role {
    const ALL: [Role; 5] = [
        Role::Genre,
        Role::Keyword,
        Role::Director,
        Role::Star,
        Role::Tag,
    ];

    fn code(self) -> u8 {
        self as u8
    }

    fn from_code(code: u8) -> Option<Role> {
        Role::ALL.get(usize::from(code)).copied()
    }
}

/// Normalises a feature for matching: lower case, accents kept, no white space ("Tom Hanks"
/// and "tom  hanks" are one person).
fn key(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The catalogue's features: every genre, keyword, director and star once (by its first
/// spelling), how many movies have each, and each movie's terms.
#[derive(Debug, Clone, PartialEq)]
pub struct Terms {
    names: Vec<String>,
    roles: Vec<Role>,
    /// How many movies have each term.
    df: Vec<u32>,
    /// Movie `i`'s terms are `terms[offsets[i]..offsets[i + 1]]`, ascending.
    offsets: Vec<u32>,
    terms: Vec<u32>,
}

/// [`Terms`] for storage.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TermParts {
    pub names: Vec<String>,
    pub roles: Vec<u8>,
    pub offsets: Vec<u32>,
    pub terms: Vec<u32>,
}

impl Terms {
    /// The terms of `items`, in their order.
    pub fn build(items: &[ContentItem]) -> Terms {
        let mut vocabulary: HashMap<(Role, String), u32> = HashMap::new();
        let (mut names, mut roles) = (Vec::new(), Vec::new());
        let mut offsets = vec![0u32];
        let mut terms = Vec::new();
        for item in items {
            let keywords = item
                .keywords
                .iter()
                .filter(|k| !META_KEYWORDS.contains(&k.as_str()));
            let features = (item.genres.iter().map(|g| (Role::Genre, g)))
                .chain(keywords.map(|k| (Role::Keyword, k)))
                .chain(item.directors.iter().map(|d| (Role::Director, d)))
                .chain(item.cast.iter().take(STARS).map(|c| (Role::Star, c)))
                .chain(item.tags.iter().map(|t| (Role::Tag, t)));
            let start = terms.len();
            for (role, name) in features {
                let k = key(name);
                if k.is_empty() {
                    continue;
                }
                let next = names.len() as u32;
                let t = *vocabulary.entry((role, k)).or_insert_with(|| {
                    names.push(name.trim().to_owned());
                    roles.push(role);
                    next
                });
                terms.push(t);
            }
            terms[start..].sort_unstable();
            let mut kept = start;
            for x in start..terms.len() {
                if x == start || terms[x] != terms[kept - 1] {
                    terms[kept] = terms[x];
                    kept += 1;
                }
            }
            terms.truncate(kept);
            offsets.push(terms.len() as u32);
        }
        Terms::with_df(names, roles, offsets, terms)
    }

    fn with_df(names: Vec<String>, roles: Vec<Role>, offsets: Vec<u32>, terms: Vec<u32>) -> Terms {
        let mut df = vec![0u32; names.len()];
        for &t in &terms {
            df[t as usize] += 1;
        }
        Terms {
            names,
            roles,
            df,
            offsets,
            terms,
        }
    }

    /// Movies described.
    pub fn movies(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Movie `i`'s terms, ascending.
    pub fn of(&self, i: usize) -> &[u32] {
        &self.terms[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    pub fn name(&self, t: u32) -> &str {
        &self.names[t as usize]
    }

    pub fn role(&self, t: u32) -> Role {
        self.roles[t as usize]
    }

    /// How informative a term is: ln(movies / movies having it), 0 for a term every movie has.
    pub fn idf(&self, t: u32) -> f32 {
        let df = self.df[t as usize].max(1) as f32;
        (self.movies().max(1) as f32 / df).ln().max(0.0)
    }

    /// Whether movie `i` has a term of this role.
    pub fn has(&self, i: usize, role: Role) -> bool {
        self.of(i).iter().any(|&t| self.role(t) == role)
    }

    /// The terms movies `a` and `b` share, ascending (one merge of their sorted lists).
    pub fn common(&self, a: usize, b: usize) -> Vec<u32> {
        let (mut x, mut y) = (self.of(a).iter().peekable(), self.of(b).iter().peekable());
        let mut both = Vec::new();
        while let (Some(&&p), Some(&&q)) = (x.peek(), y.peek()) {
            match p.cmp(&q) {
                std::cmp::Ordering::Less => _ = x.next(),
                std::cmp::Ordering::Greater => _ = y.next(),
                std::cmp::Ordering::Equal => {
                    both.push(p);
                    x.next();
                    y.next();
                }
            }
        }
        both
    }

    /// The names of the terms of `role` among `terms`, most informative (rarest) first, then
    /// by name.
    pub fn named(&self, terms: &[u32], role: Role) -> Vec<&str> {
        let mut of_role: Vec<u32> = terms
            .iter()
            .copied()
            .filter(|&t| self.role(t) == role)
            .collect();
        of_role.sort_by(|&x, &y| {
            self.df[x as usize]
                .cmp(&self.df[y as usize])
                .then_with(|| self.name(x).cmp(self.name(y)))
        });
        of_role.into_iter().map(|t| self.name(t)).collect()
    }

    /// The terms of `role` movies `a` and `b` share, most informative (rarest) first, then by
    /// name.
    pub fn shared(&self, a: usize, b: usize, role: Role) -> Vec<&str> {
        self.named(&self.common(a, b), role)
    }

    /// Approximate bytes held (see [`crate::heap`]).
    pub fn heap_bytes(&self) -> usize {
        use crate::heap::{strings, vec};
        strings(&self.names)
            + vec(&self.roles)
            + vec(&self.df)
            + vec(&self.offsets)
            + vec(&self.terms)
    }

    pub fn to_parts(&self) -> TermParts {
        TermParts {
            names: self.names.clone(),
            roles: self.roles.iter().map(|r| r.code()).collect(),
            offsets: self.offsets.clone(),
            terms: self.terms.clone(),
        }
    }

    /// Terms from stored parts, checked: `movies` term lists, ascending, of known terms.
    pub fn from_parts(parts: TermParts, movies: usize) -> Result<Terms> {
        let TermParts {
            names,
            roles,
            offsets,
            terms,
        } = parts;
        let bad = |what: &str| Err(EngineError::Input(format!("stored terms: {what}")));
        if roles.len() != names.len() || offsets.len() != movies + 1 {
            return bad("lengths do not match");
        }
        let Some(roles) = roles
            .into_iter()
            .map(Role::from_code)
            .collect::<Option<Vec<_>>>()
        else {
            return bad("an unknown role");
        };
        if offsets.first() != Some(&0)
            || offsets.last().map(|&o| o as usize) != Some(terms.len())
            || offsets.windows(2).any(|w| w[0] > w[1])
        {
            return bad("the offsets do not cover the terms");
        }
        for w in offsets.windows(2) {
            let list = &terms[w[0] as usize..w[1] as usize];
            if list.windows(2).any(|p| p[0] >= p[1])
                || list.iter().any(|&t| t as usize >= names.len())
            {
                return bad("a term list is out of order or out of range");
            }
        }
        Ok(Terms::with_df(names, roles, offsets, terms))
    }
}

/// Sparse vectors: (term, weight), ascending by term.
type Sparse = Vec<(u32, f32)>;

/// Every movie's kind and about vectors, with their inverted indices.
pub struct Vectors {
    kind: Vec<Sparse>,
    about: Vec<Sparse>,
    kind_postings: Vec<Sparse>,
    about_postings: Vec<Sparse>,
}

/// A movie's overlap with another: the cosines of their kind and about vectors.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Overlap {
    pub kind: f32,
    pub about: f32,
}

impl Vectors {
    /// TF-IDF vectors of `terms`; a director counts `director_weight` times.
    pub fn build(terms: &Terms, director_weight: f32) -> Result<Vectors> {
        if !(director_weight.is_finite() && director_weight >= 0.0) {
            return Err(EngineError::InvalidParameter {
                name: "director_weight",
                reason: "must be zero or a positive number".into(),
            });
        }
        let n = terms.movies();
        let (mut kind, mut about) = (Vec::with_capacity(n), Vec::with_capacity(n));
        for i in 0..n {
            let (mut k, mut a): (Sparse, Sparse) = (Vec::new(), Vec::new());
            for &t in terms.of(i) {
                let idf = terms.idf(t);
                match terms.role(t) {
                    Role::Genre => k.push((t, idf)),
                    Role::Director => a.push((t, idf * director_weight)),
                    Role::Keyword | Role::Star | Role::Tag => a.push((t, idf)),
                }
            }
            for v in [&mut k, &mut a] {
                v.retain(|&(_, w)| w > 0.0);
                let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
                for (_, w) in v.iter_mut() {
                    *w /= norm;
                }
            }
            kind.push(k);
            about.push(a);
        }
        let postings = |vectors: &[Sparse]| {
            let mut p: Vec<Sparse> = vec![Vec::new(); terms.names.len()];
            for (i, v) in vectors.iter().enumerate() {
                for &(t, w) in v {
                    p[t as usize].push((i as u32, w));
                }
            }
            p
        };
        Ok(Vectors {
            kind_postings: postings(&kind),
            about_postings: postings(&about),
            kind,
            about,
        })
    }

    /// Adds movie `i`'s overlap with every movie sharing a term to `acc` (zero on entry for
    /// every movie not in `touched`), listing each movie touched for the first time.
    pub fn overlaps(&self, i: usize, acc: &mut [Overlap], touched: &mut Vec<u32>) {
        for (vectors, postings, about) in [
            (&self.kind, &self.kind_postings, false),
            (&self.about, &self.about_postings, true),
        ] {
            for &(t, w) in &vectors[i] {
                for &(j, wj) in &postings[t as usize] {
                    let slot = &mut acc[j as usize];
                    if *slot == Overlap::default() {
                        touched.push(j);
                    }
                    if about {
                        slot.about += w * wj;
                    } else {
                        slot.kind += w * wj;
                    }
                }
            }
        }
    }

    /// Whether movie `i` has any genre with weight (a genre every film has does not count).
    pub fn has_kind(&self, i: usize) -> bool {
        !self.kind[i].is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: i64, keywords: &[&str], directors: &[&str], genres: &[&str]) -> ContentItem {
        ContentItem {
            id,
            title: format!("m{id}"),
            keywords: keywords.iter().map(|s| s.to_string()).collect(),
            directors: directors.iter().map(|s| s.to_string()).collect(),
            genres: genres.iter().map(|s| s.to_string()).collect(),
            ..ContentItem::default()
        }
    }

    fn items() -> Vec<ContentItem> {
        vec![
            item(
                1,
                &["toy", "sequel", "Toy"],
                &["John Lasseter"],
                &["Animation"],
            ),
            item(
                2,
                &["toy", "friendship"],
                &["john  lasseter"],
                &["Animation", "Drama"],
            ),
            item(3, &["war"], &["Someone"], &["Drama"]),
            item(4, &["friendship"], &[], &["Drama"]),
        ]
    }

    /// A tag is part of what a film is about, as a keyword is, but is its own kind of term:
    /// never a keyword of the same name, never named where keywords are.
    #[test]
    fn tags_count_as_what_a_film_is_about_but_are_not_keywords() {
        let mut films = vec![
            item(1, &["dream"], &[], &["Drama"]),
            item(2, &[], &[], &["Comedy"]),
            item(3, &[], &[], &["Comedy"]),
        ];
        films[0].tags = vec!["mind-bending".into()];
        films[1].tags = vec!["mind-bending".into(), "dream".into()];
        let terms = Terms::build(&films);
        assert!(terms.shared(0, 1, Role::Keyword).is_empty());
        assert_eq!(terms.shared(0, 1, Role::Tag).len(), 1);
        let vectors = Vectors::build(&terms, 1.0).unwrap();
        let mut acc = vec![Overlap::default(); 3];
        let mut touched = Vec::new();
        vectors.overlaps(0, &mut acc, &mut touched);
        assert!(acc[1].about > 0.0 && acc[1].kind == 0.0, "{:?}", acc[1]);
        assert_eq!(acc[2], Overlap::default());
    }

    #[test]
    fn terms_are_kept_once_and_meta_keywords_are_not_features() {
        let terms = Terms::build(&items());
        assert_eq!(terms.movies(), 4);
        // Animation, toy, John Lasseter: "sequel" is left out, "Toy" is "toy".
        assert_eq!(terms.of(0).len(), 3);
        assert_eq!(terms.shared(0, 1, Role::Director), ["John Lasseter"]);
        assert_eq!(terms.shared(0, 1, Role::Keyword), ["toy"]);
        // Rarest first: Animation (2 films) before Drama would be; 2 and 4 share friendship.
        assert_eq!(terms.shared(1, 3, Role::Keyword), ["friendship"]);
        assert!(terms.has(2, Role::Genre) && !terms.has(3, Role::Director));
        assert!(terms.idf(terms.of(2)[0]) > 0.0);
        let back = Terms::from_parts(terms.to_parts(), 4).unwrap();
        assert_eq!(back, terms);
        let mut broken = terms.to_parts();
        broken.terms.swap(0, 1);
        assert!(Terms::from_parts(broken, 4).is_err());
        assert!(Terms::from_parts(terms.to_parts(), 3).is_err());
        let mut role = terms.to_parts();
        role.roles[0] = 9;
        assert!(Terms::from_parts(role, 4).is_err());
    }

    #[test]
    fn overlaps_are_cosines_of_kind_and_about() {
        let terms = Terms::build(&items());
        let vectors = Vectors::build(&terms, 3.0).unwrap();
        let mut acc = vec![Overlap::default(); 4];
        let mut touched = Vec::new();
        vectors.overlaps(0, &mut acc, &mut touched);
        touched.sort_unstable();
        // 1 touches itself and 2 (Animation, toy, Lasseter); nothing of 3 or 4.
        assert_eq!(touched, [0, 1]);
        assert!((acc[0].kind - 1.0).abs() < 1e-6 && (acc[0].about - 1.0).abs() < 1e-6);
        assert!(acc[1].kind > 0.0 && acc[1].kind < 1.0, "{:?}", acc[1]);
        assert!(acc[1].about > 0.5, "{:?}", acc[1]);
        assert!(Vectors::build(&terms, f32::NAN).is_err());
    }
}
