//! `sectigo._native`: the SDK's name-keyed interface for the pure-Python package `sectigo`,
//! whose per-endpoint methods are generated from the spec. Calls release the GIL while they
//! wait on the network, so Python threads sharing one client proceed in parallel.
//!
//! Failures raise `NativeError(kind, message, details)`; the Python package turns them into its
//! exception hierarchy.

#![allow(unsafe_code)] // pyo3's macros expand to unsafe code

use std::path::Path;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::{Mutex, MutexGuard};
use std::thread::{JoinHandle, ThreadId};
use std::time::Duration;

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use sectigo::meta::{Effect, WireFormat};
use sectigo::settings::{self, Setting, SettingType, SettingValue};
use sectigo::validate::Form;
use sectigo::wire::{RawResponse, Response};
use sectigo::{ApiError, Cancel, Client, ClientBuilder, Error, RawAnswer, RawOptions, RawRequest};

create_exception!(_native, NativeError, PyException, "A failure of the native layer: (kind, message, details).");

/// (code, fields, raw body, quirks, retries) of a successful answer.
type Answer = (i64, Vec<(String, String)>, String, Vec<String>, u32);

fn answer(r: &Response) -> Answer {
    (
        r.code(),
        r.fields().to_vec(),
        r.raw().to_owned(),
        r.quirks().iter().map(|q| q.as_str().to_owned()).collect(),
        r.retries(),
    )
}

/// (status, content type, body, code, format, message, lines, pairs, retries) of a raw call's
/// answer.
type Raw = (
    u16,
    Option<String>,
    Py<pyo3::types::PyBytes>,
    Option<i64>,
    Option<&'static str>,
    Option<String>,
    Vec<String>,
    Vec<(String, String)>,
    u32,
);

fn raw_answer(py: Python<'_>, a: &RawAnswer) -> Raw {
    let format = a.format().map(|f| match f {
        WireFormat::Newline => "newline",
        WireFormat::UrlEncoded => "url_encoded",
    });
    (
        a.status(),
        a.content_type().map(str::to_owned),
        pyo3::types::PyBytes::new(py, a.body()).unbind(),
        a.code(),
        format,
        a.message().map(str::to_owned),
        a.lines().to_vec(),
        a.fields().to_vec(),
        a.retries(),
    )
}

/// A checked call, of a spec endpoint or a raw path, ready to send.
#[derive(Clone)]
enum Prepared {
    Spec(Form),
    Raw(RawRequest),
}

/// What a [`Prepared`] call answers.
enum Answered {
    Spec(Response),
    Raw(RawAnswer),
}

impl Prepared {
    fn write(&self) -> bool {
        match self {
            Prepared::Spec(form) => form.endpoint().effect == Effect::Write,
            Prepared::Raw(request) => request.effect() == Effect::Write,
        }
    }

    fn redacted(&self) -> Vec<(String, String)> {
        match self {
            Prepared::Spec(form) => form.redacted(),
            Prepared::Raw(request) => request.redacted(),
        }
    }

    fn title(&self) -> &str {
        match self {
            Prepared::Spec(form) => form.endpoint().title,
            Prepared::Raw(request) => request.path(),
        }
    }

    fn send(&self, client: &Client, cancel: Option<&Cancel>) -> Result<Answered, Error> {
        match (self, cancel) {
            (Prepared::Spec(form), None) => client.send(form).map(Answered::Spec),
            (Prepared::Spec(form), Some(c)) => client.send_with_cancel(form, c).map(Answered::Spec),
            (Prepared::Raw(request), None) => client.send_raw(request).map(Answered::Raw),
            (Prepared::Raw(request), Some(c)) => client.send_raw_with_cancel(request, c).map(Answered::Raw),
        }
    }
}

