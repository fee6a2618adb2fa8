//! The TCP layer under TLS: ureq's transport API, with fewer system calls per call (and, in
//! `not_sent.rs`, the marking and sorting of failures that happened before anything was sent).
//!
//! On a pooled connection ureq's own TCP transport makes twelve system calls per call, of which
//! only three move data. This one makes four, all of them moving or peeking at data:
//! - **One write per request.** ureq hands the request's head and its body over separately (and
//!   TLS makes a record of each). They are kept and written together when the answer is awaited,
//!   so the server is woken once instead of reading a head and then waiting for the body.
//! - **Socket timeouts set only when needed.** With a deadline, ureq sets the socket's read or
//!   write timeout to the time left before every read and write. Here a blocking read or write
//!   is given at most the time left, and the setting is kept from call to call while it stays
//!   within that bound; a read or write that wakes before the deadline goes on with the time that
//!   is left. Every deadline is kept exactly.
//! - **One peek to check a pooled connection**, instead of switching the socket to non-blocking
//!   mode and back around a read.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::net::TcpStream;
#[cfg(unix)]
use std::os::fd::AsRawFd;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

mod not_sent;

pub(crate) use not_sent::{MarkNotSent, classify, not_sent, not_sent_cause};

use ureq::Error;
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, ShutdownHandle, Transport,
};

/// Bytes kept back before they are written anyway (a request is a few hundred).
const WRITE_AT: usize = 64 * 1024;

/// How long a new connection waits for an address before it also tries the next one
/// (RFC 8305's "connection attempt delay").
pub(crate) const NEXT_ADDRESS_AFTER: Duration = Duration::from_millis(250);

/// Opens TCP connections as [`Tcp`] transports (in place of ureq's `TcpConnector`).
#[derive(Debug, Default)]
pub(crate) struct TcpConnect {
    /// Addresses that answered lately, tried first next time (a few: a client talks to one or
    /// two hosts).
    worked: Mutex<Vec<SocketAddr>>,
}

impl<In: Transport> Connector<In> for TcpConnect {
    type Out = Either<In, Tcp>;

    fn connect(&self, details: &ConnectionDetails, chained: Option<In>) -> Result<Option<Self::Out>, Error> {
        if let Some(transport) = chained {
            // A proxy's connector already made the connection.
            return Ok(Some(Either::A(transport)));
        }
        if crate::cancel::current_stopped() {
            return Err(cancelled());
        }
        let mut addrs: Vec<SocketAddr> = details.addrs.iter().copied().collect();
        {
            let worked = self.worked.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if let Some(i) = addrs.iter().position(|a| worked.contains(a)) {
                let first = addrs.remove(i);
                addrs.insert(0, first);
            }
        }
        let (stream, addr) = connect(&addrs, details.timeout)?;
        if addrs.len() > 1 {
            let mut worked = self.worked.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            worked.retain(|a| !addrs.contains(a));
            worked.insert(0, addr);
            worked.truncate(8);
        }
        if details.config.no_delay() {
            stream.set_nodelay(true)?;
        }
        let tcp =
            Tcp::new(stream, LazyBuffers::new(details.config.input_buffer_size(), details.config.output_buffer_size()));
        // Lets a cancellation end the handshake (see crate::cancel).
        crate::cancel::claim_new(&tcp.stream, &tcp.user);
        // Lets `Agent::shutdown` interrupt a call blocked on this socket.
        (details.register_shutdown)(Arc::downgrade(&tcp.stream) as Weak<dyn ShutdownHandle>)?;
        Ok(Some(Either::B(tcp)))
    }
}

