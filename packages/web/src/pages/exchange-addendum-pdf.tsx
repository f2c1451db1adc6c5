/**
 * 追記 PDF: the link to an addendum's document (the report before it and the
 * addenda up to it) with the SHA-256 kept when it was signed. Addenda stored
 * before their PDFs were kept show no link.
 */
import type { ExchangeText } from '@renkei/api';
import { Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { PdfDownload } from '../components/pdf-download.js';

/** `number`: 1 for the item's first addendum. */
export function ExchangeAddendumPdf({ itemId, number, text }: { itemId: string; number: number; text: ExchangeText }) {
  const { t } = useTranslation();
  if (!text.pdfSha256) return null;
  return (
    <Group gap="xs">
      <PdfDownload href={`/api/exchanges/${itemId}/addenda/${number}.pdf`} filename={`renkei-${itemId}-addendum-${number}.pdf`} testId={`addendum-pdf-${number}`}>
        {t('exchange.detail.addendumPdf', { number })}
      </PdfDownload>
      <Text size="xs" ff="monospace" data-testid={`addendum-sha256-${number}`}>
        {t('exchange.detail.sha256')} {text.pdfSha256}
      </Text>
    </Group>
  );
}

/** Each addendum's number among the item's texts (1 for the first). */
export function addendumNumbers(texts: readonly ExchangeText[]): Map<ExchangeText, number> {
  let n = 0;
  return new Map(texts.filter((x) => x.kind === 'addendum').map((x) => [x, ++n]));
}
