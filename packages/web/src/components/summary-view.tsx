import type { GroupMatch, PatientSummary } from '@renkei/api';
import { Badge, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ActTable, DiagnosisTable, MedicationTable } from './item-tables.js';

const RECENT = 8;

/** 患者サマリー: what a doctor needs at a glance, on one screen. Suspected and ended diagnoses apart from active ones. */
export function SummaryView({ summary }: { summary: PatientSummary }) {
  const { t } = useTranslation();
  const active = summary.diagnoses.filter((d) => d.status === 'active');
  const suspected = summary.diagnoses.filter((d) => d.status === 'suspected');
  const ended = summary.diagnoses.filter((d) => d.status === 'ended');
  const current = summary.medications.filter((m) => m.current);
  return (
    <Stack gap="xs" data-testid="summary">
      <RiskFlags flags={summary.riskFlags} />
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xs">
        <Section title={t('summary.activeDiagnoses')} count={active.length} testId="summary-active">
          <DiagnosisTable items={active} />
        </Section>
        <Section title={t('summary.currentMedications')} count={current.length} testId="summary-medications">
          <MedicationTable items={current} />
        </Section>
        <Section title={t('summary.recentProcedures')} count={summary.procedures.length} shown={RECENT} testId="summary-procedures">
          <ActTable items={summary.procedures.slice(0, RECENT)} testId="summary-procedure-table" />
        </Section>
        <Section title={t('summary.recentTests')} count={summary.tests.length} shown={RECENT} testId="summary-tests">
          <ActTable items={summary.tests.slice(0, RECENT)} testId="summary-test-table" />
        </Section>
        <Section title={t('summary.suspected')} count={suspected.length} testId="summary-suspected">
          <DiagnosisTable items={suspected} />
        </Section>
        <Section title={t('summary.ended')} count={ended.length} testId="summary-ended">
          <DiagnosisTable items={ended} />
        </Section>
      </SimpleGrid>
    </Stack>
  );
}

function RiskFlags({ flags }: { flags: GroupMatch[] }) {
  const { t } = useTranslation();
  return (
    <Card withBorder p="xs" data-testid="risk-flags">
      <Group gap="xs">
        <Text size="sm" fw={700}>
          {t('summary.riskFlags')}
        </Text>
        {flags.length === 0 && <Text size="sm">{t('summary.noRisk')}</Text>}
        {flags.map((f) => (
          <Badge key={f.id} color="red" variant="light" title={f.evidence.map((e) => e.name).join('、')}>
            {f.name}
          </Badge>
        ))}
      </Group>
    </Card>
  );
}

function Section({ title, count, shown, testId, children }: { title: string; count: number; shown?: number; testId: string; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Card withBorder p="xs" data-testid={testId}>
      <Group justify="space-between" mb={4}>
        <Title order={6}>
          {title}（{count}）
        </Title>
        {shown !== undefined && count > shown && (
          <Text size="xs" c="dimmed">
            {t('summary.more', { count: count - shown })}
          </Text>
        )}
      </Group>
      {count === 0 ? (
        <Text size="sm" c="dimmed">
          {t('summary.none')}
        </Text>
      ) : (
        children
      )}
    </Card>
  );
}
