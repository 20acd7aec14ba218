/**
 * port-range: a policy plugin for the host ports cidx *asks* for. Preferred
 * ports from the config and remembered ones from the port cache are only
 * requests; this plugin drops the ones outside an allowed range (`enforce`),
 * or lets them through and logs every request (`audit`).
 *
 * Use it where some ports are off limits: a shared CI host that reserves
 * well-known ports for its own services, or a team rule that projects ask only
 * for ports in 20000-29999.
 *
 *   plugins: [portRange({ min: 20000, max: 29999 })]
 *
 * A port this plugin drops is not lost: the service gets a runtime-chosen port
 * instead, reported with `"fallback": true`. Runtime-chosen ports come from
 * the engine's ephemeral range (`/proc/sys/net/ipv4/ip_local_port_range` on
 * Linux), which no plugin controls.
 *
 * Written only against cidx's public API, as plain JavaScript with JSDoc
 * types, so it runs without a build step.
 */
import { CidxError, definePlugin } from 'cidx';

const NAME = 'port-range';

/**
 * @typedef {object} PortRangeOptions
 * @property {number} [min] Lowest host port that may be requested. Default: 1024.
 * @property {number} [max] Highest host port that may be requested. Default: 65535.
 * @property {'enforce' | 'audit'} [mode] `enforce` drops requests outside the range; `audit` keeps them and logs every request. Default: 'enforce'.
 * @property {(line: string) => void} [log] Where notes go. Default: the hook context's logger, which the CLI writes to stderr as `[port-range] …` (stdout stays clean for `--json`; a live progress display stays intact).
 */

/**
 * @param {PortRangeOptions} [options]
 * @returns {import('cidx').CidxPlugin}
 */
export function portRange(options = {}) {
  const { min = 1024, max = 65535, mode = 'enforce' } = options;
  const inRange = (/** @type {number} */ port) => port >= min && port <= max;

  return definePlugin({
    name: NAME,
    apply(hooks) {
      const valid = (/** @type {unknown} */ port) => Number.isInteger(port) && /** @type {number} */ (port) >= 1 && /** @type {number} */ (port) <= 65535;
      if (!valid(min) || !valid(max) || min > max || (mode !== 'enforce' && mode !== 'audit')) {
        throw new CidxError('CONFIG_INVALID', `${NAME}: expected 1 <= min <= max <= 65535 and mode 'enforce' or 'audit', got min ${min}, max ${max}, mode ${mode}`);
      }

      // The default stage runs after the built-ins (port-cache and
      // preferred-port-fallback, at STAGE.base) have added their candidates,
      // so this tap sees every request before it goes to the engine.
      hooks.requestPorts.tap(NAME, (requests, { service, logger }) => {
        const log = options.log ?? ((/** @type {string} */ line) => logger.info(line));
        return requests.map((request) => {
          const where = `${service.name}.${request.name}`;
          if (mode === 'audit') {
            const asked = request.candidates.map((candidate) => `${candidate.port} (${candidate.source}${inRange(candidate.port) ? '' : ', outside range'})`);
            log(`${where}: asking for ${[...asked, 'a runtime-chosen port'].join(', then ')}`);
            return request;
          }
          const outside = request.candidates.filter((candidate) => !inRange(candidate.port));
          if (outside.length === 0) return request;
          for (const candidate of outside) log(`${where}: not asking for ${candidate.port} (${candidate.source}): outside ${min}-${max}`);
          return { ...request, candidates: request.candidates.filter((candidate) => inRange(candidate.port)) };
        });
      });
    },
  });
}
