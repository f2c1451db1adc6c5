import { writeFile } from 'node:fs/promises';
import QRCode from 'qrcode';

/**
 * A Y4M video (what chromium's fake camera plays) showing `text` as a QR code
 * on a white card, as a phone or tablet camera would see a Renkei card.
 */
export async function writeQrVideo(file: string, text: string, frames = 10): Promise<void> {
  const width = 640;
  const height = 480;
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const modules = qr.modules.size;
  const scale = Math.floor(Math.min(width, height) * 0.8 / (modules + 8));
  const size = (modules + 8) * scale; // 4 modules of quiet zone on each side
  const left = Math.floor((width - size) / 2);
  const top = Math.floor((height - size) / 2);
  const luma = Buffer.alloc(width * height, 60); // a dark desk around the card
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const mx = Math.floor(x / scale) - 4;
      const my = Math.floor(y / scale) - 4;
      const dark = mx >= 0 && my >= 0 && mx < modules && my < modules && qr.modules.get(my, mx);
      luma[(top + y) * width + left + x] = dark ? 16 : 235;
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
  await writeFile(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`), ...Array.from({ length: frames }, () => frame)]));
}
