//! The pages of a scan for the scan viewer. An image scan is one page. A PDF scan (what a
//! scanner writes: each page one embedded picture) is shown page by page from the picture on
//! each page — JPEG as it is, Flate-compressed 8-bit grey or RGB turned into pixels. This is not
//! a PDF renderer: a page drawn with text or vector graphics, or a picture in another
//! compression (CCITT fax, JPEG 2000), is reported as not viewable here, never drawn wrong.

use std::io::Read;

/// One page's picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageImage {
    /// An encoded picture (JPEG, PNG) the image widget decodes itself.
    Encoded(Vec<u8>),
    /// Decoded pixels, 8-bit RGBA.
    Rgba {
        width: u32,
        height: u32,
        pixels: Vec<u8>,
    },
}

/// The pages of a PDF scan; `None` for a page this viewer cannot show. `Err` when the file is
/// not a PDF it can read at all.
pub fn pdf_pages(bytes: &[u8]) -> Result<Vec<Option<PageImage>>, String> {
    let doc = lopdf::Document::load_mem(bytes).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for (_, page) in doc.get_pages() {
        let images = doc.get_page_images(page).unwrap_or_default();
        // The scan is the largest picture on the page.
        let best = images.iter().max_by_key(|i| i.width * i.height);
        out.push(best.and_then(picture));
    }
    Ok(out)
}

fn picture(img: &lopdf::xobject::PdfImage<'_>) -> Option<PageImage> {
    let filters: Vec<&str> = img
        .filters
        .as_ref()
        .map(|f| f.iter().map(String::as_str).collect())
        .unwrap_or_default();
    match filters.as_slice() {
        ["DCTDecode"] => Some(PageImage::Encoded(img.content.to_vec())),
        [] | ["FlateDecode"] => {
            // A predictor would need undoing first: not handled, so not shown.
            if img.origin_dict.get(b"DecodeParms").is_ok() {
                return None;
            }
            let raw = if filters.is_empty() {
                img.content.to_vec()
            } else {
                let mut out = Vec::new();
                flate2::read::ZlibDecoder::new(img.content)
                    .read_to_end(&mut out)
                    .ok()?;
                out
            };
            let (w, h) = (
                u32::try_from(img.width).ok()?,
                u32::try_from(img.height).ok()?,
            );
            let n = (w as usize).checked_mul(h as usize)?;
            let channels = match img.color_space.as_deref() {
                Some("DeviceRGB") => 3,
                Some("DeviceGray") => 1,
                _ => return None,
            };
            if img.bits_per_component != Some(8) || raw.len() < n * channels {
                return None;
            }
            let mut pixels = Vec::with_capacity(n * 4);
            for px in raw[..n * channels].chunks_exact(channels) {
                match px {
                    [g] => pixels.extend_from_slice(&[*g, *g, *g, 255]),
                    [r, g, b] => pixels.extend_from_slice(&[*r, *g, *b, 255]),
                    _ => return None,
                }
            }
            Some(PageImage::Rgba {
                width: w,
                height: h,
                pixels,
            })
        }
        _ => None,
    }
}

/// A PDF of pages each holding one Flate-compressed RGB picture `w`×`h` of the given colours
/// (for tests: what a scanner writes).
pub fn sample_scan_pdf(pages: &[(u32, u32, [u8; 3])]) -> Vec<u8> {
    use lopdf::{Document, Object, Stream, dictionary};
    use std::io::Write;
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let mut kids = Vec::new();
    for (w, h, rgb) in pages {
        let raw: Vec<u8> = (0..w * h).flat_map(|_| rgb.iter().copied()).collect();
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&raw).expect("in memory");
        let data = z.finish().expect("in memory");
        let image = doc.add_object(Stream::new(
            dictionary! {
                "Type" => "XObject",
                "Subtype" => "Image",
                "Width" => i64::from(*w),
                "Height" => i64::from(*h),
                "ColorSpace" => "DeviceRGB",
                "BitsPerComponent" => 8i64,
                "Filter" => "FlateDecode",
            },
            data,
        ));
        let content = doc.add_object(Stream::new(
            dictionary! {},
            format!("q {w} 0 0 {h} 0 0 cm /Im0 Do Q").into_bytes(),
        ));
        let page = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), i64::from(*w).into(), i64::from(*h).into()],
            "Contents" => content,
            "Resources" => dictionary! { "XObject" => dictionary! { "Im0" => image } },
        });
        kids.push(Object::Reference(page));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("in memory");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_page_of_a_scanned_pdf_is_its_picture() {
        let pdf = sample_scan_pdf(&[(3, 2, [200, 10, 20]), (2, 2, [0, 0, 255])]);
        let pages = pdf_pages(&pdf).unwrap();
        assert_eq!(pages.len(), 2);
        let Some(PageImage::Rgba {
            width,
            height,
            pixels,
        }) = &pages[0]
        else {
            panic!("{:?}", pages[0])
        };
        assert_eq!((*width, *height), (3, 2));
        assert_eq!(&pixels[..4], &[200, 10, 20, 255]);
        assert_eq!(pixels.len(), 3 * 2 * 4);
        let Some(PageImage::Rgba { pixels, .. }) = &pages[1] else {
            panic!()
        };
        assert_eq!(&pixels[..4], &[0, 0, 255, 255]);
        assert!(pdf_pages(b"not a pdf").is_err());
    }
}