/// An answer as the Python package reads it: [`Answer`] or [`Raw`].
fn to_python(py: Python<'_>, outcome: Result<Answered, Error>) -> PyResult<Py<PyAny>> {
    match outcome {
        Ok(Answered::Spec(r)) => Ok(answer(&r).into_pyobject(py)?.into_any().unbind()),
        Ok(Answered::Raw(a)) => Ok(raw_answer(py, &a).into_pyobject(py)?.into_any().unbind()),
        Err(e) => Err(native_error(py, &e)),
    }
}

fn native_error(py: Python<'_>, e: &Error) -> PyErr {
    let details = PyDict::new(py);
    let set = |k: &str, v: Option<String>| details.set_item(k, v);
    let filled: PyResult<()> = (|| {
        match e {
            Error::Validation(v) => {
                let list: Vec<(String, &str, String)> =
                    v.iter().map(|v| (v.param.clone(), v.kind.rule(), v.to_string())).collect();
                details.set_item("violations", list)?;
            }
            Error::Api(api) => api_details(&details, api)?,
            Error::Transport(t) => {
                set("detail", Some(t.kind.as_str().to_owned()))?;
                details.set_item("status", t.status)?;
                set("raw", t.raw.clone())?;
            }
            Error::Decode(d) => {
                set("detail", Some(d.kind.as_str().to_owned()))?;
                details.set_item("status", d.status)?;
                set("raw", Some(d.raw.clone()))?;
            }
            Error::OutcomeUnknown(o) => {
                details.set_item("status", o.status)?;
                set("raw", o.raw.clone())?;
                details.set_item("request", o.request.clone())?;
            }
            Error::Config(_) => {}
        }
        details.set_item("retry_safe", e.retry_safe())?;
        details.set_item("may_have_taken_effect", e.may_have_taken_effect())?;
        details.set_item("retries", e.retries())?;
        Ok(())
    })();
    if let Err(err) = filled {
        return err;
    }
    NativeError::new_err((e.kind(), e.to_string(), details.unbind()))
}

fn api_details(details: &Bound<'_, PyDict>, api: &ApiError) -> PyResult<()> {
    details.set_item("code", api.code())?;
    details.set_item("server_message", api.message())?;
    details.set_item("item", api.item())?;
    details.set_item("argument", api.argument())?;
    details.set_item("error_id", api.documented().map(|r| r.id))?;
    details.set_item("raw", api.raw())
}

fn config_error(message: impl std::fmt::Display) -> PyErr {
    NativeError::new_err(("config", message.to_string(), ()))
}

/// A keyword's value of the wrong Python type: a TypeError naming the keyword.
fn typed(py: Python<'_>, keyword: &str, e: PyErr) -> PyErr {
    pyo3::exceptions::PyTypeError::new_err(format!("{keyword}: {}", e.value(py)))
}

/// One value of a keyword, read by its setting's type, applied to the builder.
fn set(
    b: ClientBuilder,
    setting: &'static Setting,
    keyword: &str,
    value: &Bound<'_, PyAny>,
) -> PyResult<ClientBuilder> {
    let text = || value.extract::<String>().map_err(|e| typed(value.py(), keyword, e));
    let applied = match setting.ty {
        SettingType::Text | SettingType::Secret | SettingType::Path | SettingType::Choice => {
            let text = text()?;
            if setting.ty == SettingType::Choice && !setting.choices.iter().any(|c| c.eq_ignore_ascii_case(&text)) {
                let quoted: Vec<String> = setting.choices.iter().map(|c| format!("'{c}'")).collect();
                return Err(config_error(format!("{keyword} must be one of {}, not {text:?}", quoted.join(", "))));
            }
            match setting.ty {
                SettingType::Path => b.set(setting.name, SettingValue::Path(Path::new(&text))),
                _ => b.set(setting.name, SettingValue::Text(&text)),
            }
        }
        SettingType::Duration => {
            let seconds: f64 = value.extract().map_err(|e| typed(value.py(), keyword, e))?;
            let least = Duration::from_millis(setting.min);
            let wait = Duration::try_from_secs_f64(seconds).ok().filter(|d| *d >= least).ok_or_else(|| {
                config_error(format!(
                    "{keyword} must be a number of seconds from {}, not {seconds}",
                    least.as_secs_f64()
                ))
            })?;
            b.set(setting.name, SettingValue::Duration(wait))
        }
        SettingType::Count => {
            let n: i64 = value.extract().map_err(|e| typed(value.py(), keyword, e))?;
            let count = u32::try_from(n).ok().filter(|c| u64::from(*c) >= setting.min).ok_or_else(|| {
                config_error(format!("{keyword} must be a whole number from {}, not {n}", setting.min))
            })?;
            b.set(setting.name, SettingValue::Count(count))
        }
        SettingType::Flag => {
            b.set(setting.name, SettingValue::Flag(value.extract().map_err(|e| typed(value.py(), keyword, e))?))
        }
        SettingType::Map => {
            let (k, v): (String, String) = value.extract().map_err(|e| typed(value.py(), keyword, e))?;
            b.set(setting.name, SettingValue::Entry(&k, &v))
        }
    };
    applied.map_err(config_error)
}

