//! What each command does, from settings to the last line it prints.

use std::collections::HashMap;
use std::fs::File;
use std::io::{IsTerminal as _, Read as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use kizuna_core::consortium::ConsortiumSeed;
use kizuna_core::staff::{ApiKeySecret, ApiRight, Role, Scope};
use kizuna_core::time::{Clock, SystemClock};
use kizuna_core::{EmailAddress, MunicipalityCode};
use kizuna_server::config::{ConfigError, Settings};
use kizuna_server::serve::Listeners;
use kizuna_server::{AppState, Roles};
use kizuna_store::{ConnectOptions, NewApiKey, NewAuditEntry, NewStaff, Store, StoreError};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

use crate::{
    ApiKeyCommand, BenchCommand, Cli, Command, ScopeArgs, ServeArgs, StaffCommand, SubscribersCommand, WebhookCommand,
};

/// Everything a command can fail with, each shown as one line.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Failed(String),
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Config(_) | CliError::Usage(_) => 2,
            CliError::Failed(_) => 1,
        }
    }
}

pub(crate) fn failed(context: impl std::fmt::Display) -> impl FnOnce(StoreError) -> CliError {
    move |error| CliError::Failed(format!("{context}: {error}"))
}

pub async fn run(cli: Cli) -> Result<(), CliError> {
    let env: HashMap<String, String> = std::env::vars().filter(|(k, _)| k.starts_with("KIZUNA_")).collect();
    let settings = Settings::load(cli.config.as_deref(), &env)?;
    // The server reports what it does; the operators' commands speak only of trouble.
    let default_log = if matches!(cli.command, Command::Serve(_)) { "info" } else { "warn" };
    init_logging(settings.log.as_deref().unwrap_or(default_log))?;
    match cli.command {
        Command::Serve(args) => serve(settings, args).await,
        Command::Migrate => {
            let store = open_store(&settings).await?;
            println!("the database at {} is up to date", settings.database_url_for_display());
            store.close().await;
            Ok(())
        }
        Command::Check => crate::check::run(&settings).await,
        Command::Backup { file } => backup(&settings, &file).await,
        Command::Staff(StaffCommand::Create { email, scope, role, emergency, password_stdin }) => {
            create_staff(&settings, &email, &scope, &role, emergency, password_stdin).await
        }
        Command::ApiKey(ApiKeyCommand::Create { scope, rights, label }) => {
            create_api_key(&settings, &scope, rights.as_deref(), &label).await
        }
        Command::ApiKey(ApiKeyCommand::Revoke { id }) => {
            let store = open_store(&settings).await?;
            let now = SystemClock.now();
            let revoked = store.revoke_api_key(id, now).await.map_err(failed("revoking the key"))?;
            if !revoked {
                store.close().await;
                return Err(CliError::Failed(format!("there is no active API key with id {id}")));
            }
            audit(&store, "cli", "api_key_revoke", &format!("api-key:{id}"), "{}").await?;
            store.close().await;
            println!("API key {id} is revoked");
            Ok(())
        }
        Command::Bench(BenchCommand::Prune { rows, recipients, smtp, connections, database }) => {
            crate::bench_prune::prune(crate::bench_prune::PruneArgs { rows, recipients, smtp, connections, database })
                .await
        }
        Command::Bench(BenchCommand::Fanout { subscribers, smtp, connections, database, seed_only }) => {
            crate::bench::fanout(crate::bench::FanoutArgs { subscribers, smtp, connections, database, seed_only }).await
        }
        Command::Subscribers(SubscribersCommand::Import { file, skip_invalid, rows_per_transaction }) => {
            crate::import::subscribers(&settings, &file, skip_invalid, rows_per_transaction).await
        }
        Command::Webhook(WebhookCommand::Add { url, allow_private }) => {
            add_webhook(&settings, &url, allow_private).await
        }
        Command::Webhook(WebhookCommand::List) => list_webhooks(&settings).await,
        Command::Webhook(WebhookCommand::Remove { id }) => {
            let store = open_store(&settings).await?;
            let removed = kizuna_server::webhooks::remove(&store, id, "cli", SystemClock.now())
                .await
                .map_err(failed("removing the webhook"))?;
            store.close().await;
            if !removed {
                return Err(CliError::Failed(format!("there is no active webhook with id {id}")));
            }
            println!("webhook {id} is removed; nothing more is sent to it");
            Ok(())
        }
        Command::Subscribers(SubscribersCommand::SetStaff { email, unset }) => {
            let address = EmailAddress::parse(&email).map_err(|e| CliError::Usage(format!("{email:?}: {e}")))?;
            let store = open_store(&settings).await?;
            let changed = store
                .set_subscriber_staff(address.as_str(), !unset, SystemClock.now())
                .await
                .map_err(failed("marking the subscriber"))?;
            if !changed {
                store.close().await;
                return Err(CliError::Failed(format!("no subscriber has the address {}", address.masked())));
            }
            let action = if unset { "subscriber_unset_staff" } else { "subscriber_set_staff" };
            audit(&store, "cli", action, &address.masked(), "{}").await?;
            store.close().await;
            println!(
                "{} {} restricted (staff-only) categories",
                address.masked(),
                if unset { "no longer receives" } else { "now receives" }
            );
            Ok(())
        }
    }
}

