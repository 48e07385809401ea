//! Copies of uploads without their private metadata, made by walking the container (no
//! re-encoding: the pixels stay as uploaded). The walk also finds files cut short.

use super::{Format, ImageError};

/// The upload without EXIF, XMP, IPTC, comments and text chunks, with only the orientation
/// written back when it is not the default. GIFs carry no EXIF and are kept as they are.
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
                    // Start of scan: the rest is image data (and, for progressive files, more
                    // tables and scans) up to the end-of-image marker; anything after it, such
                    // as an appended preview with its own EXIF, is dropped.
                    let eoi = b[end..]
                        .windows(2)
                        .position(|w| w == [0xFF, 0xD9])
                        .ok_or(ImageError::Truncated)?;
                    out.push(0xFF);
                    out.push(marker);
                    out.extend_from_slice(&b[pos..end + eoi + 2]);
                    return Ok(out);
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

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
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

fn gif(b: &[u8]) -> Result<Vec<u8>, ImageError> {
    // Every GIF ends with the trailer byte; a cut-off one does not.
    if b.last() != Some(&0x3B) {
        return Err(ImageError::Truncated);
    }
    Ok(b.to_vec())
}
