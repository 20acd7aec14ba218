import test from 'ava';
import { specDigest, specHash } from '../../../core/reconcile/desired.js';
import { plainJson, stableJson } from '../../../core/stable-json.js';
import { desiredOne } from '../helpers/contexts.js';

const CONFIG = {
  services: {
    db: {
      image: 'postgres:16',
      command: ['postgres', '-c', 'fsync=off'],
      ports: { sql: 5432, admin: 8080 },
      env: { POSTGRES_PASSWORD: 'x', ÄPFEL: 'ü"\\', A: 1 },
      volumes: { data: '/var/lib/postgresql/data' },
    },
  },
};

// Values computed by the encoder before it was shared with the validated-config cache.
// An existing container's config-hash label must keep matching: if these change, every
// container cidx ever made would be recreated on the next apply.
test('the config hash of a known spec is the one earlier versions wrote on containers', async (t) => {
  const service = await desiredOne(CONFIG, 'db', { configFile: '/work/example-project/cidx.config.ts' });
  t.is(specHash(service.spec), 'b849ec9a2aab664b');
  t.is(specDigest(service.spec), 'image=f51b8e;command=2c4003;env=76316c;ports=09ddc7;bind=882704;volumes=e41921;network=5071b7;labels=44136f');
});

test('equal data encodes equally whatever the key order, undefined members left out', (t) => {
  t.is(stableJson({ b: [1, undefined, { z: 1, a: null }], a: 'x', c: undefined }), '{"a":"x","b":[1,null,{"a":null,"z":1}]}');
  t.is(stableJson({ é: 1, e: 2, Z: 3 }), '{"Z":3,"e":2,"é":1}');
});

test('data holding a function or a class instance has no canonical JSON', (t) => {
  t.is(plainJson({ a: () => 1 }), undefined);
  t.is(plainJson({ a: new (class Thing {})() }), undefined);
  t.is(plainJson(Object.assign(Object.create(null) as object, { a: 1 })), '{"a":1}');
  t.throws(() => stableJson({ a: 1n }));
});
