//! The demo shop's backend. Each handler does a little traced work — nested spans and log
//! lines — so the player has backend activity to show beside each request; placing an order
//! fails in the "database", the bug the demo session is about.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use std::time::Duration;
use tracing::{info_span, Instrument};

/// The `/api` routes (nested by `main.rs`, which adds the tracing middleware).
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/products", get(products))
        .route("/login", post(login))
        .route("/orders", post(place_order))
}

/// Simulated I/O: a child span that takes some time.
async fn query(statement: &'static str, millis: u64) {
    async {
        tokio::time::sleep(Duration::from_millis(millis)).await;
        tracing::debug!(rows = 3u64, "query done");
    }
    .instrument(info_span!(
        "db.query",
        otel.name = "db.query",
        db.statement = statement
    ))
    .await
}

async fn products() -> Json<serde_json::Value> {
    query("SELECT id, name, price FROM products WHERE visible", 12).await;
    tracing::info!(count = 4u64, "listed products");
    Json(json!([
        { "id": 1, "name": "Cassette tape", "price": 4.5 },
        { "id": 2, "name": "Tape deck", "price": 129.0 },
        { "id": 3, "name": "Head cleaner", "price": 7.25 },
        { "id": 4, "name": "Headphones", "price": 39.9 },
    ]))
}

#[derive(Deserialize)]
struct Login {
    email: String,
    #[allow(dead_code)] // read only to show that it never reaches a recording
    password: String,
}

async fn login(Json(body): Json<Login>) -> Json<serde_json::Value> {
    query("SELECT id FROM users WHERE email = $1", 8).await;
    tracing::info!(user = %body.email, "signed in");
    // The recorder redacts `token` fields of response bodies: the player shows [redacted].
    Json(json!({ "user": body.email, "token": "tok_demo_4f9a2c", "expires_in": 3600 }))
}

#[derive(Deserialize)]
struct Order {
    items: Vec<OrderItem>,
}

#[derive(Deserialize)]
struct OrderItem {
    id: u64,
    quantity: u32,
}

async fn place_order(Json(order): Json<Order>) -> Response {
    let total: u32 = order.items.iter().map(|i| i.quantity).sum();
    async {
        tokio::time::sleep(Duration::from_millis(3)).await;
        tracing::info!(
            items = order.items.len() as u64,
            quantity = total as u64,
            "cart validated"
        );
    }
    .instrument(info_span!("validate cart"))
    .await;
    let first = order.items.first().map_or(0, |i| i.id);
    let insert = async {
        tokio::time::sleep(Duration::from_millis(25)).await;
        tracing::error!(product = first, "deadlock detected while inserting order");
        Err::<(), &str>("deadlock detected")
    }
    .instrument(info_span!(
        "db.query",
        otel.name = "db.insert orders",
        db.statement = "INSERT INTO orders …"
    ))
    .await;
    match insert {
        Ok(()) => (StatusCode::CREATED, Json(json!({ "ok": true }))).into_response(),
        Err(reason) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({ "error": "could not place order", "reason": reason })),
        )
            .into_response(),
    }
}
