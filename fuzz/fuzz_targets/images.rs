//! Fuzzes the image-upload path: `nextflex_app::images::process` (sniffing, the header's dimension
//! check, the EXIF read, the metadata strip, the decode and the thumbnail) and
//! `nextflex_app::images::sanitise_file_name`. Properties, as the module documents them:
//!
//! - nothing panics;
//! - an accepted upload's `served` copy is itself accepted, as the same format with the same
//!   dimensions; it carries no EXIF but the orientation (no GPS, no dates, no camera), and the
//!   orientation survives where the format has a place for it, and then stripping it again
//!   changes nothing and its thumbnail is the same;
//! - the thumbnail is a JPEG at most `THUMB_WIDTH` wide;
//! - a sanitised file name is non-empty, at most 100 characters, without control characters,
//!   quotes, path separators or the other characters the function removes.
//!
//! The whole input is the upload; its first bytes, read as (lossy) UTF-8, are also the file
//! name. Run: see docs/development.md.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nextflex_app::images::{self, ExifSummary, Format, THUMB_WIDTH};

fn check_name(raw: &str) {
    let Some(name) = images::sanitise_file_name(raw) else {
        return;
    };
    assert!(!name.is_empty());
    assert!(name.chars().count() <= 100, "{name:?} is too long");
    assert!(
        !name.chars().any(|c| c.is_control()
            || matches!(
                c,
                '"' | '\'' | '<' | '>' | ':' | '|' | '?' | '*' | '/' | '\\'
            )),
        "{name:?} from {raw:?} keeps a character it should drop"
    );
}

/// Whether a WebP file is in the extended format (a VP8X chunk first), the only one that may
/// carry EXIF, and so the only one the orientation can be written back to.
fn extended_webp(bytes: &[u8]) -> bool {
    bytes.get(12..16) == Some(b"VP8X")
}

fuzz_target!(|data: &[u8]| {
    check_name(&String::from_utf8_lossy(&data[..data.len().min(512)]));

    let Ok(p) = images::process(data) else {
        return;
    };
    assert_eq!(p.size_bytes, data.len() as u64);
    assert_eq!(p.sha256.len(), 64);

    let thumb = images::process(&p.thumbnail).expect("the thumbnail is a valid image");
    assert_eq!(thumb.format, Format::Jpeg);
    assert!(
        thumb.width <= THUMB_WIDTH,
        "thumbnail {} px wide",
        thumb.width
    );

    let again = images::process(&p.served).expect("the served copy is a valid image");
    assert_eq!(
        again.format, p.format,
        "the served copy sniffs as another format"
    );
    assert_eq!((again.width, again.height), (p.width, p.height));
    // Only the orientation is written back: everything else private is gone.
    let orientation = p.exif.orientation.filter(|&o| o != 1);
    assert_eq!(
        ExifSummary {
            orientation: None,
            ..again.exif.clone()
        },
        ExifSummary::default(),
        "the served copy keeps metadata"
    );
    assert!(!again.exif.gps_present);
    let keeps_orientation = match p.format {
        Format::Jpeg | Format::Png => true,
        Format::WebP => extended_webp(data),
        // GIF has no EXIF: the reader never finds an orientation in one.
        Format::Gif => true,
    };
    if keeps_orientation {
        assert_eq!(again.exif.orientation, orientation, "orientation lost");
        // `process` decodes the served copy, and stripping it again changes nothing.
        assert_eq!(again.served, p.served, "stripping twice changed the copy");
        assert_eq!(
            again.thumbnail, p.thumbnail,
            "the served copy decodes differently"
        );
    }
});
