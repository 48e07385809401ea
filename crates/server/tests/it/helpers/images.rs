//! Images the tests make: every accepted format, a JPEG with real EXIF fields, a decompression
//! bomb.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::{ImageFormat, RgbImage};

/// An EXIF value.
pub enum V {
    Ascii(&'static str),
    Short(u16),
    Bytes(Vec<u8>),
}

/// A little-endian TIFF block with IFD0 plus an EXIF and a GPS sub-IFD, as cameras write it.
pub fn tiff(ifd0: &[(u16, V)], exif: &[(u16, V)], gps: &[(u16, V)]) -> Vec<u8> {
    let size = |n: usize| 2 + 12 * n + 4;
    let n0 = ifd0.len() + 2; // plus the two sub-IFD pointers
    let off0 = 8;
    let off_exif = off0 + size(n0);
    let off_gps = off_exif + size(exif.len());
    let data_start = off_gps + size(gps.len());
    let mut data = Vec::new();
    let mut write_ifd = |entries: Vec<(u16, u16, u32, Vec<u8>)>, out: &mut Vec<u8>| {
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        for (tag, kind, count, bytes) in entries {
            out.extend_from_slice(&tag.to_le_bytes());
            out.extend_from_slice(&kind.to_le_bytes());
            out.extend_from_slice(&count.to_le_bytes());
            if bytes.len() <= 4 {
                let mut inline = bytes.clone();
                inline.resize(4, 0);
                out.extend_from_slice(&inline);
            } else {
                let at = (data_start + data.len()) as u32;
                out.extend_from_slice(&at.to_le_bytes());
                data.extend_from_slice(&bytes);
                if data.len() % 2 == 1 {
                    data.push(0);
                }
            }
        }
        out.extend_from_slice(&0u32.to_le_bytes());
    };
    let encode = |entries: &[(u16, V)]| -> Vec<(u16, u16, u32, Vec<u8>)> {
        entries
            .iter()
            .map(|(tag, v)| match v {
                V::Ascii(s) => {
                    let mut b = s.as_bytes().to_vec();
                    b.push(0);
                    (*tag, 2, b.len() as u32, b)
                }
                V::Short(n) => (*tag, 3, 1, n.to_le_bytes().to_vec()),
                V::Bytes(b) => (*tag, 1, b.len() as u32, b.clone()),
            })
            .collect()
    };
    let mut first = encode(ifd0);
    first.push((0x8769, 4, 1, (off_exif as u32).to_le_bytes().to_vec()));
    first.push((0x8825, 4, 1, (off_gps as u32).to_le_bytes().to_vec()));
    first.sort_by_key(|e| e.0);
    let mut out = b"II\x2a\x00\x08\x00\x00\x00".to_vec();
    write_ifd(first, &mut out);
    write_ifd(encode(exif), &mut out);
    write_ifd(encode(gps), &mut out);
    assert_eq!(out.len(), data_start);
    out.extend_from_slice(&data);
    out
}

/// A gradient, so that orientation and resizing are visible.
fn pixels(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, 128])
    })
}

pub fn encode(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let mut buf = Cursor::new(Vec::new());
    match format {
        ImageFormat::Jpeg => JpegEncoder::new_with_quality(&mut buf, 90)
            .encode_image(&pixels(width, height))
            .unwrap(),
        // WebP and GIF are written from RGBA.
        _ => image::DynamicImage::ImageRgba8(
            image::DynamicImage::ImageRgb8(pixels(width, height)).to_rgba8(),
        )
        .write_to(&mut buf, format)
        .unwrap(),
    }
    buf.into_inner()
}

/// A JPEG photo with the EXIF fields a phone writes, GPS position included.
pub fn camera_jpeg(width: u32, height: u32, orientation: u16) -> Vec<u8> {
    let exif = tiff(
        &[
            (0x010F, V::Ascii("Canon")),
            (0x0110, V::Ascii("Canon EOS 5D Mark IV")),
            (0x0112, V::Short(orientation)),
            (0x0132, V::Ascii("2024:05:02 08:00:00")),
            (0xA431, V::Ascii("SERIAL-123456")), // BodySerialNumber, not kept
        ],
        &[(0x9003, V::Ascii("2024:05:01 12:34:56"))],
        &[
            (0x0000, V::Bytes(vec![2, 3, 0, 0])),
            (0x0001, V::Ascii("N")),
        ],
    );
    let jpeg = encode(width, height, ImageFormat::Jpeg);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((2 + 6 + exif.len()) as u16).to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(&exif);
    // A comment, which is dropped too.
    out.extend_from_slice(&[0xFF, 0xFE, 0, 9]);
    out.extend_from_slice(b"secret!");
    out.extend_from_slice(&jpeg[2..]);
    out
}

pub fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    nextflex_app::images::png_chunk(&mut out, kind, data);
    out
}

/// A 300-byte PNG whose header claims 50,000 × 50,000 pixels (10 GB decoded).
pub fn png_bomb() -> Vec<u8> {
    let mut ihdr = 50_000u32.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&50_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(png_chunk(b"IHDR", &ihdr));
    out.extend(png_chunk(b"IDAT", &[0x78, 0x9c, 0x03, 0, 0, 0, 0, 1]));
    out.extend(png_chunk(b"IEND", &[]));
    out
}
