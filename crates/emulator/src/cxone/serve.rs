//! Serving the `cxone` routers, as the seed's `serve.rs` does (and with its accept loop):
//! one listener for everything, or with `api_listen` the issuer (and control) on `listen`
//! and the API (and control) on a second listener that `api_endpoint` names.

use std::net::SocketAddr;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::config::CxoneConfig;
use super::state::CxoneState;
use super::{api_app, app, issuer_app};
use crate::error::EmulatorError;
use crate::serve::{accept_loop, bind};

/// A running `cxone` emulator: its addresses, its state, and the way to stop it.
/// Dropping it stops the servers too.
#[derive(Debug)]
pub struct RunningCxone {
    addr: SocketAddr,
    api_addr: SocketAddr,
    state: CxoneState,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl RunningCxone {
    /// The issuer's bound address (the real port when started on port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API's bound address (the issuer's unless `api_listen` was set).
    pub fn api_addr(&self) -> SocketAddr {
        self.api_addr
    }

    /// `http://HOST:PORT` of the issuer: the `CXONE_ISSUER` of a client.
    pub fn issuer_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://HOST:PORT` of the API: the `api_endpoint` cxone-configuration gives.
    pub fn api_url(&self) -> String {
        format!("http://{}", self.api_addr)
    }

    /// The state behind the servers (to steer or inspect them from the same process).
    pub fn state(&self) -> &CxoneState {
        &self.state
    }

    /// Stops accepting, lets open requests finish, and waits for the server tasks.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for task in self.tasks.drain(..) {
            let _ = task.await;
        }
    }
}

impl Drop for RunningCxone {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// Builds the state from `config`, binds `config.listen` (and `config.api_listen`) and
/// serves the routers in tasks.
///
/// # Errors
/// A bad configuration, unreadable skills or state, or an address that cannot be bound.
///
/// # Example
///
/// The issuer and the API on two free loopback ports; the issuer's `cxone-configuration`
/// names the API's listener, as CXone's names a cluster's:
///
/// ```
/// use cxsched_emulator::cxone::{CxoneConfig, DEMO_TENANT_ID, SkillSource, spawn};
/// use tokio::io::{AsyncReadExt, AsyncWriteExt};
///
/// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// rt.block_on(async {
///     let emu = spawn(CxoneConfig {
///         skills: SkillSource::Ids(vec![7, 8]),
///         ..CxoneConfig::loopback_two_listeners()
///     })
///     .await
///     .unwrap();
///     assert_ne!(emu.addr(), emu.api_addr());
///     assert_eq!(emu.state().skill_ids(), [7, 8]);
///
///     let mut socket = tokio::net::TcpStream::connect(emu.addr()).await.unwrap();
///     let request = format!(
///         "GET /.well-known/cxone-configuration?tenantId={DEMO_TENANT_ID} HTTP/1.1\r\n\
///          Host: emu\r\nConnection: close\r\n\r\n"
///     );
///     socket.write_all(request.as_bytes()).await.unwrap();
///     let mut answer = String::new();
///     socket.read_to_string(&mut answer).await.unwrap();
///     assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
///     assert!(answer.contains(&emu.api_url()), "{answer}");
///
///     emu.shutdown().await;
/// });
/// ```
pub async fn spawn(config: CxoneConfig) -> Result<RunningCxone, EmulatorError> {
    let (listen, api_listen) = (config.listen, config.api_listen);
    let state = CxoneState::new(config)?;
    let (listener, addr) = bind(listen).await?;
    let (stop, stopped) = watch::channel(false);
    let mut tasks = Vec::new();
    let api_addr = match api_listen {
        None => {
            state.set_urls(format!("http://{addr}"), None);
            tasks.push(tokio::spawn(accept_loop(
                listener,
                app(state.clone()),
                stopped,
            )));
            addr
        }
        Some(api_listen) => {
            let (api_listener, api_addr) = bind(api_listen).await?;
            state.set_urls(format!("http://{addr}"), Some(format!("http://{api_addr}")));
            tasks.push(tokio::spawn(accept_loop(
                listener,
                issuer_app(state.clone()),
                stopped.clone(),
            )));
            tasks.push(tokio::spawn(accept_loop(
                api_listener,
                api_app(state.clone()),
                stopped,
            )));
            api_addr
        }
    };
    Ok(RunningCxone {
        addr,
        api_addr,
        state,
        stop,
        tasks,
    })
}
