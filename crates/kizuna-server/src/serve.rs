//! `kizuna serve`: the web server and the singleton jobs in one process, each
//! role switchable, all stopping cleanly together.

use std::future::Future;
use std::net::SocketAddr;

use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tokio::runtime::Runtime;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::http_guard::GuardedListener;
use crate::state::AppState;

/// Which parts this process runs (`--no-http`, `--no-inbound`, `--no-workers`).
#[derive(Debug, Clone, Copy)]
pub struct Roles {
    pub http: bool,
    pub inbound: bool,
    pub workers: bool,
}

impl Default for Roles {
    fn default() -> Self {
        Self { http: true, inbound: true, workers: true }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen for HTTP on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot listen for inbound mail on {addr}: {source}")]
    BindSmtp {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot start the HTTP server's threads: {0}")]
    HttpRuntime(std::io::Error),
    #[error("the HTTP server stopped: {0}")]
    Http(std::io::Error),
}

/// The sockets a process listens on, bound before anything is announced, and
/// the roles it takes.
pub struct Listeners {
    pub http: Option<TcpListener>,
    pub smtp: Option<TcpListener>,
    pub workers: bool,
}

impl Listeners {
    pub async fn bind(settings: &crate::config::Settings, roles: Roles) -> Result<Self, ServeError> {
        let http = if roles.http {
            let addr = settings.http_addr;
            Some(TcpListener::bind(addr).await.map_err(|source| ServeError::Bind { addr, source })?)
        } else {
            None
        };
        let smtp = if roles.inbound {
            let addr = settings.inbound_smtp_addr;
            Some(TcpListener::bind(addr).await.map_err(|source| ServeError::BindSmtp { addr, source })?)
        } else {
            None
        };
        Ok(Self { http, smtp, workers: roles.workers })
    }

    pub fn http_addr(&self) -> Option<SocketAddr> {
        self.http.as_ref().and_then(|l| l.local_addr().ok())
    }

    pub fn smtp_addr(&self) -> Option<SocketAddr> {
        self.smtp.as_ref().and_then(|l| l.local_addr().ok())
    }
}

/// Runs until `shutdown` completes, then lets requests finish, stops the jobs
/// and gives their leases back.
pub async fn serve(
    state: AppState,
    listeners: Listeners,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let (stop_tx, stop_rx) = watch::channel(false);
    // The HTTP server runs on threads of its own at a lower priority, so that
    // delivery keeps the CPU it needs while a burst of readers comes.
    let http = match listeners.http {
        Some(listener) => Some(spawn_http(state.clone(), listener, stop_rx.clone())?),
        None => None,
    };
    let holder = state.process.to_string();
    let heartbeat = tokio::spawn(crate::jobs::run_heartbeat(state.clone(), stop_rx.clone()));
    let scheduler = tokio::spawn(crate::jobs::run_scheduler(state.clone(), holder.clone(), stop_rx.clone()));
    let jma_poller = tokio::spawn(crate::jma_poller::run(state.clone(), holder.clone(), stop_rx.clone()));
    let follower = crate::directory::Follower::listen(state.store.clone(), state.directory.clone()).await;
    let directory = tokio::spawn(follower.run(stop_rx.clone()));
    let mut workers = Vec::new();
    if listeners.workers {
        if let Err(error) = crate::delivery::Worker::sync_pacing(&state).await {
            tracing::error!(%error, "could not store the pacing rules; the previous ones stay in force");
        }
        // Another process's send wakes the express worker too: it asks whether
        // an emergency is among what was queued.
        for wake in [&state.work, &state.emergencies] {
            if let Err(error) = state.store.listen_for_deliveries(wake.clone()).await {
                tracing::warn!(%error, "cannot listen for work from other processes; polling every second");
            }
        }
        // Another process's large send is queued by every process that delivers.
        if let Err(error) = state.store.listen_for_deliveries(state.queueing.clone()).await {
            tracing::warn!(%error, "cannot hear other processes' sends; looking for unqueued recipients every 2 s");
        }
        workers.push(tokio::spawn(crate::notices::queueing::run(state.clone(), stop_rx.clone())));
        workers.extend(crate::delivery::Worker::start_all(&state, &stop_rx));
        workers.push(tokio::spawn(crate::webhooks::run(state.clone(), holder.clone(), stop_rx.clone())));
    }

    let inbound = listeners
        .smtp
        .map(|listener| tokio::spawn(crate::inbound::run_listener(state.clone(), listener, stop_rx.clone())));
    shutdown.await;
    tracing::info!("shutting down");
    let _ = stop_tx.send(true);
    let mut result = Ok(());
    if let Some((runtime, http)) = http {
        match http.await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => result = Err(ServeError::Http(error)),
            Err(join) => tracing::error!(%join, "the HTTP task ended abnormally"),
        }
        // Tasks a handler left behind end with it; nothing of theirs must outlive a stop.
        runtime.shutdown_background();
    }
    if let Some(inbound) = inbound
        && let Err(join) = inbound.await
    {
        tracing::error!(%join, "the inbound listener ended abnormally");
    }
    for worker in workers {
        if let Err(join) = worker.await {
            tracing::error!(%join, "a delivery worker ended abnormally");
        }
    }
    if let Err(join) = heartbeat.await {
        tracing::error!(%join, "the heartbeat task ended abnormally");
    }
    if let Err(join) = scheduler.await {
        tracing::error!(%join, "the scheduler task ended abnormally");
    }
    if let Err(join) = jma_poller.await {
        tracing::error!(%join, "the JMA poller task ended abnormally");
    }
    if let Err(join) = directory.await {
        tracing::error!(%join, "the reference data follower ended abnormally");
    }
    state.store.close().await;
    result
}

/// Serves HTTP on a runtime of its own whose threads run at `KIZUNA_HTTP_NICE`,
/// until `stop` changes.
fn spawn_http(
    state: AppState,
    listener: TcpListener,
    mut stop: watch::Receiver<bool>,
) -> Result<(Runtime, JoinHandle<std::io::Result<()>>), ServeError> {
    let nice = state.settings.http_nice;
    if nice != 0 && !crate::priority::LOWERS_HTTP_THREADS {
        tracing::info!(nice, "this platform keeps one priority per process; KIZUNA_HTTP_NICE has no effect");
    }
    // The socket moves to the HTTP runtime, whose threads then wait on it.
    let listener = listener.into_std().map_err(ServeError::Http)?;
    let runtime = crate::priority::http_runtime(nice).map_err(ServeError::HttpRuntime)?;
    let app = crate::web::router(state).into_make_service_with_connect_info::<SocketAddr>();
    let server = runtime.spawn(async move {
        let listener = TcpListener::from_std(listener)?;
        // Requests hyper would refuse with an empty body are answered in the house style;
        // small answers leave at once rather than waiting to fill a packet.
        let listener = GuardedListener::new(listener).tap_io(|io| {
            let _ = io.get_ref().set_nodelay(true);
        });
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stop.changed().await;
            })
            .await
    });
    Ok((runtime, server))
}
