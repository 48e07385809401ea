//! Letterboxd's export as downloaded (Settings → Data → Export): a zip holding `profile.csv`,
//! `ratings.csv`, `diary.csv`, `watched.csv`, `watchlist.csv`, `reviews.csv`, `likes/`, `lists/`
//! and more. The files that name films a user rated, logged, liked or wants to see are read;
//! the others are left packed. Trakt's export is a zip of JSON lists: every `.json` file is
//! unpacked, and what it is told by what it holds ([`super::trakt`]).
//!
//! A zip is untrusted input: one whose entries climb out of it (`../`, absolute paths), that
//! holds another archive, has more than [`MAX_ENTRIES`] entries or announces more than
//! [`MAX_UNPACKED`] bytes is refused whole, and each file read is cut off one byte past its limit
//! (never trusting the size the zip announces), so a zip bomb costs at most that much work.

use std::io::{Cursor, Read};

use super::{ExportError, ExportFormat};

/// The files of Letterboxd's export that are read, by their path in the zip, in the order
/// their rows are matched (so a film's rating in `ratings.csv` follows its diary entries), and
/// the one NextFlex's own export adds: the films the user is not interested in.
pub const LETTERBOXD_FILES: [(&str, ExportFormat); 6] = [
    ("diary.csv", ExportFormat::LetterboxdDiary),
    ("ratings.csv", ExportFormat::LetterboxdRatings),
    ("watchlist.csv", ExportFormat::LetterboxdWatchlist),
    ("watched.csv", ExportFormat::LetterboxdWatched),
    ("likes/films.csv", ExportFormat::LetterboxdLikes),
    ("not-interested.csv", ExportFormat::NotInterested),
];

/// The most entries a zip may have (a Letterboxd export has a few dozen, plus one per list).
pub const MAX_ENTRIES: usize = 5_000;

/// The most bytes a zip's entries may announce unpacked, all together.
const MAX_UNPACKED: u64 = 256 << 20;

/// Whether the bytes are a zip (a local file header, or the end record of an empty zip).
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

fn refused(why: impl std::fmt::Display) -> ExportError {
    ExportError::Archive(format!("The zip cannot be imported: {why}"))
}

/// A file of the zip, unpacked: its path, its format (`None`: a JSON file, told by what it holds),
/// its bytes.
pub type Unpacked = (String, Option<ExportFormat>, Vec<u8>);

/// The refusal of a zip that holds no file an export would.
pub fn nothing_to_read() -> ExportError {
    refused(
        "it holds none of Letterboxd's ratings.csv, diary.csv, watchlist.csv, watched.csv or \
         likes/films.csv, nor Trakt's JSON lists.",
    )
}

