import type { MyNumberChallenge, MyNumberSignature } from '@renkei/api';
import { api, ApiError } from './api.js';

/**
 * Has the My Number card on this PC's reader sign a fresh challenge: the server
 * makes the challenge, the card helper (renkei-card-helper, on loopback) asks
 * the card to sign it with the PIN the patient typed. The PIN goes to the
 * helper only, never to the server.
 */
export async function signWithMyNumberCard(purpose: 'bind' | 'identify' | 'present', pin: string, helperUnreachable: string): Promise<MyNumberSignature> {
  const { challenge, helperUrl } = await api<MyNumberChallenge>('POST', '/api/my-number/challenge', { purpose });
  let response: Response;
  try {
    response = await fetch(`${helperUrl}/v1/sign`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ challenge, pin }) });
  } catch {
    throw new ApiError(0, 'helper-unreachable', helperUnreachable);
  }
  const body = (await response.json().catch(() => undefined)) as { certificate: string; signature: string; error?: { code: string; message: string } } | undefined;
  if (!response.ok || !body) throw new ApiError(response.status, body?.error?.code ?? 'helper', body?.error?.message ?? helperUnreachable);
  return { challenge, certificate: body.certificate, signature: body.signature };
}
