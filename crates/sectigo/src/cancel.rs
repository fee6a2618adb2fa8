//! Stopping a call from another thread.
//!
//! A blocking call cannot be interrupted by its own thread. An async wrapper (the Python
//! package's `AsyncClient`) runs each call on a worker thread, and when the task awaiting it is
//! cancelled it stops the call through the call's [`Cancel`] handle. What stopping can mean
//! depends on how far the call got, which the handle follows exactly:
//! - **Nothing of the request has left** (the call is waiting for a thread, resolving,
//!   connecting, in the TLS handshake, or waiting before a retry): the call stops and provably
//!   did nothing. It fails with a [`TransportError`](crate::TransportError) of kind
//!   [`Cancelled`](crate::TransportErrorKind::Cancelled), marked `not_sent`.
//! - **Some of the request may have left.** [`Cancel::cancel`] aborts the call by shutting its
//!   connection down: a call that changes nothing fails as cancelled, and one that changes state
//!   fails with [`OutcomeUnknown`](crate::OutcomeUnknown), since the server may have acted on
//!   it. [`Cancel::cancel_unsent`] instead leaves such a call to finish, so that its outcome is
//!   learnt.
//!
//! A connection is shut down only while it carries the cancelled call: never once it is back in
//! the pool for another call.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Weak};
use std::time::Duration;

/// Nothing of the request has left.
const UNSENT: u8 = 0;
/// Some of the request may have left.
const SENDING: u8 = 1;
/// Stopped before anything left.
const CANCELLED: u8 = 2;
/// Stopped after some of the request may have left.
const ABORTED: u8 = 3;
/// The call is over.
const OVER: u8 = 4;
/// Not yet used by a call.
const NEW: u8 = 5;

/// A handle that stops one call from another thread: pass it to
/// [`Client::call_with_cancel`](crate::Client::call_with_cancel) or
/// [`Client::send_with_cancel`](crate::Client::send_with_cancel), and keep a clone to cancel
/// with. A handle serves one call; a second call with it fails with a configuration error.
///
/// ```no_run
/// # fn run(client: sectigo::Client) -> Result<(), sectigo::Error> {
/// let cancel = sectigo::Cancel::new();
/// let stopper = cancel.clone();
/// std::thread::spawn(move || {
///     std::thread::sleep(std::time::Duration::from_secs(2));
///     // A read is aborted wherever it is; its thread gets a `Cancelled` transport error.
///     stopper.cancel();
/// });
/// let endpoint = sectigo::dynamic::endpoint("!initCustomerSession").unwrap();
/// client.call_with_cancel(endpoint, [("orderNumber", "1000003")], &cancel)?;
/// # Ok(()) }
/// ```
#[derive(Clone, Default)]
pub struct Cancel {
    state: Arc<State>,
}

/// How far a call had got when it was cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// Nothing of its request had left, and nothing will: it did nothing.
    BeforeSending,
    /// Some of its request may have reached the server; its connection was shut down.
    AfterSending,
    /// It was already over (its result stands).
    AlreadyOver,
}

pub(crate) struct State {
    /// Tells this call's claim on a connection from another's.
    id: u64,
    phase: AtomicU8,
    /// The connection carrying the call, if any; also what a wait before a retry sleeps on.
    connection: Mutex<Option<Claim>>,
    wake: Condvar,
}

/// A connection a call is using: the socket, and who is using it now (a connection serves one
/// call after another).
struct Claim {
    stream: Weak<TcpStream>,
    user: Arc<Mutex<u64>>,
}

impl Default for State {
    fn default() -> State {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        State {
            id: NEXT.fetch_add(1, Ordering::Relaxed),
            phase: AtomicU8::new(NEW),
            connection: Mutex::new(None),
            wake: Condvar::new(),
        }
    }
}

impl fmt::Debug for Cancel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let phase = match self.state.phase.load(Ordering::Acquire) {
            NEW => "new",
            UNSENT => "unsent",
            SENDING => "sending",
            CANCELLED => "cancelled before sending",
            ABORTED => "cancelled after sending",
            _ => "over",
        };
        f.debug_struct("Cancel").field("phase", &phase).finish()
    }
}

impl Cancel {
    /// A handle for one call.
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Stops the call if nothing of its request has left yet, and then nothing ever will; the
    /// call fails with a [`Cancelled`](crate::TransportErrorKind::Cancelled) transport error
    /// marked `not_sent`. Returns whether it did (also when it was already so stopped). A call
    /// that may have sent something is left to finish.
    pub fn cancel_unsent(&self) -> bool {
        let stopped = self.state.stop_unsent();
        if stopped {
            self.state.shut_down();
        }
        stopped
    }

