//! Starting the binary in a fresh data directory and talking HTTP to it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_kizuna");

pub fn temp_dir(tag: &str) -> PathBuf {
    let random = kizuna_core::token::random_secret(6).unwrap().replace(['-', '_'], "x");
    let dir = std::env::temp_dir().join(format!("kizuna-{tag}-{random}"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `kizuna ARGS…` with a clean KIZUNA_* environment pointing at `data_dir`.
pub fn kizuna(data_dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command.args(args);
    for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("KIZUNA_")) {
        command.env_remove(key);
    }
    command
        .env("KIZUNA_DATA_DIR", data_dir)
        .env("KIZUNA_HTTP_ADDR", "127.0.0.1:0")
        .env("KIZUNA_INBOUND_SMTP_ADDR", "127.0.0.1:0");
    command
}

pub fn with_env(mut command: Command, key: &str, value: &str) -> Command {
    command.env(key, value);
    command
}

pub fn with_arg(mut command: Command, arg: impl AsRef<std::ffi::OsStr>) -> Command {
    command.arg(arg);
    command
}

pub fn run(mut command: Command) -> Output {
    command.stdin(Stdio::null()).output().unwrap()
}

pub fn stderr_lines(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stderr).lines().map(str::to_owned).collect()
}

/// A running `kizuna serve`.
pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
    pub stdout: Vec<String>,
    lines: mpsc::Receiver<String>,
    stderr: Option<std::thread::JoinHandle<String>>,
}

impl Server {
    pub fn start(command: Command) -> Server {
        Self::try_start(command).unwrap_or_else(|output| panic!("serve did not start:\n{output}"))
    }

    /// Starts `serve` and waits for its address; on failure returns what it printed.
    pub fn try_start(mut command: Command) -> Result<Server, String> {
        command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = command.spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut stderr_pipe = child.stderr.take().unwrap();
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr_pipe.read_to_string(&mut text);
            text
        });
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut seen = Vec::new();
        loop {
            match lines.recv_timeout(Duration::from_secs(30)) {
                Ok(line) => {
                    let addr = line.strip_prefix("Kizuna is listening on http://").map(|a| a.parse().unwrap());
                    seen.push(line);
                    if let Some(addr) = addr {
                        return Ok(Server { child, addr, stdout: seen, lines, stderr: Some(stderr) });
                    }
                }
                Err(_) => {
                    let _ = child.kill();
                    let status = child.wait().unwrap();
                    let err = stderr.join().unwrap_or_default();
                    return Err(format!("status {status}\nstdout:\n{}\nstderr:\n{err}", seen.join("\n")));
                }
            }
        }
    }

    pub fn get(&self, path: &str) -> (u16, String) {
        http_get(self.addr, path)
    }

    /// Sends SIGINT (Ctrl-C) and waits; returns the exit status, the rest of
    /// stdout and all of stderr.
    pub fn interrupt(mut self) -> (std::process::ExitStatus, Vec<String>, String) {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-INT", &pid]).status().unwrap();
        let status = wait_with_timeout(&mut self.child, Duration::from_secs(20));
        let mut rest = Vec::new();
        while let Ok(line) = self.lines.recv_timeout(Duration::from_millis(200)) {
            rest.push(line);
        }
        let stderr = self.stderr.take().map(|h| h.join().unwrap_or_default()).unwrap_or_default();
        (status, rest, stderr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn wait_with_timeout(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("the process did not stop within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A plain HTTP/1.1 GET, so the tests need no HTTP client library.
pub fn http_get(addr: SocketAddr, path: &str) -> (u16, String) {
    http_request(addr, "GET", path, &[], "")
}

/// A plain HTTP/1.1 request with `headers` and a `body`.
pub fn http_request(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() || method == "POST" {
        request.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

/// A fresh PostgreSQL database for one test, dropped when the value is.
pub struct TestDatabase {
    pub url: String,
    admin: String,
    name: String,
}

impl TestDatabase {
    pub fn create(tag: &str) -> Self {
        let admin = std::env::var("KIZUNA_TEST_POSTGRES_URL")
            .expect("KIZUNA_TEST_POSTGRES_URL is not set: run scripts/test, which starts PostgreSQL");
        let name = format!("kizuna_bin_{tag}_{}", std::process::id());
        let url = block_on(kizuna_store::postgres::create_database(&admin, &name)).unwrap();
        Self { url, admin, name }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let _ = block_on(kizuna_store::postgres::drop_database(&self.admin, &self.name));
    }
}

fn block_on<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(future)
}
