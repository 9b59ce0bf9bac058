//! Public pages kept in memory: the home page, notice pages, the archive and
//! its searches, the feeds, CAP documents, the poster and the register page are
//! rendered once and served from memory, already compressed, until what they
//! show changes.
//!
//! A kept page is current while its *generation* is: the number of changes this
//! process has heard of that public pages show (a notice published, corrected or
//! withdrawn; reference data, once the directory has read it again) plus the
//! moments at which pages change by time alone (an obituary leaving the lists, a
//! notice expiring). The store hears every process's changes (PostgreSQL
//! LISTEN/NOTIFY), so a change anywhere makes every process render again. A
//! process that cannot hear other processes keeps pages for one second only.
//!
//! When a change makes a page stale while it is much asked for (a warning has
//! just gone out and its readers arrive together), one request renders it anew
//! and the others are served the page as it was until that one is done, for a
//! second at most, rather than each rendering the same page at once.
//!
//! Only a GET answered `200` with `Cache-Control: public` is kept; personal
//! pages (`private, no-store`) pass through untouched. Every kept answer carries
//! a strong `ETag`, and a request naming it gets `304`.

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use kizuna_store::Topic;
use sha2::{Digest, Sha256};

use crate::state::AppState;

/// How much memory kept pages may take, all their forms together.
const BUDGET: usize = 64 * 1024 * 1024;
/// A larger answer is served but not kept.
const LARGEST_KEPT: usize = 4 * 1024 * 1024;
/// Smaller answers gain nothing from compression.
const SMALLEST_COMPRESSED: usize = 256;
/// Larger answers are compressed off the request threads.
const COMPRESS_APART: usize = 32 * 1024;
/// How long a page is kept when other processes' changes cannot be heard.
const UNHEARD_LIFETIME: Duration = Duration::from_secs(1);
/// How long other requests are served a stale page while one renders it anew;
/// after this they render it themselves.
const RENEWAL_AT_MOST: Duration = Duration::from_secs(1);

/// The pages kept in this process.
pub struct PageCache {
    pages: RwLock<Pages>,
    timed: Mutex<Timed>,
    /// Whether a request is asking the store when pages next change by time.
    asking: AtomicBool,
    /// The pages being rendered anew, and since when.
    renewing: Mutex<HashMap<String, Instant>>,
    /// Whether this process hears other processes' changes.
    hearing: bool,
    hits: AtomicU64,
    misses: AtomicU64,
}

#[derive(Default)]
struct Pages {
    by_key: HashMap<String, Arc<Page>>,
    bytes: usize,
}

impl Pages {
    fn remove(&mut self, key: &str) {
        if let Some(old) = self.by_key.remove(key) {
            self.bytes -= old.size() + key.len();
        }
    }
}

/// When pages next change by time alone, as last asked of the store.
#[derive(Default)]
struct Timed {
    /// The change count the deadline was computed at; None until computed.
    basis: Option<u64>,
    deadline: Option<DateTime<Utc>>,
    /// How many such moments have passed.
    passed: u64,
}

/// One rendered answer in every coding it is served in.
struct Page {
    generation: u64,
    kept_at: Instant,
    plain: Form,
    gzip: Option<Form>,
    brotli: Option<Form>,
}

/// One coding of a page: its headers (with `ETag`, `Vary`, `Content-Encoding`) and bytes.
struct Form {
    headers: HeaderMap,
    tag: String,
    body: Bytes,
}

/// A content coding a client accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coding {
    Identity,
    Gzip,
    Brotli,
}

