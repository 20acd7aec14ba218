import test from 'ava';

test('the web service answers at the URL cidx published', async (t) => {
  const url = process.env.CIDX_WEB_HTTP_URL;
  if (!url) return t.fail('CIDX_WEB_HTTP_URL is set by the runner (run.mjs)');
  const response = await fetch(url);
  t.is(response.status, 200);
  t.is(await response.text(), 'hello from ava');
});
