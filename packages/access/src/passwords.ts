import { hash, verify } from '@node-rs/argon2';

// argon2id (the library's default variant) with OWASP's minimum memory cost.
const PARAMETERS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, PARAMETERS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A hash to verify against when the user does not exist, so that timing does not tell. */
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword('renkei decoy password');
  return decoyHash;
}

/** Staff passwords: at least 12 characters. Returns the reason a password is refused, if it is. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < 12) return 'パスワードは12文字以上にしてください';
  return undefined;
}
