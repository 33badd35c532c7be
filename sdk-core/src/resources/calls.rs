//! `client.calls()`.

use crate::Client;
use crate::call::{Call, request};
use crate::models::{
    Call as PhoneCall, CallCreateParams, CallTranscriptParams, CallUpdateParams, CallsListParams,
};
use crate::pagination::ListCall;

use super::NONE;

/// Phone calls, answered or placed, with transcripts.
#[derive(Debug, Clone, Copy)]
pub struct Calls<'a> {
    pub(crate) client: &'a Client,
}

impl Calls<'_> {
    /// A page of calls.
    pub fn list(&self, params: CallsListParams) -> ListCall<PhoneCall> {
        ListCall::new(self.client, request("calls.list", &[], Some(&params), NONE))
    }

    /// Every call matching `params`, across pages, lazily.
    pub fn list_auto(
        &self,
        params: CallsListParams,
    ) -> impl futures::Stream<Item = crate::Result<PhoneCall>> + Unpin + 'static {
        self.list(params).into_stream()
    }

    /// Logs a call (emits `call.started`).
    pub fn create(&self, params: CallCreateParams) -> Call<PhoneCall> {
        Call::new(
            self.client,
            request("calls.create", &[], NONE, Some(&params)),
        )
    }

    /// The call `id`.
    pub fn retrieve(&self, id: &str) -> Call<PhoneCall> {
        Call::new(self.client, request("calls.retrieve", &[id], NONE, NONE))
    }

    /// Changes the call `id`; ending it emits `call.ended`.
    pub fn update(&self, id: &str, params: CallUpdateParams) -> Call<PhoneCall> {
        Call::new(
            self.client,
            request("calls.update", &[id], NONE, Some(&params)),
        )
    }

    /// Appends transcript segments to the call `id`.
    pub fn add_transcript(&self, id: &str, params: CallTranscriptParams) -> Call<PhoneCall> {
        Call::new(
            self.client,
            request("calls.addTranscript", &[id], NONE, Some(&params)),
        )
    }
}