impl PageCache {
    /// `hearing`: whether this process hears changes other processes commit.
    pub fn new(hearing: bool) -> Self {
        Self {
            pages: RwLock::new(Pages::default()),
            timed: Mutex::new(Timed::default()),
            asking: AtomicBool::new(false),
            renewing: Mutex::new(HashMap::new()),
            hearing,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// Answers served from memory and answers rendered, since start.
    pub fn counts(&self) -> (u64, u64) {
        (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed))
    }

    /// The generation of what public pages show right now. Read it before
    /// rendering: a change that commits meanwhile makes the page stale at once.
    async fn generation(&self, state: &AppState) -> u64 {
        let heard = state.store.changes_heard(Topic::PublicPages)
            + state.store.changes_heard(Topic::ReferenceData)
            + state.directory.reloads();
        let now = state.clock.now();
        let (passed, known) = {
            let mut timed = self.timed.lock().unwrap_or_else(PoisonError::into_inner);
            if timed.basis == Some(heard) && timed.deadline.is_some_and(|deadline| now >= deadline) {
                timed.passed += 1;
                timed.basis = None;
            }
            (timed.passed, timed.basis == Some(heard))
        };
        // One request asks at a time; the others go on with what is known.
        if !known && !self.asking.swap(true, Ordering::AcqRel) {
            let answer = state.store.next_timed_change(now, state.settings.obituary_days).await;
            self.asking.store(false, Ordering::Release);
            match answer {
                Ok(deadline) => {
                    let mut timed = self.timed.lock().unwrap_or_else(PoisonError::into_inner);
                    if timed.passed == passed {
                        timed.basis = Some(heard);
                        timed.deadline = deadline;
                    }
                }
                Err(error) => tracing::warn!(%error, "could not read when public pages next change by time"),
            }
        }
        heard + passed
    }

    fn kept(&self, key: &str, generation: u64) -> Option<Arc<Page>> {
        let pages = self.pages.read().unwrap_or_else(PoisonError::into_inner);
        let page = pages.by_key.get(key)?;
        let fresh = page.generation == generation && (self.hearing || page.kept_at.elapsed() < UNHEARD_LIFETIME);
        fresh.then(|| Arc::clone(page))
    }

    /// The page kept under `key`, whatever its generation.
    fn previous(&self, key: &str) -> Option<Arc<Page>> {
        let pages = self.pages.read().unwrap_or_else(PoisonError::into_inner);
        pages.by_key.get(key).map(Arc::clone)
    }

    /// Leave to render the page under `key` anew, or `None` while another
    /// request has been doing so for less than [`RENEWAL_AT_MOST`].
    fn renew(&self, key: &str) -> Option<Renewal<'_>> {
        let began = Instant::now();
        let mut renewing = self.renewing.lock().unwrap_or_else(PoisonError::into_inner);
        if renewing.get(key).is_some_and(|since| since.elapsed() < RENEWAL_AT_MOST) {
            return None;
        }
        renewing.insert(key.to_owned(), began);
        Some(Renewal { cache: self, key: key.to_owned(), began })
    }

    fn forget(&self, key: &str) {
        if self.pages.read().unwrap_or_else(PoisonError::into_inner).by_key.contains_key(key) {
            self.pages.write().unwrap_or_else(PoisonError::into_inner).remove(key);
        }
    }

    fn keep(&self, key: String, page: Arc<Page>) {
        let size = page.size() + key.len();
        if size > LARGEST_KEPT {
            return;
        }
        let mut pages = self.pages.write().unwrap_or_else(PoisonError::into_inner);
        pages.remove(&key);
        if pages.bytes + size > BUDGET {
            // Stale pages go first; if that is not enough, everything does.
            let current = page.generation;
            pages.by_key.retain(|_, kept| kept.generation == current);
            pages.bytes = pages.by_key.iter().map(|(k, p)| p.size() + k.len()).sum();
            if pages.bytes + size > BUDGET {
                pages.by_key.clear();
                pages.bytes = 0;
            }
        }
        pages.bytes += size;
        pages.by_key.insert(key, page);
    }
}

/// One request's leave to render a page anew; it ends when dropped, also
/// when the request is abandoned.
struct Renewal<'a> {
    cache: &'a PageCache,
    key: String,
    began: Instant,
}

impl Drop for Renewal<'_> {
    fn drop(&mut self) {
        let mut renewing = self.cache.renewing.lock().unwrap_or_else(PoisonError::into_inner);
        // A request that took over after RENEWAL_AT_MOST holds the key now.
        if renewing.get(&self.key) == Some(&self.began) {
            renewing.remove(&self.key);
        }
    }
}

impl Page {
    /// Builds every form of a rendered answer (compressing here, or apart when large).
    async fn build(generation: u64, headers: HeaderMap, body: Bytes) -> Page {
        let digest = Sha256::digest(&body);
        let tag = hex::encode(&digest[..16]);
        let compressible = body.len() >= SMALLEST_COMPRESSED && is_textual(&headers);
        let (gzip, brotli) = if !compressible {
            (None, None)
        } else if body.len() >= COMPRESS_APART {
            let bytes = body.clone();
            tokio::task::spawn_blocking(move || (gzipped(&bytes), brotli_packed(&bytes))).await.unwrap_or((None, None))
        } else {
            (gzipped(&body), brotli_packed(&body))
        };
        let smaller = |packed: Option<Vec<u8>>| packed.filter(|p| p.len() < body.len()).map(Bytes::from);
        let (gzip, brotli) = (smaller(gzip), smaller(brotli));
        let form = |coding: Coding, bytes: Bytes| Form::new(&headers, coding, &tag, bytes, compressible);
        Page {
            generation,
            kept_at: Instant::now(),
            gzip: gzip.map(|bytes| form(Coding::Gzip, bytes)),
            brotli: brotli.map(|bytes| form(Coding::Brotli, bytes)),
            plain: form(Coding::Identity, body.clone()),
        }
    }

