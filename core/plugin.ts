import type { CidxHooks } from './hooks.js';

/**
 * A cidx plugin: a name and a function that taps hooks. Write it as a factory
 * taking options and returning this object, as vite plugins do:
 *
 *   export const myPlugin = (opts = {}) => definePlugin({ name: 'my-plugin', apply(hooks) { … } });
 */
export interface CidxPlugin {
  /** Unique, used as the tap name in every hook it taps and in error messages. */
  name: string;
  apply(hooks: CidxHooks): void;
  /**
   * Keys this plugin adds to every service's config, each with the schema
   * that validates it: `{ swarm: swarmSectionSchema }` lets a service say
   * `swarm: { replicas: 2 }`. Problems are reported with the config's own
   * (`services.web.swarm.replicas: …`); the parsed value reaches taps as
   * `serviceConfig.swarm`. A key cidx itself uses, or one another plugin
   * owns, is refused. Declare the key in `ServiceSections` for editor help.
   * Default: none.
   */
  serviceSections?: Readonly<Record<string, SectionSchema>>;
}

/**
 * A schema in the Standard Schema shape (https://standardschema.dev), which
 * zod 4, valibot and arktype implement: a plugin brings its own validator
 * and version, and cidx needs none of them. Validation must be synchronous.
 */
export interface SectionSchema {
  readonly '~standard': {
    validate(value: unknown): SectionResult | Promise<SectionResult>;
  };
}

export type SectionResult =
  | { readonly value: unknown; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<{ readonly message: string; readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined }> };

export { definePlugin } from './define.js';
