//! `client.analytics()`.

use crate::Client;
use crate::call::{Call, request};
use crate::models::{
    AnalyticsCalls, AnalyticsCallsParams, AnalyticsLeads, AnalyticsLeadsParams, AnalyticsSummary,
    AnalyticsSummaryParams,
};

use super::NONE;

/// Figures for the organisation over a date range (default: the last 30 days).
#[derive(Debug, Clone, Copy)]
pub struct Analytics<'a> {
    pub(crate) client: &'a Client,
}

impl Analytics<'_> {
    /// Leads, calls and chat in one summary.
    pub fn summary(&self, params: AnalyticsSummaryParams) -> Call<AnalyticsSummary> {
        Call::new(
            self.client,
            request("analytics.summary", &[], Some(&params), NONE),
        )
    }

    /// Calls by status, direction and day.
    pub fn calls(&self, params: AnalyticsCallsParams) -> Call<AnalyticsCalls> {
        Call::new(
            self.client,
            request("analytics.calls", &[], Some(&params), NONE),
        )
    }

    /// Leads by status, source and day.
    pub fn leads(&self, params: AnalyticsLeadsParams) -> Call<AnalyticsLeads> {
        Call::new(
            self.client,
            request("analytics.leads", &[], Some(&params), NONE),
        )
    }
}
