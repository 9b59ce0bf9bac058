//! A small browser for the console tests: keeps cookies, reads the form token
//! from each page, and sends forms the way a browser does, over the real router.

use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode, header};
use kizuna_core::staff::{Role, Scope};
use kizuna_core::{EmailAddress, MunicipalityCode};
use kizuna_store::NewStaff;
use tower::ServiceExt;

use crate::support::TestApp;

pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    pub fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    /// The value of the first hidden `name` field on the page.
    pub fn field(&self, name: &str) -> Option<String> {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self.body.find(&marker)? + marker.len();
        let end = self.body[start..].find('"')? + start;
        Some(self.body[start..end].replace("&#43;", "+").replace("&#61;", "="))
    }
}

pub struct Browser {
    router: Router,
    cookies: Vec<(String, String)>,
    pub csrf: String,
    pub peer: SocketAddr,
}

impl Browser {
    pub fn new(app: &TestApp) -> Self {
        Browser {
            router: kizuna_server::web::router(app.state.clone()),
            cookies: Vec::new(),
            csrf: String::new(),
            peer: "192.0.2.10:40000".parse().unwrap(),
        }
    }

    pub fn at_peer(mut self, peer: &str) -> Self {
        self.peer = peer.parse().unwrap();
        self
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    pub async fn send(&mut self, mut request: Request<Body>) -> Page {
        if !self.cookies.is_empty() {
            request.headers_mut().insert(header::COOKIE, self.cookie_header().parse().unwrap());
        }
        request.extensions_mut().insert(ConnectInfo(self.peer));
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        for value in headers.get_all(header::SET_COOKIE) {
            let text = value.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            self.cookies.retain(|(k, _)| k != name);
            if !value.is_empty() && !text.contains("Max-Age=0") {
                self.cookies.push((name.to_owned(), value.to_owned()));
            }
        }
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        let page = Page { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() };
        if let Some(token) = page.field("csrf_token") {
            self.csrf = token;
        }
        page
    }

    /// The first chunk of a GET's body: the first event of a stream that never ends.
    pub async fn first_chunk(&mut self, uri: &str) -> (StatusCode, String) {
        use futures_util::StreamExt as _;
        let mut request = Request::get(uri).body(Body::empty()).unwrap();
        request.headers_mut().insert(header::COOKIE, self.cookie_header().parse().unwrap());
        request.extensions_mut().insert(ConnectInfo(self.peer));
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let mut body = response.into_body().into_data_stream();
        let chunk = body.next().await.map(|c| String::from_utf8_lossy(&c.unwrap()).into_owned());
        (status, chunk.unwrap_or_default())
    }

    pub async fn get(&mut self, uri: &str) -> Page {
        self.send(Request::get(uri).body(Body::empty()).unwrap()).await
    }

    /// A form as a browser sends it from the console's own page: with the
    /// token and a same-origin fetch.
    pub async fn post(&mut self, uri: &str, fields: &[(&str, &str)]) -> Page {
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", self.csrf.as_str())];
        all.extend_from_slice(fields);
        let body = encode(&all);
        let request = Request::post(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    /// A form with a file, as a browser uploads it (`multipart/form-data`).
    pub async fn upload(&mut self, uri: &str, fields: &[(&str, &str)], file: (&str, &str, &[u8])) -> Page {
        let boundary = "----kizunaTestBoundary7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", self.csrf.as_str())];
        all.extend_from_slice(fields);
        for (name, value) in all {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        let (name, filename, bytes) = file;
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\n\
                 Content-Type: text/csv\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let request = Request::post(uri)
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    /// A form sent with whatever headers and fields the caller chose.
    pub async fn post_raw(&mut self, uri: &str, body: String, headers: &[(&str, &str)]) -> Page {
        let mut request = Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request.body(Body::from(body)).unwrap()).await
    }

    /// Signs in and opens the page the console sends the person to (so the next
    /// form carries that page's token); answers the sign-in's own response.
    pub async fn sign_in(&mut self, email: &str, password: &str) -> Page {
        self.get("/admin/login").await;
        let answer = self.post("/admin/login", &[("email", email), ("password", password)]).await;
        if answer.status == StatusCode::SEE_OTHER {
            let next = answer.location().to_owned();
            self.get(&next).await;
        }
        answer
    }

    pub fn has_session(&self) -> bool {
        self.cookies.iter().any(|(k, _)| k == "kizuna_console")
    }
}

pub fn encode(pairs: &[(&str, &str)]) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        serializer.append_pair(k, v);
    }
    serializer.finish()
}

/// A password every test account starts with.
pub const PASSWORD: &str = "correct horse battery staple";

/// Creates a staff account whose password needs no change (unless `fresh`).
pub async fn staff(app: &TestApp, email: &str, town: Option<&str>, role: Role, emergency: bool, fresh: bool) -> i64 {
    let scope = town.map_or(Scope::AllMunicipalities, |t| Scope::Municipality(MunicipalityCode::parse(t).unwrap()));
    let new = NewStaff {
        email: EmailAddress::parse(email).unwrap(),
        password_hash: kizuna_server::auth::hash_password(PASSWORD).unwrap(),
        scope,
        role,
        emergency,
        must_change_password: fresh,
    };
    app.state.store.create_staff(&new, app.clock_now()).await.unwrap()
}