fn endpoint(name: &str) -> PyResult<&'static sectigo::meta::Endpoint> {
    sectigo::dynamic::endpoint(name).ok_or_else(|| config_error(format!("no endpoint {name:?}")))
}

/// A client: one connection pool, usable from many threads.
#[pyclass(frozen, module = "sectigo._native")]
struct NativeClient {
    client: Client,
    login_name: Option<String>,
}

#[pymethods]
impl NativeClient {
    /// A client from `Client`'s keywords (`ClientSettings` is generated from the settings
    /// table): each keyword's row of the table, its value read by the row's type (seconds for
    /// a duration, a list for a repeatable setting, (key, value) pairs for a map), then the
    /// core's `ClientBuilder::set`. None leaves a setting unset.
    #[new]
    #[pyo3(signature = (**settings))]
    fn new(settings: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let mut b = Client::builder();
        let mut login_name = None;
        for (keyword, value) in settings.into_iter().flat_map(|d| d.iter()) {
            let keyword: String = keyword.extract()?;
            if value.is_none() {
                continue;
            }
            let setting = settings::find_python(&keyword).ok_or_else(|| {
                let known: Vec<&str> = settings::SETTINGS.iter().filter_map(|s| s.python).collect();
                config_error(format!("unknown setting {keyword:?} ({})", known.join(", ")))
            })?;
            if keyword == "login_name" {
                login_name = Some(value.extract::<String>().map_err(|e| typed(value.py(), &keyword, e))?);
            }
            // A repeatable setting and a map take several values: a list, and (key, value) pairs.
            let values: Vec<Bound<'_, PyAny>> = if setting.repeatable || setting.ty == SettingType::Map {
                value.extract().map_err(|e| typed(value.py(), &keyword, e))?
            } else {
                vec![value]
            };
            for one in values {
                b = set(b, setting, &keyword, &one)?;
            }
        }
        let client = b.build().map_err(config_error)?;
        Ok(NativeClient { client, login_name })
    }

    /// Validates and sends a call, without the GIL while it waits; with `cancel`, stoppable
    /// from another thread through that handle; `interruptible`, serving signals meanwhile
    /// (see [`NativeClient::interruptible`]).
    #[pyo3(signature = (endpoint, params, cancel=None, interruptible=false))]
    fn call(
        &self,
        py: Python<'_>,
        endpoint: &str,
        params: Vec<(String, String)>,
        cancel: Option<Bound<'_, NativeCancel>>,
        interruptible: bool,
    ) -> PyResult<Py<PyAny>> {
        let ep = self::endpoint(endpoint)?;
        let prepared = self
            .client
            .url(ep)
            .map_err(Error::Config)
            .and_then(|_| self.client.prepare(ep, params))
            .map(Prepared::Spec)
            .map_err(|e| native_error(py, &e))?;
        self.dispatch(py, prepared, cancel, interruptible)
    }

    /// A call to a path outside the spec (see the core's `Client::call_raw`): checked, then
    /// sent as [`call`](Self::call) sends, its answer as [`Raw`].
    #[pyo3(signature = (path, params, read_only=false, credentials=true, cancel=None, interruptible=false))]
    #[allow(clippy::too_many_arguments)]
    fn call_raw(
        &self,
        py: Python<'_>,
        path: &str,
        params: Vec<(String, String)>,
        read_only: bool,
        credentials: bool,
        cancel: Option<Bound<'_, NativeCancel>>,
        interruptible: bool,
    ) -> PyResult<Py<PyAny>> {
        let options = RawOptions::new().read_only(read_only).credentials(credentials);
        let prepared =
            self.client.prepare_raw(path, params, options).map(Prepared::Raw).map_err(|e| native_error(py, &e))?;
        self.dispatch(py, prepared, cancel, interruptible)
    }

    fn __repr__(&self) -> String {
        format!(
            "NativeClient(base_url={:?}, login_name={:?}, login_password=<redacted>)",
            self.client.base_url(),
            self.login_name
        )
    }
}

