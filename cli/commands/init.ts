/** `cidx init`: writes a commented cidx.config.ts; never overwrites one without --force. */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CONFIG_FILES } from '../../core/config/load.js';
import { CidxError, ExitCode } from '../../core/errors.js';
import type { CommandContext } from '../context.js';
import { initConfig } from '../templates/init-config.js';

export async function init(context: CommandContext): Promise<number> {
  const target = path.resolve(context.options.config ?? 'cidx.config.ts');
  const existing = CONFIG_FILES.filter((name) => name !== 'package.json')
    .map((name) => path.join(path.dirname(target), name))
    .find((file) => existsSync(file));
  if (existing && !context.options.force) {
    throw new CidxError('USAGE', `a config exists already: ${existing}`, { hint: 'Edit it, or pass --force to overwrite it with the template.' });
  }
  await writeFile(target, initConfig);
  process.stdout.write(`${context.options.json ? JSON.stringify({ written: target }) : `wrote ${target}; next: cidx plan, then cidx apply`}\n`);
  return ExitCode.ok;
}
