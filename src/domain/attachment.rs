//! Scans are hostile input: their type is decided by content (magic bytes), never by name, and
//! their names are cleaned before they are stored or shown.

use serde::{Deserialize, Serialize};

/// Accepted kinds of scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScanKind {
    Pdf,
    Jpeg,
    Png,
    Tiff,
}

impl ScanKind {
    pub fn mime(self) -> &'static str {
        match self {
            ScanKind::Pdf => "application/pdf",
            ScanKind::Jpeg => "image/jpeg",
            ScanKind::Png => "image/png",
            ScanKind::Tiff => "image/tiff",
        }
    }
    pub fn extension(self) -> &'static str {
        match self {
            ScanKind::Pdf => "pdf",
            ScanKind::Jpeg => "jpg",
            ScanKind::Png => "png",
            ScanKind::Tiff => "tif",
        }
    }
    pub fn from_mime(m: &str) -> Option<ScanKind> {
        [ScanKind::Pdf, ScanKind::Jpeg, ScanKind::Png, ScanKind::Tiff]
            .into_iter()
            .find(|k| k.mime() == m)
    }
    /// Images the window can preview.
    pub fn is_image(self) -> bool {
        matches!(self, ScanKind::Jpeg | ScanKind::Png)
    }
}

/// Why a file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum AttachmentError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is {size} bytes; at most {max} are allowed")]
    TooLarge { size: u64, max: u64 },
    #[error("the scans of one application would be {total} bytes; at most {max} are allowed")]
    ApplicationTooLarge { total: u64, max: u64 },
    #[error("the file is not a PDF, JPEG, PNG or TIFF scan")]
    UnsupportedType,
    #[error("the file looks like a {kind:?} but is damaged or cut off")]
    Malformed { kind: ScanKind },
    #[error("the scan is for an item that is not on this service's checklist: {0}")]
    UnknownChecklistItem(String),
}

impl AttachmentError {
    pub fn key(&self) -> &'static str {
        match self {
            AttachmentError::Empty => "empty",
            AttachmentError::TooLarge { .. } => "too-large",
            AttachmentError::ApplicationTooLarge { .. } => "application-too-large",
            AttachmentError::UnsupportedType => "unsupported",
            AttachmentError::Malformed { .. } => "malformed",
            AttachmentError::UnknownChecklistItem(_) => "unknown-item",
        }
    }
}

/// Decides the kind of a scan from its bytes and checks its structure enough to be sure it is
/// not a renamed executable or a truncated upload. Never panics.
pub fn sniff(bytes: &[u8]) -> Result<ScanKind, AttachmentError> {
    if bytes.is_empty() {
        return Err(AttachmentError::Empty);
    }
    if bytes.starts_with(b"%PDF-") {
        // A PDF ends with %%EOF (possibly followed by whitespace) within its last kilobyte.
        let tail = &bytes[bytes.len().saturating_sub(1024)..];
        if !tail.windows(5).any(|w| w == b"%%EOF") {
            return Err(AttachmentError::Malformed {
                kind: ScanKind::Pdf,
            });
        }
        return Ok(ScanKind::Pdf);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        // JPEG: ends with the EOI marker FF D9 (some writers pad after it).
        let tail = &bytes[bytes.len().saturating_sub(64)..];
        if bytes.len() < 4 || !tail.windows(2).any(|w| w == [0xFF, 0xD9]) {
            return Err(AttachmentError::Malformed {
                kind: ScanKind::Jpeg,
            });
        }
        return Ok(ScanKind::Jpeg);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        // PNG: IHDR first, and an IEND chunk at the end.
        if bytes.len() < 8 + 25 + 12
            || &bytes[12..16] != b"IHDR"
            || !bytes[bytes.len() - 12..].starts_with(&[0, 0, 0, 0])
            || &bytes[bytes.len() - 8..bytes.len() - 4] != b"IEND"
        {
            return Err(AttachmentError::Malformed {
                kind: ScanKind::Png,
            });
        }
        return Ok(ScanKind::Png);
    }
    if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        // TIFF: the first IFD offset must point inside the file.
        if bytes.len() < 8 {
            return Err(AttachmentError::Malformed {
                kind: ScanKind::Tiff,
            });
        }
        let off = if bytes[0] == b'I' {
            u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]])
        } else {
            u32::from_be_bytes([bytes[4], bytes[5], bytes[6], bytes[7]])
        } as usize;
        if off < 8 || off.saturating_add(2) > bytes.len() {
            return Err(AttachmentError::Malformed {
                kind: ScanKind::Tiff,
            });
        }
        return Ok(ScanKind::Tiff);
    }
    Err(AttachmentError::UnsupportedType)
}