/// How often a call on the main thread wakes its caller to serve signals.
const SIGNAL_POLL: Duration = Duration::from_millis(50);

impl NativeClient {
    /// Sends a checked call: on Python's main thread serving signals (`interruptible`), else
    /// here without the GIL, stoppable through `cancel`.
    fn dispatch(
        &self,
        py: Python<'_>,
        prepared: Prepared,
        cancel: Option<Bound<'_, NativeCancel>>,
        interruptible: bool,
    ) -> PyResult<Py<PyAny>> {
        if interruptible {
            return self.interruptible(py, prepared);
        }
        let outcome = match cancel.as_ref().map(Bound::get) {
            None => py.detach(|| prepared.send(&self.client, None)),
            Some(handle) => {
                let _ = handle.write.set(prepared.write());
                let _ = handle.request.set(prepared.redacted());
                py.detach(|| prepared.send(&self.client, Some(&handle.cancel)))
            }
        };
        to_python(py, outcome)
    }

    /// A call made on Python's main thread, where signal handlers run: the call goes to a
    /// thread of its own while the caller waits without the GIL and serves signals every
    /// [`SIGNAL_POLL`]. When a handler raises, the call stops as an `AsyncClient` call does when
    /// cancelled: before anything left, or for a call that changes nothing, the handler's
    /// exception is raised and nothing more is sent; a call that changes state and may have
    /// reached the server goes on, and the caller gets `NativeError("interrupted", ...)` with
    /// the request and a [`NativePending`] that gives the call's outcome.
    fn interruptible(&self, py: Python<'_>, prepared: Prepared) -> PyResult<Py<PyAny>> {
        let cancel = sectigo::Cancel::new();
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let (client, sent, stopper) = (self.client.clone(), prepared.clone(), cancel.clone());
        run_elsewhere(Box::new(move || {
            let outcome = sent.send(&client, Some(&stopper));
            Box::new(move || drop(tx.send(outcome)))
        }))?;
        // In a lock only to be shared with the GIL-free wait (a receiver is not `Sync`).
        let rx = Mutex::new(rx);
        let receive = || rx.lock().map_err(|_| RecvTimeoutError::Disconnected)?.recv_timeout(SIGNAL_POLL);
        loop {
            match py.detach(receive) {
                Ok(result) => return to_python(py, result),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(config_error("the call's thread ended without an outcome"));
                }
            }
            let Err(interrupt) = py.check_signals() else { continue };
            let write = prepared.write();
            if cancel.cancel_unsent() {
                return Err(interrupt);
            }
            if !write {
                cancel.cancel();
                return Err(interrupt);
            }
            let details = PyDict::new(py);
            details.set_item("request", prepared.redacted())?;
            details.set_item("interrupt", interrupt.value(py))?;
            let rx = rx.into_inner().map_err(|_| config_error("the call's outcome was lost"))?;
            details.set_item("pending", NativePending { outcome: Mutex::new(Some(rx)) })?;
            let message = format!("{} was interrupted by a signal", prepared.title());
            return Err(NativeError::new_err(("interrupted", message, details.unbind())));
        }
    }
}

