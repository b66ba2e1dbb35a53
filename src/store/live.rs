//! Change notices between the PCs of an office on the server: every write transaction that
//! changes an application or raises a sync conflict sends `NOTIFY mio_desk, '<json>'` as it
//! commits (see [`super::Tx::notice`]); each PC keeps one connection listening and passes what
//! it hears to the window, which refreshes the queues at once and marks what is new.
//!
//! The listener reconnects by itself when the server goes away and comes back; while it is
//! away the window learns that from the failing queries and says so.

use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::time::Duration;

use super::pg::{CHANNEL, Target};

/// What a notice says changed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Notice {
    /// The application changed, if any.
    #[serde(default)]
    pub app: Option<i64>,
    /// Its new status (absent when the status did not change).
    #[serde(default)]
    pub status: Option<String>,
    /// A sync conflict was recorded for this message.
    #[serde(default)]
    pub conflict: Option<String>,
    /// A setting the terms hang on changed (`calendar`, `term`): every PC reads them again.
    #[serde(default)]
    pub settings: Option<String>,
    /// The workstation that made the change.
    #[serde(default)]
    pub ws: Option<String>,
}

/// What the listener passes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Listening (again): the window can stop saying the server is away.
    Connected,
    /// The listening connection dropped; it is being made again.
    Lost(String),
    Changed(Notice),
}

/// Starts a thread that listens to the office's change notices until the receiver is dropped.
pub fn listen(target: &Target) -> Receiver<Event> {
    let (tx, rx) = channel();
    let target = target.clone();
    std::thread::Builder::new()
        .name("mio-desk-listen".into())
        .spawn(move || run(target, tx))
        .expect("spawn listener thread");
    rx
}

fn run(target: Target, tx: Sender<Event>) {
    let mut delay = Duration::from_millis(250);
    loop {
        match target.connect() {
            Ok(mut client) => {
                if client.batch_execute(&format!("LISTEN {CHANNEL}")).is_err() {
                    continue;
                }
                delay = Duration::from_millis(250);
                if tx.send(Event::Connected).is_err() {
                    return;
                }
                loop {
                    let heard = {
                        use postgres::fallible_iterator::FallibleIterator;
                        let mut n = client.notifications();
                        let mut it = n.timeout_iter(Duration::from_millis(500));
                        it.next().map(|o| o.map(|note| note.payload().to_string()))
                    };
                    match heard {
                        Ok(Some(payload)) => {
                            let notice =
                                serde_json::from_str::<Notice>(&payload).unwrap_or(Notice {
                                    app: None,
                                    status: None,
                                    conflict: None,
                                    settings: None,
                                    ws: None,
                                });
                            if tx.send(Event::Changed(notice)).is_err() {
                                return;
                            }
                        }
                        Ok(None) => {
                            // Quiet: check the window still wants us, and the link is alive.
                            if tx.send(Event::Changed(Notice::idle())).is_err() {
                                return;
                            }
                            if client.is_closed() {
                                let _ = tx.send(Event::Lost("connection closed".into()));
                                break;
                            }
                        }
                        Err(e) => {
                            if tx.send(Event::Lost(e.to_string())).is_err() {
                                return;
                            }
                            break;
                        }
                    }
                }
            }
            Err(e) => {
                if tx.send(Event::Lost(e.to_string())).is_err() {
                    return;
                }
            }
        }
        std::thread::sleep(delay);
        delay = (delay * 2).min(Duration::from_secs(10));
    }
}

impl Notice {
    /// The keep-alive the listener sends when nothing happened (dropped by [`drain`]).
    fn idle() -> Notice {
        Notice {
            app: None,
            status: None,
            conflict: None,
            settings: None,
            ws: Some(String::new()),
        }
    }

    fn is_idle(&self) -> bool {
        self.app.is_none() && self.conflict.is_none() && self.ws.as_deref() == Some("")
    }
}

/// The listener's "still here?" beat, which says nothing changed.
pub fn is_keepalive(e: &Event) -> bool {
    matches!(e, Event::Changed(n) if n.is_idle())
}

/// Everything heard since the last call, without waiting; `None` once the listener stopped.
pub fn drain(rx: &Receiver<Event>) -> Option<Vec<Event>> {
    let mut out = Vec::new();
    loop {
        match rx.try_recv() {
            Ok(Event::Changed(n)) if n.is_idle() => {}
            Ok(e) => out.push(e),
            Err(TryRecvError::Empty) => return Some(out),
            Err(TryRecvError::Disconnected) => return None,
        }
    }
}
