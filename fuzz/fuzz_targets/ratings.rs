//! Fuzzes the ratings reader (`nextflex_data::ratings::read_ratings`, in memory) in all three
//! formats, strict and lax. Properties:
//!
//! - it never panics (the build has overflow checks on);
//! - every row kept has a rating in 0.5–5.0, and the four columns stay the same length;
//! - strict mode fails exactly when lax mode skips a row, and otherwise reads the same ratings;
//!   the line a strict error names is a line that lax mode skips on its own;
//! - the `userId,movieId,rating,timestamp` fast path agrees with the general parser: the same
//!   rows read as CSV, as tab-separated `u.data` and as `::`-separated `ratings.dat` give the
//!   same ratings and skip counts.
//!
//! The first byte picks the mode, the rest is the file. Run: see docs/development.md.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nextflex_data::ratings::{RatingsError, RatingsFormat, RatingsRead, ReadOptions, read_ratings};

const HEADER: &[u8] = b"userId,movieId,rating,timestamp\n";

fn read(input: &[u8], format: RatingsFormat, strict: bool) -> Result<RatingsRead, RatingsError> {
    read_ratings(
        input,
        ReadOptions {
            format,
            strict,
            // Small, so that the reserve path runs without reserving gigabytes.
            size_hint: input.len() as u64,
        },
    )
}

fn is_gzip(input: &[u8]) -> bool {
    input.starts_with(&[0x1f, 0x8b])
}

/// Checks one input in one format; returns the lax read.
fn check(input: &[u8], format: RatingsFormat) -> Result<RatingsRead, RatingsError> {
    let lax = read(input, format, false);
    let strict = read(input, format, true);
    match (&lax, &strict) {
        (Ok(lax), strict) => {
            let r = &lax.ratings;
            assert_eq!(r.user.len(), r.movie.len());
            assert_eq!(r.user.len(), r.rating.len());
            assert_eq!(r.user.len(), r.timestamp.len());
            assert!(
                r.rating.iter().all(|x| (0.5..=5.0).contains(x)),
                "a rating out of range was kept: {:?}",
                r.rating
            );
            let skipped: u64 = lax.skipped.iter().sum();
            match strict {
                Ok(s) => {
                    assert_eq!(skipped, 0, "strict read succeeded where lax skipped rows");
                    assert_eq!(s, lax, "strict and lax reads differ");
                }
                Err(RatingsError::Strict { line, .. }) => {
                    assert!(skipped > 0, "strict read failed where lax skipped nothing");
                    if !is_gzip(input) {
                        check_bad_line(input, format, *line);
                    }
                }
                Err(e) => panic!("lax read succeeded, strict failed with {e}"),
            }
        }
        // A bad header or a broken gzip stream fails both; strict may stop earlier at a bad row.
        (Err(RatingsError::Header(a)), Err(RatingsError::Header(b))) => assert_eq!(a, b),
        (Err(RatingsError::Header(_)), Err(e)) => panic!("lax: bad header, strict: {e}"),
        (Err(_), Err(_)) => {}
        (Err(e), Ok(_)) => panic!("strict read succeeded where lax failed with {e}"),
    }
    lax
}

/// The line a strict read names must be skipped when read alone (after the header).
fn check_bad_line(input: &[u8], format: RatingsFormat, line: u64) {
    let lines: Vec<&[u8]> = input.split(|&b| b == b'\n').collect();
    let index = usize::try_from(line).expect("line fits") - 1;
    let bad = lines
        .get(index)
        .unwrap_or_else(|| panic!("strict error names line {line} of {}", lines.len()));
    let alone = match format {
        RatingsFormat::Csv => [lines[0], b"\n", bad].concat(),
        _ => bad.to_vec(),
    };
    if is_gzip(&alone) {
        return;
    }
    let read = read(&alone, format, false).expect("the header read before");
    assert_eq!(
        read.skipped.iter().sum::<u64>(),
        1,
        "line {line} {:?} is not bad on its own",
        String::from_utf8_lossy(bad)
    );
}

/// Fast path against general path: `body` as rows under the standard CSV header, with commas
/// made tabs, and with commas made `::`.
fn differential(body: &[u8]) {
    if body.contains(&b'\t') || is_gzip(body) {
        return;
    }
    let csv = check(&[HEADER, body].concat(), RatingsFormat::Csv).expect("the header is valid");
    let tabs: Vec<u8> = body
        .iter()
        .map(|&b| if b == b',' { b'\t' } else { b })
        .collect();
    let tab = check(&tabs, RatingsFormat::Tab).expect("no header to fail");
    assert_eq!(csv, tab, "CSV and tab-separated reads differ");
    if !body.contains(&b':') && !is_gzip(&tabs) {
        let mut colons = Vec::with_capacity(body.len() * 2);
        for &b in body {
            if b == b',' {
                colons.extend_from_slice(b"::");
            } else {
                colons.push(b);
            }
        }
        let dat = read(&colons, RatingsFormat::DoubleColon, false).expect("no header to fail");
        assert_eq!(csv, dat, "CSV and ::-separated reads differ");
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    match mode % 4 {
        0 => {
            let _ = check(body, RatingsFormat::Csv);
        }
        1 => {
            let _ = check(body, RatingsFormat::Tab);
        }
        2 => {
            let _ = check(body, RatingsFormat::DoubleColon);
        }
        _ => differential(body),
    }
});