/// A call for a call thread: it runs the call and gives back how to deliver its outcome, which
/// the thread does once it is idle again (so that a caller that has its outcome finds the
/// thread idle: a fork right after the call ends it).
type Job = Box<dyn FnOnce() -> Box<dyn FnOnce() + Send> + Send>;

/// This process's call threads.
struct CallThreads {
    /// The process they belong to: a forked child has none of its parent's threads.
    pid: u32,
    /// The idle ones, each with where its next job goes (`None` ends it).
    idle: Vec<(ThreadId, Sender<Option<Job>>)>,
    /// Every one still running, to be joined when it is ended.
    handles: Vec<(ThreadId, JoinHandle<()>)>,
}

static CALL_THREADS: Mutex<CallThreads> = Mutex::new(CallThreads { pid: 0, idle: Vec::new(), handles: Vec::new() });

/// How long a call thread waits for its next call before it ends.
const IDLE_FOR: Duration = Duration::from_secs(30);

/// This process's call threads, locked. In a forked child the parent's are forgotten unused:
/// their threads stayed in the parent.
fn call_threads() -> MutexGuard<'static, CallThreads> {
    let mut threads = CALL_THREADS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if threads.pid != std::process::id() {
        std::mem::forget(std::mem::take(&mut threads.idle));
        std::mem::forget(std::mem::take(&mut threads.handles));
        threads.pid = std::process::id();
    }
    threads
}

/// Runs a job on an idle call thread of this process, or on a new one: a thread is made once
/// and serves call after call, instead of one thread per call.
fn run_elsewhere(mut job: Job) -> PyResult<()> {
    loop {
        let next = call_threads().idle.pop();
        let Some((_, thread)) = next else { break };
        match thread.send(Some(job)) {
            Ok(()) => return Ok(()),
            Err(std::sync::mpsc::SendError(back)) => match back {
                Some(back) => job = back,
                None => return Err(config_error("the call was lost on its way to a thread")),
            },
        }
    }
    let (tx, rx) = std::sync::mpsc::channel();
    // Locked while it starts, so that its handle is in before it can look for it.
    let mut threads = call_threads();
    let handle = std::thread::Builder::new()
        .name("sectigo-call".to_owned())
        .spawn(move || serve(job, tx, rx))
        .map_err(|e| config_error(format!("could not start a thread for the call: {e}")))?;
    threads.handles.push((handle.thread().id(), handle));
    Ok(())
}

/// A call thread: runs its first job, then waits as idle for the next.
fn serve(mut job: Job, tx: Sender<Option<Job>>, rx: Receiver<Option<Job>>) {
    let me = std::thread::current().id();
    loop {
        let deliver = job();
        call_threads().idle.push((me, tx.clone()));
        deliver();
        let next = match rx.recv_timeout(IDLE_FOR) {
            Ok(next) => next,
            Err(_) => {
                let mut threads = call_threads();
                if let Some(at) = threads.idle.iter().position(|(id, _)| *id == me) {
                    threads.idle.swap_remove(at);
                    // Not to be joined: this thread ends by itself.
                    threads.handles.retain(|(id, _)| *id != me);
                    return;
                }
                drop(threads);
                // Taken just as it gave up waiting: a job (or the end) is on its way.
                rx.recv().ok().flatten()
            }
        };
        match next {
            Some(next) => job = next,
            None => return,
        }
    }
}

/// Ends this process's idle call threads and waits until they are gone. Run by `os.fork()`
/// (registered with `os.register_at_fork`), so that a fork finds no thread of ours waiting:
/// some platforms (qemu-user among them) cannot start a thread in the child of a process
/// that had threads, and the child has no use for them.
#[pyfunction]
fn end_idle_call_threads() {
    let ended: Vec<JoinHandle<()>> = {
        let mut threads = call_threads();
        let idle = std::mem::take(&mut threads.idle);
        let mut ended = Vec::new();
        for (id, thread) in idle {
            if thread.send(None).is_ok()
                && let Some(at) = threads.handles.iter().position(|(h, _)| *h == id)
            {
                ended.push(threads.handles.swap_remove(at).1);
            }
        }
        ended
    };
    for handle in ended {
        let _ = handle.join();
    }
}

