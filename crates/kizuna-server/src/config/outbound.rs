//! The way out to other servers (JMA feeds, webhooks): the proxy
//! (`KIZUNA_HTTPS_PROXY`), the hosts reached without it (`KIZUNA_NO_PROXY`, or the
//! usual `NO_PROXY`) and an extra CA file for a proxy that inspects TLS.

use std::path::PathBuf;

use super::layers::Layers;
use super::{ConfigError, bad};
use crate::http_client::{NoProxy, Outbound, Proxy};

/// Reads the three settings and loads the CA file, so that a wrong one stops start-up.
pub(super) fn read(layers: &Layers) -> Result<Outbound, ConfigError> {
    let proxy = match layers.get("https_proxy") {
        Some((source, value)) if !value.trim().is_empty() => Some(Proxy::parse(value).map_err(|e| bad(source, e))?),
        _ => None,
    };
    let no_proxy = match layers.get("no_proxy") {
        Some((source, value)) => NoProxy::parse(value).map_err(|e| bad(source, e))?,
        None => NoProxy::default(),
    };
    let ca_file =
        layers.get("https_ca_file").map(|(source, value)| (source, value.trim())).filter(|(_, v)| !v.is_empty());
    let path = ca_file.map(|(_, value)| PathBuf::from(value));
    Outbound::new(proxy, no_proxy, path.as_deref()).map_err(|error| {
        let source = ca_file.map_or("KIZUNA_HTTPS_CA_FILE", |(source, _)| source);
        bad(source, format!("cannot use it as CA certificates: {error}"))
    })
}