fn init_logging(log: &str) -> Result<(), CliError> {
    let filter: Targets = log.parse().map_err(|e| ConfigError {
        key: "KIZUNA_LOG".into(),
        problem: format!("{log:?} is not a log filter such as info or kizuna=debug,sqlx=warn: {e}"),
    })?;
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false);
    // A second initialisation (never in the binary) is harmless.
    let _ = tracing_subscriber::registry().with(layer).with(filter).try_init();
    Ok(())
}

/// Opens the store for an operator's command; an empty database is seeded with
/// the built-in consortium first, so commands work on a fresh machine.
pub(crate) async fn open_store(settings: &Settings) -> Result<Arc<dyn Store>, CliError> {
    let store = open_unseeded_store(settings, false).await?;
    let seed = ConsortiumSeed::chichibu().map_err(|e| CliError::Failed(format!("built-in consortium: {e}")))?;
    store.seed_if_empty(&seed, SystemClock.now()).await.map_err(failed("seeding the consortium"))?;
    Ok(store)
}

/// `serving`: for `kizuna serve`, whose connections are all opened here, at
/// the normal priority, before its HTTP threads are lowered (`ConnectOptions`).
async fn open_unseeded_store(settings: &Settings, serving: bool) -> Result<Arc<dyn Store>, CliError> {
    if let Some(path) = settings.sqlite_path() {
        ensure_writable_parent(&path)?;
    }
    let options = ConnectOptions {
        max_connections: settings.smtp_connections.max(4) + 4,
        queue_chunk: settings.delivery.queue_chunk,
        open_all_at_start: serving,
    };
    kizuna_store::connect(settings.database_url.expose(), options)
        .await
        .map_err(|e| CliError::Failed(format!("cannot open the database {}: {e}", settings.database_url_for_display())))
}

/// Creates the folder of the SQLite file and checks it can be written, so a
/// read-only folder is reported plainly instead of as an SQLite error code.
fn ensure_writable_parent(db: &Path) -> Result<(), CliError> {
    let dir = match db.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)
        .map_err(|e| CliError::Failed(format!("cannot create the data directory {}: {e}", dir.display())))?;
    let probe = dir.join(format!(".kizuna-write-check-{}", std::process::id()));
    std::fs::write(&probe, b"")
        .map_err(|e| CliError::Failed(format!("cannot write in the data directory {}: {e}", dir.display())))?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// Holds an exclusive lock beside the SQLite file for as long as `serve` runs.
fn lock_sqlite(db: &Path) -> Result<File, CliError> {
    let lock_path = PathBuf::from(format!("{}.serve-lock", db.display()));
    let file =
        File::options().create(true).truncate(false).write(true).open(&lock_path).map_err(|e| {
            CliError::Failed(format!("cannot write in the data directory ({}): {e}", lock_path.display()))
        })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(CliError::Failed(format!(
            "another `kizuna serve` is already running on {}; stop it first, or give this one its own KIZUNA_DATABASE_URL (several processes need PostgreSQL)",
            db.display()
        ))),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(CliError::Failed(format!("cannot lock {}: {e}", lock_path.display())))
        }
    }
}

