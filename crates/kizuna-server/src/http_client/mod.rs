//! A small HTTP/1.1 client for what Kizuna fetches from other servers (JMA's feeds):
//! one GET with extra headers, a cap on the answer's size and a time limit, over
//! https with the Mozilla roots from `webpki-roots` and any extra CA, through a
//! CONNECT proxy unless `NO_PROXY` names the host. [`Outbound`] holds that way out
//! for every HTTPS client of Kizuna (JMA feeds, webhooks).

mod proxy;

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Empty, LengthLimitError, Limited};
use hyper::body::Bytes;
use hyper::header::{self, HeaderMap, HeaderName, HeaderValue};
use hyper::{Request, Uri};
use hyper_util::rt::TokioIo;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

pub use proxy::{NoProxy, Proxy};
pub(crate) use proxy::{authority, tunnel};

/// How long one exchange may take, connection and body included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// An answer read in full.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Response {
    /// A header's value when it is visible ASCII.
    pub fn header(&self, name: &HeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    #[error("{0:?} is not an http:// or https:// address")]
    Url(String),
    #[error("cannot connect to {host}: {reason}")]
    Connect { host: String, reason: String },
    /// The proxy could not be reached or refused the tunnel; the message names it.
    #[error("{0}")]
    Proxy(String),
    #[error("TLS with {host} failed: {reason}")]
    Tls { host: String, reason: String },
    #[error("the HTTP exchange failed: {0}")]
    Http(String),
    #[error("no complete answer within {0:?}")]
    Timeout(Duration),
    #[error("the answer is larger than {max} bytes")]
    TooLarge { max: usize },
}

/// Where a URL points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub https: bool,
    /// Without the brackets of an IPv6 literal.
    pub host: String,
    pub port: u16,
    /// `host` or `host:port`, as the `Host` header carries it.
    pub authority: String,
    pub path_and_query: String,
}

impl Target {
    pub fn parse(url: &str) -> Result<Self, HttpError> {
        let bad = || HttpError::Url(url.chars().take(200).collect());
        let uri = Uri::from_str(url.trim()).map_err(|_| bad())?;
        let https = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            _ => return Err(bad()),
        };
        let authority = uri.authority().ok_or_else(bad)?;
        // Credentials in a URL would end up in logs; nothing Kizuna fetches needs them.
        if authority.as_str().contains('@') {
            return Err(bad());
        }
        let host = authority.host().trim_start_matches('[').trim_end_matches(']').to_owned();
        if host.is_empty() {
            return Err(bad());
        }
        Ok(Self {
            https,
            port: authority.port_u16().unwrap_or(if https { 443 } else { 80 }),
            authority: authority.as_str().to_owned(),
            // `http://host?x` has an empty path, which a request line may not.
            path_and_query: match uri.path_and_query().map(|p| p.as_str()) {
                Some(p) if p.starts_with('/') => p.to_owned(),
                Some(p) => format!("/{p}"),
                None => "/".to_owned(),
            },
            host,
        })
    }
}

/// The way out to other servers: the proxy, the hosts reached without it, and
/// the TLS settings (Mozilla's roots and any extra CA, the ring provider, HTTP/1.1).
#[derive(Clone)]
pub struct Outbound {
    proxy: Option<Proxy>,
    no_proxy: NoProxy,
    ca_file: Option<PathBuf>,
    tls: Arc<rustls::ClientConfig>,
}

/// The settings, not the hundred-odd roots.
impl std::fmt::Debug for Outbound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outbound")
            .field("proxy", &self.proxy)
            .field("no_proxy", &self.no_proxy)
            .field("ca_file", &self.ca_file)
            .finish_non_exhaustive()
    }
}

