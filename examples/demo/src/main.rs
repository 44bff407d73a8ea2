//! `tapedeck-demo` — the full stack on one port:
//!
//! - `/` a small shop app instrumented with the `tapedeck` recorder (served from `npm/dist`);
//! - `/api/*` its backend, whose spans and logs are recorded by trace id (`backend.rs`);
//! - `POST /ingest` receives frames and stores them under the data directory (`store.rs`);
//! - `/sessions` lists recorded sessions and `/player` plays them with their backend work.
//!
//! `cargo run -p tapedeck-demo -- [--port 8080] [--host 127.0.0.1] [--data .tapedeck] [--assets npm/dist]`

mod api;
mod backend;
mod store;

use axum::body::{Body, Bytes};
use axum::extract::{OriginalUri, Path as UrlPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use backend::BackendRecorder;
use recorder_core::frame::SessionId;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use store::{Store, StoreError};
use tracing::Instrument;
use tracing_subscriber::layer::{Layer as _, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;

const APP_HTML: &str = include_str!("../static/app.html");
const SESSIONS_HTML: &str = include_str!("../static/sessions.html");
const PLAYER_HTML: &str = include_str!("../static/player.html");

#[derive(Debug)]
struct Args {
    host: String,
    port: u16,
    data: PathBuf,
    assets: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut args = Args {
        host: "127.0.0.1".into(),
        port: 8080,
        data: PathBuf::from(".tapedeck"),
        assets: repo.join("npm/dist"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--host" => args.host = value()?,
            "--port" => args.port = value()?.parse().map_err(|e| format!("--port: {e}"))?,
            "--data" => args.data = value()?.into(),
            "--assets" => args.assets = value()?.into(),
            "-h" | "--help" => {
                return Err("usage: tapedeck-demo [--host 127.0.0.1] [--port 8080] [--data .tapedeck] [--assets npm/dist]".into())
            }
            other => return Err(format!("unknown argument {other} (try --help)")),
        }
    }
    Ok(args)
}

#[derive(Clone)]
struct AppState {
    store: Store,
    assets: PathBuf,
}

#[tokio::main]
async fn main() {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let recorder = BackendRecorder::new("demo-api");
    let ours = tracing_subscriber::filter::Targets::new()
        .with_target("tapedeck_demo", tracing::Level::DEBUG)
        .with_default(tracing::Level::WARN);
    tracing_subscriber::registry()
        .with(recorder.layer().with_filter(ours.clone()))
        .with(
            tracing_subscriber::fmt::layer()
                .with_target(false)
                .with_filter(ours),
        )
        .init();

    let store = match Store::open(&args.data) {
        Ok(store) => store,
        Err(e) => {
            eprintln!("cannot open data directory {}: {e}", args.data.display());
            std::process::exit(1);
        }
    };
    if !args.assets.join("index.js").exists() {
        eprintln!(
            "warning: {} has no built recorder; run `cd npm && npm run build` (scripts/demo does)",
            args.assets.display()
        );
    }
    tokio::spawn(recorder.write_frames(store.backend_path(), Duration::from_millis(500)));

    let state = AppState {
        store,
        assets: args.assets,
    };
    let app = router(state);
    let addr: SocketAddr = match format!("{}:{}", args.host, args.port).parse() {
        Ok(addr) => addr,
        Err(e) => {
            eprintln!("invalid address: {e}");
            std::process::exit(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot listen on {addr}: {e}");
            std::process::exit(1);
        }
    };
    let bound = listener.local_addr().unwrap_or(addr);
    println!("Tapedeck demo on http://{bound}/");
    println!("  app       http://{bound}/");
    println!("  sessions  http://{bound}/sessions");
    println!("  data      {}", args.data.display());
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    if let Err(e) = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
    {
        eprintln!("server error: {e}");
    }
}

fn router(state: AppState) -> Router {
    let api = api::routes().layer(middleware::from_fn(trace_requests));
    Router::new()
        .route("/", get(|| async { Html(APP_HTML) }))
        .route("/sessions", get(|| async { Html(SESSIONS_HTML) }))
        .route("/player", get(|| async { Html(PLAYER_HTML) }))
        .route("/tapedeck/{*path}", get(asset))
        .route("/ingest", post(ingest))
        .route("/api/sessions", get(list_sessions))
        .route("/api/sessions/{id}/frames", get(session_frames))
        .nest("/api", api)
        .with_state(state)
}

/// Opens the root span of an API request, linked to the browser by its `traceparent`.
async fn trace_requests(req: Request, next: Next) -> Response {
    let traceparent = req
        .headers()
        .get("traceparent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    // Nested routers see the path without `/api`; name the span by the path the browser used.
    let path = req
        .extensions()
        .get::<OriginalUri>()
        .map_or_else(|| req.uri().path(), |u| u.0.path())
        .to_owned();
    let name = format!("{} {path}", req.method());
    let span = tracing::info_span!(
        "request",
        otel.name = %name,
        traceparent = %traceparent,
        http.method = %req.method(),
        http.status_code = tracing::field::Empty,
    );
    let response = next.run(req).instrument(span.clone()).await;
    span.record("http.status_code", response.status().as_u16() as u64);
    response
}

async fn ingest(State(state): State<AppState>, body: Bytes) -> Response {
    match state.store.ingest(&body) {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
    }
}

async fn list_sessions(State(state): State<AppState>) -> Response {
    match state.store.list() {
        Ok(list) => Json(list).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

async fn session_frames(State(state): State<AppState>, UrlPath(id): UrlPath<String>) -> Response {
    let Some(id) = SessionId::from_hex(&id) else {
        return (
            StatusCode::BAD_REQUEST,
            "session ids are 32 lower-case hex digits",
        )
            .into_response();
    };
    match state.store.session_frames(&id) {
        Ok(bytes) => ([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response(),
        Err(e @ StoreError::UnknownSession(_)) => {
            (StatusCode::NOT_FOUND, e.to_string()).into_response()
        }
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// Serves the built npm package (recorder and player).
async fn asset(State(state): State<AppState>, UrlPath(path): UrlPath<String>) -> Response {
    if path.split('/').any(|part| part == ".." || part.is_empty()) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let file = state.assets.join(&path);
    let content_type = match file.extension().and_then(|e| e.to_str()) {
        Some("js") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("html") => "text/html; charset=utf-8",
        Some("ts") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };
    match tokio::fs::read(&file).await {
        Ok(bytes) => {
            let mut response = Response::new(Body::from(bytes));
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            response
        }
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}
