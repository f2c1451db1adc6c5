/**
 * The helper's HTTP side: it listens on this PC's loopback only, answers only
 * the Renkei web app's origin (CORS, with the private-network preflight
 * Chromium asks for), and signs only Renkei challenges, so no other web page
 * can use the patient's card through it. The PIN goes from the browser to the
 * card on this PC and nowhere else.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { CardError, type CardSignature } from './pkcs11-card.js';

/** What the server asks to be signed: a purpose and 256 random bits (see the server's my-number challenges). */
export const CHALLENGE_PATTERN = /^renkei-jpki:v1:(bind|identify|present):[A-Za-z0-9_-]{43}$/;

export interface SigningCard {
  present(): boolean;
  sign(pin: string, data: Uint8Array): CardSignature;
}

export interface HelperOptions {
  /** The Renkei web app's origins, e.g. https://renkei.example.jp:8443. */
  origins: readonly string[];
}

const PIN_PATTERN = /^\d{4}$/;
const MAX_BODY = 4096;

export function createHelperServer(card: SigningCard, options: HelperOptions): Server {
  const allowed = new Set(options.origins);
  return createServer((request, response) => {
    const origin = request.headers.origin;
    if (!origin || !allowed.has(origin)) return send(response, 403, { error: { code: 'origin-not-allowed', message: 'この画面からはカードを利用できません' } });
    response.setHeader('Access-Control-Allow-Origin', origin);
    response.setHeader('Vary', 'Origin');
    if (request.method === 'OPTIONS') {
      response.setHeader('Access-Control-Allow-Methods', 'GET, POST');
      response.setHeader('Access-Control-Allow-Headers', 'content-type');
      response.setHeader('Access-Control-Allow-Private-Network', 'true');
      response.setHeader('Access-Control-Max-Age', '600');
      return send(response, 204);
    }
    if (request.method === 'GET' && request.url === '/v1/status') return send(response, 200, { card: safely(() => card.present(), false) });
    if (request.method === 'POST' && request.url === '/v1/sign') return void sign(card, request, response);
    return send(response, 404, { error: { code: 'not-found', message: 'not found' } });
  });
}

async function sign(card: SigningCard, request: IncomingMessage, response: ServerResponse): Promise<void> {
  let body: { challenge?: unknown; pin?: unknown };
  try {
    body = JSON.parse(await readBody(request)) as typeof body;
  } catch {
    return send(response, 400, { error: { code: 'bad-request', message: '要求が正しくありません' } });
  }
  if (typeof body.challenge !== 'string' || !CHALLENGE_PATTERN.test(body.challenge)) {
    return send(response, 400, { error: { code: 'not-a-renkei-challenge', message: '連携サーバーの認証要求ではないため署名しません' } });
  }
  if (typeof body.pin !== 'string' || !PIN_PATTERN.test(body.pin)) {
    return send(response, 400, { error: { code: 'pin-format', message: '利用者証明用の暗証番号（数字4桁）を入力してください' } });
  }
  try {
    const signed = card.sign(body.pin, Buffer.from(body.challenge, 'utf8'));
    return send(response, 200, { certificate: signed.certificate.toString('base64'), signature: signed.signature.toString('base64') });
  } catch (error) {
    const failure = error instanceof CardError ? error : new CardError('card-error');
    return send(response, failure.code === 'pin-incorrect' || failure.code === 'pin-locked' ? 403 : 409, { error: { code: failure.code, message: failure.message } });
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body?: unknown): void {
  response.statusCode = status;
  response.setHeader('Cache-Control', 'no-store');
  if (body === undefined) return void response.end();
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.end(JSON.stringify(body));
}

function safely<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}
