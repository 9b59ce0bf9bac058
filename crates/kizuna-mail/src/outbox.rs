//! The default transport: one `.eml` file per message in a folder, so a fresh
//! installation "sends" without any relay and staff can open what would go out.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;

use crate::{MailError, OutgoingMessage, Transport};

pub struct FileOutbox {
    dir: PathBuf,
    sequence: AtomicU64,
}

impl FileOutbox {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into(), sequence: AtomicU64::new(0) }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn file_name(&self, message: &OutgoingMessage) -> String {
        let safe: String = message
            .message_id
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '_' })
            .take(120)
            .collect();
        let n = self.sequence.fetch_add(1, Ordering::Relaxed);
        format!("{}-{n:06}-{safe}.eml", chrono::Utc::now().format("%Y%m%dT%H%M%S%.6f"))
    }
}

#[async_trait]
impl Transport for FileOutbox {
    async fn send(&self, message: &OutgoingMessage) -> Result<String, MailError> {
        let name = self.file_name(message);
        let mut content = Vec::with_capacity(message.bytes.len() + 200);
        // The envelope travels in the file as a relay would record it.
        content.extend_from_slice(format!("Return-Path: <{}>\r\n", message.envelope.from).as_bytes());
        for to in &message.envelope.to {
            content.extend_from_slice(format!("X-Kizuna-Envelope-To: <{to}>\r\n").as_bytes());
        }
        content.extend_from_slice(&message.bytes);
        let temporary = self.dir.join(format!(".{name}.tmp"));
        let target = self.dir.join(&name);
        let write = async {
            tokio::fs::create_dir_all(&self.dir).await?;
            tokio::fs::write(&temporary, &content).await?;
            // A rename is atomic: a reader never sees half a message.
            tokio::fs::rename(&temporary, &target).await
        };
        write.await.map_err(|e| MailError::Temporary(format!("outbox {}: {e}", self.dir.display())))?;
        Ok(format!("250 written to {name}"))
    }

    fn describe(&self) -> String {
        format!("file outbox {}", self.dir.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Envelope;

    #[tokio::test]
    async fn each_message_becomes_one_eml_file_with_its_envelope() {
        let dir = std::env::temp_dir().join(format!("kizuna-outbox-{}", std::process::id()));
        let outbox = FileOutbox::new(&dir);
        let message = OutgoingMessage {
            envelope: Envelope { from: "bounce+abc@example.jp".into(), to: vec!["\"taro..\"@docomo.ne.jp".into()] },
            message_id: "n1.d1@example.jp".into(),
            bytes: b"Subject: test\r\n\r\nbody\r\n".to_vec(),
        };
        let reply = outbox.send(&message).await.map_err(|e| e.to_string());
        assert!(reply.as_deref().unwrap_or_default().starts_with("250"));
        let files: Vec<_> = std::fs::read_dir(&dir).into_iter().flatten().flatten().collect();
        assert_eq!(files.len(), 1);
        let text = std::fs::read_to_string(files[0].path()).unwrap_or_default();
        assert!(text.starts_with(
            "Return-Path: <bounce+abc@example.jp>\r\nX-Kizuna-Envelope-To: <\"taro..\"@docomo.ne.jp>\r\nSubject: test"
        ));
        let _ = std::fs::remove_dir_all(&dir);

        let blocked = FileOutbox::new("/proc/kizuna-cannot-write-here");
        assert!(matches!(blocked.send(&message).await, Err(MailError::Temporary(_))));
    }
}
