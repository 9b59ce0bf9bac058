//! Who acts on notices: the name the notice's history records, the municipalities
//! the actor acts for, and what it may do. The API builds one from its key, the
//! console will build one from the signed-in staff account, and the scheduler and
//! the JMA poller have their own; the notice service checks it, so no handler does.

use kizuna_core::notice::{ImmediateSend, NoticeSource};
use kizuna_core::staff::{ApiRight, Role, Scope};
use kizuna_store::ApiKey;

use super::NoticeError;

/// Something an actor may or may not do to notices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    Create,
    Submit,
    Approve,
    /// Send a notice back to its author with a note.
    Return,
    /// Send an approved notice, or schedule it when its time is ahead.
    Send,
    /// Send a notice that was never approved, at once (緊急配信).
    SendUnapproved,
    Cancel,
    /// Replace the text of a sent notice (CAP Update); the correction goes out at once.
    Correct,
    /// Take a sent notice back (CAP Cancel).
    Withdraw,
    Read,
}

impl Permission {
    pub const ALL: [Permission; 10] = [
        Permission::Create,
        Permission::Submit,
        Permission::Approve,
        Permission::Return,
        Permission::Send,
        Permission::SendUnapproved,
        Permission::Cancel,
        Permission::Correct,
        Permission::Withdraw,
        Permission::Read,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Permission::Create => "create",
            Permission::Submit => "submit",
            Permission::Approve => "approve",
            Permission::Return => "return",
            Permission::Send => "send",
            Permission::SendUnapproved => "send_unapproved",
            Permission::Cancel => "cancel",
            Permission::Correct => "correct",
            Permission::Withdraw => "withdraw",
            Permission::Read => "read",
        }
    }

    /// The API right that grants it (DESIGN.md "JSON API essentials"). The API's
    /// operation table names the same rights for its routes.
    pub fn api_right(self) -> ApiRight {
        match self {
            Permission::Create => ApiRight::NoticesCreate,
            Permission::Submit => ApiRight::NoticesSubmit,
            Permission::Approve | Permission::Return => ApiRight::NoticesApprove,
            Permission::Send | Permission::Cancel | Permission::Correct | Permission::Withdraw => ApiRight::NoticesSend,
            Permission::SendUnapproved => ApiRight::NoticesEmergency,
            Permission::Read => ApiRight::NoticesRead,
        }
    }
}

/// Where an actor's permissions come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authority {
    /// An API key: exactly the rights it holds.
    ApiKey { id: i64, rights: Vec<ApiRight> },
    /// A staff account: what its role allows and, with the emergency right
    /// (緊急配信権限), sending without a second person.
    Staff { id: i64, role: Role, emergency: bool },
    /// The scheduler: releases scheduled notices at their time, nothing else.
    Scheduler,
    /// The JMA poller: records notices from JMA reports and sends at once those a
    /// JMA rule says to.
    Jma,
    /// An operator at the command line (`kizuna bench`), who holds the database itself.
    Operator,
}

/// Someone or something acting on notices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    name: String,
    scope: Scope,
    authority: Authority,
}

impl Actor {
    /// The holder of an API key, recorded as `api-key:ID`.
    pub fn api_key(key: &ApiKey) -> Self {
        Self {
            name: format!("api-key:{}", key.id),
            scope: key.scope.clone(),
            authority: Authority::ApiKey { id: key.id, rights: key.rights.clone() },
        }
    }

    /// A staff account, recorded as `staff:ID`.
    pub fn staff(id: i64, scope: Scope, role: Role, emergency: bool) -> Self {
        Self { name: format!("staff:{id}"), scope, authority: Authority::Staff { id, role, emergency } }
    }

    pub fn scheduler() -> Self {
        Self { name: "scheduler".to_owned(), scope: Scope::AllMunicipalities, authority: Authority::Scheduler }
    }

    pub fn jma() -> Self {
        Self { name: "jma".to_owned(), scope: Scope::AllMunicipalities, authority: Authority::Jma }
    }

    pub fn operator(name: &str) -> Self {
        Self { name: name.to_owned(), scope: Scope::AllMunicipalities, authority: Authority::Operator }
    }

