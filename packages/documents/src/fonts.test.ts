import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pdfDocument } from './pdf-document.js';
import { pdfText } from './testing.js';

describe('the PDF font', () => {
  it('is the complete BIZ UDGothic: Greek, half-width kana, circled numbers, units and the variant kanji of names print and read back', async () => {
    const { doc, done } = pdfDocument({ size: 'A4' });
    const line = 'αβγ ｱｲｳｴｵ ①② ℃ ㎎ 髙橋 山﨑';
    doc.font('body').text(line);
    doc.font('bold').text(line);
    doc.end();
    const text = pdfText(await done);
    expect(text.split('\n').filter((l) => l.includes('髙橋'))).toHaveLength(2);
    for (const part of line.split(' ')) expect(text).toContain(part);
  });

  it('stops with the package to install when the font files are missing', () => {
    // The built module (npm test builds first), in a process of its own: the folder is read when the module loads.
    const module = fileURLToPath(new URL('../dist/fonts.js', import.meta.url));
    let message = '';
    try {
      execFileSync(process.execPath, ['-e', `import(${JSON.stringify(module)}).then((m) => m.documentFonts())`], {
        env: { ...process.env, RENKEI_FONT_DIR: '/nonexistent-fonts' },
        stdio: 'pipe',
        encoding: 'utf8',
      });
    } catch (error) {
      message = String((error as { stderr: string }).stderr);
    }
    expect(message).toContain('/nonexistent-fonts/BIZUDGothic-Regular.ttf is missing: install Debian\'s fonts-morisawa-bizud-gothic');
  });
});