/// Connects to the first of `addrs` that answers, within the connect timeout: an address that
/// fails (with any error) hands over to the next at once, and one that has not answered after
/// [`NEXT_ADDRESS_AFTER`] is raced by the next (RFC 8305), so a black-holed address costs a
/// quarter of a second, not the whole timeout. A single address is connected to directly; more
/// take a thread each, only while a new connection is being opened.
fn connect(addrs: &[SocketAddr], timeout: NextTimeout) -> Result<(TcpStream, SocketAddr), Error> {
    let deadline = Deadline::new(timeout)?;
    let attempt = |addr: &SocketAddr, left: Option<Duration>| match left {
        None => TcpStream::connect(addr),
        Some(left) => TcpStream::connect_timeout(addr, left.max(Duration::from_millis(1))),
    };
    match addrs {
        [] => Err(io::Error::new(io::ErrorKind::ConnectionRefused, "no address to connect to").into()),
        [addr] => match attempt(addr, deadline.left()?) {
            Ok(stream) => Ok((stream, *addr)),
            Err(e) if is_timeout(&e) => Err(Error::Timeout(ureq::Timeout::Connect)),
            Err(e) => Err(e.into()),
        },
        _ => race(addrs, deadline, attempt),
    }
}

/// Staggered attempts on several addresses; the first connection made wins, later ones are
/// closed as they come.
fn race(
    addrs: &[SocketAddr],
    deadline: Deadline,
    attempt: impl Fn(&SocketAddr, Option<Duration>) -> io::Result<TcpStream> + Clone + Send + 'static,
) -> Result<(TcpStream, SocketAddr), Error> {
    let (tx, rx) = std::sync::mpsc::channel::<(SocketAddr, io::Result<TcpStream>)>();
    let mut started = 0;
    let mut finished = 0;
    let mut last: Option<Error> = None;
    loop {
        if started < addrs.len() {
            let (addr, tx, attempt, left) = (addrs[started], tx.clone(), attempt.clone(), deadline.left()?);
            std::thread::Builder::new()
                .name("sectigo-connect".into())
                .spawn(move || {
                    // The receiver may be gone (another address won): the connection is closed.
                    let _ = tx.send((addr, attempt(&addr, left)));
                })
                .map_err(Error::Io)?;
            started += 1;
        }
        if finished == addrs.len() {
            return Err(last.unwrap_or(Error::ConnectionFailed));
        }
        let left = deadline.left()?;
        let wait = if started < addrs.len() { NEXT_ADDRESS_AFTER } else { left.unwrap_or(Duration::from_secs(3600)) };
        let wait = left.map_or(wait, |left| wait.min(left));
        match rx.recv_timeout(wait) {
            Ok((addr, Ok(stream))) => return Ok((stream, addr)),
            Ok((_, Err(e))) => {
                finished += 1;
                last = Some(if is_timeout(&e) { Error::Timeout(ureq::Timeout::Connect) } else { Error::Io(e) });
                // A failed address hands over at once: the loop starts the next one.
                continue;
            }
            // No answer yet: start the next address (or, all started, wait on).
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                if started == addrs.len() {
                    deadline.left()?;
                }
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                return Err(last.unwrap_or(Error::ConnectionFailed));
            }
        }
    }
}

/// A TCP connection.
pub(crate) struct Tcp {
    /// Shared (weakly) with the agent's shutdown handle and a cancellable call's handle.
    stream: Arc<TcpStream>,
    /// The call using the connection now, by its cancel handle's id (see [`crate::cancel`]).
    user: Arc<Mutex<u64>>,
    buffers: LazyBuffers,
    /// Bytes handed over and not yet written.
    unsent: Vec<u8>,
    /// The socket's current timeouts (`None`: none set).
    read_timeout: Option<Duration>,
    write_timeout: Option<Duration>,
    /// The process that opened it (see [`crate::fork`]): no other may use it.
    generation: u64,
}

impl fmt::Debug for Tcp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tcp").field("peer", &self.stream.peer_addr().ok()).finish_non_exhaustive()
    }
}

