import test from 'ava';
import { stripLegacySettings } from '../../../../core/config/legacy.js';

test('strips the v2 port blocks and *_port keys, one warning each, and keeps the rest', (t) => {
  const input = { project_ports: { qdrant: 6333 }, qdrant_port: 6333, ollama_port: 11434, services: { q: { image: 'q' } }, bind: '0.0.0.0' };
  const { config, warnings } = stripLegacySettings(input);
  t.deepEqual(config, { services: { q: { image: 'q' } }, bind: '0.0.0.0' });
  t.is(warnings.length, 3);
  t.true(warnings[0]!.startsWith('`project_ports` is ignored'));
  t.true(warnings.every((warning) => warning.includes('preferredPorts')), 'each *_port warning teaches preferredPorts');
});

test('registry blocks get the "registry no longer exists" warning', (t) => {
  const { warnings } = stripLegacySettings({ port_registry: {}, globalRegistry: {}, services: {} });
  t.is(warnings.length, 2);
  for (const warning of warnings) t.regex(warning, /global port registry no longer exists/);
});

test('does not mutate the input', (t) => {
  const input = { qdrant_port: 1, services: {} };
  stripLegacySettings(input);
  t.deepEqual(input, { qdrant_port: 1, services: {} });
});

test('non-objects pass through without warnings', (t) => {
  for (const input of [null, undefined, 42, 'x', [1, 2]]) {
    const result = stripLegacySettings(input);
    t.is(result.config, input);
    t.deepEqual(result.warnings, []);
  }
});

test('keys that only look similar are left for the schema to judge', (t) => {
  const { config, warnings } = stripLegacySettings({ preferredPorts: {}, Qdrant_Port: 1, port: 1 });
  t.deepEqual(config, { preferredPorts: {}, Qdrant_Port: 1, port: 1 });
  t.deepEqual(warnings, []);
});
