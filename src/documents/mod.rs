//! PDF documents: one template per output form of DOMAIN.md, bilingual (Kazakh and Russian)
//! or in one language where the form allows it, with the department's name, unique number,
//! date, signature lines, the equivalence and QR clauses and a vector QR code.
//!
//! Rendering is deterministic: the same content and stamp give the same bytes (fixed
//! metadata, fixed font subset tags, the trailer ID derived from the content), so a reprint
//! hashes the same and a verifier can re-render a paper and compare it byte for byte.

pub mod extract;
pub mod layout;
mod templates;

use printpdf::{FontId, Mm, PdfDocument, PdfPage, PdfSaveOptions};
use sha2::{Digest, Sha256};

use crate::domain::document::{Content, VerificationPayload};
use crate::domain::model::Lang;
use layout::{Canvas, DoesNotFit};

/// Which languages to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Langs {
    Kk,
    Ru,
    #[default]
    Both,
}

impl Langs {
    pub fn list(self) -> &'static [Lang] {
        match self {
            Langs::Kk => &[Lang::Kk],
            Langs::Ru => &[Lang::Ru],
            Langs::Both => &[Lang::Kk, Lang::Ru],
        }
    }
    pub fn parse(s: &str) -> Option<Langs> {
        match s {
            "kk" => Some(Langs::Kk),
            "ru" => Some(Langs::Ru),
            "both" => Some(Langs::Both),
            _ => None,
        }
    }
}

/// The electronic signature line printed on a signed paper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealLine {
    pub signer: String,
    pub signed_at: chrono::NaiveDateTime,
    pub cert_serial: String,
}

/// What is printed besides the content: the QR text, the signature line, and the record a
/// verifier needs (embedded in the document information dictionary).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub qr: String,
    pub seal: Option<SealLine>,
    pub record: Option<String>,
}

impl Stamp {
    /// The stamp of a paper that is not signed (yet): the QR carries the number, date, office,
    /// masked ИИН and the content hash.
    pub fn unsigned(content: &Content) -> Stamp {
        Stamp {
            qr: VerificationPayload::unsigned(content).encode(),
            seal: None,
            record: None,
        }
    }
}

/// Why a document could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    DoesNotFit(#[from] DoesNotFit),
    #[error("the QR code cannot hold {0} bytes")]
    Qr(usize),
    #[error("this form cannot be printed in one language only")]
    BilingualOnly,
}

/// Renders a document to PDF bytes.
pub fn render(content: &Content, langs: Langs, stamp: &Stamp) -> Result<Vec<u8>, RenderError> {
    let (regular, bold) = layout::parsed_fonts();
    let mut doc = PdfDocument::new(&title_of(content));
    // Fixed font ids: their first six letters become the subset tags.
    let reg_id = FontId("MIOREGxxxxxxxxxxxxxxxxxxxxxxxxxx".into());
    let bold_id = FontId("MIOBLDxxxxxxxxxxxxxxxxxxxxxxxxxx".into());
    for (id, font) in [(&reg_id, regular), (&bold_id, bold)] {
        let tmp = doc.add_font(font);
        let f = doc
            .resources
            .fonts
            .map
            .remove(&tmp)
            .expect("font just added");
        doc.resources.fonts.map.insert(id.clone(), f);
    }
    let mut canvas = Canvas::new(reg_id, bold_id);
    templates::draw(&mut canvas, content, langs, stamp)?;
    let pages: Vec<PdfPage> = canvas
        .pages
        .into_iter()
        .map(|ops| PdfPage::new(Mm(layout::PAGE_W), Mm(layout::PAGE_H), ops))
        .collect();
    // Fixed metadata: the document's own date, no clock.
    let secs = content
        .date
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc()
        .timestamp();
    let date = printpdf::OffsetDateTime::from_unix_timestamp(secs)
        .unwrap_or_else(|_| printpdf::OffsetDateTime::from_unix_timestamp(0).expect("epoch"));
    doc.metadata.info.creation_date = date;
    doc.metadata.info.modification_date = date;
    doc.metadata.info.metadata_date = date;
    doc.metadata.info.creator = "mio-desk".into();
    doc.metadata.info.producer = "mio-desk".into();
    doc.metadata.info.subject = content.number.clone();
    doc.metadata.info.identifier = stamp.record.clone().unwrap_or_default();
    let mut warnings = Vec::new();
    let bytes = doc.with_pages(pages).save(
        &PdfSaveOptions {
            subset_fonts: true,
            ..Default::default()
        },
        &mut warnings,
    );
    Ok(fix_trailer_id(bytes, content, stamp))
}

/// Replaces printpdf's random trailer `/ID` strings (same length, so offsets stay valid) with
/// ones derived from the content and stamp.
fn fix_trailer_id(mut bytes: Vec<u8>, content: &Content, stamp: &Stamp) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(content.canonical());
    h.update(stamp.qr.as_bytes());
    let digest = hex::encode(h.finalize()).to_uppercase();
    let tail_start = bytes.len().saturating_sub(4096);
    let Some(pos) = find(&bytes[tail_start..], b"/ID") else {
        return bytes;
    };
    let mut i = tail_start + pos + 3;
    for n in 0..2 {
        // Next literal string "(...)".
        while i < bytes.len() && bytes[i] != b'(' {
            i += 1;
        }
        let start = i + 1;
        let Some(len) = bytes[start..].iter().position(|b| *b == b')') else {
            break;
        };
        for (k, b) in bytes[start..start + len].iter_mut().enumerate() {
            *b = digest.as_bytes()[(k + n * 7) % digest.len()];
        }
        i = start + len + 1;
    }
    bytes
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn title_of(content: &Content) -> String {
    format!(
        "{} {}",
        crate::i18n::tr(Lang::Ru, &format!("doc-title-{}", content.kind.code())),
        content.number
    )
}

#[cfg(test)]
mod tests;