impl Tcp {
    fn new(stream: TcpStream, buffers: LazyBuffers) -> Tcp {
        Tcp {
            stream: Arc::new(stream),
            user: Arc::default(),
            buffers,
            unsent: Vec::new(),
            read_timeout: None,
            write_timeout: None,
            generation: crate::fork::generation(),
        }
    }

    /// Writes what was kept back, by the deadline.
    fn write_unsent(&mut self, deadline: Deadline) -> Result<(), Error> {
        if crate::cancel::before_write(&self.stream, &self.user).is_err() {
            self.unsent.clear();
            return Err(cancelled());
        }
        let mut written = 0;
        let result = loop {
            if written == self.unsent.len() {
                break Ok(());
            }
            let left = match deadline.left() {
                Ok(left) => left,
                Err(e) => break Err(e),
            };
            if let Err(e) = arm(&mut self.write_timeout, left, |t| self.stream.set_write_timeout(t)) {
                break Err(e.into());
            }
            match (&*self.stream).write(&self.unsent[written..]) {
                Ok(0) => break Err(io::Error::from(io::ErrorKind::WriteZero).into()),
                Ok(n) => written += n,
                Err(e) if is_timeout(&e) || e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => break Err(e.into()),
            }
        };
        // After a failure the connection is not used again.
        self.unsent.clear();
        // Not one byte taken by the system: the server cannot have seen any of it.
        result.map_err(|e| if written == 0 { not_sent(e) } else { e })
    }
}

impl Transport for Tcp {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), Error> {
        self.unsent.extend_from_slice(&self.buffers.output()[..amount]);
        if self.unsent.len() >= WRITE_AT {
            self.write_unsent(Deadline::new(timeout.for_write())?)?;
        }
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, Error> {
        let deadline = Deadline::new(timeout.for_read())?;
        if !self.unsent.is_empty() {
            self.write_unsent(deadline)?;
        }
        let amount = loop {
            let left = deadline.left()?;
            arm(&mut self.read_timeout, left, |t| self.stream.set_read_timeout(t))?;
            match (&*self.stream).read(self.buffers.input_append_buf()) {
                Ok(amount) => break amount,
                // Woken early, or by a signal: go on with the time that is left. Without a
                // deadline a signal ends the read, as it would a plain read.
                Err(e) if is_timeout(&e) || (e.kind() == io::ErrorKind::Interrupted && left.is_some()) => {}
                Err(e) => return Err(e.into()),
            }
        };
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        // A connection opened by another process (before a fork) is that process's.
        self.generation == crate::fork::generation() && self.unsent.is_empty() && nothing_to_read(&self.stream)
    }
}

/// The failure of a call stopped through its cancel handle before it wrote anything.
fn cancelled() -> Error {
    not_sent(Error::Io(io::Error::new(io::ErrorKind::Interrupted, "the call was cancelled")))
}

/// Whether the socket is open with nothing waiting to be read, as a pooled connection must be
/// (bytes nobody asked for mean it cannot be trusted; end of stream, that the server closed it).
#[cfg(unix)]
fn nothing_to_read(stream: &TcpStream) -> bool {
    let mut byte = 0u8;
    // SAFETY: the descriptor belongs to `stream`, which outlives the call; the buffer is one
    // byte of this frame and `recv` writes at most one.
    #[allow(unsafe_code)]
    let read =
        unsafe { libc::recv(stream.as_raw_fd(), (&raw mut byte).cast(), 1, libc::MSG_PEEK | libc::MSG_DONTWAIT) };
    read < 0 && io::Error::last_os_error().kind() == io::ErrorKind::WouldBlock
}

/// The same without `MSG_DONTWAIT` (Windows): a peek with the socket made non-blocking for it.
#[cfg(not(unix))]
fn nothing_to_read(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return false;
    }
    let peeked = stream.peek(&mut [0u8]);
    stream.set_nonblocking(false).is_ok() && peeked.is_err_and(|e| e.kind() == io::ErrorKind::WouldBlock)
}

