import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/** A P-256 key pair standing in for one of GitHub's secret-scanning keys. */
export interface GitHubSigner {
  keyIdentifier: string;
  /** what the operator pastes into `secretScanning.github.publicKeys` */
  publicKey: { keyIdentifier: string; key: string };
  privateKey: KeyObject;
  /** the headers GitHub sends with `body`, signed as GitHub signs: ECDSA P-256, SHA-256, DER, base64 */
  headers(body: string): Record<string, string>;
}

export function githubSigner(keyIdentifier = 'a'.repeat(64)): GitHubSigner {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    keyIdentifier, privateKey,
    publicKey: { keyIdentifier, key: publicKey.export({ type: 'spki', format: 'pem' }).toString() },
    headers: (body) => ({
      'Content-Type': 'application/json',
      'Github-Public-Key-Identifier': keyIdentifier,
      'Github-Public-Key-Signature': sign('sha256', Buffer.from(body), { key: privateKey, dsaEncoding: 'der' }).toString('base64'),
    }),
  };
}

/** A body as GitHub sends it: one match per token. */
export function reportBody(tokens: string[], url = 'https://github.com/octo/app/blob/4f1e0c2/config/prod.env'): string {
  return JSON.stringify(tokens.map((token) => ({ token, type: 'gatehouse_api_key', url, source: 'content' })));
}
