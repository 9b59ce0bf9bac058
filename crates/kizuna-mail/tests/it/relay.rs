//! A running aiosmtpd relay (`kizuna-mail/tests/smtp_server.py`) for integration
//! tests; shared by kizuna-mail, kizuna-server and kizuna (included with `#[path]`).

// Each test crate that includes this uses only part of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

/// A running `smtp_server.py`; killed when dropped.
pub struct Relay {
    child: Child,
    pub port: u16,
    dir: PathBuf,
}

pub fn scratch_dir() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "kizuna-smtp-it-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

impl Relay {
    pub fn start(options: &[&str]) -> Self {
        Self::start_in(scratch_dir(), 0, options)
    }

    pub fn start_in(dir: PathBuf, port: u16, options: &[&str]) -> Self {
        let available = Command::new("python3").args(["-c", "import aiosmtpd"]).stderr(Stdio::null()).status();
        assert!(
            available.is_ok_and(|status| status.success()),
            "this test needs python3 with aiosmtpd: pip install aiosmtpd"
        );
        // Both kizuna-mail and kizuna-server include this file; the script lives in kizuna-mail.
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../kizuna-mail/tests/smtp_server.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(port.to_string())
            .arg("--log")
            .arg(dir.join("messages.jsonl"))
            .args(options)
            .stdout(Stdio::piped())
            // aiosmtpd logs a handshake the client broke off, which some tests do on purpose.
            .stderr(std::fs::File::create(dir.join("stderr.log")).unwrap_or_else(|e| panic!("stderr.log: {e}")))
            .spawn()
            .unwrap_or_else(|e| panic!("python3: {e}"));
        let mut first_line = String::new();
        if let Some(stdout) = child.stdout.take() {
            BufReader::new(stdout).read_line(&mut first_line).unwrap_or_else(|e| panic!("smtp_server.py: {e}"));
        }
        let port = first_line.trim().parse().unwrap_or_else(|_| {
            let stderr = std::fs::read_to_string(dir.join("stderr.log")).unwrap_or_default();
            panic!("smtp_server.py did not start: {first_line:?}\n{stderr}")
        });
        Self { child, port, dir }
    }

    /// Stops the relay, as a crash or a restart of the real one would.
    pub fn stop(mut self) -> (PathBuf, u16) {
        self.child.kill().unwrap_or_else(|e| panic!("stopping smtp_server.py: {e}"));
        self.child.wait().unwrap_or_else(|e| panic!("stopping smtp_server.py: {e}"));
        (self.dir.clone(), self.port)
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn messages(&self) -> Vec<Value> {
        let log = std::fs::read_to_string(self.dir.join("messages.jsonl")).unwrap_or_default();
        // The relay may be writing the last line right now: read complete lines only.
        log.split_inclusive('\n')
            .filter(|line| line.ends_with('\n'))
            .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}")))
            .collect()
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
