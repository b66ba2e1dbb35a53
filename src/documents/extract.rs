//! Reading our own PDFs back: the verification record in the document information, the QR
//! code from the drawn modules, and the text of each page. Used by `verify` and the tests.
//! Malformed input gives an error, never a panic.

use lopdf::content::Content as Ops;
use lopdf::{Document, Object};

/// Why a PDF could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    #[error("the file is not a readable PDF: {0}")]
    NotPdf(String),
    #[error("the PDF has no QR code drawn by this program")]
    NoQr,
    #[error("the QR code could not be decoded: {0}")]
    QrUnreadable(String),
}

pub fn load(bytes: &[u8]) -> Result<Document, ExtractError> {
    Document::load_mem(bytes).map_err(|e| ExtractError::NotPdf(e.to_string()))
}

pub fn string_of(o: &Object) -> Option<String> {
    match o {
        Object::String(bytes, _) => {
            if bytes.starts_with(&[0xFE, 0xFF]) {
                let u: Vec<u16> = bytes[2..]
                    .chunks(2)
                    .filter(|c| c.len() == 2)
                    .map(|c| u16::from_be_bytes([c[0], c[1]]))
                    .collect();
                String::from_utf16(&u).ok()
            } else {
                String::from_utf8(bytes.clone()).ok()
            }
        }
        _ => None,
    }
}

/// A string entry of the document information dictionary.
pub fn info_entry(doc: &Document, key: &[u8]) -> Option<String> {
    let info = doc.trailer.get(b"Info").ok()?;
    let dict = match info {
        Object::Reference(r) => doc.get_object(*r).ok()?.as_dict().ok()?,
        Object::Dictionary(d) => d,
        _ => return None,
    };
    dict.get(key).ok().and_then(string_of)
}

/// The text of every page (one string per page).
pub fn page_texts(doc: &Document) -> Vec<String> {
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    pages
        .iter()
        .map(|p| doc.extract_text(&[*p]).unwrap_or_default())
        .collect()
}

/// Finds the QR code drawn as filled rectangles (one subpath per run of dark modules) and
/// decodes it with a QR reader, so the test does not trust our own encoder.
pub fn qr_text(doc: &Document) -> Result<String, ExtractError> {
    for (_, page_id) in doc.get_pages() {
        let data = doc.get_page_content(page_id);
        let ops = Ops::decode(&data).map_err(|e| ExtractError::NotPdf(e.to_string()))?;
        // Collect every closed four-point subpath of the last fill that has many of them.
        let mut current: Vec<(f32, f32)> = Vec::new();
        let mut rects: Vec<(f32, f32, f32, f32)> = Vec::new();
        let mut best: Vec<(f32, f32, f32, f32)> = Vec::new();
        let num = |ops: &[Object], i: usize| -> f32 {
            match ops.get(i) {
                Some(Object::Integer(i)) => *i as f32,
                Some(Object::Real(r)) => *r,
                _ => 0.0,
            }
        };
        for op in &ops.operations {
            match op.operator.as_str() {
                "m" => {
                    if current.len() == 4 {
                        rects.push(bbox(&current));
                    }
                    current = vec![(num(&op.operands, 0), num(&op.operands, 1))];
                }
                "l" => current.push((num(&op.operands, 0), num(&op.operands, 1))),
                "h" => {
                    if current.len() == 4 {
                        rects.push(bbox(&current));
                    }
                    current.clear();
                }
                "f" | "f*" | "F" => {
                    if current.len() == 4 {
                        rects.push(bbox(&current));
                    }
                    current.clear();
                    if rects.len() > best.len() {
                        best = std::mem::take(&mut rects);
                    }
                    rects.clear();
                }
                _ => {}
            }
        }
        if best.len() < 20 {
            continue;
        }
        return decode_modules(&best);
    }
    Err(ExtractError::NoQr)
}

fn bbox(pts: &[(f32, f32)]) -> (f32, f32, f32, f32) {
    let xs = pts.iter().map(|p| p.0);
    let ys = pts.iter().map(|p| p.1);
    (
        xs.clone().fold(f32::MAX, f32::min),
        ys.clone().fold(f32::MAX, f32::min),
        xs.fold(f32::MIN, f32::max),
        ys.fold(f32::MIN, f32::max),
    )
}

/// Rasterises the rectangles (with a quiet zone) and decodes the QR code.
fn decode_modules(rects: &[(f32, f32, f32, f32)]) -> Result<String, ExtractError> {
    let x0 = rects.iter().map(|r| r.0).fold(f32::MAX, f32::min);
    let y0 = rects.iter().map(|r| r.1).fold(f32::MAX, f32::min);
    let x1 = rects.iter().map(|r| r.2).fold(f32::MIN, f32::max);
    let y1 = rects.iter().map(|r| r.3).fold(f32::MIN, f32::max);
    // The module size is the smallest rectangle height.
    let module = rects
        .iter()
        .map(|r| r.3 - r.1)
        .fold(f32::MAX, f32::min)
        .max(0.01);
    let n = ((x1 - x0) / module).round() as usize;
    if n == 0 || n > 200 {
        return Err(ExtractError::QrUnreadable(format!("{n} modules")));
    }
    let scale = 6usize;
    let quiet = 4usize;
    let side = (n + 2 * quiet) * scale;
    let mut img = vec![255u8; side * side];
    for r in rects {
        let c0 = ((r.0 - x0) / module).round() as usize;
        let c1 = ((r.2 - x0) / module).round() as usize;
        // PDF y grows upwards; image rows grow downwards.
        let row = ((y1 - r.3) / module).round() as usize;
        for col in c0..c1.min(n) {
            for dy in 0..scale {
                for dx in 0..scale {
                    let y = (row + quiet) * scale + dy;
                    let x = (col + quiet) * scale + dx;
                    if y < side && x < side {
                        img[y * side + x] = 0;
                    }
                }
            }
        }
    }
    let _ = y0;
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| img[y * side + x]);
    let grids = prepared.detect_grids();
    let grid = grids
        .first()
        .ok_or_else(|| ExtractError::QrUnreadable("no grid".into()))?;
    let (_, text) = grid
        .decode()
        .map_err(|e| ExtractError::QrUnreadable(e.to_string()))?;
    Ok(text)
}
