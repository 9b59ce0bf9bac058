//! The secret key (`KIZUNA_SECRET_KEY_FILE`) that encrypts what Kizuna must keep
//! secret in its database — TOTP secrets, webhook signing secrets — so that a
//! copy of the database or of a backup alone reveals none of them. The key lives
//! outside the database. It also signs the links of notice mails
//! (`crate::links`), so that nothing of them is stored. The file holds one key
//! per line, `ID HEX`; the first encrypts and signs, every one decrypts and
//! verifies, so a key is rotated by putting a new line first (and the old line
//! stays while links it signed may still be used).

use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use kizuna_store::SecretKind;
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::hmac;

/// Bytes of a key (ChaCha20-Poly1305 takes 256 bits).
const KEY_BYTES: usize = 32;
/// What a sealed value starts with: the format, then the key's id.
const FORMAT: &str = "k1";

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("the secret key file {path} cannot be read: {reason}")]
    Unreadable { path: PathBuf, reason: String },
    #[error("the secret key file {path} cannot be created: {reason}")]
    Uncreatable { path: PathBuf, reason: String },
    #[error("the secret key file {path}, line {line}: {reason}")]
    Malformed { path: PathBuf, line: usize, reason: &'static str },
    #[error("the secret key file {0} holds no key")]
    Empty(PathBuf),
    #[error("a stored secret was sealed with key {0:?}, which the secret key file does not hold")]
    UnknownKey(String),
    #[error("a stored secret does not open with the secret key: the key is wrong or the value was changed")]
    WrongKey,
    #[error("a stored secret is not in Kizuna's sealed format")]
    NotSealed,
    #[error("no randomness for a new nonce or key: {0}")]
    Random(String),
}

struct Key {
    id: String,
    key: LessSafeKey,
    /// The same key for keyed hashes ([`SecretKeys::pseudonym`], [`SecretKeys::sign`]).
    mac: hmac::Key,
    /// A short name derived from the key, in what it signs ([`TAG_CHARS`]).
    tag: String,
}

/// Characters of a signature's key tag: 25 bits, which tell the few keys of a
/// file apart (the MAC is checked with every key of that tag anyway).
const TAG_CHARS: usize = 5;
/// Bytes of a signature's MAC: 160 bits, far beyond guessing.
const SIGNATURE_MAC_BYTES: usize = 20;

/// The keys of the secret key file; never printed.
pub struct SecretKeys {
    keys: Vec<Key>,
}

impl fmt::Debug for SecretKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ids: Vec<&str> = self.keys.iter().map(|k| k.id.as_str()).collect();
        f.debug_struct("SecretKeys").field("ids", &ids).finish_non_exhaustive()
    }
}

/// Whether `load_or_create` found the file or wrote a new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyFile {
    Found,
    Created,
}

