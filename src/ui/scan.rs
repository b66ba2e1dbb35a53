//! The pages of a PDF scan for the scan viewer, drawn by hayro (a PDF rasteriser in pure
//! Rust, no external program): whatever a page holds (a scanner's picture, text, lines) is
//! drawn as the page looks on paper. A page is drawn only when it is shown, so a scan of many
//! pages does not hold them all in memory at once; the longest side of a drawn page is
//! bounded, so a hostile page size cannot exhaust memory, and a page the rasteriser fails on
//! is reported as not viewable, never drawn half.

use std::sync::Arc;

use hayro::hayro_interpret::InterpreterSettings;
use hayro::hayro_syntax::Pdf;
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::{PixmapSettings, RenderCache, RenderSettings};

/// A page is drawn at twice its size in points (144 dpi)...
const SCALE: f32 = 2.0;
/// ...but never with a side longer than this many pixels.
const MAX_SIDE: f32 = 2000.0;

/// One drawn page: 8-bit RGBA pixels, opaque (the paper is white).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageImage {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

/// The number of pages of a PDF; `Err` when the file is not a PDF that can be read (damaged,
/// or protected with a password).
pub fn pdf_page_count(bytes: &Arc<Vec<u8>>) -> Result<usize, String> {
    let pdf = Pdf::new(bytes.clone()).map_err(|e| format!("{e:?}"))?;
    Ok(pdf.pages().len())
}

/// Draws page `index` (from 0) of a PDF; `None` when there is no such page or it cannot be
/// drawn.
pub fn pdf_page(bytes: &Arc<Vec<u8>>, index: usize) -> Option<PageImage> {
    draw(bytes, index, MAX_SIDE)
}

/// The first page of a PDF drawn small (its longest side `side` pixels at most), for a
/// thumbnail.
pub fn pdf_thumbnail(bytes: &Arc<Vec<u8>>, side: f32) -> Option<PageImage> {
    draw(bytes, 0, side.min(MAX_SIDE))
}

fn draw(bytes: &Arc<Vec<u8>>, index: usize, max_side: f32) -> Option<PageImage> {
    let bytes = bytes.clone();
    // The rasteriser is young: a panic on a strange file must not take the window down.
    std::panic::catch_unwind(move || {
        let pdf = Pdf::new(bytes).ok()?;
        let page = pdf.pages().get(index)?;
        let (w, h) = page.render_dimensions();
        if !(w.is_finite() && h.is_finite()) || w < 1.0 || h < 1.0 {
            return None;
        }
        let scale = SCALE.min(max_side / w.max(h));
        let cache = RenderCache::new();
        let pixmap = hayro::render(
            page,
            &cache,
            &InterpreterSettings::default(),
            &RenderSettings::default(),
            &PixmapSettings {
                x_scale: scale,
                y_scale: scale,
                bg_color: WHITE,
            },
        );
        let (width, height) = (u32::from(pixmap.width()), u32::from(pixmap.height()));
        if width == 0 || height == 0 {
            return None;
        }
        // On an opaque white ground premultiplied and straight alpha are the same bytes.
        Some(PageImage {
            width,
            height,
            pixels: pixmap.data_as_u8_slice().to_vec(),
        })
    })
    .ok()
    .flatten()
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

    /// The pixel at (x, y) of a drawn page.
    fn at(p: &PageImage, x: u32, y: u32) -> [u8; 4] {
        let i = ((y * p.width + x) * 4) as usize;
        p.pixels[i..i + 4].try_into().unwrap()
    }

    /// A one-page PDF of the given size whose page content is `content`.
    fn drawn_pdf(w: i64, h: i64, content: &str) -> Vec<u8> {
        use lopdf::{Document, Object, Stream, dictionary};
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        });
        let content = doc.add_object(Stream::new(dictionary! {}, content.as_bytes().to_vec()));
        let page = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), w.into(), h.into()],
            "Contents" => content,
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
        });
        doc.objects.insert(
            pages_id,
            Object::Dictionary(
                dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
            ),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog);
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out
    }

    #[test]
    fn each_page_of_a_scanned_pdf_is_drawn_when_shown() {
        let pdf = Arc::new(sample_scan_pdf(&[
            (30, 20, [200, 10, 20]),
            (20, 20, [0, 0, 255]),
        ]));
        assert_eq!(pdf_page_count(&pdf).unwrap(), 2);
        let p = pdf_page(&pdf, 0).unwrap();
        assert_eq!((p.width, p.height), (60, 40), "twice the size in points");
        assert_eq!(p.pixels.len(), 60 * 40 * 4);
        let [r, g, b, a] = at(&p, 30, 20);
        assert!(
            r > 180 && g < 40 && b < 50 && a == 255,
            "{:?}",
            at(&p, 30, 20)
        );
        let [r, g, b, _] = at(&pdf_page(&pdf, 1).unwrap(), 20, 20);
        assert!(r < 30 && g < 30 && b > 220);
        assert!(pdf_page(&pdf, 2).is_none(), "no third page");
        // The thumbnail is the first page, small.
        let t = pdf_thumbnail(&pdf, 15.0).unwrap();
        assert_eq!((t.width, t.height), (15, 10));
        assert!(at(&t, 7, 5)[0] > 180);
    }

    #[test]
    fn text_and_lines_are_drawn_too_not_only_pictures() {
        // A black box on the left half and a line of text: no picture anywhere on the page.
        let pdf = Arc::new(drawn_pdf(
            200,
            100,
            "0 0 0 rg 0 0 100 100 re f BT /F1 24 Tf 110 40 Td (Abc) Tj ET",
        ));
        let p = pdf_page(&pdf, 0).unwrap();
        assert_eq!((p.width, p.height), (400, 200));
        assert_eq!(at(&p, 50, 100), [0, 0, 0, 255], "the box is black");
        assert_eq!(at(&p, 399, 0), [255, 255, 255, 255], "the paper is white");
        let inked = (220..400)
            .flat_map(|x| (60..140).map(move |y| (x, y)))
            .filter(|&(x, y)| at(&p, x, y)[0] < 128)
            .count();
        assert!(inked > 50, "the text is drawn ({inked} dark pixels)");
    }

    #[test]
    fn a_huge_or_broken_page_cannot_exhaust_memory_or_crash() {
        // A page 5 m high would be 28 000 pixels at the usual scale.
        let p = pdf_page(&Arc::new(drawn_pdf(14_000, 7_000, "")), 0).unwrap();
        assert_eq!((p.width, p.height), (2000, 1000));
        assert!(pdf_page_count(&Arc::new(b"not a pdf".to_vec())).is_err());
        assert!(pdf_page(&Arc::new(b"not a pdf".to_vec()), 0).is_none());
        // Cut short in the middle: whatever of it can still be read, nothing panics.
        let pdf = sample_scan_pdf(&[(10, 10, [0, 0, 0]), (10, 10, [9, 9, 9])]);
        let cut = Arc::new(pdf[..pdf.len() / 2].to_vec());
        if let Ok(n) = pdf_page_count(&cut) {
            for i in 0..n {
                let _ = pdf_page(&cut, i);
            }
        }
    }
}
