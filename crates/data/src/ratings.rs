//! Fast reading of ratings files into columns: MovieLens/Kaggle CSV with a header
//! (`userId,movieId,rating[,timestamp]`, columns in any order), tab-separated `u.data`
//! (ml-100k) and `::`-separated `ratings.dat` (ml-1m, ml-10m), plain or gzip-compressed.
//!
//! The input is streamed in blocks; each block is cut at line ends and its pieces are parsed in
//! parallel (rayon), so memory stays at the columns plus one block, and both cores work.
//! Malformed rows and out-of-range ratings are skipped and counted, or fail the read in strict
//! mode with the line number.
//!
//! Hand-written rather than through the csv crate (which reads the other files): these files
//! hold the 26 million rows that dominate an import, their fields are plain numbers, and cutting
//! blocks at line ends lets both cores parse at once; the csv crate's reader is one sequential
//! record at a time, with a string per field. Measured (docs/benchmarks.md, "Parsing a 26M-row
//! ratings.csv"): 0.55–0.60 s for the 26M-row file, 3.4–4.0× faster than pandas.read_csv.

use std::io::Read;
use std::sync::mpsc;

use rayon::prelude::*;

/// How the fields of a ratings file are separated, and whether a header names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RatingsFormat {
    /// Comma-separated with a header line naming `userId`, `movieId`, `rating`, `timestamp`.
    Csv,
    /// `user \t item \t rating \t timestamp`, no header (MovieLens 100k `u.data`).
    Tab,
    /// `user::movie::rating::timestamp`, no header (MovieLens 1M/10M `ratings.dat`).
    DoubleColon,
}

/// Ratings as parallel columns, in file order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ratings {
    pub user: Vec<u32>,
    pub movie: Vec<u32>,
    pub rating: Vec<f32>,
    /// Unix seconds; 0 where the file has no timestamp column.
    pub timestamp: Vec<i64>,
}

impl Ratings {
    pub fn len(&self) -> usize {
        self.user.len()
    }

    pub fn is_empty(&self) -> bool {
        self.user.is_empty()
    }

    #[inline]
    fn push(&mut self, (user, movie, rating, timestamp): (u32, u32, f32, i64)) {
        self.user.push(user);
        self.movie.push(movie);
        self.rating.push(rating);
        self.timestamp.push(timestamp);
    }

    fn clear(&mut self) {
        self.user.clear();
        self.movie.clear();
        self.rating.clear();
        self.timestamp.clear();
    }

    fn reserve(&mut self, n: usize) {
        self.user.reserve(n);
        self.movie.reserve(n);
        self.rating.reserve(n);
        self.timestamp.reserve(n);
        huge_pages(&mut self.user);
        huge_pages(&mut self.movie);
        huge_pages(&mut self.rating);
        huge_pages(&mut self.timestamp);
    }

    /// Appends pieces in order, the four columns concurrently.
    fn append_all(&mut self, pieces: &[Piece]) {
        fn concat<T: Copy + Send + Sync>(dst: &mut Vec<T>, parts: Vec<&[T]>) {
            for part in parts {
                dst.extend_from_slice(part);
            }
        }
        let Ratings {
            user,
            movie,
            rating,
            timestamp,
        } = self;
        rayon::join(
            || {
                rayon::join(
                    || concat(user, pieces.iter().map(|p| &p.ratings.user[..]).collect()),
                    || concat(movie, pieces.iter().map(|p| &p.ratings.movie[..]).collect()),
                )
            },
            || {
                rayon::join(
                    || {
                        concat(
                            rating,
                            pieces.iter().map(|p| &p.ratings.rating[..]).collect(),
                        )
                    },
                    || {
                        concat(
                            timestamp,
                            pieces.iter().map(|p| &p.ratings.timestamp[..]).collect(),
                        )
                    },
                )
            },
        );
    }
}

