//! TLS for the relay connection (STARTTLS and `smtps://`) with rustls, when the
//! crate is built with the `tls` feature; without it, a stand-in that cannot be made.

#[cfg(feature = "tls")]
mod enabled {
    use std::io;
    use std::path::Path;
    use std::sync::Arc;

    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, ServerName};
    use tokio::net::TcpStream;

    use crate::smtp::config::SmtpConfigError;

    pub type Connector = tokio_rustls::TlsConnector;
    pub type Stream = tokio_rustls::client::TlsStream<TcpStream>;

    /// Trusts the Mozilla roots, and the certificates of `ca_file` for a relay with a private CA.
    pub fn connector(ca_file: Option<&Path>) -> Result<Connector, SmtpConfigError> {
        let mut roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        if let Some(path) = ca_file {
            let ca_error = |reason: String| SmtpConfigError::CaFile { path: path.display().to_string(), reason };
            let certificates = CertificateDer::pem_file_iter(path)
                .map_err(|e| ca_error(e.to_string()))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| ca_error(e.to_string()))?;
            if certificates.is_empty() {
                return Err(ca_error("no PEM certificate in it".to_owned()));
            }
            for certificate in certificates {
                roots.add(certificate).map_err(|e| ca_error(e.to_string()))?;
            }
        }
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| SmtpConfigError::Tls(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(tokio_rustls::TlsConnector::from(Arc::new(config)))
    }

    /// Verifies the relay's certificate against `host`, a name or an IP address.
    pub async fn handshake(connector: &Connector, host: &str, tcp: TcpStream) -> io::Result<Stream> {
        let name = ServerName::try_from(host.to_owned()).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        connector.connect(name, tcp).await
    }
}

#[cfg(not(feature = "tls"))]
mod disabled {
    use std::io;
    use std::path::Path;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
    use tokio::net::TcpStream;

    use crate::smtp::config::SmtpConfigError;

    /// Never made: the configuration refuses TLS in a build without it.
    #[derive(Debug, Clone)]
    pub enum Connector {}

    pub enum Stream {}

    pub fn connector(_ca_file: Option<&Path>) -> Result<Connector, SmtpConfigError> {
        Err(SmtpConfigError::TlsUnavailable)
    }

    pub async fn handshake(connector: &Connector, _host: &str, _tcp: TcpStream) -> io::Result<Stream> {
        match *connector {}
    }

    impl AsyncRead for Stream {
        fn poll_read(self: Pin<&mut Self>, _: &mut Context<'_>, _: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
            match *self {}
        }
    }

    impl AsyncWrite for Stream {
        fn poll_write(self: Pin<&mut Self>, _: &mut Context<'_>, _: &[u8]) -> Poll<io::Result<usize>> {
            match *self {}
        }
        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            match *self {}
        }
        fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            match *self {}
        }
    }
}

#[cfg(not(feature = "tls"))]
pub use disabled::*;
#[cfg(feature = "tls")]
pub use enabled::*;
