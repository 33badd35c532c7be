//! `client.leads()`.

use crate::Client;
use crate::call::{Call, request};
use crate::models::{DeletedObject, Lead, LeadCreateParams, LeadUpdateParams, LeadsListParams};
use crate::pagination::ListCall;

use super::NONE;

/// Leads: people and businesses captured by calls, chats and forms.
#[derive(Debug, Clone, Copy)]
pub struct Leads<'a> {
    pub(crate) client: &'a Client,
}

impl Leads<'_> {
    /// A page of leads; `.await` it, or `.into_stream()` for every lead.
    pub fn list(&self, params: LeadsListParams) -> ListCall<Lead> {
        ListCall::new(self.client, request("leads.list", &[], Some(&params), NONE))
    }

    /// Every lead matching `params`, across pages, lazily.
    pub fn list_auto(
        &self,
        params: LeadsListParams,
    ) -> impl futures::Stream<Item = crate::Result<Lead>> + Unpin + 'static {
        self.list(params).into_stream()
    }

    /// Creates a lead (emits `lead.created`).
    pub fn create(&self, params: LeadCreateParams) -> Call<Lead> {
        Call::new(
            self.client,
            request("leads.create", &[], NONE, Some(&params)),
        )
    }

    /// The lead `id`.
    pub fn retrieve(&self, id: &str) -> Call<Lead> {
        Call::new(self.client, request("leads.retrieve", &[id], NONE, NONE))
    }

    /// Changes the lead `id`: absent fields are left alone, `Patch::Null` clears.
    pub fn update(&self, id: &str, params: LeadUpdateParams) -> Call<Lead> {
        Call::new(
            self.client,
            request("leads.update", &[id], NONE, Some(&params)),
        )
    }

    /// Deletes the lead `id`.
    pub fn delete(&self, id: &str) -> Call<DeletedObject> {
        Call::new(self.client, request("leads.delete", &[id], NONE, NONE))
    }
}
