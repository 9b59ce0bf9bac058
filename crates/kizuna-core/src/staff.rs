//! Staff accounts and API keys: roles, the municipalities they act for, and rights.

use std::fmt;

use crate::codes::MunicipalityCode;
use crate::token::{TokenHash, random_secret};

/// Work of the staff console beyond notices, and which roles do it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Duty {
    /// The region (or one's municipality) at a glance: registrants, growth, rates.
    Dashboard,
    /// Residents' records, their import and export.
    Residents,
    /// Staff accounts.
    Staff,
    /// Emergency templates.
    Templates,
    /// Reading the audit log.
    Audit,
    /// Municipalities, areas, categories, pacing, webhooks and API keys.
    ReferenceData,
    /// The running costs and their sharing.
    Costs,
    /// Marking residents as staff who receive the restricted (staff-only)
    /// category, the study group's (情報化研究会) list for the whole region.
    RestrictedCategory,
    /// The monitor panel and its surveys: sizes, surveys, results, free-text
    /// answers and monitors' profiles.
    Surveys,
}

impl Duty {
    pub const ALL: [Duty; 9] = [
        Duty::Dashboard,
        Duty::Residents,
        Duty::Staff,
        Duty::Templates,
        Duty::Audit,
        Duty::ReferenceData,
        Duty::Costs,
        Duty::RestrictedCategory,
        Duty::Surveys,
    ];
}

/// What a staff member may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Author,
    Approver,
    MunicipalityAdmin,
    ConsortiumAdmin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Author, Role::Approver, Role::MunicipalityAdmin, Role::ConsortiumAdmin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Author => "author",
            Role::Approver => "approver",
            Role::MunicipalityAdmin => "municipality-admin",
            Role::ConsortiumAdmin => "consortium-admin",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == input)
    }

    /// Whether an account of this role may act for `scope`: a consortium admin
    /// manages the whole region, so it always acts for every municipality.
    pub fn allows(self, scope: &Scope) -> bool {
        self != Role::ConsortiumAdmin || *scope == Scope::AllMunicipalities
    }

    /// Whether this role has `duty` (within the account's own scope).
    pub fn has(self, duty: Duty) -> bool {
        use Role::*;
        match duty {
            Duty::Dashboard => true,
            Duty::Residents | Duty::Staff | Duty::Templates | Duty::Audit | Duty::Surveys => {
                matches!(self, MunicipalityAdmin | ConsortiumAdmin)
            }
            Duty::ReferenceData | Duty::Costs | Duty::RestrictedCategory => self == ConsortiumAdmin,
        }
    }

    pub fn label_ja(self) -> std::borrow::Cow<'static, str> {
        let key = match self {
            Role::Author => "staff-role-author",
            Role::Approver => "staff-role-approver",
            Role::MunicipalityAdmin => "staff-role-municipality-admin",
            Role::ConsortiumAdmin => "staff-role-consortium-admin",
        };
        crate::texts::text(crate::Lang::JA, key)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The municipalities a staff account or an API key acts for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    Municipality(MunicipalityCode),
    AllMunicipalities,
}

impl Scope {
    pub fn covers(&self, code: &MunicipalityCode) -> bool {
        match self {
            Scope::Municipality(own) => own == code,
            Scope::AllMunicipalities => true,
        }
    }

    /// The code stored for the scope; `None` stands for every municipality.
    pub fn municipality(&self) -> Option<&MunicipalityCode> {
        match self {
            Scope::Municipality(code) => Some(code),
            Scope::AllMunicipalities => None,
        }
    }
}

/// A right an API key can hold (DESIGN.md "JSON API essentials").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ApiRight {
    NoticesCreate,
    NoticesSubmit,
    NoticesApprove,
    NoticesSend,
    NoticesEmergency,
    NoticesRead,
    StatsRead,
    SurveysManage,
}