/// A socket timeout that expired (Linux says `EAGAIN`, others `ETIMEDOUT`).
fn is_timeout(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
}

/// When the current step of a call must be over, from ureq's [`NextTimeout`].
#[derive(Clone, Copy)]
struct Deadline {
    at: Option<Instant>,
    reason: ureq::Timeout,
}

impl Deadline {
    fn new(timeout: NextTimeout) -> Result<Deadline, Error> {
        let deadline = Deadline {
            at: (!timeout.after.is_not_happening()).then(|| Instant::now() + *timeout.after),
            reason: timeout.reason,
        };
        deadline.left()?;
        Ok(deadline)
    }

    /// The time left (`None`: no deadline), or the timeout error once it is over.
    fn left(&self) -> Result<Option<Duration>, Error> {
        match self.at {
            None => Ok(None),
            Some(at) => match at.checked_duration_since(Instant::now()) {
                Some(left) if !left.is_zero() => Ok(Some(left)),
                _ => Err(Error::Timeout(self.reason)),
            },
        }
    }
}

/// Below this, a timeout is set to exactly the time left.
const EXACT_BELOW: Duration = Duration::from_millis(10);

/// Sets a socket timeout (through `set`) so that one blocking read or write ends by the deadline
/// `left` from now, unless the current one (`current`) already does so and ends at most a
/// sixteenth of `left` early. A new setting is a thirty-second short of `left`, so that the next
/// call, starting with about the same time left, keeps it.
fn arm(
    current: &mut Option<Duration>,
    left: Option<Duration>,
    set: impl FnOnce(Option<Duration>) -> io::Result<()>,
) -> io::Result<()> {
    let wanted = match left {
        None if current.is_none() => return Ok(()),
        None => None,
        Some(left) => {
            if current.is_some_and(|c| c <= left && c >= left - left / 16) {
                return Ok(());
            }
            let t = if left < EXACT_BELOW { left } else { left - left / 32 };
            // A zero socket timeout would mean none at all.
            Some(t.max(Duration::from_micros(1)))
        }
    };
    set(wanted)?;
    *current = wanted;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `arm` sets, if anything, given the current timeout and the time left.
    fn armed(current: Option<Duration>, left: Option<Duration>) -> Option<Option<Duration>> {
        let mut current = current;
        let mut set = None;
        arm(&mut current, left, |t| {
            set = Some(t);
            Ok(())
        })
        .unwrap();
        if let Some(t) = set {
            assert_eq!(current, t, "the setting is remembered");
        }
        set
    }

    #[test]
    fn a_socket_timeout_never_outlasts_the_deadline() {
        let s = Duration::from_secs;
        let ms = Duration::from_millis;
        // First call: set a little short of the time left.
        assert_eq!(armed(None, Some(s(60))), Some(Some(s(60) - s(60) / 32)));
        // The next calls, with about as much left, keep it: no system call.
        let kept = s(60) - s(60) / 32;
        assert_eq!(armed(Some(kept), Some(s(60) - ms(3))), None);
        assert_eq!(armed(Some(kept), Some(s(59))), None);
        // Less time left than the setting: set again, never longer than what is left.
        for left in [s(58) - ms(1), s(1), ms(9), Duration::from_nanos(1)] {
            let Some(Some(t)) = armed(Some(kept), Some(left)) else { panic!("{left:?} must be set") };
            assert!(t <= left.max(Duration::from_micros(1)), "{t:?} outlasts {left:?}");
            assert!(!t.is_zero());
        }
        // Far more time left than the setting (a short retry, then a fresh call): set again.
        assert_eq!(armed(Some(ms(50)), Some(s(60))), Some(Some(kept)));
        // No deadline: clear a setting once, then leave it alone.
        assert_eq!(armed(Some(kept), None), Some(None));
        assert_eq!(armed(None, None), None);
    }

    #[test]
    fn a_deadline_that_is_over_is_a_timeout() {
        let over =
            NextTimeout { after: ureq::unversioned::transport::time::Duration::from_secs(0), ..Default::default() };
        assert!(matches!(Deadline::new(over), Err(Error::Timeout(ureq::Timeout::Global))));
        let never = NextTimeout::default();
        assert_eq!(Deadline::new(never).unwrap().left().unwrap(), None);
    }

    /// A transport connected to a loopback server, and the server's side.
    fn pair() -> (Tcp, TcpStream) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        (Tcp::new(client, LazyBuffers::new(1024, 1024)), server)
    }

    fn within(d: Duration) -> NextTimeout {
        NextTimeout { after: d.into(), reason: ureq::Timeout::RecvResponse, ..Default::default() }
    }

    fn hand_over(tcp: &mut Tcp, bytes: &[u8]) {
        tcp.buffers().output()[..bytes.len()].copy_from_slice(bytes);
        tcp.transmit_output(bytes.len(), within(Duration::from_secs(5))).unwrap();
    }

    #[test]
    fn a_request_in_pieces_leaves_in_one_write_when_the_answer_is_awaited() {
        let (mut tcp, mut server) = pair();
        hand_over(&mut tcp, b"head ");
        hand_over(&mut tcp, b"body");
        server.set_nonblocking(true).unwrap();
        let mut got = [0; 64];
        assert_eq!(server.read(&mut got).unwrap_err().kind(), io::ErrorKind::WouldBlock, "nothing written yet");
        server.set_nonblocking(false).unwrap();
        let client = std::thread::spawn(move || {
            assert!(tcp.await_input(within(Duration::from_secs(5))).unwrap());
            tcp.buffers().input().to_vec()
        });
        let n = server.read(&mut got).unwrap();
        assert_eq!(&got[..n], b"head body", "both pieces in one read");
        server.write_all(b"answer").unwrap();
        assert_eq!(client.join().unwrap(), b"answer");
    }

    #[test]
    fn a_read_woken_before_the_deadline_goes_on() {
        let (mut tcp, mut server) = pair();
        // The socket's setting is 20 ms while the transport holds it a little short of the 2 s the
        // read is given, which it therefore keeps: the read wakes every 20 ms before the answer.
        tcp.stream.set_read_timeout(Some(Duration::from_millis(20))).unwrap();
        tcp.read_timeout = Some(Duration::from_secs(2) - Duration::from_millis(40));
        let answer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(60));
            server.write_all(b"late but in time").unwrap();
            server
        });
        let started = Instant::now();
        assert!(tcp.await_input(within(Duration::from_secs(2))).unwrap());
        assert_eq!(tcp.buffers().input(), b"late but in time");
        assert!(started.elapsed() >= Duration::from_millis(50));
        let _server = answer.join().unwrap();

        // Nothing comes: the read ends with the timeout, not before the deadline.
        let (mut tcp, _server) = pair();
        let started = Instant::now();
        let e = tcp.await_input(within(Duration::from_millis(300))).unwrap_err();
        assert!(matches!(e, Error::Timeout(ureq::Timeout::RecvResponse)), "{e}");
        assert!(started.elapsed() >= Duration::from_millis(300), "ended {:?} after the start", started.elapsed());
    }

    #[test]
    fn a_peek_tells_an_idle_connection_from_a_closed_or_talkative_one() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (mut server, _) = listener.accept().unwrap();
        assert!(nothing_to_read(&client), "idle");
        server.write_all(b"x").unwrap();
        std::thread::sleep(Duration::from_millis(20));
        assert!(!nothing_to_read(&client), "a byte nobody asked for");
        let mut byte = [0];
        (&client).read_exact(&mut byte).unwrap();
        assert!(nothing_to_read(&client), "peeking left the byte for the read");
        drop(server);
        std::thread::sleep(Duration::from_millis(20));
        assert!(!nothing_to_read(&client), "closed by the server");
    }
}
