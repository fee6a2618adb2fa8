//! An egress proxy on loopback for tests: Debian's `tinyproxy`, started with a configuration of
//! our own (CONNECT allowed to any port, Basic authentication, a log of every request).

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The user name the proxy asks for.
pub const USER: &str = "sandbox-proxy";
/// The proxy's password: only the tests know it, and no log of the SDK may show it.
pub const PASSWORD: &str = "proxy-pw-6b1f";

/// A running `tinyproxy`; stopped when dropped.
#[derive(Debug)]
pub struct TinyProxy {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl TinyProxy {
    /// Starts `tinyproxy` (on `PATH` or in `/usr/bin`) on a free loopback port, its files in a
    /// new folder of the temporary folder.
    pub fn start() -> Result<TinyProxy, String> {
        let dir = std::env::temp_dir().join(format!("sectigo-tinyproxy-{}-{}", std::process::id(), random_suffix()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        let mut last = String::new();
        // The port is found free, then given to tinyproxy: another program may take it between.
        for _ in 0..5 {
            let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
                .and_then(|l| l.local_addr())
                .map_err(|e| format!("finding a free port: {e}"))?
                .port();
            let conf = dir.join("tinyproxy.conf");
            let log = dir.join("tinyproxy.log");
            let text = format!(
                "Port {port}\nListen 127.0.0.1\nTimeout 60\nLogFile \"{}\"\nLogLevel Connect\nMaxClients 200\n\
                 Allow 127.0.0.1\nBasicAuth {USER} {PASSWORD}\nDisableViaHeader Yes\n",
                log.display()
            );
            std::fs::write(&conf, text).map_err(|e| format!("writing {}: {e}", conf.display()))?;
            let program = if Path::new("/usr/bin/tinyproxy").exists() { "/usr/bin/tinyproxy" } else { "tinyproxy" };
            let mut child = Command::new(program)
                .arg("-d")
                .arg("-c")
                .arg(&conf)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|e| {
                    format!(
                        "cannot start tinyproxy: {e} (install it: apt-get install -y --no-install-recommends tinyproxy)"
                    )
                })?;
            let deadline = Instant::now() + Duration::from_secs(5);
            loop {
                if TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok() {
                    return Ok(TinyProxy { child, port, dir });
                }
                if let Ok(Some(status)) = child.try_wait() {
                    last = format!("tinyproxy exited ({status}) on port {port}");
                    break;
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    last = format!("tinyproxy did not listen on port {port} within 5 s");
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        Err(last)
    }

    /// `http://USER:PASSWORD@127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{USER}:{PASSWORD}@127.0.0.1:{}", self.port)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Its log file: one `Request ...: CONNECT host:port HTTP/1.1` line per tunnel.
    pub fn log_path(&self) -> PathBuf {
        self.dir.join("tinyproxy.log")
    }

    /// How many tunnels to `host_port` the log shows.
    pub fn tunnels_to(&self, host_port: &str) -> usize {
        let needle = format!("CONNECT {host_port} HTTP/1.1");
        std::fs::read_to_string(self.log_path()).unwrap_or_default().lines().filter(|l| l.contains(&needle)).count()
    }
}

impl Drop for TinyProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn random_suffix() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(Instant::now().elapsed().as_nanos());
    h.finish() as u32
}
