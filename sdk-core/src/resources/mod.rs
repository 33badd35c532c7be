//! One handle per resource of the API, reached from the [`crate::Client`]:
//! `client.leads()`, `client.calls()`, `client.chat()`, `client.analytics()`,
//! `client.webhooks()`, `client.api_keys()`, `client.auth()`.

mod analytics;
mod api_keys;
mod auth;
mod calls;
mod chat;
mod leads;
mod webhooks;

pub use analytics::Analytics;
pub use api_keys::ApiKeys;
pub use auth::Auth;
pub use calls::Calls;
pub use chat::{Chat, ChatSessions};
pub use leads::Leads;
pub use webhooks::Webhooks;

use crate::Client;
use crate::call::{Call, request};
use crate::models::Health;

/// No query or no body.
pub(crate) const NONE: Option<&()> = None;

impl Client {
    /// Leads.
    pub fn leads(&self) -> Leads<'_> {
        Leads { client: self }
    }

    /// Calls and their transcripts.
    pub fn calls(&self) -> Calls<'_> {
        Calls { client: self }
    }

    /// Chat messages and sessions.
    pub fn chat(&self) -> Chat<'_> {
        Chat { client: self }
    }

    /// Analytics.
    pub fn analytics(&self) -> Analytics<'_> {
        Analytics { client: self }
    }

    /// Webhook endpoints and their deliveries.
    pub fn webhooks(&self) -> Webhooks<'_> {
        Webhooks { client: self }
    }

    /// API keys.
    pub fn api_keys(&self) -> ApiKeys<'_> {
        ApiKeys { client: self }
    }

    /// Login and token refresh.
    pub fn auth(&self) -> Auth<'_> {
        Auth { client: self }
    }

    /// `GET /health`: whether the server is up.
    pub fn health(&self) -> Call<Health> {
        Call::new(self, request("health.check", &[], NONE, NONE))
    }
}
