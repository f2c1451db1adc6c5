import type { PatientSummary } from '@renkei/api';
import { Alert, Badge, Button, Group, Loader, Stack, Tabs, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { api } from '../api.js';
import { HistoryTab, type HistoryCategory } from '../components/history-tabs.js';
import { PatientDetailView } from '../components/patient-detail-view.js';
import { ComplaintSearch, DiseaseGroupSearch } from '../components/searches.js';
import { SummaryView } from '../components/summary-view.js';
import { errorText } from '../refusal-text.js';

const TABS = ['summary', 'diagnoses', 'medications', 'procedures', 'tests', 'groups', 'complaint', 'detail'] as const;
type Tab = (typeof TABS)[number];

export function PatientPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { accessId = '', tab: tabParam } = useParams();
  const tab: Tab = (TABS as readonly string[]).includes(tabParam ?? '') ? (tabParam as Tab) : 'summary';
  const summary = useQuery({ queryKey: ['summary', accessId], queryFn: () => api<PatientSummary>('GET', `/api/patient-access/${accessId}/summary`) });

  if (summary.isPending) return <Loader />;
  if (summary.isError) {
    return (
      <Stack>
        <Alert color="red" data-testid="patient-error">
          {errorText(summary.error)}
        </Alert>
        <Button onClick={() => navigate('/card')} w={200}>
          {t('header.newPatient')}
        </Button>
      </Stack>
    );
  }
  const s = summary.data;
  return (
    <Stack gap="xs">
      <Group justify="space-between" data-testid="patient-header">
        <Group gap="sm">
          <Title order={3}>{s.patient.name ?? ''}</Title>
          {s.patient.kana && (
            <Text size="sm" c="dimmed">
              {s.patient.kana}
            </Text>
          )}
          <Badge variant="outline">{t(`patient.${s.patient.sex}`)}</Badge>
          <Badge variant="outline">{t('patient.age', { age: s.patient.age })}</Badge>
          <Text size="sm" c="dimmed">
            {s.period.from ? t('patient.period', { from: s.period.from, to: s.period.to }) : t('patient.noPeriod')}
          </Text>
        </Group>
        <Group gap="xs" className="no-print">
          <Button size="xs" variant="default" onClick={() => window.print()}>
            {t('patient.print')}
          </Button>
          <Button size="xs" variant="default" component="a" href={`/api/patient-access/${accessId}/summary.pdf`} target="_blank" rel="noopener" data-testid="summary-pdf">
            {t('patient.pdf')}
          </Button>
        </Group>
      </Group>
      <Tabs value={tab} onChange={(value) => navigate(`/patients/${accessId}/${value}`)} keepMounted={false}>
        <Tabs.List className="no-print">
          {TABS.map((name) => (
            <Tabs.Tab key={name} value={name} data-testid={`tab-${name}`}>
              {t(`tabs.${name}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="summary" pt="xs">
          <SummaryView summary={s} />
        </Tabs.Panel>
        {(['diagnoses', 'medications', 'procedures', 'tests'] as HistoryCategory[]).map((category) => (
          <Tabs.Panel key={category} value={category} pt="xs">
            <HistoryTab accessId={accessId} category={category} />
          </Tabs.Panel>
        ))}
        <Tabs.Panel value="groups" pt="xs">
          <DiseaseGroupSearch accessId={accessId} />
        </Tabs.Panel>
        <Tabs.Panel value="complaint" pt="xs">
          <ComplaintSearch accessId={accessId} />
        </Tabs.Panel>
        <Tabs.Panel value="detail" pt="xs">
          <PatientDetailView accessId={accessId} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
