//! `kizuna`: the one binary — `serve` runs everything; the other commands are
//! operators' tools that work on the configured database, server running or not.

mod bench;
mod bench_prune;
mod check;
mod commands;
mod import;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(name = "kizuna", version, about = "Regional notice and alert platform (きずなメール)")]
struct Cli {
    /// A TOML settings file; KIZUNA_* environment variables override it.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server, delivery workers, scheduler and mail listener.
    Serve(ServeArgs),
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Verify the configuration without starting: database reachable and
    /// migrated, relay answering, the mail domain's SPF and DMARC records, JMA
    /// feeds reachable. Exits 1 when a check finds a fault.
    Check,
    /// Write a consistent copy of the SQLite database while it is in use.
    Backup {
        /// Where to write the copy (must not exist yet).
        file: PathBuf,
    },
    /// Staff accounts.
    #[command(subcommand)]
    Staff(StaffCommand),
    /// API keys for other systems.
    #[command(subcommand, name = "api-key")]
    ApiKey(ApiKeyCommand),
    /// Residents who receive notices.
    #[command(subcommand)]
    Subscribers(SubscribersCommand),
    /// Benchmarks that print figures.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Other systems that receive each notice as signed JSON.
    #[command(subcommand)]
    Webhook(WebhookCommand),
}

#[derive(Subcommand)]
enum WebhookCommand {
    /// Register a receiver URL; the last line printed is its signing secret, shown only once.
    Add {
        /// http:// or https:// address that receives a POST for each notice event.
        url: String,
        /// Allow a URL that leads to loopback, private or link-local addresses
        /// (a receiver inside your own network).
        #[arg(long)]
        allow_private: bool,
    },
    /// List receivers with the state of their latest event.
    List,
    /// Stop sending to a receiver; its delivery log stays.
    Remove { id: i64 },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Seed N residents in a fresh database, send one notice to an SMTP sink and
    /// print {"recipients","seconds","messages_per_second","first_accept_ms","peak_rss_mb",…}.
    Fanout {
        #[arg(long)]
        subscribers: u64,
        /// The sink, HOST:PORT (e.g. Postfix's smtp-sink).
        #[arg(long)]
        smtp: String,
        #[arg(long, default_value_t = 8)]
        connections: u32,
        /// A PostgreSQL server URL (a fresh database is created on it); SQLite otherwise.
        #[arg(long)]
        database: Option<String>,
        /// Only seed the residents (as `subscribers import` does) and print
        /// how long it took (`seed_seconds`); send nothing.
        #[arg(long)]
        seed_only: bool,
    },
    /// Seed ROWS settled deliveries older than the retention, prune them as the
    /// scheduler does, and print each batch's time and the fan-out rate to
    /// RECIPIENTS residents without and during the prune, as one JSON line.
    Prune {
        #[arg(long, default_value_t = 3_000_000)]
        rows: u64,
        #[arg(long, default_value_t = 20_000)]
        recipients: u64,
        /// The relay, HOST:PORT (e.g. Postfix's smtp-sink); the file outbox otherwise.
        #[arg(long)]
        smtp: Option<String>,
        #[arg(long, default_value_t = 8)]
        connections: u32,
        /// A PostgreSQL server URL (the database kizuna_retention_bench is made on it); SQLite otherwise.
        #[arg(long)]
        database: Option<String>,
    },
}

#[derive(Args)]
struct ServeArgs {
    /// Seed an empty database from this consortium file instead of the built-in Chichibu region.
    #[arg(long, value_name = "FILE")]
    consortium: Option<PathBuf>,
    /// Do not serve HTTP.
    #[arg(long)]
    no_http: bool,
    /// Do not accept inbound mail.
    #[arg(long)]
    no_inbound: bool,
    /// Do not run delivery workers.
    #[arg(long)]
    no_workers: bool,
}

#[derive(Args)]
#[group(required = true, multiple = false)]
struct ScopeArgs {
    /// The 6-digit local government code the account or key acts for.
    #[arg(long, value_name = "CODE")]
    municipality: Option<String>,
    /// Act for every municipality of the consortium.
    #[arg(long)]
    all_municipalities: bool,
}

#[derive(Subcommand)]
enum StaffCommand {
    /// Create a staff account; prints a generated password unless --password-stdin.
    Create {
        #[arg(long)]
        email: String,
        #[command(flatten)]
        scope: ScopeArgs,
        /// author, approver, municipality-admin or consortium-admin
        #[arg(long)]
        role: String,
        /// May send without a second person's approval.
        #[arg(long)]
        emergency: bool,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum ApiKeyCommand {
    /// Create a key; its last line of output is the key itself, shown only once.
    Create {
        #[command(flatten)]
        scope: ScopeArgs,
        /// Comma-separated rights, e.g. notices:create,notices:send (default: all).
        #[arg(long)]
        rights: Option<String>,
        /// What the key is for, e.g. the name of the other system.
        #[arg(long, default_value = "")]
        label: String,
    },
    /// Revoke a key by its id.
    Revoke { id: i64 },
}

#[derive(Subcommand)]
enum SubscribersCommand {
    /// Bring in an existing registrant list: CSV (UTF-8, or Shift_JIS as Excel
    /// saves it) with the header
    /// email,municipalities,categories,emergency_only,language[,monitor_age_band]
    /// (`;` between several codes). Known addresses are left alone; with a
    /// rejected row nothing is imported unless --skip-invalid.
    Import {
        file: PathBuf,
        /// Import the valid rows even when others are rejected.
        #[arg(long)]
        skip_invalid: bool,
        /// Rows committed together; progress is shown as each commit ends.
        #[arg(long, default_value_t = kizuna_server::roster::TRANSACTION_ROWS, value_name = "ROWS")]
        rows_per_transaction: usize,
    },
    /// Let a subscriber receive restricted (staff-only) categories.
    SetStaff {
        email: String,
        /// Take the staff mark away instead.
        #[arg(long)]
        unset: bool,
    },
}

/// glibc gives each thread that allocates under contention an arena of its own,
/// up to eight per core, and keeps what is freed there. A fan-out allocates on
/// every runtime thread and on each SQLite connection's thread and frees
/// elsewhere, so the arenas hold tens of megabytes that nothing uses (77 MB peak
/// at 100,000 recipients against 58 MB with two arenas, at the same speed).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    // SAFETY: mallopt only changes allocator settings; it runs before any other
    // thread exists, and a refusal (return value 0) leaves glibc's defaults.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}

fn main() -> ExitCode {
    limit_malloc_arenas();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("kizuna: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("kizuna: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}
