//! Leads.

use std::collections::HashMap;

use crate::params;
use crate::store::db::Value as Sql;
use crate::store::db::{Db, Optional, Row};
use callwaitingai::Patch;
use callwaitingai::models::{Lead, LeadCreateParams, LeadSource, LeadStatus, LeadUpdateParams};
use serde_json::Value;

use super::list::{self, Filter, ListQuery, Page};
use crate::error::ApiError;
use crate::util::{check_len, created_filters, new_id, now};

pub const SORTS: &[(&str, &str)] = &[
    ("createdAt", "created_at"),
    ("updatedAt", "updated_at"),
    ("name", "name"),
];

fn row_to_lead(row: &Row) -> crate::store::db::Result<Lead> {
    let tags: String = row.get("tags")?;
    Ok(Lead {
        id: row.get("id")?,
        name: row.get("name")?,
        email: row.get("email")?,
        phone: row.get("phone")?,
        company: row.get("company")?,
        source: LeadSource::from(row.get::<_, String>("source")?),
        status: LeadStatus::from(row.get::<_, String>("status")?),
        notes: row.get("notes")?,
        tags: serde_json::from_str(&tags).unwrap_or_default(),
        created_at: row.get("created_at")?,
        updated_at: row.get("updated_at")?,
    })
}

pub fn to_json(lead: &Lead) -> Result<Value, ApiError> {
    serde_json::to_value(lead).map_err(ApiError::internal)
}

fn valid_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
        && !domain.contains('@')
        && e.len() <= 254
}

fn check_status(s: &LeadStatus) -> Result<(), ApiError> {
    if let LeadStatus::Unknown(v) = s {
        return Err(ApiError::validation(
            "status",
            format!("status {v:?} is not one of new, contacted, qualified, converted, lost"),
        ));
    }
    Ok(())
}

fn check_source(s: &LeadSource) -> Result<(), ApiError> {
    if let LeadSource::Unknown(v) = s {
        let known: Vec<&str> = LeadSource::KNOWN.iter().map(LeadSource::as_str).collect();
        return Err(ApiError::validation(
            "source",
            format!("source {v:?} is not one of {}", known.join(", ")),
        ));
    }
    Ok(())
}

fn check_tags(tags: &[String]) -> Result<(), ApiError> {
    if tags.len() > 50 {
        return Err(ApiError::validation("tags", "at most 50 tags"));
    }
    for t in tags {
        check_len("tags", t, 1, 100)?;
    }
    Ok(())
}

fn check_email(e: &str) -> Result<(), ApiError> {
    if valid_email(e) {
        Ok(())
    } else {
        Err(ApiError::validation(
            "email",
            format!("email {e:?} is not a valid address"),
        ))
    }
}

pub fn create(conn: &Db<'_>, org: &str, p: &LeadCreateParams) -> Result<Lead, ApiError> {
    check_len("name", p.name.trim(), 1, 200)?;
    if let Some(e) = &p.email {
        check_email(e)?;
    }
    if let Some(v) = &p.phone {
        check_len("phone", v, 0, 50)?;
    }
    if let Some(v) = &p.company {
        check_len("company", v, 0, 200)?;
    }
    if let Some(v) = &p.notes {
        check_len("notes", v, 0, 10_000)?;
    }
    if let Some(s) = &p.status {
        check_status(s)?;
    }
    if let Some(s) = &p.source {
        check_source(s)?;
    }
    let tags = p.tags.clone().unwrap_or_default();
    check_tags(&tags)?;
    let t = now();
    let lead = Lead {
        id: new_id("lead"),
        name: p.name.clone(),
        email: p.email.clone(),
        phone: p.phone.clone(),
        company: p.company.clone(),
        source: p.source.clone().unwrap_or(LeadSource::Manual),
        status: p.status.clone().unwrap_or(LeadStatus::New),
        notes: p.notes.clone(),
        tags,
        created_at: t.clone(),
        updated_at: t,
    };
    conn.execute(
        "INSERT INTO leads (id, org_id, name, email, phone, company, source, status, notes, tags, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            lead.id, org, lead.name, lead.email, lead.phone, lead.company,
            lead.source.as_str(), lead.status.as_str(), lead.notes,
            serde_json::to_string(&lead.tags).map_err(ApiError::internal)?,
            lead.created_at, lead.updated_at
        ],
    )?;
    super::webhooks::emit(conn, org, "lead.created", &lead)?;
    Ok(lead)
}

