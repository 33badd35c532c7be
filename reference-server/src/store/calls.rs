//! Calls and their transcripts.

use std::collections::HashMap;

use crate::params;
use crate::store::db::Value as Sql;
use crate::store::db::{Db, Optional, Row};
use callwaitingai::Patch;
use callwaitingai::models::{
    Call, CallCreateParams, CallDirection, CallStatus, CallTranscriptParams, CallUpdateParams,
    Transcript,
};

use super::list::{self, Filter, ListQuery, Page};
use crate::error::ApiError;
use crate::util::{check_len, created_filters, new_id, now, parse_ts, seconds_between};

pub const SORTS: &[(&str, &str)] = &[
    ("createdAt", "created_at"),
    ("updatedAt", "updated_at"),
    ("startedAt", "started_at"),
];

fn row_to_call(row: &Row) -> crate::store::db::Result<Call> {
    let transcript: String = row.get("transcript")?;
    Ok(Call {
        id: row.get("id")?,
        lead_id: row.get("lead_id")?,
        direction: CallDirection::from(row.get::<_, String>("direction")?),
        status: CallStatus::from(row.get::<_, String>("status")?),
        from_number: row.get("from_number")?,
        to_number: row.get("to_number")?,
        started_at: row.get("started_at")?,
        ended_at: row.get("ended_at")?,
        duration_seconds: row.get("duration_seconds")?,
        summary: row.get("summary")?,
        transcript: serde_json::from_str(&transcript).unwrap_or_default(),
        created_at: row.get("created_at")?,
        updated_at: row.get("updated_at")?,
    })
}

fn known<T: PartialEq>(
    field: &str,
    v: &T,
    known: &[T],
    name: impl Fn(&T) -> &str,
) -> Result<(), ApiError> {
    if known.contains(v) {
        return Ok(());
    }
    let names: Vec<&str> = known.iter().map(&name).collect();
    Err(ApiError::validation(
        field,
        format!("{field} {:?} is not one of {}", name(v), names.join(", ")),
    ))
}

fn check_status(s: &CallStatus) -> Result<(), ApiError> {
    known("status", s, CallStatus::KNOWN, CallStatus::as_str)
}

/// A lead id given by the client must name a lead of the organisation.
pub fn check_lead(conn: &Db<'_>, org: &str, lead_id: &str) -> Result<(), ApiError> {
    let found = conn
        .query_row(
            "SELECT 1 FROM leads WHERE org_id = ?1 AND id = ?2",
            params![org, lead_id],
            |_| Ok(()),
        )
        .optional()?;
    match found {
        Some(()) => Ok(()),
        None => Err(ApiError::validation("leadId", format!("no lead {lead_id}"))),
    }
}

fn save(conn: &Db<'_>, org: &str, c: &Call) -> Result<(), ApiError> {
    conn.execute(
        "INSERT INTO calls (id, org_id, lead_id, direction, status, from_number, to_number, started_at,
           ended_at, duration_seconds, summary, transcript, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
         ON CONFLICT(id) DO UPDATE SET lead_id = ?3, status = ?5, ended_at = ?9,
           duration_seconds = ?10, summary = ?11, transcript = ?12, updated_at = ?14",
        params![
            c.id, org, c.lead_id, c.direction.as_str(), c.status.as_str(), c.from_number,
            c.to_number, c.started_at, c.ended_at, c.duration_seconds, c.summary,
            serde_json::to_string(&c.transcript).map_err(ApiError::internal)?, c.created_at,
            c.updated_at
        ],
    )?;
    Ok(())
}

fn is_final(s: &CallStatus) -> bool {
    matches!(
        s,
        CallStatus::Completed | CallStatus::Missed | CallStatus::Failed
    )
}

pub fn create(conn: &Db<'_>, org: &str, p: &CallCreateParams) -> Result<Call, ApiError> {
    known(
        "direction",
        &p.direction,
        CallDirection::KNOWN,
        CallDirection::as_str,
    )?;
    check_len("fromNumber", &p.from_number, 1, 50)?;
    check_len("toNumber", &p.to_number, 1, 50)?;
    if let Some(s) = &p.status {
        check_status(s)?;
    }
    if let Some(l) = &p.lead_id {
        check_lead(conn, org, l)?;
    }
    if let Some(s) = &p.summary {
        check_len("summary", s, 0, 10_000)?;
    }
    let t = now();
    let started_at = match &p.started_at {
        Some(s) => parse_ts(s).ok_or_else(|| {
            ApiError::validation("startedAt", "startedAt must be an RFC 3339 timestamp")
        })?,
        None => t.clone(),
    };
    let status = p.status.clone().unwrap_or(CallStatus::InProgress);
    let mut call = Call {
        id: new_id("call"),
        lead_id: p.lead_id.clone(),
        direction: p.direction.clone(),
        status,
        from_number: p.from_number.clone(),
        to_number: p.to_number.clone(),
        started_at,
        ended_at: None,
        duration_seconds: None,
        summary: p.summary.clone(),
        transcript: Transcript {
            segments: Vec::new(),
        },
        created_at: t.clone(),
        updated_at: t,
    };
    if is_final(&call.status) {
        finish(&mut call);
    }
    save(conn, org, &call)?;
    super::webhooks::emit(conn, org, "call.started", &call)?;
    if is_final(&call.status) {
        super::webhooks::emit(conn, org, "call.ended", &call)?;
    }
    Ok(call)
}

