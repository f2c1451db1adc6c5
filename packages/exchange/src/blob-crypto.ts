import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Attached files at rest: AES-256-GCM under a key derived from the server's
 * secret for this purpose alone, so that no store holds it. Stored as
 * nonce ‖ tag ‖ ciphertext.
 */
export function blobKey(serverEncryptionKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', serverEncryptionKey, 'renkei', 'exchange blobs v1', 32));
}

export function sealBlob(key: Buffer, content: Buffer): Buffer {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const sealed = Buffer.concat([cipher.update(content), cipher.final()]);
  return Buffer.concat([nonce, cipher.getAuthTag(), sealed]);
}

export function openBlob(key: Buffer, stored: Uint8Array): Buffer {
  const bytes = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
  decipher.setAuthTag(bytes.subarray(12, 28));
  return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]);
}

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
