// ES module entry: `import CallWaitingAI, { Webhook } from '@callwaitingai/sdk'`.
import { createRequire } from 'node:module';

const sdk = createRequire(import.meta.url)('./index.cjs');

export default sdk.CallWaitingAI;
export const {
  CallWaitingAI,
  CallWaitingAIError,
  APIError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
  APIConnectionError,
  APITimeoutError,
  InvalidRequestError,
  WebhookVerificationError,
  Page,
  PagePromise,
  Webhook,
  verifyWebhook,
  metaSubscriptionChallenge,
} = sdk;