/// Asks Linux to back the spare capacity of a large vector with transparent huge pages: filling
/// hundreds of megabytes then takes one page fault per 2 MiB instead of one per 4 KiB, which on
/// a virtual machine is most of the cost of filling them. Only a hint: nothing changes where
/// huge pages are off, and nothing is done on other systems.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn huge_pages<T>(v: &mut Vec<T>) {
    const HUGE: usize = 2 << 20;
    let start = v.as_mut_ptr() as usize;
    let end = start + v.capacity() * std::mem::size_of::<T>();
    let (from, to) = ((start + HUGE - 1) & !(HUGE - 1), end & !(HUGE - 1));
    if to > from {
        // SAFETY: [from, to) lies inside the vector's own allocation, and MADV_HUGEPAGE only
        // changes how the kernel backs it, never its contents.
        unsafe {
            libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_HUGEPAGE);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn huge_pages<T>(_: &mut Vec<T>) {}

/// Why a row was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SkipReason {
    /// Wrong number of fields, or a field that is not a number.
    MalformedRow,
    /// A rating outside 0.5–5.0.
    RatingOutOfRange,
}

impl SkipReason {
    pub const ALL: [SkipReason; 2] = [SkipReason::MalformedRow, SkipReason::RatingOutOfRange];

    /// The stable name used in summaries and JSON output.
    pub fn name(self) -> &'static str {
        match self {
            SkipReason::MalformedRow => "malformed_rating_row",
            SkipReason::RatingOutOfRange => "rating_out_of_range",
        }
    }
}

/// What a read produced: the ratings and the count of skipped rows per reason.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RatingsRead {
    pub ratings: Ratings,
    pub skipped: [u64; 2],
}

impl RatingsRead {
    pub fn skipped(&self, reason: SkipReason) -> u64 {
        self.skipped[reason as usize]
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RatingsError {
    #[error("cannot read the ratings: {0}")]
    Io(#[from] std::io::Error),
    #[error("the ratings header {0:?} lacks a userId, movieId or rating column")]
    Header(String),
    #[error("line {line}: {reason}")]
    Strict { line: u64, reason: &'static str },
}

/// Options of a read.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    pub format: RatingsFormat,
    /// Fail on the first bad row instead of skipping it.
    pub strict: bool,
    /// Expected input size in bytes, to reserve the columns once (0 when unknown).
    pub size_hint: u64,
}

const BLOCK: usize = 32 << 20;
/// Bytes per line in MovieLens-style files: about 27 on average, rarely under 16.
const BYTES_PER_ROW_MIN: u64 = 16;

/// Reads a whole ratings file. Gzip input is recognised by its magic bytes.
pub fn read_ratings(
    input: impl Read + Send,
    options: ReadOptions,
) -> Result<RatingsRead, RatingsError> {
    let mut input = std::io::BufReader::with_capacity(1 << 16, input);
    let gz = {
        use std::io::BufRead;
        input.fill_buf()?.starts_with(&[0x1f, 0x8b])
    };
    if gz {
        read_plain(flate2::read::MultiGzDecoder::new(input), options)
    } else {
        read_plain(input, options)
    }
}

/// A reader thread cuts the input into blocks that end at a line end while this thread parses
/// the previous block, so reading (or decompressing) overlaps parsing. Spent blocks go back to
/// the reader to be refilled.
fn read_plain(input: impl Read + Send, options: ReadOptions) -> Result<RatingsRead, RatingsError> {
    let (full_tx, full_rx) = mpsc::sync_channel::<std::io::Result<Vec<u8>>>(1);
    let (spent_tx, spent_rx) = mpsc::sync_channel::<Vec<u8>>(2);
    std::thread::scope(|scope| {
        scope.spawn(move || read_blocks(input, &full_tx, &spent_rx));
        let mut out = RatingsRead::default();
        if options.size_hint > 0 {
            // Untouched capacity costs address space, not memory: over-reserve rather than
            // let a doubling reallocation copy hundreds of megabytes.
            out.ratings
                .reserve((options.size_hint / BYTES_PER_ROW_MIN) as usize);
        }
        let mut layout: Option<Layout> = match options.format {
            RatingsFormat::Csv => None,
            RatingsFormat::Tab => Some(Layout::fixed(b"\t")),
            RatingsFormat::DoubleColon => Some(Layout::fixed(b"::")),
        };
        let mut line_no: u64 = 0;
        let mut scratch = Vec::new();
        for block in full_rx {
            let block = block?;
            let mut body = &block[..];
            if layout.is_none() {
                let header_end = body.iter().position(|&b| b == b'\n').unwrap_or(body.len());
                layout = Some(Layout::from_header(&body[..header_end])?);
                body = &body[(header_end + 1).min(body.len())..];
                line_no += 1;
            }
            if let Some(layout) = &layout {
                parse_block(
                    body,
                    layout,
                    options.strict,
                    &mut line_no,
                    &mut scratch,
                    &mut out,
                )?;
            }
            let _ = spent_tx.try_send(block);
        }
        if layout.is_none() {
            return Err(RatingsError::Header(String::new()));
        }
        Ok(out)
    })
}

/// Sends blocks of about [`BLOCK`] bytes, each ending at a line end (the last one at the end of
/// the input). Stops when the parser hangs up.
fn read_blocks(
    mut input: impl Read,
    full: &mpsc::SyncSender<std::io::Result<Vec<u8>>>,
    spent: &mpsc::Receiver<Vec<u8>>,
) {
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let mut block = spent
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(BLOCK + (1 << 16)));
        block.clear();
        block.append(&mut carry);
        let want = BLOCK.saturating_sub(block.len()).max(1 << 16) as u64;
        let eof = match (&mut input).take(want).read_to_end(&mut block) {
            Ok(n) => (n as u64) < want,
            Err(e) => {
                let _ = full.send(Err(e));
                return;
            }
        };
        if !eof {
            match block.iter().rposition(|&b| b == b'\n') {
                Some(i) => carry.extend_from_slice(&block[i + 1..]),
                None => {
                    // A line longer than the block: keep reading it.
                    carry = block;
                    continue;
                }
            }
            let keep = block.len() - carry.len();
            block.truncate(keep);
        }
        if full.send(Ok(block)).is_err() || eof {
            return;
        }
    }
}

/// Which column holds what.
#[derive(Debug, Clone)]
struct Layout {
    separator: &'static [u8],
    user: usize,
    movie: usize,
    rating: usize,
    timestamp: Option<usize>,
    fields: usize,
}

impl Layout {
    fn fixed(separator: &'static [u8]) -> Layout {
        Layout {
            separator,
            user: 0,
            movie: 1,
            rating: 2,
            timestamp: Some(3),
            fields: 4,
        }
    }

