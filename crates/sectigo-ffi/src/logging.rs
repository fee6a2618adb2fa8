//! The SDK's log records, for C and the bindings over it: each record of a call (a retry, an
//! unknown outcome, the call itself once it is over) is kept with the call's answer or error
//! (`sectigo_response_log_at`, `sectigo_error_log_at`) and given to the client's callback, if
//! its options name one (`sectigo_options_set_log_callback`).
//!
//! The records are those of the `log` target `sectigo`, which this library takes by installing
//! itself as the process's `log` logger when the first client that wants them is made (a Rust
//! program that links the static library and installs a logger of its own keeps its own). A
//! call runs on the calling thread, so the records of a call are the records its thread makes
//! while it runs.

use std::cell::RefCell;
use std::ffi::{CString, c_char, c_void};

use crate::strings::c_string;

/// The level of a log record, or of the least severe records wanted.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum sectigo_log_level {
    /// No records (the default).
    SECTIGO_LOG_OFF = 0,
    /// Not used by the SDK yet.
    SECTIGO_LOG_ERROR = 1,
    /// A retry, and a call whose outcome is unknown (it may have taken effect).
    SECTIGO_LOG_WARN = 2,
    /// Not used by the SDK yet.
    SECTIGO_LOG_INFO = 3,
    /// Each call once it is over: endpoint, outcome, duration, `errorCode`, retries.
    SECTIGO_LOG_DEBUG = 4,
}

use sectigo_log_level::*;

/// A log callback: called with the callback's user data, the record's level and its message
/// (valid during the call only; never a password or a request's values).
///
/// It runs on the thread that makes the call, during the call, once per record. A client
/// shared between threads calls it from each of them, possibly at the same time: what the user
/// data points to must allow that (a lock, or one client per thread). It must return (no
/// `longjmp` out of it) and must not call this library; it may copy the message and hand it to
/// the program's own log.
pub type sectigo_log_fn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, level: sectigo_log_level, message: *const c_char)>;

/// Where a client's records go: kept with the answers from `level` up, and given to
/// `callback` when there is one.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sink {
    pub(crate) level: sectigo_log_level,
    pub(crate) callback: sectigo_log_fn,
    /// The callback's user data, as an address (the program vouches for its use from the
    /// threads that make calls).
    pub(crate) user_data: usize,
}

impl Sink {
    pub(crate) fn wants(&self) -> bool {
        self.level != SECTIGO_LOG_OFF
    }
}

/// The text of a level, as the `log_level` option takes it.
pub(crate) fn parse_level(value: &str) -> Option<sectigo_log_level> {
    match value {
        "off" => Some(SECTIGO_LOG_OFF),
        "error" => Some(SECTIGO_LOG_ERROR),
        "warn" => Some(SECTIGO_LOG_WARN),
        "info" => Some(SECTIGO_LOG_INFO),
        "debug" => Some(SECTIGO_LOG_DEBUG),
        _ => None,
    }
}

fn level_of(level: log::Level) -> sectigo_log_level {
    match level {
        log::Level::Error => SECTIGO_LOG_ERROR,
        log::Level::Warn => SECTIGO_LOG_WARN,
        log::Level::Info => SECTIGO_LOG_INFO,
        log::Level::Debug | log::Level::Trace => SECTIGO_LOG_DEBUG,
    }
}

/// A record kept with an answer or an error.
pub(crate) type Record = (sectigo_log_level, CString);

/// What the current thread's call collects.
struct Capture {
    sink: Sink,
    records: Vec<Record>,
}

thread_local! {
    static CURRENT: RefCell<Option<Capture>> = const { RefCell::new(None) };
}

struct Forward;

impl log::Log for Forward {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.target() == "sectigo"
            && CURRENT.with(|current| {
                current.try_borrow().ok().and_then(|c| c.as_ref().map(|c| level_of(metadata.level()) <= c.sink.level))
                    == Some(true)
            })
    }

    fn log(&self, record: &log::Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let level = level_of(record.level());
        let message = c_string(&record.args().to_string());
        let sink = CURRENT.with(|current| {
            let mut current = current.try_borrow_mut().ok()?;
            let capture = current.as_mut()?;
            capture.records.push((level, message.clone()));
            Some(capture.sink)
        });
        if let Some(Sink { callback: Some(callback), user_data, .. }) = sink {
            // SAFETY: the program gave this function and its user data for this use; the
            // message lives until the callback returns.
            unsafe { callback(user_data as *mut c_void, level, message.as_ptr()) };
        }
    }

    fn flush(&self) {}
}

/// Makes this library the process's `log` logger, once (see the module's documentation).
pub(crate) fn install() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if log::set_logger(&Forward).is_ok() {
            log::set_max_level(log::LevelFilter::Debug);
        }
    });
}

/// Runs a call on this thread, collecting the records `sink` wants.
pub(crate) fn during<T>(sink: Sink, call: impl FnOnce() -> T) -> (T, Vec<Record>) {
    if !sink.wants() {
        return (call(), Vec::new());
    }
    /// Puts the outer capture back, also when the call panics (the panic boundary catches it).
    struct Restore(Option<Option<Capture>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            if let Some(outer) = self.0.take() {
                CURRENT.with(|current| drop(current.replace(outer)));
            }
        }
    }
    let mut restore =
        Restore(Some(CURRENT.with(|current| current.replace(Some(Capture { sink, records: Vec::new() })))));
    let result = call();
    let outer = restore.0.take().unwrap_or_default();
    let records = CURRENT.with(|current| current.replace(outer)).map(|c| c.records).unwrap_or_default();
    (result, records)
}

/// The record at `index` of `records`, its level written to `level_out` (when not NULL), or
/// NULL past the end.
///
/// # Safety
/// `level_out` is NULL or writable.
pub(crate) unsafe fn record_at(records: &[Record], index: usize, level_out: *mut sectigo_log_level) -> *const c_char {
    match records.get(index) {
        Some((level, message)) => {
            if !level_out.is_null() {
                // SAFETY: as the function's contract says.
                unsafe { level_out.write(*level) };
            }
            message.as_ptr()
        }
        None => std::ptr::null(),
    }
}
