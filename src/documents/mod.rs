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

use crate::domain::document::{Content, VerificationPayload, VerificationRecord};
use crate::domain::model::Lang;
use layout::DoesNotFit;

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

/// What is printed besides the content: the QR text, the signature line, the record a
/// verifier needs (embedded in the document information dictionary), and for a copy of a
/// signed original that original's number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub qr: String,
    pub seal: Option<SealLine>,
    pub record: Option<String>,
    /// A copy (КӨШІРМЕ / КОПИЯ) of the signed original with this number: marked so on its
    /// face, and it claims no signature of its own.
    pub copy_of: Option<String>,
}

impl Stamp {
    /// The stamp of a paper that is not signed (yet): the QR carries the number, date, office,
    /// masked ИИН and the content hash.
    pub fn unsigned(content: &Content) -> Stamp {
        Stamp {
            qr: VerificationPayload::unsigned(content).encode(),
            seal: None,
            record: None,
            copy_of: None,
        }
    }

    /// The stamp of a paper about to be signed with a PAdES signature: the QR (the
    /// verification address or reference), the visible signature line, and the paper's own
    /// record, which the signature covers.
    pub fn pades(qr: String, seal: SealLine, record: String) -> Stamp {
        Stamp {
            qr,
            seal: Some(seal),
            record: Some(record),
            copy_of: None,
        }
    }

    /// The stamp of a copy of a signed original: its QR leads to the original.
    pub fn copy(qr: String, original_number: &str) -> Stamp {
        Stamp {
            qr,
            seal: None,
            record: None,
            copy_of: Some(original_number.to_string()),
        }
    }

