//! Stopping on request: Ctrl-C (SIGINT) or, on Unix, SIGTERM.
//!
//! The handlers are installed by [`StopSignal::install`], not on first poll as
//! `tokio::signal::ctrl_c()` does, so a signal sent right after a process announces itself
//! (the emulator's `listening on` line, an apply's first write) is caught rather than
//! taking the default action.

/// Ctrl-C or (on Unix) SIGTERM, listened for from the moment it is installed.
#[cfg(unix)]
pub struct StopSignal {
    interrupt: std::io::Result<tokio::signal::unix::Signal>,
    terminate: std::io::Result<tokio::signal::unix::Signal>,
}

#[cfg(unix)]
impl StopSignal {
    pub fn install() -> Self {
        use tokio::signal::unix::{SignalKind, signal};
        StopSignal {
            interrupt: signal(SignalKind::interrupt()),
            terminate: signal(SignalKind::terminate()),
        }
    }

    /// Waits for the next signal; may be called again for the one after.
    pub async fn wait(&mut self) {
        async fn next(signal: &mut std::io::Result<tokio::signal::unix::Signal>) {
            match signal {
                Ok(signal) => {
                    signal.recv().await;
                }
                // Not listening for this one: wait on the other alone.
                Err(_) => std::future::pending().await,
            }
        }
        tokio::select! {
            _ = next(&mut self.interrupt) => {}
            _ = next(&mut self.terminate) => {}
        }
    }
}

#[cfg(not(unix))]
pub struct StopSignal;

#[cfg(not(unix))]
impl StopSignal {
    pub fn install() -> Self {
        StopSignal
    }

    pub async fn wait(self) {
        let _ = tokio::signal::ctrl_c().await;
    }
}