    fn size(&self) -> usize {
        self.plain.body.len()
            + self.gzip.as_ref().map_or(0, |f| f.body.len())
            + self.brotli.as_ref().map_or(0, |f| f.body.len())
    }

    /// The form for a client accepting `accepted`: brotli, else gzip, else plain.
    fn form(&self, accepted: &HeaderMap) -> &Form {
        let accepts = |coding| accepts(accepted, coding);
        match (&self.brotli, &self.gzip) {
            (Some(brotli), _) if accepts(Coding::Brotli) => brotli,
            (_, Some(gzip)) if accepts(Coding::Gzip) => gzip,
            _ => &self.plain,
        }
    }

    /// Whether `If-None-Match` names any form of this page: the bytes are the same.
    fn matches(&self, request: &HeaderMap) -> bool {
        let Some(wanted) = request.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) else {
            return false;
        };
        let tags = [Some(&self.plain), self.gzip.as_ref(), self.brotli.as_ref()];
        wanted
            .split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|wanted| wanted == "*" || tags.iter().flatten().any(|form| form.tag == wanted))
    }

    /// The answer to a GET or HEAD with `request` headers.
    fn answer(&self, request: &HeaderMap, head: bool) -> Response {
        let form = self.form(request);
        let not_modified = self.matches(request);
        let mut response =
            if not_modified || head { Body::empty() } else { Body::from(form.body.clone()) }.into_response();
        *response.headers_mut() = form.headers.clone();
        if not_modified {
            *response.status_mut() = StatusCode::NOT_MODIFIED;
            response.headers_mut().remove(header::CONTENT_LENGTH);
        }
        response
    }
}

impl Form {
    fn new(headers: &HeaderMap, coding: Coding, digest: &str, body: Bytes, varies: bool) -> Form {
        let tag = match coding {
            Coding::Identity => format!("\"{digest}\""),
            Coding::Gzip => format!("\"{digest}-gz\""),
            Coding::Brotli => format!("\"{digest}-br\""),
        };
        let mut headers = headers.clone();
        headers.remove(header::CONTENT_LENGTH);
        headers.remove(header::TRANSFER_ENCODING);
        if let Ok(value) = HeaderValue::from_str(&tag) {
            headers.insert(header::ETAG, value);
        }
        if varies {
            headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
        match coding {
            Coding::Identity => {}
            Coding::Gzip => {
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            }
            Coding::Brotli => {
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
            }
        }
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
        Form { headers, tag, body }
    }
}

/// The middleware: serves kept pages, keeps what may be kept, and answers
/// conditional requests for them.
pub async fn serve(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let head = match *request.method() {
        Method::GET => false,
        Method::HEAD => true,
        _ => return next.run(request).await,
    };
    let cache = Arc::clone(&state.pages);
    let key = key(&request);
    let generation = cache.generation(&state).await;
    if let Some(page) = cache.kept(&key, generation) {
        cache.hits.fetch_add(1, Ordering::Relaxed);
        return page.answer(request.headers(), head);
    }
    if head {
        // A HEAD answer has lost its body: nothing to keep.
        return next.run(request).await;
    }
    // Where another request is rendering this page anew, its previous form
    // serves meanwhile (only where changes are heard: elsewhere that could
    // stretch the one-second lifetime).
    let renewal = cache.renew(&key);
    if renewal.is_none()
        && cache.hearing
        && let Some(page) = cache.previous(&key)
    {
        cache.hits.fetch_add(1, Ordering::Relaxed);
        return page.answer(request.headers(), false);
    }
    let asked = request.headers().clone();
    let response = next.run(request).await;
    if response.status() != StatusCode::OK || !is_public(response.headers()) {
        // What was kept here is no longer the answer (a notice page gone):
        // it must not serve while others render.
        cache.forget(&key);
        return response;
    }
    cache.misses.fetch_add(1, Ordering::Relaxed);
    let (parts, body) = response.into_parts();
    // Public answers are pages and feeds already rendered in memory.
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::error!(%error, "a public answer could not be read to keep it");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let page = Arc::new(Page::build(generation, parts.headers, bytes).await);
    let answer = page.answer(&asked, false);
    cache.keep(key, page);
    drop(renewal);
    answer
}

/// What tells kept pages apart: the path and the query as sent (the register
/// page carries the poster's town in it, the archive its filters).
fn key(request: &Request) -> String {
    let uri = request.uri();
    match uri.query() {
        Some(query) => format!("{}?{query}", uri.path()),
        None => uri.path().to_owned(),
    }
}

fn is_public(headers: &HeaderMap) -> bool {
    headers.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("public"))
}

