//! `client.api_keys()`.

use crate::Client;
use crate::call::{Call, request};
use crate::models::{ApiKey, ApiKeyCreateParams, ApiKeysListParams};
use crate::pagination::ListCall;

use super::NONE;

/// API keys of the organisation (scope `admin`).
#[derive(Debug, Clone, Copy)]
pub struct ApiKeys<'a> {
    pub(crate) client: &'a Client,
}

impl ApiKeys<'_> {
    /// A page of keys (never with their secrets).
    pub fn list(&self, params: ApiKeysListParams) -> ListCall<ApiKey> {
        ListCall::new(
            self.client,
            request("apiKeys.list", &[], Some(&params), NONE),
        )
    }

    /// Creates a key; the response is the only one that shows `key`.
    pub fn create(&self, params: ApiKeyCreateParams) -> Call<ApiKey> {
        Call::new(
            self.client,
            request("apiKeys.create", &[], NONE, Some(&params)),
        )
    }

    /// Revokes the key `id` at once.
    pub fn revoke(&self, id: &str) -> Call<ApiKey> {
        Call::new(self.client, request("apiKeys.revoke", &[id], NONE, NONE))
    }

    /// A new secret for the key `id`; the old one stops working at once.
    pub fn rotate(&self, id: &str) -> Call<ApiKey> {
        Call::new(self.client, request("apiKeys.rotate", &[id], NONE, NONE))
    }
}
