//! The DevTools protocol over Chromium's pipe (`--remote-debugging-pipe`): JSON messages
//! ended by a NUL byte, commands written to the browser's fd 3 and answers and events read
//! from its fd 4. No port is opened, so no other process on the machine can drive the browser.
//!
//! One reader task per browser routes each answer to the command waiting for it (by `id`) and
//! each event of a page to that page's session (by `sessionId`). Only the events a render
//! uses are passed on; everything else a page can make the browser say (console messages,
//! network events) is dropped in the reader, so a page cannot fill pagefeed's memory with
//! them. A message larger than [`Connection::max_message`] ends the connection.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::unix::pipe;
use tokio::sync::{mpsc, oneshot};

/// The events passed on to a page's session; the rest are dropped by the reader.
const FORWARDED: &[&str] = &[
    "Fetch.requestPaused",
    "Runtime.exceptionThrown",
    "Page.loadEventFired",
    "Page.javascriptDialogOpening",
    "Inspector.targetCrashed",
    "Inspector.detached",
];

/// At most this many exceptions of one page are passed on (only the first is reported).
const EXCEPTIONS_PER_PAGE: u32 = 4;

/// An event of one page.
#[derive(Debug)]
pub struct Event {
    pub method: String,
    pub params: Value,
}

/// Why a command got no answer.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CdpError {
    /// The browser answered with an error.
    #[error("{method}: {message}")]
    Protocol { method: String, message: String },
    /// The pipe closed: the browser exited or crashed.
    #[error("the browser closed its connection")]
    Closed,
    /// No answer in the time given.
    #[error("the browser did not answer in time")]
    Slow,
}

struct Session {
    events: mpsc::UnboundedSender<Event>,
    exceptions: u32,
}

type Answer = oneshot::Sender<Result<Value, CdpError>>;

#[derive(Default)]
struct Routes {
    waiting: HashMap<u64, (String, Answer)>,
    sessions: HashMap<String, Session>,
}

/// A connection to one browser.
pub struct Connection {
    writer: tokio::sync::Mutex<pipe::Sender>,
    next_id: AtomicU64,
    routes: Mutex<Routes>,
    closed: AtomicBool,
}

impl Connection {
    /// The largest message read: the rendered DOM comes in one message, so this is a little
    /// more than the largest page allowed (as JSON text, escaped).
    pub fn max_message(max_body: u64) -> usize {
        usize::try_from(max_body.saturating_mul(2).saturating_add(1 << 20)).unwrap_or(usize::MAX)
    }

    /// Start the connection over the pipe's two ends; the reader runs until the browser
    /// closes its end.
    pub fn start(
        writer: pipe::Sender,
        reader: pipe::Receiver,
        max_message: usize,
    ) -> Arc<Connection> {
        let connection = Arc::new(Connection {
            writer: tokio::sync::Mutex::new(writer),
            next_id: AtomicU64::new(1),
            routes: Mutex::new(Routes::default()),
            closed: AtomicBool::new(false),
        });
        let weak = Arc::downgrade(&connection);
        tokio::spawn(async move {
            let outcome = read_messages(reader, max_message, |message| match weak.upgrade() {
                Some(connection) => {
                    connection.dispatch(message);
                    true
                }
                None => false,
            })
            .await;
            if let Err(e) = outcome {
                tracing::debug!("browser connection: {e}");
            }
            if let Some(connection) = weak.upgrade() {
                connection.close();
            }
        });
        connection
    }