impl SecretKeys {
    /// Reads the key file, or creates it with one new key (readable by its owner
    /// only) when it does not exist yet: the zero-set-up default.
    pub fn load_or_create(path: &Path) -> Result<(Self, KeyFile), SecretError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Ok((Self::parse(path, &text)?, KeyFile::Found)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let text = new_key_line("1")?;
                write_owner_only(path, &text)
                    .map_err(|e| SecretError::Uncreatable { path: path.to_owned(), reason: e.to_string() })?;
                Ok((Self::parse(path, &text)?, KeyFile::Created))
            }
            Err(error) => Err(SecretError::Unreadable { path: path.to_owned(), reason: error.to_string() }),
        }
    }

    pub(crate) fn parse(path: &Path, text: &str) -> Result<Self, SecretError> {
        let malformed = |line: usize, reason| SecretError::Malformed { path: path.to_owned(), line, reason };
        let mut keys = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (id, hex_key) = line.split_once(char::is_whitespace).ok_or(malformed(i + 1, "expected `ID HEX`"))?;
            if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
                return Err(malformed(i + 1, "the id may hold only letters, digits, - and _"));
            }
            let bytes = hex::decode(hex_key.trim()).map_err(|_| malformed(i + 1, "the key is not hexadecimal"))?;
            if bytes.len() != KEY_BYTES {
                return Err(malformed(i + 1, "the key must be 64 hexadecimal digits (32 bytes)"));
            }
            if keys.iter().any(|k: &Key| k.id == id) {
                return Err(malformed(i + 1, "this id is used twice"));
            }
            let unbound = UnboundKey::new(&CHACHA20_POLY1305, &bytes).map_err(|_| malformed(i + 1, "unusable key"))?;
            let mac = hmac::Key::new(hmac::HMAC_SHA256, &bytes);
            let tag = keyed(&mac, "key-tag", b"").chars().take(TAG_CHARS).collect();
            keys.push(Key { id: id.to_owned(), key: LessSafeKey::new(unbound), mac, tag });
        }
        if keys.is_empty() {
            return Err(SecretError::Empty(path.to_owned()));
        }
        Ok(Self { keys })
    }

    /// The id of the key that seals new values.
    pub fn current_id(&self) -> &str {
        self.keys.first().map_or("", |k| k.id.as_str())
    }

    /// Encrypts `plaintext` for `purpose` (which must be given again to open it,
    /// so a sealed TOTP secret cannot be passed off as a webhook secret).
    pub fn seal(&self, purpose: &str, plaintext: &[u8]) -> Result<String, SecretError> {
        let key = self.keys.first().ok_or(SecretError::UnknownKey(String::new()))?;
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|e| SecretError::Random(e.to_string()))?;
        let mut sealed = plaintext.to_vec();
        key.key
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(purpose.as_bytes()), &mut sealed)
            .map_err(|_| SecretError::WrongKey)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(format!("{FORMAT}:{}:{}", key.id, kizuna_core::token::base64url(&out)))
    }

    /// Decrypts a value `seal` made with any key of the file.
    pub fn open(&self, purpose: &str, sealed: &str) -> Result<Vec<u8>, SecretError> {
        let mut parts = sealed.splitn(3, ':');
        let (Some(FORMAT), Some(id), Some(body)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(SecretError::NotSealed);
        };
        let key = self.keys.iter().find(|k| k.id == id).ok_or_else(|| SecretError::UnknownKey(id.to_owned()))?;
        let bytes = base64url_decode(body).ok_or(SecretError::NotSealed)?;
        if bytes.len() < NONCE_LEN {
            return Err(SecretError::NotSealed);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| SecretError::NotSealed)?;
        let mut buffer = ciphertext.to_vec();
        let plain = key
            .key
            .open_in_place(nonce, Aad::from(purpose.as_bytes()), &mut buffer)
            .map_err(|_| SecretError::WrongKey)?;
        Ok(plain.to_vec())
    }

    /// A stand-in for `value` that the database may keep (a keyed hash under the
    /// current key): equal values give equal stand-ins, and a copy of the
    /// database alone cannot tell which value it stands for.
    pub fn pseudonym(&self, purpose: &str, value: &str) -> String {
        let Some(key) = self.keys.first() else { return String::new() };
        let mut context = hmac::Context::with_key(&key.mac);
        context.update(purpose.as_bytes());
        context.update(&[0]);
        context.update(value.as_bytes());
        hex::encode(&context.sign().as_ref()[..16])
    }

    /// A signature of `message` for `purpose` under the current key: the key's
    /// tag, then a MAC, in lower-case base32 (a relay or phone that changes the
    /// case of a link or address changes nothing). Whoever holds only the
    /// database cannot make one.
    pub fn sign(&self, purpose: &str, message: &str) -> String {
        let Some(key) = self.keys.first() else { return String::new() };
        let mut signature = key.tag.clone();
        signature.push_str(&keyed(&key.mac, purpose, message.as_bytes()));
        signature
    }

    /// Whether `signature` is one [`SecretKeys::sign`] made for `purpose` and
    /// `message` with any key of the file, in any case; comparing in constant
    /// time.
    pub fn verify(&self, purpose: &str, message: &str, signature: &str) -> bool {
        let signature = signature.to_ascii_lowercase();
        let Some((tag, mac)) = signature.split_at_checked(TAG_CHARS) else { return false };
        self.keys.iter().filter(|k| k.tag == tag).any(|k| {
            let expected = keyed(&k.mac, purpose, message.as_bytes());
            expected.len() == mac.len() && expected.bytes().zip(mac.bytes()).fold(0, |d, (a, b)| d | (a ^ b)) == 0
        })
    }

    /// Whether `sealed` was sealed with an older key and should be sealed again.
    pub fn is_stale(&self, sealed: &str) -> bool {
        sealed.split(':').nth(1).is_some_and(|id| id != self.current_id())
    }
}

