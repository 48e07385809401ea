//! The EXIF fields kept for an image.

use std::io::Cursor;

use exif::{Context, Field, In, Tag, Value};

/// What is kept of an image's EXIF data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExifSummary {
    /// DateTimeOriginal as `YYYY-MM-DDTHH:MM:SS` (the camera's local time).
    pub datetime_original: Option<String>,
    /// DateTime (last change), same form.
    pub datetime: Option<String>,
    pub camera_make: Option<String>,
    pub camera_model: Option<String>,
    /// 1–8 as in EXIF.
    pub orientation: Option<u8>,
    /// Whether the upload carried GPS data (which is not kept).
    pub gps_present: bool,
}

/// Reads the EXIF block of a JPEG, PNG or WebP file; no or unreadable EXIF gives an empty summary
/// (metadata is optional, the pixels are what matters).
pub fn read(bytes: &[u8]) -> ExifSummary {
    let Ok(exif) = exif::Reader::new().read_from_container(&mut Cursor::new(bytes)) else {
        return ExifSummary::default();
    };
    let field = |tag| exif.get_field(tag, In::PRIMARY);
    ExifSummary {
        datetime_original: field(Tag::DateTimeOriginal).and_then(datetime),
        datetime: field(Tag::DateTime).and_then(datetime),
        camera_make: field(Tag::Make).and_then(text),
        camera_model: field(Tag::Model).and_then(text),
        orientation: field(Tag::Orientation)
            .and_then(|f| f.value.get_uint(0))
            .and_then(|o| u8::try_from(o).ok())
            .filter(|o| (1..=8).contains(o)),
        gps_present: exif.fields().any(|f| f.tag.context() == Context::Gps),
    }
}

fn ascii(field: &Field) -> Option<String> {
    let Value::Ascii(parts) = &field.value else {
        return None;
    };
    let raw = parts.first()?;
    let s = String::from_utf8_lossy(raw);
    let s: String = s
        .trim_matches(char::from(0))
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    (!s.is_empty()).then_some(s)
}

fn text(field: &Field) -> Option<String> {
    ascii(field).map(|s| s.chars().take(255).collect())
}

/// `2024:05:01 12:34:56` → `2024-05-01T12:34:56`; anything else (blank dates are common) → None.
fn datetime(field: &Field) -> Option<String> {
    let s = ascii(field)?;
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let shaped = b.len() >= 19
        && digits(0..4)
        && b[4] == b':'
        && digits(5..7)
        && b[7] == b':'
        && digits(8..10)
        && (b[10] == b' ' || b[10] == b'T')
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    if !shaped || &s[5..7] == "00" {
        return None;
    }
    Some(format!(
        "{}-{}-{}T{}",
        &s[0..4],
        &s[5..7],
        &s[8..10],
        &s[11..19]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ascii_field(tag: Tag, s: &str) -> Field {
        Field {
            tag,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![s.as_bytes().to_vec()]),
        }
    }

    #[test]
    fn datetimes_are_normalised_and_blank_ones_dropped() {
        let f = |s| datetime(&ascii_field(Tag::DateTime, s));
        assert_eq!(
            f("2024:05:01 12:34:56").as_deref(),
            Some("2024-05-01T12:34:56")
        );
        assert_eq!(f("    :  :     :  :  "), None);
        assert_eq!(f("0000:00:00 00:00:00"), None);
        assert_eq!(f("yesterday"), None);
    }

    #[test]
    fn text_drops_padding_and_control_characters() {
        let f = ascii_field(Tag::Make, "Canon\u{7}  \0\0");
        assert_eq!(text(&f).as_deref(), Some("Canon"));
    }
}