pub(crate) async fn audit(
    store: &Arc<dyn Store>,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> Result<(), CliError> {
    let entry = NewAuditEntry::new(actor, action, subject, detail);
    store.record_audit(&entry, SystemClock.now()).await.map_err(failed("writing the audit log"))
}

async fn serve(settings: Settings, args: ServeArgs) -> Result<(), CliError> {
    let seed = match &args.consortium {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| CliError::Usage(format!("--consortium {}: {e}", path.display())))?;
            ConsortiumSeed::parse(&text)
                .map_err(|e| CliError::Usage(format!("--consortium {}: {e}", path.display())))?
        }
        None => ConsortiumSeed::chichibu().map_err(|e| CliError::Failed(format!("built-in consortium: {e}")))?,
    };
    let _lock = match settings.sqlite_path() {
        Some(path) => {
            ensure_writable_parent(&path)?;
            Some(lock_sqlite(&path)?)
        }
        None => None,
    };
    let store = open_unseeded_store(&settings, true).await?;
    let now = SystemClock.now();
    if settings.sqlite_path().is_some() {
        // Only this process may use the file (the lock above), so every claim
        // still open belongs to a process that died: send those messages again now.
        let released = store
            .release_stale_claims(now + chrono::Duration::days(1))
            .await
            .map_err(failed("releasing unfinished deliveries"))?;
        if released > 0 {
            tracing::warn!(released, "deliveries a previous run had claimed are queued again");
        }
    }
    let seeded = store.seed_if_empty(&seed, now).await.map_err(failed("seeding the consortium"))?;
    if seeded {
        tracing::info!(consortium = %seed.info.name_en, "seeded an empty database");
    } else if args.consortium.is_some() {
        tracing::warn!(
            "the database already holds a consortium; --consortium only seeds an empty database and was not applied"
        );
    }
    create_first_admin(&store, &settings).await?;

    let transport = kizuna_server::transport::from_settings(&settings).map_err(CliError::Failed)?;
    let roles = Roles { http: !args.no_http, inbound: !args.no_inbound, workers: !args.no_workers };
    let listeners = Listeners::bind(&settings, roles).await.map_err(|e| CliError::Failed(e.to_string()))?;
    let mut settings = settings;
    if let (false, Some(addr)) = (settings.base_url_configured, listeners.http_addr()) {
        // Links in mails must name the port actually bound (127.0.0.1:0 picks one).
        settings.base_url = format!("http://{addr}");
    }
    let state = AppState::new(store, settings, Arc::new(SystemClock), transport)
        .await
        .map_err(|e| CliError::Failed(e.to_string()))?;
    if let Some(addr) = listeners.smtp_addr() {
        println!("Kizuna receives mail on smtp://{addr}");
    }
    if let Some(addr) = listeners.http_addr() {
        println!("Kizuna is listening on http://{addr}");
    }
    tracing::info!(
        database = %state.settings.database_url_for_display(),
        outbox = %state.transport.describe(),
        http = roles.http,
        "Kizuna is running; press Ctrl-C to stop"
    );
    kizuna_server::serve(state, listeners, shutdown_signal()).await.map_err(|e| CliError::Failed(e.to_string()))?;
    println!("Kizuna stopped");
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = interrupt => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = interrupt.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}

/// On the first start, a consortium admin with a one-time password, printed on
/// the terminal only (never into the log).
async fn create_first_admin(store: &Arc<dyn Store>, settings: &Settings) -> Result<(), CliError> {
    if store.count_staff().await.map_err(failed("counting staff"))? > 0 {
        return Ok(());
    }
    let email = EmailAddress::parse(&format!("admin@{}", settings.mail_domain))
        .map_err(|e| CliError::Failed(format!("admin address: {e}")))?;
    let password = kizuna_server::auth::generate_password().map_err(|e| CliError::Failed(e.to_string()))?;
    let hash = kizuna_server::auth::hash_password(&password).map_err(|e| CliError::Failed(e.to_string()))?;
    let staff = NewStaff {
        email: email.clone(),
        password_hash: hash,
        scope: Scope::AllMunicipalities,
        role: Role::ConsortiumAdmin,
        emergency: true,
        must_change_password: true,
    };
    match store.create_staff(&staff, SystemClock.now()).await {
        Ok(_) => {}
        // Another process created it at the same moment: it printed the password.
        Err(StoreError::Conflict(_)) => return Ok(()),
        Err(error) => return Err(CliError::Failed(format!("creating the first admin: {error}"))),
    }
    audit(store, "system", "staff_create", &email.masked(), "{\"role\":\"consortium-admin\",\"first_start\":true}")
        .await?;
    println!("----------------------------------------------------------------");
    println!("初回起動: 圏域管理者のアカウントを作成しました。");
    println!("First start: a consortium administrator account was created.");
    println!("  メールアドレス / email:            {email}");
    println!("  ワンタイムパスワード / password:   {password}");
    println!("このパスワードは一度だけ表示されます。最初のサインインで変更してください。");
    println!("It is shown only this once; change it at the first sign-in.");
    println!("----------------------------------------------------------------");
    Ok(())
}

