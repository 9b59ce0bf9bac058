//! Outbound HTTPS behind a proxy with a private CA, as on a municipal network: a
//! local CONNECT proxy that records what it is asked for, a local CA and a server
//! certificate made with openssl, and an HTTPS origin (`localhost`) serving a JMA
//! feed with its report and receiving webhooks.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::http::{Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use kizuna_core::notice::Urgency;
use kizuna_server::jma_poller::{self, PollReport};
use kizuna_server::notices;
use kizuna_server::webhooks::{self, BatchReport, Outcome};
use kizuna_store::{NewWebhook, WebhookDeliveryStatus};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::support::*;

const REPORT: &str = "32-35_01_01_100806_VXSE51.xml";

fn report_xml() -> String {
    let path = format!("{}/../kizuna-core/tests/fixtures/jmaxml/{REPORT}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// A municipality's own CA and a certificate it issued for `localhost` and
/// 127.0.0.1, made with openssl in a directory removed when dropped.
struct LocalCa {
    dir: PathBuf,
    acceptor: tokio_rustls::TlsAcceptor,
}

impl LocalCa {
    fn new() -> Self {
        let random = kizuna_core::token::random_secret(6).unwrap().replace(['-', '_'], "x");
        let dir = std::env::temp_dir().join(format!("kizuna-local-ca-{random}"));
        std::fs::create_dir_all(&dir).unwrap();
        let openssl = |args: &[&str]| {
            let status = std::process::Command::new("openssl")
                .args(args)
                .current_dir(&dir)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status();
            assert!(status.is_ok_and(|s| s.success()), "openssl {args:?} failed (this test needs openssl)");
        };
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
        openssl(
            &[
                &["req", "-x509"],
                &ec[..],
                &["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Kizuna test municipal CA"],
                &["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
            ]
            .concat(),
        );
        openssl(&[&["req"], &ec[..], &["-keyout", "key.pem", "-out", "server.csr", "-subj", "/CN=localhost"]].concat());
        std::fs::write(
            dir.join("server.ext"),
            "basicConstraints=critical,CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        openssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "cert.pem",
            "-days",
            "2",
            "-extfile",
            "server.ext",
        ]);
        let certificate = CertificateDer::from_pem_file(dir.join("cert.pem")).unwrap();
        let key = PrivateKeyDer::from_pem_file(dir.join("key.pem")).unwrap();
        let server = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![certificate], key)
            .unwrap();
        Self { dir, acceptor: tokio_rustls::TlsAcceptor::from(Arc::new(server)) }
    }

    /// The CA certificate alone, as a municipality hands it out.
    fn ca_file(&self) -> String {
        self.dir.join("ca.pem").display().to_string()
    }
}

impl Drop for LocalCa {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// An HTTPS server on 127.0.0.1 with the local CA's certificate: TLS in front of
/// a plain axum app, which keeps each request as `METHOD /path`.
struct Origin {
    port: u16,
    requests: Arc<Mutex<Vec<String>>>,
}

#[derive(Clone)]
struct OriginState {
    port: u16,
    requests: Arc<Mutex<Vec<String>>>,
}

async fn serve_origin(
    axum::extract::State(origin): axum::extract::State<OriginState>,
    method: Method,
    uri: Uri,
) -> Response {
    origin.requests.lock().unwrap().push(format!("{method} {}", uri.path()));
    match (method, uri.path()) {
        (Method::GET, "/feed.xml") => {
            let atom = format!(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" lang=\"ja\">\
                 <title>高頻度（随時）</title><id>urn:feed</id>\
                 <entry><title>震源・震度に関する情報</title><id>urn:kizuna-test:proxy</id>\
                 <updated>2010-08-06T12:00:00+09:00</updated><author><name>気象庁</name></author>\
                 <link type=\"application/xml\" href=\"https://localhost:{}/data/{REPORT}\"/></entry></feed>",
                origin.port
            );
            ([(header::CONTENT_TYPE, "application/atom+xml")], atom).into_response()
        }
        (Method::GET, path) if path == format!("/data/{REPORT}") => {
            ([(header::CONTENT_TYPE, "application/xml")], report_xml()).into_response()
        }
        (Method::POST, "/hook") => StatusCode::OK.into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

impl Origin {
    async fn start(ca: &LocalCa) -> Self {
        let tls = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = tls.local_addr().unwrap().port();
        let plain = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let inner = plain.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let app =
            axum::Router::new().fallback(serve_origin).with_state(OriginState { port, requests: requests.clone() });
        tokio::spawn(async move { axum::serve(plain, app).await });
        let acceptor = ca.acceptor.clone();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = tls.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    // A client that does not trust the certificate hangs up here.
                    let Ok(mut tls) = acceptor.accept(tcp).await else { return };
                    let Ok(mut plain) = TcpStream::connect(inner).await else { return };
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
                });
            }
        });
        Self { port, requests }
    }

    fn url(&self, path: &str) -> String {
        format!("https://localhost:{}{path}", self.port)
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

/// A forward proxy that answers CONNECT only, as municipal proxies are asked for
/// HTTPS, and keeps each target it was asked for.
struct ConnectProxy {
    url: String,
    asked: Arc<Mutex<Vec<String>>>,
}

impl ConnectProxy {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let asked = Arc::new(Mutex::new(Vec::new()));
        let record = asked.clone();
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let record = record.clone();
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") {
                        match client.read(&mut byte).await {
                            Ok(1) => head.push(byte[0]),
                            _ => return,
                        }
                    }
                    let head = String::from_utf8_lossy(&head).into_owned();
                    let mut words = head.split_whitespace();
                    let (Some("CONNECT"), Some(target)) = (words.next(), words.next()) else {
                        let _ = client.write_all(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n").await;
                        return;
                    };
                    record.lock().unwrap().push(target.to_owned());
                    let Ok(mut origin) = TcpStream::connect(target).await else {
                        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
                        return;
                    };
                    if client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").await.is_ok() {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut origin).await;
                    }
                });
            }
        });
        Self { url, asked }
    }

    fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }
}

