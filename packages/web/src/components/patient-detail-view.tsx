import { formatCardNumber, type PatientDetail } from '@renkei/api';
import { Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';

/** 患者詳細: sex, age, the insurer enrollments the history spans, and the key that opened it (Renkei card and its status, or My Number card). */
export function PatientDetailView({ accessId }: { accessId: string }) {
  const { t } = useTranslation();
  const detail = useQuery({ queryKey: ['detail', accessId], queryFn: () => api<PatientDetail>('GET', `/api/patient-access/${accessId}/detail`) });
  const d = detail.data;
  if (!d) return <Text>{t('loading')}</Text>;
  return (
    <Table className="dense-table" data-testid="patient-detail" maw={560}>
      <Table.Tbody>
        <Table.Tr>
          <Table.Th>{t('detail.sex')}</Table.Th>
          <Table.Td>{t(`patient.${d.sex}`)}</Table.Td>
        </Table.Tr>
        <Table.Tr>
          <Table.Th>{t('detail.age')}</Table.Th>
          <Table.Td>
            {t('patient.age', { age: d.age })}（{t('detail.birthYear')} {d.birthYear}）
          </Table.Td>
        </Table.Tr>
        <Table.Tr>
          <Table.Th>{t('detail.enrollments')}</Table.Th>
          <Table.Td>
            {d.enrollments.map((e) => (
              <div key={`${e.insurerNumber}-${e.firstServiceMonth}`}>
                {t('detail.insurer')} {e.insurerNumber}（{t('detail.since')} {e.firstServiceMonth}）
              </div>
            ))}
          </Table.Td>
        </Table.Tr>
        <Table.Tr>
          <Table.Th>{t('detail.card')}</Table.Th>
          <Table.Td>
            {d.card && (
              <>
                <Title order={6} component="span">
                  {formatCardNumber(d.card.number)}
                </Title>{' '}
                {t(`detail.cardStatus.${d.card.status}`, { defaultValue: d.card.status })}（{t('detail.issued')} {d.card.issuedAt.slice(0, 10)}）
              </>
            )}
            {d.myNumberCard && t('myNumber.detail', { boundAt: d.myNumberCard.boundAt.slice(0, 10), notAfter: d.myNumberCard.notAfter.slice(0, 10) })}
          </Table.Td>
        </Table.Tr>
      </Table.Tbody>
    </Table>
  );
}
