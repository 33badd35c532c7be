//! `client.auth()`.

use crate::Client;
use crate::call::{Call, request};
use crate::models::{LoginParams, RefreshParams, TokenResponse};

use super::NONE;

/// Login with an email and a password, and token refresh.
#[derive(Debug, Clone, Copy)]
pub struct Auth<'a> {
    pub(crate) client: &'a Client,
}

impl Auth<'_> {
    /// Logs in; use the `access_token` as the API key of a new client.
    pub fn login(&self, params: LoginParams) -> Call<TokenResponse> {
        Call::new(self.client, request("auth.login", &[], NONE, Some(&params)))
    }

    /// Exchanges a refresh token (once) for new tokens.
    pub fn refresh(&self, params: RefreshParams) -> Call<TokenResponse> {
        Call::new(
            self.client,
            request("auth.refresh", &[], NONE, Some(&params)),
        )
    }
}