    /// `userId,movieId,rating,timestamp` in that order: the layout of every MovieLens and
    /// Kaggle ratings.csv, which gets the fast path.
    fn is_standard_csv(&self) -> bool {
        self.separator == b","
            && self.fields == 4
            && (self.user, self.movie, self.rating, self.timestamp) == (0, 1, 2, Some(3))
    }

    fn from_header(line: &[u8]) -> Result<Layout, RatingsError> {
        let text = String::from_utf8_lossy(line);
        let text = text
            .trim_end_matches(['\r', '\n'])
            .trim_start_matches('\u{feff}');
        let names: Vec<String> = text
            .split(',')
            .map(|n| n.trim().to_ascii_lowercase())
            .collect();
        let find = |want: &[&str]| names.iter().position(|n| want.contains(&n.as_str()));
        match (
            find(&["userid", "user_id", "user"]),
            find(&["movieid", "movie_id", "itemid", "item_id", "movie", "item"]),
            find(&["rating"]),
        ) {
            (Some(user), Some(movie), Some(rating)) => Ok(Layout {
                separator: b",",
                user,
                movie,
                rating,
                timestamp: find(&["timestamp", "time"]),
                fields: names.len(),
            }),
            _ => Err(RatingsError::Header(text.to_string())),
        }
    }
}

/// Cuts a block into pieces at line ends and parses them in parallel, in order.
///
/// `scratch` holds one piece's columns per piece and is reused from block to block, so that only
/// the output columns ever take fresh memory.
fn parse_block(
    body: &[u8],
    layout: &Layout,
    strict: bool,
    line_no: &mut u64,
    scratch: &mut Vec<Piece>,
    out: &mut RatingsRead,
) -> Result<(), RatingsError> {
    let pieces = split_at_lines(body, rayon::current_num_threads() * 4);
    scratch.resize_with(pieces.len(), Piece::default);
    pieces
        .par_iter()
        .zip(scratch.par_iter_mut())
        .for_each(|(piece, parsed)| parse_piece(piece, layout, strict, parsed));
    let parsed = &scratch[..pieces.len()];
    for piece in parsed {
        if let Some((line, reason)) = piece.first_error {
            return Err(RatingsError::Strict {
                line: *line_no + line,
                reason,
            });
        }
        *line_no += piece.lines;
        for (total, n) in out.skipped.iter_mut().zip(piece.skipped) {
            *total += n;
        }
    }
    out.ratings.append_all(parsed);
    Ok(())
}

fn split_at_lines(body: &[u8], parts: usize) -> Vec<&[u8]> {
    let mut pieces = Vec::with_capacity(parts);
    let target = body.len() / parts.max(1) + 1;
    let mut rest = body;
    while !rest.is_empty() {
        if rest.len() <= target {
            pieces.push(rest);
            break;
        }
        let cut = match rest[target..].iter().position(|&b| b == b'\n') {
            Some(i) => target + i + 1,
            None => rest.len(),
        };
        pieces.push(&rest[..cut]);
        rest = &rest[cut..];
    }
    pieces
}

#[derive(Default)]
struct Piece {
    ratings: Ratings,
    skipped: [u64; 2],
    lines: u64,
    /// In strict mode: the first bad line (1-based within the piece) and why.
    first_error: Option<(u64, &'static str)>,
}

fn parse_piece(piece: &[u8], layout: &Layout, strict: bool, out: &mut Piece) {
    out.ratings.clear();
    out.skipped = [0; 2];
    out.lines = 0;
    out.first_error = None;
    let standard = layout.is_standard_csv();
    let mut fields: [&[u8]; 8] = [&[]; 8];
    let mut pos = 0;
    while pos < piece.len() {
        out.lines += 1;
        if standard && let Some((row, next)) = parse_standard_line(piece, pos) {
            out.ratings.push(row);
            pos = next;
            continue;
        }
        let end = piece[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(piece.len(), |e| pos + e);
        let line = &piece[pos..end];
        pos = end + 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        let result = split_fields(line, layout.separator, &mut fields)
            .filter(|&n| n == layout.fields || (layout.timestamp.is_none() && n >= layout.fields))
            .ok_or(SkipReason::MalformedRow)
            .and_then(|_| parse_row(&fields, layout));
        match result {
            Ok(row) => out.ratings.push(row),
            Err(reason) => {
                if strict {
                    out.first_error = Some((out.lines, reason.name()));
                    return;
                }
                out.skipped[reason as usize] += 1;
            }
        }
    }
}

/// The fast path for `user,movie,rating,timestamp` lines of plain digits: one pass, no field
/// splitting. Anything unusual returns `None` and takes the general path, which also decides
/// whether the row is skipped.
#[inline]
fn parse_standard_line(buf: &[u8], start: usize) -> Option<((u32, u32, f32, i64), usize)> {
    let mut i = start;
    let user = u32::try_from(number_until(buf, &mut i, b',', 10)?).ok()?;
    let movie = u32::try_from(number_until(buf, &mut i, b',', 10)?).ok()?;
    // The rating as the files write it: one digit, a point, one digit.
    let r = buf.get(i..i + 4)?;
    let (whole, tenths) = (r[0].wrapping_sub(b'0'), r[2].wrapping_sub(b'0'));
    if whole > 9 || r[1] != b'.' || tenths > 9 || r[3] != b',' {
        return None;
    }
    i += 4;
    let rating = f32::from(whole) + f32::from(tenths) / 10.0;
    if !(0.5..=5.0).contains(&rating) {
        return None;
    }
    let ts = number_until(buf, &mut i, b'\n', 18)?;
    Some(((user, movie, rating, ts as i64), i))
}

/// Like [`digits_until`], eight digits at a time (SWAR) where 16 bytes are left to read.
#[inline]
fn number_until(buf: &[u8], i: &mut usize, stop: u8, max: usize) -> Option<u64> {
    let Some(head) = buf.get(*i..*i + 16) else {
        return digits_until(buf, i, stop, max);
    };
    let (mut value, mut len) = swar_digits(head);
    if len == 8 {
        let (more, more_len) = swar_digits(&head[8..]);
        if more_len == 8 {
            return digits_until(buf, i, stop, max);
        }
        value = value * 10u64.pow(more_len as u32) + more;
        len += more_len;
    }
    if len == 0 || len > max || head.get(len) != Some(&stop) {
        // The end of the input, or something unusual: the careful path decides.
        return digits_until(buf, i, stop, max);
    }
    *i += len + 1;
    Some(value)
}

/// The value and length of the run of ASCII digits (at most 8) that starts `bytes` (≥ 8 long).
#[inline]
fn swar_digits(bytes: &[u8]) -> (u64, usize) {
    let mut word = [0u8; 8];
    word.copy_from_slice(&bytes[..8]);
    let chunk = u64::from_le_bytes(word) ^ 0x3030_3030_3030_3030;
    // A byte is a digit when, xor 0x30, it is at most 9: no high nibble, and adding 6 does not
    // reach 0x10. (A carry out of a non-digit byte only disturbs the bytes after it.)
    let non_digit = (chunk | chunk.wrapping_add(0x0606_0606_0606_0606)) & 0xF0F0_F0F0_F0F0_F0F0;
    let len = (non_digit.trailing_zeros() / 8) as usize;
    if len == 0 {
        return (0, 0);
    }
    // Move the digits to the top bytes; the zero bytes below read as leading zeros.
    let digits = if len == 8 {
        chunk
    } else {
        chunk << (8 * (8 - len))
    };
    let digits = (digits & 0x0F0F_0F0F_0F0F_0F0F).wrapping_mul(2561) >> 8;
    let digits = (digits & 0x00FF_00FF_00FF_00FF).wrapping_mul(6_553_601) >> 16;
    let digits = (digits & 0x0000_FFFF_0000_FFFF).wrapping_mul(42_949_672_960_001) >> 32;
    (digits, len)
}

/// Reads up to `max` decimal digits from `line[*i..]` until `stop` (or the end), moving `*i`
/// past the stop byte.
#[inline]
fn digits_until(line: &[u8], i: &mut usize, stop: u8, max: usize) -> Option<u64> {
    let rest = line.get(*i..)?;
    let mut v: u64 = 0;
    let mut n = 0;
    for &b in rest {
        if b == stop {
            break;
        }
        let d = b.wrapping_sub(b'0');
        // Stop at the first digit too many: a longer run would overflow `v`.
        if d > 9 || n == max {
            return None;
        }
        v = v * 10 + u64::from(d);
        n += 1;
    }
    if n == 0 {
        return None;
    }
    *i += n + 1;
    Some(v)
}

/// Splits a line into at most 8 fields; `None` if there are more.
fn split_fields<'a>(line: &'a [u8], sep: &[u8], fields: &mut [&'a [u8]; 8]) -> Option<usize> {
    let mut n = 0;
    let mut rest = line;
    loop {
        let at = if sep.len() == 1 {
            rest.iter().position(|&b| b == sep[0])
        } else {
            rest.windows(sep.len()).position(|w| w == sep)
        };
        if n == fields.len() {
            return None;
        }
        match at {
            Some(i) => {
                fields[n] = &rest[..i];
                rest = &rest[i + sep.len()..];
                n += 1;
            }
            None => {
                fields[n] = rest;
                return Some(n + 1);
            }
        }
    }
}

fn parse_row(fields: &[&[u8]; 8], layout: &Layout) -> Result<(u32, u32, f32, i64), SkipReason> {
    let id = |f: &[u8]| {
        parse_u64(f)
            .and_then(|v| u32::try_from(v).ok())
            .ok_or(SkipReason::MalformedRow)
    };
    let user = id(fields[layout.user])?;
    let movie = id(fields[layout.movie])?;
    let rating = parse_decimal(fields[layout.rating]).ok_or(SkipReason::MalformedRow)?;
    if !(0.5..=5.0).contains(&rating) {
        return Err(SkipReason::RatingOutOfRange);
    }
    let ts = match layout.timestamp {
        Some(i) => parse_u64(fields[i])
            .and_then(|v| i64::try_from(v).ok())
            .ok_or(SkipReason::MalformedRow)?,
        None => 0,
    };
    Ok((user, movie, rating, ts))
}

fn parse_u64(field: &[u8]) -> Option<u64> {
    let field = field.trim_ascii();
    if field.is_empty() || field.len() > 19 {
        return None;
    }
    let mut v: u64 = 0;
    for &b in field {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + u64::from(d);
    }
    Some(v)
}

/// Parses `4`, `4.5`, `3.0`, `-1` (as a number, rejected later as out of range).
fn parse_decimal(field: &[u8]) -> Option<f32> {
    let field = field.trim_ascii();
    let (negative, field) = match field.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, field),
    };
    let (int, frac) = match field.iter().position(|&b| b == b'.') {
        Some(i) => (&field[..i], &field[i + 1..]),
        None => (field, &[][..]),
    };
    if (int.is_empty() && frac.is_empty()) || int.len() > 6 || frac.len() > 6 {
        return None;
    }
    let whole = if int.is_empty() { 0 } else { parse_u64(int)? };
    let mut value = whole as f64;
    if !frac.is_empty() {
        let digits = parse_u64(frac)?;
        value += digits as f64 / 10f64.powi(frac.len() as i32);
    }
    Some(if negative { -value } else { value } as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, format: RatingsFormat) -> RatingsRead {
        read_ratings(
            text.as_bytes(),
            ReadOptions {
                format,
                strict: false,
                size_hint: 0,
            },
        )
        .unwrap()
    }

