//! Residents who receive notices: how they registered, what they chose, and where
//! they stand.

use std::fmt;

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(input: &str) -> Option<Self> {
                match input { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum! {
    /// pending → active → unsubscribed | suppressed
    SubscriberStatus {
        Pending => "pending",
        Active => "active",
        Unsubscribed => "unsubscribed",
        Suppressed => "suppressed",
    }
}

string_enum! {
    /// Plain text (what a feature phone shows) or HTML with a plain-text part.
    MailFormat { Text => "text", Html => "html" }
}

string_enum! {
    /// ISO-2022-JP for old phones that cannot read UTF-8.
    Charset { Utf8 => "utf-8", Iso2022Jp => "iso-2022-jp" }
}

string_enum! {
    /// How the resident reached Kizuna.
    RegistrationSource {
        Web => "web",
        WebQr => "web_qr",
        EmptyMail => "empty_mail",
        EmptyMailQr => "empty_mail_qr",
        Import => "import",
    }
}

string_enum! {
    /// Why a link token was issued for a mail that is not a delivery.
    TokenPurpose {
        Confirm => "confirm",
        EmptyMailReply => "empty_mail_reply",
        AlreadyRegistered => "already_registered",
        Manage => "manage",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_round_trip() {
        for status in SubscriberStatus::ALL {
            assert_eq!(SubscriberStatus::parse(status.as_str()), Some(*status));
        }
        for source in RegistrationSource::ALL {
            assert_eq!(RegistrationSource::parse(source.as_str()), Some(*source));
        }
        assert_eq!(Charset::parse("iso-2022-jp"), Some(Charset::Iso2022Jp));
        assert_eq!(MailFormat::parse("pdf"), None);
    }
}
