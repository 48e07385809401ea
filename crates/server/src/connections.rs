//! The server's open connections, held below the process's file limit.
//!
//! Each accepted connection takes a place. When every place is taken, the connection that has
//! sat idle longest (no request in progress: one still sending its first request head, or one
//! kept alive between requests) is closed to make room, as nginx reuses idle keep-alive
//! connections when it runs out; when every connection is busy, the new one gets a 503 with
//! `Retry-After` and is closed. So the process never runs out of file descriptors (an `accept`
//! that fails leaves clients hanging with no answer), and clients that open connections and stay
//! silent cannot lock others out: the answer to a real request always finds a place.
//!
//! A connection counts as busy from a request's arrival until its response starts; a response
//! body still streaming when its connection is evicted is cut short. That only happens with
//! every place taken, and the client's retry gets a place.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::Notify;

use crate::http::{ApiError, ErrorCode};

/// How a connection is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionSettings {
    /// How long a connection may take to send a request head (or sit idle between requests).
    pub header_timeout: Duration,
    /// Connections open at once (see [`ConnectionSettings::places_for_file_limit`]).
    pub max_connections: usize,
}

impl ConnectionSettings {
    /// File descriptors kept for everything but client connections (database connections and
    /// their journals, stored objects being read or written, log files), at least.
    pub const RESERVED_FILES: u64 = 64;

    /// The places for connections that a file limit leaves: the limit less an eighth of it, and
    /// at least [`Self::RESERVED_FILES`], for the rest of the process; at most 65,536.
    pub fn places_for_file_limit(limit: u64) -> usize {
        let reserve = (limit / 8).max(Self::RESERVED_FILES);
        let places = limit.saturating_sub(reserve).clamp(1, 65_536);
        usize::try_from(places).unwrap_or(65_536)
    }

    /// The places this process's open-file limit (its soft limit, `ulimit -n`) leaves.
    pub fn places_for_this_process() -> usize {
        match rlimit::getrlimit(rlimit::Resource::NOFILE) {
            Ok((soft, _)) => Self::places_for_file_limit(soft),
            Err(_) => Self::places_for_file_limit(1024),
        }
    }
}

/// One open connection.
#[derive(Debug)]
pub struct Connection {
    id: u64,
    /// Requests in progress.
    busy: AtomicUsize,
    /// When it last became idle, in milliseconds since the tracker started.
    idle_since: AtomicU64,
    /// Wakes the connection's task to close it.
    evict: Notify,
    tracker: Arc<Tracker>,
}

/// A request in progress on a connection; dropping it marks the end.
#[derive(Debug)]
pub struct Busy(Arc<Connection>);

impl Connection {
    /// Marks a request as started.
    pub fn busy(self: &Arc<Self>) -> Busy {
        self.busy.fetch_add(1, Ordering::AcqRel);
        Busy(Arc::clone(self))
    }

