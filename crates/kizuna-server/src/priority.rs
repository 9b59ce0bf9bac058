//! Delivery before page views: the HTTP server runs on a runtime of its own
//! whose threads the operating system schedules after everyone else's
//! (`KIZUNA_HTTP_NICE`), so that a burst of readers during a disaster takes CPU
//! from the fan-out that brought them only when the fan-out leaves some over.
//!
//! Only Linux keeps a scheduling priority per thread; elsewhere the HTTP server
//! still has its own runtime, at the priority of the process.

use tokio::runtime::{Builder, Runtime};

/// The name of the HTTP runtime's threads, as `top -H` and `/proc/PID/task/*/comm` show them.
pub const HTTP_THREAD_NAME: &str = "kizuna-http";

/// A runtime for the HTTP server whose threads run `nice` steps below the rest
/// of the process, as `nice -n` counts them (0 leaves them as the process is). A thread inherits its creator's priority, so anything
/// the HTTP server starts runs lowered too; the database connections are
/// opened before, by the main runtime (`kizuna serve` keeps them all open).
pub fn http_runtime(nice: i32) -> std::io::Result<Runtime> {
    Builder::new_multi_thread()
        .enable_all()
        .thread_name(HTTP_THREAD_NAME)
        .on_thread_start(move || lower_this_thread(nice))
        .build()
}

#[cfg(target_os = "linux")]
fn lower_this_thread(nice: i32) {
    if nice == 0 {
        return;
    }
    // On Linux the nice value belongs to the thread, and `who = 0` names the
    // calling thread, which starts at its creator's value (the process's, for a
    // process started with `nice`). Lowering one's own priority needs no privilege.
    // SAFETY: getpriority and setpriority only read and change the calling
    // thread's scheduling priority.
    let done = unsafe {
        let current = libc::getpriority(libc::PRIO_PROCESS, 0);
        libc::setpriority(libc::PRIO_PROCESS, 0, current.saturating_add(nice).min(19))
    };
    if done != 0 {
        let error = std::io::Error::last_os_error();
        tracing::warn!(%error, nice, "cannot lower the HTTP threads' priority; pages and delivery share the CPU evenly");
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_this_thread(_nice: i32) {}

/// Whether this platform lowers the HTTP threads when asked.
pub const LOWERS_HTTP_THREADS: bool = cfg!(target_os = "linux");
