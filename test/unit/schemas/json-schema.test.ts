import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { configJsonSchema, configJsonSchemaText } from '../../../schemas/json-schema.js';

const checkedIn = fileURLToPath(new URL('../../../../schemas/cidx.config.schema.json', import.meta.url));

test('the checked-in JSON Schema matches the zod schema (run `npm run schema` to refresh it)', async (t) => {
  t.is(await readFile(checkedIn, 'utf8'), configJsonSchemaText());
});

test('the JSON Schema documents defaults and rejects unknown top-level keys', (t) => {
  const schema = configJsonSchema() as { properties: Record<string, { default?: unknown; description?: string }>; additionalProperties?: unknown; required?: string[] };
  t.is(schema.properties.bind?.default, '127.0.0.1');
  t.is(schema.properties.runtime?.default, 'auto');
  t.regex(schema.properties.preferredPorts?.description ?? '', /host ports/i);
  t.is(schema.additionalProperties, false);
  t.deepEqual(schema.required, ['services']);
});
