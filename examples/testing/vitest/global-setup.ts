/**
 * Vitest global setup: the stack comes up once for all test files, and
 * tests read its URL with `inject('webUrl')` (typed below). The returned
 * function is vitest's teardown.
 */
import { down, up } from 'cidx';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    webUrl: string;
  }
}

/** The project root is this directory, wherever vitest is run from. */
const config = new URL('./cidx.config.ts', import.meta.url);

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stack = await up({ config }).catch(async (error: unknown) => {
    await down({ config }); // a failed setup gets no teardown: leave nothing behind
    throw error;
  });
  project.provide('webUrl', stack.url('web', 'http'));
  return async () => {
    await stack.down();
  };
}