async fn poll(app: &TestApp) -> PollReport {
    let xml = report_xml();
    let at = xml.split("<ReportDateTime>").nth(1).and_then(|rest| rest.split('<').next()).unwrap();
    app.clock.set(chrono::DateTime::parse_from_rfc3339(at).unwrap().to_utc());
    jma_poller::poll_once(&app.state).await.unwrap()
}

/// A public notice sent, so that each webhook has an event to post.
async fn send_notice(app: &TestApp) {
    let id = app.draft("断水のお知らせ", "disaster", &["113620"], Urgency::Emergency, false).await;
    notices::send(&app.state, &emergency_staff(), id).await.unwrap();
}

async fn step(app: &TestApp) -> Outcome {
    webhooks::try_execute_batch(&app.state, "test").await.unwrap()
}

fn attempted(sent: usize, retried: usize, failed: usize) -> Outcome {
    Outcome::Attempted(BatchReport { claimed: sent + retried + failed, sent, retried, failed, cancelled: 0 })
}

#[tokio::test]
async fn jma_feeds_and_webhooks_go_through_the_proxy_and_trust_the_local_ca() {
    let ca = LocalCa::new();
    let origin = Origin::start(&ca).await;
    let proxy = ConnectProxy::start().await;
    let feed = origin.url("/feed.xml");
    let ca_file = ca.ca_file();
    let env =
        [("KIZUNA_JMA_FEEDS", feed.as_str()), ("KIZUNA_HTTPS_PROXY", &proxy.url), ("KIZUNA_HTTPS_CA_FILE", &ca_file)];
    let app = spawn_app(&env, None).await;

    let report = poll(&app).await;
    assert!(report.failed.is_empty() && report.refused.is_empty(), "{report:?}");
    assert_eq!(report.created.len(), 1, "the report became a draft: {report:?}");
    let by_name = format!("localhost:{}", origin.port);
    assert_eq!(proxy.asked(), [by_name.clone(), by_name], "the feed and the report, each through a tunnel");
    assert_eq!(origin.requests(), ["GET /feed.xml".to_owned(), format!("GET /data/{REPORT}")]);

    let store = &app.state.store;
    webhooks::register(store, &app.state.secrets, &origin.url("/hook"), true, "cli", app.clock_now()).await.unwrap();
    send_notice(&app).await;
    assert_eq!(step(&app).await, attempted(1, 0, 0));
    assert_eq!(
        proxy.asked()[2..],
        [format!("127.0.0.1:{}", origin.port)],
        "the tunnel leads to the address Kizuna resolved and checked, not to a name the proxy would look up"
    );
    assert_eq!(origin.requests().last().map(String::as_str), Some("POST /hook"));
}