async fn backup(settings: &Settings, file: &Path) -> Result<(), CliError> {
    let store = open_store(settings).await?;
    let result = store.backup(file).await;
    store.close().await;
    match result {
        Ok(()) => {
            println!("backup written to {}", file.display());
            Ok(())
        }
        Err(StoreError::Unsupported(how)) => Err(CliError::Failed(how.to_owned())),
        Err(error) => Err(CliError::Failed(format!("backup to {}: {error}", file.display()))),
    }
}

async fn parse_scope(store: &Arc<dyn Store>, scope: &ScopeArgs) -> Result<Scope, CliError> {
    match (&scope.municipality, scope.all_municipalities) {
        (Some(code), false) => {
            let code = MunicipalityCode::parse(code).map_err(|e| CliError::Usage(format!("--municipality: {e}")))?;
            let members = store.municipalities().await.map_err(failed("reading municipalities"))?;
            if !members.iter().any(|m| m.code == code) {
                let known: Vec<String> = members.iter().map(|m| format!("{} {}", m.code, m.name_ja)).collect();
                return Err(CliError::Usage(format!(
                    "--municipality {code} is not a member of this consortium (members: {})",
                    known.join(", ")
                )));
            }
            Ok(Scope::Municipality(code))
        }
        _ => Ok(Scope::AllMunicipalities),
    }
}

async fn create_staff(
    settings: &Settings,
    email: &str,
    scope: &ScopeArgs,
    role: &str,
    emergency: bool,
    password_stdin: bool,
) -> Result<(), CliError> {
    let email = EmailAddress::parse(email).map_err(|e| CliError::Usage(format!("--email {email:?}: {e}")))?;
    let role = Role::parse(role).ok_or_else(|| {
        CliError::Usage(format!(
            "--role {role:?} is unknown; choose one of author, approver, municipality-admin, consortium-admin"
        ))
    })?;
    let (password, generated) = if password_stdin {
        let mut input = String::new();
        std::io::stdin().read_to_string(&mut input).map_err(|e| CliError::Usage(format!("--password-stdin: {e}")))?;
        (input.trim_end_matches(['\r', '\n']).to_owned(), false)
    } else {
        (kizuna_server::auth::generate_password().map_err(|e| CliError::Failed(e.to_string()))?, true)
    };
    let hash = kizuna_server::auth::hash_password(&password).map_err(|e| CliError::Usage(format!("password: {e}")))?;
    let store = open_store(settings).await?;
    let scope = parse_scope(&store, scope).await?;
    if !role.allows(&scope) {
        return Err(CliError::Usage("a consortium-admin acts for --all-municipalities".into()));
    }
    let staff = NewStaff {
        email: email.clone(),
        password_hash: hash,
        scope: scope.clone(),
        role,
        emergency,
        must_change_password: generated,
    };
    let id = match store.create_staff(&staff, SystemClock.now()).await {
        Ok(id) => id,
        Err(StoreError::Conflict(_)) => {
            return Err(CliError::Failed(format!("a staff account for {email} already exists")));
        }
        Err(error) => return Err(CliError::Failed(format!("creating the account: {error}"))),
    };
    let scope_text = scope.municipality().map_or_else(|| "all".to_owned(), |c| c.to_string());
    let detail = format!("{{\"role\":\"{role}\",\"scope\":\"{scope_text}\",\"emergency\":{emergency}}}");
    audit(&store, "cli", "staff_create", &format!("staff:{id}"), &detail).await?;
    store.close().await;
    println!(
        "created staff account {id}: {email}, {role} ({}), municipalities: {scope_text}{}",
        role.label_ja(),
        if emergency { ", emergency right" } else { "" }
    );
    if generated {
        println!("one-time password (shown only now; change it at the first sign-in):");
        println!("{password}");
    }
    Ok(())
}

