//! The scans that come with an application at intake: files read (huge ones refused before
//! reading), checked to be scans, kept with a picture to preview.

use std::path::PathBuf;
use std::sync::Arc;

use iced::widget::image;

use super::State;
use crate::ui::Failure;

/// A scan waiting to be registered with the application.
#[derive(Debug, Clone)]
pub struct Scan {
    pub item: Option<String>,
    pub name: String,
    pub bytes: Arc<Vec<u8>>,
    pub preview: Option<image::Handle>,
}

/// A file that could not be read: its path as shown, and why.
pub type Unread = (String, std::io::ErrorKind);

pub(super) fn read_files(paths: Vec<PathBuf>) -> Vec<Result<(String, Vec<u8>), Unread>> {
    paths
        .into_iter()
        .map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            // Refuse huge files before reading them whole.
            let shown = p.display().to_string();
            match std::fs::metadata(&p) {
                Ok(m) if m.len() > 500 * 1024 * 1024 => {
                    Err((shown, std::io::ErrorKind::FileTooLarge))
                }
                Ok(m) if m.is_dir() => Err((shown, std::io::ErrorKind::IsADirectory)),
                Ok(_) => std::fs::read(&p)
                    .map(|b| (name.clone(), b))
                    .map_err(|e| (shown, e.kind())),
                Err(e) => Err((shown, e.kind())),
            }
        })
        .collect()
}

impl State {
    pub(super) fn add_scans(
        &mut self,
        item: Option<String>,
        files: Vec<Result<(String, Vec<u8>), Unread>>,
    ) {
        for f in files {
            match f {
                Ok((name, bytes)) => {
                    let kind = crate::domain::attachment::sniff(&bytes);
                    match kind {
                        Ok(k) => {
                            let bytes = Arc::new(bytes);
                            // A PDF's first page drawn small; TIFF has no thumbnail.
                            let preview = match k {
                                crate::domain::attachment::ScanKind::Pdf => {
                                    crate::ui::scan::pdf_thumbnail(&bytes, 240.0).map(|p| {
                                        image::Handle::from_rgba(p.width, p.height, p.pixels)
                                    })
                                }
                                _ => k
                                    .is_image()
                                    .then(|| image::Handle::from_bytes(bytes.to_vec())),
                            };
                            self.scans.push(Scan {
                                item: item.clone(),
                                name,
                                bytes,
                                preview,
                            });
                        }
                        Err(e) => {
                            let d = crate::desk::DeskError::Attachment(e);
                            self.error = Some(Failure::from(d));
                        }
                    }
                }
                Err((file, kind)) => {
                    self.error = Some(crate::ui::screen::print::io_failure(
                        kind,
                        "ui-scan-read-failed",
                        &file,
                        true,
                    ))
                }
            }
        }
    }
}