impl Outbound {
    /// Trusts Mozilla's roots and the certificates of `ca_file` (PEM), as the SMTP
    /// relay's `ca_file` does; fails with one line when the file does not give any.
    pub fn new(proxy: Option<Proxy>, no_proxy: NoProxy, ca_file: Option<&Path>) -> Result<Self, String> {
        let mut roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        if let Some(path) = ca_file {
            let unusable = |reason: String| format!("{}: {reason}", path.display());
            let certificates = CertificateDer::pem_file_iter(path)
                .map_err(|e| unusable(e.to_string()))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| unusable(e.to_string()))?;
            if certificates.is_empty() {
                return Err(unusable("no PEM certificate in it".to_owned()));
            }
            for certificate in certificates {
                roots.add(certificate).map_err(|e| unusable(e.to_string()))?;
            }
        }
        Ok(Self { proxy, no_proxy, ca_file: ca_file.map(Path::to_path_buf), tls: client_config(roots)? })
    }

    /// Straight to the origin, trusting Mozilla's roots only.
    pub fn direct() -> Result<Self, String> {
        Self::new(None, NoProxy::default(), None)
    }

    /// The proxy an https request to `host` goes through, if any. Plain http goes
    /// directly: the setting is for HTTPS, and CONNECT keeps the proxy out of it.
    pub fn proxy_for(&self, host: &str) -> Option<&Proxy> {
        self.proxy.as_ref().filter(|_| !self.no_proxy.bypasses(host))
    }

    pub(crate) fn tls(&self) -> Arc<rustls::ClientConfig> {
        self.tls.clone()
    }

    /// GETs `url` with `headers` added, reading at most `max_bytes` of body, all
    /// within `timeout`. Redirects are not followed: a 3xx comes back as it is.
    pub async fn get(
        &self,
        url: &str,
        headers: &[(HeaderName, HeaderValue)],
        max_bytes: usize,
        timeout: Duration,
    ) -> Result<Response, HttpError> {
        let target = Target::parse(url)?;
        tokio::time::timeout(timeout, self.fetch(&target, headers, max_bytes))
            .await
            .map_err(|_| HttpError::Timeout(timeout))?
    }

    async fn fetch(
        &self,
        target: &Target,
        headers: &[(HeaderName, HeaderValue)],
        max_bytes: usize,
    ) -> Result<Response, HttpError> {
        let mut builder = Request::get(target.path_and_query.as_str())
            .header(header::HOST, target.authority.as_str())
            .header(header::USER_AGENT, concat!("Kizuna/", env!("CARGO_PKG_VERSION")));
        for (name, value) in headers {
            builder = builder.header(name, value);
        }
        let request = builder.body(Empty::<Bytes>::new()).map_err(|e| HttpError::Http(e.to_string()))?;
        if !target.https {
            let stream = TcpStream::connect((target.host.as_str(), target.port))
                .await
                .map_err(|e| HttpError::Connect { host: target.authority.clone(), reason: e.to_string() })?;
            return exchange(stream, request, max_bytes).await;
        }
        let stream = match self.proxy_for(&target.host) {
            // The proxy resolves the name: JMA's addresses are whatever its DNS says.
            Some(proxy) => tunnel(proxy, &authority(&target.host, target.port)).await.map_err(HttpError::Proxy)?,
            None => TcpStream::connect((target.host.as_str(), target.port))
                .await
                .map_err(|e| HttpError::Connect { host: target.authority.clone(), reason: e.to_string() })?,
        };
        let tls = |reason: String| HttpError::Tls { host: target.authority.clone(), reason };
        let name = match IpAddr::from_str(&target.host) {
            Ok(ip) => rustls::pki_types::ServerName::IpAddress(ip.into()),
            Err(_) => rustls::pki_types::ServerName::try_from(target.host.clone()).map_err(|e| tls(e.to_string()))?,
        };
        let stream =
            tokio_rustls::TlsConnector::from(self.tls()).connect(name, stream).await.map_err(|e| tls(e.to_string()))?;
        exchange(stream, request, max_bytes).await
    }
}

/// Sends the request and reads the answer, driving the connection in the same task
/// so that a timeout drops the socket with everything else.
async fn exchange<S>(io: S, request: Request<Empty<Bytes>>, max_bytes: usize) -> Result<Response, HttpError>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let http = |e: hyper::Error| HttpError::Http(e.to_string());
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(io)).await.map_err(http)?;
    let answer = async move {
        let response = sender.send_request(request).await.map_err(http)?;
        let (parts, body) = response.into_parts();
        let declared = parts.headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
        if declared.is_some_and(|length| length > max_bytes as u64) {
            return Err(HttpError::TooLarge { max: max_bytes });
        }
        let body = Limited::new(body, max_bytes).collect().await.map_err(|error| {
            if error.is::<LengthLimitError>() {
                HttpError::TooLarge { max: max_bytes }
            } else {
                HttpError::Http(error.to_string())
            }
        })?;
        Ok(Response { status: parts.status.as_u16(), headers: parts.headers, body: body.to_bytes().to_vec() })
    };
    tokio::pin!(answer);
    tokio::pin!(connection);
    tokio::select! {
        result = &mut answer => result,
        ended = &mut connection => match ended {
            // The server may close right after the last byte; what it sent is still buffered.
            Ok(()) => answer.await,
            Err(error) => Err(http(error)),
        },
    }
}