/// Text, markup and feeds compress well; images other than SVG do not.
fn is_textual(headers: &HeaderMap) -> bool {
    let Some(kind) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let kind = kind.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    kind.starts_with("text/") || kind.ends_with("+xml") || kind.ends_with("/xml") || kind.ends_with("/json")
}

/// Whether `Accept-Encoding` allows `coding` (a q-value of 0 refuses it; `*` stands for any).
fn accepts(request: &HeaderMap, coding: Coding) -> bool {
    let name = match coding {
        Coding::Identity => return true,
        Coding::Gzip => "gzip",
        Coding::Brotli => "br",
    };
    let mut wildcard = None;
    for value in request.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()) {
        for item in value.split(',') {
            let mut fields = item.split(';');
            let token = fields.next().unwrap_or_default().trim().to_ascii_lowercase();
            let allowed = fields
                .filter_map(|f| f.trim().strip_prefix("q=").or_else(|| f.trim().strip_prefix("Q=")))
                .all(|q| q.trim().parse::<f32>().is_ok_and(|q| q > 0.0));
            if token == name || (coding == Coding::Gzip && token == "x-gzip") {
                return allowed;
            }
            if token == "*" {
                wildcard = Some(allowed);
            }
        }
    }
    wildcard.unwrap_or(false)
}

fn gzipped(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).ok()?;
    encoder.finish().ok()
}