pub fn get(conn: &Db<'_>, org: &str, id: &str) -> Result<Lead, ApiError> {
    conn.query_row(
        "SELECT * FROM leads WHERE org_id = ?1 AND id = ?2",
        params![org, id],
        row_to_lead,
    )
    .optional()?
    .ok_or_else(|| ApiError::not_found("lead", id))
}

/// Applies a PATCH; returns the lead before and after.
pub fn update(
    conn: &Db<'_>,
    org: &str,
    id: &str,
    p: &LeadUpdateParams,
) -> Result<(Lead, Lead), ApiError> {
    let before = get(conn, org, id)?;
    let mut lead = before.clone();
    if let Some(name) = &p.name {
        check_len("name", name.trim(), 1, 200)?;
        lead.name = name.clone();
    }
    let patch = |field: &str, target: &mut Option<String>, v: &Patch<String>, max: usize| {
        match v {
            Patch::Absent => {}
            Patch::Null => *target = None,
            Patch::Value(s) => {
                check_len(field, s, 0, max)?;
                *target = Some(s.clone());
            }
        }
        Ok::<(), ApiError>(())
    };
    if let Patch::Value(e) = &p.email {
        check_email(e)?;
    }
    patch("email", &mut lead.email, &p.email, 254)?;
    patch("phone", &mut lead.phone, &p.phone, 50)?;
    patch("company", &mut lead.company, &p.company, 200)?;
    patch("notes", &mut lead.notes, &p.notes, 10_000)?;
    if let Some(s) = &p.source {
        check_source(s)?;
        lead.source = s.clone();
    }
    if let Some(s) = &p.status {
        check_status(s)?;
        lead.status = s.clone();
    }
    if let Some(tags) = &p.tags {
        check_tags(tags)?;
        lead.tags = tags.clone();
    }
    lead.updated_at = now();
    conn.execute(
        "UPDATE leads SET name = ?3, email = ?4, phone = ?5, company = ?6, source = ?7, status = ?8,
         notes = ?9, tags = ?10, updated_at = ?11 WHERE org_id = ?1 AND id = ?2",
        params![
            org, id, lead.name, lead.email, lead.phone, lead.company, lead.source.as_str(),
            lead.status.as_str(), lead.notes,
            serde_json::to_string(&lead.tags).map_err(ApiError::internal)?, lead.updated_at
        ],
    )?;
    super::webhooks::emit(conn, org, "lead.updated", &lead)?;
    if lead.status == LeadStatus::Converted && before.status != LeadStatus::Converted {
        super::webhooks::emit(conn, org, "lead.converted", &lead)?;
    }
    Ok((before, lead))
}

pub fn delete(conn: &Db<'_>, org: &str, id: &str) -> Result<(), ApiError> {
    let n = conn.execute(
        "DELETE FROM leads WHERE org_id = ?1 AND id = ?2",
        params![org, id],
    )?;
    if n == 0 {
        return Err(ApiError::not_found("lead", id));
    }
    Ok(())
}

pub fn list(
    conn: &Db<'_>,
    org: &str,
    q: &ListQuery,
    params: &HashMap<String, String>,
) -> Result<Page, ApiError> {
    let mut filters: Vec<Filter> = Vec::new();
    if let Some(s) = params.get("status") {
        check_status(&LeadStatus::from(s.as_str()))?;
        filters.push(("status = ?".into(), vec![Sql::Text(s.clone())]));
    }
    if let Some(s) = params.get("source") {
        check_source(&LeadSource::from(s.as_str()))?;
        filters.push(("source = ?".into(), vec![Sql::Text(s.clone())]));
    }
    filters.extend(created_filters(params)?);
    if let Some(text) = params.get("q").filter(|t| !t.is_empty()) {
        let escaped = text
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = Sql::Text(format!("%{escaped}%"));
        let cols = ["name", "email", "phone", "company"];
        let like = conn.dialect().ilike();
        let frag = cols
            .iter()
            .map(|c| format!("{c} {like} ? ESCAPE '\\'"))
            .collect::<Vec<_>>()
            .join(" OR ");
        filters.push((format!("({frag})"), vec![pattern; cols.len()]));
    }
    list::fetch(conn, "leads", org, &filters, q, row_to_lead)
}
