import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id with OWASP's recommended minimum (19 MiB memory, 2 iterations, 1 lane): about 6 ms
 * per verification on one core of the development machine (measured), which bounds guessing
 * without letting logins exhaust the server. docs/authentication.md lists them.
 */
export const argon2Parameters = { algorithm: 2 /* Algorithm.Argon2id: a const enum, unreachable under verbatimModuleSyntax */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string) => hash(password, argon2Parameters);

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// Verified against when the email is unknown, so both failures cost the same time.
let decoyHash: Promise<string> | null = null;
export const decoyPasswordHash = () => (decoyHash ??= hashPassword('decoy password that matches nothing'));
