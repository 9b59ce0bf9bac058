//! `classify_bounce` on realistic bounce reports, auto-replies and forgeries.

use kizuna_mail::dsn::{BounceKind, classify_bounce};

use crate::support::fixture;

#[test]
fn a_postfix_user_unknown_report_is_a_hard_bounce() {
    let kind = classify_bounce(&fixture("dsn-postfix-5.1.1.eml"));
    let BounceKind::Hard { status, recipient, diagnostic } = &kind else { panic!("{kind:?}") };
    assert_eq!(status, "5.1.1");
    assert_eq!(recipient.as_deref(), Some("hanako@ezweb.ne.jp"));
    assert_eq!(diagnostic.as_deref(), Some("550 5.1.1 <hanako@ezweb.ne.jp>: Recipient address rejected: User unknown"));
    assert!(kind.counts_toward_suppression());
}

#[test]
fn a_delay_warning_is_soft() {
    let kind = classify_bounce(&fixture("dsn-delayed-4.4.1.eml"));
    let BounceKind::Soft { status, recipient, .. } = &kind else { panic!("{kind:?}") };
    assert_eq!(status, "4.4.1");
    assert_eq!(recipient.as_deref(), Some("jiro@mail.example.co.jp"));
    assert!(!kind.counts_toward_suppression());
}

#[test]
fn a_vacation_message_is_an_auto_reply_not_a_bounce() {
    assert_eq!(classify_bounce(&fixture("vacation-autoreply.eml")), BounceKind::AutoReply);
    assert_eq!(classify_bounce(&fixture("outlook-out-of-office.eml")), BounceKind::AutoReply);
}

#[test]
fn a_report_without_its_delivery_status_part_changes_nothing() {
    assert_eq!(classify_bounce(&fixture("forged-bounce.eml")), BounceKind::Unknown);
}

#[test]
fn a_docomo_text_bounce_for_an_unknown_user_is_hard() {
    let kind = classify_bounce(&fixture("docomo-text-bounce.eml"));
    let BounceKind::Hard { status, recipient, diagnostic } = &kind else { panic!("{kind:?}") };
    assert_eq!(status, "5.1.1");
    assert_eq!(recipient.as_deref(), Some("minano.taro.@docomo.ne.jp"));
    assert_eq!(diagnostic.as_deref(), Some("550 Unknown user minano.taro.@docomo.ne.jp"));
}

#[test]
fn an_au_mailbox_full_report_is_soft() {
    let kind = classify_bounce(&fixture("au-text-bounce.eml"));
    let BounceKind::Soft { recipient, diagnostic, .. } = &kind else { panic!("{kind:?}") };
    assert_eq!(recipient.as_deref(), Some("nagatoro.hanako@ezweb.ne.jp"));
    assert_eq!(diagnostic.as_deref(), Some("As their mailbox is full."));
}

#[test]
fn a_qmail_report_is_read_up_to_the_copy_of_the_message() {
    let kind = classify_bounce(&fixture("qmail-bounce.eml"));
    let BounceKind::Hard { status, recipient, .. } = &kind else { panic!("{kind:?}") };
    assert_eq!(status, "5.1.1");
    assert_eq!(recipient.as_deref(), Some("ogano.saburo@example.ne.jp"));
}

#[test]
fn an_ordinary_mail_or_garbage_is_unknown() {
    let registration = fixture("iso2022jp-registration.eml");
    assert_eq!(classify_bounce(&registration), BounceKind::Unknown);
    assert_eq!(classify_bounce(b""), BounceKind::Unknown);
    assert_eq!(classify_bounce(b"\xff\xfe\x00garbage"), BounceKind::Unknown);
}

#[test]
fn an_exim_report_names_the_failed_recipient_in_its_header() {
    let raw = "Return-Path: <>\r\nFrom: Mail Delivery System <Mailer-Daemon@mx.example.jp>\r\n\
X-Failed-Recipients: Kosaka.Hanako@example.jp\r\nSubject: Mail delivery failed: returning message to sender\r\n\r\n\
This message was created automatically by mail delivery software.\r\n\r\n\
A message that you sent could not be delivered to one or more of its\r\nrecipients. This is a permanent error. The following address(es) failed:\r\n\r\n\
  kosaka.hanako@example.jp\r\n    host mx.example.jp [192.0.2.8]\r\n    SMTP error from remote mail server after RCPT TO:<kosaka.hanako@example.jp>:\r\n\
    550 5.2.1 This mailbox has been disabled\r\n";
    let kind = classify_bounce(raw.as_bytes());
    let BounceKind::Hard { status, recipient, .. } = &kind else { panic!("{kind:?}") };
    assert_eq!(status, "5.2.1");
    assert_eq!(recipient.as_deref(), Some("kosaka.hanako@example.jp"));
}

#[test]
fn a_read_receipt_is_an_auto_reply() {
    let raw = "From: taro@example.jp\r\nSubject: Read: notice\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/report; report-type=disposition-notification; boundary=b\r\n\r\n--b\r\n\
Content-Type: message/disposition-notification\r\n\r\nDisposition: manual-action/MDN-sent-manually; displayed\r\n--b--\r\n";
    assert_eq!(classify_bounce(raw.as_bytes()), BounceKind::AutoReply);
}
