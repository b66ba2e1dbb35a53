//! Side effects the tests cannot reach, behind small traits with a real and a fake
//! implementation: file dialogs, printing, opening files.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};

pub type Fut<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// File dialogs.
pub trait FilePicker: Send + Sync {
    /// Scans to attach (PDF, JPEG, PNG, TIFF).
    fn pick_scans(&self, title: String) -> Fut<Vec<PathBuf>>;
    /// One file of any kind (a key file, a backup, a PDF to verify).
    fn pick_file(&self, title: String) -> Fut<Option<PathBuf>>;
    /// Where to save a file.
    fn save_file(&self, title: String, name: String) -> Fut<Option<PathBuf>>;
}

/// What printing did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Printed {
    /// Sent to this printer.
    Printer(String),
    /// No printer: opened in the system viewer from this file.
    Opened(PathBuf),
}

/// Printing and opening papers.
pub trait Printer: Send + Sync {
    fn print(&self, pdf: Vec<u8>, name: String) -> Fut<Result<Printed, String>>;
}

/// rfd's native dialogs (a portal or zenity on Linux).
#[derive(Debug, Default)]
pub struct RfdPicker;

impl FilePicker for RfdPicker {
    fn pick_scans(&self, title: String) -> Fut<Vec<PathBuf>> {
        Box::pin(async move {
            rfd::AsyncFileDialog::new()
                .set_title(title)
                .add_filter(
                    "PDF, JPEG, PNG, TIFF",
                    &["pdf", "jpg", "jpeg", "png", "tif", "tiff"],
                )
                .pick_files()
                .await
                .map(|v| v.into_iter().map(|f| f.path().to_path_buf()).collect())
                .unwrap_or_default()
        })
    }
    fn pick_file(&self, title: String) -> Fut<Option<PathBuf>> {
        Box::pin(async move {
            rfd::AsyncFileDialog::new()
                .set_title(title)
                .pick_file()
                .await
                .map(|f| f.path().to_path_buf())
        })
    }
    fn save_file(&self, title: String, name: String) -> Fut<Option<PathBuf>> {
        Box::pin(async move {
            rfd::AsyncFileDialog::new()
                .set_title(title)
                .set_file_name(name)
                .save_file()
                .await
                .map(|f| f.path().to_path_buf())
        })
    }
}

/// CUPS `lp` when a default printer is configured, otherwise the system viewer.
#[derive(Debug)]
pub struct SystemPrinter {
    pub spool: PathBuf,
}

fn default_printer() -> Option<String> {
    let out = std::process::Command::new("lpstat")
        .arg("-d")
        .output()
        .ok()?;
    let s = String::from_utf8_lossy(&out.stdout);
    s.split(':')
        .nth(1)
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty() && out.status.success())
}

fn open_in_viewer(path: &Path) -> Result<(), String> {
    #[cfg(target_os = "windows")]
    let r = std::process::Command::new("cmd")
        .args(["/C", "start", ""])
        .arg(path)
        .spawn();
    #[cfg(target_os = "macos")]
    let r = std::process::Command::new("open").arg(path).spawn();
    #[cfg(all(unix, not(target_os = "macos")))]
    let r = std::process::Command::new("xdg-open").arg(path).spawn();
    r.map(|_| ()).map_err(|e| e.to_string())
}

impl Printer for SystemPrinter {
    fn print(&self, pdf: Vec<u8>, name: String) -> Fut<Result<Printed, String>> {
        let spool = self.spool.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                std::fs::create_dir_all(&spool).map_err(|e| e.to_string())?;
                let safe: String = name
                    .chars()
                    .map(|c| {
                        if c.is_alphanumeric() || c == '-' {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect();
                let path = spool.join(format!("{safe}.pdf"));
                std::fs::write(&path, &pdf).map_err(|e| e.to_string())?;
                if let Some(p) = default_printer() {
                    let st = std::process::Command::new("lp")
                        .args(["-d", &p])
                        .arg(&path)
                        .status()
                        .map_err(|e| e.to_string())?;
                    if st.success() {
                        return Ok(Printed::Printer(p));
                    }
                }
                open_in_viewer(&path)?;
                Ok(Printed::Opened(path))
            })
            .await
            .map_err(|e| e.to_string())?
        })
    }
}

/// Fakes for tests: the files a dialog "returns" and a record of what was printed.
#[derive(Debug, Default, Clone)]
pub struct Fake {
    pub scans: Arc<Mutex<Vec<PathBuf>>>,
    pub file: Arc<Mutex<Option<PathBuf>>>,
    pub printed: Arc<Mutex<Vec<(String, usize)>>>,
}

impl FilePicker for Fake {
    fn pick_scans(&self, _: String) -> Fut<Vec<PathBuf>> {
        let v = self.scans.lock().map(|v| v.clone()).unwrap_or_default();
        Box::pin(async move { v })
    }
    fn pick_file(&self, _: String) -> Fut<Option<PathBuf>> {
        let v = self.file.lock().ok().and_then(|v| v.clone());
        Box::pin(async move { v })
    }
    fn save_file(&self, _: String, _: String) -> Fut<Option<PathBuf>> {
        let v = self.file.lock().ok().and_then(|v| v.clone());
        Box::pin(async move { v })
    }
}

impl Printer for Fake {
    fn print(&self, pdf: Vec<u8>, name: String) -> Fut<Result<Printed, String>> {
        if let Ok(mut p) = self.printed.lock() {
            p.push((name.clone(), pdf.len()));
        }
        Box::pin(async move { Ok(Printed::Printer("fake".into())) })
    }
}

/// The side-effect providers of a running window.
#[derive(Clone)]
pub struct Platform {
    pub picker: Arc<dyn FilePicker>,
    pub printer: Arc<dyn Printer>,
}

impl Platform {
    pub fn system(spool: PathBuf) -> Platform {
        Platform {
            picker: Arc::new(RfdPicker),
            printer: Arc::new(SystemPrinter { spool }),
        }
    }
    pub fn fake(f: &Fake) -> Platform {
        Platform {
            picker: Arc::new(f.clone()),
            printer: Arc::new(f.clone()),
        }
    }
}

/// Runs blocking work (database, PDF rendering) off the window's thread.
pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    match tokio::task::spawn_blocking(f).await {
        Ok(v) => v,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}
