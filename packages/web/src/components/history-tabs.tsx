import { INVERTED_PERIOD_MESSAGE, isInvertedPeriod, type PatientHistory } from '@renkei/api';
import { Alert, Button, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ActTable, DiagnosisTable, MedicationTable } from './item-tables.js';
import { usePatientQuery } from './patient-query.js';
import { PatientSkeleton } from './patient-skeleton.js';

export type HistoryCategory = 'diagnoses' | 'medications' | 'procedures' | 'tests';

/**
 * One category's history, filtered by period (months) and facility. The server
 * builds the filtered history from the receipts of those months at that
 * facility, so every date shown lies within the filter.
 */
export function HistoryTab({ category }: { category: HistoryCategory }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState({ from: '', to: '', facility: '' });
  const [filter, setFilter] = useState(draft);
  const [invalid, setInvalid] = useState<string | null>(null);
  const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== ''));
  const history = usePatientQuery<PatientHistory>(['history', filter], `/history?${query}`);
  const facilities = history.data?.facilities ?? [];
  const apply = (event: FormEvent) => {
    event.preventDefault();
    if (isInvertedPeriod(draft)) return setInvalid(INVERTED_PERIOD_MESSAGE);
    setInvalid(null);
    setFilter(draft);
  };
  const data = history.data;
  const count = data ? data[category].length : 0;
  return (
    <Stack gap="xs">
      <form onSubmit={apply} className="no-print">
        <Group gap="xs" align="end">
          <TextInput type="month" size="xs" label={t('filters.from')} value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.currentTarget.value })} data-testid="filter-from" />
          <TextInput type="month" size="xs" label={t('filters.to')} value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.currentTarget.value })} data-testid="filter-to" />
          <Select
            size="xs"
            label={t('filters.facility')}
            data={[{ value: '', label: t('filters.all') }, ...facilities.map((f) => ({ value: f.code, label: f.name ?? f.code }))]}
            value={draft.facility}
            onChange={(value) => setDraft({ ...draft, facility: value ?? '' })}
            allowDeselect={false}
            data-testid="filter-facility"
          />
          <Button size="xs" type="submit" data-testid="filter-apply">
            {t('filters.apply')}
          </Button>
        </Group>
      </form>
      {invalid && (
        <Alert color="red" data-testid="filter-error">
          {invalid}
        </Alert>
      )}
      {history.isPending && <PatientSkeleton />}
      {history.isError && (
        <Alert color="red" data-testid="filter-error">
          {history.error.message}
        </Alert>
      )}
      {data && (
        <Text size="xs" c="dark.6" data-testid="history-period">
          {data.period.from ? t('viewer.shownPeriod', { from: data.period.from, to: data.period.to, count }) : ''}
        </Text>
      )}
      {data && count === 0 && <Text data-testid="history-empty">{t(`viewer.emptyCategory.${category}`)}</Text>}
      {data && count > 0 && category === 'diagnoses' && <DiagnosisTable items={data.diagnoses} />}
      {data && count > 0 && category === 'medications' && <MedicationTable items={data.medications} />}
      {data && count > 0 && category === 'procedures' && <ActTable items={data.procedures} testId="procedure-table" />}
      {data && count > 0 && category === 'tests' && <ActTable items={data.tests} testId="test-table" />}
    </Stack>
  );
}