    #[test]
    fn movielens_csv() {
        let r = read(
            "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,3,4,964981247\n",
            RatingsFormat::Csv,
        );
        assert_eq!(r.ratings.user, vec![1, 1]);
        assert_eq!(r.ratings.movie, vec![1, 3]);
        assert_eq!(r.ratings.rating, vec![4.0, 4.0]);
        assert_eq!(r.ratings.timestamp, vec![964982703, 964981247]);
    }

    #[test]
    fn columns_in_any_order_crlf_bom_and_no_timestamp() {
        let r = read(
            "\u{feff}rating,movieId,userId\r\n4.5,31,7\r\n0.5,1029,8\r\n",
            RatingsFormat::Csv,
        );
        assert_eq!(r.ratings.user, vec![7, 8]);
        assert_eq!(r.ratings.movie, vec![31, 1029]);
        assert_eq!(r.ratings.rating, vec![4.5, 0.5]);
        assert_eq!(r.ratings.timestamp, vec![0, 0]);
    }

    #[test]
    fn u_data_and_ratings_dat() {
        let r = read(
            "196\t242\t3\t881250949\n186\t302\t3\t891717742",
            RatingsFormat::Tab,
        );
        assert_eq!(r.ratings.user, vec![196, 186]);
        assert_eq!(r.ratings.timestamp[1], 891717742);
        let r = read(
            "1::1193::5::978300760\n1::661::3::978302109\n",
            RatingsFormat::DoubleColon,
        );
        assert_eq!(r.ratings.movie, vec![1193, 661]);
        assert_eq!(r.ratings.rating, vec![5.0, 3.0]);
    }

