//! Fan-out through the SMTP transport against Postfix's `smtp-sink`, next to the
//! ceiling `smtp-source -d` reaches on the same sink with as many connections.
//!
//! `cargo run --release -p kizuna-mail --example smtp_bench -- [--connections 8]
//! [--messages 20000] [--size 2000] [--tasks 32] [--rounds 1] [--relay HOST:PORT]`
//!
//! Without `--relay` it starts `smtp-sink -u nobody 127.0.0.1:PORT 1000` itself
//! (Debian package `postfix`). Prints one JSON line per round.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use kizuna_mail::smtp::{SmtpConfig, SmtpTransport};
use kizuna_mail::{Envelope, OutgoingMessage, Transport};

struct Options {
    connections: usize,
    messages: usize,
    size: usize,
    tasks: usize,
    rounds: usize,
    relay: Option<String>,
}

fn options() -> Result<Options, String> {
    let mut options = Options { connections: 8, messages: 20_000, size: 2000, tasks: 32, rounds: 1, relay: None };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = || value.parse::<usize>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--connections" => options.connections = number()?,
            "--messages" => options.messages = number()?,
            "--size" => options.size = number()?,
            "--tasks" => options.tasks = number()?,
            "--rounds" => options.rounds = number()?,
            "--relay" => options.relay = Some(value),
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(options)
}

struct Sink(Child);

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_sink() -> Result<(Sink, String), String> {
    let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string())?.port();
    let address = format!("127.0.0.1:{port}");
    let child = Command::new("smtp-sink")
        .args(["-u", "nobody", &address, "1000"])
        .spawn()
        .map_err(|e| format!("smtp-sink: {e} (apt-get install postfix)"))?;
    let sink = Sink(child);
    for _ in 0..100 {
        if std::net::TcpStream::connect(&address).is_ok() {
            return Ok((sink, address));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Err("smtp-sink did not start listening".to_owned())
}

fn smtp_source(options: &Options, relay: &str) -> Result<f64, String> {
    let started = Instant::now();
    let status = Command::new("smtp-source")
        .args(["-d", "-s", &options.connections.to_string(), "-m", &options.messages.to_string()])
        .args(["-l", &options.size.to_string(), relay])
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("smtp-source: {e} (apt-get install postfix)"))?;
    if !status.success() {
        return Err(format!("smtp-source failed: {status}"));
    }
    Ok(options.messages as f64 / started.elapsed().as_secs_f64())
}

fn message(n: usize, body: &str) -> OutgoingMessage {
    let message_id = format!("bench{n}.kizuna@city.example.jp");
    let to = format!("member{n}@example.jp");
    let bytes = format!(
        "From: noreply@city.example.jp\r\nTo: {to}\r\nSubject: bench {n}\r\nMessage-ID: <{message_id}>\r\n\r\n{body}"
    );
    OutgoingMessage {
        envelope: Envelope { from: format!("bounce+{n}@city.example.jp"), to: vec![to] },
        message_id,
        bytes: bytes.into_bytes(),
    }
}

async fn kizuna(options: &Options, relay: &str) -> Result<f64, String> {
    let config = SmtpConfig::from_url(&format!("smtp://{relay}"))
        .map_err(|e| e.to_string())?
        .with_connections(options.connections)
        .with_helo_name("kizuna.test");
    let smtp = Arc::new(SmtpTransport::new(config).map_err(|e| e.to_string())?);
    // Lines of 78 characters, as a rendered notice would have.
    let line = format!("{}\r\n", "x".repeat(78));
    let body: Arc<str> = line.repeat(options.size.div_ceil(line.len())).into();
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..options.tasks {
        let (smtp, next, body, total) = (smtp.clone(), next.clone(), body.clone(), options.messages);
        tasks.push(tokio::spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= total {
                    return Ok::<(), String>(());
                }
                smtp.send(&message(n, &body)).await.map_err(|e| e.to_string())?;
            }
        }));
    }
    for task in tasks {
        task.await.map_err(|e| e.to_string())??;
    }
    Ok(options.messages as f64 / started.elapsed().as_secs_f64())
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let options = options()?;
    let (_sink, relay) = match &options.relay {
        Some(relay) => (None, relay.clone()),
        None => start_sink().map(|(sink, relay)| (Some(sink), relay))?,
    };
    for round in 1..=options.rounds {
        let ceiling = smtp_source(&options, &relay)?;
        let ours = kizuna(&options, &relay).await?;
        println!(
            "{{\"round\":{round},\"connections\":{},\"tasks\":{},\"messages\":{},\"size\":{},\
             \"smtp_source_per_second\":{ceiling:.0},\"kizuna_per_second\":{ours:.0},\"ratio\":{:.2}}}",
            options.connections,
            options.tasks,
            options.messages,
            options.size,
            ours / ceiling
        );
    }
    Ok(())
}
