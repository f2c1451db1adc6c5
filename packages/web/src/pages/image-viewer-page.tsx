/**
 * A study on screen: `/images/studies/:study`, reached from an item that has
 * it attached (`?exchange=`), whose other studies can be compared beside it
 * (`?compare=`), and whose reader marks the image on screen as a キー画像.
 */
import type { ExchangeDetail, ExchangeKeyImage, Me } from '@renkei/api';
import { Anchor, Button, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { api } from '../api.js';
import { ImageViewer, type ShownImage } from '../image-viewer/image-viewer.js';
import { StudyDownload, StudyExport } from '../image-viewer/study-transfer.js';
import { errorText } from '../refusal-text.js';
import { mayMarkKeyImagesOnScreen } from './exchange-page.js';

export function ImageViewerPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const { study = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const exchangeId = params.get('exchange');
  const compare = params.get('compare') || null;
  const queryClient = useQueryClient();
  const item = useQuery({ queryKey: ['exchange', exchangeId], queryFn: () => api<ExchangeDetail>('GET', `/api/exchanges/${exchangeId}`), enabled: exchangeId != null });
  const canMark = item.data != null && mayMarkKeyImagesOnScreen(me, item.data);
  const keyImages = useQuery({
    queryKey: ['exchange-key-images', exchangeId],
    queryFn: async () => (await api<{ items: ExchangeKeyImage[] }>('GET', `/api/exchanges/${exchangeId}/key-images`)).items,
    enabled: canMark,
  });
  const [shown, setShown] = useState<ShownImage | null>(null);
  const mark = useMutation({
    mutationFn: (image: ShownImage) =>
      api('POST', `/api/exchanges/${exchangeId}/key-images`, { studyInstanceUid: image.study, seriesInstanceUid: image.series, sopInstanceUid: image.sopInstanceUid, frame: image.frame }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['exchange-key-images', exchangeId] }),
  });
  const studies = item.data ? [study, ...item.data.studies.filter((s) => s !== study)] : [study];
  // The series on screen, when it is of this study (not of the one compared beside it).
  const shownSeries = shown?.study === study ? shown.series : null;
  const alreadyMarked = shown != null && (keyImages.data ?? []).some((k) => k.sopInstanceUid === shown.sopInstanceUid && k.frame === shown.frame);

  const markButton = canMark && (
    <Group gap="xs">
      <Button size="compact-xs" color="orange" disabled={shown == null || alreadyMarked} loading={mark.isPending} onClick={() => shown && mark.mutate(shown)} data-testid="viewer-mark-key-image">
        {alreadyMarked ? t('imageViewer.keyImageAlready') : t('imageViewer.keyImage')}
      </Button>
      {mark.isError && <Text size="xs" c="red" data-testid="viewer-mark-error">{errorText(mark.error)}</Text>}
    </Group>
  );
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Title order={4}>{t('imageViewer.title')}</Title>
        {exchangeId && (
          <Anchor component={Link} to={`/exchanges/${encodeURIComponent(exchangeId)}`} size="sm" data-testid="viewer-back">
            {t('imageViewer.back')}
          </Anchor>
        )}
      </Group>
      <Group gap="lg" className="no-print">
        <StudyDownload study={study} series={shownSeries} />
        <StudyExport study={study} series={shownSeries} />
      </Group>
      <ImageViewer
        key={study}
        studies={studies}
        compare={compare}
        onCompare={(next) => setParams((old) => {
          const copy = new URLSearchParams(old);
          if (next) copy.set('compare', next);
          else copy.delete('compare');
          return copy;
        })}
        onShown={setShown}
        toolbarExtra={markButton}
      />
    </Stack>
  );
}