/// Fills `endedAt` and `durationSeconds` of an ended call where they are not given.
fn finish(call: &mut Call) {
    if call.ended_at.is_none() {
        call.ended_at = Some(now());
    }
    if call.duration_seconds.is_none() {
        call.duration_seconds = call
            .ended_at
            .as_deref()
            .and_then(|e| seconds_between(&call.started_at, e))
            .map(|s| s.max(0));
    }
}

pub fn get(conn: &Db<'_>, org: &str, id: &str) -> Result<Call, ApiError> {
    conn.query_row(
        "SELECT * FROM calls WHERE org_id = ?1 AND id = ?2",
        params![org, id],
        row_to_call,
    )
    .optional()?
    .ok_or_else(|| ApiError::not_found("call", id))
}

/// Applies a PATCH; returns the call before and after.
pub fn update(
    conn: &Db<'_>,
    org: &str,
    id: &str,
    p: &CallUpdateParams,
) -> Result<(Call, Call), ApiError> {
    let before = get(conn, org, id)?;
    let mut call = before.clone();
    if let Some(s) = &p.status {
        check_status(s)?;
        call.status = s.clone();
    }
    match &p.lead_id {
        Patch::Absent => {}
        Patch::Null => call.lead_id = None,
        Patch::Value(l) => {
            check_lead(conn, org, l)?;
            call.lead_id = Some(l.clone());
        }
    }
    match &p.ended_at {
        Patch::Absent => {}
        Patch::Null => call.ended_at = None,
        Patch::Value(e) => {
            call.ended_at = Some(parse_ts(e).ok_or_else(|| {
                ApiError::validation("endedAt", "endedAt must be an RFC 3339 timestamp")
            })?);
        }
    }
    match &p.duration_seconds {
        Patch::Absent => {}
        Patch::Null => call.duration_seconds = None,
        Patch::Value(d) if *d < 0 => {
            return Err(ApiError::validation(
                "durationSeconds",
                "durationSeconds must not be negative",
            ));
        }
        Patch::Value(d) => call.duration_seconds = Some(*d),
    }
    match &p.summary {
        Patch::Absent => {}
        Patch::Null => call.summary = None,
        Patch::Value(s) => {
            check_len("summary", s, 0, 10_000)?;
            call.summary = Some(s.clone());
        }
    }
    if is_final(&call.status) {
        finish(&mut call);
    }
    call.updated_at = now();
    save(conn, org, &call)?;
    if is_final(&call.status) && !is_final(&before.status) {
        super::webhooks::emit(conn, org, "call.ended", &call)?;
    }
    Ok((before, call))
}

pub fn add_transcript(
    conn: &Db<'_>,
    org: &str,
    id: &str,
    p: &CallTranscriptParams,
) -> Result<Call, ApiError> {
    if p.segments.is_empty() || p.segments.len() > 1000 {
        return Err(ApiError::validation("segments", "give 1 to 1000 segments"));
    }
    for s in &p.segments {
        if s.start_ms < 0 || s.end_ms < s.start_ms {
            return Err(ApiError::validation(
                "segments",
                "each segment needs 0 <= startMs <= endMs",
            ));
        }
        check_len("segments", &s.speaker, 1, 100)?;
        check_len("segments", &s.text, 0, 10_000)?;
    }
    let mut call = get(conn, org, id)?;
    if call.transcript.segments.len() + p.segments.len() > 100_000 {
        return Err(ApiError::validation(
            "segments",
            "a transcript holds at most 100000 segments",
        ));
    }
    call.transcript.segments.extend(p.segments.iter().cloned());
    call.updated_at = now();
    save(conn, org, &call)?;
    Ok(call)
}

pub fn list(
    conn: &Db<'_>,
    org: &str,
    q: &ListQuery,
    params: &HashMap<String, String>,
) -> Result<Page, ApiError> {
    let mut filters: Vec<Filter> = created_filters(params)?;
    if let Some(s) = params.get("status") {
        check_status(&CallStatus::from(s.as_str()))?;
        filters.push(("status = ?".into(), vec![Sql::Text(s.clone())]));
    }
    if let Some(d) = params.get("direction") {
        known(
            "direction",
            &CallDirection::from(d.as_str()),
            CallDirection::KNOWN,
            CallDirection::as_str,
        )?;
        filters.push(("direction = ?".into(), vec![Sql::Text(d.clone())]));
    }
    if let Some(l) = params.get("leadId") {
        filters.push(("lead_id = ?".into(), vec![Sql::Text(l.clone())]));
    }
    list::fetch(conn, "calls", org, &filters, q, row_to_call)
}
