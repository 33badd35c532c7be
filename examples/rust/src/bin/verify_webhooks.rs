//! Verifying signed webhooks: ours (Standard Webhooks) and other providers', typed.

use callwaitingai::webhooks::{
    Event, Provider, ProviderEvent, SignOptions, VerifyOptions, Webhook, sign_request, verify,
    verify_event,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The secret shown once when you register an endpoint (`POST /api/v1/webhooks`).
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let webhook = Webhook::new(secret)?;

    // What CallWaitingAI POSTs when a lead is created: a JSON body and three headers.
    let body = serde_json::to_vec(&serde_json::json!({
        "type": "lead.created",
        "timestamp": "2026-11-01T09:30:00Z",
        "data": {
            "id": "lead_01HZX3K4Q9M2B7", "name": "John Doe", "email": null, "phone": "+15550100",
            "company": null, "source": "call", "status": "new", "notes": null, "tags": [],
            "createdAt": "2026-11-01T09:30:00Z", "updatedAt": "2026-11-01T09:30:00Z"
        }
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

    // Verify and type in one call: ours as `Event`, another provider's as `ProviderEvent`.
    match webhook.verify_event(&body, &headers)? {
        Event::LeadCreated(e) => println!("new lead {} ({:?})", e.data.name, e.data.phone),
        other => println!("not handled: {}", other.event_type()),
    }
    let whatsapp = br#"{"object":"whatsapp_business_account","entry":[{"id":"102290129340398",
        "changes":[{"field":"messages","value":{"messaging_product":"whatsapp",
        "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
        "messages":[{"from":"16505551234","id":"wamid.1","timestamp":"1749416383",
        "type":"text","text":{"body":"Can I book for 3pm?"}}]}}]}]}"#;
    let whatsapp_headers = sign_request(
        Provider::Meta,
        whatsapp,
        "app-secret",
        &SignOptions::default(),
    )?;
    let event = verify_event(
        Provider::Meta,
        whatsapp,
        &whatsapp_headers,
        "app-secret",
        &VerifyOptions::new(),
    )?;
    if let ProviderEvent::Meta(notification) = event {
        for m in notification.messages() {
            let text = m.text.and_then(|t| t.body).unwrap_or_default();
            println!("whatsapp {:?} to {:?}: {text}", m.type_, m.phone_number_id);
        }
    }
    Ok(())
}
