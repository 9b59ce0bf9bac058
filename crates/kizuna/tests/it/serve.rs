//! `kizuna serve` from a fresh machine's point of view.

use std::time::Duration;

use crate::support::*;

const TOWNS: [&str; 5] = ["秩父市", "横瀬町", "皆野町", "長瀞町", "小鹿野町"];

#[test]
fn a_fresh_start_serves_health_and_the_five_towns_and_prints_the_password_once() {
    let dir = temp_dir("fresh");
    let server = Server::start(kizuna(&dir, &["serve"]));
    let (status, health) = server.get("/healthz");
    assert_eq!(status, 200, "{health}");
    assert!(health.contains("\"database\":\"ok\""), "{health}");
    let (status, home) = server.get("/");
    assert_eq!(status, 200);
    assert!(home.contains("<html lang=\"ja\">"));
    for town in TOWNS {
        assert!(home.contains(town), "home page lacks {town}");
    }
    let (_, english) = server.get("/?lang=en");
    assert!(english.contains("<html lang=\"en\">") && english.contains("Ogano Town"), "{english}");
    let (status, _) = server.get("/no-such-page");
    assert_eq!(status, 404);

    let password_line = server.stdout.iter().find(|l| l.contains("password:")).cloned();
    let password = password_line.as_deref().and_then(|l| l.split_whitespace().last()).unwrap_or_default().to_owned();
    assert_eq!(password.len(), 24, "a one-time password is printed on first start: {:?}", server.stdout);
    assert!(dir.join("kizuna.db").exists());

    let (status, rest, stderr) = server.interrupt();
    assert!(status.success(), "Ctrl-C ends cleanly: {status}\n{stderr}");
    assert!(rest.iter().any(|l| l == "Kizuna stopped"), "{rest:?}");
    assert!(!stderr.contains(&password), "the password never reaches the log");
    assert!(!stderr.contains("panicked"));

    let again = Server::start(kizuna(&dir, &["serve"]));
    assert!(!again.stdout.iter().any(|l| l.contains("password")), "printed only on the first start");
    let (status, _) = again.get("/healthz");
    assert_eq!(status, 200);
    drop(again);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_second_serve_on_the_same_sqlite_file_refuses_with_one_line() {
    let dir = temp_dir("twice");
    let first = Server::start(kizuna(&dir, &["serve"]));
    let second = run(kizuna(&dir, &["serve"]));
    assert_eq!(second.status.code(), Some(1));
    let lines = stderr_lines(&second);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].starts_with("kizuna: another `kizuna serve` is already running"), "{lines:?}");
    // The CLI still shares the file with the running server.
    let migrate = run(kizuna(&dir, &["migrate"]));
    assert!(migrate.status.success(), "{}", String::from_utf8_lossy(&migrate.stderr));
    let (status, _) = first.get("/healthz");
    assert_eq!(status, 200);
    drop(first);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn bad_configuration_stops_start_up_with_one_line_naming_the_key() {
    let dir = temp_dir("badconfig");
    let cases = [
        ("KIZUNA_HTTP_ADDR", "somewhere", "KIZUNA_HTTP_ADDR"),
        ("KIZUNA_SMTP_CONNECTIONS", "many", "KIZUNA_SMTP_CONNECTIONS"),
        ("KIZUNA_DATABASE_URL", "mysql://localhost/kizuna", "KIZUNA_DATABASE_URL"),
        ("KIZUNA_LOG", "kizuna=shouting", "KIZUNA_LOG"),
    ];
    for (key, value, named) in cases {
        let output = run(with_env(kizuna(&dir, &["serve"]), key, value));
        assert_eq!(output.status.code(), Some(2), "{key}={value}");
        let lines = stderr_lines(&output);
        assert_eq!(lines.len(), 1, "{key}: {lines:?}");
        assert!(lines[0].contains(named), "{lines:?}");
    }
    let file = dir.join("kizuna.toml");
    std::fs::write(&file, "http_adr = \"127.0.0.1:0\"\n").unwrap();
    let output = run(with_arg(kizuna(&dir, &["serve", "--config"]), &file));
    let lines = stderr_lines(&output);
    assert_eq!((output.status.code(), lines.len()), (Some(2), 1), "{lines:?}");
    assert!(lines[0].contains("http_adr"), "{lines:?}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_secret_key_file_that_does_not_open_the_stored_secrets_stops_start_up_with_one_line() {
    let dir = temp_dir("wrongkey");
    let add = run(kizuna(&dir, &["webhook", "add", "http://127.0.0.1:9/hook", "--allow-private"]));
    assert!(add.status.success(), "{:?}", stderr_lines(&add));
    let secret = String::from_utf8_lossy(&add.stdout).lines().last().unwrap().to_owned();
    let database: Vec<u8> =
        ["kizuna.db", "kizuna.db-wal"].iter().filter_map(|name| std::fs::read(dir.join(name)).ok()).flatten().collect();
    let random_part = secret.trim_start_matches("whsec_").as_bytes();
    assert!(
        !database.windows(random_part.len()).any(|w| w == random_part),
        "the database file holds no readable secret"
    );

    let key_file = dir.join("secret.key");
    std::fs::write(&key_file, "1 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n").unwrap();
    let output = run(kizuna(&dir, &["serve"]));
    assert_eq!(output.status.code(), Some(1));
    let lines = stderr_lines(&output);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains(&key_file.display().to_string()) && lines[0].contains("webhook 1"), "{lines:?}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_unreachable_database_gives_one_line_and_a_failure_code() {
    let dir = temp_dir("nodb");
    let output = run(with_env(
        kizuna(&dir, &["serve"]),
        "KIZUNA_DATABASE_URL",
        "postgres://kizuna:secret-pw@127.0.0.1:1/kizuna",
    ));
    assert_eq!(output.status.code(), Some(1));
    let lines = stderr_lines(&output);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("cannot open the database postgres://kizuna:***@127.0.0.1:1/kizuna"), "{lines:?}");
    assert!(!lines[0].contains("secret-pw"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_read_only_data_directory_gives_one_line_and_a_failure_code() {
    let dir = temp_dir("readonly");
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::process::Command::new("chmod").args(["0555"]).arg(&data).status().unwrap();
    std::process::Command::new("chmod").args(["0755"]).arg(&dir).status().unwrap();
    // Root ignores file modes, so the check runs as `nobody` when the tests run as root.
    let is_root = std::process::Command::new("id").arg("-u").output().map(|o| o.stdout == b"0\n").unwrap_or(false);
    let mut command = if is_root {
        let mut setpriv = std::process::Command::new("setpriv");
        setpriv.args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN]);
        setpriv
    } else {
        std::process::Command::new(BIN)
    };
    command.env("KIZUNA_DATA_DIR", &data).env("KIZUNA_HTTP_ADDR", "127.0.0.1:0").arg("serve");
    let output = run(command);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let lines = stderr_lines(&output);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("cannot write in the data directory"), "{lines:?}");
    assert!(lines[0].contains("Permission denied"), "{lines:?}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_backup_taken_while_serving_restores_into_a_working_server() {
    let dir = temp_dir("backup");
    let server = Server::start(kizuna(&dir, &["serve"]));
    let backup = dir.join("backup.db");
    let output = run(with_arg(kizuna(&dir, &["backup"]), &backup));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("backup written to"));
    let refused = run(with_arg(kizuna(&dir, &["backup"]), &backup));
    assert_eq!(refused.status.code(), Some(1), "an existing file is never overwritten");
    drop(server);

    let restored_dir = temp_dir("restored");
    std::fs::copy(&backup, restored_dir.join("kizuna.db")).unwrap();
    let restored = Server::start(kizuna(&restored_dir, &["serve"]));
    assert!(!restored.stdout.iter().any(|l| l.contains("password")), "the admin account came back with the backup");
    let (status, home) = restored.get("/");
    assert_eq!(status, 200);
    assert!(TOWNS.iter().all(|t| home.contains(t)));
    drop(restored);
    let _ = std::fs::remove_dir_all(dir);
    let _ = std::fs::remove_dir_all(restored_dir);
}

