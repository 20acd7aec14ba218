import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * AVA resolves `files` from the directory of the nearest package.json; this
 * names the tests next to this file from there, wherever that is.
 * @param {{ projectDir: string }} options
 */
export default ({ projectDir }) => ({
  files: [path.join(path.relative(projectDir, fileURLToPath(new URL('.', import.meta.url))), '*.test.mjs')],
});
