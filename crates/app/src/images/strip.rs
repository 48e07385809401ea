//! Copies of uploads without their private metadata, made by walking the container (no
//! re-encoding: the pixels stay as uploaded). The walk also finds files cut short.

use super::{Format, ImageError};

/// The upload without EXIF, XMP, IPTC, comments and text chunks, with only the orientation
/// written back when it is not the default (GIFs have none).
pub fn strip(format: Format, bytes: &[u8], orientation: Option<u8>) -> Result<Vec<u8>, ImageError> {
    let orientation = orientation.filter(|o| *o != 1);
    match format {
        Format::Jpeg => jpeg(bytes, orientation),
        Format::Png => png(bytes, orientation),
        Format::WebP => webp(bytes, orientation),
        Format::Gif => gif(bytes),
    }
}

/// A TIFF structure holding one tag, Orientation.
fn orientation_tiff(orientation: u8) -> [u8; 26] {
    [
        b'M',
        b'M',
        0,
        42,
        0,
        0,
        0,
        8, // big-endian header, first IFD at 8
        0,
        1, // one entry
        0x01,
        0x12,
        0,
        3,
        0,
        0,
        0,
        1,
        0,
        orientation,
        0,
        0, // Orientation, SHORT, 1 value
        0,
        0,
        0,
        0, // no next IFD
    ]
}

fn be16(b: &[u8], at: usize) -> Option<usize> {
    Some(usize::from(u16::from_be_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
    ])))
}

fn jpeg(b: &[u8], orientation: Option<u8>) -> Result<Vec<u8>, ImageError> {
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&[0xFF, 0xD8]);
    if let Some(o) = orientation {
        let tiff = orientation_tiff(o);
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&((2 + 6 + tiff.len()) as u16).to_be_bytes());
        out.extend_from_slice(b"Exif\0\0");
        out.extend_from_slice(&tiff);
    }
    let mut pos = 2;
    let mut scanned = false;
    loop {
        if pos >= b.len() {
            return Err(ImageError::Truncated);
        }
        if b[pos] != 0xFF {
            return Err(ImageError::Corrupt("a JPEG segment is malformed".into()));
        }
        while b.get(pos) == Some(&0xFF) {
            pos += 1;
        }
        let marker = *b.get(pos).ok_or(ImageError::Truncated)?;
        pos += 1;
        match marker {
            // The end of the image: anything after it, such as an appended preview with its own
            // EXIF, is dropped.
            0xD9 if scanned => {
                out.extend_from_slice(&[0xFF, 0xD9]);
                return Ok(out);
            }
            0xD9 => return Err(ImageError::Corrupt("the JPEG has no image data".into())),
            0x01 | 0xD0..=0xD7 => out.extend_from_slice(&[0xFF, marker]),
            _ => {
                let len = be16(b, pos).ok_or(ImageError::Truncated)?;
                if len < 2 {
                    return Err(ImageError::Corrupt("a JPEG segment is malformed".into()));
                }
                let end = pos + len;
                if end > b.len() {
                    return Err(ImageError::Truncated);
                }
                if marker == 0xDA {
                    // Start of scan: its header, then entropy-coded data up to the next marker
                    // (0xFF followed by anything but a stuffed zero, a restart marker or more
                    // 0xFF fill). For progressive files more tables and scans follow: they are
                    // walked like the segments before, so that metadata between scans is
                    // dropped too, and a 0xFF 0xD9 inside a segment is not taken for the end.
                    out.push(0xFF);
                    out.push(marker);
                    out.extend_from_slice(&b[pos..end]);
                    let mut at = end;
                    let next = loop {
                        let ff = at
                            + b[at..]
                                .iter()
                                .position(|&x| x == 0xFF)
                                .ok_or(ImageError::Truncated)?;
                        match b.get(ff + 1) {
                            None => return Err(ImageError::Truncated),
                            Some(0x00 | 0xD0..=0xD7 | 0xFF) => at = ff + 1,
                            Some(_) => break ff,
                        }
                    };
                    out.extend_from_slice(&b[end..next]);
                    scanned = true;
                    pos = next;
                    continue;
                }
                // Kept: JFIF (APP0), ICC profiles (APP2), Adobe colour transform (APP14) and
                // every non-APP segment; dropped: other APPn (EXIF, XMP, IPTC, maker data) and
                // comments.
                let metadata = matches!(marker, 0xE1 | 0xE3..=0xED | 0xEF | 0xFE);
                if !metadata {
                    out.push(0xFF);
                    out.push(marker);
                    out.extend_from_slice(&b[pos..end]);
                }
                pos = end;
            }
        }
    }
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

