/**
 * Derives the JSON Schema editors use (`schemas/cidx.config.schema.json`)
 * from the zod schema, so the two can never disagree. `npm run schema`
 * rewrites the file; a test fails when the checked-in copy is stale.
 */
import { z } from 'zod';
import { configSchema } from './config.js';

export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    $id: 'https://cidx.dev/schemas/cidx.config.schema.json',
    title: 'cidx config',
    description: 'Services a repository needs, for `cidx apply`. Host ports are chosen by the container runtime.',
    ...Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema')),
  };
}

export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
