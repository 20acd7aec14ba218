import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The compiled modules: type-only imports are gone from them, as they are at run time.
const SCHEMAS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../schemas');

test('schemas/ imports nothing from core/ at run time, so core/ can import the schema without a cycle', (t) => {
  const modules = readdirSync(SCHEMAS).filter((file) => file.endsWith('.js'));
  t.true(modules.length > 2);
  for (const file of modules) {
    const source = readFileSync(path.join(SCHEMAS, file), 'utf8');
    const imports = [...source.matchAll(/from\s+['"]([^'"]+)['"]/g)].map((match) => match[1]!);
    t.deepEqual(imports.filter((specifier) => specifier.includes('/core/') || specifier.startsWith('../core')), [], file);
  }
});
