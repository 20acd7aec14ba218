/**
 * `cidx import [compose-file]`: converts a Docker Compose file into a
 * cidx.config.ts beside it (or prints it with --stdout). Never overwrites a
 * config without --force. Exits 0 when everything converted, 1 when a
 * setting was left out (each is listed with the reason).
 */
import { existsSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CONFIG_FILES } from '../../core/config/load.js';
import { CidxError, ExitCode } from '../../core/errors.js';
import { convertCompose, parseCompose } from '../import/compose.js';
import { emitConfig } from '../import/emit.js';
import type { CommandContext } from '../context.js';
import { messages } from '../messages.js';

/** The names Compose itself looks for, in its order. */
export const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

/** The file named, or Compose's own file names in the directory named (default: the current one). */
function composeFile(args: string[]): string {
  if (args.length > 1) throw new CidxError('USAGE', `cidx import takes one Compose file, got ${args.length}`);
  const named = args[0] ? path.resolve(args[0]) : undefined;
  if (named && !existsSync(named)) throw new CidxError('COMPOSE_NOT_FOUND', `no such file: ${named}`);
  if (named && !statSync(named).isDirectory()) return named;
  const dir = named ?? process.cwd();
  const found = COMPOSE_FILES.map((name) => path.join(dir, name)).find((file) => existsSync(file));
  if (!found) throw new CidxError('COMPOSE_NOT_FOUND', `no Compose file in ${dir} (looked for ${COMPOSE_FILES.join(', ')})`);
  return found;
}

async function read(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new CidxError('COMPOSE_NOT_FOUND', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
}

export async function importCompose(context: CommandContext): Promise<number> {
  const { options } = context;
  const file = composeFile(context.args);
  const text = await read(file);
  const conversion = convertCompose(parseCompose(text, file), { directoryName: path.basename(path.dirname(file)) });
  const source = emitConfig(conversion, { source: path.basename(file) });
  const target = options.config ? path.resolve(options.config) : path.join(path.dirname(file), 'cidx.config.ts');

  if (options.stdout) process.stdout.write(source);
  else {
    const existing = [target, ...CONFIG_FILES.filter((name) => name !== 'package.json').map((name) => path.join(path.dirname(target), name))].find((candidate) => existsSync(candidate));
    if (existing && !options.force) {
      throw new CidxError('USAGE', `a config exists already: ${existing}`, { hint: 'Pass --force to overwrite it, or --stdout to print the imported config instead.' });
    }
    await writeFile(target, source);
  }

  if (options.json) {
    const report = { file, ...(options.stdout ? {} : { written: target }), services: conversion.services, skipped: conversion.skipped };
    // With --stdout the config owns stdout: the report goes to stderr.
    (options.stdout ? process.stderr : process.stdout).write(`${JSON.stringify(report)}\n`);
  } else {
    for (const entry of conversion.skipped) context.log(messages.importSkipped(entry));
    context.log(messages.importDone(options.stdout ? undefined : target, conversion.services.length, conversion.skipped.length));
  }
  return conversion.skipped.length ? ExitCode.failure : ExitCode.ok;
}