fn png(b: &[u8], orientation: Option<u8>) -> Result<Vec<u8>, ImageError> {
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(PNG_SIGNATURE);
    let mut pos = PNG_SIGNATURE.len();
    loop {
        let header = b.get(pos..pos + 8).ok_or(ImageError::Truncated)?;
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind = &header[4..8];
        let end = pos + 12 + len;
        if end > b.len() {
            return Err(ImageError::Truncated);
        }
        let metadata = matches!(kind, b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt" | b"tIME");
        if !metadata {
            out.extend_from_slice(&b[pos..end]);
        }
        if kind == b"IHDR"
            && let Some(o) = orientation
        {
            png_chunk(&mut out, b"eXIf", &orientation_tiff(o));
        }
        if kind == b"IEND" {
            return Ok(out);
        }
        pos = end;
    }
}

/// Appends a PNG chunk: its length, kind, data and CRC.
pub fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
}

fn webp(b: &[u8], orientation: Option<u8>) -> Result<Vec<u8>, ImageError> {
    const VP8X_EXIF: u8 = 0x08;
    const VP8X_XMP: u8 = 0x04;
    let riff = b.get(0..12).ok_or(ImageError::Truncated)?;
    let declared = u32::from_le_bytes([riff[4], riff[5], riff[6], riff[7]]) as usize;
    let total = declared.checked_add(8).ok_or(ImageError::Truncated)?;
    if total > b.len() {
        return Err(ImageError::Truncated);
    }
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(&b[0..12]);
    let mut vp8x_flags_at = None;
    let mut pos = 12;
    while pos + 8 <= total {
        let fourcc = &b[pos..pos + 4];
        let len = u32::from_le_bytes([b[pos + 4], b[pos + 5], b[pos + 6], b[pos + 7]]) as usize;
        let end = pos + 8 + len + (len & 1);
        if pos + 8 + len > total {
            return Err(ImageError::Truncated);
        }
        let end = end.min(total);
        if fourcc != b"EXIF" && fourcc != b"XMP " {
            if fourcc == b"VP8X" {
                vp8x_flags_at = Some(out.len() + 8);
            }
            out.extend_from_slice(&b[pos..end]);
        }
        pos = end;
    }
    if let Some(at) = vp8x_flags_at
        && let Some(flags) = out.get_mut(at)
    {
        *flags &= !(VP8X_EXIF | VP8X_XMP);
        // An EXIF chunk is only allowed in the extended format, which has a VP8X header.
        if let Some(o) = orientation {
            *flags |= VP8X_EXIF;
            let tiff = orientation_tiff(o);
            out.extend_from_slice(b"EXIF");
            out.extend_from_slice(&(tiff.len() as u32).to_le_bytes());
            out.extend_from_slice(&tiff);
        }
    }
    let size = u32::try_from(out.len() - 8).map_err(|_| ImageError::NotAnImage)?;
    out[4..8].copy_from_slice(&size.to_le_bytes());
    Ok(out)
}