/// The [`LETTERBOXD_FILES`] a zip holds, in that order, then its `.json` files by path (Trakt's
/// export), unpacked, each at most `max_file_bytes`.
pub fn export_files(bytes: &[u8], max_file_bytes: usize) -> Result<Vec<Unpacked>, ExportError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| refused(format!("{e}.")))?;
    if zip.len() > MAX_ENTRIES {
        return Err(refused(format!(
            "it has {} entries; an export has at most {MAX_ENTRIES}.",
            zip.len()
        )));
    }
    let mut found: Vec<(usize, usize)> = Vec::new();
    let mut json: Vec<(String, usize)> = Vec::new();
    let mut announced = 0u64;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| refused(format!("{e}.")))?;
        let name = entry
            .name()
            .map_err(|e| refused(format!("an entry's name cannot be read ({e}).")))?
            .into_owned();
        let climbs = name.starts_with('/')
            || name.contains(['\\', ':'])
            || name.split('/').any(|part| part == "..");
        if climbs || entry.enclosed_name().is_none() {
            return Err(refused(format!(
                "the entry {name:?} points outside the zip."
            )));
        }
        let lower = name.to_ascii_lowercase();
        if [".zip", ".gz", ".tar", ".7z", ".rar"]
            .iter()
            .any(|ext| lower.ends_with(ext))
        {
            return Err(refused(format!("it holds another archive ({name:?}).")));
        }
        announced = announced.saturating_add(entry.size());
        if let Some(at) = LETTERBOXD_FILES.iter().position(|(path, _)| *path == lower) {
            found.push((at, i));
        } else if lower.ends_with(".json")
            && !lower.rsplit('/').next().unwrap_or("").starts_with('.')
        {
            json.push((name, i));
        }
    }
    if announced > MAX_UNPACKED {
        return Err(refused(format!(
            "it would unpack to {} MB; an export is a few MB.",
            announced >> 20
        )));
    }
    if found.is_empty() && json.is_empty() {
        return Err(nothing_to_read());
    }
    found.sort_unstable();
    found.dedup_by_key(|(at, _)| *at);
    json.sort_unstable();
    let wanted = found
        .into_iter()
        .map(|(at, i)| {
            (
                LETTERBOXD_FILES[at].0.to_owned(),
                Some(LETTERBOXD_FILES[at].1),
                i,
            )
        })
        .chain(json.into_iter().map(|(name, i)| (name, None, i)));
    let mut files = Vec::new();
    for (path, format, i) in wanted {
        let entry = zip
            .by_index(i)
            .map_err(|e| refused(format!("{path}: {e}.")))?;
        let mut unpacked = Vec::new();
        entry
            .take(max_file_bytes as u64 + 1)
            .read_to_end(&mut unpacked)
            .map_err(|e| refused(format!("{path} cannot be unpacked ({e}).")))?;
        if unpacked.len() > max_file_bytes {
            return Err(refused(format!(
                "{path} is larger than {} MB unpacked.",
                max_file_bytes >> 20
            )));
        }
        files.push((path, format, unpacked));
    }
    Ok(files)
}

#[cfg(test)]
pub(crate) mod tests {
    use std::io::Write;

    use super::*;

    /// A zip of `(path, contents)` entries, deflated.
    pub(crate) fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (path, contents) in entries {
            out.start_file(*path, options).unwrap();
            out.write_all(contents).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    #[test]
    fn reads_the_letterboxd_files_in_matching_order() {
        let zip = zip_of(&[
            ("profile.csv", b"Username\nann\n"),
            ("ratings.csv", b"r"),
            ("lists/best.csv", b"l"),
            ("diary.csv", b"d"),
            ("likes/films.csv", b"f"),
            ("deleted/diary.csv", b"x"),
        ]);
        let files = export_files(&zip, 100).unwrap();
        let got: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(p, _, b)| (p.as_str(), b.as_slice()))
            .collect();
        assert_eq!(
            got,
            [
                ("diary.csv", &b"d"[..]),
                ("ratings.csv", b"r"),
                ("likes/films.csv", b"f")
            ]
        );
    }

    #[test]
    fn refuses_bombs_nested_archives_and_path_tricks() {
        let big = vec![b'a'; 2_000_000];
        let bomb = zip_of(&[("ratings.csv", &big)]);
        assert!(bomb.len() < 20_000, "it compresses: {}", bomb.len());
        let got = export_files(&bomb, 1_000_000).unwrap_err().to_string();
        assert!(got.contains("larger than"), "{got}");
        for (zip, want) in [
            (zip_of(&[("../ratings.csv", b"x")]), "points outside"),
            (zip_of(&[("/etc/ratings.csv", b"x")]), "points outside"),
            (zip_of(&[("inner.zip", b"PK")]), "another archive"),
            (zip_of(&[("profile.csv", b"x")]), "holds none"),
            (b"PK\x03\x04 not really".to_vec(), "cannot be imported"),
        ] {
            let got = export_files(&zip, 1_000).unwrap_err().to_string();
            assert!(got.contains(want), "{got:?} lacks {want:?}");
        }
    }
}
