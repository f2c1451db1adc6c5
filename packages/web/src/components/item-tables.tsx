import type { ActItem, DiagnosisItem, FacilityRef, MedicationItem } from '@renkei/api';
import { Badge, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

const facilityNames = (facilities: FacilityRef[]) => facilities.map((f) => f.name ?? f.code).join('、');
const lastOf = (dates: string[], months: string[]) => dates.at(-1) ?? months.at(-1) ?? '';

export function StatusBadge({ item }: { item: DiagnosisItem }) {
  const { t } = useTranslation();
  const color = item.status === 'active' ? 'teal' : item.status === 'suspected' ? 'orange' : 'gray';
  return (
    <Badge size="xs" color={color} variant={item.status === 'active' ? 'filled' : 'light'}>
      {item.status === 'ended' ? t(`outcome.${item.outcome}`) : t(`status.${item.status}`)}
    </Badge>
  );
}

function Name({ name, known }: { name: string; known: boolean }) {
  return <Text size="sm" c={known ? undefined : 'dimmed'} fs={known ? undefined : 'italic'}>{name}</Text>;
}

export function DiagnosisTable({ items }: { items: DiagnosisItem[] }) {
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
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((d) => (
          <Table.Tr key={`${d.code}-${d.modifiers.join('')}-${d.name}`}>
            <Table.Td>
              <StatusBadge item={d} />
            </Table.Td>
            <Table.Td>
              <Name name={d.name} known={d.known} />
            </Table.Td>
            <Table.Td>{d.icd10}</Table.Td>
            <Table.Td>{d.startDate}</Table.Td>
            <Table.Td>{d.lastMonth}</Table.Td>
            <Table.Td>{facilityNames(d.facilities)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function MedicationTable({ items }: { items: MedicationItem[] }) {
  const { t } = useTranslation();
  return (
    <Table striped className="dense-table" data-testid="medication-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('columns.name')}</Table.Th>
          <Table.Th>{t('columns.route')}</Table.Th>
          <Table.Th>{t('columns.amount')}</Table.Th>
          <Table.Th>{t('columns.last')}</Table.Th>
          <Table.Th>{t('columns.facility')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((m) => (
          <Table.Tr key={m.code}>
            <Table.Td>
              <Name name={m.name} known={m.known} />
            </Table.Td>
            <Table.Td>{m.route ? t(`route.${m.route}`, { defaultValue: m.route }) : ''}</Table.Td>
            <Table.Td>
              {m.quantity ?? ''}
              {m.days ? ` × ${m.days}` : ''}
            </Table.Td>
            <Table.Td>{lastOf(m.dates, m.months)}</Table.Td>
            <Table.Td>{facilityNames(m.prescribers)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function ActTable({ items, testId }: { items: ActItem[]; testId: string }) {
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
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((a) => (
          <Table.Tr key={a.code}>
            <Table.Td>{a.section}</Table.Td>
            <Table.Td>
              <Name name={a.name} known={a.known} />
            </Table.Td>
            <Table.Td>{(a.dates.length > 0 ? a.dates : a.months).slice(-5).join(' ')}</Table.Td>
            <Table.Td>{a.materials.map((m) => m.name).join('、')}</Table.Td>
            <Table.Td>{facilityNames(a.facilities)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
