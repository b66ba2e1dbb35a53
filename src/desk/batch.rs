//! The head signs several papers with one PIN entry. Each paper is still checked and signed
//! on its own, in its own transaction, through [`Desk::sign`]: one that fails (changed by
//! someone meanwhile, a rule broken) is reported and the others go on.

use super::flow::{Signed, Target};
use super::{Desk, DeskError, Result, Session};
use crate::signing::KeyFileProvider;

/// What happened to one paper of a batch.
#[derive(Debug)]
pub struct BatchItem {
    pub target: Target,
    pub result: Result<Signed>,
}

impl Desk {
    /// Signs each of `targets` with the same key and PIN. The key is unlocked and its
    /// certificate checked once first, so a wrong PIN or a revoked certificate signs nothing
    /// and is the error; after that every paper gets its own [`Desk::sign`] (its own checks,
    /// transaction and audit entry).
    pub fn sign_many(
        &self,
        s: &Session,
        targets: &[Target],
        key_file: &[u8],
        pin: &str,
    ) -> Result<Vec<BatchItem>> {
        if targets.is_empty() {
            return Err(DeskError::Invalid {
                field: "selection".into(),
                key: "missing".into(),
            });
        }
        self.unlock_for(s, &KeyFileProvider, key_file, pin)?;
        Ok(targets
            .iter()
            .map(|t| BatchItem {
                target: *t,
                result: self.sign(s, *t, key_file, pin),
            })
            .collect())
    }
}
