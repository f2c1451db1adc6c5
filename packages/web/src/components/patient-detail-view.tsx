import { formatBirthDate, formatCardNumber, formatTokyoDate, type PatientDetail } from '@renkei/api';
import { Table, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { usePatientQuery } from './patient-query.js';
import { PatientSkeleton } from './patient-skeleton.js';

/** 患者詳細: sex, age, the insurer enrollments the history spans, and the key that opened it (Renkei card and its status, or My Number card). */
export function PatientDetailView() {
  const { t } = useTranslation();
  const detail = usePatientQuery<PatientDetail>(['detail'], '/detail');
  const d = detail.data;
  if (!d) return <PatientSkeleton />;
  return (
    <Table className="dense-table" data-testid="patient-detail" maw={560}>
      <Table.Tbody>
        <Table.Tr>
          <Table.Th>{t('detail.sex')}</Table.Th>
          <Table.Td>{t(`patient.${d.sex}`)}</Table.Td>
        </Table.Tr>
        <Table.Tr>
          <Table.Th>{t('viewer.birthDate')}</Table.Th>
          <Table.Td>
            {formatBirthDate(d.birthDate)}　{t('patient.age', { age: d.age })}
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
                {t(`detail.cardStatus.${d.card.status}`, { defaultValue: d.card.status })}（{t('detail.issued')} {formatTokyoDate(d.card.issuedAt)}）
              </>
            )}
            {d.myNumberCard && t('myNumber.detail', { boundAt: formatTokyoDate(d.myNumberCard.boundAt), notAfter: formatTokyoDate(d.myNumberCard.notAfter) })}
          </Table.Td>
        </Table.Tr>
      </Table.Tbody>
    </Table>
  );
}