/// The outcome of a call that changes state, left to finish when a signal interrupted its
/// caller.
#[pyclass(frozen, module = "sectigo._native")]
struct NativePending {
    outcome: Mutex<Option<Receiver<Result<Answered, Error>>>>,
}

#[pymethods]
impl NativePending {
    /// Waits (without the GIL) for the call's end: its answer, or its `NativeError`. Once.
    fn wait(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let rx = self.outcome.lock().ok().and_then(|mut o| o.take());
        let rx = rx.ok_or_else(|| config_error("this outcome was already taken"))?;
        match py.detach(move || rx.recv()) {
            Ok(outcome) => to_python(py, outcome),
            Err(_) => Err(config_error("the call's thread ended without an outcome")),
        }
    }
}

/// Stops one call from another thread (what `AsyncClient` does when the task awaiting a call
/// is cancelled).
#[pyclass(frozen, module = "sectigo._native")]
#[derive(Default)]
struct NativeCancel {
    cancel: sectigo::Cancel,
    /// Whether the call changes state, once it started.
    write: std::sync::OnceLock<bool>,
    /// The request as sent, passwords redacted, once it was checked.
    request: std::sync::OnceLock<Vec<(String, String)>>,
}

#[pymethods]
impl NativeCancel {
    #[new]
    fn new() -> Self {
        NativeCancel::default()
    }

    /// Stops the call. True when it stopped without effect: nothing of it had left (it never
    /// will), or it changes nothing (its connection is shut down). False for a call that
    /// changes state and may have reached the server: it is left to finish, so that its
    /// outcome is learnt.
    fn stop(&self) -> bool {
        if self.cancel.cancel_unsent() {
            return true;
        }
        if self.write.get() == Some(&true) {
            return false;
        }
        self.cancel.cancel();
        true
    }

    /// The request as sent (passwords redacted), once the call was checked.
    fn request(&self) -> Option<Vec<(String, String)>> {
        self.request.get().cloned()
    }

    fn __repr__(&self) -> String {
        format!("NativeCancel({:?})", self.cancel)
    }
}

/// Checks a request without sending it (and without credentials); returns the form body.
#[pyfunction]
fn prepare(py: Python<'_>, endpoint: &str, params: Vec<(String, String)>) -> PyResult<String> {
    let ep = self::endpoint(endpoint)?;
    sectigo::validate::prepare(ep, params, None)
        .map(|form| form.encode())
        .map_err(|v| native_error(py, &Error::Validation(v)))
}

/// The URL of a customer page by id, for a session handle and an order number (the core's
/// `pages::url`); a page the documents leave out needs a template.
#[pyfunction]
#[pyo3(signature = (page, template, sid, order_number))]
fn page_url(page: &str, template: Option<&str>, sid: &str, order_number: &str) -> PyResult<String> {
    sectigo::pages::url(page, template, sid, order_number).map_err(config_error)
}

/// Reads an answer offline: the parameters it answers, HTTP status, Location and body.
#[pyfunction]
#[pyo3(signature = (endpoint, params, status, location, body))]
fn decode(
    py: Python<'_>,
    endpoint: &str,
    params: Vec<(String, String)>,
    status: u16,
    location: Option<String>,
    body: Vec<u8>,
) -> PyResult<Answer> {
    let ep = self::endpoint(endpoint)?;
    match sectigo::wire::decode(ep, &params, RawResponse { status, location, body }) {
        Ok(r) if r.is_success() => Ok(answer(&r)),
        Ok(r) => Err(native_error(py, &Error::Api(ApiError::from_response(r)))),
        Err(d) => Err(native_error(py, &Error::Decode(d))),
    }
}