/// A file name safe to store and show: no folders, no control or path characters, no leading
/// dots, at most 120 characters, with the extension of its real type.
pub fn sanitize_name(name: &str, kind: ScanKind) -> String {
    // Keep only the last path component, whatever separator the sender used.
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let mut clean: String = base
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| match c {
            ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c => c,
        })
        .collect();
    clean = clean.trim().trim_start_matches('.').trim().to_string();
    // Drop the claimed extension: the real one is added below.
    if let Some((stem, _)) = clean.rsplit_once('.')
        && !stem.is_empty()
    {
        clean = stem.to_string();
    }
    let stem: String = clean.chars().take(120).collect();
    let stem = if stem.trim().is_empty() {
        "scan".to_string()
    } else {
        stem
    };
    format!("{stem}.{}", kind.extension())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    pub(crate) fn tiny_png() -> Vec<u8> {
        let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
        v.extend_from_slice(&[0, 0, 0, 13]);
        v.extend_from_slice(b"IHDR");
        v.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
        v.extend_from_slice(&[0, 0, 0, 0]); // crc (not checked)
        v.extend_from_slice(&[0, 0, 0, 0]);
        v.extend_from_slice(b"IEND");
        v.extend_from_slice(&[0xAE, 0x42, 0x60, 0x82]);
        v
    }

    #[test]
    fn kinds_by_content_not_by_name() {
        assert_eq!(sniff(b"%PDF-1.7\n1 0 obj\n%%EOF\n"), Ok(ScanKind::Pdf));
        assert_eq!(sniff(&tiny_png()), Ok(ScanKind::Png));
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 0xFF, 0xD9]),
            Ok(ScanKind::Jpeg)
        );
        assert_eq!(sniff(b"II*\0\x08\0\0\0\0\0"), Ok(ScanKind::Tiff));
        assert_eq!(
            sniff(b"MZ\x90\0 this is an exe"),
            Err(AttachmentError::UnsupportedType)
        );
        assert_eq!(sniff(b""), Err(AttachmentError::Empty));
        assert_eq!(
            sniff(b"%PDF-1.7 cut off"),
            Err(AttachmentError::Malformed {
                kind: ScanKind::Pdf
            })
        );
        let mut png = tiny_png();
        png.truncate(20);
        assert!(matches!(
            sniff(&png),
            Err(AttachmentError::Malformed { .. })
        ));
        assert!(matches!(
            sniff(b"II*\0\xff\xff\xff\x7f"),
            Err(AttachmentError::Malformed { .. })
        ));
    }

    #[test]
    fn names_are_cleaned() {
        assert_eq!(
            sanitize_name("../../etc/passwd", ScanKind::Pdf),
            "passwd.pdf"
        );
        assert_eq!(
            sanitize_name("C:\\Users\\x\\паспорт.exe", ScanKind::Jpeg),
            "паспорт.jpg"
        );
        assert_eq!(
            sanitize_name("\u{0}\u{7}.bashrc", ScanKind::Png),
            "bashrc.png"
        );
        assert_eq!(sanitize_name("...", ScanKind::Png), "scan.png");
        assert_eq!(sanitize_name("a:b?.pdf", ScanKind::Pdf), "a_b_.pdf");
        assert!(
            sanitize_name(&"я".repeat(500), ScanKind::Pdf)
                .chars()
                .count()
                <= 124
        );
    }

    proptest! {
        #[test]
        fn sniff_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = sniff(&bytes);
        }

        #[test]
        fn sanitized_names_are_single_safe_components(name in "\\PC{0,80}") {
            let s = sanitize_name(&name, ScanKind::Pdf);
            prop_assert!(!s.contains('/') && !s.contains('\\'));
            prop_assert!(!s.chars().any(|c| c.is_control()));
            prop_assert!(!s.starts_with('.'));
            prop_assert!(s.ends_with(".pdf"));
        }
    }
}
