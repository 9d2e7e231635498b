/*
 * Event callback payloads sent by the sandbox, before encryption.
 * NOTE: SHEIN documents its events only on its portal. These shapes are inferred: the product
 * audit fields (`spu_name`, `audit_state`, `failed_reason`) come from integrators' code, the order
 * and stock events are modelled on them, and `supplierId` is added to every event so that a
 * receiver can route it to the seller's connection.
 */

/** An order was created or changed status; fetch it with order-detail. */
export interface OrderEvent {
  eventType: 'order';
  supplierId: number;
  orderNo: string;
  orderStatus: number;
  /** ISO 8601 in UTC. */
  eventTime: string;
}

/** The seller changed stock on SHEIN's seller centre; fetch the SPU's stock again. */
export interface StockEvent {
  eventType: 'stock';
  supplierId: number;
  spuName: string;
  skuCodeList: string[];
  eventTime: string;
}

/** Audit results. NOTE: inferred from the sample that pairs 2 with a failed_reason. */
export const AUDIT_STATES = { approved: 1, rejected: 2 } as const;

/** SHEIN finished reviewing a product. */
export interface ProductAuditEvent {
  eventType: 'product_audit';
  supplierId: number;
  spu_name: string;
  audit_state: number;
  failed_reason: string[];
  eventTime: string;
}

export type SheinEvent = OrderEvent | StockEvent | ProductAuditEvent;
