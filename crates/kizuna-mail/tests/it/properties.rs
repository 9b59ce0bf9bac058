//! Property tests: whatever bytes arrive, the session ends, never panics and only ever writes
//! well-formed replies; the parsers never panic.

use std::time::Duration;

use kizuna_mail::dsn::classify_bounce;
use kizuna_mail::inbound::{InboundAddress, MailDomain, RecipientError, SessionConfig, parse_inbound};
use proptest::prelude::*;

use crate::support::{Recorder, config, converse_in_chunks, fixture, reply_codes};

/// Small limits, so that arbitrary input reaches every one of them.
fn tight_config() -> SessionConfig {
    let mut config = config();
    config.max_message_size = 300;
    config.max_command_line = 80;
    config.max_data_line = 60;
    config.max_recipients = 3;
    config.max_messages = 3;
    config.max_errors = 8;
    config.idle_timeout = Duration::from_secs(5);
    config
}

fn run(input: &[u8], chunks: &[usize]) -> (String, usize, Vec<kizuna_mail::inbound::InboundMessage>) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
    let handler = Recorder::default();
    let (output, outcome) = runtime.block_on(converse_in_chunks(input, chunks, &tight_config(), &handler));
    (output, outcome.delivered, handler.taken())
}

fn address() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("touroku@kizuna.example.jp".to_owned()),
        Just("TOUROKU+113654@KIZUNA.EXAMPLE.JP".to_owned()),
        Just("bounce+Zm9v@kizuna.example.jp".to_owned()),
        Just("unsubscribe+YmFy@kizuna.example.jp".to_owned()),
        Just("victim@example.com".to_owned()),
        Just("taro@docomo.ne.jp".to_owned()),
        Just(String::new()),
        "[ -~]{0,40}",
    ]
}

/// One command, or a whole transaction so that messages do get through.
fn step() -> impl Strategy<Value = String> {
    let line = "[ -~]{0,50}|[ -~]{55,65}|\\.[ -~]{0,5}";
    let body = prop::collection::vec(line, 0..8).prop_map(|lines| lines.join("\r\n"));
    let transaction = (address(), prop::collection::vec(address(), 0..5), body).prop_map(|(from, to, body)| {
        let rcpts: String = to.iter().map(|a| format!("RCPT TO:<{a}>\r\n")).collect();
        format!("MAIL FROM:<{from}>\r\n{rcpts}DATA\r\n{body}\r\n.")
    });
    prop_oneof![
        3 => transaction,
        1 => Just("EHLO client.example.jp".to_owned()),
        1 => Just("HELO client.example.jp".to_owned()),
        1 => address().prop_map(|a| format!("MAIL FROM:<{a}>")),
        1 => (address(), "[ -~]{0,20}").prop_map(|(a, p)| format!("MAIL FROM:<{a}> {p}")),
        1 => address().prop_map(|a| format!("RCPT TO:<{a}>")),
        1 => Just("DATA".to_owned()),
        1 => Just(".".to_owned()),
        1 => Just("RSET".to_owned()),
        1 => Just("NOOP".to_owned()),
        1 => Just("VRFY postmaster".to_owned()),
        1 => Just("QUIT".to_owned()),
        1 => "[ -~]{0,120}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_end_the_session_with_well_formed_replies(
        input in prop::collection::vec(any::<u8>(), 0..2048),
        chunks in prop::collection::vec(1usize..200, 0..8),
    ) {
        let (output, _, _) = run(&input, &chunks);
        let codes = reply_codes(&output).map_err(TestCaseError::fail)?;
        prop_assert_eq!(codes.first(), Some(&220));
    }

    #[test]
    fn arbitrary_command_sequences_deliver_only_what_was_acknowledged(
        greet in prop::bool::weighted(0.85),
        steps in prop::collection::vec(step(), 0..12),
        chunks in prop::collection::vec(1usize..64, 0..8),
    ) {
        let greeting = if greet { "EHLO client.example.jp\r\n" } else { "" };
        let steps: String = steps.iter().map(|c| format!("{c}\r\n")).collect();
        let input = format!("{greeting}{steps}");
        let (output, delivered, messages) = run(input.as_bytes(), &chunks);
        let codes = reply_codes(&output).map_err(TestCaseError::fail)?;
        prop_assert_eq!(codes.first(), Some(&220));
        let accepted = output.matches("250 2.0.0 Message accepted\r\n").count();
        prop_assert_eq!(accepted, delivered);
        prop_assert_eq!(messages.len(), delivered);
        for message in &messages {
            prop_assert!(!message.recipients.is_empty() && message.recipients.len() <= 3);
            let at_our_domain = message.recipients.iter().all(|r| matches!(
                r,
                InboundAddress::Register { .. } | InboundAddress::Bounce { .. } | InboundAddress::Unsubscribe { .. }
            ));
            prop_assert!(at_our_domain, "only Kizuna's own addresses are accepted: {:?}", message.recipients);
            prop_assert!(message.raw.len() <= 300 + 400, "the size limit holds (trace fields aside)");
        }
    }

    #[test]
    fn the_parsers_survive_arbitrary_bytes(raw in prop::collection::vec(any::<u8>(), 0..4096)) {
        let _ = parse_inbound(&raw);
        let _ = classify_bounce(&raw);
    }

    #[test]
    fn the_parsers_survive_damaged_fixtures(
        which in 0usize..7,
        cuts in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..20),
        truncate in any::<prop::sample::Index>(),
    ) {
        let names = [
            "dsn-postfix-5.1.1.eml", "dsn-delayed-4.4.1.eml", "docomo-text-bounce.eml", "au-text-bounce.eml",
            "iso2022jp-registration.eml", "shift-jis-registration.eml", "malformed-mime.eml",
        ];
        let mut raw = fixture(names[which]);
        for (index, byte) in cuts {
            let i = index.index(raw.len());
            raw[i] = byte;
        }
        raw.truncate(truncate.index(raw.len() + 1));
        let _ = parse_inbound(&raw);
        let _ = classify_bounce(&raw);
    }

    #[test]
    fn no_address_at_another_domain_is_ever_accepted(local in "[!-~]{1,40}", domain in "[a-z0-9.-]{1,30}") {
        prop_assume!(!domain.trim_end_matches('.').eq_ignore_ascii_case("kizuna.example.jp"));
        let ours = MailDomain::parse("kizuna.example.jp").unwrap();
        let result = InboundAddress::parse(&format!("{local}@{domain}"), &ours);
        prop_assert!(
            matches!(result, Err(RecipientError::RelayDenied | RecipientError::Malformed)),
            "{local}@{domain} gave {result:?}"
        );
    }
}
