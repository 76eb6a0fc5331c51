import { startTestServer } from '../support/harness.js';
it('prints', async () => {
  const s = await startTestServer();
  const d = await (await fetch(`${s.url}/.well-known/openid-configuration`)).json();
  console.log(JSON.stringify(d, null, 1));
  await s.stop();
});