    /// The stamp of a signed paper: everything on it comes from its verification record, so
    /// a verifier re-renders the paper from the record alone and compares every byte.
    pub fn signed(record: &VerificationRecord) -> Stamp {
        Stamp {
            qr: record.qr.clone(),
            seal: Some(SealLine {
                signer: record.signer.clone(),
                signed_at: record.signed_at_local,
                cert_serial: record.cert_serial.clone(),
            }),
            record: Some(record.encode()),
            copy_of: None,
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
}

/// A paper laid out: its title (in the languages it is printed in) and one display list per
/// page. The PDF writer and the window's page view both draw this, so what the head sees before
/// signing is what prints.
#[derive(Debug, Clone, PartialEq)]
pub struct Paper {
    pub title: String,
    pub pages: Vec<Vec<layout::Draw>>,
}

/// The languages a paper is printed in: the one it was written in when its free text is in
/// one language only, else those asked for.
pub fn effective_langs(content: &Content, langs: Langs) -> Langs {
    match content.paper_lang {
        Some(Lang::Kk) => Langs::Kk,
        Some(Lang::Ru) => Langs::Ru,
        None => langs,
    }
}

/// Lays a document out into pages.
pub fn layout(content: &Content, langs: Langs, stamp: &Stamp) -> Result<Paper, RenderError> {
    let langs = effective_langs(content, langs);
    Ok(Paper {
        title: title(content, langs),
        pages: templates::draw(content, langs, stamp)?,
    })
}

/// Renders a document to PDF bytes.
pub fn render(content: &Content, langs: Langs, stamp: &Stamp) -> Result<Vec<u8>, RenderError> {
    let paper = layout(content, langs, stamp)?;
    let langs = effective_langs(content, langs);
    to_pdf(&paper, content, langs, stamp)
}

/// Writes a laid-out paper as PDF.
fn to_pdf(
    paper: &Paper,
    content: &Content,
    langs: Langs,
    stamp: &Stamp,
) -> Result<Vec<u8>, RenderError> {
    let (regular, bold) = layout::parsed_fonts();
    let mut doc = PdfDocument::new(&paper.title);
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
    let pages: Vec<PdfPage> = paper
        .pages
        .iter()
        .map(|items| {
            PdfPage::new(
                Mm(layout::PAGE_W),
                Mm(layout::PAGE_H),
                layout::pdf_ops(items, &reg_id, &bold_id),
            )
        })
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
    doc.metadata.info.author = langs
        .list()
        .iter()
        .map(|l| content.issuer.name.get(*l).to_string())
        .collect::<Vec<_>>()
        .join(" / ");
    doc.metadata.info.identifier = stamp.record.clone().unwrap_or_default();
    let mut warnings = Vec::new();
    let mut lo = doc.with_pages(pages).to_lopdf_document(
        &PdfSaveOptions {
            subset_fonts: true,
            // printpdf compresses at zlib level 9, which costs several times the rest of the
            // rendering for a few per cent of size; `compress_streams` below uses level 1.
            optimize: false,
            ..Default::default()
        },
        &mut warnings,
    );
    compress_streams(&mut lo);
    honest_info(&mut lo);
    lo.trailer.set("ID", trailer_id(content, stamp));
    let mut bytes = Vec::with_capacity(48 * 1024);
    lo.save_to(&mut bytes)
        .expect("writing a PDF into memory cannot fail");
    Ok(bytes)
}

/// printpdf writes `/GTS_PDFXVersion` (empty) and `/Trapped` into every document
/// information dictionary, which makes readers report a PDF/X paper; ours claims no PDF/X
/// conformance, so both go, with the empty keywords.
fn honest_info(doc: &mut lopdf::Document) {
    let Ok(info) = doc.trailer.get(b"Info").and_then(|o| o.as_reference()) else {
        return;
    };
    if let Ok(lopdf::Object::Dictionary(d)) = doc.get_object_mut(info) {
        d.remove(b"GTS_PDFXVersion");
        d.remove(b"Trapped");
        if d.get(b"Keywords")
            .ok()
            .and_then(extract::string_of)
            .is_some_and(|k| k.is_empty())
        {
            d.remove(b"Keywords");
        }
    }
}

/// Deflates every stream that allows it (fonts, page contents) at zlib's fastest level
/// (level 1 costs a fifth of the default for about a tenth more bytes).
fn compress_streams(doc: &mut lopdf::Document) {
    use std::io::Write;
    for object in doc.objects.values_mut() {
        if let lopdf::Object::Stream(stream) = object
            && stream.allows_compression
            && stream.dict.get(b"Filter").is_err()
        {
            let mut enc = flate2::write::ZlibEncoder::new(
                Vec::with_capacity(stream.content.len() / 2),
                flate2::Compression::fast(),
            );
            if enc.write_all(&stream.content).is_err() {
                continue;
            }
            let Ok(packed) = enc.finish() else {
                continue;
            };
            if packed.len() + 19 < stream.content.len() {
                stream.dict.set("Filter", "FlateDecode");
                stream.set_content(packed);
            }
        }
    }
}

/// The trailer `/ID` pair derived from the content and stamp instead of printpdf's random
/// strings, so the same document always renders to the same bytes.
fn trailer_id(content: &Content, stamp: &Stamp) -> lopdf::Object {
    let mut h = Sha256::new();
    h.update(content.canonical());
    h.update(stamp.qr.as_bytes());
    let digest = h.finalize();
    let part =
        |bytes: &[u8]| lopdf::Object::String(bytes.to_vec(), lopdf::StringFormat::Hexadecimal);
    lopdf::Object::Array(vec![part(&digest[..16]), part(&digest[16..])])
}

/// The locale key of a paper's title: the one rule for the PDF, the window and the verify
/// screen.
pub fn title_key(content: &Content) -> String {
    match &content.body {
        crate::domain::document::Body::AspMembership {
            is_recipient: false,
            ..
        } => "doc-title-asp_membership_certificate-not".to_string(),
        _ => format!("doc-title-{}", content.kind.code()),
    }
}

/// A paper's title in one language, with its number.
pub fn title_in(content: &Content, lang: Lang) -> String {
    format!(
        "{} № {}",
        crate::i18n::tr(lang, &title_key(content)),
        content.number
    )
}

/// A paper's title in the languages it is printed in (the PDF's /Title).
pub fn title(content: &Content, langs: Langs) -> String {
    let names: Vec<String> = langs
        .list()
        .iter()
        .map(|l| crate::i18n::tr(*l, &title_key(content)))
        .collect();
    format!("{} № {}", names.join(" / "), content.number)
}

#[cfg(test)]
mod seed_wording;
#[cfg(test)]
mod tests;
