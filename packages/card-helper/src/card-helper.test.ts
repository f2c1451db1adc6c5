import { X509Certificate, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestJpki, startCardHelper, TEST_CARD_PIN, type TestCard, type TestJpki } from './testing.js';

const ORIGIN = 'https://renkei.test:8443';
const CHALLENGE = `renkei-jpki:v1:present:${'A'.repeat(43)}`;

describe('renkei-card-helper on a SoftHSM2 card', () => {
  let jpki: TestJpki;
  let card: TestCard;
  let helper: { url: string; stop: () => Promise<void> };
  const post = (body: unknown, origin = ORIGIN) =>
    fetch(`${helper.url}/v1/sign`, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    jpki = await createTestJpki();
    card = await jpki.issueCard();
    helper = await startCardHelper(card, [ORIGIN]);
  }, 60_000);

  afterAll(async () => {
    await helper?.stop();
    await jpki?.remove();
  });

  it('signs a Renkei challenge with the card key, and hands over the user-authentication certificate', async () => {
    const response = await post({ challenge: CHALLENGE, pin: TEST_CARD_PIN });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const { certificate, signature } = (await response.json()) as { certificate: string; signature: string };
    const cert = new X509Certificate(Buffer.from(certificate, 'base64'));
    expect(cert.serialNumber.toLowerCase().replace(/^0+/, '')).toBe(card.serial.replace(/^0+/, ''));
    expect(verify('sha256', Buffer.from(CHALLENGE), cert.publicKey, Buffer.from(signature, 'base64'))).toBe(true);
  });

  it('answers the private-network preflight for the allowed origin only', async () => {
    const preflight = await fetch(`${helper.url}/v1/sign`, { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-private-network': 'true' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-private-network')).toBe('true');
    const foreign = await fetch(`${helper.url}/v1/sign`, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses another origin, anything but a Renkei challenge, a malformed PIN and a wrong PIN', async () => {
    expect((await post({ challenge: CHALLENGE, pin: TEST_CARD_PIN }, 'https://evil.example')).status).toBe(403);
    const notRenkei = await post({ challenge: 'please sign this contract', pin: TEST_CARD_PIN });
    expect(notRenkei.status).toBe(400);
    expect(((await notRenkei.json()) as { error: { code: string } }).error.code).toBe('not-a-renkei-challenge');
    expect((await post({ challenge: CHALLENGE, pin: '12' })).status).toBe(400);
    const wrong = await post({ challenge: CHALLENGE, pin: '9999' });
    expect(wrong.status).toBe(403);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('pin-incorrect');
  });

  it('reports whether a card is in the reader', async () => {
    const status = await fetch(`${helper.url}/v1/status`, { headers: { origin: ORIGIN } });
    expect(await status.json()).toEqual({ card: true });
  });
});
