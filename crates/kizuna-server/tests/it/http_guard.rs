//! Requests the HTTP layer refuses, over a real socket to the real router: an
//! API client gets the API's JSON error, a browser the bilingual error page,
//! and the same connection or the next one is served as before.

use std::net::SocketAddr;
use std::time::Duration;

use axum::serve::ListenerExt;
use kizuna_server::http_guard::{GuardedListener, MAX_HEAD, MAX_TARGET};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::support::*;

/// Serves the app's router as `kizuna serve` does; answers its address.
async fn serve(app: &TestApp) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = kizuna_server::web::router(app.state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let listener = GuardedListener::new(listener).tap_io(|io| {
        let _ = io.get_ref().set_nodelay(true);
    });
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}

/// Writes `request` on a new connection and reads until the server closes it.
async fn exchange(addr: SocketAddr, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the server closes the connection after a refusal: {}", String::from_utf8_lossy(&answer));
    String::from_utf8(answer).unwrap()
}

fn status(answer: &str) -> &str {
    answer.split("\r\n").next().unwrap_or_default()
}

fn body(answer: &str) -> &str {
    answer.split_once("\r\n\r\n").map(|(_, body)| body).unwrap_or_default()
}

#[tokio::test]
async fn requests_refused_before_a_handler_answer_in_the_house_style() {
    let app = spawn_app(&[], None).await;
    let addr = serve(&app).await;

    // An over-long target: the API's JSON error under /api/v1, the page elsewhere.
    let long = "a".repeat(MAX_TARGET);
    let api = exchange(addr, format!("GET /api/v1/notices?q={long} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes()).await;
    assert_eq!(status(&api), "HTTP/1.1 414 URI Too Long");
    let json: serde_json::Value = serde_json::from_str(body(&api)).unwrap();
    assert_eq!(json["error"]["code"], "uri_too_long");
    assert!(json["error"]["message"].as_str().is_some_and(|m| m.contains("address")));
    let page = exchange(addr, format!("GET /notices?q={long} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes()).await;
    assert_eq!(status(&page), "HTTP/1.1 414 URI Too Long");
    assert!(page.contains("content-type: text/html; charset=utf-8"));
    assert!(body(&page).contains("アドレスが長すぎます") && body(&page).contains("The address is too long"));

    // Headers too large, and a NUL or a lone CR in a header.
    let cookie = "c".repeat(MAX_HEAD);
    let large = exchange(addr, format!("GET / HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\n\r\n").as_bytes()).await;
    assert_eq!(status(&large), "HTTP/1.1 431 Request Header Fields Too Large");
    assert!(body(&large).contains("リクエストが大きすぎます"));
    let nul = exchange(addr, b"GET /api/v1/notices HTTP/1.1\r\nHost: x\r\nX-Note: a\0b\r\n\r\n").await;
    assert_eq!(status(&nul), "HTTP/1.1 400 Bad Request");
    assert_eq!(serde_json::from_str::<serde_json::Value>(body(&nul)).unwrap()["error"]["code"], "malformed_request");
    let cr = exchange(addr, b"GET /privacy HTTP/1.1\r\nHost: x\r\nX-Note: a\rb\r\n\r\n").await;
    assert_eq!(status(&cr), "HTTP/1.1 400 Bad Request");
    assert!(body(&cr).contains("リクエストを読み取れません") && body(&cr).contains("<html lang=\"ja\">"));

    // Raw non-ASCII in the path; the same path %-encoded is an ordinary 404 page.
    let raw = exchange(addr, "GET /notices/お知らせ HTTP/1.1\r\nHost: x\r\n\r\n".as_bytes()).await;
    assert_eq!(status(&raw), "HTTP/1.1 400 Bad Request");
    assert!(body(&raw).contains("The request could not be read"));
    let encoded = exchange(addr, b"GET /notices/%E3%81%8A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await;
    assert!(status(&encoded).starts_with("HTTP/1.1 404"), "{encoded}");

    // A connection serves an ordinary request, then answers the refusal of the next.
    let both =
        format!("GET /privacy HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v1/notices?q={long} HTTP/1.1\r\nHost: x\r\n\r\n");
    let answers = exchange(addr, both.as_bytes()).await;
    assert!(answers.starts_with("HTTP/1.1 200"), "{answers}");
    assert!(answers.contains("HTTP/1.1 414 URI Too Long"), "{answers}");
    // A form's body is not read as a request head, whatever it holds.
    let form = "email=a%40example.jp";
    let post = format!(
        "POST /api/v1/notices HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{form}",
        form.len()
    );
    let answer = exchange(addr, post.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 401"), "no key: the API's own answer, {answer}");
}