    #[test]
    fn bad_rows_are_skipped_and_counted() {
        let r = read(
            "userId,movieId,rating,timestamp\n1,2,3.5,10\n1,x,3,10\n1,2,5.5,10\n1,2,0,10\n\n1,2\n1,2,3,4,5\n-1,2,3,4\n2,3,2.5,11\n",
            RatingsFormat::Csv,
        );
        assert_eq!(r.ratings.user, vec![1, 2]);
        assert_eq!(r.skipped(SkipReason::MalformedRow), 4);
        assert_eq!(r.skipped(SkipReason::RatingOutOfRange), 2);
    }

    #[test]
    fn strict_mode_names_the_line() {
        let err = read_ratings(
            "userId,movieId,rating\n1,2,3\n1,2,9\n".as_bytes(),
            ReadOptions {
                format: RatingsFormat::Csv,
                strict: true,
                size_hint: 0,
            },
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "line 3: rating_out_of_range");
    }

    #[test]
    fn header_must_name_the_columns() {
        let err = read_ratings(
            "a,b,c\n1,2,3\n".as_bytes(),
            ReadOptions {
                format: RatingsFormat::Csv,
                strict: false,
                size_hint: 0,
            },
        )
        .unwrap_err();
        assert!(matches!(err, RatingsError::Header(_)));
    }

