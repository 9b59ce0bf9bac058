//! Staff accounts and API keys: roles, the municipalities they act for, and rights.

use std::fmt;

use crate::codes::MunicipalityCode;

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

    pub fn label_ja(self) -> std::borrow::Cow<'static, str> {
        let key = match self {
            Role::Author => "staff-role-author",
            Role::Approver => "staff-role-approver",
            Role::MunicipalityAdmin => "staff-role-municipality-admin",
            Role::ConsortiumAdmin => "staff-role-consortium-admin",
        };
        crate::texts::text(crate::Lang::Ja, key)
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
}
