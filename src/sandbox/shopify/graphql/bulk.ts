import { randomBytes } from 'node:crypto';
import type { DocumentNode, ExecutionResult, GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { gid } from '../gid.js';
import { checkBulkQuery, toJsonLines } from './bulk-query.js';
import type { GraphqlContext } from './request-context.js';

type BulkStatus = 'CREATED' | 'RUNNING' | 'COMPLETED' | 'FAILED';

interface BulkRecord {
  id: number;
  shopDomain: string;
  clientId: string;
  status: BulkStatus;
  errorCode: 'ACCESS_DENIED' | 'INTERNAL_SERVER_ERROR' | null;
  query: string;
  createdAt: string;
  completedAt: string | null;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  url: string | null;
}

/** Runs a checked bulk query document in a request context whose `bulk` flag is set. */
export type BulkRunner = (context: GraphqlContext, document: DocumentNode) => Promise<ExecutionResult>;

export interface BulkOperationsOptions {
  schema: GraphQLSchema;
  run: BulkRunner;
  /** Time an operation stays RUNNING before its query runs. */
  delayMs: number;
  /** Base URL of the sandbox, for the result file link. */
  baseUrl: () => string;
  logger: Logger;
}

/**
 * Bulk query operations. One runs at a time per app and shop; its JSONL result is served at an
 * unguessable URL without authentication, like Shopify's signed storage links.
 */
export class BulkOperations {
  private readonly records = new Map<number, BulkRecord>();
  private readonly files = new Map<string, string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private nextId = 8_000_000_000_001;

  constructor(private readonly options: BulkOperationsOptions) {}

  start(context: GraphqlContext, query: string): { bulkOperation: Record<string, unknown> | null; userErrors: Array<{ code: string; field: string[]; message: string }> } {
    const running = this.latest(context.shop.domain, context.clientId);
    if (running && (running.status === 'CREATED' || running.status === 'RUNNING')) {
      const message = `A bulk query operation for this app and shop is already in progress: ${gid('BulkOperation', running.id)}.`;
      return { bulkOperation: null, userErrors: [{ code: 'OPERATION_IN_PROGRESS', field: ['query'], message }] };
    }
    const check = checkBulkQuery(this.options.schema, query);
    if (!check.ok) return { bulkOperation: null, userErrors: [{ code: 'INVALID', field: ['query'], message: check.message }] };

    const record: BulkRecord = {
      id: this.nextId++,
      shopDomain: context.shop.domain,
      clientId: context.clientId,
      status: 'CREATED',
      errorCode: null,
      query,
      createdAt: context.now.toISOString(),
      completedAt: null,
      objectCount: 0,
      rootObjectCount: 0,
      fileSize: null,
      url: null,
    };
    this.records.set(record.id, record);
    this.schedule(() => {
      record.status = 'RUNNING';
      this.schedule(() => void this.execute(record, { ...context, bulk: true }, check.document), this.options.delayMs);
    }, 0);
    return { bulkOperation: toView(record), userErrors: [] };
  }

  view(id: number, shopDomain: string, clientId: string): Record<string, unknown> | null {
    const record = this.records.get(id);
    return record && record.shopDomain === shopDomain && record.clientId === clientId ? toView(record) : null;
  }

  currentView(shopDomain: string, clientId: string): Record<string, unknown> | null {
    const record = this.latest(shopDomain, clientId);
    return record ? toView(record) : null;
  }

  /** JSONL text of a result file, by the token in its URL. */
  file(token: string): string | undefined {
    return this.files.get(token);
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private latest(shopDomain: string, clientId: string): BulkRecord | undefined {
    return [...this.records.values()].filter((record) => record.shopDomain === shopDomain && record.clientId === clientId).at(-1);
  }

  private schedule(task: () => void, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      task();
    }, delayMs);
    this.timers.add(timer);
  }

  private async execute(record: BulkRecord, context: GraphqlContext, document: DocumentNode): Promise<void> {
    const finish = (status: BulkStatus, errorCode: BulkRecord['errorCode']): void => {
      record.status = status;
      record.errorCode = errorCode;
      record.completedAt = new Date().toISOString();
    };
    try {
      const result = await this.options.run({ ...context, now: new Date() }, document);
      if (result.errors && result.errors.length > 0) {
        const denied = result.errors.some((error) => error.extensions.code === 'ACCESS_DENIED');
        this.options.logger.info({ operationId: record.id, errors: result.errors.map((error) => error.message) }, 'bulk operation failed');
        finish('FAILED', denied ? 'ACCESS_DENIED' : 'INTERNAL_SERVER_ERROR');
        return;
      }
      const { lines, rootObjectCount } = toJsonLines((result.data ?? {}) as Record<string, unknown>);
      record.objectCount = lines.length;
      record.rootObjectCount = rootObjectCount;
      if (lines.length > 0) {
        const text = `${lines.join('\n')}\n`;
        const token = randomBytes(16).toString('hex');
        this.files.set(token, text);
        record.fileSize = Buffer.byteLength(text, 'utf8');
        record.url = `${this.options.baseUrl()}/bulk-results/${token}.jsonl`;
      }
      finish('COMPLETED', null);
    } catch (error) {
      this.options.logger.error({ err: error, operationId: record.id }, 'bulk operation crashed');
      finish('FAILED', 'INTERNAL_SERVER_ERROR');
    }
  }
}

function toView(record: BulkRecord): Record<string, unknown> {
  return {
    __typename: 'BulkOperation',
    id: gid('BulkOperation', record.id),
    type: 'QUERY',
    status: record.status,
    errorCode: record.errorCode,
    createdAt: record.createdAt,
    completedAt: record.completedAt,
    objectCount: String(record.objectCount),
    rootObjectCount: String(record.rootObjectCount),
    fileSize: record.fileSize === null ? null : String(record.fileSize),
    url: record.url,
    partialDataUrl: null,
    query: record.query,
  };
}
