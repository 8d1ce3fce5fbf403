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
