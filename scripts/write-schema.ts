/** `npm run schema`: regenerates schemas/cidx.config.schema.json from the zod schema. */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { configJsonSchemaText } from '../schemas/json-schema.js';

const target = fileURLToPath(new URL('../../schemas/cidx.config.schema.json', import.meta.url));
await writeFile(target, configJsonSchemaText());
process.stdout.write(`wrote ${target}\n`);
