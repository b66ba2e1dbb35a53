//! A shared desk that can travel in messages (a restored backup, a finished first run) and key
//! a subscription (the background exchange).

use std::sync::Arc;

use crate::desk::Desk;

/// A shared desk that can travel in messages.
#[derive(Clone)]
pub struct DeskHandle(pub Arc<Desk>);

impl std::hash::Hash for DeskHandle {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.root().hash(state);
    }
}

impl std::fmt::Debug for DeskHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Desk")
    }
}
