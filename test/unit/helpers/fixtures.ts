import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** test/fixtures/json, found from dist/test/unit/helpers (tsc does not copy JSON fixtures). */
const JSON_DIR = new URL('../../../../test/fixtures/json/', import.meta.url);

export function fixtureText(name: string): string {
  return readFileSync(fileURLToPath(new URL(name, JSON_DIR)), 'utf8');
}

export function fixtureJson<T>(name: string): T {
  return JSON.parse(fixtureText(name)) as T;
}
