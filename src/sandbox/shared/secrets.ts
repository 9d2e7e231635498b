/**
 * A process-wide hook that reports every secret a sandbox issues or is configured with, so a test
 * run can later check that none of them reached a log, a response or a database row. Nothing
 * listens unless a test support file subscribes, so the demo and the sandbox CLIs report to no one.
 */

export type SandboxSecretKind =
  | 'access_token'
  | 'refresh_token'
  | 'authorization_code'
  | 'client_secret'
  | 'code_verifier'
  | 'seller_secret_key';

export interface SandboxSecret {
  /** Marketplace the sandbox imitates, e.g. `MERCADOLIBRE`. */
  marketplace: string;
  kind: SandboxSecretKind;
  value: string;
}

export type SandboxSecretListener = (secret: SandboxSecret) => void;

const listeners = new Set<SandboxSecretListener>();

/** Subscribes `listener` to every secret any sandbox in this process reports from now on; returns the unsubscribe function. */
export function onSandboxSecret(listener: SandboxSecretListener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** Reports one secret to the listeners; a no-op when nothing listens. */
export function reportSandboxSecret(marketplace: string, kind: SandboxSecretKind, value: string): void {
  for (const listener of listeners) listener({ marketplace, kind, value });
}
