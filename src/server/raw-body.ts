import { parse as parseQueryString } from 'node:querystring';
import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Request body exactly as received (decoded as UTF-8), for JSON and form requests. Webhook routes
     * verify signatures over it, never over a re-serialized body.
     */
    rawBody?: string;
  }
}

/**
 * Replaces the JSON and form body parsers with ones that also keep `request.rawBody`, on every
 * route. The JSON parser is Fastify's own (same prototype-poisoning checks); forms are parsed with
 * node:querystring, whose objects have no prototype. Do not register @fastify/formbody as well:
 * the form content type would then have two parsers and Fastify refuses to start.
 */
export function keepRawBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    request.rawBody = text;
    parseJson(request, text, done);
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    request.rawBody = text;
    done(null, parseQueryString(text));
  });
}