/// A sandbox served by threads of this process (`sectigo.testing.sandbox()`).
#[pyclass(frozen, module = "sectigo._native")]
struct NativeSandbox {
    sandbox: Mutex<Option<sectigo_sandbox::Sandbox>>,
}

impl NativeSandbox {
    fn with<R>(&self, f: impl FnOnce(&sectigo_sandbox::Sandbox) -> R) -> PyResult<R> {
        let guard = self.sandbox.lock().map_err(|_| config_error("the sandbox lock is poisoned"))?;
        guard.as_ref().map(f).ok_or_else(|| config_error("the sandbox is stopped"))
    }
}

#[pymethods]
impl NativeSandbox {
    #[new]
    #[pyo3(signature = (*, rate_limit=None, legacy=false, quirks=false, accept_plain_http=false, signup_path=None, seed=None, log=false,
                        private=false, tinyproxy=false))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        rate_limit: Option<String>,
        legacy: bool,
        quirks: bool,
        accept_plain_http: bool,
        signup_path: Option<String>,
        seed: Option<String>,
        log: bool,
        private: bool,
        tinyproxy: bool,
    ) -> PyResult<Self> {
        let mut config = sectigo_sandbox::Config {
            http_port: Some(0),
            log,
            private_port: private.then_some(0),
            tinyproxy,
            ..Default::default()
        };
        config.api.quirks = quirks;
        config.api.accept_plain_http = accept_plain_http;
        if legacy {
            config.api.generation = sectigo_sandbox::Generation::Legacy;
        }
        if let Some(path) = signup_path {
            config.api.signup_path = path;
        }
        if let Some(limit) = rate_limit {
            config.api.rate_limit = Some(sectigo_sandbox::cli::parse_rate_limit(&limit).map_err(config_error)?);
        }
        if let Some(text) = seed {
            config.seed = sectigo_sandbox::Seed::from_toml(&text).map_err(config_error)?;
        }
        let sandbox = py.detach(|| sectigo_sandbox::Sandbox::start(config)).map_err(config_error)?;
        Ok(NativeSandbox { sandbox: Mutex::new(Some(sandbox)) })
    }

    /// The ready line's facts (URLs, ports, accounts, orders, products) as JSON.
    fn info(&self) -> PyResult<String> {
        self.with(|s| s.info().to_string())
    }

    fn ca_pem(&self) -> PyResult<String> {
        self.with(|s| s.ca_pem().to_owned())
    }

    /// A new client certificate for an account: (certificate PEM, key PEM, PKCS #12 bytes).
    fn mint_client_certificate(
        &self,
        py: Python<'_>,
        login_name: &str,
        pkcs12_password: &str,
    ) -> PyResult<(String, String, pyo3::Py<pyo3::types::PyBytes>)> {
        let minted = self.with(|s| s.mint_client_certificate(login_name, pkcs12_password))?.map_err(config_error)?;
        Ok((minted.cert_pem, minted.key_pem, pyo3::types::PyBytes::new(py, &minted.pkcs12).unbind()))
    }

    /// Connections accepted and requests per endpoint, as JSON.
    fn counters(&self) -> PyResult<String> {
        self.with(|s| serde_json::to_string(&s.counters()).unwrap_or_default())
    }

    fn reset_counters(&self) -> PyResult<()> {
        self.with(|s| s.reset_counters())
    }

    /// The accounts, orders and partners as JSON.
    fn state(&self) -> PyResult<String> {
        self.with(|s| s.with_state(|state| serde_json::to_string(state).unwrap_or_default()))
    }

    /// Adds a fault rule from the admin endpoint's fields (`kind`, `ms`, `status`, `endpoint`,
    /// `count`); `kind=clear` removes every rule.
    fn fault(&self, fields: Vec<(String, String)>) -> PyResult<()> {
        let rule = sectigo_sandbox::http::parse_fault(&fields).map_err(config_error)?;
        self.with(|s| match rule {
            Some(rule) => s.inject(rule),
            None => s.clear_faults(),
        })
    }

    /// Programs an answer on a path from the admin endpoint's fields (`path`, `body_hex`,
    /// `content_type`, `status`, `delay_ms`, `close`, `count`); `clear=1` removes every one.
    fn answer(&self, fields: Vec<(String, String)>) -> PyResult<()> {
        let rule = sectigo_sandbox::http::parse_answer(&fields).map_err(config_error)?;
        self.with(|s| match rule {
            Some(rule) => s.program(rule),
            None => s.clear_answers(),
        })
    }

    /// The requests programmed answers were for, as JSON.
    fn answered(&self) -> PyResult<String> {
        self.with(|s| serde_json::to_string(&s.answered()).unwrap_or_default())
    }

    /// Stops serving (also done when the object is collected).
    fn close(&self, py: Python<'_>) {
        let sandbox = self.sandbox.lock().ok().and_then(|mut s| s.take());
        py.detach(|| drop(sandbox));
    }
}