    /// Who the notice's history names.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    pub fn authority(&self) -> &Authority {
        &self.authority
    }

    /// Whether this actor may do `permission` to notices within its scope.
    pub fn may(&self, permission: Permission) -> bool {
        use Permission as P;
        match &self.authority {
            Authority::ApiKey { rights, .. } => rights.contains(&permission.api_right()),
            Authority::Staff { role, emergency, .. } => match permission {
                P::SendUnapproved => *emergency,
                // An author writes, submits, sends what a second person approved
                // (or schedules it), and cancels before it goes out.
                P::Create | P::Submit | P::Send | P::Cancel | P::Read => true,
                // Approving, returning, correcting and withdrawing are the second person's.
                P::Approve | P::Return | P::Correct | P::Withdraw => *role != Role::Author,
            },
            Authority::Scheduler => permission == P::Send,
            // Cancelling and withdrawing are for what a report it read made, when
            // JMA cancels that report (`notices::withdraw_for_jma`).
            Authority::Jma => {
                matches!(permission, P::Create | P::Send | P::SendUnapproved | P::Read | P::Cancel | P::Withdraw)
            }
            Authority::Operator => true,
        }
    }

    /// Refuses unless this actor may do `permission`; `why` is added to the refusal.
    pub fn require(&self, permission: Permission, why: &'static str) -> Result<(), NoticeError> {
        if self.may(permission) { Ok(()) } else { Err(NoticeError::NotAllowed { permission, why }) }
    }

    /// Refuses unless this actor acts for every one of `codes`.
    pub fn require_scope<'a>(&self, codes: impl IntoIterator<Item = &'a str>) -> Result<(), NoticeError> {
        match self.scope.municipality() {
            None => Ok(()),
            Some(own) => match codes.into_iter().find(|code| *code != own.as_str()) {
                Some(other) => Err(NoticeError::OutOfScope(other.to_owned())),
                None => Ok(()),
            },
        }
    }

    /// Why this actor may send a notice that was never approved, if it may.
    pub fn unapproved_send(&self) -> Option<ImmediateSend> {
        if !self.may(Permission::SendUnapproved) {
            return None;
        }
        Some(match self.authority {
            Authority::Jma => ImmediateSend::JmaRule,
            _ => ImmediateSend::EmergencyRight,
        })
    }

    /// The source of the notices this actor creates.
    pub fn source(&self) -> NoticeSource {
        match self.authority {
            Authority::ApiKey { .. } => NoticeSource::Api,
            Authority::Jma => NoticeSource::Jma,
            Authority::Staff { .. } | Authority::Scheduler | Authority::Operator => NoticeSource::Staff,
        }
    }

    /// How a client's `Idempotency-Key` is stored: keys of different clients never meet.
    pub fn idempotency_key(&self, key: &str) -> String {
        match self.authority {
            // The form the API has always stored.
            Authority::ApiKey { id, .. } => format!("{id}:{key}"),
            _ => format!("{}:{key}", self.name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(rights: &[ApiRight]) -> ApiKey {
        ApiKey {
            id: 7,
            prefix: "kz_test".into(),
            scope: Scope::AllMunicipalities,
            rights: rights.to_vec(),
            label: String::new(),
            created_at: chrono::DateTime::UNIX_EPOCH,
            revoked_at: None,
        }
    }

    #[test]
    fn an_api_key_may_do_what_its_rights_grant() {
        let actor = Actor::api_key(&key(&[ApiRight::NoticesSend]));
        assert_eq!(actor.name(), "api-key:7");
        let allowed: Vec<Permission> = Permission::ALL.into_iter().filter(|p| actor.may(*p)).collect();
        assert_eq!(allowed, [Permission::Send, Permission::Cancel, Permission::Correct, Permission::Withdraw]);
        assert_eq!(actor.unapproved_send(), None);
        let emergency = Actor::api_key(&key(&[ApiRight::NoticesEmergency]));
        assert_eq!(emergency.unapproved_send(), Some(ImmediateSend::EmergencyRight));
        assert_eq!(actor.idempotency_key("abc"), "7:abc");
    }

    #[test]
    fn staff_roles_need_a_second_person_and_the_emergency_right_skips_it() {
        let author = Actor::staff(3, Scope::AllMunicipalities, Role::Author, false);
        assert!(author.may(Permission::Create) && author.may(Permission::Send));
        assert!(!author.may(Permission::Approve) && !author.may(Permission::SendUnapproved));
        let approver = Actor::staff(4, Scope::AllMunicipalities, Role::Approver, true);
        assert!(approver.may(Permission::Approve) && approver.may(Permission::Withdraw));
        assert_eq!(approver.unapproved_send(), Some(ImmediateSend::EmergencyRight));
        assert_eq!(approver.name(), "staff:4");
    }

    #[test]
    fn the_jobs_do_only_their_own_work() {
        let scheduler = Actor::scheduler();
        let allowed: Vec<Permission> = Permission::ALL.into_iter().filter(|p| scheduler.may(*p)).collect();
        assert_eq!(allowed, [Permission::Send]);
        assert_eq!(Actor::jma().unapproved_send(), Some(ImmediateSend::JmaRule));
        assert!(!Actor::jma().may(Permission::Approve));
    }

    #[test]
    fn a_scope_refuses_the_first_other_municipality() {
        let Ok(chichibu) = kizuna_core::MunicipalityCode::parse("112071") else { panic!("code") };
        let actor = Actor::staff(1, Scope::Municipality(chichibu), Role::Approver, false);
        assert!(actor.require_scope(["112071"]).is_ok());
        match actor.require_scope(["112071", "113611"]) {
            Err(NoticeError::OutOfScope(code)) => assert_eq!(code, "113611"),
            other => panic!("{other:?}"),
        }
    }
}
