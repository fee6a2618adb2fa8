//! Which process this is, cheaply: a counter that a child process increments as it starts.
//!
//! A connection, a TLS session or a connection pool belongs to the process that opened it. After
//! `fork()` (gunicorn `--preload`, Celery prefork, `multiprocessing` with `fork`, PHP's
//! `pcntl_fork`), parent and child hold copies of the same sockets and TLS states: two processes
//! writing on one TLS session reuse its nonces and read each other's answers. So everything a
//! client opens is stamped with the [`generation`] it was opened in, and a process never uses
//! what another generation opened: a client's pool is replaced in the child, and a pooled
//! connection from before the fork is never handed out.
//!
//! The counter moves in a `pthread_atfork` child handler, so checking it is one atomic load
//! (`getpid()` is a system call on current glibc).

use std::sync::atomic::{AtomicU64, Ordering};

static GENERATION: AtomicU64 = AtomicU64::new(0);

/// The current process's generation: it changes in a child process after `fork()`. Bindings
/// that keep clients per process (the C library's shared clients) compare it to drop what a
/// parent process left them.
pub fn generation() -> u64 {
    watch();
    GENERATION.load(Ordering::Acquire)
}

#[cfg(unix)]
fn watch() {
    static WATCH: std::sync::Once = std::sync::Once::new();
    WATCH.call_once(|| {
        extern "C" fn in_child() {
            // Async-signal-safe: one atomic addition.
            GENERATION.fetch_add(1, Ordering::AcqRel);
        }
        // SAFETY: `in_child` is a plain function that only touches an atomic, as a fork handler
        // must; the handler stays registered for the life of the process, and so does the static
        // it touches.
        #[allow(unsafe_code)]
        let failed = unsafe { libc::pthread_atfork(None, None, Some(in_child)) };
        // Only ENOMEM can make it fail; then every call checks the process id instead.
        if failed != 0 {
            PID_FALLBACK.store(true, Ordering::Release);
        }
    });
    if PID_FALLBACK.load(Ordering::Acquire) {
        let pid = u64::from(std::process::id());
        let seen = LAST_PID.swap(pid, Ordering::AcqRel);
        if seen != 0 && seen != pid {
            GENERATION.fetch_add(1, Ordering::AcqRel);
        }
    }
}

#[cfg(unix)]
static PID_FALLBACK: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
#[cfg(unix)]
static LAST_PID: AtomicU64 = AtomicU64::new(0);

/// No `fork()` elsewhere: one process, one generation.
#[cfg(not(unix))]
fn watch() {}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_child_process_has_a_generation_of_its_own() {
        let before = generation();
        // SAFETY: the child only reads an atomic and exits at once, without unwinding.
        #[allow(unsafe_code)]
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0, "fork failed");
        if pid == 0 {
            let moved = generation() != before;
            #[allow(unsafe_code)]
            unsafe {
                libc::_exit(if moved { 0 } else { 1 })
            };
        }
        let mut status = 0;
        #[allow(unsafe_code)]
        let waited = unsafe { libc::waitpid(pid, &mut status, 0) };
        assert_eq!(waited, pid);
        assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "the child saw the parent's generation");
        assert_eq!(generation(), before, "the parent keeps its generation");
    }
}
