//! The TCP layer under TLS: ureq's transport API, with fewer system calls per call.
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
use std::net::TcpStream;
use std::os::fd::AsRawFd;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use ureq::Error;
use ureq::unversioned::resolver::ResolvedSocketAddrs;
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, ShutdownHandle, Transport,
};

/// Bytes kept back before they are written anyway (a request is a few hundred).
const WRITE_AT: usize = 64 * 1024;

/// Opens TCP connections as [`Tcp`] transports (in place of ureq's `TcpConnector`).
#[derive(Debug, Default)]
pub(crate) struct TcpConnect;

impl<In: Transport> Connector<In> for TcpConnect {
    type Out = Either<In, Tcp>;

    fn connect(&self, details: &ConnectionDetails, chained: Option<In>) -> Result<Option<Self::Out>, Error> {
        if let Some(transport) = chained {
            // A proxy's connector already made the connection.
            return Ok(Some(Either::A(transport)));
        }
        let stream = connect(&details.addrs, details.timeout)?;
        if details.config.no_delay() {
            stream.set_nodelay(true)?;
        }
        let tcp = Tcp::new(
            stream,
            LazyBuffers::new(details.config.input_buffer_size(), details.config.output_buffer_size()),
        );
        // Lets `Agent::shutdown` interrupt a call blocked on this socket.
        (details.register_shutdown)(Arc::downgrade(&tcp.stream) as Weak<dyn ShutdownHandle>)?;
        Ok(Some(Either::B(tcp)))
    }
}

/// Tries the addresses in order within the connect timeout. An address that is not the last
/// gets half of the time left, so that a silent one leaves time for the next.
fn connect(addrs: &ResolvedSocketAddrs, timeout: NextTimeout) -> Result<TcpStream, Error> {
    let deadline = Deadline::new(timeout)?;
    let mut last = None;
    for (i, addr) in addrs.iter().enumerate() {
        let result = match deadline.left()? {
            None => TcpStream::connect(addr),
            Some(left) => {
                let share = if i + 1 == addrs.len() { left } else { left / 2 };
                TcpStream::connect_timeout(addr, share.max(Duration::from_millis(10)).min(left))
            }
        };
        match result {
            Ok(stream) => return Ok(stream),
            Err(e) if is_timeout(&e) => last = Some(Error::Timeout(ureq::Timeout::Connect)),
            // Refused or unreachable: this address only, the next may work.
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::ConnectionRefused
                        | io::ErrorKind::HostUnreachable
                        | io::ErrorKind::NetworkUnreachable
                        | io::ErrorKind::AddrNotAvailable
                ) =>
            {
                last = Some(Error::Io(e))
            }
            Err(e) => return Err(e.into()),
        }
    }
    deadline.left()?;
    Err(last.unwrap_or_else(|| io::Error::new(io::ErrorKind::ConnectionRefused, "no address to connect to").into()))
}

/// A TCP connection.
pub(crate) struct Tcp {
    /// Shared (weakly) with the agent's shutdown handle.
    stream: Arc<TcpStream>,
    buffers: LazyBuffers,
    /// Bytes handed over and not yet written.
    unsent: Vec<u8>,
    /// The socket's current timeouts (`None`: none set).
    read_timeout: Option<Duration>,
    write_timeout: Option<Duration>,
}

impl fmt::Debug for Tcp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tcp").field("peer", &self.stream.peer_addr().ok()).finish_non_exhaustive()
    }
}

impl Tcp {
    fn new(stream: TcpStream, buffers: LazyBuffers) -> Tcp {
        Tcp { stream: Arc::new(stream), buffers, unsent: Vec::new(), read_timeout: None, write_timeout: None }
    }

    /// Writes what was kept back, by the deadline.
    fn write_unsent(&mut self, deadline: Deadline) -> Result<(), Error> {
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
        result
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
        self.unsent.is_empty() && nothing_to_read(&self.stream)
    }
}

/// Whether the socket is open with nothing waiting to be read, as a pooled connection must be
/// (bytes nobody asked for mean it cannot be trusted; end of stream, that the server closed it).
fn nothing_to_read(stream: &TcpStream) -> bool {
    let mut byte = 0u8;
    // SAFETY: the descriptor belongs to `stream`, which outlives the call; the buffer is one
    // byte of this frame and `recv` writes at most one.
    #[allow(unsafe_code)]
    let read = unsafe {
        libc::recv(stream.as_raw_fd(), (&raw mut byte).cast(), 1, libc::MSG_PEEK | libc::MSG_DONTWAIT)
    };
    read < 0 && io::Error::last_os_error().kind() == io::ErrorKind::WouldBlock
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
        let over = NextTimeout { after: ureq::unversioned::transport::time::Duration::from_secs(0), ..Default::default() };
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