/// A GIF block by block: the header, screen descriptor and colour tables, image descriptors with
/// their data, graphic controls, plain text and the looping extension (NETSCAPE2.0 or
/// ANIMEXTS1.0) are kept; comments and every other application extension (XMP, for one, which
/// may carry a GPS position) are dropped, and so is anything after the trailer.
fn gif(b: &[u8]) -> Result<Vec<u8>, ImageError> {
    let corrupt = |why: &str| ImageError::Corrupt(format!("a GIF {why}"));
    let get = |from: usize, len: usize| b.get(from..from + len).ok_or(ImageError::Truncated);
    // Sub-blocks (a size byte, then that many bytes) up to the empty one: where they end.
    let sub_blocks = |mut at: usize| -> Result<usize, ImageError> {
        loop {
            let size = usize::from(*b.get(at).ok_or(ImageError::Truncated)?);
            at += 1 + size;
            if size == 0 {
                return Ok(at);
            }
            if at > b.len() {
                return Err(ImageError::Truncated);
            }
        }
    };
    let colour_table = |packed: u8| {
        if packed & 0x80 != 0 {
            3 << ((packed & 7) + 1)
        } else {
            0
        }
    };
    let screen = get(6, 7)?;
    let mut at = 13 + colour_table(screen[4]);
    get(0, at)?;
    let mut out = b[..at].to_vec();
    loop {
        match *b.get(at).ok_or(ImageError::Truncated)? {
            0x3B => {
                out.push(0x3B);
                return Ok(out);
            }
            0x2C => {
                let descriptor = get(at + 1, 9)?;
                let data = at + 10 + colour_table(descriptor[8]);
                get(data, 1)?; // the LZW code size
                let end = sub_blocks(data + 1)?;
                out.extend_from_slice(get(at, end - at)?);
                at = end;
            }
            0x21 => {
                let label = *b.get(at + 1).ok_or(ImageError::Truncated)?;
                let end = sub_blocks(at + 2)?;
                let keep = match label {
                    0xF9 | 0x01 => true,
                    0xFF => {
                        let first = get(at + 2, 1)?[0];
                        let id = get(at + 3, usize::from(first))?;
                        id == b"NETSCAPE2.0" || id == b"ANIMEXTS1.0"
                    }
                    _ => false,
                };
                if keep {
                    out.extend_from_slice(get(at, end - at)?);
                }
                at = end;
            }
            _ => return Err(corrupt("block is of no known kind")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(lines: &[&str]) -> Vec<u8> {
        let hex: String = lines.concat();
        (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect()
    }

    /// Found by fuzz/fuzz_targets/images.rs (minimised): a JPEG with a second scan whose DQT
    /// segment, between the scans, holds the bytes 0xFF 0xD9. The upload was accepted (the
    /// decoder forgives it) but its served copy was cut there, as if at the end of the image, and
    /// no longer decoded. Walked segment by segment, the table's length runs past the next
    /// marker: the upload is refused instead.
    #[test]
    fn ff_d9_inside_a_segment_after_the_first_scan_is_not_the_end() {
        let upload = unhex(&[
            "ffd8ffe1005245786966000049492a000800000003000f0102000600000044000000000000010004",
            "000000020300000000000043616e6f6e00fffe000973656372657421ffe000103a46494600010101",
            "004800480000ffdb0043000302020302020303030304030304050805050404050a070706080c0a0c",
            "74000000a00d0e12100d0e110e0b0b1016101113141515150c0f171816141812141514ffdb004301",
            "44445320040509050509140d0b0d1414141414141414141414141414141414141414141414141414",
            "141414141414141414141414141414141414141414141414ffc00011080007000f03011100021101",
            "031101ffc4001500010100000000000000000000000000000608ffc4001f10000104030003010000",
            "00000000000000020103040506071213147e16ffc400140101000000000000000000000000000000",
            "00ffc40014110100000000000000000000000000000000ffdd00040020ffda000c03010002110311",
            "003f00aa707acde583ccd9b31a15150c0fffdb00430144141414ffda000c03010002110311003f00",
            "aa707ada15c2470fffd9141414141414141414ffd914141414ffda000c03010002110311003f00aa",
            "707ada15c2470fffd9",
        ]);
        assert_eq!(
            crate::images::process(&upload).unwrap_err(),
            ImageError::Corrupt("a JPEG segment is malformed".into())
        );
    }

    #[test]
    fn segments_between_scans_are_walked() {
        let scan = [0xFF, 0xDA, 0, 3, 0];
        let upload = [
            &[0xFF, 0xD8, 0xFF, 0xDB, 0, 4, 1, 2][..],
            &scan,
            // Entropy-coded data with a stuffed 0xFF and a restart marker.
            &[0x12, 0x34, 0xFF, 0x00, 0x56, 0xFF, 0xD0, 0x78],
            // EXIF and a comment between the scans: dropped.
            &[0xFF, 0xE1, 0, 8, b'E', b'x', b'i', b'f', 0, 0],
            &[0xFF, 0xFE, 0, 4, b'h', b'i'],
            // A table that happens to hold 0xFF 0xD9: kept whole.
            &[0xFF, 0xC4, 0, 5, 0xFF, 0xD9, 0],
            &scan,
            &[0x9A, 0xFF, 0xD9],
            // After the end: dropped.
            &[0xFF, 0xE1, 0, 4, 0, 0],
        ]
        .concat();
        let expected = [
            &[0xFF, 0xD8, 0xFF, 0xDB, 0, 4, 1, 2][..],
            &scan,
            &[0x12, 0x34, 0xFF, 0x00, 0x56, 0xFF, 0xD0, 0x78],
            &[0xFF, 0xC4, 0, 5, 0xFF, 0xD9, 0],
            &scan,
            &[0x9A, 0xFF, 0xD9],
        ]
        .concat();
        assert_eq!(jpeg(&upload, None).unwrap(), expected);
        // Cut short anywhere in the scans, it is truncated.
        for cut in [upload.len() - 7, upload.len() - 8, 40, 35, 20, 14] {
            assert_eq!(
                jpeg(&upload[..cut], None),
                Err(ImageError::Truncated),
                "{cut}"
            );
        }
    }

    /// A GIF: header, screen descriptor with a two-colour table, then `blocks`, then the
    /// trailer.
    fn gif_of(blocks: &[&[u8]]) -> Vec<u8> {
        let mut out = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff".to_vec();
        for block in blocks {
            out.extend_from_slice(block);
        }
        out.push(0x3B);
        out
    }

    #[test]
    fn gif_comments_and_foreign_application_blocks_are_dropped() {
        let looping: &[u8] = b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00";
        let control: &[u8] = b"\x21\xf9\x04\x00\x0a\x00\x00\x00";
        let frame: &[u8] = b"\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00";
        let comment: &[u8] = b"\x21\xfe\x0cshot at home\x00";
        let xmp: &[u8] = b"\x21\xff\x0bXMP DataXMP\x0f<gps>51,0</gps>\x00";
        let upload = gif_of(&[looping, comment, control, xmp, frame]);
        let served = gif(&upload).unwrap();
        assert_eq!(served, gif_of(&[looping, control, frame]));
        // What is served decodes as the upload does.
        let decoded = |b: &[u8]| image::load_from_memory(b).unwrap().to_rgba8().into_raw();
        assert_eq!(decoded(&served), decoded(&upload));
        // Bytes after the trailer are dropped.
        let mut trailing = upload.clone();
        trailing.extend_from_slice(b"hidden");
        assert_eq!(gif(&trailing).unwrap(), served);
        // Cut anywhere, it is truncated, never served in part.
        for cut in 1..upload.len() {
            assert!(gif(&upload[..cut]).is_err(), "cut at {cut}");
        }
    }

    proptest::proptest! {
        /// A GIF damaged anywhere (bytes changed, cut, or added) never makes the walk panic, and
        /// what it serves walks to itself: nothing it kept is dropped on a second pass.
        #[test]
        fn the_gif_walk_survives_damage_and_is_stable(
            edits in proptest::collection::vec((0usize..200, proptest::num::u8::ANY), 0..6),
            cut in proptest::option::of(0usize..200),
        ) {
            let looping: &[u8] = b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00";
            let comment: &[u8] = b"\x21\xfe\x03abc\x00";
            let frame: &[u8] =
                b"\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00";
            let mut upload = gif_of(&[looping, comment, frame, frame]);
            for (at, byte) in edits {
                let at = at % (upload.len() + 1);
                if at == upload.len() {
                    upload.push(byte);
                } else {
                    upload[at] = byte;
                }
            }
            if let Some(cut) = cut {
                upload.truncate(cut % (upload.len() + 1));
            }
            if let Ok(served) = gif(&upload) {
                proptest::prop_assert_eq!(gif(&served), Ok(served.clone()));
                proptest::prop_assert_eq!(served.last(), Some(&0x3B));
            }
        }
    }
}
