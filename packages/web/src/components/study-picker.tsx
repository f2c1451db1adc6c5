/**
 * The facility's stored studies (QIDO-RS, /dicomweb/studies), to attach to an
 * item: found by patient ID or name, newest first, ticked to attach. The
 * server answers only the studies the user may see.
 */
import { Button, Card, Checkbox, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';

type DicomJson = Record<string, { vr: string; Value?: unknown[] }>;

export interface StudyRow {
  studyUid: string;
  date: string;
  patient: string;
  patientId: string;
  modalities: string;
  description: string;
  instances: number;
}

const first = (study: DicomJson, tag: string) => study[tag]?.Value?.[0];

/** A QIDO-RS answer as the table shows it; a name shows its kanji, else its letters, else its kana. */
function rowOf(study: DicomJson): StudyRow {
  const name = first(study, '00100010') as { Alphabetic?: string; Ideographic?: string; Phonetic?: string } | undefined;
  const date = String(first(study, '00080020') ?? '');
  return {
    studyUid: String(first(study, '0020000D')),
    date: date.length === 8 ? `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)}` : date,
    patient: (name?.Ideographic || name?.Alphabetic || name?.Phonetic || '').replaceAll('^', ' '),
    patientId: String(first(study, '00100020') ?? ''),
    modalities: (study['00080061']?.Value ?? []).join(', '),
    description: String(first(study, '00081030') ?? ''),
    instances: Number(first(study, '00201208') ?? 0),
  };
}

export const STUDIES_QUERY = 'facility-studies';

export function StudyPicker({ selected, onChange }: { selected: string[]; onChange: (studies: string[]) => void }) {
  const { t } = useTranslation();
  const [patientId, setPatientId] = useState('');
  const [patientName, setPatientName] = useState('');
  const [asked, setAsked] = useState({ patientId: '', patientName: '' });
  const studies = useQuery({
    queryKey: [STUDIES_QUERY, asked],
    queryFn: async () => {
      const query = new URLSearchParams({ includefield: '00081030', limit: '50' });
      if (asked.patientId) query.set('PatientID', asked.patientId);
      if (asked.patientName) {
        query.set('PatientName', `*${asked.patientName}*`);
        query.set('fuzzymatching', 'true');
      }
      const answer = await api<DicomJson[]>('GET', `/dicomweb/studies?${query}`);
      return (answer ?? []).map(rowOf).sort((a, b) => b.date.localeCompare(a.date));
    },
  });
  const toggle = (uid: string, on: boolean) => onChange(on ? [...new Set([...selected, uid])] : selected.filter((s) => s !== uid));
  const rows = studies.data ?? [];
  // A ticked study the search does not show stays ticked (and listed), so nothing is attached unseen.
  const hidden = selected.filter((uid) => !rows.some((r) => r.studyUid === uid));
  return (
    <Card withBorder data-testid="study-picker">
      <Stack gap="xs">
        <Title order={5}>{t('uploads.picker.title')}</Title>
        <Text size="sm" c="dimmed">{t('uploads.picker.hint')}</Text>
        <Group align="end">
          <TextInput label={t('uploads.picker.patientId')} value={patientId} onChange={(e) => setPatientId(e.currentTarget.value)} />
          <TextInput label={t('uploads.picker.patientName')} value={patientName} onChange={(e) => setPatientName(e.currentTarget.value)} />
          <Button variant="default" onClick={() => setAsked({ patientId: patientId.trim(), patientName: patientName.trim() })} loading={studies.isFetching}>
            {t('uploads.picker.search')}
          </Button>
        </Group>
        <Table striped withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={40} />
              <Table.Th>{t('uploads.picker.columns.date')}</Table.Th>
              <Table.Th>{t('uploads.picker.columns.patient')}</Table.Th>
              <Table.Th>{t('uploads.picker.columns.modality')}</Table.Th>
              <Table.Th>{t('uploads.picker.columns.description')}</Table.Th>
              <Table.Th>{t('uploads.picker.columns.instances')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.studyUid} data-testid="study-row" data-study={row.studyUid}>
                <Table.Td>
                  <Checkbox aria-label={row.studyUid} checked={selected.includes(row.studyUid)} onChange={(e) => toggle(row.studyUid, e.currentTarget.checked)} data-testid="study-check" />
                </Table.Td>
                <Table.Td>{row.date}</Table.Td>
                <Table.Td>
                  {row.patient} <Text span size="xs" c="dimmed">{row.patientId}</Text>
                </Table.Td>
                <Table.Td>{row.modalities}</Table.Td>
                <Table.Td>{row.description}</Table.Td>
                <Table.Td>{row.instances}</Table.Td>
              </Table.Tr>
            ))}
            {hidden.map((uid) => (
              <Table.Tr key={uid} data-testid="study-row" data-study={uid}>
                <Table.Td>
                  <Checkbox aria-label={uid} checked onChange={() => toggle(uid, false)} data-testid="study-check" />
                </Table.Td>
                <Table.Td colSpan={5}>
                  <Text size="xs" c="dimmed">{uid}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {studies.isSuccess && rows.length === 0 && hidden.length === 0 && <Text size="sm" c="dimmed">{t('uploads.picker.empty')}</Text>}
        {selected.length > 0 && <Text size="sm" data-testid="studies-selected">{t('uploads.picker.selected', { count: selected.length })}</Text>}
      </Stack>
    </Card>
  );
}
