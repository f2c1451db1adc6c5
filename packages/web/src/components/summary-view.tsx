import type { DuplicateTherapy, GroupMatch, PatientSummary, StayItem } from '@renkei/api';
import { Anchor, Badge, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useContext, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ActTable, DiagnosisTable, MedicationTable } from './item-tables.js';
import { PatientAccessContext } from './patient-query.js';

const RECENT = 8;

/**
 * 患者サマリー: what a doctor needs at a glance, on one screen. Active
 * diagnoses (claimed in the latest months) apart from those last claimed
 * earlier, suspected and ended ones each under their own heading.
 */
export function SummaryView({ summary }: { summary: PatientSummary }) {
  const { t } = useTranslation();
  const of = (status: string) => summary.diagnoses.filter((d) => d.status === status);
  const [active, lapsed, suspected, ended] = [of('active'), of('lapsed'), of('suspected'), of('ended')];
  const current = summary.medications.filter((m) => m.current);
  return (
    <Stack gap="xs" data-testid="summary">
      {summary.duplicates.length > 0 && <Duplicates duplicates={summary.duplicates} />}
      <RiskFlags flags={summary.riskFlags} />
      {/* Two columns on a laptop (1366 px), one on a tablet in portrait (1024 px). */}
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="xs" className="summary-grid">
        <Section title={t('summary.activeDiagnoses')} count={active.length} empty={t('viewer.emptyActive')} testId="summary-active">
          <DiagnosisTable items={active} />
        </Section>
        <Section title={t('summary.currentMedications')} count={current.length} empty={t('viewer.emptyMedications')} testId="summary-medications">
          <MedicationTable items={current} />
        </Section>
        <Section title={t('summary.stays')} count={summary.stays.length} empty={t('viewer.emptyStays')} testId="summary-stays">
          <Stays stays={summary.stays} />
        </Section>
        <Section title={t('summary.recentProcedures')} count={summary.procedures.length} shown={RECENT} tab="procedures" empty={t('viewer.emptyProcedures')} testId="summary-procedures">
          <ActTable items={summary.procedures.slice(0, RECENT)} testId="summary-procedure-table" />
        </Section>
        <Section title={t('summary.recentTests')} count={summary.tests.length} shown={RECENT} tab="tests" empty={t('viewer.emptyTests')} testId="summary-tests">
          <ActTable items={summary.tests.slice(0, RECENT)} testId="summary-test-table" />
        </Section>
        <Section title={t('viewer.lapsed')} count={lapsed.length} empty={t('viewer.emptyLapsed')} testId="summary-lapsed">
          <DiagnosisTable items={lapsed} />
        </Section>
        <Section title={t('summary.suspected')} count={suspected.length} empty={t('viewer.emptySuspected')} testId="summary-suspected">
          <DiagnosisTable items={suspected} />
        </Section>
        <Section title={t('summary.ended')} count={ended.length} empty={t('viewer.emptyEnded')} testId="summary-ended">
          <DiagnosisTable items={ended} />
        </Section>
      </SimpleGrid>
    </Stack>
  );
}

