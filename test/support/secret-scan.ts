import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { LedgerSecret } from './secret-ledger.js';

/**
 * Searches text for known secret values, as written, URL-encoded or base64-encoded. A hit names
 * the kind of secret and where it was found, and never contains the value.
 */

/** Secrets shorter than this are skipped: they would match ordinary words (`secret`, `nope`). */
export const MIN_SECRET_LENGTH = 8;
/** Length of the slice of each form that is looked up. A form can only match where its slice does. */
const KEY_LENGTH = 8;

export type SecretEncoding = 'exact' | 'url-encoded' | 'base64' | 'base64url';

export interface SecretHit {
  kind: string;
  encoding: SecretEncoding;
  /** 1-based line of the scanned text. */
  line: number;
}

interface SecretForm {
  secretIndex: number;
  encoding: SecretEncoding;
  text: string;
  /** Offset of the looked-up slice inside `text`. */
  keyOffset: number;
}

/**
 * Returns the encoded forms of a secret to search for besides the value itself. Base64 text of a
 * secret embedded in a larger value depends on the secret's byte offset modulo 3, so each of the
 * three alignments contributes the characters that only the secret's bytes determine.
 */
export function encodedForms(value: string): Array<{ encoding: SecretEncoding; text: string }> {
  const forms: Array<{ encoding: SecretEncoding; text: string }> = [];
  const urlEncoded = encodeURIComponent(value);
  if (urlEncoded !== value) forms.push({ encoding: 'url-encoded', text: urlEncoded });
  const bytes = Buffer.from(value, 'utf8');
  for (let alignment = 0; alignment < 3; alignment += 1) {
    const encoded = Buffer.concat([Buffer.alloc(alignment), bytes]).toString('base64');
    // Characters carry 6 bits each: skip those mixed with the padding bytes in front and the
    // last one when it is mixed with whatever follows the secret.
    const start = Math.ceil((alignment * 8) / 6);
    const end = Math.floor(((alignment + bytes.length) * 8) / 6);
    const fragment = encoded.slice(start, end);
    forms.push({ encoding: 'base64', text: fragment });
    const urlFragment = fragment.replaceAll('+', '-').replaceAll('/', '_');
    if (urlFragment !== fragment) forms.push({ encoding: 'base64url', text: urlFragment });
  }
  return forms;
}

export class SecretScanner {
  /** Secrets searched for. */
  readonly checkedCount: number;
  /** Secrets shorter than MIN_SECRET_LENGTH, not searched for. */
  readonly skippedCount: number;
  private readonly secrets: LedgerSecret[];
  private readonly formsByKey = new Map<string, SecretForm[]>();
  /** 1 for every UTF-16 code unit that occurs in some key slice; a window with any other unit cannot match. */
  private readonly keyUnits = new Uint8Array(65_536);

  constructor(secrets: readonly LedgerSecret[]) {
    this.secrets = secrets.filter((secret) => secret.value.length >= MIN_SECRET_LENGTH);
    this.checkedCount = this.secrets.length;
    this.skippedCount = secrets.length - this.secrets.length;
    this.secrets.forEach((secret, secretIndex) => {
      this.addForm(secretIndex, 'exact', secret.value);
      if (secret.value.length <= MIN_SECRET_LENGTH) return;
      for (const form of encodedForms(secret.value)) this.addForm(secretIndex, form.encoding, form.text);
    });
  }

  /** Returns one hit per secret and line of `text` that contains it in any form. */
  scan(text: string, firstLine = 1): SecretHit[] {
    const hits: SecretHit[] = [];
    const seen = new Set<string>();
    let line = firstLine;
    let runStart = 0;
    for (let index = 0; index < text.length; index += 1) {
      const unit = text.charCodeAt(index);
      if (unit === 10) line += 1;
      if (this.keyUnits[unit] === 0) {
        runStart = index + 1;
        continue;
      }
      if (index - runStart + 1 < KEY_LENGTH) continue;
      const keyStart = index - KEY_LENGTH + 1;
      const candidates = this.formsByKey.get(text.slice(keyStart, index + 1));
      if (!candidates) continue;
      for (const form of candidates) {
        const start = keyStart - form.keyOffset;
        if (start < 0 || !text.startsWith(form.text, start)) continue;
        const secret = this.secrets[form.secretIndex]!;
        const hitLine = line - countNewlines(text, start, index);
        const id = `${form.secretIndex}:${hitLine}`;
        if (seen.has(id)) continue;
        seen.add(id);
        hits.push({ kind: secret.kind, encoding: form.encoding, line: hitLine });
      }
    }
    return hits;
  }

  /** Scans a file line by line and returns its hits and its size in bytes. */
  async scanFile(file: string): Promise<{ hits: SecretHit[]; bytes: number }> {
    const hits: SecretHit[] = [];
    let bytes = 0;
    let lineNumber = 0;
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    for await (const line of lines) {
      lineNumber += 1;
      bytes += Buffer.byteLength(line) + 1;
      hits.push(...this.scan(line, lineNumber));
    }
    return { hits, bytes };
  }

  private addForm(secretIndex: number, encoding: SecretEncoding, text: string): void {
    if (text.length < KEY_LENGTH) return;
    // A slice from the middle: token prefixes (`APP_USR-`, `shpat_`) are shared by many secrets.
    const keyOffset = Math.floor((text.length - KEY_LENGTH) / 2);
    const key = text.slice(keyOffset, keyOffset + KEY_LENGTH);
    const forms = this.formsByKey.get(key) ?? [];
    forms.push({ secretIndex, encoding, text, keyOffset });
    this.formsByKey.set(key, forms);
    for (let index = 0; index < key.length; index += 1) this.keyUnits[key.charCodeAt(index)] = 1;
  }
}

/** Counts line feeds in text[from, to], to find the line a hit's first character is on. */
function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let index = from + 1; index <= to; index += 1) if (text.charCodeAt(index) === 10) count += 1;
  return count;
}