    /// Stops the call however far it got. Before anything was sent it is as
    /// [`cancel_unsent`](Self::cancel_unsent). After, the call's connection is shut down: a
    /// call that changes nothing fails as cancelled; one that changes state (an order, a
    /// signup, an authorization) fails with [`OutcomeUnknown`](crate::OutcomeUnknown), because
    /// the server may have acted on it.
    pub fn cancel(&self) -> Stopped {
        let state = &self.state;
        let stopped = if state.stop_unsent() {
            Stopped::BeforeSending
        } else {
            match state.phase.compare_exchange(SENDING, ABORTED, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => Stopped::AfterSending,
                Err(ABORTED) => Stopped::AfterSending,
                Err(CANCELLED) => Stopped::BeforeSending,
                Err(_) => Stopped::AlreadyOver,
            }
        };
        if stopped != Stopped::AlreadyOver {
            state.shut_down();
        }
        stopped
    }

    /// Whether the call was stopped (before or after sending).
    pub fn is_cancelled(&self) -> bool {
        matches!(self.state.phase.load(Ordering::Acquire), CANCELLED | ABORTED)
    }

    /// Makes this handle the calling thread's current call's, until the guard goes; `None` if
    /// the handle was used before.
    pub(crate) fn enter(&self) -> Option<Scope> {
        self.state
            .phase
            .compare_exchange(NEW, UNSENT, Ordering::AcqRel, Ordering::Acquire)
            .or_else(|phase| {
                // Cancelled before the call started (while waiting for a thread): it starts, and
                // stops at once.
                if phase == CANCELLED { Ok(CANCELLED) } else { Err(phase) }
            })
            .ok()?;
        CURRENT.with(|c| *c.borrow_mut() = Some(self.state.clone()));
        Some(Scope { state: self.state.clone() })
    }
}

impl State {
    /// UNSENT (or NEW) to CANCELLED; true if it is CANCELLED now.
    fn stop_unsent(&self) -> bool {
        let mut phase = self.phase.load(Ordering::Acquire);
        loop {
            match phase {
                CANCELLED => return true,
                UNSENT | NEW => {
                    match self.phase.compare_exchange(phase, CANCELLED, Ordering::AcqRel, Ordering::Acquire) {
                        Ok(_) => return true,
                        Err(now) => phase = now,
                    }
                }
                _ => return false,
            }
        }
    }

    fn stopped(&self) -> bool {
        matches!(self.phase.load(Ordering::Acquire), CANCELLED | ABORTED)
    }

    fn lock(&self) -> MutexGuard<'_, Option<Claim>> {
        self.connection.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Shuts the call's connection down if it still carries this call, and wakes a wait.
    fn shut_down(&self) {
        let connection = self.lock();
        if let Some(claim) = connection.as_ref() {
            let user = claim.user.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if *user == self.id
                && let Some(stream) = claim.stream.upgrade()
            {
                let _ = stream.shutdown(Shutdown::Both);
            }
        }
        self.wake.notify_all();
    }
}

/// The current call's handle on this thread, while the call runs.
pub(crate) struct Scope {
    state: Arc<State>,
}

impl Scope {
    /// Whether the call was stopped, and whether anything of it may have left (`Some(true)`:
    /// stopped after sending).
    pub(crate) fn stopped(&self) -> Option<bool> {
        match self.state.phase.load(Ordering::Acquire) {
            CANCELLED => Some(false),
            ABORTED => Some(true),
            _ => None,
        }
    }

    /// An attempt failed in a way that proves it did nothing (a retry follows): nothing of the
    /// call has reached the server yet.
    pub(crate) fn attempt_did_nothing(&self) {
        let _ = self.state.phase.compare_exchange(SENDING, UNSENT, Ordering::AcqRel, Ordering::Acquire);
        *self.state.lock() = None;
    }