/** Inclusive days from admission to discharge, as a stay's length is counted (入院日と退院日を含む). */
function stayDays(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** 入院: where, from when to when (or still in hospital / not given), and the DPC code where the stay was billed under DPC. */
function Stays({ stays }: { stays: StayItem[] }) {
  const { t } = useTranslation();
  return (
    <Table fz="sm" verticalSpacing={2} data-testid="stay-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('viewer.stayFacility')}</Table.Th>
          <Table.Th>{t('viewer.stayPeriod')}</Table.Th>
          <Table.Th>{t('viewer.stayBilling')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {stays.map((s) => (
          <Table.Tr key={`${s.facility.code}-${s.admittedOn ?? s.months[0]}`} data-testid="stay">
            <Table.Td>{s.facility.name ?? s.facility.code}</Table.Td>
            <Table.Td>
              <span className="nowrap" data-testid="stay-admitted">{t('viewer.admitted', { date: s.admittedOn ?? t('viewer.dateNotGiven') })}</span>
              〜
              <span className="nowrap" data-testid="stay-discharged">
                {s.dischargedOn ? t('viewer.discharged', { date: s.dischargedOn }) : t(s.dpcCode ? 'viewer.notDischarged' : 'viewer.dischargeNotGiven')}
              </span>
              {s.admittedOn && s.dischargedOn && <span className="nowrap">（{t('viewer.stayDays', { days: stayDays(s.admittedOn, s.dischargedOn) })}）</span>}
            </Table.Td>
            <Table.Td>
              {s.dpcCode ? (
                <span className="nowrap" data-testid="stay-dpc">
                  DPC {s.dpcCode}
                </span>
              ) : (
                t('viewer.feeForService')
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** ★ Two drugs that do the same thing at the same time: which, from where, for which days, and on what the flag is based. */
function Duplicates({ duplicates }: { duplicates: DuplicateTherapy[] }) {
  const { t } = useTranslation();
  return (
    <Card withBorder p="xs" data-testid="duplicates" style={{ borderColor: 'var(--mantine-color-red-9)', borderWidth: 2 }}>
      <Text size="sm" fw={700} c="red.9">
        {t('viewer.duplicates')}（{duplicates.length}）
      </Text>
      <Stack gap={2} mt={4}>
        {duplicates.map((d) => (
          <Text size="sm" key={`${d.drugs[0]!.code}-${d.drugs[1]!.code}`} data-testid="duplicate">
            <Text span fw={700} size="sm">
              {d.drugs.map((x) => `${x.name}（${x.prescribers.map((f) => f.name ?? f.code).join('、')}）`).join(' ＋ ')}
            </Text>
            　{t('viewer.duplicateOverlap', { from: d.overlapFrom, to: d.overlapTo })}・{d.differentFacilities ? t('viewer.differentFacilities') : t('viewer.sameFacility')}
            <br />
            <Text span size="xs" c="dark.6">
              {t('viewer.duplicateBasis', { group: d.groupName, therapeuticClass: d.therapeuticClass })}
            </Text>
          </Text>
        ))}
      </Stack>
    </Card>
  );
}

/** The patient's conditions lead; factors of age and sex alone (shown in the header anyway) come last, quieter. */
function RiskFlags({ flags }: { flags: GroupMatch[] }) {
  const { t } = useTranslation();
  const byFacts = (f: GroupMatch) => f.evidence.length > 0 && f.evidence.every((e) => e.category === 'patient');
  const conditions = flags.filter((f) => !byFacts(f));
  const facts = flags.filter(byFacts);
  return (
    <Card withBorder p="xs" data-testid="risk-flags">
      <Group gap="xs">
        <Text size="sm" fw={700}>
          {t('summary.riskFlags')}
        </Text>
        {conditions.length === 0 && <Text size="sm">{t('summary.noRisk')}</Text>}
        {conditions.map((f) => (
          <Badge key={f.id} color="red.9" variant="outline" title={f.evidence.map((e) => e.name).join('、')} data-testid="risk-condition">
            {f.name}
          </Badge>
        ))}
        {facts.length > 0 && (
          <Text size="xs" c="dark.6" data-testid="risk-facts">
            {t('viewer.patientFacts')}：{facts.map((f) => f.name).join('、')}
          </Text>
        )}
      </Group>
    </Card>
  );
}

/** A part of the summary; empty, it takes one line that says what is empty. `tab` opens the whole list where only the latest are shown. */
function Section({ title, count, shown, tab, empty, testId, children }: { title: string; count: number; shown?: number; tab?: string; empty: string; testId: string; children: ReactNode }) {
  const { t } = useTranslation();
  const { accessId } = useContext(PatientAccessContext);
  if (count === 0) {
    return (
      // One line, not a card stretched to its neighbour's height.
      <Card withBorder p={6} data-testid={testId} data-empty="true" style={{ alignSelf: 'start' }}>
        <Text size="sm">
          <Text span fw={700} size="sm">
            {title}（0）
          </Text>
          　{empty}
        </Text>
      </Card>
    );
  }
  return (
    <Card withBorder p="xs" data-testid={testId}>
      <Group justify="space-between" mb={4}>
        <Title order={6}>
          {title}（{count}）
        </Title>
        {shown !== undefined && tab && count > shown && (
          <Anchor component={Link} to={`/patients/${accessId}/${tab}`} size="xs" data-testid={`${testId}-more`}>
            {t('summary.more', { count: count - shown })}
          </Anchor>
        )}
      </Group>
      {children}
    </Card>
  );
}
