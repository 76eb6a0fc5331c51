import argon2 from 'argon2';
import { ARGON2_OPTIONS, createPasswords, DUMMY_HASH, passwordProblem } from '../../../src/identity/passwords.js';
import { HttpProblem } from '../../../src/http/problem.js';

const passwords = createPasswords();

describe('password policy (NIST 800-63B)', () => {
  it('accepts 8 to 256 characters with no composition rules', () => {
    expect(passwordProblem('aaaaaaaa')).toBeNull();
    expect(passwordProblem('correct horse battery staple')).toBeNull();
    expect(passwordProblem('x'.repeat(256))).toBeNull();
  });
  it('refuses shorter than 8 and longer than 256', () => {
    expect(passwordProblem('short')).toMatch(/at least 8/);
    expect(passwordProblem('x'.repeat(257))).toMatch(/at most 256/);
    expect(passwordProblem(undefined)).toMatch(/string/);
  });
  it('counts characters, not UTF-16 units', () => {
    expect(passwordProblem('🔑🔑🔑🔑🔑🔑🔑')).toMatch(/at least 8/); // 7 characters, 14 code units
    expect(passwordProblem('🔑'.repeat(200))).toBeNull(); // 200 characters, 400 code units
  });
});

describe('argon2id hashing', () => {
  it('hashes with argon2id at or above the OWASP minimum', async () => {
    const hash = await passwords.hash('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$/);
    const params = Object.fromEntries(hash.split('$')[3].split(',').map((kv) => kv.split('=')));
    expect(Number(params.m)).toBeGreaterThanOrEqual(19456);
    expect(Number(params.t)).toBeGreaterThanOrEqual(2);
    expect(Number(params.p)).toBeGreaterThanOrEqual(1);
    expect(await passwords.verify(hash, 'correct horse battery staple')).toBe(true);
    expect(await passwords.verify(hash, 'correct horse battery stapl')).toBe(false);
  });
  it('salts: the same password hashes differently each time', async () => {
    expect(await passwords.hash('same password')).not.toBe(await passwords.hash('same password'));
  });
  it('refuses to hash a password that breaks the policy', async () => {
    await expect(passwords.hash('short')).rejects.toBeInstanceOf(HttpProblem);
  });
  it('treats canonically equivalent Unicode as the same password', async () => {
    const hash = await passwords.hash('caf\u00e9-password'); // precomposed é
    expect(await passwords.verify(hash, 'cafe\u0301-password')).toBe(true); // e + combining acute
  });
  it('answers false, not an exception, for a malformed stored hash', async () => {
    expect(await passwords.verify('not-a-phc-string', 'whatever1')).toBe(false);
  });
  it('keeps the dummy hash on the current parameters, so unknown users cost a real verification', () => {
    expect(DUMMY_HASH.startsWith('$argon2id$')).toBe(true);
    expect(argon2.needsRehash(DUMMY_HASH, ARGON2_OPTIONS)).toBe(false);
    expect(passwords.needsRehash(DUMMY_HASH)).toBe(false);
  });
  it('flags hashes made with weaker parameters for rehashing', async () => {
    const weak = await argon2.hash('some password', { type: argon2.argon2id, memoryCost: 4096, timeCost: 1, parallelism: 1 });
    expect(passwords.needsRehash(weak)).toBe(true);
    expect(await passwords.verify(weak, 'some password')).toBe(true);
  });
});
