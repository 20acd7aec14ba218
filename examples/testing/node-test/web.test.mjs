import assert from 'node:assert/strict';
import test from 'node:test';

test('the web service answers at the URL cidx published', async () => {
  const url = process.env.CIDX_WEB_HTTP_URL;
  assert.ok(url, 'CIDX_WEB_HTTP_URL is set by the global setup (run.mjs)');
  const response = await fetch(url);
  assert.equal(response.status, 200);
  assert.equal(await response.text(), 'hello from node:test');
});
