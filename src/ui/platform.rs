//! Side effects the tests cannot reach, behind small traits with a real and a fake
//! implementation: file dialogs, printing, opening files.

use std::future::Future;
use std::path::PathBuf;
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

/// Why a paper did not reach a printer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrintFailure {
    /// No print system (CUPS `lp`) on this computer.
    NoPrintSystem,
    /// The print system refused the job, in its own words.
    Rejected(String),
    /// The paper could not be written for the print system.
    Spool(std::io::ErrorKind),
}

/// Printing.
pub trait Printer: Send + Sync {
    /// The printers the print system knows, the default one first (empty without CUPS).
    fn printers(&self) -> Fut<Vec<String>>;
    /// Sends the PDF to `printer`; the job's id once the print system has accepted it.
    fn print(
        &self,
        pdf: Vec<u8>,
        name: String,
        printer: String,
    ) -> Fut<Result<String, PrintFailure>>;
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

/// CUPS: `lpstat` lists the printers, `lp` takes the job.
#[derive(Debug)]
pub struct SystemPrinter {
    pub spool: PathBuf,
}

/// The printers CUPS accepts jobs for, the default first.
fn cups_printers() -> Vec<String> {
    fn run(args: &[&str]) -> Option<String> {
        std::process::Command::new("lpstat")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
    }
    let mut out: Vec<String> = run(&["-e"])
        .map(|s| {
            s.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    // "system default destination: NAME"
    if let Some(d) = run(&["-d"])
        .and_then(|s| s.rsplit(':').next().map(|p| p.trim().to_string()))
        .filter(|p| !p.is_empty())
        && let Some(i) = out.iter().position(|p| *p == d)
    {
        let p = out.remove(i);
        out.insert(0, p);
    }
    out
}

/// The job id in `lp`'s answer «request id is NAME-12 (1 file(s))».
pub fn lp_job_id(stdout: &str) -> Option<String> {
    let rest = stdout.split("request id is ").nth(1)?;
    rest.split_whitespace().next().map(str::to_string)
}

impl Printer for SystemPrinter {
    fn printers(&self) -> Fut<Vec<String>> {
        Box::pin(async move {
            tokio::task::spawn_blocking(cups_printers)
                .await
                .unwrap_or_default()
        })
    }
    fn print(
        &self,
        pdf: Vec<u8>,
        name: String,
        printer: String,
    ) -> Fut<Result<String, PrintFailure>> {
        let spool = self.spool.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                std::fs::create_dir_all(&spool).map_err(|e| PrintFailure::Spool(e.kind()))?;
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
                std::fs::write(&path, &pdf).map_err(|e| PrintFailure::Spool(e.kind()))?;
                let out = std::process::Command::new("lp")
                    .args(["-d", &printer, "-t", &safe])
                    .arg(&path)
                    .output()
                    .map_err(|e| match e.kind() {
                        std::io::ErrorKind::NotFound => PrintFailure::NoPrintSystem,
                        k => PrintFailure::Spool(k),
                    })?;
                let stdout = String::from_utf8_lossy(&out.stdout);
                if !out.status.success() {
                    let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
                    return Err(PrintFailure::Rejected(if err.is_empty() {
                        stdout.trim().to_string()
                    } else {
                        err
                    }));
                }
                Ok(lp_job_id(&stdout).unwrap_or_default())
            })
            .await
            .unwrap_or(Err(PrintFailure::Spool(std::io::ErrorKind::Other)))
        })
    }
}

/// Fakes for tests: the files a dialog "returns", the printers there are, and a record of
/// what was printed.
#[derive(Debug, Clone)]
pub struct Fake {
    pub scans: Arc<Mutex<Vec<PathBuf>>>,
    pub file: Arc<Mutex<Option<PathBuf>>>,
    /// The printers the fake print system knows (none: no CUPS).
    pub printers: Arc<Mutex<Vec<String>>>,
    /// When set, the print system refuses every job with these words.
    pub reject: Arc<Mutex<Option<String>>>,
    /// What the printers accepted: (name, bytes).
    pub printed: Arc<Mutex<Vec<(String, usize)>>>,
}

/// The fake office printer's name.
pub const FAKE_PRINTER: &str = "Kense-HP";

impl Default for Fake {
    fn default() -> Fake {
        Fake {
            scans: Arc::default(),
            file: Arc::default(),
            printers: Arc::new(Mutex::new(vec![FAKE_PRINTER.to_string()])),
            reject: Arc::default(),
            printed: Arc::default(),
        }
    }
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
    fn printers(&self) -> Fut<Vec<String>> {
        let v = self.printers.lock().map(|v| v.clone()).unwrap_or_default();
        Box::pin(async move { v })
    }
    fn print(
        &self,
        pdf: Vec<u8>,
        name: String,
        printer: String,
    ) -> Fut<Result<String, PrintFailure>> {
        let known = self
            .printers
            .lock()
            .map(|v| v.contains(&printer))
            .unwrap_or(false);
        let reject = self.reject.lock().ok().and_then(|r| r.clone());
        let r = if !known {
            Err(PrintFailure::NoPrintSystem)
        } else if let Some(why) = reject {
            Err(PrintFailure::Rejected(why))
        } else {
            let mut p = self.printed.lock().unwrap_or_else(|p| p.into_inner());
            p.push((name, pdf.len()));
            Ok(format!("{printer}-{}", p.len()))
        };
        Box::pin(async move { r })
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