#[test]
fn roles_can_be_switched_off() {
    let dir = temp_dir("roles");
    let mut command = kizuna(&dir, &["serve", "--no-http", "--no-inbound", "--no-workers"]);
    command.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
    let mut child = command.spawn().unwrap();
    std::thread::sleep(Duration::from_secs(2));
    assert!(child.try_wait().unwrap().is_none(), "a process without HTTP keeps running its jobs");
    std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    let status = wait_with_timeout(&mut child, Duration::from_secs(20));
    assert!(status.success());
    let mut stdout = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut stdout).unwrap();
    assert!(!stdout.contains("listening"), "{stdout}");
    let _ = std::fs::remove_dir_all(dir);
}

/// Readers wait for delivery, not the other way round: the HTTP server's threads
/// run `KIZUNA_HTTP_NICE` steps lower, while the rest of the process — delivery,
/// the jobs and the threads of the SQLite connections, even those busy answering
/// pages — keeps the priority it was started with.
#[cfg(target_os = "linux")]
#[test]
fn the_http_threads_run_at_a_lower_priority_than_delivery_and_the_database() {
    let dir = temp_dir("nice");
    let server = Server::start(with_env(kizuna(&dir, &["serve"]), "KIZUNA_HTTP_NICE", "7"));
    // Requests that read the database at once, more than the pool keeps idle.
    let readers: Vec<_> = (0..16)
        .map(|_| {
            let addr = server.addr;
            std::thread::spawn(move || (0..5).all(|_| http_get(addr, "/healthz").0 == 200))
        })
        .collect();
    assert!(readers.into_iter().all(|r| r.join().unwrap()), "every health check answers");

    // The tests may run under `nice` themselves; the server starts where they are.
    let started = nice_of_threads(std::process::id())[0].1;
    let threads = nice_of_threads(server.child.id());
    let (http, rest): (Vec<_>, Vec<_>) = threads.iter().partition(|(name, _)| name == "kizuna-http");
    let lowered = (started + 7).min(19);
    assert!(!http.is_empty() && http.iter().all(|(_, nice)| *nice == lowered), "{threads:?}");
    assert!(rest.iter().any(|(name, _)| name.starts_with("sqlx-sqlite")), "{threads:?}");
    assert!(rest.iter().all(|(_, nice)| *nice == started), "{threads:?}");
    drop(server);

    let server = Server::start(with_env(kizuna(&dir, &["serve"]), "KIZUNA_HTTP_NICE", "0"));
    assert_eq!(server.get("/healthz").0, 200);
    let threads = nice_of_threads(server.child.id());
    assert!(threads.iter().all(|(_, nice)| *nice == started), "0 lowers nothing: {threads:?}");
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

/// Each thread of a process, its main thread first: its name and nice value, from `/proc`.
#[cfg(target_os = "linux")]
fn nice_of_threads(pid: u32) -> Vec<(String, i64)> {
    let mut tasks: Vec<_> = std::fs::read_dir(format!("/proc/{pid}/task")).unwrap().filter_map(Result::ok).collect();
    tasks.sort_by_key(|task| task.file_name() != *pid.to_string());
    tasks
        .into_iter()
        .filter_map(|task| {
            let path = task.path();
            let name = std::fs::read_to_string(path.join("comm")).ok()?.trim_end().to_owned();
            let stat = std::fs::read_to_string(path.join("stat")).ok()?;
            // After the name in parentheses: state is field 3, nice field 19.
            let nice = stat.rsplit_once(')')?.1.split_whitespace().nth(16)?.parse().ok()?;
            Some((name, nice))
        })
        .collect()
}

#[test]
#[ignore = "needs PostgreSQL (KIZUNA_TEST_POSTGRES_URL); scripts/test runs it"]
fn the_same_binary_runs_on_postgresql() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let database = TestDatabase::create("pg");
    let db_url = database.url.clone();
    let dir = temp_dir("pg");
    let server = Server::start(with_env(kizuna(&dir, &["serve"]), "KIZUNA_DATABASE_URL", &db_url));
    let (status, _) = server.get("/healthz");
    assert_eq!(status, 200);
    let (_, home) = server.get("/");
    assert!(TOWNS.iter().all(|t| home.contains(t)));
    assert!(!dir.join("kizuna.db").exists(), "no SQLite file when PostgreSQL is configured");
    // Several processes may share PostgreSQL: a second serve starts too.
    let second = Server::start(with_env(kizuna(&dir, &["serve"]), "KIZUNA_DATABASE_URL", &db_url));
    assert!(!second.stdout.iter().any(|l| l.contains("password")));
    // Reference data changed elsewhere (here by this test, as the console of a
    // third process would) reaches both running processes without a restart.
    runtime.block_on(async {
        let store =
            kizuna_store::connect(&db_url, kizuna_store::ConnectOptions { max_connections: 1, ..Default::default() })
                .await
                .unwrap();
        let yokoze = kizuna_core::MunicipalityCode::parse("113611").unwrap();
        store.update_municipality(&yokoze, "横瀬町役場テスト", "Yokoze Test", "yokoze").await.unwrap();
        store.close().await;
    });
    for process in [&server, &second] {
        let start = std::time::Instant::now();
        while !process.get("/").1.contains("横瀬町役場テスト") {
            assert!(start.elapsed() < Duration::from_secs(10), "the renamed town never reached {}", process.addr);
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    // Both keep their home page in memory now; a notice sent by a third process
    // reaches both at once (on a quiet machine within tens of milliseconds).
    for process in [&server, &second] {
        process.get("/");
    }
    let id = runtime.block_on(crate::delivery::send_notice(&db_url));
    let sent = std::time::Instant::now();
    for process in [&server, &second] {
        while !process.get("/").1.contains(&format!("/notices/{id}")) {
            assert!(sent.elapsed() < Duration::from_secs(5), "the sent notice never reached {}", process.addr);
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    eprintln!("a notice sent elsewhere reached both kept home pages in {:?}", sent.elapsed());
    drop(second);
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

/// Two processes on one PostgreSQL count every limit together: an API key's
/// requests per minute, registrations from one client network, and failed
/// sign-ins, whichever process a request reaches.
#[test]
#[ignore = "needs PostgreSQL (KIZUNA_TEST_POSTGRES_URL); scripts/test runs it"]
fn two_processes_on_one_postgresql_together_allow_what_one_allows() {
    let database = TestDatabase::create("limits");
    let dir = temp_dir("limits");
    let with_db = |command| {
        let command = with_env(command, "KIZUNA_DATABASE_URL", &database.url);
        let command = with_env(command, "KIZUNA_API_RATE_PER_MINUTE", "4");
        with_env(command, "KIZUNA_REGISTER_LIMIT_PER_IP", "3")
    };
    let servers = [Server::start(with_db(kizuna(&dir, &["serve"]))), Server::start(with_db(kizuna(&dir, &["serve"])))];
    let key_output = run(with_db(kizuna(&dir, &["api-key", "create", "--all-municipalities"])));
    let key = String::from_utf8_lossy(&key_output.stdout).lines().last().unwrap().to_owned();
    let bearer = format!("Bearer {key}");

    // The API key: four requests a minute in all, not four per process.
    let statuses: Vec<u16> = (0..6)
        .map(|i| http_request(servers[i % 2].addr, "GET", "/api/v1/notices", &[("Authorization", &bearer)], "").0)
        .collect();
    assert_eq!(statuses, [200, 200, 200, 200, 429, 429]);

    // Registrations from one network: three in all.
    let form = "source=web&email=taro%40example.jp&municipality=113611&scope=chosen&category=disaster";
    let urlencoded = [("Content-Type", "application/x-www-form-urlencoded")];
    let statuses: Vec<u16> = (0..5)
        .map(|i| {
            let body = form.replace("taro", &format!("taro{i}"));
            http_request(servers[i % 2].addr, "POST", "/register", &urlencoded, &body).0
        })
        .collect();
    assert_eq!(statuses, [200, 200, 200, 429, 429]);

    // Failed sign-ins of one account from one network: five free in all, then a wait.
    let login = [("Content-Type", "application/x-www-form-urlencoded"), ("Cookie", "kizuna_login=same")];
    let attempt = |i: usize| {
        let body = "csrf_token=same&email=admin%40kizuna.localhost&password=wrong-guess";
        http_request(servers[i % 2].addr, "POST", "/admin/login", &login, body).0
    };
    let statuses: Vec<u16> = (0..7).map(attempt).collect();
    assert!(statuses[..5].iter().all(|s| *s != 429), "{statuses:?}");
    assert_eq!(&statuses[5..], [429, 429], "the sixth failure waits, whichever process it reaches");
    drop(servers);
    let _ = std::fs::remove_dir_all(dir);
}
