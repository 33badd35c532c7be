//! `client.chat()`.

use crate::Client;
use crate::call::{Call, request};
use crate::models::{
    ChatMessage, ChatMessageParams, ChatMessageResult, ChatSession, ChatSessionsListParams,
    ChatSessionsMessagesParams,
};
use crate::pagination::ListCall;

use super::NONE;

/// Chat: send messages, read sessions.
#[derive(Debug, Clone, Copy)]
pub struct Chat<'a> {
    pub(crate) client: &'a Client,
}

impl<'a> Chat<'a> {
    /// Sends a message; opens a session when `session_id` is absent (emits
    /// `chat.message_received`). Returns the session, the message and the reply.
    pub fn send_message(&self, params: ChatMessageParams) -> Call<ChatMessageResult> {
        Call::new(
            self.client,
            request("chat.sendMessage", &[], NONE, Some(&params)),
        )
    }

    /// Chat sessions.
    pub fn sessions(&self) -> ChatSessions<'a> {
        ChatSessions {
            client: self.client,
        }
    }
}

/// Chat sessions and their messages.
#[derive(Debug, Clone, Copy)]
pub struct ChatSessions<'a> {
    client: &'a Client,
}

impl ChatSessions<'_> {
    /// A page of sessions.
    pub fn list(&self, params: ChatSessionsListParams) -> ListCall<ChatSession> {
        ListCall::new(
            self.client,
            request("chat.sessions.list", &[], Some(&params), NONE),
        )
    }

    /// Every session matching `params`, across pages, lazily.
    pub fn list_auto(
        &self,
        params: ChatSessionsListParams,
    ) -> impl futures::Stream<Item = crate::Result<ChatSession>> + Unpin + 'static {
        self.list(params).into_stream()
    }

    /// The session `id`.
    pub fn retrieve(&self, id: &str) -> Call<ChatSession> {
        Call::new(
            self.client,
            request("chat.sessions.retrieve", &[id], NONE, NONE),
        )
    }

    /// A page of the messages of session `id`, oldest first.
    pub fn messages(&self, id: &str, params: ChatSessionsMessagesParams) -> ListCall<ChatMessage> {
        ListCall::new(
            self.client,
            request("chat.sessions.messages", &[id], Some(&params), NONE),
        )
    }
}
