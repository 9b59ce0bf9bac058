//! The operators' commands: staff accounts, API keys, subscriber flags.

use std::io::Write;
use std::process::Stdio;

use crate::support::*;

fn last_stdout_line(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).lines().last().unwrap_or_default().to_owned()
}

#[test]
fn staff_accounts_are_created_with_a_password_from_stdin_or_a_generated_one() {
    let dir = temp_dir("staff");
    let mut command =
        kizuna(&dir, &["staff", "create", "--email", "Bousai@City.Chichibu.lg.jp", "--municipality", "112071"]);
    command.args(["--role", "approver", "--emergency", "--password-stdin"]);
    command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    child.stdin.take().unwrap().write_all(b"correct horse battery staple\n").unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("bousai@city.chichibu.lg.jp, approver"), "{stdout}");
    assert!(!stdout.contains("correct horse"), "{stdout}");

    let again = run(kizuna(
        &dir,
        &["staff", "create", "--email", "bousai@city.chichibu.lg.jp", "--municipality", "112071", "--role", "author"],
    ));
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr_lines(&again)[0].contains("already exists"));

    let generated = run(kizuna(
        &dir,
        &["staff", "create", "--email", "soumu@town.yokoze.lg.jp", "--municipality", "113611", "--role", "author"],
    ));
    assert!(generated.status.success());
    assert_eq!(last_stdout_line(&generated).len(), 24, "a generated one-time password is the last line");

    let cases: [&[&str]; 4] = [
        &["--email", "x@example.jp", "--municipality", "112072", "--role", "author"],
        &["--email", "x@example.jp", "--municipality", "131016", "--role", "author"],
        &["--email", "x@example.jp", "--municipality", "112071", "--role", "mayor"],
        &["--email", "not-an-address", "--all-municipalities", "--role", "author"],
    ];
    for args in cases {
        let mut all = vec!["staff", "create"];
        all.extend_from_slice(args);
        let output = run(kizuna(&dir, &all));
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert_eq!(stderr_lines(&output).len(), 1, "{args:?}: {:?}", stderr_lines(&output));
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn api_keys_print_the_key_last_and_can_be_revoked() {
    let dir = temp_dir("apikey");
    let output = run(kizuna(
        &dir,
        &["api-key", "create", "--municipality", "113654", "--rights", "notices:create,notices:read"],
    ));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let key = last_stdout_line(&output);
    assert!(key.starts_with("kz_") && key.len() > 40, "{key}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("notices:create,notices:read"));
    let id = stdout.split_whitespace().nth(2).unwrap().to_owned();

    let bad = run(kizuna(&dir, &["api-key", "create", "--all-municipalities", "--rights", "notices:fly"]));
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr_lines(&bad)[0].contains("notices:fly"));

    let revoked = run(kizuna(&dir, &["api-key", "revoke", &id]));
    assert!(revoked.status.success(), "{}", String::from_utf8_lossy(&revoked.stderr));
    let twice = run(kizuna(&dir, &["api-key", "revoke", &id]));
    assert_eq!(twice.status.code(), Some(1));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn set_staff_names_an_unknown_address_without_revealing_it() {
    let dir = temp_dir("setstaff");
    let output = run(kizuna(&dir, &["subscribers", "set-staff", "nobody-here@example.jp"]));
    assert_eq!(output.status.code(), Some(1));
    let lines = stderr_lines(&output);
    assert_eq!(lines.len(), 1);
    assert!(lines[0].contains("no***@example.jp") && !lines[0].contains("nobody-here"), "{lines:?}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_list_with_rejected_rows_imports_nothing_unless_they_are_skipped() {
    let dir = temp_dir("import");
    let csv = dir.join("list.csv");
    std::fs::write(
        &csv,
        "email,municipalities,categories,emergency_only,language,monitor_age_band\r\n\
         taro@docomo.ne.jp,112071;113620,disaster;event,no,ja,\r\n\
         hanako@ezweb.ne.jp,113654,,yes,en,70代\r\n\
         broken-address,112071,disaster,no,ja,\r\n\
         jiro@example.jp,999999,disaster,no,ja,\r\n\
         taro@docomo.ne.jp,112071,weather,no,ja,\r\n",
    )
    .unwrap();
    let refused = run(with_arg(kizuna(&dir, &["subscribers", "import"]), &csv));
    assert_eq!(refused.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&refused.stdout);
    assert!(stdout.contains("5 rows: 2 rejected; nothing imported"), "{stdout}");
    assert!(stdout.contains("rejected line 4: email:"), "{stdout}");
    assert!(stdout.contains("rejected line 5: municipalities:"), "{stdout}");
    assert!(!stdout.contains("broken-address"), "the report names lines, not addresses: {stdout}");
    let hint = stderr_lines(&refused);
    assert_eq!(hint.len(), 1, "{hint:?}");
    assert!(hint[0].contains("--skip-invalid"), "{hint:?}");

    let skipped = run(with_arg(kizuna(&dir, &["subscribers", "import", "--skip-invalid"]), &csv));
    assert!(skipped.status.success(), "{}", String::from_utf8_lossy(&skipped.stderr));
    let stdout = String::from_utf8_lossy(&skipped.stdout);
    assert!(stdout.contains("5 rows: 2 added, 1 already registered, 0 not to be mailed"), "{stdout}");
    assert!(stdout.contains("2 rejected and skipped"), "{stdout}");
    assert!(stdout.contains("rejected line 4: email:"), "the report still names them: {stdout}");
    let again = run(with_arg(kizuna(&dir, &["subscribers", "import", "--skip-invalid"]), &csv));
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 added, 3 already registered"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_list_saved_by_excel_in_shift_jis_is_read_and_other_bytes_are_refused() {
    let dir = temp_dir("import-sjis");
    let sjis = dir.join("sjis.csv");
    // "60代" in Windows-31J, the code page Excel's "CSV (Comma delimited)" writes on Japanese Windows.
    let mut bytes = b"email,municipalities,categories,emergency_only,language,monitor_age_band\r\n".to_vec();
    bytes.extend_from_slice(b"hanako@ezweb.ne.jp,113611,disaster,no,ja,60\x91\xe3\r\n");
    std::fs::write(&sjis, bytes).unwrap();
    let output = run(with_arg(kizuna(&dir, &["subscribers", "import"]), &sjis));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("1 rows: 1 added"));

    let bom = dir.join("bom.csv");
    let text = "\u{feff}email,municipalities,categories,emergency_only,language\r\ntaro@example.jp,113611,,no,ja\r\n";
    std::fs::write(&bom, text).unwrap();
    let output = run(with_arg(kizuna(&dir, &["subscribers", "import"]), &bom));
    assert!(String::from_utf8_lossy(&output.stdout).contains("1 rows: 1 added"), "a UTF-8 BOM is read too");

    let garbage = dir.join("garbage.csv");
    std::fs::write(&garbage, b"email,municipalities\r\n\x82\xff\xfd@example.jp,112071\r\n").unwrap();
    let refused = run(with_arg(kizuna(&dir, &["subscribers", "import"]), &garbage));
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr_lines(&refused)[0].contains("neither UTF-8 nor Shift_JIS"), "{:?}", stderr_lines(&refused));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_long_list_shows_its_progress_and_reports_every_row_across_transactions() {
    let dir = temp_dir("import-long");
    let header = "email,municipalities,categories,emergency_only,language\r\n";
    let earlier = dir.join("earlier.csv");
    let mut text = header.to_owned();
    for i in 0..300 {
        text.push_str(&format!("r{}@example.jp,112071,disaster,no,ja\r\n", i * 7));
    }
    std::fs::write(&earlier, text).unwrap();
    let first = run(with_arg(kizuna(&dir, &["subscribers", "import"]), &earlier));
    assert!(String::from_utf8_lossy(&first.stdout).contains("300 rows: 300 added"), "{first:?}");

    // 4,500 rows: every 97th broken, every 50th repeating a row two
    // transactions back (or one in its own), some registered by the earlier list.
    let list = dir.join("list.csv");
    let mut text = header.to_owned();
    let (mut rejected, mut seen, mut added, mut known) = (Vec::new(), std::collections::HashSet::new(), 0, 0);
    let registered: std::collections::HashSet<String> = (0..300).map(|i| format!("r{}@example.jp", i * 7)).collect();
    for i in 0..4_500 {
        let line = i + 2;
        if i % 97 == 50 {
            text.push_str(&format!("broken-{i},112071,disaster,no,ja\r\n"));
            rejected.push(line);
            continue;
        }
        let address = if i % 50 == 7 {
            format!("r{}@example.jp", i - if i >= 2007 { 2007 } else { 7 })
        } else {
            format!("r{i}@example.jp")
        };
        if registered.contains(&address) || !seen.insert(address.clone()) {
            known += 1;
        } else {
            added += 1;
        }
        text.push_str(&format!("{address},113611,weather,no,ja\r\n"));
    }
    std::fs::write(&list, text).unwrap();
    let valid = 4_500 - rejected.len();
    let output = run(with_arg(
        kizuna(&dir, &["subscribers", "import", "--skip-invalid", "--rows-per-transaction", "1000"]),
        &list,
    ));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report = format!(
        "4500 rows: {added} added, {known} already registered, 0 not to be mailed (unsubscribed, suppressed or \
         erased), {} rejected and skipped",
        rejected.len()
    );
    assert!(stdout.contains(&report), "{report}\n{stdout}");
    for line in &rejected {
        assert!(stdout.contains(&format!("rejected line {line}: email:")), "line {line}: {stdout}");
    }
    // Not a terminal: one line per tenth reached, after each commit of 1,000 rows.
    let progress = stderr_lines(&output);
    let expected: Vec<String> = [1000, 2000, 3000, 4000, valid]
        .iter()
        .map(|done| format!("importing: {done}/{valid} rows ({}%)", done * 100 / valid))
        .collect();
    assert_eq!(progress, expected);
    let _ = std::fs::remove_dir_all(dir);
}
