import { expect, inject, test } from 'vitest';

test('the web service answers at the URL cidx published', async () => {
  const response = await fetch(inject('webUrl'));
  expect(response.status).toBe(200);
  expect(await response.text()).toBe('hello from vitest');
});
