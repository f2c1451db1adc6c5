import { formatBirthDate, formatTokyoDateTime, formatTokyoTime, type PatientAccessOpened, type PatientAccessStatus, type PatientSummary } from '@renkei/api';
import { Alert, Badge, Button, Group, Stack, Tabs, Text, Title } from '@mantine/core';
import { useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { HistoryTab, type HistoryCategory } from '../components/history-tabs.js';
import { PatientAccessContext, useForgetPatient, usePatientQuery } from '../components/patient-query.js';
import { PatientDetailView } from '../components/patient-detail-view.js';
import { PatientSkeleton } from '../components/patient-skeleton.js';
import { ComplaintSearch, DiseaseGroupSearch } from '../components/searches.js';
import { SummaryView } from '../components/summary-view.js';
import { errorText } from '../refusal-text.js';
import { api } from '../api.js';
import { useMe } from '../session.js';

const TABS = ['summary', 'diagnoses', 'medications', 'procedures', 'tests', 'groups', 'complaint', 'detail'] as const;
type Tab = (typeof TABS)[number];

/** How often the screen asks whether the access is still open (a revocation or a withdrawal at the desk ends it at once). */
const STATUS_EVERY_MS = 15_000;

export function PatientPage() {
  const { accessId = '' } = useParams();
  const [ended, setEnded] = useState(false);
  const forget = useForgetPatient(accessId);
  const end = useCallback(() => {
    forget();
    setEnded(true);
  }, [forget]);
  const context = useMemo(() => ({ accessId, ended: end }), [accessId, end]);
  // A new access id (the next patient) starts afresh.
  useEffect(() => setEnded(false), [accessId]);
  if (ended) return <AccessEnded />;
  return (
    <PatientAccessContext.Provider value={context}>
      <PatientScreen />
    </PatientAccessContext.Provider>
  );
}

/** The access has expired, or the card was revoked or consent withdrawn: the screen says so, keeps nothing, and offers the card again. */
function AccessEnded() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Stack maw={560} mt="md" data-testid="access-ended">
      <Alert color="orange" title={t('viewer.endedTitle')}>
        {t('viewer.endedHelp')}
      </Alert>
      <Button onClick={() => navigate('/card')} autoFocus w={260} data-testid="read-card-again">
        {t('viewer.readAgain')}
      </Button>
    </Stack>
  );
}

function PatientScreen() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { accessId = '', tab: tabParam } = useParams();
  const tab: Tab = (TABS as readonly string[]).includes(tabParam ?? '') ? (tabParam as Tab) : 'summary';
  const summary = usePatientQuery<PatientSummary>(['summary'], '/summary');
  const status = usePatientQuery<PatientAccessStatus>(['status'], '/status', { refetchInterval: STATUS_EVERY_MS, refetchOnWindowFocus: true });
  useExpiry(status.data?.expiresAt);
  useCardScan();
  const me = useMe().data;
  const printedAt = usePrintTime();

  if (summary.isPending) return <PatientSkeleton />;
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
    <Stack gap="xs" className="print-page">
      <div className="print-running-header" data-testid="print-header">
        {s.patient.name ?? ''}　{formatBirthDate(s.patient.birthDate)}　{me?.user.facilityName ?? ''}　{me?.user.displayName ?? ''}　{t('viewer.printedAt', { time: printedAt })}
      </div>
      <Group justify="space-between" data-testid="patient-header" wrap="wrap" gap="xs" className="print-header">
        <Group gap="sm" wrap="wrap">
          <Title order={3}>{s.patient.name ?? ''}</Title>
          {s.patient.kana && (
            <Text size="sm" c="dimmed">
              {s.patient.kana}
            </Text>
          )}
          <Badge variant="outline" color="dark">
            {t(`patient.${s.patient.sex}`)}
          </Badge>
          <Text size="sm" fw={700} className="nowrap" data-testid="patient-birth">
            {t('viewer.born', { date: formatBirthDate(s.patient.birthDate) })}　{t('patient.age', { age: s.patient.age })}
          </Text>
          <Text size="sm" c="dark.6" className="nowrap" data-testid="patient-period">
            {s.period.from ? t('patient.period', { from: s.period.from, to: s.period.to }) : t('patient.noPeriod')}
            {s.period.latestDate && `　${t('viewer.latestDate', { date: s.period.latestDate })}`}
          </Text>
        </Group>
        <Group gap="xs" className="no-print" wrap="nowrap">
          {status.data && (
            <Text size="sm" className="nowrap" data-testid="access-expires">
              {t('patient.expires', { time: formatTokyoTime(status.data.expiresAt) })}
            </Text>
          )}
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
            <HistoryTab category={category} />
          </Tabs.Panel>
        ))}
        <Tabs.Panel value="groups" pt="xs">
          <DiseaseGroupSearch />
        </Tabs.Panel>
        <Tabs.Panel value="complaint" pt="xs">
          <ComplaintSearch />
        </Tabs.Panel>
        <Tabs.Panel value="detail" pt="xs">
          <PatientDetailView />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

/** The time the page is printed, set as printing starts (Japan's time). */
function usePrintTime(): string {
  const [time, setTime] = useState(() => formatTokyoDateTime(new Date()));
  useEffect(() => {
    const update = () => setTime(formatTokyoDateTime(new Date()));
    window.addEventListener('beforeprint', update);
    return () => window.removeEventListener('beforeprint', update);
  }, []);
  return time;
}

/** A Renkei card's QR text, as a USB reader types it. */
const CARD_QR = /^RKC1-\d{16}-[A-Z2-7]{32}$/;

/**
 * A USB reader's scan on the patient screen (typed outside any field, then
 * Enter) opens that card's patient, as on the card screen: the next patient
 * is one scan away, never lost.
 */
function useCardScan() {
  const navigate = useNavigate();
  useEffect(() => {
    let typed = '';
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable)) return;
      if (event.key === 'Enter') {
        const code = typed;
        typed = '';
        if (CARD_QR.test(code)) {
          event.preventDefault();
          void api<PatientAccessOpened>('POST', '/api/patient-access', { card: code }).then(
            (opened) => navigate(`/patients/${opened.accessId}`),
            () => navigate('/card'),
          );
        }
      } else if (event.key.length === 1) {
        typed = (typed + event.key).slice(-80);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navigate]);
}

/** At the moment the access expires the screen ends it, without waiting for the next request. */
function useExpiry(expiresAt: string | undefined) {
  const { ended } = useContext(PatientAccessContext);
  useEffect(() => {
    if (!expiresAt) return;
    const timer = window.setTimeout(ended, Math.max(0, new Date(expiresAt).getTime() - Date.now()));
    return () => window.clearTimeout(timer);
  }, [expiresAt, ended]);
}
