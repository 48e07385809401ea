//! Uploaded images: what a file really is (sniffed from its bytes), whether it decodes whole
//! within safe limits, the metadata worth keeping, a copy without the private metadata to serve,
//! and an upright thumbnail.
//!
//! Privacy: the served original keeps its pixels byte for byte but loses its EXIF, XMP, IPTC and
//! text metadata (GPS position, serial numbers, software, comments; a GIF's comments and
//! application blocks but for looping); only the orientation is
//! written back, so browsers still show it upright. The database keeps the capture time, camera
//! make and model and orientation, and only whether GPS data was present, never the position.

mod exif;
mod strip;

pub use strip::png_chunk;

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use sha2::{Digest, Sha256};

pub use exif::ExifSummary;

/// Widest side of a thumbnail.
pub const THUMB_WIDTH: u32 = 320;
/// Largest width or height accepted.
const MAX_SIDE: u32 = 16_384;
/// Largest number of pixels accepted (a 40-megapixel photo), so that a small file cannot make
/// the server allocate gigabytes.
const MAX_PIXELS: u64 = 40_000_000;
/// What a decoder may allocate at once.
const MAX_ALLOC: u64 = 256 * 1024 * 1024;

/// Why a file is not an image we accept. Each is a 422 for the uploader.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    #[error("the file is not a JPEG, PNG, GIF or WebP image")]
    NotAnImage,
    #[error("the image is truncated")]
    Truncated,
    #[error("the image is corrupt: {0}")]
    Corrupt(String),
    #[error(
        "the image is {width} × {height} pixels; at most {MAX_SIDE} per side and {MAX_PIXELS} pixels are accepted"
    )]
    TooLarge { width: u32, height: u32 },
}

/// The formats accepted, as sniffed from the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
    Gif,
    WebP,
}

impl Format {
    fn sniff(bytes: &[u8]) -> Option<Format> {
        match image::guess_format(bytes).ok()? {
            ImageFormat::Jpeg => Some(Format::Jpeg),
            ImageFormat::Png => Some(Format::Png),
            ImageFormat::Gif => Some(Format::Gif),
            ImageFormat::WebP => Some(Format::WebP),
            _ => None,
        }
    }

    fn image_format(self) -> ImageFormat {
        match self {
            Format::Jpeg => ImageFormat::Jpeg,
            Format::Png => ImageFormat::Png,
            Format::Gif => ImageFormat::Gif,
            Format::WebP => ImageFormat::WebP,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "jpeg",
            Format::Png => "png",
            Format::Gif => "gif",
            Format::WebP => "webp",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::Gif => "image/gif",
            Format::WebP => "image/webp",
        }
    }
}

/// A checked upload, ready to store.
#[derive(Debug)]
pub struct Processed {
    pub format: Format,
    pub width: u32,
    pub height: u32,
    /// The upload's size in bytes.
    pub size_bytes: u64,
    pub exif: ExifSummary,
    /// The original without its private metadata: what is stored and served.
    pub served: Vec<u8>,
    /// Hex SHA-256 of `served` (its ETag).
    pub sha256: String,
    /// An upright JPEG at most `THUMB_WIDTH` wide.
    pub thumbnail: Vec<u8>,
}

/// Checks an upload and prepares what is stored. CPU-bound: call it off the async runtime.
pub fn process(bytes: &[u8]) -> Result<Processed, ImageError> {
    let format = Format::sniff(bytes).ok_or(ImageError::NotAnImage)?;
    // The container walk finds truncation that some decoders forgive, and drops the metadata.
    let exif = exif::read(bytes);
    let served = strip::strip(format, bytes, exif.orientation)?;
    // What is checked and thumbnailed is the copy that is served: a damaged upload that decodes
    // only thanks to the metadata that was dropped is refused, not served broken.
    // The header alone says how large the image claims to be; refuse before decoding a pixel.
    let (width, height) = ImageReader::with_format(Cursor::new(&served), format.image_format())
        .into_dimensions()
        .map_err(decode_error)?;
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(ImageError::TooLarge { width, height });
    }
    if format == Format::Gif {
        every_gif_frame_decodes(&served, width, height)?;
    }
    let mut decoded = reader(&served, format).decode().map_err(decode_error)?;
    if let Some(o) = exif.orientation.and_then(Orientation::from_exif) {
        decoded.apply_orientation(o);
    }
    let thumbnail = thumbnail(&decoded)?;
    let sha256 = hex(&Sha256::digest(&served));
    Ok(Processed {
        format,
        width,
        height,
        size_bytes: bytes.len() as u64,
        exif,
        served,
        sha256,
        thumbnail,
    })
}

/// Pixels an animated GIF's frames may add up to (the canvas once per frame): a few seconds of
/// decoding at most.
const MAX_ANIMATION_PIXELS: u64 = 10 * MAX_PIXELS;

/// Decodes every frame of a GIF, not only the first that the still decoder reads, so that a file
/// damaged further on is refused rather than served broken.
fn every_gif_frame_decodes(bytes: &[u8], width: u32, height: u32) -> Result<(), ImageError> {
    use image::AnimationDecoder;
    let mut decoder =
        image::codecs::gif::GifDecoder::new(Cursor::new(bytes)).map_err(decode_error)?;
    image::ImageDecoder::set_limits(&mut decoder, limits()).map_err(decode_error)?;
    let canvas = u64::from(width) * u64::from(height);
    let mut pixels = 0u64;
    for frame in decoder.into_frames() {
        frame.map_err(decode_error)?;
        pixels += canvas;
        if pixels > MAX_ANIMATION_PIXELS {
            return Err(ImageError::Corrupt(format!(
                "the animation has more frames than an upload may have at {width} × {height}"
            )));
        }
    }
    Ok(())
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    limits
}

