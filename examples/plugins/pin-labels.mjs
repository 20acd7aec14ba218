/**
 * pin-labels: a policy plugin that puts your organisation's labels on every
 * container cidx creates (owner, cost centre, a retention hint for a janitor
 * job), and optionally extra labels per service.
 *
 * Written only against cidx's public API, as plain JavaScript with JSDoc
 * types, so it runs without a build step and your editor still checks it.
 *
 *   // cidx.config.ts
 *   import { defineConfig } from 'cidx';
 *   import { pinLabels } from './pin-labels.mjs';
 *
 *   export default defineConfig({
 *     services: { qdrant: { image: 'qdrant/qdrant:v1.12.4', ports: { http: 6333 } } },
 *     plugins: [pinLabels({ labels: { 'com.example.team': 'search' }, services: { qdrant: { 'com.example.tier': 'db' } } })],
 *   });
 *
 * Labels are part of the container spec, and the spec is hashed: adding or
 * changing a label here makes the next `cidx apply` recreate the containers
 * it applies to (their volumes, and so their data, are kept).
 */
import { CidxError, definePlugin } from 'cidx';

const NAME = 'pin-labels';
/** cidx's own labels are its state (project, service, config hash): never let a policy overwrite them. */
const RESERVED = 'io.cidx.';

/**
 * @typedef {object} PinLabelsOptions
 * @property {Record<string, string>} [labels] Labels for every service's container. Default: none.
 * @property {Record<string, Record<string, string>>} [services] Extra labels per service name; they win over `labels`. Default: none.
 */

/**
 * @param {PinLabelsOptions} [options]
 * @returns {import('cidx').CidxPlugin}
 */
export function pinLabels(options = {}) {
  const common = options.labels ?? {};
  const perService = options.services ?? {};

  return definePlugin({
    name: NAME,
    apply(hooks) {
      // Checked when the plugin is applied: a CidxError thrown here reaches the
      // CLI as it is (code, message, hint, exit code 2), before anything runs.
      const reserved = [common, ...Object.values(perService)].flatMap((labels) => Object.keys(labels)).filter((key) => key.startsWith(RESERVED));
      if (reserved.length) {
        throw new CidxError('CONFIG_INVALID', `${NAME}: labels starting with "${RESERVED}" belong to cidx: ${[...new Set(reserved)].join(', ')}`, {
          hint: 'Use your own prefix, such as "com.example.".',
        });
      }

      // The config is validated by now: catch a typo in a service name early.
      hooks.afterConfigResolved.tap(NAME, ({ config }) => {
        const unknown = Object.keys(perService).filter((service) => !(service in config.services));
        if (unknown.length) {
          throw new CidxError('CONFIG_INVALID', `${NAME}: unknown service ${unknown.map((name) => `"${name}"`).join(', ')}`, {
            hint: `Known services: ${Object.keys(config.services).join(', ')}.`,
          });
        }
      });

      // Waterfall: receive the spec as earlier taps left it, return a new one
      // (never mutate it). Labels already on it, cidx's own or an earlier
      // plugin's, win over ours.
      hooks.resolveSpec.tap(NAME, (spec, { service }) => ({
        ...spec,
        labels: { ...common, ...perService[service], ...spec.labels },
      }));
    },
  });
}
