//! The gateway protocol and the client engine.

pub mod protocol;

use crate::desk::Desk;

/// Runs one exchange with the configured gateway.
pub fn run_once(desk: &Desk) -> Result<String, String> {
    let _ = desk;
    Err("not yet".into())
}
