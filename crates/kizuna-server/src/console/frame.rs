//! What every console page shares: its language and title, who is signed in and
//! in which role, the navigation that role may use, the form token, and the
//! confirmation banner shown after a change (GOV.UK's notification banner).

use kizuna_core::Lang;
use kizuna_core::staff::{Duty, Role, Scope};

use super::session::Signed;
use crate::directory::ReferenceData;
use crate::notices::Permission;
use crate::texts::{self, PageText};

pub struct ConsoleFrame {
    pub lang: &'static str,
    pub title: String,
    pub site_name: String,
    /// `None` on pages before sign-in.
    pub who: Option<Who>,
    pub nav: Vec<NavItem>,
    /// The token every form of the session carries.
    pub csrf: String,
    /// A change just made, said once at the top of the page.
    pub banner: Option<String>,
}

pub struct Who {
    pub email: String,
    pub role: String,
    pub scope: String,
}

pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

impl ConsoleFrame {
    /// A page before sign-in (or of the sign-in steps), with the login form's token.
    pub fn anonymous(lang: Lang, title_key: &'static str, csrf: String) -> Self {
        Self {
            lang: lang.as_str(),
            title: texts::text(lang, title_key).into_owned(),
            site_name: texts::text(lang, "console-site-name").into_owned(),
            who: None,
            nav: Vec::new(),
            csrf,
            banner: None,
        }
    }

    /// A page of a signed-in person; `current` is the navigation entry it belongs to.
    pub fn signed(signed: &Signed, directory: &ReferenceData, title: String, current: &str) -> Self {
        let lang = signed.lang;
        let role = role_label(signed.staff.role, lang);
        let scope = match &signed.staff.scope {
            Scope::AllMunicipalities => texts::text(lang, "console-scope-all").into_owned(),
            Scope::Municipality(code) => {
                directory.municipality(code).map_or_else(|| code.to_string(), |m| m.name(lang).to_owned())
            }
        };
        let ready = signed.stage() == super::session::Stage::Ready;
        let mut nav = Vec::new();
        if ready {
            nav.push(("/admin", "console-nav-home"));
            nav.push(("/admin/notices", "console-nav-notices"));
            if signed.actor.may(Permission::Create) {
                nav.push(("/admin/notices/new", "console-nav-compose"));
            }
            let role = signed.staff.role;
            for (duty, href, key) in [
                (Duty::Dashboard, "/admin/dashboard", "console-nav-dashboard"),
                (Duty::Residents, "/admin/residents", "console-nav-residents"),
                (Duty::Surveys, "/admin/surveys", "console-nav-surveys"),
                (Duty::Staff, "/admin/staff", "console-nav-staff"),
                (Duty::Templates, "/admin/templates", "console-nav-templates"),
                (Duty::ReferenceData, "/admin/settings", "console-nav-settings"),
                (Duty::Costs, "/admin/costs", "console-nav-costs"),
                (Duty::Audit, "/admin/audit", "console-nav-audit"),
            ] {
                if role.has(duty) {
                    nav.push((href, key));
                }
            }
        }
        nav.push(("/admin/account", "console-nav-account"));
        Self {
            lang: lang.as_str(),
            title,
            site_name: texts::text(lang, "console-site-name").into_owned(),
            who: Some(Who { email: signed.staff.email.clone(), role, scope }),
            nav: nav
                .into_iter()
                .map(|(href, key)| NavItem {
                    href,
                    label: texts::text(lang, key).into_owned(),
                    current: href == current,
                })
                .collect(),
            csrf: signed.session.csrf_token.clone(),
            banner: None,
        }
    }

    pub fn with_banner(mut self, banner: Option<String>) -> Self {
        self.banner = banner;
        self
    }

    /// A text of the server's catalog in the page's language.
    pub fn t<'a>(&self, key: &'static str) -> PageText<'a> {
        PageText::new(self.lang, key)
    }
}

/// A role's name in plain words (作成者, 承認者, …).
pub fn role_label(role: Role, lang: Lang) -> String {
    texts::text(lang, role_key(role)).into_owned()
}

/// The one sentence that says what a role may do.
pub fn role_summary(role: Role, lang: Lang) -> String {
    let key = match role {
        Role::Author => "console-role-author-summary",
        Role::Approver => "console-role-approver-summary",
        Role::MunicipalityAdmin => "console-role-municipality-admin-summary",
        Role::ConsortiumAdmin => "console-role-consortium-admin-summary",
    };
    texts::text(lang, key).into_owned()
}

fn role_key(role: Role) -> &'static str {
    match role {
        Role::Author => "console-role-author",
        Role::Approver => "console-role-approver",
        Role::MunicipalityAdmin => "console-role-municipality-admin",
        Role::ConsortiumAdmin => "console-role-consortium-admin",
    }
}
