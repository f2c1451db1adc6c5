import { bareUsageCode, type ActItem, type DiagnosisItem, type FacilityRef, type MedicationItem } from '@renkei/api';
import { Badge, Button, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

const facilityNames = (facilities: FacilityRef[]) => facilities.map((f) => f.name ?? f.code).join('、');
const lastOf = (dates: string[], months: string[]) => dates.at(-1) ?? months.at(-1) ?? '';

/**
 * 用法 as the receipt gives it. A bare 用法コード (no 特別指示, and no official
 * code table at hand) is shown as 「用法コード NNN」, marked and explained, so
 * that no one reads a number as the directions.
 */
function Usage({ usage }: { usage: string | null }) {
  const { t } = useTranslation();
  if (!usage) return null;
  const code = bareUsageCode(usage);
  if (code === null) return <>{`　${usage}`}</>;
  return (
    <>
      {'　'}
      <Text span size="sm" className="usage-code" data-testid="usage-code" title={t('viewer.usageCodeNote')} aria-label={`${t('viewer.usageCode', { code })}（${t('viewer.usageCodeNote')}）`}>
        {t('viewer.usageCode', { code })}
      </Text>
    </>
  );
}

/** Dates a cell shows before 「ほか N 件」. */
const DATES_SHOWN = 5;

/**
 * The status of a diagnosis, readable at a glance and in print: 継続 (claimed in
 * the latest months), 最終記載 YYYY-MM, 疑い, or its 転帰. Dark shades, so that
 * every badge has at least 4.5:1 contrast (WCAG 2.1 AA).
 */
export function StatusBadge({ item }: { item: DiagnosisItem }) {
  const { t } = useTranslation();
  const look = {
    active: { color: 'teal.9', variant: 'filled' },
    lapsed: { color: 'gray.8', variant: 'outline' },
    suspected: { color: 'violet.9', variant: 'outline' },
    ended: { color: 'dark.6', variant: 'outline' },
  }[item.status];
  const label = item.status === 'ended' ? t(`outcome.${item.outcome}`) : item.status === 'lapsed' ? t('viewer.lastClaimed', { month: item.lastMonth }) : t(`status.${item.status}`);
  return (
    <Badge size="sm" radius="xs" color={look.color} variant={look.variant} className="status-badge" data-status={item.status}>
      {label}
    </Badge>
  );
}

function Name({ name, known }: { name: string; known: boolean }) {
  return <Text size="sm" c={known ? undefined : 'dimmed'} fs={known ? undefined : 'italic'}>{name}</Text>;
}

/** `reason`: why a search found the item, shown as a last column. */
export function DiagnosisTable({ items, reason }: { items: DiagnosisItem[]; reason?: (code: string) => string | undefined }) {
  const { t } = useTranslation();
  return (
    <Table striped className="dense-table" data-testid="diagnosis-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('columns.status')}</Table.Th>
          <Table.Th>{t('columns.name')}</Table.Th>
          <Table.Th>{t('columns.icd10')}</Table.Th>
          <Table.Th>{t('columns.start')}</Table.Th>
          <Table.Th>{t('columns.last')}</Table.Th>
          <Table.Th>{t('columns.facility')}</Table.Th>
          {reason && <Table.Th>{t('viewer.reason')}</Table.Th>}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((d) => (
          <Table.Tr key={`${d.code}-${d.modifiers.join('')}-${d.name}`}>
            <Table.Td className="nowrap">
              <StatusBadge item={d} />
            </Table.Td>
            <Table.Td>
              <Name name={d.name} known={d.known} />
            </Table.Td>
            <Table.Td>{d.icd10}</Table.Td>
            <Table.Td className="nowrap">{d.startDate}</Table.Td>
            <Table.Td className="nowrap">{d.lastMonth}</Table.Td>
            <Table.Td>{facilityNames(d.facilities)}</Table.Td>
            {reason && <Table.Td data-testid="reason">{reason(d.code)}</Table.Td>}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/**
 * Medications as a pharmacist reads them: the drug (its strength is in the
 * master's name), 剤形 and 用法 where the 調剤 receipt gives them, the daily
 * quantity in the master's unit and the days, the first and latest dispensing,
 * who prescribed and who dispensed. Current drugs come first.
 */
export function MedicationTable({ items, reason }: { items: MedicationItem[]; reason?: (code: string) => string | undefined }) {
  const { t } = useTranslation();
  return (
    <Table striped className="dense-table" data-testid="medication-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('columns.name')}</Table.Th>
          <Table.Th>{t('viewer.formUsage')}</Table.Th>
          <Table.Th>{t('viewer.dailyDose')}</Table.Th>
          <Table.Th>{t('viewer.dispensed')}</Table.Th>
          <Table.Th>{t('viewer.prescriber')}</Table.Th>
          <Table.Th>{t('viewer.pharmacy')}</Table.Th>
          {reason && <Table.Th>{t('viewer.reason')}</Table.Th>}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((m) => {
          const first = m.dispensings[0]?.date ?? m.dates[0] ?? m.months[0] ?? '';
          const last = m.dispensings.at(-1)?.date ?? lastOf(m.dates, m.months);
          const pharmacies = m.dispensers.filter((d) => !m.prescribers.some((p) => p.code === d.code));
          return (
            <Table.Tr key={m.code} data-current={m.current}>
              <Table.Td>
                <Name name={m.name} known={m.known} />
              </Table.Td>
              <Table.Td>
                {m.route ? t(`route.${m.route}`, { defaultValue: m.route }) : ''}
                <Usage usage={m.usage} />
              </Table.Td>
              <Table.Td className="nowrap">
                {m.quantity !== null && t('viewer.perDay', { quantity: m.quantity, unit: m.unit ?? '' })}
                {m.days ? ` × ${t('viewer.days', { days: m.days })}` : ''}
              </Table.Td>
              <Table.Td>
                <span className="nowrap">{first}</span>
                {last !== first && (
                  <>
                    〜<span className="nowrap">{last}</span>
                  </>
                )}
                {m.dispensings.length > 1 && <span className="nowrap">（{t('viewer.times', { count: m.dispensings.length })}）</span>}
              </Table.Td>
              <Table.Td>{facilityNames(m.prescribers)}</Table.Td>
              <Table.Td>{facilityNames(pharmacies)}</Table.Td>
              {reason && <Table.Td data-testid="reason">{reason(m.code)}</Table.Td>}
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

export function ActTable({ items, testId, reason }: { items: ActItem[]; testId: string; reason?: (code: string) => string | undefined }) {
  const { t } = useTranslation();
  return (
    <Table striped className="dense-table" data-testid={testId}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('columns.section')}</Table.Th>
          <Table.Th>{t('columns.name')}</Table.Th>
          <Table.Th>{t('columns.dates')}</Table.Th>
          <Table.Th>{t('columns.materials')}</Table.Th>
          <Table.Th>{t('columns.facility')}</Table.Th>
          {reason && <Table.Th>{t('viewer.reason')}</Table.Th>}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((a) => (
          <Table.Tr key={a.code}>
            <Table.Td>{a.section}</Table.Td>
            <Table.Td>
              <Name name={a.name} known={a.known} />
            </Table.Td>
            <Table.Td>
              <Dates dates={a.dates.length > 0 ? a.dates : a.months} />
            </Table.Td>
            <Table.Td>{a.materials.map((m) => m.name).join('、')}</Table.Td>
            <Table.Td>{facilityNames(a.facilities)}</Table.Td>
            {reason && <Table.Td data-testid="reason">{reason(a.code)}</Table.Td>}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** The latest dates, each unbroken, and 「ほか N 件」 that shows the earlier ones. */
function Dates({ dates }: { dates: string[] }) {
  const { t } = useTranslation();
  const [all, setAll] = useState(false);
  const shown = all ? dates : dates.slice(-DATES_SHOWN);
  return (
    <span className="dates" data-testid="dates">
      {shown.map((d) => (
        <span key={d}>
          <span className="nowrap">{d}</span>{' '}
        </span>
      ))}
      {!all && dates.length > DATES_SHOWN && (
        <Button variant="subtle" size="compact-xs" onClick={() => setAll(true)} data-testid="more-dates">
          {t('summary.more', { count: dates.length - DATES_SHOWN })}
        </Button>
      )}
    </span>
  );
}
