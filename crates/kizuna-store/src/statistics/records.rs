//! Figures as they cross the storage boundary.

use kizuna_core::MunicipalityCode;
use kizuna_core::subscriber::RegistrationSource;

/// Registrants who came one way in one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationMonth {
    /// `YYYY-MM` in Japan time.
    pub month: String,
    pub source: RegistrationSource,
    /// The town whose poster's QR code the resident followed.
    pub poster: Option<MunicipalityCode>,
    pub registrants: i64,
}

/// What became of the messages of the notices sent in one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryMonth {
    pub month: String,
    /// Accepted by the relay.
    pub sent: i64,
    /// Refused for good by the receiving side.
    pub bounced: i64,
    /// Given up after every retry.
    pub failed: i64,
}

/// Messages accepted for one municipality's notices that were for `shared_by` municipalities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessagesSent {
    pub municipality: MunicipalityCode,
    pub shared_by: u32,
    pub messages: i64,
}
