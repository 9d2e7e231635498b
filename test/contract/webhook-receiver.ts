import Fastify from 'fastify';
import type { IncomingWebhook } from '../../src/connectors/shared/index.js';

/** Status of the response to a delivery set to fail, so that the sandbox delivers it again. */
const FAILED_DELIVERY_STATUS = 500;

export interface WebhookReceiver {
  /** Base URL, such as http://127.0.0.1:40123. Every POST path under it is accepted. */
  readonly url: string;
  /** Deliveries in arrival order, failed ones included, with the raw body as received. */
  readonly received: readonly IncomingWebhook[];
  /** Position to pass to `since`. */
  mark(): number;
  /** Deliveries received after `mark`. */
  since(mark: number): IncomingWebhook[];
  /** Responds 500 to the next delivery that matches, so that the sender delivers it again. */
  failNext(match: (webhook: IncomingWebhook) => boolean): void;
  close(): Promise<void>;
}

/** Starts a webhook receiver on 127.0.0.1 and a free port that keeps the headers and the raw body text. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: IncomingWebhook[] = [];
  const pendingFailures: Array<(webhook: IncomingWebhook) => boolean> = [];
  const app = Fastify();
  // Signatures cover the exact bytes, so no parser may touch the body.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.post('/*', async (request, reply) => {
    const webhook: IncomingWebhook = { headers: { ...request.headers }, rawBody: typeof request.body === 'string' ? request.body : '' };
    received.push(webhook);
    const failure = pendingFailures.findIndex((match) => match(webhook));
    if (failure !== -1) {
      pendingFailures.splice(failure, 1);
      return reply.code(FAILED_DELIVERY_STATUS).send();
    }
    return reply.code(200).send();
  });

  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') {
    await app.close();
    throw new Error(`Webhook receiver listened on an unexpected address: ${String(address)}`);
  }
  return {
    url: `http://127.0.0.1:${address.port}`,
    received,
    mark: () => received.length,
    since: (mark) => received.slice(mark),
    failNext: (match) => {
      pendingFailures.push(match);
    },
    close: () => app.close(),
  };
}
