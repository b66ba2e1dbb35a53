//! The network around a sync test: the real reference gateway served in-process on
//! 127.0.0.1:0 (stopped and started again on the same database file at will), and a TCP
//! proxy between a client and the gateway that injects faults on chosen HTTP requests:
//! refuse the connection, cut the request half-way, cut the response half-way, lose the
//! response after the gateway answered, or hold a request (before or after the gateway saw
//! it) until the test lets it go. The proxy understands just enough HTTP/1.1 to find where a
//! request and a response end, so a fault hits exactly the request it is meant for.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use mio_desk::gateway::store::{GatewayDb, GatewayStore};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

/// The reference gateway running in this process.
pub struct Gateway {
    pub db: GatewayDb,
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl Gateway {
    pub async fn start(db: impl Into<GatewayDb>) -> Gateway {
        let db: GatewayDb = db.into();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(mio_desk::gateway::serve(listener, db.clone(), async move {
            let _ = stopped.await;
        }));
        Gateway {
            db,
            addr,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Stops the server and waits until it has let go (its store is closed).
    pub async fn stop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            t.await.unwrap().unwrap();
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A second connection to the gateway's database, for looking (SQLite; from async code
    /// on either backend, [`Gateway::with_store`]).
    pub fn store(&self) -> GatewayStore {
        GatewayStore::at(&self.db).unwrap()
    }

    /// Looks at the gateway's database on either backend, from async code too (the
    /// PostgreSQL client is synchronous: it runs off the async threads).
    pub fn with_store<T>(&self, f: impl FnOnce(&GatewayStore) -> T) -> T {
        tokio::task::block_in_place(|| f(&GatewayStore::at(&self.db).unwrap()))
    }
}

/// What the proxy does to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Close the client's connection without passing the request on (gateway down).
    Refuse,
    /// Pass half of the request's bytes on, then close both sides.
    CutRequest,
    /// Pass the request on, then only half of the response back, then close.
    CutResponse,
    /// Pass the request on (the gateway does its work), then close without any answer.
    LoseResponse,
    /// Answer 404 without passing the request on (a gateway that lacks this endpoint).
    NotFound,
    /// Stop before passing the request on and tell the test; go on when it says so.
    HoldRequest,
    /// Pass the request on, take the answer, then stop and tell the test before handing the
    /// answer back (or not, as the test says).
    HoldResponse,
}

/// A request that passed the proxy.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub status: Option<u16>,
    /// Bytes of the request on the wire (request line, headers, body).
    pub request_bytes: usize,
    pub request_body: Vec<u8>,
    /// Bytes of the gateway's response on the wire, whether or not the client got them.
    pub response_bytes: usize,
    pub response_body: Vec<u8>,
    pub fault: Option<Fault>,
}

/// A held request: let it go on, or cut it.
pub struct Held {
    pub method: String,
    pub path: String,
    go: oneshot::Sender<bool>,
}

impl Held {
    pub fn release(self) {
        let _ = self.go.send(true);
    }
    pub fn cut(self) {
        let _ = self.go.send(false);
    }
}

struct Rule {
    method: String,
    pattern: String,
    skip: usize,
    fault: Fault,
}

struct Inner {
    upstream: Mutex<SocketAddr>,
    down: AtomicBool,
    rules: Mutex<Vec<Rule>>,
    log: Mutex<Vec<Seen>>,
    held: mpsc::UnboundedSender<Held>,
}

pub struct Proxy {
    pub addr: SocketAddr,
    inner: Arc<Inner>,
    held: tokio::sync::Mutex<mpsc::UnboundedReceiver<Held>>,
    task: JoinHandle<()>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// `/v1/messages/*/ack` matches `/v1/messages/0190…/ack`; the query is ignored.
fn matches(pattern: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or("");
    let p: Vec<&str> = pattern.split('/').collect();
    let q: Vec<&str> = path.split('/').collect();
    p.len() == q.len() && p.iter().zip(&q).all(|(a, b)| *a == "*" || a == b)
}

impl Inner {
    fn take_fault(&self, method: &str, path: &str) -> Option<Fault> {
        let mut rules = self.rules.lock().unwrap();
        let i = rules
            .iter()
            .position(|r| r.method == method && matches(&r.pattern, path))?;
        if rules[i].skip > 0 {
            rules[i].skip -= 1;
            return None;
        }
        Some(rules.remove(i).fault)
    }
}

impl Proxy {
    pub async fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = mpsc::unbounded_channel();
        let inner = Arc::new(Inner {
            upstream: Mutex::new(upstream),
            down: AtomicBool::new(false),
            rules: Mutex::new(Vec::new()),
            log: Mutex::new(Vec::new()),
            held: tx,
        });
        let i = inner.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                if i.down.load(Ordering::SeqCst) {
                    drop(stream);
                    continue;
                }
                let i = i.clone();
                tokio::spawn(async move {
                    let _ = connection(i, stream).await;
                });
            }
        });
        Proxy {
            addr,
            inner,
            held: tokio::sync::Mutex::new(rx),
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn set_upstream(&self, upstream: SocketAddr) {
        *self.inner.upstream.lock().unwrap() = upstream;
    }

    /// Refuse every connection and request (the line is down) or let them through.
    pub fn set_down(&self, down: bool) {
        self.inner.down.store(down, Ordering::SeqCst);
    }

    /// The `nth` (from 1) next request `method pattern` gets `fault`.
    pub fn fault(&self, method: &str, pattern: &str, nth: usize, fault: Fault) {
        assert!(nth >= 1);
        self.inner.rules.lock().unwrap().push(Rule {
            method: method.into(),
            pattern: pattern.into(),
            skip: nth - 1,
            fault,
        });
    }

    /// Faults set up but not yet met.
    pub fn pending_faults(&self) -> usize {
        self.inner.rules.lock().unwrap().len()
    }

    /// The next held request.
    pub async fn held(&self) -> Held {
        self.held.lock().await.recv().await.unwrap()
    }

    pub fn log(&self) -> Vec<Seen> {
        self.inner.log.lock().unwrap().clone()
    }

    pub fn clear_log(&self) {
        self.inner.log.lock().unwrap().clear();
    }
}

