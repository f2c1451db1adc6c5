/**
 * A study taken away: downloaded as a ZIP (DICOM files and a DICOMDIR, for a
 * PACS import or a CD burner) with a progress bar, resumed by byte range where
 * the line broke; or sent by C-STORE to a PACS of the user's own facility.
 * Each is audited by the server.
 */
import type { ExportTarget, StudyExportResult } from '@renkei/api';
import { Button, Checkbox, Group, Progress, Select, Text } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api.js';
import { errorText } from '../refusal-text.js';

interface Progressing {
  received: number;
  total: number;
  startedAt: number;
}

/** How often a broken download is taken up again from where it stopped. */
const RESUMES = 3;

async function refusal(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => undefined)) as { error?: { code: string; message: string } } | undefined;
  return new ApiError(response.status, body?.error?.code ?? 'network', body?.error?.message ?? `HTTP ${response.status}`);
}

/** Fetches the ZIP in full, resuming by Range (If-Range: the same ZIP, or from the start); reports each chunk. */
async function fetchZip(url: string, onProgress: (p: Progressing) => void): Promise<{ blob: Blob; fileName: string }> {
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  const startedAt = performance.now();
  let received = 0;
  let total = 0;
  let etag: string | null = null;
  let fileName = 'study.zip';
  for (let attempt = 0; ; attempt++) {
    try {
      const headers: Record<string, string> = received > 0 && etag ? { range: `bytes=${received}-`, 'if-range': etag } : {};
      const response = await fetch(url, { credentials: 'same-origin', headers });
      if (!response.ok) throw await refusal(response);
      if (response.status !== 206 && received > 0) {
        // The ZIP changed (or no range was granted): start again.
        chunks.length = 0;
        received = 0;
      }
      etag = response.headers.get('etag');
      const range = /\/(\d+)$/.exec(response.headers.get('content-range') ?? '');
      total = range ? Number(range[1]) : Number(response.headers.get('content-length') ?? 0);
      fileName = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? fileName;
      const reader = response.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value as Uint8Array<ArrayBuffer>);
        received += value.byteLength;
        onProgress({ received, total, startedAt });
      }
      if (total > 0 && received < total) throw new Error('cut short');
      return { blob: new Blob(chunks, { type: 'application/zip' }), fileName };
    } catch (error) {
      // A refusal is the answer, not a broken line: it is not tried again.
      if (error instanceof ApiError || attempt >= RESUMES) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * (attempt + 1)));
    }
  }
}

const mb = (bytes: number) => (bytes / 1_000_000).toFixed(1);

export function StudyDownload({ study, series }: { study: string; series: string | null }) {
  const { t } = useTranslation();
  const [onlySeries, setOnlySeries] = useState(false);
  const [progress, setProgress] = useState<Progressing | null>(null);
  const download = useMutation({
    mutationFn: async () => {
      const query = onlySeries && series ? `?series=${encodeURIComponent(series)}` : '';
      const { blob, fileName } = await fetchZip(`/api/images/studies/${encodeURIComponent(study)}/download${query}`, setProgress);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = fileName;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
    },
    onMutate: () => setProgress(null),
  });
  const percent = progress && progress.total > 0 ? (progress.received / progress.total) * 100 : 0;
  const seconds = progress ? (performance.now() - progress.startedAt) / 1000 : 0;
  return (
    <Group gap="xs" data-testid="study-download">
      <Button size="compact-xs" variant="light" loading={download.isPending} onClick={() => download.mutate()} data-testid="study-download-button">
        {t('imageViewer.download.button')}
      </Button>
      <Checkbox size="xs" label={t('imageViewer.download.onlySeries')} checked={onlySeries} onChange={(e) => setOnlySeries(e.currentTarget.checked)} disabled={!series} />
      {progress && (
        <Group gap={4} w={260} wrap="nowrap">
          <Progress value={percent} w={120} aria-label={t('imageViewer.download.progress')} data-testid="study-download-progress" data-received={progress.received} data-total={progress.total} />
          <Text size="xs" ff="monospace" style={{ whiteSpace: 'nowrap' }}>
            {t('imageViewer.download.figures', { received: mb(progress.received), total: mb(progress.total), speed: seconds > 0 ? mb(progress.received / seconds) : '-' })}
          </Text>
        </Group>
      )}
      {download.isSuccess && <Text size="xs" c="teal" data-testid="study-download-done">{t('imageViewer.download.done')}</Text>}
      {download.isError && <Text size="xs" c="red" data-testid="study-download-error">{errorText(download.error)}</Text>}
    </Group>
  );
}

export function StudyExport({ study, series }: { study: string; series: string | null }) {
  const { t } = useTranslation();
  const targets = useQuery({ queryKey: ['export-targets'], queryFn: async () => (await api<{ items: ExportTarget[] }>('GET', '/api/images/export-targets')).items, staleTime: 60_000 });
  const [peer, setPeer] = useState<string | null>(null);
  const [onlySeries, setOnlySeries] = useState(false);
  const send = useMutation({
    mutationFn: () => api<StudyExportResult>('POST', `/api/images/studies/${encodeURIComponent(study)}/export`, { peer, ...(onlySeries && series ? { series: [series] } : {}) }),
  });
  const list = targets.data ?? [];
  if (list.length === 0) return null;
  return (
    <Group gap="xs" data-testid="study-export">
      <Select size="xs" w={160} placeholder={t('imageViewer.export.peer')} aria-label={t('imageViewer.export.peer')} value={peer} onChange={setPeer} data={list.map((p) => ({ value: p.aeTitle, label: p.aeTitle }))} data-testid="study-export-peer" />
      <Checkbox size="xs" label={t('imageViewer.download.onlySeries')} checked={onlySeries} onChange={(e) => setOnlySeries(e.currentTarget.checked)} disabled={!series} />
      <Button size="compact-xs" variant="light" disabled={!peer} loading={send.isPending} onClick={() => send.mutate()} data-testid="study-export-button">
        {t('imageViewer.export.button')}
      </Button>
      {send.isSuccess && (
        <Text size="xs" c={send.data.failed > 0 ? 'orange' : 'teal'} data-testid="study-export-result">
          {t('imageViewer.export.result', { peer: send.data.peer, sent: send.data.sent, failed: send.data.failed })}
        </Text>
      )}
      {send.isError && <Text size="xs" c="red" data-testid="study-export-error">{errorText(send.error)}</Text>}
    </Group>
  );
}