#[tokio::test]
async fn without_the_local_ca_the_handshake_fails_and_says_so() {
    let ca = LocalCa::new();
    let origin = Origin::start(&ca).await;
    let proxy = ConnectProxy::start().await;
    let feed = origin.url("/feed.xml");
    let app = spawn_app(&[("KIZUNA_JMA_FEEDS", feed.as_str()), ("KIZUNA_HTTPS_PROXY", &proxy.url)], None).await;

    let report = poll(&app).await;
    let [(failed, why)] = &report.failed[..] else { panic!("the feed fails: {report:?}") };
    assert_eq!(failed, &feed);
    let expected = format!("TLS with localhost:{} failed: invalid peer certificate", origin.port);
    assert!(why.starts_with(&expected), "{why}");
    assert!(report.created.is_empty());

    let hook =
        webhooks::register(&app.state.store, &app.state.secrets, &origin.url("/hook"), true, "cli", app.clock_now())
            .await
            .unwrap();
    send_notice(&app).await;
    assert_eq!(step(&app).await, attempted(0, 1, 0), "tried again later, in case the CA file is fixed");
    let log = app.state.store.webhook_log(hook.id, 10).await.unwrap();
    let error = log[0].last_error.clone().unwrap();
    assert!(error.starts_with("TLS: invalid peer certificate"), "{error}");
    assert_eq!(proxy.asked().len(), 2, "the proxy was used: the origin's certificate is what failed");
    assert_eq!(origin.requests(), Vec::<String>::new(), "no request left Kizuna unencrypted or unverified");
}

#[tokio::test]
async fn a_host_in_no_proxy_is_reached_directly() {
    let ca = LocalCa::new();
    let origin = Origin::start(&ca).await;
    let proxy = ConnectProxy::start().await;
    let feed = origin.url("/feed.xml");
    let ca_file = ca.ca_file();
    let env = [
        ("KIZUNA_JMA_FEEDS", feed.as_str()),
        ("KIZUNA_HTTPS_PROXY", &proxy.url),
        ("KIZUNA_HTTPS_CA_FILE", &ca_file),
        // The variable other programs on the host read too.
        ("NO_PROXY", "intranet.example.lg.jp, localhost"),
    ];
    let app = spawn_app(&env, None).await;

    let report = poll(&app).await;
    assert!(report.failed.is_empty() && report.created.len() == 1, "{report:?}");
    webhooks::register(&app.state.store, &app.state.secrets, &origin.url("/hook"), true, "cli", app.clock_now())
        .await
        .unwrap();
    send_notice(&app).await;
    assert_eq!(step(&app).await, attempted(1, 0, 0));
    assert_eq!(origin.requests().len(), 3, "the feed, the report and the webhook arrived");
    assert_eq!(proxy.asked(), Vec::<String>::new(), "the proxy was never asked");
}

#[tokio::test]
async fn a_webhook_leading_to_a_private_address_is_refused_before_the_proxy_is_asked() {
    let ca = LocalCa::new();
    let origin = Origin::start(&ca).await;
    let proxy = ConnectProxy::start().await;
    let ca_file = ca.ca_file();
    let app = spawn_app(&[("KIZUNA_HTTPS_PROXY", &proxy.url), ("KIZUNA_HTTPS_CA_FILE", &ca_file)], None).await;
    let store = &app.state.store;
    let url = origin.url("/hook");
    let refused = webhooks::register(store, &app.state.secrets, &url, false, "cli", app.clock_now()).await.unwrap_err();
    assert!(refused.to_string().contains("a loopback address"), "{refused}");

    // A name that led outside at registration may lead inside later.
    let secret = app.state.secrets.seal(kizuna_server::secrets::WEBHOOK_PURPOSE, b"whsec_x").unwrap();
    let id = store.create_webhook(&NewWebhook { url, secret, allow_private: false }, app.clock_now()).await.unwrap();
    send_notice(&app).await;
    assert_eq!(step(&app).await, attempted(0, 0, 1), "refused at once, never retried");
    let log = store.webhook_log(id, 10).await.unwrap();
    assert_eq!(log[0].status, WebhookDeliveryStatus::Failed);
    let error = log[0].last_error.clone().unwrap();
    assert!(error.starts_with("refused: localhost leads to 127.0.0.1, a loopback address"), "{error}");
    assert_eq!(proxy.asked(), Vec::<String>::new(), "the proxy was never asked for the name or the address");
    assert_eq!(origin.requests(), Vec::<String>::new());
}
