//! "Not sent" or maybe sent: every failure while resolving, connecting, tunnelling through a
//! proxy or handshaking is marked as happening before any byte of the request left
//! ([`NotSent`], by [`MarkNotSent`] around the connector chain and by the TCP transport for a
//! write the system took nothing of), and [`classify`] sorts a ureq error by that mark and by
//! the phase it happened in, never by its wording.

use std::fmt;
use std::io::{self, ErrorKind};

use ureq::Error;
use ureq::unversioned::transport::{ConnectionDetails, Connector};

use crate::error::TransportErrorKind;

/// A failure that happened before any byte of the request left the process: resolving,
/// connecting, a proxy's tunnel, the TLS handshake, or a write the system took nothing of. It
/// travels through ureq as the payload of an `io::Error` and is found again by [`not_sent_cause`].
#[derive(Debug)]
pub(crate) struct NotSent(pub(crate) ureq::Error);

impl fmt::Display for NotSent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for NotSent {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

/// Marks `e` as a failure before anything was sent.
pub(crate) fn not_sent(e: Error) -> Error {
    if not_sent_cause(&e).is_some() {
        return e;
    }
    let kind = match &e {
        Error::Io(io) => io.kind(),
        Error::Timeout(_) => io::ErrorKind::TimedOut,
        _ => io::ErrorKind::Other,
    };
    Error::Io(io::Error::new(kind, NotSent(e)))
}

/// The failure inside `e` when `e` is marked as happening before anything was sent.
pub(crate) fn not_sent_cause(e: &Error) -> Option<&Error> {
    let Error::Io(io) = e else { return None };
    let mut inner: &(dyn std::error::Error + 'static) = io.get_ref()?;
    // rustls and ureq's adapters may wrap it in further io::Errors.
    loop {
        if let Some(NotSent(cause)) = inner.downcast_ref::<NotSent>() {
            return Some(cause);
        }
        match inner.downcast_ref::<io::Error>().and_then(|io| io.get_ref()) {
            Some(next) => inner = next,
            None => return None,
        }
    }
}

/// The connector chain, with every failure in it marked as [`NotSent`]: while a connection is
/// being made (TCP, a proxy's `CONNECT`, the TLS handshake) no byte of the request has left.
#[derive(Debug)]
pub(crate) struct MarkNotSent<C>(pub(crate) C);

impl<C: Connector<()>> Connector<()> for MarkNotSent<C> {
    type Out = C::Out;

    fn connect(&self, details: &ConnectionDetails, chained: Option<()>) -> Result<Option<Self::Out>, Error> {
        crate::cancel::connecting(|| self.0.connect(details, chained)).map_err(not_sent)
    }
}

/// Sorts a ureq error, and says whether it certainly happened before any of the request left:
/// by the phase it happened in (the transport marks every failure while resolving, connecting
/// and handshaking, and a write the system took nothing of), never by its wording.
pub(crate) fn classify(e: &ureq::Error) -> (TransportErrorKind, bool) {
    use ureq::Error as E;
    use ureq::Timeout as T;
    if let Some(cause) = not_sent_cause(e) {
        return (kind_of(cause, true), true);
    }
    let not_sent = match e {
        E::HostNotFound
        | E::ConnectionFailed
        | E::ConnectProxyFailed(_)
        | E::InvalidProxyUrl
        | E::BadUri(_)
        | E::RequireHttpsOnly(_)
        | E::Http(_)
        | E::TlsRequired
        | E::Pem(_) => true,
        E::Timeout(t) => matches!(t, T::Resolve | T::Connect),
        _ => rustls_error(e).is_some_and(handshake_refused),
    };
    (kind_of(e, not_sent), not_sent)
}

/// What kind of failure `e` is; `not_sent`: it happened while connecting.
fn kind_of(e: &ureq::Error, not_sent: bool) -> TransportErrorKind {
    use ureq::Error as E;
    if rustls_error(e).is_some() {
        return TransportErrorKind::Tls;
    }
    match e {
        E::HostNotFound | E::ConnectionFailed | E::ConnectProxyFailed(_) | E::InvalidProxyUrl => {
            TransportErrorKind::Connect
        }
        E::Timeout(_) => TransportErrorKind::Timeout,
        E::Tls(_) => TransportErrorKind::Tls,
        E::Io(io) if io.kind() == ErrorKind::TimedOut => TransportErrorKind::Timeout,
        // While connecting, any I/O failure is one of connecting (a refused or reset connection,
        // an early end of the handshake).
        E::Io(_) if not_sent => TransportErrorKind::Connect,
        E::Io(_) => TransportErrorKind::Io,
        _ => TransportErrorKind::Other,
    }
}

/// The rustls error in `e`, if TLS failed (ureq reports it directly or inside an I/O error).
fn rustls_error(e: &ureq::Error) -> Option<&rustls::Error> {
    match e {
        ureq::Error::Rustls(tls) => Some(tls),
        ureq::Error::Io(io) => {
            let mut inner: &(dyn std::error::Error + 'static) = io.get_ref()?;
            loop {
                if let Some(tls) = inner.downcast_ref::<rustls::Error>() {
                    return Some(tls);
                }
                if let Some(NotSent(cause)) = inner.downcast_ref() {
                    return rustls_error(cause);
                }
                inner = inner.downcast_ref::<std::io::Error>()?.get_ref()?;
            }
        }
        _ => None,
    }
}

/// A TLS failure that only a handshake can produce: the server refused the handshake (a
/// certificate it would not take, a missing client certificate) or ours refused the server's.
/// A server never acts on a request sent on a connection whose handshake it refused; with TLS
/// 1.3 the client may have sent its request before the server's verdict came, which is why this
/// is decided by the alert and not by the phase.
fn handshake_refused(e: &rustls::Error) -> bool {
    use rustls::AlertDescription as A;
    match e {
        rustls::Error::InvalidCertificate(_)
        | rustls::Error::NoCertificatesPresented
        | rustls::Error::PeerIncompatible(_)
        | rustls::Error::UnsupportedNameType => true,
        rustls::Error::AlertReceived(alert) => matches!(
            alert,
            A::HandshakeFailure
                | A::BadCertificate
                | A::UnsupportedCertificate
                | A::CertificateRevoked
                | A::CertificateExpired
                | A::CertificateUnknown
                | A::UnknownCA
                | A::CertificateRequired
                | A::ProtocolVersion
                | A::InsufficientSecurity
        ),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_before_sending_are_known_not_to_have_sent() {
        let io = |kind, text: &str| ureq::Error::Io(std::io::Error::new(kind, text.to_owned()));
        let marked = |e| not_sent(e);
        for (e, kind) in [
            (marked(io(ErrorKind::Other, "failed to lookup address information")), TransportErrorKind::Connect),
            (marked(io(ErrorKind::PermissionDenied, "permission denied")), TransportErrorKind::Connect),
            (marked(io(ErrorKind::ConnectionReset, "reset during the handshake")), TransportErrorKind::Connect),
            (marked(ureq::Error::Timeout(ureq::Timeout::Global)), TransportErrorKind::Timeout),
            (marked(ureq::Error::Rustls(rustls::Error::DecryptError)), TransportErrorKind::Tls),
            // TLS 1.3: the server's verdict on the client certificate may come after the request.
            (alert(rustls::AlertDescription::CertificateRequired), TransportErrorKind::Tls),
            (alert(rustls::AlertDescription::HandshakeFailure), TransportErrorKind::Tls),
            (ureq::Error::HostNotFound, TransportErrorKind::Connect),
            (ureq::Error::Timeout(ureq::Timeout::Connect), TransportErrorKind::Timeout),
        ] {
            assert_eq!(classify(&e), (kind, true), "{e} happens before anything is sent");
        }
        // Marked twice, found once; the text is the cause's.
        let twice = marked(marked(io(ErrorKind::ConnectionRefused, "connection refused")));
        assert_eq!(not_sent_cause(&twice).unwrap().to_string(), "io: connection refused");
        for e in [
            io(ErrorKind::ConnectionReset, "connection reset by peer"),
            io(ErrorKind::UnexpectedEof, "peer closed connection"),
            io(ErrorKind::Other, "failed to lookup address information: unmarked text is not trusted"),
            ureq::Error::Timeout(ureq::Timeout::RecvResponse),
            ureq::Error::Timeout(ureq::Timeout::Global),
            ureq::Error::Rustls(rustls::Error::AlertReceived(rustls::AlertDescription::CloseNotify)),
        ] {
            assert!(!classify(&e).1, "{e} may come after the request was sent");
        }
    }

    /// A TLS alert received, as rustls reports it through ureq: inside an I/O error.
    fn alert(alert: rustls::AlertDescription) -> ureq::Error {
        ureq::Error::Io(std::io::Error::new(ErrorKind::InvalidData, rustls::Error::AlertReceived(alert)))
    }
}
