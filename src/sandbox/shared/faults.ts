/**
 * Fault injection shared by the marketplace sandboxes: a test queues rules, and the server applies
 * the first matching rule to each request before its normal handling.
 */

/** A fault to inject: latency, a status and body, or both, for matching requests. */
export interface FaultRule {
  method?: string;
  /** A string matches the path exactly (query excluded); a RegExp is tested against the path. */
  path?: string | RegExp;
  /** Response status; when omitted the request continues after latencyMs. */
  status?: number;
  /** Response body; a JSON value, or a string sent as is. */
  body?: unknown;
  latencyMs?: number;
  /** How many requests the rule applies to; default 1, Infinity allowed. */
  times?: number;
  headers?: Record<string, string>;
}

interface ActiveFault {
  rule: FaultRule;
  remaining: number;
}

/** Fault rules applied before normal handling; each match uses up one of the rule's `times`. */
export class FaultInjector {
  private readonly faults: ActiveFault[] = [];

  add(rule: FaultRule): void {
    const times = rule.times ?? 1;
    if (!(times >= 1)) throw new Error(`Invalid fault times ${times}: use 1 or more, or Infinity.`);
    if (rule.status !== undefined && !(Number.isInteger(rule.status) && rule.status >= 200 && rule.status <= 599)) {
      throw new Error(`Invalid fault status ${rule.status}: use an HTTP status from 200 to 599.`);
    }
    if (rule.latencyMs !== undefined && !(rule.latencyMs >= 0)) {
      throw new Error(`Invalid fault latencyMs ${rule.latencyMs}: use 0 or more milliseconds.`);
    }
    if (rule.status === undefined && rule.latencyMs === undefined) {
      throw new Error('A fault rule needs a status, a latencyMs or both.');
    }
    this.faults.push({ rule: { ...rule }, remaining: times });
  }

  clear(): void {
    this.faults.length = 0;
  }

  /** Returns the first rule matching the request and counts one use of it; a used-up rule is removed. */
  take(method: string, path: string): FaultRule | undefined {
    const index = this.faults.findIndex(({ rule }) => matches(rule, method, path));
    const fault = this.faults[index];
    if (!fault) return undefined;
    fault.remaining--;
    if (fault.remaining <= 0) this.faults.splice(index, 1);
    return fault.rule;
  }
}

function matches(rule: FaultRule, method: string, path: string): boolean {
  if (rule.method !== undefined && rule.method.toUpperCase() !== method.toUpperCase()) return false;
  if (rule.path === undefined) return true;
  if (typeof rule.path === 'string') return rule.path === path;
  rule.path.lastIndex = 0;
  return rule.path.test(path);
}
