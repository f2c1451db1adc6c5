import type { ComplaintResult, DiseaseGroupResult } from '@renkei/api';
import { Badge, Button, Card, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { usePatientQuery } from './patient-query.js';
import { PatientSkeleton } from './patient-skeleton.js';
import { ActTable, DiagnosisTable, MedicationTable } from './item-tables.js';

/** 疾病グループ検索: the groups the patient is in, and the receipts that put them there. */
export function DiseaseGroupSearch() {
  const { t } = useTranslation();
  const result = usePatientQuery<DiseaseGroupResult>(['groups'], '/disease-groups');
  if (!result.data) return <PatientSkeleton />;
  return (
    <Stack gap="xs" data-testid="disease-groups">
      <Text size="xs" c="dimmed">
        {t('groups.checked', { count: result.data.checked.length })}
      </Text>
      {result.data.groups.length === 0 && <Text>{t('groups.none')}</Text>}
      {result.data.groups.map((g) => (
        <Card withBorder p="xs" key={g.id} data-testid={`group-${g.id}`}>
          <Title order={6}>{g.name}</Title>
          <Stack gap={2} mt={4}>
            {g.evidence.map((e) => (
              <Group gap="xs" key={`${e.category}-${e.code}`}>
                <Badge size="xs" variant="light">
                  {t(`tabs.${e.category === 'diagnosis' ? 'diagnoses' : e.category === 'medication' ? 'medications' : e.category === 'procedure' ? 'procedures' : e.category === 'test' ? 'tests' : 'detail'}`)}
                </Badge>
                <Text size="sm">{e.name}</Text>
                <Text size="xs" c="dimmed">
                  {e.months.join('〜')} {e.facilities.map((f) => f.name ?? f.code).join('、')}
                </Text>
              </Group>
            ))}
          </Stack>
        </Card>
      ))}
    </Stack>
  );
}

/** 主訴検索: what in the history bears on the complaint the patient brings today. */
export function ComplaintSearch() {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const result = usePatientQuery<ComplaintResult>(['complaint', query], `/complaints?q=${encodeURIComponent(query)}`, { enabled: query !== '' });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setQuery(text.trim());
  };
  const data = result.data;
  const empty = data && data.diagnoses.length + data.medications.length + data.tests.length === 0;
  return (
    <Stack gap="xs" data-testid="complaint-search">
      <Text size="sm" c="dark.6" data-testid="complaint-help">
        {t('viewer.complaintHelp')}
      </Text>
      <form onSubmit={submit}>
        <Group gap="xs" align="end">
          <TextInput label={t('viewer.complaintLabel')} placeholder={t('complaint.placeholder')} value={text} onChange={(e) => setText(e.currentTarget.value)} name="complaint" w={320} />
          <Button type="submit">{t('complaint.search')}</Button>
        </Group>
      </form>
      {result.isFetching && <PatientSkeleton rows={3} />}
      {data && (
        <Stack gap="xs" data-testid="complaint-result">
          <Text size="sm" fw={700}>
            {data.known ? t('complaint.tableMatch', { name: data.complaint }) : t('complaint.textMatch', { name: data.complaint })}
          </Text>
          {empty && <Text>{t('complaint.empty')}</Text>}
          {data.diagnoses.length > 0 && (
            <ResultGroup title={t('tabs.diagnoses')} count={data.diagnoses.length}>
              <DiagnosisTable items={data.diagnoses} reason={(code) => data.reasons[`diagnosis:${code}`]} />
            </ResultGroup>
          )}
          {data.medications.length > 0 && (
            <ResultGroup title={t('tabs.medications')} count={data.medications.length}>
              <MedicationTable items={data.medications} reason={(code) => data.reasons[`medication:${code}`]} />
            </ResultGroup>
          )}
          {data.tests.length > 0 && (
            <ResultGroup title={t('tabs.tests')} count={data.tests.length}>
              <ActTable items={data.tests} testId="complaint-tests" reason={(code) => data.reasons[`test:${code}`]} />
            </ResultGroup>
          )}
        </Stack>
      )}
    </Stack>
  );
}

function ResultGroup({ title, count, children }: { title: string; count: number; children: ReactNode }) {
  return (
    <section data-testid="complaint-group">
      <Title order={6} mb={2}>
        {title}（{count}）
      </Title>
      {children}
    </section>
  );
}
