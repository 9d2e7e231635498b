import 'reflect-metadata';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { onSandboxSecret } from '../../src/sandbox/shared/secrets.js';
import { observeFetchResponses, setCaptureLabel } from './capture.js';
import { recordSecret } from './secret-ledger.js';

// Runs in every test file's process before the file itself, so its captures carry the file's name
// and every secret a sandbox issues during the file lands in the run's secret ledger.
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const testPath = expect.getState().testPath;
if (testPath) setCaptureLabel(path.relative(projectRoot, testPath));

onSandboxSecret(({ marketplace, kind, value }) => recordSecret(`${marketplace} ${kind}`, value));
observeFetchResponses();
