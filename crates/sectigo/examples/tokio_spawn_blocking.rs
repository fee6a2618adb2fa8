//! A tokio application calling the blocking client: each call on tokio's blocking pool
//! (`spawn_blocking`), never on the runtime's own threads, sixteen at once over one client's
//! connections, against the SDK's sandbox started in this process.
//!
//!     cargo run -p sectigo --example tokio_spawn_blocking

use sectigo::{Client, InitCustomerSession};
use sectigo_sandbox::Sandbox;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let sandbox = Sandbox::start(Default::default())?;
    let (login_name, login_password) =
        sandbox.with_state(|s| (s.accounts[0].login_name.clone(), s.accounts[0].login_password.clone()));
    let client = Client::builder()
        .credentials(login_name, login_password)
        .base_url(sandbox.https_url())
        .add_root_certificates_pem(sandbox.ca_pem())
        .build()?;

    let calls: Vec<_> = (0..16)
        .map(|_| {
            let client = client.clone(); // a handle on the same pool
            tokio::task::spawn_blocking(move || InitCustomerSession::new().order_number("1000003").send(&client))
        })
        .collect();
    for call in calls {
        let session = call.await??;
        assert!(!session.sid.is_empty());
    }
    println!("16 customer sessions opened from tokio tasks, over {} connection(s)", sandbox.counters().connections);
    Ok(())
}
