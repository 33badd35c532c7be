//! Analytics over one organisation and a date range (days in UTC, both ends inclusive).

use std::collections::{BTreeMap, HashMap};

use crate::params;
use crate::store::db::Db;
use serde_json::{Value, json};
use time::{Date, Duration, OffsetDateTime};

use crate::error::ApiError;

/// A range of days.
#[derive(Debug, Clone, Copy)]
pub struct Range {
    pub from: Date,
    pub to: Date,
}

const FORMAT: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

fn day(d: Date) -> String {
    d.format(FORMAT).unwrap_or_default()
}

impl Range {
    /// `from`/`to` (`YYYY-MM-DD`); by default the 30 days that end today.
    pub fn parse(q: &HashMap<String, String>) -> Result<Self, ApiError> {
        let parse = |name: &str| -> Result<Option<Date>, ApiError> {
            q.get(name)
                .map(|v| {
                    Date::parse(v, FORMAT).map_err(|_| {
                        ApiError::bad_request(format!(
                            "{name} must be a date YYYY-MM-DD, got {v:?}"
                        ))
                    })
                })
                .transpose()
        };
        let to = parse("to")?.unwrap_or_else(|| OffsetDateTime::now_utc().date());
        let from = parse("from")?.unwrap_or_else(|| to - Duration::days(29));
        if from > to {
            return Err(ApiError::validation("from", "from must not be after to"));
        }
        if (to - from).whole_days() > 366 {
            return Err(ApiError::validation(
                "from",
                "the range is at most 366 days",
            ));
        }
        Ok(Self { from, to })
    }

    /// Stored-timestamp bounds: `[from 00:00, to+1 00:00)`.
    fn bounds(&self) -> (String, String) {
        let end = self.to.next_day().unwrap_or(self.to);
        (
            format!("{}T00:00:00.000000Z", day(self.from)),
            format!("{}T00:00:00.000000Z", day(end)),
        )
    }

    fn days(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut d = self.from;
        while d <= self.to {
            out.push(day(d));
            match d.next_day() {
                Some(n) => d = n,
                None => break,
            }
        }
        out
    }
}

fn counts(
    conn: &Db<'_>,
    sql: &str,
    org: &str,
    lo: &str,
    hi: &str,
) -> Result<BTreeMap<String, i64>, ApiError> {
    let rows = conn.query_map(sql, params![org, lo, hi], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
    })?;
    Ok(rows.into_iter().collect())
}

fn daily(
    conn: &Db<'_>,
    table: &str,
    col: &str,
    org: &str,
    range: &Range,
) -> Result<Vec<Value>, ApiError> {
    let (lo, hi) = range.bounds();
    let per_day = counts(
        conn,
        &format!(
            "SELECT substr({col}, 1, 10), COUNT(*) FROM {table} WHERE org_id = ?1 AND {col} >= ?2 AND {col} < ?3 GROUP BY 1"
        ),
        org,
        &lo,
        &hi,
    )?;
    Ok(range
        .days()
        .into_iter()
        .map(|d| json!({ "count": per_day.get(&d).copied().unwrap_or(0), "date": d }))
        .collect())
}

fn rate(part: i64, total: i64) -> f64 {
    if total == 0 {
        0.0
    } else {
        // Counts are far below 2^52: the conversion is exact.
        (part as f64 / total as f64 * 10_000.0).round() / 10_000.0
    }
}

pub fn leads(conn: &Db<'_>, org: &str, range: &Range) -> Result<Value, ApiError> {
    let (lo, hi) = range.bounds();
    let by_status = counts(
        conn,
        "SELECT status, COUNT(*) FROM leads WHERE org_id = ?1 AND created_at >= ?2 AND created_at < ?3 GROUP BY status",
        org,
        &lo,
        &hi,
    )?;
    let by_source = counts(
        conn,
        "SELECT source, COUNT(*) FROM leads WHERE org_id = ?1 AND created_at >= ?2 AND created_at < ?3 GROUP BY source",
        org,
        &lo,
        &hi,
    )?;
    let total: i64 = by_status.values().sum();
    let converted = by_status.get("converted").copied().unwrap_or(0);
    Ok(json!({
        "from": day(range.from), "to": day(range.to), "total": total, "converted": converted,
        "conversionRate": rate(converted, total), "byStatus": by_status, "bySource": by_source,
        "daily": daily(conn, "leads", "created_at", org, range)?,
    }))
}

pub fn calls(conn: &Db<'_>, org: &str, range: &Range) -> Result<Value, ApiError> {
    let (lo, hi) = range.bounds();
    let by_status = counts(
        conn,
        "SELECT status, COUNT(*) FROM calls WHERE org_id = ?1 AND started_at >= ?2 AND started_at < ?3 GROUP BY status",
        org,
        &lo,
        &hi,
    )?;
    let by_direction = counts(
        conn,
        "SELECT direction, COUNT(*) FROM calls WHERE org_id = ?1 AND started_at >= ?2 AND started_at < ?3 GROUP BY direction",
        org,
        &lo,
        &hi,
    )?;
    let (sum, n): (i64, i64) = conn.query_row(
        "SELECT CAST(COALESCE(SUM(duration_seconds), 0) AS BIGINT), COUNT(duration_seconds) FROM calls
         WHERE org_id = ?1 AND started_at >= ?2 AND started_at < ?3",
        params![org, lo, hi],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let avg = if n == 0 {
        0.0
    } else {
        (sum as f64 / n as f64 * 10.0).round() / 10.0
    };
    Ok(json!({
        "from": day(range.from), "to": day(range.to), "total": by_status.values().sum::<i64>(),
        "byStatus": by_status, "byDirection": by_direction, "totalDurationSeconds": sum,
        "averageDurationSeconds": avg, "daily": daily(conn, "calls", "started_at", org, range)?,
    }))
}

pub fn summary(conn: &Db<'_>, org: &str, range: &Range) -> Result<Value, ApiError> {
    let leads = leads(conn, org, range)?;
    let calls = calls(conn, org, range)?;
    let (lo, hi) = range.bounds();
    let count = |sql: &str| -> Result<i64, ApiError> {
        Ok(conn.query_row(sql, params![org, lo, hi], |r| r.get(0))?)
    };
    let sessions = count(
        "SELECT COUNT(*) FROM chat_sessions WHERE org_id = ?1 AND created_at >= ?2 AND created_at < ?3",
    )?;
    let messages = count(
        "SELECT COUNT(*) FROM chat_messages WHERE org_id = ?1 AND created_at >= ?2 AND created_at < ?3",
    )?;
    let status = |s: &str| calls["byStatus"][s].as_i64().unwrap_or(0);
    Ok(json!({
        "from": day(range.from), "to": day(range.to),
        "leads": { "total": leads["total"], "converted": leads["converted"], "conversionRate": leads["conversionRate"] },
        "calls": { "total": calls["total"], "completed": status("completed"), "missed": status("missed"),
                   "averageDurationSeconds": calls["averageDurationSeconds"] },
        "chat": { "sessions": sessions, "messages": messages },
    }))
}
