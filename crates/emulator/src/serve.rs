//! Serving the router on a TCP listener: one hyper HTTP/1.1 connection per accepted socket,
//! with the peer address for the loopback rule, the dropped-connection fault (a response
//! marked [`DropConnection`] closes the socket unanswered), and graceful shutdown.

use std::net::SocketAddr;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tower::ServiceExt as _;

use crate::config::EmulatorConfig;
use crate::error::EmulatorError;
use crate::routes::{DropConnection, app};
use crate::state::EmulatorState;

/// The error a connection ends with when a fault drops it.
#[derive(Debug, thiserror::Error)]
#[error("connection dropped on purpose (injected fault)")]
struct Dropped;

/// A running emulator: its address, its state, and the way to stop it.
/// Dropping it stops the server too.
#[derive(Debug)]
pub struct RunningEmulator {
    addr: SocketAddr,
    state: EmulatorState,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl RunningEmulator {
    /// The bound address (the real port when started on port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://HOST:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The state behind the server (to steer or inspect it from the same process).
    pub fn state(&self) -> &EmulatorState {
        &self.state
    }

    /// Stops accepting, lets open requests finish, and waits for the server task.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// Builds the state from `config`, binds `config.listen` and serves [`app`] in a task.
///
/// # Errors
/// A bad configuration, unreadable campaigns or state, or an address that cannot be bound.
///
/// # Example
///
/// On a free loopback port, asked for its campaigns over plain HTTP/1.1 (the control
/// endpoints answer loopback callers only):
///
/// ```
/// use cxsched_emulator::{CampaignSource, EmulatorConfig};
/// use tokio::io::{AsyncReadExt, AsyncWriteExt};
///
/// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// rt.block_on(async {
///     let id = "3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab";
///     let mut config = EmulatorConfig::loopback(); // 127.0.0.1:0
///     config.campaigns = CampaignSource::Documents(vec![
///         serde_json::json!({"campaignId": id, "timeWindows": []}),
///     ]);
///     let emu = cxsched_emulator::spawn(config).await.unwrap();
///     assert_ne!(emu.addr().port(), 0);
///
///     let mut socket = tokio::net::TcpStream::connect(emu.addr()).await.unwrap();
///     let request = "GET /_emulator/campaigns HTTP/1.1\r\nHost: emu\r\nConnection: close\r\n\r\n";
///     socket.write_all(request.as_bytes()).await.unwrap();
///     let mut answer = String::new();
///     socket.read_to_string(&mut answer).await.unwrap();
///     assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
///     assert!(answer.contains(id));
///
///     emu.shutdown().await;
/// });
/// ```
pub async fn spawn(config: EmulatorConfig) -> Result<RunningEmulator, EmulatorError> {
    let listen = config.listen;
    let state = EmulatorState::new(config)?;
    let (listener, addr) = bind(listen).await?;
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(accept_loop(listener, app(state.clone()), stopped));
    Ok(RunningEmulator {
        addr,
        state,
        stop,
        task: Some(task),
    })
}

/// Binds `listen`; returns the listener and the address it got (the real port for port 0).
pub(crate) async fn bind(listen: SocketAddr) -> Result<(TcpListener, SocketAddr), EmulatorError> {
    let bind_error = |source| EmulatorError::Bind {
        addr: listen,
        source,
    };
    let listener = TcpListener::bind(listen).await.map_err(bind_error)?;
    let addr = listener.local_addr().map_err(bind_error)?;
    Ok((listener, addr))
}

/// Serves `router` on `listener` until `stopped` changes, then lets open connections
/// finish (for at most 5 s).
pub(crate) async fn accept_loop(
    listener: TcpListener,
    router: Router,
    mut stopped: watch::Receiver<bool>,
) {
    let mut connections = tokio::task::JoinSet::new();
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(x) => x,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little and go on.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = stopped.changed() => break,
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let mut stopped = stopped.clone();
        connections.spawn(async move {
            let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo(peer));
                let router = router.clone();
                async move {
                    let resp = router
                        .oneshot(req)
                        .await
                        .unwrap_or_else(|never| match never {});
                    if resp.extensions().get::<DropConnection>().is_some() {
                        Err(Dropped)
                    } else {
                        Ok(resp)
                    }
                }
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service);
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = stopped.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
        });
        // Reap finished connections so the set does not grow without bound.
        while connections.try_join_next().is_some() {}
    }
    drop(listener);
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    connections.abort_all();
}
