/**
 * キー画像 of an item: listed to whoever may open it, and marked by its reader
 * on the instances of the attached studies (found through QIDO-RS, which
 * answers only what the reader may see). The server checks every mark.
 */
import { Button, Card, Group, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExchangeKeyImage } from '@renkei/api';
import { api } from '../api.js';
import { errorText } from '../refusal-text.js';

type DicomJson = Record<string, { vr: string; Value?: unknown[] }>;
const first = (attributes: DicomJson, tag: string) => attributes[tag]?.Value?.[0];

interface InstanceRow {
  study: string;
  series: string;
  seriesNumber: string;
  seriesDescription: string;
  instance: string;
  instanceNumber: number;
}

/** Every instance of the studies, in series and image order. */
async function instancesOf(studies: string[]): Promise<InstanceRow[]> {
  // Every study's series, and every series' instances, asked for at once rather than one after another.
  const perStudy = await Promise.all(
    studies.map(async (study) => {
      const series = (await api<DicomJson[]>('GET', `/dicomweb/studies/${study}/series?includefield=0008103E`)) ?? [];
      const perSeries = await Promise.all(
        series.map(async (s) => {
          const seriesUid = String(first(s, '0020000E'));
          const instances = (await api<DicomJson[]>('GET', `/dicomweb/studies/${study}/series/${seriesUid}/instances?includefield=00200013`)) ?? [];
          return instances.map((i) => ({
            study,
            series: seriesUid,
            seriesNumber: String(first(s, '00200011') ?? ''),
            seriesDescription: String(first(s, '0008103E') ?? ''),
            instance: String(first(i, '00080018')),
            instanceNumber: Number(first(i, '00200013') ?? 0),
          }));
        }),
      );
      return perSeries.flat();
    }),
  );
  return perStudy.flat().sort((a, b) => a.seriesNumber.localeCompare(b.seriesNumber, 'ja', { numeric: true }) || a.instanceNumber - b.instanceNumber);
}

export function KeyImages({ itemId, studies, canMark }: { itemId: string; studies: string[]; canMark: boolean }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [note, setNote] = useState('');
  const keyImages = useQuery({
    queryKey: ['exchange-key-images', itemId],
    queryFn: async () => (await api<{ items: ExchangeKeyImage[] }>('GET', `/api/exchanges/${itemId}/key-images`)).items,
  });
  const instances = useQuery({ queryKey: ['exchange-instances', itemId], queryFn: () => instancesOf(studies), enabled: canMark });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['exchange-key-images', itemId] });
  const mark = useMutation({
    mutationFn: (row: InstanceRow) => api('POST', `/api/exchanges/${itemId}/key-images`, { studyInstanceUid: row.study, seriesInstanceUid: row.series, sopInstanceUid: row.instance, note: note.trim() }),
    onSuccess: () => refresh().then(() => setNote('')),
  });
  const remove = useMutation({ mutationFn: (keyId: string) => api('DELETE', `/api/exchanges/${itemId}/key-images/${keyId}`), onSuccess: refresh });
  const list = keyImages.data ?? [];
  const numbers = new Map((instances.data ?? []).map((row) => [row.instance, row]));
  const markedAs = new Map(list.map((k) => [k.sopInstanceUid, k]));
  const error = keyImages.error ?? instances.error ?? mark.error ?? remove.error;
  return (
    <Card withBorder data-testid="key-images">
      <Text fw={700}>{t('exchange.detail.keyImages.title')}</Text>
      {error && <Text c="red" size="sm" data-testid="key-images-error">{errorText(error)}</Text>}
      {list.length === 0 ? (
        <Text size="sm" c="dimmed">{t('exchange.detail.keyImages.none')}</Text>
      ) : (
        <Table fz="sm" data-testid="key-image-list">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('exchange.detail.keyImages.series')}</Table.Th>
              <Table.Th>{t('exchange.detail.keyImages.instance')}</Table.Th>
              <Table.Th>{t('exchange.detail.keyImages.frame')}</Table.Th>
              <Table.Th>{t('exchange.detail.keyImages.note')}</Table.Th>
              <Table.Th>{t('exchange.detail.keyImages.markedAt')}</Table.Th>
              {canMark && <Table.Th />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((k) => {
              const row = numbers.get(k.sopInstanceUid);
              return (
                <Table.Tr key={k.id}>
                  <Table.Td>{row ? `${row.seriesNumber} ${row.seriesDescription}` : ''}</Table.Td>
                  <Table.Td ff={row ? undefined : 'monospace'}>{row ? row.instanceNumber : k.sopInstanceUid}</Table.Td>
                  <Table.Td>{k.frame}</Table.Td>
                  <Table.Td>{k.note}</Table.Td>
                  <Table.Td>{new Date(k.markedAt).toLocaleString('ja-JP')}</Table.Td>
                  {canMark && (
                    <Table.Td>
                      <Button size="compact-xs" variant="default" onClick={() => remove.mutate(k.id)} data-testid="key-image-remove">{t('exchange.detail.keyImages.remove')}</Button>
                    </Table.Td>
                  )}
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      {canMark && (
        <>
          <Group mt="sm" align="flex-end">
            <TextInput label={t('exchange.detail.keyImages.note')} description={t('exchange.detail.keyImages.pick')} value={note} onChange={(e) => setNote(e.currentTarget.value)} w={420} data-testid="key-image-note" />
          </Group>
          <Table fz="xs" mt="xs" data-testid="key-image-candidates">
            <Table.Tbody>
              {(instances.data ?? []).map((row) => (
                <Table.Tr key={row.instance}>
                  <Table.Td>{row.seriesNumber} {row.seriesDescription}</Table.Td>
                  <Table.Td>{row.instanceNumber}</Table.Td>
                  <Table.Td>
                    {markedAs.has(row.instance) ? (
                      <Text size="xs" c="dimmed">{t('exchange.detail.keyImages.marked')}</Text>
                    ) : (
                      <Button size="compact-xs" onClick={() => mark.mutate(row)} loading={mark.isPending} data-testid="key-image-mark">{t('exchange.detail.keyImages.mark')}</Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
    </Card>
  );
}