async fn create_api_key(
    settings: &Settings,
    scope: &ScopeArgs,
    rights: Option<&str>,
    label: &str,
) -> Result<(), CliError> {
    let rights = match rights {
        Some(list) => {
            let rights = ApiRight::parse_list(list).map_err(|bad| {
                let known: Vec<&str> = ApiRight::ALL.iter().map(|r| r.as_str()).collect();
                CliError::Usage(format!("--rights: {bad:?} is not a right (known: {})", known.join(", ")))
            })?;
            if rights.is_empty() {
                return Err(CliError::Usage("--rights names no right".into()));
            }
            rights
        }
        None => ApiRight::ALL.to_vec(),
    };
    let store = open_store(settings).await?;
    let scope = parse_scope(&store, scope).await?;
    let secret = ApiKeySecret::generate().map_err(|e| CliError::Failed(e.to_string()))?;
    let prefix = secret.prefix().to_owned();
    let new = NewApiKey {
        prefix: prefix.clone(),
        hash: secret.hash(),
        scope: scope.clone(),
        rights: rights.clone(),
        label: label.trim().to_owned(),
    };
    let id = store.create_api_key(&new, SystemClock.now()).await.map_err(failed("creating the key"))?;
    let rights_text: Vec<&str> = rights.iter().map(|r| r.as_str()).collect();
    let scope_text = scope.municipality().map_or_else(|| "all".to_owned(), |c| c.to_string());
    audit(
        &store,
        "cli",
        "api_key_create",
        &format!("api-key:{id}"),
        &format!("{{\"prefix\":\"{prefix}\",\"scope\":\"{scope_text}\",\"rights\":\"{}\"}}", rights_text.join(",")),
    )
    .await?;
    store.close().await;
    println!("API key {id} ({prefix}) for municipalities: {scope_text}; rights: {}", rights_text.join(","));
    println!("Keep the key secret; it is shown only now and stored only as a hash:");
    println!("{}", secret.expose());
    Ok(())
}

async fn add_webhook(settings: &Settings, url: &str, allow_private: bool) -> Result<(), CliError> {
    use kizuna_server::webhooks::{RegisterError, TargetError, WebhookUrl, register};

    // A malformed URL is reported before the database is touched.
    WebhookUrl::parse(url).map_err(|e| CliError::Usage(format!("{url}: {e}")))?;
    let path = settings.console.secret_key_path(&settings.data_dir);
    let (keys, _) =
        kizuna_server::secrets::SecretKeys::load_or_create(&path).map_err(|e| CliError::Failed(e.to_string()))?;
    let store = open_store(settings).await?;
    let result = register(&store, &keys, url, allow_private, "cli", SystemClock.now()).await;
    store.close().await;
    let hook = match result {
        Ok(hook) => hook,
        Err(RegisterError::Target(error @ TargetError::NotPublic { .. })) => {
            return Err(CliError::Usage(format!(
                "{url}: {error}; add --allow-private if this receiver is meant to be inside your network"
            )));
        }
        Err(RegisterError::Target(error)) => return Err(CliError::Usage(format!("{url}: {error}"))),
        Err(error) => return Err(CliError::Failed(format!("registering the webhook: {error}"))),
    };
    println!("webhook {}: {}{}", hook.id, hook.url, if allow_private { " (private addresses allowed)" } else { "" });
    println!(
        "It receives notice.sent, notice.corrected and notice.withdrawn as JSON, signed in the {} header.",
        kizuna_server::webhooks::SIGNATURE_HEADER
    );
    println!("Give the receiver this signing secret; it is shown only now:");
    println!("{}", hook.secret);
    Ok(())
}

async fn list_webhooks(settings: &Settings) -> Result<(), CliError> {
    let store = open_store(settings).await?;
    let hooks = store.webhooks().await.map_err(failed("reading webhooks"));
    store.close().await;
    let hooks = hooks?;
    if hooks.is_empty() {
        println!("no webhooks; add one with `kizuna webhook add URL`");
        return Ok(());
    }
    let when = |at| kizuna_core::time::to_tokyo(at).format("%Y-%m-%d %H:%M").to_string();
    println!("{:<5} {:<8} {:<17} {:<27} url", "id", "state", "created (JST)", "latest event");
    for hook in hooks {
        let state = if hook.removed_at.is_some() { "removed" } else { "active" };
        let latest = hook
            .last_delivery
            .map_or_else(|| "none yet".to_owned(), |(status, at)| format!("{} {}", status.as_str(), when(at)));
        let private = if hook.allow_private { " (private allowed)" } else { "" };
        println!("{:<5} {:<8} {:<17} {:<27} {}{private}", hook.id, state, when(hook.created_at), latest, hook.url);
    }
    Ok(())
}
