//! `--demo`: a demo organisation with realistic sample data, and a fresh admin key for it.

use crate::store::db::Db;
use callwaitingai::models::{
    ApiKeyCreateParams, ApiKeyScope, CallCreateParams, CallDirection, CallStatus,
    CallTranscriptParams, CallUpdateParams, ChatChannel, ChatMessageParams, LeadCreateParams,
    LeadSource, LeadStatus, TranscriptSegment,
};

use crate::error::ApiError;
use crate::params;
use crate::store::{calls, chat, ensure_org, keys, leads};

pub const ORG: &str = "demo";

/// Seeds the demo organisation (sample data only the first time) and returns a new admin key.
pub fn seed(tx: &Db<'_>) -> Result<String, ApiError> {
    ensure_org(tx, ORG, "Demo Plumbing Ltd")?;
    let empty: bool = tx.query_row(
        "SELECT NOT EXISTS (SELECT 1 FROM leads WHERE org_id = ?1)",
        params![ORG],
        |r| r.get(0),
    )?;
    if empty {
        sample_data(tx)?;
    }
    let key = keys::create(
        tx,
        ORG,
        &ApiKeyCreateParams::new("demo", vec![ApiKeyScope::Admin]).mode("test"),
    )?;
    key.key
        .ok_or_else(|| ApiError::internal("a new key has its secret"))
}

fn sample_data(tx: &Db<'_>) -> Result<(), ApiError> {
    let people = [
        (
            "Maria Lopez",
            "maria@lopezbakery.example",
            "+15550101",
            "Lopez Bakery",
            LeadSource::Call,
            LeadStatus::New,
        ),
        (
            "James Carter",
            "james.carter@example.com",
            "+15550102",
            "",
            LeadSource::Chat,
            LeadStatus::Contacted,
        ),
        (
            "Aisha Bello",
            "aisha@bellodental.example",
            "+15550103",
            "Bello Dental",
            LeadSource::Whatsapp,
            LeadStatus::Qualified,
        ),
        (
            "Tom Becker",
            "tom@beckerhvac.example",
            "+15550104",
            "Becker HVAC",
            LeadSource::Call,
            LeadStatus::Converted,
        ),
        (
            "Priya Nair",
            "priya.nair@example.com",
            "+15550105",
            "",
            LeadSource::Web,
            LeadStatus::New,
        ),
        (
            "Chen Wei",
            "chen@weilogistics.example",
            "+15550106",
            "Wei Logistics",
            LeadSource::Call,
            LeadStatus::Lost,
        ),
    ];
    let mut lead_ids = Vec::new();
    for (name, email, phone, company, source, status) in people {
        let mut p = LeadCreateParams::new(name)
            .email(email)
            .phone(phone)
            .source(source)
            .status(status);
        if !company.is_empty() {
            p = p.company(company);
        }
        lead_ids.push(leads::create(tx, ORG, &p)?.id);
    }
    let segment = |speaker: &str, text: &str, start: i64, end: i64| TranscriptSegment {
        speaker: speaker.into(),
        text: text.into(),
        start_ms: start,
        end_ms: end,
    };
    for (i, lead) in lead_ids.iter().take(4).enumerate() {
        let call = calls::create(
            tx,
            ORG,
            &CallCreateParams::new(
                CallDirection::Inbound,
                format!("+1555010{}", i + 1),
                "+15550199",
            )
            .lead_id(lead.clone()),
        )?;
        calls::add_transcript(
            tx,
            ORG,
            &call.id,
            &CallTranscriptParams::new(vec![
                segment(
                    "agent",
                    "Thanks for calling Demo Plumbing, how can I help?",
                    0,
                    2600,
                ),
                segment(
                    "caller",
                    "Hi, my boiler is leaking and I need someone today.",
                    2900,
                    6100,
                ),
                segment(
                    "agent",
                    "I can book an engineer this afternoon. Can I take your address?",
                    6400,
                    10_200,
                ),
            ]),
        )?;
        let status = if i == 3 {
            CallStatus::Missed
        } else {
            CallStatus::Completed
        };
        calls::update(
            tx,
            ORG,
            &call.id,
            &CallUpdateParams::new()
                .status(status)
                .summary("Boiler leak; engineer booked for this afternoon."),
        )?;
    }
    for (content, channel) in [
        ("Do you open on Saturdays?", ChatChannel::Web),
        ("How much is a boiler service?", ChatChannel::Whatsapp),
        ("Can I book an appointment for Tuesday?", ChatChannel::Sms),
    ] {
        chat::send(tx, ORG, &ChatMessageParams::new(content).channel(channel))?;
    }
    Ok(())
}
