//! `kizuna webhook`: registering receivers, refusing internal addresses, listing and removing.

use crate::support::*;

fn stdout_lines(output: &std::process::Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stdout).lines().map(str::to_owned).collect()
}

#[test]
fn a_webhook_to_127_0_0_1_is_refused_unless_allowed_and_its_secret_is_printed_last() {
    let dir = temp_dir("webhook");
    for url in ["http://127.0.0.1:9/hook", "http://localhost:9/hook", "http://[::1]:9/hook"] {
        let refused = run(kizuna(&dir, &["webhook", "add", url]));
        assert_eq!(refused.status.code(), Some(2), "{url}");
        let lines = stderr_lines(&refused);
        assert_eq!(lines.len(), 1, "{url}: {lines:?}");
        assert!(lines[0].contains("loopback") && lines[0].contains("--allow-private"), "{lines:?}");
    }
    for url in ["ftp://example.jp/hook", "https://user:pw@example.jp/hook", "not a url"] {
        let refused = run(kizuna(&dir, &["webhook", "add", url]));
        assert_eq!(refused.status.code(), Some(2), "{url}");
        assert_eq!(stderr_lines(&refused).len(), 1, "{url}: {:?}", stderr_lines(&refused));
    }
    let empty = run(kizuna(&dir, &["webhook", "list"]));
    assert!(stdout_lines(&empty)[0].starts_with("no webhooks"), "nothing refused was stored");

    let added = run(kizuna(&dir, &["webhook", "add", "http://127.0.0.1:9/hook", "--allow-private"]));
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    let lines = stdout_lines(&added);
    assert_eq!(lines[0], "webhook 1: http://127.0.0.1:9/hook (private addresses allowed)");
    let secret = lines.last().unwrap();
    assert!(secret.starts_with("whsec_") && secret.len() == 49, "the secret is the last line: {secret}");

    let listed = stdout_lines(&run(kizuna(&dir, &["webhook", "list"])));
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(listed[1].starts_with("1     active") && listed[1].contains("none yet"), "{listed:?}");
    assert!(listed[1].ends_with("http://127.0.0.1:9/hook (private allowed)"), "{listed:?}");
    assert!(!listed.join("\n").contains(secret.as_str()), "the secret is never shown again");

    let removed = run(kizuna(&dir, &["webhook", "remove", "1"]));
    assert!(removed.status.success(), "{}", String::from_utf8_lossy(&removed.stderr));
    let listed = stdout_lines(&run(kizuna(&dir, &["webhook", "list"])));
    assert!(listed[1].starts_with("1     removed"), "{listed:?}");
    let again = run(kizuna(&dir, &["webhook", "remove", "1"]));
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(stderr_lines(&again).len(), 1);

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let actions: Vec<(String, String)> = runtime.block_on(async {
        let url = format!("sqlite://{}", dir.join("kizuna.db").display());
        let store = kizuna_store::connect(&url, kizuna_store::ConnectOptions::default()).await.unwrap();
        let entries = store.audit_entries(10).await.unwrap();
        store.close().await;
        entries.into_iter().map(|e| (e.action, e.detail)).collect()
    });
    assert_eq!(actions.iter().map(|(a, _)| a.as_str()).collect::<Vec<_>>(), vec!["webhook_remove", "webhook_add"]);
    assert!(actions.iter().all(|(_, detail)| !detail.contains(secret.as_str())), "no secret in the audit log");
    let _ = std::fs::remove_dir_all(dir);
}