/// `python -m sectigo.sandbox`: the `sectigo-sandbox` command, served by this process until
/// interrupted (or, with `--exit-with-stdin`, until standard input closes). Returns the exit
/// status.
#[pyfunction]
fn sandbox_main(py: Python<'_>, argv: Vec<String>) -> PyResult<i32> {
    use sectigo_sandbox::cli::{Started, start};
    let started = py.detach(|| start("sectigo-sandbox", argv.into_iter().map(Into::into)));
    let (sandbox, exit_with_stdin) = match started {
        Err(e) => {
            eprintln!("sectigo-sandbox: {e}");
            return Ok(1);
        }
        Ok(Started::Exit(status)) => return Ok(status),
        Ok(Started::Serving { sandbox, exit_with_stdin }) => (sandbox, exit_with_stdin),
    };
    let stdin_closed = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    if exit_with_stdin {
        let flag = stdin_closed.clone();
        std::thread::spawn(move || {
            use std::io::Read;
            let _ = std::io::stdin().read_to_end(&mut Vec::new());
            flag.store(true, std::sync::atomic::Ordering::SeqCst);
        });
    }
    // Wake up now and then to let Python handle signals (Ctrl-C ends the sandbox).
    while !stdin_closed.load(std::sync::atomic::Ordering::SeqCst) {
        py.detach(|| std::thread::sleep(Duration::from_millis(50)));
        if let Err(e) = py.check_signals() {
            py.detach(|| drop(sandbox));
            return Err(e);
        }
    }
    py.detach(|| drop(sandbox));
    Ok(0)
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // The SDK's log records (each call at DEBUG, retries and unknown outcomes at WARNING) go to
    // Python's `logging`, logger `sectigo`, and an in-process sandbox's (`log=True`) to
    // `sectigo_sandbox`; other crates' only from WARNING. Levels are asked of `logging` on each
    // record, so configuring it after the import works.
    let _ = pyo3_log::Logger::new(m.py(), pyo3_log::Caching::Nothing)?
        .filter(log::LevelFilter::Warn)
        .filter_target("sectigo".to_owned(), log::LevelFilter::Debug)
        .filter_target("sectigo_sandbox".to_owned(), log::LevelFilter::Info)
        .install();
    m.add_class::<NativeClient>()?;
    m.add_class::<NativeCancel>()?;
    m.add_class::<NativePending>()?;
    m.add_class::<NativeSandbox>()?;
    m.add_function(wrap_pyfunction!(sandbox_main, m)?)?;
    m.add_function(wrap_pyfunction!(prepare, m)?)?;
    m.add_function(wrap_pyfunction!(decode, m)?)?;
    m.add_function(wrap_pyfunction!(page_url, m)?)?;
    m.add_function(wrap_pyfunction!(end_idle_call_threads, m)?)?;
    let os = m.py().import("os")?;
    if os.hasattr("register_at_fork")? {
        let hooks = PyDict::new(m.py());
        hooks.set_item("before", m.getattr("end_idle_call_threads")?)?;
        os.call_method("register_at_fork", (), Some(&hooks))?;
    }
    m.add("NativeError", m.py().get_type::<NativeError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
