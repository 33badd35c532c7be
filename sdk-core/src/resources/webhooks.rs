//! `client.webhooks()`.

use crate::Client;
use crate::call::{Call, request};
use crate::models::{
    DeletedObject, WebhookDelivery, WebhookEndpoint, WebhookEndpointCreateParams,
    WebhookEndpointUpdateParams, WebhooksDeliveriesParams, WebhooksListParams,
};
use crate::pagination::ListCall;

use super::NONE;

/// Webhook endpoints and their deliveries.
#[derive(Debug, Clone, Copy)]
pub struct Webhooks<'a> {
    pub(crate) client: &'a Client,
}

impl Webhooks<'_> {
    /// A page of endpoints.
    pub fn list(&self, params: WebhooksListParams) -> ListCall<WebhookEndpoint> {
        ListCall::new(
            self.client,
            request("webhooks.list", &[], Some(&params), NONE),
        )
    }

    /// Registers an endpoint; the response is the only one that shows its `secret`.
    pub fn create(&self, params: WebhookEndpointCreateParams) -> Call<WebhookEndpoint> {
        Call::new(
            self.client,
            request("webhooks.create", &[], NONE, Some(&params)),
        )
    }

    /// The endpoint `id`.
    pub fn retrieve(&self, id: &str) -> Call<WebhookEndpoint> {
        Call::new(self.client, request("webhooks.retrieve", &[id], NONE, NONE))
    }

    /// Changes the endpoint `id`.
    pub fn update(&self, id: &str, params: WebhookEndpointUpdateParams) -> Call<WebhookEndpoint> {
        Call::new(
            self.client,
            request("webhooks.update", &[id], NONE, Some(&params)),
        )
    }

    /// Deletes the endpoint `id`.
    pub fn delete(&self, id: &str) -> Call<DeletedObject> {
        Call::new(self.client, request("webhooks.delete", &[id], NONE, NONE))
    }

    /// Queues a `webhook.test` event for the endpoint `id`.
    pub fn test(&self, id: &str) -> Call<WebhookDelivery> {
        Call::new(self.client, request("webhooks.test", &[id], NONE, NONE))
    }

    /// A new signing secret (the old one keeps signing for 24 hours).
    pub fn rotate_secret(&self, id: &str) -> Call<WebhookEndpoint> {
        Call::new(
            self.client,
            request("webhooks.rotateSecret", &[id], NONE, NONE),
        )
    }

    /// A page of the deliveries of endpoint `id`, newest first.
    pub fn deliveries(
        &self,
        id: &str,
        params: WebhooksDeliveriesParams,
    ) -> ListCall<WebhookDelivery> {
        ListCall::new(
            self.client,
            request("webhooks.deliveries", &[id], Some(&params), NONE),
        )
    }

    /// Sends delivery `delivery_id` of endpoint `id` again, with the same `webhook-id`.
    pub fn retry_delivery(&self, id: &str, delivery_id: &str) -> Call<WebhookDelivery> {
        Call::new(
            self.client,
            request("webhooks.retryDelivery", &[id, delivery_id], NONE, NONE),
        )
    }
}
