import test from 'ava';
import { specDigest, specHash } from '../../../core/reconcile/desired.js';
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
