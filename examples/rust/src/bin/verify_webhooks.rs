//! Verifying signed webhooks: ours (Standard Webhooks) and another provider's.

use callwaitingai::webhooks::{
    Provider, SignOptions, VerifyOptions, Webhook, sign_request, verify,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The secret shown once when you register an endpoint (`POST /api/v1/webhooks`).
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let webhook = Webhook::new(secret)?;

    // What CallWaitingAI POSTs when a lead is created: a JSON body and three headers.
    let body = serde_json::to_vec(&serde_json::json!({
        "type": "lead.created",
        "timestamp": "2026-11-01T09:30:00Z",
        "data": {"id": "lead_01HZX3K4Q9M2B7", "name": "John Doe", "status": "new"}
    }))?;
    let headers = sign_request(Provider::Standard, &body, secret, &SignOptions::default())?;
    for (name, value) in &headers {
        println!("{name}: {value}");
    }

    // Your handler: verify the raw body against the headers, then trust the event.
    let event = webhook.verify(&body, &headers)?;
    println!(
        "verified {} for {} ({})",
        event["type"], event["data"]["name"], event["data"]["id"]
    );

    // A tampered body is rejected, with a kind your code can branch on.
    let mut tampered = body.clone();
    tampered.extend_from_slice(b" ");
    let err = webhook
        .verify(&tampered, &headers)
        .expect_err("a tampered body must not verify");
    println!("tampered body rejected: {} ({err})", err.kind().as_str());

    // Other providers' webhooks go through the same function: here, a Stripe event.
    let stripe_body = br#"{"id":"evt_1","type":"payment_intent.succeeded"}"#;
    let stripe_headers = sign_request(
        Provider::Stripe,
        stripe_body,
        "whsec_stripe_test",
        &SignOptions::default(),
    )?;
    verify(
        Provider::Stripe,
        stripe_body,
        &stripe_headers,
        "whsec_stripe_test",
        &VerifyOptions::new(),
    )?;
    println!("verified a Stripe webhook too");
    Ok(())
}
