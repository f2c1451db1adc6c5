import type { PatientHistory } from '@renkei/api';
import { Button, Group, Select, Stack, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { ActTable, DiagnosisTable, MedicationTable } from './item-tables.js';

export type HistoryCategory = 'diagnoses' | 'medications' | 'procedures' | 'tests';

/** One category's history, filtered by period (months) and facility. */
export function HistoryTab({ accessId, category }: { accessId: string; category: HistoryCategory }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState({ from: '', to: '', facility: '' });
  const [filter, setFilter] = useState(draft);
  const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== ''));
  const history = useQuery({
    queryKey: ['history', accessId, filter],
    queryFn: () => api<PatientHistory>('GET', `/api/patient-access/${accessId}/history?${query}`),
  });
  const facilities = history.data?.facilities ?? [];
  return (
    <Stack gap="xs">
      <Group gap="xs" align="end" className="no-print">
        <TextInput type="month" size="xs" label={t('filters.from')} value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.currentTarget.value })} data-testid="filter-from" />
        <TextInput type="month" size="xs" label={t('filters.to')} value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.currentTarget.value })} data-testid="filter-to" />
        <Select
          size="xs"
          label={t('filters.facility')}
          data={[{ value: '', label: t('filters.all') }, ...facilities.map((f) => ({ value: f.code, label: f.name ?? f.code }))]}
          value={draft.facility}
          onChange={(value) => setDraft({ ...draft, facility: value ?? '' })}
          allowDeselect={false}
        />
        <Button size="xs" onClick={() => setFilter(draft)} data-testid="filter-apply">
          {t('filters.apply')}
        </Button>
      </Group>
      {history.data && category === 'diagnoses' && <DiagnosisTable items={history.data.diagnoses} />}
      {history.data && category === 'medications' && <MedicationTable items={history.data.medications} />}
      {history.data && category === 'procedures' && <ActTable items={history.data.procedures} testId="procedure-table" />}
      {history.data && category === 'tests' && <ActTable items={history.data.tests} testId="test-table" />}
    </Stack>
  );
}