/// One HTTP/1.1 message as bytes: its head and its body (exactly as framed on the wire).
struct Message {
    head: Vec<u8>,
    body_raw: Vec<u8>,
    /// The body without chunk framing.
    body: Vec<u8>,
}

impl Message {
    fn bytes(&self) -> Vec<u8> {
        let mut v = self.head.clone();
        v.extend_from_slice(&self.body_raw);
        v
    }
    fn first_line(&self) -> String {
        String::from_utf8_lossy(&self.head)
            .lines()
            .next()
            .unwrap_or("")
            .to_string()
    }
    fn header(&self, name: &str) -> Option<String> {
        String::from_utf8_lossy(&self.head)
            .lines()
            .skip(1)
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim()
                    .eq_ignore_ascii_case(name)
                    .then(|| v.trim().to_string())
            })
    }
}

async fn read_message<R: AsyncBufRead + Unpin>(
    r: &mut R,
    response: bool,
) -> std::io::Result<Option<Message>> {
    let mut head = Vec::new();
    loop {
        let n = r.read_until(b'\n', &mut head).await?;
        if n == 0 {
            if head.is_empty() {
                return Ok(None);
            }
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        if head.ends_with(b"\r\n\r\n") {
            break;
        }
    }
    let mut m = Message {
        head,
        body_raw: Vec::new(),
        body: Vec::new(),
    };
    let chunked = m
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    if chunked {
        loop {
            let mut line = Vec::new();
            r.read_until(b'\n', &mut line).await?;
            m.body_raw.extend_from_slice(&line);
            let size_text = String::from_utf8_lossy(&line);
            let size_text = size_text.trim().split(';').next().unwrap_or("0");
            let size = usize::from_str_radix(size_text, 16)
                .map_err(|_| std::io::Error::other("bad chunk size"))?;
            if size == 0 {
                loop {
                    let mut t = Vec::new();
                    r.read_until(b'\n', &mut t).await?;
                    m.body_raw.extend_from_slice(&t);
                    if t == b"\r\n" || t.is_empty() {
                        break;
                    }
                }
                break;
            }
            let mut chunk = vec![0u8; size + 2];
            r.read_exact(&mut chunk).await?;
            m.body_raw.extend_from_slice(&chunk);
            m.body.extend_from_slice(&chunk[..size]);
        }
    } else if let Some(len) = m.header("content-length") {
        let len: usize = len
            .parse()
            .map_err(|_| std::io::Error::other("bad length"))?;
        let mut b = vec![0u8; len];
        r.read_exact(&mut b).await?;
        m.body_raw = b.clone();
        m.body = b;
    } else if response {
        let status = m.first_line();
        let bodyless = status.contains(" 204 ") || status.contains(" 304 ");
        if !bodyless {
            r.read_to_end(&mut m.body_raw).await?;
            m.body = m.body_raw.clone();
        }
    }
    Ok(Some(m))
}

async fn connection(inner: Arc<Inner>, client: TcpStream) -> std::io::Result<()> {
    let (cr, mut cw) = client.into_split();
    let mut cr = BufReader::new(cr);
    loop {
        let Some(req) = read_message(&mut cr, false).await? else {
            return Ok(());
        };
        let line = req.first_line();
        let mut parts = line.split(' ');
        let method = parts.next().unwrap_or("").to_string();
        let path = parts.next().unwrap_or("").to_string();
        let mut seen = Seen {
            method: method.clone(),
            path: path.clone(),
            status: None,
            request_bytes: req.head.len() + req.body_raw.len(),
            request_body: req.body.clone(),
            response_bytes: 0,
            response_body: Vec::new(),
            fault: None,
        };
        if inner.down.load(Ordering::SeqCst) {
            seen.fault = Some(Fault::Refuse);
            inner.log.lock().unwrap().push(seen);
            return Ok(());
        }
        let fault = inner.take_fault(&method, &path);
        seen.fault = fault;
        if fault == Some(Fault::Refuse) {
            inner.log.lock().unwrap().push(seen);
            return Ok(());
        }
        if fault == Some(Fault::NotFound) {
            seen.status = Some(404);
            inner.log.lock().unwrap().push(seen);
            cw.write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n")
                .await?;
            cw.flush().await?;
            continue;
        }
        if fault == Some(Fault::HoldRequest) {
            let (go, wait) = oneshot::channel();
            let _ = inner.held.send(Held {
                method: method.clone(),
                path: path.clone(),
                go,
            });
            if !matches!(wait.await, Ok(true)) {
                inner.log.lock().unwrap().push(seen);
                return Ok(());
            }
        }
        let upstream = *inner.upstream.lock().unwrap();
        let Ok(up) = TcpStream::connect(upstream).await else {
            // The gateway is not there: the client's connection goes down with it.
            seen.fault = Some(Fault::Refuse);
            inner.log.lock().unwrap().push(seen);
            return Ok(());
        };
        let (ur, mut uw) = up.into_split();
        let mut ur = BufReader::new(ur);
        let raw = req.bytes();
        if fault == Some(Fault::CutRequest) {
            uw.write_all(&raw[..raw.len() / 2]).await?;
            uw.flush().await?;
            inner.log.lock().unwrap().push(seen);
            return Ok(());
        }
        uw.write_all(&raw).await?;
        uw.flush().await?;
        let Some(resp) = read_message(&mut ur, true).await? else {
            inner.log.lock().unwrap().push(seen);
            return Ok(());
        };
        drop((ur, uw));
        let rraw = resp.bytes();
        seen.status = resp
            .first_line()
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok());
        seen.response_bytes = rraw.len();
        seen.response_body = resp.body.clone();
        inner.log.lock().unwrap().push(seen);
        match fault {
            Some(Fault::CutResponse) => {
                cw.write_all(&rraw[..rraw.len() / 2]).await?;
                cw.flush().await?;
                return Ok(());
            }
            Some(Fault::LoseResponse) => return Ok(()),
            Some(Fault::HoldResponse) => {
                let (go, wait) = oneshot::channel();
                let _ = inner.held.send(Held { method, path, go });
                if !matches!(wait.await, Ok(true)) {
                    return Ok(());
                }
            }
            _ => {}
        }
        cw.write_all(&rraw).await?;
        cw.flush().await?;
    }
}

/// Runs each listed `async fn name(n: Net)` twice, through the reference gateway on a SQLite
/// file (`gateway_on_sqlite::name`) and on a PostgreSQL database of its own on the test server
/// (`gateway_on_postgres::name`; skipped with a note when no server answers, never under
/// `CI=true`). The test file's `Net::start_on(postgres)` sets the network up.
#[macro_export]
macro_rules! on_both_gateways {
    ($($name:ident),* $(,)?) => {
        mod gateway_on_sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                super::$name(super::Net::start_on(false).await.expect("a gateway on SQLite")).await
            })*
        }
        mod gateway_on_postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                if let Some(n) = super::Net::start_on(true).await {
                    super::$name(n).await
                }
            })*
        }
    };
}