fn brotli_packed(bytes: &[u8]) -> Option<Vec<u8>> {
    // Quality 9 of 11: near the best size at a small part of quality 11's time.
    let mut encoder = brotli::CompressorWriter::new(Vec::new(), 4096, 9, 22);
    encoder.write_all(bytes).ok()?;
    encoder.flush().ok()?;
    Some(encoder.into_inner())
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;

    fn accepting(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(value).unwrap());
        headers
    }

    fn html(body: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=30"));
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
        headers
    }

    #[test]
    fn the_coding_a_client_accepts_is_chosen() {
        assert!(accepts(&accepting("gzip, deflate, br"), Coding::Brotli));
        assert!(accepts(&accepting("gzip;q=1.0, br;q=0.5"), Coding::Brotli));
        assert!(!accepts(&accepting("gzip, br;q=0"), Coding::Brotli));
        assert!(accepts(&accepting("gzip, br;q=0"), Coding::Gzip));
        assert!(accepts(&accepting("x-gzip"), Coding::Gzip));
        assert!(accepts(&accepting("*"), Coding::Brotli));
        assert!(!accepts(&accepting("*;q=0"), Coding::Gzip));
        assert!(!accepts(&accepting("identity"), Coding::Gzip));
        assert!(!accepts(&HeaderMap::new(), Coding::Gzip));
    }

    #[tokio::test]
    async fn a_page_is_served_compressed_as_asked_and_decodes_to_the_same_bytes() {
        let body = "<p>避難指示が発令されました。</p>\n".repeat(100);
        let page = Page::build(1, html(&body), Bytes::from(body.clone())).await;

        let brotli = page.answer(&accepting("gzip, br"), false);
        assert_eq!(brotli.headers()[header::CONTENT_ENCODING], "br");
        assert_eq!(brotli.headers()[header::VARY], "accept-encoding");
        let packed = axum::body::to_bytes(brotli.into_body(), usize::MAX).await.unwrap();
        assert!(packed.len() < body.len() / 4, "{} bytes of {}", packed.len(), body.len());
        let mut unpacked = String::new();
        brotli::Decompressor::new(&packed[..], 4096).read_to_string(&mut unpacked).unwrap();
        assert_eq!(unpacked, body);

        let gzip = page.answer(&accepting("gzip"), false);
        assert_eq!(gzip.headers()[header::CONTENT_ENCODING], "gzip");
        let packed = axum::body::to_bytes(gzip.into_body(), usize::MAX).await.unwrap();
        let mut unpacked = String::new();
        flate2::read::GzDecoder::new(&packed[..]).read_to_string(&mut unpacked).unwrap();
        assert_eq!(unpacked, body);

        let plain = page.answer(&HeaderMap::new(), false);
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        assert_eq!(plain.headers()[header::CONTENT_LENGTH], body.len().to_string().as_str());
        assert_eq!(axum::body::to_bytes(plain.into_body(), usize::MAX).await.unwrap(), body.as_bytes());
    }

    #[tokio::test]
    async fn each_coding_has_its_own_tag_and_any_of_them_is_not_modified() {
        let body = "<p>給水所のお知らせ</p>".repeat(40);
        let page = Page::build(1, html(&body), Bytes::from(body)).await;
        let tags: Vec<String> = ["", "gzip", "br"]
            .iter()
            .map(|coding| page.answer(&accepting(coding), false).headers()[header::ETAG].to_str().unwrap().to_owned())
            .collect();
        assert_eq!(tags.len(), 3);
        assert!(tags[0] != tags[1] && tags[1] != tags[2] && tags[0] != tags[2], "{tags:?}");
        for tag in &tags {
            let mut asked = accepting("br");
            asked.insert(header::IF_NONE_MATCH, HeaderValue::from_str(tag).unwrap());
            let answer = page.answer(&asked, false);
            assert_eq!(answer.status(), StatusCode::NOT_MODIFIED);
            assert_eq!(axum::body::to_bytes(answer.into_body(), usize::MAX).await.unwrap().len(), 0);
        }
        let mut other = HeaderMap::new();
        other.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"0123\""));
        assert_eq!(page.answer(&other, false).status(), StatusCode::OK);
    }

    #[tokio::test]
    async fn small_or_binary_answers_are_kept_as_they_are() {
        let small = Page::build(1, html("<p>短い</p>"), Bytes::from("<p>短い</p>")).await;
        assert!(small.gzip.is_none() && small.brotli.is_none());
        assert!(small.answer(&accepting("br"), false).headers().get(header::VARY).is_none());
        let mut png = HeaderMap::new();
        png.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
        let image = Page::build(1, png, Bytes::from(vec![7u8; 4096])).await;
        assert!(image.gzip.is_none() && image.brotli.is_none());
    }

    #[test]
    fn one_request_renders_a_page_anew_and_another_may_take_over_after_a_second() {
        let cache = PageCache::new(true);
        let first = cache.renew("/").expect("nobody is rendering it");
        assert!(cache.renew("/").is_none(), "the others wait for the first");
        assert!(cache.renew("/notices").is_some(), "another page is its own");
        drop(first);
        let second = cache.renew("/").expect("free once the first is done");

        // A rendering that hangs holds the others back a second at most.
        let long_ago = Instant::now().checked_sub(RENEWAL_AT_MOST).unwrap();
        cache.renewing.lock().unwrap().insert("/".into(), long_ago);
        let third = cache.renew("/").expect("taken over");
        drop(second);
        assert!(cache.renew("/").is_none(), "the slow one's end leaves the third's hold");
        drop(third);
        assert!(cache.renewing.lock().unwrap().is_empty());
    }

    #[test]
    fn pages_beyond_the_budget_push_out_stale_ones_first() {
        let cache = PageCache::new(true);
        let page = |generation, size: usize| {
            Arc::new(Page {
                generation,
                kept_at: Instant::now(),
                plain: Form::new(&HeaderMap::new(), Coding::Identity, "d", Bytes::from(vec![b'x'; size]), false),
                gzip: None,
                brotli: None,
            })
        };
        // 21 pages of 3 MiB fill 63 of the 64 MiB.
        let share = 3 * 1024 * 1024;
        cache.keep("/old".into(), page(1, share));
        for n in 0..20 {
            cache.keep(format!("/new/{n}"), page(2, share));
        }
        assert!(cache.kept("/old", 1).is_some(), "everything fits so far");
        cache.keep("/new/20".into(), page(2, share));
        assert!(cache.kept("/old", 1).is_none(), "the stale page made room");
        assert!((0..=20).all(|n| cache.kept(&format!("/new/{n}"), 2).is_some()), "the current ones stay");
        cache.keep("/new/21".into(), page(3, share));
        assert!(cache.kept("/new/21", 3).is_some() && cache.kept("/new/0", 2).is_none(), "then everything goes");
        cache.keep("/huge".into(), page(2, LARGEST_KEPT + 1));
        assert!(cache.kept("/huge", 2).is_none(), "too large to keep");
    }
}