fn reader(bytes: &[u8], format: Format) -> ImageReader<Cursor<&[u8]>> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format.image_format());
    reader.limits(limits());
    reader
}

fn decode_error(e: image::ImageError) -> ImageError {
    match e {
        image::ImageError::Limits(_) => {
            ImageError::Corrupt("it needs more memory to decode than an upload may use".to_string())
        }
        image::ImageError::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            ImageError::Truncated
        }
        other => ImageError::Corrupt(other.to_string()),
    }
}

fn thumbnail(image: &DynamicImage) -> Result<Vec<u8>, ImageError> {
    let small = if image.width() > THUMB_WIDTH {
        image.resize(THUMB_WIDTH, u32::MAX, FilterType::Triangle)
    } else {
        image.clone()
    };
    // JPEG has no alpha: flatten transparent pixels onto white rather than black.
    let rgba = small.to_rgba8();
    let mut rgb = image::RgbImage::new(rgba.width(), rgba.height());
    for (out, px) in rgb.pixels_mut().zip(rgba.pixels()) {
        let a = u16::from(px[3]);
        for c in 0..3 {
            out[c] = ((u16::from(px[c]) * a + 255 * (255 - a)) / 255) as u8;
        }
    }
    let mut buf = Vec::new();
    JpegEncoder::new_with_quality(&mut buf, 82)
        .encode_image(&rgb)
        .map_err(|e| ImageError::Corrupt(e.to_string()))?;
    Ok(buf)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A file name safe to show and to put in a header: the last path component, control
/// characters, quotes and separators removed, at most 100 characters; `None` if nothing is left.
pub fn sanitise_file_name(raw: &str) -> Option<String> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\'' | '<' | '>' | ':' | '|' | '?' | '*'))
        .collect();
    // No leading dots or spaces in any mix (". .." is not a name), no trailing spaces.
    let clean = clean
        .trim_start_matches(|c: char| c == '.' || c.is_whitespace())
        .trim_end();
    (!clean.is_empty()).then(|| clean.chars().take(100).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by fuzz/fuzz_targets/images.rs (minimised): a damaged JPEG whose second scan
    /// header is invalid. The decoder never read it behind the APP4 segment that follows the
    /// first scan, so the upload was accepted, but the served copy, without that segment,
    /// did not decode. The served copy is what is decoded now, so the upload is refused.
    #[test]
    fn an_upload_whose_served_copy_does_not_decode_is_refused() {
        let hex: String = [
            "ffd8ffe1005245786966000049492a000800000003000f0100320000000000000001000000010004",
            "000000020300000000000043616e6f6e00fffe000973656372657421ffe000103a46494600010101",
            "004800480000ffdb0043000302020302020303040403030503030805050404050a070706080c0a0c",
            "744558740b0d0e12100d0e110e0b0b1016101113141515150c0f171816141812141514ffdb004301",
            "03040405040509050509140d0b0d1414141414141414141414141414141414141414141414141414",
            "141414141414141414141489504e470d0a1a0a1414141414ffc00011080007000f03011100021101",
            "031101ffc4001500010100000000000000000000000000000608ffc4001f10000104030003010000",
            "00000000000000020103040506071213141516ffc400140101000000000000000000000000000000",
            "00ffc40014110100000000000000000000000000000000ffdd00043f00ffda000c03010002110311",
            "003f00aab79f61934d7ab12e0000000000000000000016ffe4001401010000000000000000000000",
            "0000000000ffc40014110100000000000000000000000000000000ffdd00040020ffda000c030100",
            "02110311dab8c2470fffd9",
        ]
        .concat();
        let upload: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        assert!(
            matches!(process(&upload), Err(ImageError::Corrupt(_))),
            "{:?}",
            process(&upload).map(|p| p.served)
        );
    }

    /// An animation damaged far from its first frame (an impossible LZW code size in frame 30
    /// of 40) is refused: every frame is decoded, not only the first.
    #[test]
    fn a_gif_damaged_in_a_later_frame_is_refused() {
        use image::codecs::gif::GifEncoder;
        use image::{Delay, Frame, RgbaImage};
        let mut upload = Vec::new();
        {
            let mut encoder = GifEncoder::new(&mut upload);
            for i in 0..40u8 {
                let image = RgbaImage::from_fn(16, 16, |x, y| {
                    image::Rgba([i.wrapping_mul(6), (x * 16) as u8, (y * 16) as u8, 255])
                });
                let delay = Delay::from_numer_denom_ms(40, 1);
                encoder
                    .encode_frame(Frame::from_parts(image, 0, 0, delay))
                    .unwrap();
            }
        }
        let whole = process(&upload).unwrap();
        assert_eq!((whole.width, whole.height), (16, 16));
        let descriptor = [0x2C, 0, 0, 0, 0, 16, 0, 16, 0];
        let frames: Vec<usize> = upload
            .windows(descriptor.len())
            .enumerate()
            .filter(|(_, w)| *w == descriptor)
            .map(|(at, _)| at)
            .collect();
        assert_eq!(frames.len(), 40);
        let packed = upload[frames[29] + 9];
        let table = if packed & 0x80 != 0 {
            3 << ((packed & 7) + 1)
        } else {
            0
        };
        upload[frames[29] + 10 + table] = 0x0F; // LZW code sizes go up to 11
        assert!(
            matches!(process(&upload), Err(ImageError::Corrupt(_))),
            "{:?}",
            process(&upload).map(|p| p.size_bytes)
        );
    }
}