    /// Waits before a retry; a cancellation ends the wait at once.
    pub(crate) fn sleep(&self, wait: Duration) {
        let guard = self.state.lock();
        let _ = self.state.wake.wait_timeout_while(guard, wait, |_| !self.state.stopped());
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        CURRENT.with(|c| *c.borrow_mut() = None);
        let _ = self
            .state
            .phase
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |p| matches!(p, UNSENT | SENDING).then_some(OVER));
        *self.state.lock() = None;
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Arc<State>>> = const { RefCell::new(None) };
    /// A connection is being made (a proxy's tunnel, the TLS handshake): what is written now is
    /// not the request.
    static CONNECTING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` (making a connection) with writes counted as not the request's.
pub(crate) fn connecting<T>(f: impl FnOnce() -> T) -> T {
    let before = CONNECTING.with(|c| c.replace(true));
    let out = f();
    CONNECTING.with(|c| c.set(before));
    out
}

/// Whether the current call, if any, was stopped.
pub(crate) fn current_stopped() -> bool {
    CURRENT.with(|c| c.borrow().as_ref().is_some_and(|s| s.stopped()))
}

/// The transport is about to write on `stream`, used by the connection-wide `user`: the current
/// call, if any, claims the connection (so that a cancellation can shut it down) and, unless a
/// connection is being made, moves to "some of the request may have left". `Err` if the call
/// was stopped: nothing may be written.
pub(crate) fn before_write(stream: &Arc<TcpStream>, user: &Arc<Mutex<u64>>) -> Result<(), ()> {
    CURRENT.with(|c| {
        let current = c.borrow();
        let Some(state) = current.as_ref() else { return Ok(()) };
        claim(state, stream, user);
        if CONNECTING.with(Cell::get) {
            return if state.stopped() { Err(()) } else { Ok(()) };
        }
        match state.phase.compare_exchange(UNSENT, SENDING, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) | Err(SENDING) => Ok(()),
            Err(_) => Err(()),
        }
    })
}

/// A new connection is being made on `stream`: the current call claims it, so that a
/// cancellation ends its handshake.
pub(crate) fn claim_new(stream: &Arc<TcpStream>, user: &Arc<Mutex<u64>>) {
    CURRENT.with(|c| {
        if let Some(state) = c.borrow().as_ref() {
            claim(state, stream, user);
        }
    });
}

fn claim(state: &State, stream: &Arc<TcpStream>, user: &Arc<Mutex<u64>>) {
    let mut connection = state.lock();
    *user.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = state.id;
    *connection = Some(Claim { stream: Arc::downgrade(stream), user: user.clone() });
    // Stopped while it was being claimed: shut_down found nothing to shut, so do it here.
    if state.stopped() {
        let _ = stream.shutdown(Shutdown::Both);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_cancelled_before_it_starts_stops_at_once_and_a_handle_serves_one_call() {
        let cancel = Cancel::new();
        assert!(cancel.cancel_unsent());
        let scope = cancel.enter().expect("a cancelled handle still enters, to stop");
        assert_eq!(scope.stopped(), Some(false));
        drop(scope);
        assert_eq!(cancel.cancel(), Stopped::BeforeSending);

        let used = Cancel::new();
        drop(used.enter().unwrap());
        assert!(used.enter().is_none());
        assert_eq!(used.cancel(), Stopped::AlreadyOver);
        assert!(!used.cancel_unsent());
    }

    #[test]
    fn phases_follow_the_writes() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let stream = Arc::new(TcpStream::connect(listener.local_addr().unwrap()).unwrap());
        let user = Arc::new(Mutex::new(0));
        let cancel = Cancel::new();
        let scope = cancel.enter().unwrap();
        // Handshake bytes leave the call unsent.
        connecting(|| before_write(&stream, &user)).unwrap();
        assert_eq!(format!("{cancel:?}"), r#"Cancel { phase: "unsent" }"#);
        before_write(&stream, &user).unwrap();
        assert!(!cancel.cancel_unsent(), "some of the request may have left");
        // A failed attempt that provably did nothing makes it unsent again.
        scope.attempt_did_nothing();
        assert!(cancel.cancel_unsent());
        assert!(before_write(&stream, &user).is_err(), "nothing is written once stopped");
        assert_eq!(scope.stopped(), Some(false));
        drop(scope);
        assert!(!current_stopped(), "the scope is gone");
    }

    #[test]
    fn an_abort_shuts_only_the_connection_still_carrying_the_call() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let stream = Arc::new(TcpStream::connect(listener.local_addr().unwrap()).unwrap());
        let (_server, _) = listener.accept().unwrap();
        let user = Arc::new(Mutex::new(0));

        let first = Cancel::new();
        let scope = first.enter().unwrap();
        before_write(&stream, &user).unwrap();
        drop(scope);
        // The connection went on to serve another call.
        let second = Cancel::new();
        let scope = second.enter().unwrap();
        before_write(&stream, &user).unwrap();
        assert_eq!(first.cancel(), Stopped::AlreadyOver);
        let mut byte = [0u8];
        stream.set_nonblocking(true).unwrap();
        assert!(stream.peek(&mut byte).is_err(), "still open");

        assert_eq!(second.cancel(), Stopped::AfterSending);
        assert_eq!(scope.stopped(), Some(true));
        assert_eq!(stream.peek(&mut byte).unwrap(), 0, "shut down");
    }

    #[test]
    fn a_cancellation_ends_a_wait_before_a_retry() {
        let cancel = Cancel::new();
        let scope = cancel.enter().unwrap();
        let stopper = cancel.clone();
        let started = std::time::Instant::now();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            stopper.cancel();
        });
        scope.sleep(Duration::from_secs(30));
        assert!(started.elapsed() < Duration::from_secs(25));
        assert_eq!(scope.stopped(), Some(false));
    }
}