    fn routes(&self) -> std::sync::MutexGuard<'_, Routes> {
        self.routes.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst)
    }

    /// Every waiting command fails and every session ends.
    fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        let mut routes = self.routes();
        for (_, (_, answer)) in routes.waiting.drain() {
            let _ = answer.send(Err(CdpError::Closed));
        }
        routes.sessions.clear();
    }

    fn dispatch(&self, message: Value) {
        if let Some(id) = message.get("id").and_then(Value::as_u64) {
            let Some((method, answer)) = self.routes().waiting.remove(&id) else {
                return;
            };
            let result = match message.get("error") {
                Some(error) => Err(CdpError::Protocol {
                    method,
                    message: error
                        .get("message")
                        .and_then(Value::as_str)
                        .unwrap_or("error")
                        .chars()
                        .take(300)
                        .collect(),
                }),
                None => Ok(message.get("result").cloned().unwrap_or(Value::Null)),
            };
            let _ = answer.send(result);
            return;
        }
        let Some(method) = message.get("method").and_then(Value::as_str) else {
            return;
        };
        let session = match method {
            // The browser's word that a page's session ended, crash or close.
            "Target.detachedFromTarget" => message.pointer("/params/sessionId"),
            _ if FORWARDED.contains(&method) => message.get("sessionId"),
            _ => None,
        };
        let Some(session) = session.and_then(Value::as_str) else {
            return;
        };
        let mut routes = self.routes();
        let Some(route) = routes.sessions.get_mut(session) else {
            return;
        };
        if method == "Runtime.exceptionThrown" {
            if route.exceptions >= EXCEPTIONS_PER_PAGE {
                return;
            }
            route.exceptions += 1;
        }
        let params = message.get("params").cloned().unwrap_or(Value::Null);
        let method = method.to_owned();
        if route.events.send(Event { method, params }).is_err() {
            routes.sessions.remove(session);
        }
    }

    /// The events of a page's session, from now until it ends.
    pub fn subscribe(&self, session: &str) -> mpsc::UnboundedReceiver<Event> {
        let (events, receiver) = mpsc::unbounded_channel();
        let route = Session {
            events,
            exceptions: 0,
        };
        if !self.is_closed() {
            self.routes().sessions.insert(session.to_owned(), route);
        }
        receiver
    }

    pub fn unsubscribe(&self, session: &str) {
        self.routes().sessions.remove(session);
    }

    /// Send a command (to a page's session, or to the browser) and wait for its answer.
    pub async fn call(
        &self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<Value, CdpError> {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst);
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            message["sessionId"] = Value::from(session);
        }
        let (answer, answered) = oneshot::channel();
        {
            if self.is_closed() {
                return Err(CdpError::Closed);
            }
            self.routes()
                .waiting
                .insert(id, (method.to_owned(), answer));
        }
        let mut bytes = message.to_string().into_bytes();
        bytes.push(0);
        let written = {
            let mut writer = self.writer.lock().await;
            writer.write_all(&bytes).await
        };
        if written.is_err() {
            self.routes().waiting.remove(&id);
            return Err(CdpError::Closed);
        }
        // A command dropped before its answer leaves its entry, removed when the answer comes
        // or the connection closes.
        answered.await.unwrap_or(Err(CdpError::Closed))
    }
}

/// Read NUL-ended JSON messages from `reader` until it closes or `each` says stop. A message
/// longer than `max` is an error; a message that is not JSON is skipped.
async fn read_messages(
    mut reader: impl tokio::io::AsyncRead + Unpin,
    max: usize,
    mut each: impl FnMut(Value) -> bool,
) -> Result<(), String> {
    let mut buffer: Vec<u8> = Vec::with_capacity(64 * 1024);
    let mut chunk = vec![0u8; 64 * 1024];
    // Where the search for the next NUL resumes.
    let mut searched = 0;
    loop {
        let read = reader
            .read(&mut chunk)
            .await
            .map_err(|e| format!("read: {e}"))?;
        if read == 0 {
            return Ok(());
        }
        buffer.extend_from_slice(&chunk[..read]);
        while let Some(end) = buffer[searched..].iter().position(|b| *b == 0) {
            let end = searched + end;
            if end > max {
                return Err(format!("a message larger than {max} bytes"));
            }
            match serde_json::from_slice::<Value>(&buffer[..end]) {
                Ok(message) => {
                    if !each(message) {
                        return Ok(());
                    }
                }
                Err(e) => tracing::debug!("browser connection: a message that is not JSON: {e}"),
            }
            buffer.drain(..=end);
            searched = 0;
        }
        searched = buffer.len();
        if buffer.len() > max {
            return Err(format!("a message larger than {max} bytes"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn messages(bytes: &[u8], max: usize) -> (Vec<Value>, Result<(), String>) {
        let mut seen = Vec::new();
        let outcome = read_messages(bytes, max, |m| {
            seen.push(m);
            true
        })
        .await;
        (seen, outcome)
    }

    #[tokio::test]
    async fn messages_end_at_nul_bytes_and_junk_is_skipped() {
        let (seen, outcome) = messages(b"{\"id\":1}\0not json\0{\"id\":2}\0{\"id\":", 100).await;
        assert_eq!(seen, vec![json!({"id": 1}), json!({"id": 2})]);
        assert_eq!(outcome, Ok(()));
    }

    #[tokio::test]
    async fn a_message_past_the_limit_ends_the_connection() {
        let long = format!("{{\"s\":\"{}\"}}\0", "x".repeat(200));
        let (seen, outcome) = messages(long.as_bytes(), 100).await;
        assert!(seen.is_empty());
        assert!(outcome.is_err());
    }
}