/// The HMAC of `purpose` and `message`, cut to [`SIGNATURE_MAC_BYTES`], in lower-case base32.
fn keyed(key: &hmac::Key, purpose: &str, message: &[u8]) -> String {
    let mut context = hmac::Context::with_key(key);
    context.update(b"kizuna-sign\0");
    context.update(purpose.as_bytes());
    context.update(&[0]);
    context.update(message);
    kizuna_core::token::base32_lower(&context.sign().as_ref()[..SIGNATURE_MAC_BYTES])
}

/// What a sealed TOTP secret is sealed for.
pub const TOTP_PURPOSE: &str = "totp";
/// What a sealed webhook signing secret is sealed for.
pub const WEBHOOK_PURPOSE: &str = "webhook";

fn purpose(kind: SecretKind) -> &'static str {
    match kind {
        SecretKind::Webhook => WEBHOOK_PURPOSE,
        SecretKind::Totp => TOTP_PURPOSE,
    }
}

/// Why the secrets in the database cannot be used with the key file.
#[derive(Debug, thiserror::Error)]
pub enum ResealError {
    #[error(
        "the secret key file {path} does not open the secrets stored in the database ({what} {id}: {error}); start with the key file they were sealed with, or put the new key's line first and keep the old one below it"
    )]
    Key { path: PathBuf, what: &'static str, id: i64, error: SecretError },
    #[error("sealing a stored secret again: {0}")]
    Store(#[from] kizuna_store::StoreError),
}

/// Opens every secret the database keeps with the key file, and seals again
/// those sealed with an older key (a rotation) or kept in the clear from before
/// sealing: afterwards the database holds nothing readable without the first
/// key. Fails — naming the key file — when one does not open, so that a wrong
/// key stops start-up instead of breaking sign-ins and webhooks later. Returns
/// how many were sealed again.
pub async fn reseal_stored(
    store: &dyn kizuna_store::Store,
    keys: &SecretKeys,
    path: &Path,
) -> Result<usize, ResealError> {
    let mut resealed = 0;
    for secret in store.sealed_secrets().await? {
        let purpose = purpose(secret.kind);
        let plain = match keys.open(purpose, &secret.value) {
            Ok(_) if !keys.is_stale(&secret.value) => continue,
            Ok(plain) => plain,
            // Webhook secrets were kept in the clear before sealing.
            Err(SecretError::NotSealed) if secret.kind == SecretKind::Webhook => secret.value.as_bytes().to_vec(),
            Err(error) => {
                let what = if secret.kind == SecretKind::Webhook { "webhook" } else { "staff account" };
                return Err(ResealError::Key { path: path.to_owned(), what, id: secret.id, error });
            }
        };
        let sealed = keys.seal(purpose, &plain).map_err(|error| ResealError::Key {
            path: path.to_owned(),
            what: "sealing",
            id: secret.id,
            error,
        })?;
        if store.replace_sealed_secret(&secret, &sealed).await? {
            resealed += 1;
        }
    }
    Ok(resealed)
}

/// A key file's line for a fresh random key.
pub fn new_key_line(id: &str) -> Result<String, SecretError> {
    let mut key = [0u8; KEY_BYTES];
    getrandom::fill(&mut key).map_err(|e| SecretError::Random(e.to_string()))?;
    Ok(format!("{id} {}\n", hex::encode(key)))
}

#[cfg(unix)]
fn write_owner_only(path: &Path, text: &str) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt as _;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(b"# Kizuna's secret key: keep it apart from the database and its backups.\n")?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_owner_only(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in text.bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_path(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("kizuna-secrets-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir.join("secret.key")
    }

    #[test]
    fn a_new_key_file_is_owner_only_and_opens_what_it_sealed() {
        let path = temp_path("new");
        let (keys, found) = SecretKeys::load_or_create(&path).unwrap();
        assert_eq!(found, KeyFile::Created);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let sealed = keys.seal("totp", b"twenty bytes secret!").unwrap();
        assert!(!sealed.contains("twenty"), "nothing of the secret shows");
        let (again, found) = SecretKeys::load_or_create(&path).unwrap();
        assert_eq!(found, KeyFile::Found);
        assert_eq!(again.open("totp", &sealed).unwrap(), b"twenty bytes secret!");
        assert!(matches!(again.open("webhook", &sealed), Err(SecretError::WrongKey)), "bound to its purpose");
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }

    #[test]
    fn another_key_or_a_changed_value_does_not_open() {
        let one = SecretKeys::parse(Path::new("a"), &new_key_line("1").unwrap()).unwrap();
        let other = SecretKeys::parse(Path::new("b"), &new_key_line("1").unwrap()).unwrap();
        let sealed = one.seal("totp", b"secret").unwrap();
        assert!(matches!(other.open("totp", &sealed), Err(SecretError::WrongKey)));
        let mut tampered = sealed.clone().into_bytes();
        // The last character may carry only padding bits: change one before it, in the tag.
        let in_tag = tampered.len() - 2;
        tampered[in_tag] = if tampered[in_tag] == b'A' { b'B' } else { b'A' };
        assert!(one.open("totp", std::str::from_utf8(&tampered).unwrap()).is_err());
        assert!(matches!(one.open("totp", "plain text"), Err(SecretError::NotSealed)));
    }

    #[test]
    fn a_rotated_file_opens_old_values_and_seals_with_the_new_key() {
        let old_line = new_key_line("2026a").unwrap();
        let old = SecretKeys::parse(Path::new("k"), &old_line).unwrap();
        let sealed = old.seal("webhook", b"whsec").unwrap();
        let rotated =
            SecretKeys::parse(Path::new("k"), &format!("{}{old_line}", new_key_line("2026b").unwrap())).unwrap();
        assert_eq!(rotated.open("webhook", &sealed).unwrap(), b"whsec");
        assert!(rotated.is_stale(&sealed));
        let resealed = rotated.seal("webhook", b"whsec").unwrap();
        assert!(resealed.starts_with("k1:2026b:"));
        assert!(!rotated.is_stale(&resealed));
        let without_old = SecretKeys::parse(Path::new("k"), &new_key_line("2026b").unwrap()).unwrap();
        assert!(matches!(without_old.open("webhook", &sealed), Err(SecretError::UnknownKey(id)) if id == "2026a"));
    }

    #[test]
    fn signatures_hold_under_rotation_and_only_for_their_key_purpose_and_message() {
        let old_line = new_key_line("old").unwrap();
        let old = SecretKeys::parse(Path::new("k"), &old_line).unwrap();
        let signed = old.sign("link", "42");
        assert!(signed.bytes().all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b)), "{signed}");
        assert!(old.verify("link", "42", &signed));
        assert!(old.verify("link", "42", &signed.to_ascii_uppercase()), "a relay may change the case");
        assert!(!old.verify("link", "43", &signed), "another message");
        assert!(!old.verify("bounce", "42", &signed), "another purpose");
        assert!(!old.verify("link", "42", &signed[..signed.len() - 1]));
        assert!(!old.verify("link", "42", ""));
        let rotated =
            SecretKeys::parse(Path::new("k"), &format!("{}{old_line}", new_key_line("new").unwrap())).unwrap();
        assert!(rotated.verify("link", "42", &signed), "the old key still verifies");
        assert_ne!(rotated.sign("link", "42"), signed, "the new key signs");
        let other = SecretKeys::parse(Path::new("k"), &new_key_line("old").unwrap()).unwrap();
        assert!(!other.verify("link", "42", &signed), "another key of the same id");
    }

    #[test]
    fn a_malformed_file_names_its_line() {
        let error = SecretKeys::parse(Path::new("k"), "# comment\n1 abc\n").err().unwrap();
        assert_eq!(error.to_string(), "the secret key file k, line 2: the key is not hexadecimal");
        let error = SecretKeys::parse(Path::new("k"), "1 00\n").err().unwrap();
        assert!(error.to_string().contains("64 hexadecimal digits"));
        assert!(matches!(SecretKeys::parse(Path::new("k"), "# nothing\n"), Err(SecretError::Empty(_))));
    }
}
