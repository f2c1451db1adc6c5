import { isoMonth, MONTHLY_BASE_FEE_YEN, type FeeList, type Me } from '@renkei/api';
import { Alert, Anchor, Button, Card, Group, Loader, Table, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AdminPage } from '../components/admin-page.js';
import { api } from '../api.js';
import { errorText } from '../refusal-text.js';

const yen = (amount: number) => `${amount.toLocaleString('ja-JP')}円`;

/** Last month in Japan: the month a secretariat bills at the start of this one. */
function lastMonth(): string {
  const now = new Date(Date.now() + 9 * 3_600_000);
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return d.toISOString().slice(0, 7);
}

/**
 * 利用料: the operator picks a month and sees every facility billed, with the
 * list and each statement to download. A facility administrator gets their
 * own facility's statement.
 */
export function AdminFeesPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const [month, setMonth] = useState(lastMonth());
  const valid = isoMonth.safeParse(month).success;
  const operator = me.user.role === 'operator';
  const list = useQuery({ queryKey: ['fees', month], queryFn: () => api<FeeList>('GET', `/api/admin/fees/${month}`), enabled: valid && operator });

  return (
    <AdminPage title={t('admin.fees.title')} help={t('admin.fees.help', { fee: yen(MONTHLY_BASE_FEE_YEN) })}>
      <Group align="end">
        <TextInput type="month" label={t('admin.fees.month')} value={month} onChange={(e) => setMonth(e.currentTarget.value)} data-testid="fee-month" />
        {operator && valid && (
          <>
            <Button component="a" href={`/api/admin/fees/${month}.csv`} download variant="light" data-testid="fees-csv">
              {t('admin.fees.csv')}
            </Button>
            <Button component="a" href={`/api/admin/fees/${month}.pdf`} download variant="light" data-testid="fees-pdf">
              {t('admin.fees.pdf')}
            </Button>
          </>
        )}
        {!operator && valid && me.user.facilityCode && (
          <>
            <Button component="a" href={`/api/admin/fees/${month}/${me.user.facilityCode}.pdf`} download variant="light">
              {t('admin.fees.statement')} PDF
            </Button>
            <Button component="a" href={`/api/admin/fees/${month}/${me.user.facilityCode}.csv`} download variant="light">
              {t('admin.fees.statement')} CSV
            </Button>
          </>
        )}
      </Group>
      {list.isPending && operator && valid && <Loader />}
      {list.isError && <Alert color="red">{errorText(list.error)}</Alert>}
      {list.data && (
        <Card withBorder p="sm" data-testid="fee-list">
          <Group justify="space-between">
            <Text fw={700}>{t('admin.fees.facilities', { count: list.data.rows.length })}</Text>
            <Text fw={700} data-testid="fee-total">
              {t('admin.fees.total')} {yen(list.data.totalYen)}
            </Text>
          </Group>
          {list.data.rows.length === 0 ? (
            <Text c="dimmed">{t('admin.fees.none')}</Text>
          ) : (
            <Table striped className="dense-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('admin.participants.code')}</Table.Th>
                  <Table.Th>{t('admin.participants.name')}</Table.Th>
                  <Table.Th>{t('admin.participants.kind')}</Table.Th>
                  <Table.Th>{t('admin.fees.statusAtMonthEnd')}</Table.Th>
                  <Table.Th style={{ textAlign: 'right' }}>{t('admin.fees.amount')}</Table.Th>
                  <Table.Th>{t('admin.fees.statement')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.rows.map((r) => (
                  <Table.Tr key={r.facilityCode}>
                    <Table.Td>{r.facilityCode}</Table.Td>
                    <Table.Td>{r.facilityName}</Table.Td>
                    <Table.Td>{t(`admin.facilityKind.${r.kind}`)}</Table.Td>
                    <Table.Td>{t(`admin.status.${r.status}`)}</Table.Td>
                    <Table.Td style={{ textAlign: 'right' }}>{yen(r.yen)}</Table.Td>
                    <Table.Td>
                      <Anchor href={`/api/admin/fees/${month}/${r.facilityCode}.pdf`} download size="sm">
                        PDF
                      </Anchor>{' '}
                      <Anchor href={`/api/admin/fees/${month}/${r.facilityCode}.csv`} download size="sm">
                        CSV
                      </Anchor>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Card>
      )}
    </AdminPage>
  );
}
