//! Chat sessions and messages.
//!
//! The reference server's assistant replies from a few fixed rules, so that tests (and customers'
//! CI) see deterministic answers; production answers with a model.

use std::collections::HashMap;

use crate::params;
use crate::store::db::Value as Sql;
use crate::store::db::{Db, Optional, Row};
use callwaitingai::models::{ChatChannel, ChatMessage, ChatMessageParams, ChatRole, ChatSession};

use super::list::{self, Filter, ListQuery, Page};
use crate::error::ApiError;
use crate::util::{check_len, created_filters, new_id, now};

pub const SESSION_SORTS: &[(&str, &str)] =
    &[("createdAt", "created_at"), ("updatedAt", "updated_at")];
pub const MESSAGE_SORTS: &[(&str, &str)] = &[("createdAt", "created_at")];

fn row_to_session(row: &Row) -> crate::store::db::Result<ChatSession> {
    Ok(ChatSession {
        id: row.get("id")?,
        lead_id: row.get("lead_id")?,
        channel: ChatChannel::from(row.get::<_, String>("channel")?),
        status: row.get("status")?,
        message_count: row.get("message_count")?,
        last_message_at: row.get("last_message_at")?,
        created_at: row.get("created_at")?,
        updated_at: row.get("updated_at")?,
    })
}

fn row_to_message(row: &Row) -> crate::store::db::Result<ChatMessage> {
    Ok(ChatMessage {
        id: row.get("id")?,
        session_id: row.get("session_id")?,
        role: ChatRole::from(row.get::<_, String>("role")?),
        content: row.get("content")?,
        created_at: row.get("created_at")?,
    })
}

fn check_channel(c: &ChatChannel) -> Result<(), ApiError> {
    if let ChatChannel::Unknown(v) = c {
        return Err(ApiError::validation(
            "channel",
            format!("channel {v:?} is not one of web, whatsapp, sms, telegram"),
        ));
    }
    Ok(())
}

pub fn get_session(conn: &Db<'_>, org: &str, id: &str) -> Result<ChatSession, ApiError> {
    conn.query_row(
        "SELECT * FROM chat_sessions WHERE org_id = ?1 AND id = ?2",
        params![org, id],
        row_to_session,
    )
    .optional()?
    .ok_or_else(|| ApiError::not_found("chat session", id))
}

fn reply_to(content: &str) -> String {
    let text = content.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
    if has(&["open", "hours", "saturday", "sunday", "closed"]) {
        "We're open Monday to Friday 9am to 6pm, and Saturday 9am to 1pm.".into()
    } else if has(&["price", "cost", "quote", "how much"]) {
        "I can arrange a quote: could you tell me your name and the best number to reach you?"
            .into()
    } else if has(&["book", "appointment", "schedule"]) {
        "I can book that for you. Which day and time suit you best?".into()
    } else {
        "Thanks for your message! A member of our team will follow up shortly.".into()
    }
}

fn insert_message(
    tx: &Db<'_>,
    org: &str,
    session: &str,
    role: ChatRole,
    content: &str,
) -> Result<ChatMessage, ApiError> {
    let m = ChatMessage {
        id: new_id("msg"),
        session_id: session.to_string(),
        role,
        content: content.to_string(),
        created_at: now(),
    };
    tx.execute(
        "INSERT INTO chat_messages (id, org_id, session_id, role, content, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![m.id, org, m.session_id, m.role.as_str(), m.content, m.created_at],
    )?;
    Ok(m)
}

/// Stores the message (opening a session when none is given) and the assistant's reply.
pub fn send(
    tx: &Db<'_>,
    org: &str,
    p: &ChatMessageParams,
) -> Result<(ChatSession, ChatMessage, Option<ChatMessage>), ApiError> {
    check_len("content", &p.content, 1, 10_000)?;
    if let Some(c) = &p.channel {
        check_channel(c)?;
    }
    let session_id = match &p.session_id {
        Some(id) => {
            let s = get_session(tx, org, id)?;
            if let Some(l) = &p.lead_id
                && s.lead_id.as_deref() != Some(l.as_str())
            {
                super::calls::check_lead(tx, org, l)?;
                tx.execute(
                    "UPDATE chat_sessions SET lead_id = ?2 WHERE id = ?1",
                    params![id, l],
                )?;
            }
            s.id
        }
        None => {
            if let Some(l) = &p.lead_id {
                super::calls::check_lead(tx, org, l)?;
            }
            let id = new_id("sess");
            let t = now();
            let channel = p.channel.clone().unwrap_or(ChatChannel::Web);
            tx.execute(
                "INSERT INTO chat_sessions (id, org_id, lead_id, channel, status, message_count, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, 'open', 0, ?5, ?5)",
                params![id, org, p.lead_id, channel.as_str(), t],
            )?;
            id
        }
    };
    let message = insert_message(tx, org, &session_id, ChatRole::User, &p.content)?;
    let reply = insert_message(
        tx,
        org,
        &session_id,
        ChatRole::Assistant,
        &reply_to(&p.content),
    )?;
    tx.execute(
        "UPDATE chat_sessions SET message_count = message_count + 2, last_message_at = ?2, updated_at = ?2 WHERE id = ?1",
        params![session_id, reply.created_at],
    )?;
    let session = get_session(tx, org, &session_id)?;
    super::webhooks::emit(tx, org, "chat.message_received", &message)?;
    Ok((session, message, Some(reply)))
}

pub fn list_sessions(
    conn: &Db<'_>,
    org: &str,
    q: &ListQuery,
    params: &HashMap<String, String>,
) -> Result<Page, ApiError> {
    let mut filters: Vec<Filter> = created_filters(params)?;
    if let Some(l) = params.get("leadId") {
        filters.push(("lead_id = ?".into(), vec![Sql::Text(l.clone())]));
    }
    if let Some(c) = params.get("channel") {
        check_channel(&ChatChannel::from(c.as_str()))?;
        filters.push(("channel = ?".into(), vec![Sql::Text(c.clone())]));
    }
    list::fetch(conn, "chat_sessions", org, &filters, q, row_to_session)
}

pub fn list_messages(
    conn: &Db<'_>,
    org: &str,
    session: &str,
    q: &ListQuery,
) -> Result<Page, ApiError> {
    get_session(conn, org, session)?;
    let filters: Vec<Filter> = vec![(
        "session_id = ?".into(),
        vec![Sql::Text(session.to_string())],
    )];
    list::fetch(conn, "chat_messages", org, &filters, q, row_to_message)
}