fn client_config(roots: rustls::RootCertStore) -> Result<Arc<rustls::ClientConfig>, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS set-up: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_become_targets_or_are_refused() {
        let jma = Target::parse("https://www.data.jma.go.jp/developer/xml/feed/extra.xml");
        assert_eq!(
            jma,
            Ok(Target {
                https: true,
                host: "www.data.jma.go.jp".into(),
                port: 443,
                authority: "www.data.jma.go.jp".into(),
                path_and_query: "/developer/xml/feed/extra.xml".into(),
            })
        );
        let local = Target::parse("http://[::1]:8081?x=1").map(|t| (t.host, t.port, t.authority, t.path_and_query));
        assert_eq!(local, Ok(("::1".into(), 8081, "[::1]:8081".into(), "/?x=1".into())));
        for bad in ["ftp://example.jp/x", "www.data.jma.go.jp/feed", "https://user:pw@example.jp/", "http:///x", ""] {
            assert!(matches!(Target::parse(bad), Err(HttpError::Url(_))), "{bad}");
        }
    }

    #[test]
    fn the_tls_configuration_builds_with_the_bundled_roots() {
        let outbound = Outbound::direct();
        assert!(outbound.is_ok_and(|o| o.tls().alpn_protocols == [b"http/1.1".to_vec()]));
    }

    /// JMA serves its feeds over https only: a real TLS handshake with a local
    /// server (a certificate for 127.0.0.1 made with openssl), the answer read
    /// in full, and a server that Mozilla's roots do not vouch for refused.
    #[tokio::test]
    async fn feeds_are_fetched_over_verified_https() {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        let dir = std::env::temp_dir().join(format!("kizuna-https-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let status = std::process::Command::new("openssl")
            .args(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"])
            .args(["-keyout", "key.pem", "-out", "cert.pem", "-days", "2", "-subj", "/CN=localhost"])
            .args(["-addext", "basicConstraints=critical,CA:FALSE", "-addext", "subjectAltName=IP:127.0.0.1"])
            .args(["-addext", "extendedKeyUsage=serverAuth"])
            .current_dir(&dir)
            .stderr(std::process::Stdio::null())
            .status();
        assert!(status.is_ok_and(|s| s.success()), "this test needs openssl: apt-get install openssl");
        let certificate = CertificateDer::from_pem_file(dir.join("cert.pem")).unwrap_or_else(|e| panic!("{e}"));
        let key = PrivateKeyDer::from_pem_file(dir.join("key.pem")).unwrap_or_else(|e| panic!("{e}"));
        let trusting =
            Outbound::new(None, NoProxy::default(), Some(&dir.join("cert.pem"))).unwrap_or_else(|e| panic!("{e}"));
        let _ = std::fs::remove_dir_all(&dir);

        let server = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .and_then(|b| b.with_no_client_auth().with_single_cert(vec![certificate], key))
            .unwrap_or_else(|e| panic!("{e}"));
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("{e}"));
        let port = listener.local_addr().unwrap_or_else(|e| panic!("{e}")).port();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                // The refused client hangs up during the handshake.
                let Ok(mut tls) = acceptor.accept(tcp).await else { continue };
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let body = if request.starts_with(b"GET /developer/xml/feed/extra.xml HTTP/1.1") {
                    "<feed>気象警報・注意報</feed>"
                } else {
                    "unexpected request"
                };
                let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
                let _ = tls.write_all(head.as_bytes()).await;
                let _ = tls.write_all(body.as_bytes()).await;
                let _ = tls.shutdown().await;
            }
        });

        let url = format!("https://127.0.0.1:{port}/developer/xml/feed/extra.xml");
        let answer = trusting.get(&url, &[], 1 << 20, DEFAULT_TIMEOUT).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (answer.status, String::from_utf8_lossy(&answer.body).as_ref()),
            (200, "<feed>気象警報・注意報</feed>")
        );

        let mozilla_only = Outbound::direct().unwrap_or_else(|e| panic!("{e}"));
        let refused = mozilla_only.get(&url, &[], 1 << 20, DEFAULT_TIMEOUT).await;
        assert!(matches!(refused, Err(HttpError::Tls { .. })), "{refused:?}");
    }
}
