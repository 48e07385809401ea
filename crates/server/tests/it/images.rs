//! Image checks on files the tests make: every accepted format, a JPEG with real EXIF fields,
//! and hostile files (wrong type, truncated, corrupt, a decompression bomb).

use std::io::Cursor;

use image::ImageFormat;
use nextflex_app::images::{self, ImageError, sanitise_file_name};

use crate::helpers::images::{camera_jpeg, encode, png_bomb, png_chunk};

fn exif_of(bytes: &[u8]) -> Option<exif::Exif> {
    exif::Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .ok()
}

#[test]
fn camera_jpeg_keeps_its_metadata_and_serves_none_of_the_private_part() {
    let upload = camera_jpeg(40, 20, 6);
    let p = images::process(&upload).unwrap();
    assert_eq!((p.format.name(), p.width, p.height), ("jpeg", 40, 20));
    assert_eq!(p.size_bytes, upload.len() as u64);
    assert_eq!(
        p.exif.datetime_original.as_deref(),
        Some("2024-05-01T12:34:56")
    );
    assert_eq!(p.exif.datetime.as_deref(), Some("2024-05-02T08:00:00"));
    assert_eq!(p.exif.camera_make.as_deref(), Some("Canon"));
    assert_eq!(p.exif.camera_model.as_deref(), Some("Canon EOS 5D Mark IV"));
    assert_eq!(p.exif.orientation, Some(6));
    assert!(p.exif.gps_present);

    // Served: only the orientation is left, and the pixels decode as before.
    let served = exif_of(&p.served).expect("the orientation is written back");
    let tags: Vec<_> = served.fields().map(|f| f.tag).collect();
    assert_eq!(tags, vec![exif::Tag::Orientation]);
    assert!(!p.served.windows(7).any(|w| w == b"secret!"));
    assert!(!p.served.windows(6).any(|w| w == b"SERIAL"));
    let decoded = image::load_from_memory(&p.served).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (40, 20));

    // Orientation 6 is a quarter turn: the thumbnail is upright, so taller than wide.
    let thumb = image::load_from_memory_with_format(&p.thumbnail, ImageFormat::Jpeg).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (20, 40));
}

#[test]
fn every_format_is_sniffed_and_thumbnailed() {
    for (format, name) in [
        (ImageFormat::Jpeg, "jpeg"),
        (ImageFormat::Png, "png"),
        (ImageFormat::Gif, "gif"),
        (ImageFormat::WebP, "webp"),
    ] {
        let upload = encode(1000, 500, format);
        let p = images::process(&upload).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((p.format.name(), p.width, p.height), (name, 1000, 500));
        assert_eq!(p.exif, Default::default(), "{name}");
        assert!(!p.exif.gps_present);
        let thumb = image::load_from_memory(&p.thumbnail).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (320, 160), "{name}");
        assert_eq!(image::load_from_memory(&p.served).unwrap().width(), 1000);
        assert_eq!(p.sha256.len(), 64);
    }
}

#[test]
fn png_text_chunks_are_dropped() {
    let png = encode(8, 8, ImageFormat::Png);
    // tEXt right after IHDR (8-byte signature + 25-byte IHDR chunk).
    let mut upload = png[..33].to_vec();
    upload.extend(png_chunk(b"tEXt", b"Author\0someone@example.com"));
    upload.extend_from_slice(&png[33..]);
    let p = images::process(&upload).unwrap();
    assert_eq!(p.served, png);
}

#[test]
fn hostile_files_are_refused_with_the_reason() {
    let refuse = |bytes: &[u8]| images::process(bytes).unwrap_err();
    assert_eq!(
        refuse(b"just some text, named photo.jpg"),
        ImageError::NotAnImage
    );
    assert_eq!(refuse(b"%PDF-1.7\n"), ImageError::NotAnImage);
    // BMP decodes fine elsewhere, but it is not a format this service accepts.
    assert_eq!(
        refuse(b"BM\x3a\0\0\0\0\0\0\0\x36\0\0\0"),
        ImageError::NotAnImage
    );

    for format in [
        ImageFormat::Jpeg,
        ImageFormat::Png,
        ImageFormat::Gif,
        ImageFormat::WebP,
    ] {
        let whole = encode(64, 64, format);
        let half = &whole[..whole.len() / 2];
        assert!(
            matches!(refuse(half), ImageError::Truncated | ImageError::Corrupt(_)),
            "{format:?} cut in half was accepted"
        );
    }
    let mut garbage = encode(64, 64, ImageFormat::Jpeg);
    let n = garbage.len();
    garbage[20..n - 2].fill(0x55);
    assert!(matches!(refuse(&garbage), ImageError::Corrupt(_)));

    assert_eq!(
        refuse(&png_bomb()),
        ImageError::TooLarge {
            width: 50_000,
            height: 50_000
        }
    );
}

#[test]
fn file_names_are_sanitised() {
    assert_eq!(
        sanitise_file_name("../../etc/passwd").as_deref(),
        Some("passwd")
    );
    assert_eq!(
        sanitise_file_name("..\\..\\boot.ini").as_deref(),
        Some("boot.ini")
    );
    assert_eq!(
        sanitise_file_name("<img src=x>.png").as_deref(),
        Some("img src=x.png")
    );
    assert_eq!(
        sanitise_file_name(".hidden.jpg").as_deref(),
        Some("hidden.jpg")
    );
    assert_eq!(sanitise_file_name("dir/"), None);
    assert_eq!(
        sanitise_file_name(". .."),
        None,
        "dots and spaces are no name"
    );
    assert_eq!(sanitise_file_name(" . .x.png ").as_deref(), Some("x.png"));
    assert_eq!(
        sanitise_file_name("a\u{0}b\nc.gif").as_deref(),
        Some("abc.gif")
    );
    assert_eq!(
        sanitise_file_name(&"x".repeat(300)).map(|s| s.len()),
        Some(100)
    );
}