    #[test]
    fn gzip_is_recognised() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"userId,movieId,rating,timestamp\n5,6,2.5,7\n")
            .unwrap();
        let bytes = gz.finish().unwrap();
        let r = read_ratings(
            bytes.as_slice(),
            ReadOptions {
                format: RatingsFormat::Csv,
                strict: false,
                size_hint: 0,
            },
        )
        .unwrap();
        assert_eq!(r.ratings.rating, vec![2.5]);
    }

    #[test]
    fn big_input_across_blocks_keeps_order_and_line_numbers() {
        // More than one block, so rows straddle block and piece boundaries.
        let rows = BLOCK / 20 + 12_345;
        let mut text = String::from("userId,movieId,rating,timestamp\n");
        for i in 0..rows {
            text.push_str(&format!(
                "{},{},{}.5,{}\n",
                i % 1000,
                i,
                i % 5,
                1_000_000 + i
            ));
        }
        text.push_str("1,1,7,1\n");
        let r = read(&text, RatingsFormat::Csv);
        assert_eq!(r.ratings.len(), rows);
        assert!(
            r.ratings
                .movie
                .iter()
                .enumerate()
                .all(|(i, &m)| m as usize == i)
        );
        assert_eq!(r.ratings.rating[7], 2.5);
        assert_eq!(r.skipped(SkipReason::RatingOutOfRange), 1);
        let err = read_ratings(
            text.as_bytes(),
            ReadOptions {
                format: RatingsFormat::Csv,
                strict: true,
                size_hint: text.len() as u64,
            },
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("line {}: rating_out_of_range", rows + 2)
        );
    }

    #[test]
    fn swar_matches_the_scalar_parser() {
        for text in [
            "0,",
            "7,",
            "12345678,",
            "1234567,",
            "964982703\n",
            "1501829870\n",
            "99999999999999999,",
            "12a4,",
            ",",
            "1,2,3",
            "00000012,",
            "4294967295,",
            "4294967296,",
        ] {
            let padded = format!("{text}________________");
            let (mut a, mut b) = (0, 0);
            let stop = if text.contains('\n') { b'\n' } else { b',' };
            let fast = number_until(padded.as_bytes(), &mut a, stop, 18);
            let slow = digits_until(padded.as_bytes(), &mut b, stop, 18);
            assert_eq!((fast, a), (slow, b), "{text:?}");
        }
    }

    #[test]
    fn overlong_numbers_are_malformed_not_an_overflow() {
        // Found by fuzz/fuzz_targets/ratings.rs: 20 digits overflowed a u64 in the scalar
        // parser (a panic where overflow checks are on, as in debug builds).
        let r = read(
            "userId,movieId,rating,timestamp\n88649876498798764987\n\
             1,88649876498798764987,4.0,1\n1,2,4.0,88649876498798764987\n1,2,4.0,3\n",
            RatingsFormat::Csv,
        );
        assert_eq!(r.ratings.user, vec![1]);
        assert_eq!(r.skipped(SkipReason::MalformedRow), 3);
        let (mut i, digits) = (0, b"88649876498798764987,");
        assert_eq!(digits_until(digits, &mut i, b',', 18), None);
        assert_eq!(number_until(digits, &mut i, b',', 18), None);
        assert_eq!(i, 0);
    }

    #[test]
    fn decimals() {
        assert_eq!(parse_decimal(b"4.5"), Some(4.5));
        assert_eq!(parse_decimal(b" 3 "), Some(3.0));
        assert_eq!(parse_decimal(b".5"), Some(0.5));
        assert_eq!(parse_decimal(b"-1"), Some(-1.0));
        for bad in [&b""[..], b".", b"4.x", b"1e3", b"4..5"] {
            assert_eq!(
                parse_decimal(bad),
                None,
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