impl ApiRight {
    pub const ALL: [ApiRight; 8] = [
        ApiRight::NoticesCreate,
        ApiRight::NoticesSubmit,
        ApiRight::NoticesApprove,
        ApiRight::NoticesSend,
        ApiRight::NoticesEmergency,
        ApiRight::NoticesRead,
        ApiRight::StatsRead,
        ApiRight::SurveysManage,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ApiRight::NoticesCreate => "notices:create",
            ApiRight::NoticesSubmit => "notices:submit",
            ApiRight::NoticesApprove => "notices:approve",
            ApiRight::NoticesSend => "notices:send",
            ApiRight::NoticesEmergency => "notices:emergency",
            ApiRight::NoticesRead => "notices:read",
            ApiRight::StatsRead => "stats:read",
            ApiRight::SurveysManage => "surveys:manage",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|right| right.as_str() == input.trim())
    }

    /// Parses a comma-separated list, naming the first unknown right.
    pub fn parse_list(input: &str) -> Result<Vec<ApiRight>, String> {
        let mut rights = Vec::new();
        for part in input.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let right = Self::parse(part).ok_or_else(|| part.to_owned())?;
            if !rights.contains(&right) {
                rights.push(right);
            }
        }
        rights.sort();
        Ok(rights)
    }
}

/// A new API key, shown once to whoever asked for it: `kz_` and eight characters
/// that name the key in lists and the audit log, a dot, and the secret. Only the
/// hash of the whole key is stored.
pub struct ApiKeySecret {
    prefix: String,
    key: String,
}

impl ApiKeySecret {
    /// 6 random bytes name the key (kept free of `-` and `_`, so the prefix reads as
    /// one word); 32 more make the secret.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let prefix = format!("kz_{}", random_secret(6)?.replace(['-', '_'], "x"));
        let key = format!("{prefix}.{}", random_secret(32)?);
        Ok(Self { prefix, key })
    }

    /// The part that may be shown and logged.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The whole key, for the one time it is shown.
    pub fn expose(&self) -> &str {
        &self.key
    }

    /// What the store keeps, and what a presented key is looked up by.
    pub fn hash(&self) -> TokenHash {
        TokenHash::of(&self.key)
    }
}

impl fmt::Debug for ApiKeySecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKeySecret({}.…)", self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_and_rights_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        for right in ApiRight::ALL {
            assert_eq!(ApiRight::parse(right.as_str()), Some(right));
        }
        assert_eq!(
            ApiRight::parse_list("notices:send, notices:create,notices:send"),
            Ok(vec![ApiRight::NoticesCreate, ApiRight::NoticesSend])
        );
        assert_eq!(ApiRight::parse_list("notices:create,notices:fly"), Err("notices:fly".into()));
    }

    #[test]
    fn a_scope_covers_its_own_municipality_only() {
        let chichibu = MunicipalityCode::parse("112071").ok();
        let yokoze = MunicipalityCode::parse("113611").ok();
        let (Some(chichibu), Some(yokoze)) = (chichibu, yokoze) else {
            panic!("consortium codes must parse");
        };
        let scope = Scope::Municipality(chichibu.clone());
        assert!(scope.covers(&chichibu));
        assert!(!scope.covers(&yokoze));
        assert!(Scope::AllMunicipalities.covers(&yokoze));
    }

    #[test]
    fn a_consortium_admin_acts_for_every_municipality_only() {
        let Ok(chichibu) = MunicipalityCode::parse("112071") else { panic!("consortium codes must parse") };
        let one = Scope::Municipality(chichibu);
        assert!(!Role::ConsortiumAdmin.allows(&one));
        assert!(Role::ConsortiumAdmin.allows(&Scope::AllMunicipalities));
        for role in [Role::Author, Role::Approver, Role::MunicipalityAdmin] {
            assert!(role.allows(&one) && role.allows(&Scope::AllMunicipalities), "{role}");
        }
    }

    #[test]
    fn an_api_key_is_named_by_its_prefix_and_stored_as_a_hash() {
        let Ok(secret) = ApiKeySecret::generate() else { panic!("no randomness") };
        let prefix = secret.prefix();
        assert!(prefix.starts_with("kz_") && prefix.len() == 11, "{prefix}");
        assert!(!prefix[3..].contains(['-', '_']), "{prefix}");
        let (named, rest) = secret.expose().split_once('.').unwrap_or_default();
        assert_eq!(named, prefix);
        assert_eq!(rest.len(), 43, "32 random bytes in base64url");
        assert_eq!(secret.hash(), TokenHash::of(secret.expose()));
        assert!(!format!("{secret:?}").contains(rest), "Debug never prints the secret");
    }
}