    /// Resolves when the connection is to be closed to make room for another.
    pub async fn evicted(&self) {
        self.evict.notified().await;
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        let connection = &self.0;
        connection
            .idle_since
            .store(connection.tracker.now(), Ordering::Release);
        connection.busy.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The connection's place, given back when it closes.
#[derive(Debug)]
pub struct Place(Arc<Connection>);

impl std::ops::Deref for Place {
    type Target = Arc<Connection>;
    fn deref(&self) -> &Arc<Connection> {
        &self.0
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let tracker = &self.0.tracker;
        if tracker.open().remove(&self.0.id).is_none() {
            // Evicted: its file descriptor is closed now.
            tracker.closing.fetch_sub(1, Ordering::AcqRel);
        }
        tracker.closed.notify_waiters();
    }
}

/// The open connections.
#[derive(Debug)]
pub struct Tracker {
    places: usize,
    started: Instant,
    next_id: AtomicU64,
    open: Mutex<HashMap<u64, Arc<Connection>>>,
    /// Connections told to close whose tasks have not ended yet: their sockets are still open.
    closing: AtomicUsize,
    /// Told whenever a connection's place is given back.
    closed: Notify,
}

impl Tracker {
    pub fn new(places: usize) -> Arc<Tracker> {
        Arc::new(Tracker {
            places: places.max(1),
            started: Instant::now(),
            next_id: AtomicU64::new(0),
            open: Mutex::new(HashMap::new()),
            closing: AtomicUsize::new(0),
            closed: Notify::new(),
        })
    }

    /// Resolves when accepting one more connection keeps the sockets within the places: while
    /// every place is taken and connections told to close have not closed yet, the next one
    /// waits in the listen queue. Without this, a burst of new connections on a busy machine
    /// accepted faster than evicted ones closed, and the process ran out of file descriptors
    /// (seen in CI: 300 silent connections under `ulimit -n 256` while a model version came
    /// into service).
    pub async fn room(&self) {
        loop {
            let closed = self.closed.notified();
            tokio::pin!(closed);
            closed.as_mut().enable();
            let closing = self.closing.load(Ordering::Acquire);
            if closing == 0 || self.open().len() + closing < self.places {
                return;
            }
            closed.await;
        }
    }

    fn now(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// The open connections (a poisoned lock still holds a valid map).
    fn open(&self) -> MutexGuard<'_, HashMap<u64, Arc<Connection>>> {
        self.open
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// How many connections are open.
    pub fn len(&self) -> usize {
        self.open().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A place for a new connection: a free one, or the longest-idle connection's, which is
    /// told to close; `None` when every connection is busy.
    pub fn admit(self: &Arc<Self>) -> Option<Place> {
        let mut open = self.open();
        if open.len() >= self.places {
            let idlest = open
                .values()
                .filter(|c| c.busy.load(Ordering::Acquire) == 0)
                .min_by_key(|c| c.idle_since.load(Ordering::Acquire))
                .map(|c| c.id)?;
            if let Some(evicted) = open.remove(&idlest) {
                self.closing.fetch_add(1, Ordering::AcqRel);
                evicted.evict.notify_one();
            }
        }
        let connection = Arc::new(Connection {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            busy: AtomicUsize::new(0),
            idle_since: AtomicU64::new(self.now()),
            evict: Notify::new(),
            tracker: Arc::clone(self),
        });
        open.insert(connection.id, Arc::clone(&connection));
        Some(Place(connection))
    }
}

impl Tracker {
    /// Closes every idle connection (at shutdown: one that sent part of a request head would
    /// otherwise hold the stop until its header timeout).
    pub fn close_idle(&self) {
        for connection in self.open().values() {
            if connection.busy.load(Ordering::Acquire) == 0 {
                connection.evict.notify_one();
            }
        }
    }
}

/// What a connection that finds every place busy is told before it is closed.
fn full_answer() -> Vec<u8> {
    ApiError::unavailable(
        ErrorCode::ServerBusy,
        "Every connection is busy; try again in a second.",
        Duration::from_secs(1),
    )
    .to_http1_bytes()
}

/// Refusals in progress at most; a connection past them is closed at once, so that a flood of
/// new connections to a full server cannot take more file descriptors than this many.
const REFUSALS: usize = 64;

/// Turns away a connection there is no place for (see [`refuse`]), in the background, or at
/// once by closing it when [`REFUSALS`] are already under way.
pub fn turn_away(stream: tokio::net::TcpStream) {
    static UNDER_WAY: std::sync::LazyLock<Arc<tokio::sync::Semaphore>> =
        std::sync::LazyLock::new(|| Arc::new(tokio::sync::Semaphore::new(REFUSALS)));
    if let Ok(permit) = Arc::clone(&UNDER_WAY).try_acquire_owned() {
        tokio::spawn(async move {
            refuse(stream).await;
            drop(permit);
        });
    }
}

/// Answers 503 `server_busy` to a connection there is no place for, then closes it, all within
/// two seconds, so that a client that does not read cannot hold the socket.
///
/// The answer waits for the request head (up to a second; clients take an answer that comes
/// before their request for a broken server), and what the client sends after it is read and
/// dropped before the socket closes (a "lingering close": closing a socket with unread data
/// resets the connection, and a reset can destroy the answer before the client reads it).
async fn refuse(mut stream: tokio::net::TcpStream) {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        while head.len() < 16 * 1024 && !head.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => head.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        stream.write_all(&full_answer()).await?;
        stream.shutdown().await?;
        while stream.read(&mut buf).await? > 0 {}
        Ok::<_, std::io::Error>(())
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With every place taken, an evicted connection holds its socket until its task ends:
    /// there is room for the next one only then.
    #[tokio::test]
    async fn a_new_connection_waits_for_an_evicted_one_to_close() {
        let tracker = Tracker::new(2);
        let first = tracker.admit().unwrap();
        // Idle since a later millisecond: the first is the idlest.
        tokio::time::sleep(Duration::from_millis(5)).await;
        let second = tracker.admit().unwrap();
        assert!(
            tokio::time::timeout(Duration::from_millis(50), tracker.room())
                .await
                .is_ok(),
            "full, but nothing is closing: the next admit evicts"
        );
        let third = tracker.admit().unwrap();
        assert_eq!(tracker.len(), 2, "the idlest was evicted");
        let waiting = tokio::spawn({
            let tracker = Arc::clone(&tracker);
            async move { tracker.room().await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "the evicted socket is still open");
        drop(first);
        tokio::time::timeout(Duration::from_secs(1), waiting)
            .await
            .expect("room once the evicted connection closed")
            .unwrap();
        drop((second, third));
        assert!(tracker.is_empty());
    }

    #[test]
    fn the_answer_to_a_full_server_is_well_formed() {
        let answer = String::from_utf8(full_answer()).unwrap();
        assert!(answer.starts_with("HTTP/1.1 503 Service Unavailable\r\n"));
        assert!(answer.contains("\r\nretry-after: 1\r\n"));
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length: "))
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(length, body.len());
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(json["error"]["code"], "server_busy");
    }

    /// A flood of connections to a full server: the first [`REFUSALS`] are answered 503 (after
    /// waiting for their head), the rest are closed at once without an answer.
    #[tokio::test]
    async fn refusals_are_bounded() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut clients = Vec::new();
        for _ in 0..REFUSALS + 6 {
            clients.push(tokio::net::TcpStream::connect(addr).await.unwrap());
            let (stream, _) = listener.accept().await.unwrap();
            turn_away(stream);
        }
        let mut answers = Vec::new();
        for mut client in clients {
            let mut buf = Vec::new();
            let read =
                tokio::time::timeout(Duration::from_secs(5), client.read_to_end(&mut buf)).await;
            assert!(read.is_ok(), "a refused connection stayed open");
            answers.push(String::from_utf8_lossy(&buf).into_owned());
        }
        let answered = answers
            .iter()
            .filter(|a| a.starts_with("HTTP/1.1 503"))
            .count();
        assert_eq!(answered, REFUSALS);
        assert_eq!(answers.iter().filter(|a| a.is_empty()).count(), 6);
    }

    #[test]
    fn places_leave_room_for_the_rest_of_the_process() {
        assert_eq!(ConnectionSettings::places_for_file_limit(256), 192);
        assert_eq!(ConnectionSettings::places_for_file_limit(1024), 896);
        assert_eq!(ConnectionSettings::places_for_file_limit(10), 1);
        assert_eq!(ConnectionSettings::places_for_file_limit(1 << 20), 65_536);
    }

    #[test]
    fn a_full_tracker_closes_the_longest_idle_connection_and_never_a_busy_one() {
        let tracker = Tracker::new(2);
        let first = tracker.admit().unwrap();
        std::thread::sleep(Duration::from_millis(5));
        let second = tracker.admit().unwrap();
        // The first is busy: the second, idle, makes room.
        let request = first.busy();
        let third = tracker.admit().unwrap();
        assert_eq!(tracker.len(), 2);
        assert!(!tracker.open().contains_key(&second.id));
        // Both busy: no place.
        let other = third.busy();
        assert!(tracker.admit().is_none());
        // A request that ends makes its connection idle again.
        drop(request);
        let fourth = tracker.admit().unwrap();
        assert!(!tracker.open().contains_key(&first.id));
        drop((other, third, fourth, second, first));
        assert!(tracker.is_empty());
    }
}
