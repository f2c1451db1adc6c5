import type { PublicFacility, PublicInsurer } from '@renkei/api';
import { Alert, Box, Button, Card, Container, Group, Loader, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { toggleLanguage } from '../i18n.js';

/** Folds what people type differently (full-width digits and letters, spaces) so a search finds either. */
function fold(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

/**
 * The public directory: who takes part in the network, as a patient or a
 * facility would look it up. No terminal certificate and no login: it asks
 * only the public endpoints.
 */
export function PublicPage() {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const facilities = useQuery({ queryKey: ['public', 'facilities'], queryFn: () => api<{ facilities: PublicFacility[] }>('GET', '/api/public/facilities') });
  const insurers = useQuery({ queryKey: ['public', 'insurers'], queryFn: () => api<{ insurers: PublicInsurer[] }>('GET', '/api/public/insurers') });
  const q = fold(query);
  const matches = (...fields: string[]) => q === '' || fields.some((f) => fold(f).includes(q));
  const shownFacilities = (facilities.data?.facilities ?? []).filter((f) => matches(f.name, f.address, f.code, t(`admin.facilityKind.${f.kind}`)));
  const shownInsurers = (insurers.data?.insurers ?? []).filter((i) => matches(i.name, i.number, t(`admin.insurerKind.${i.kind}`)));

  return (
    <Container size="lg" py="md">
      <Stack>
        <Group justify="space-between">
          <Box>
            <Title order={2}>{t('admin.publicDirectory.title')}</Title>
            <Text c="dimmed" size="sm">
              {t('app.title')} — {t('app.subtitle')}
            </Text>
          </Box>
          <Button size="xs" variant="subtle" onClick={toggleLanguage}>
            {t('app.language')}
          </Button>
        </Group>
        <Text size="sm">{t('admin.publicDirectory.help')}</Text>
        <TextInput label={t('admin.publicDirectory.search')} value={query} onChange={(e) => setQuery(e.currentTarget.value)} data-testid="public-search" />
        {(facilities.isError || insurers.isError) && <Alert color="red">{t('error')}</Alert>}
        {(facilities.isPending || insurers.isPending) && <Loader />}
        <Card withBorder p="sm">
          <Title order={4}>{t('admin.publicDirectory.facilities', { count: shownFacilities.length })}</Title>
          {shownFacilities.length === 0 ? (
            <Text c="dimmed">{t('admin.publicDirectory.none')}</Text>
          ) : (
            <Table striped className="dense-table" data-testid="public-facilities">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('admin.participants.name')}</Table.Th>
                  <Table.Th>{t('admin.participants.kind')}</Table.Th>
                  <Table.Th>{t('admin.participants.address')}</Table.Th>
                  <Table.Th>{t('admin.participants.phone')}</Table.Th>
                  <Table.Th>{t('admin.participants.code')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {shownFacilities.map((f) => (
                  <Table.Tr key={f.code}>
                    <Table.Td>{f.name}</Table.Td>
                    <Table.Td>{t(`admin.facilityKind.${f.kind}`)}</Table.Td>
                    <Table.Td>{f.address}</Table.Td>
                    <Table.Td>{f.phone}</Table.Td>
                    <Table.Td>{f.code}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Card>
        <Card withBorder p="sm">
          <Title order={4}>{t('admin.publicDirectory.insurers', { count: shownInsurers.length })}</Title>
          {shownInsurers.length === 0 ? (
            <Text c="dimmed">{t('admin.publicDirectory.none')}</Text>
          ) : (
            <Table striped className="dense-table" data-testid="public-insurers">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('admin.participants.name')}</Table.Th>
                  <Table.Th>{t('admin.participants.kind')}</Table.Th>
                  <Table.Th>{t('admin.participants.insurerNumber')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {shownInsurers.map((i) => (
                  <Table.Tr key={i.number}>
                    <Table.Td>{i.name}</Table.Td>
                    <Table.Td>{t(`admin.insurerKind.${i.kind}`)}</Table.Td>
                    <Table.Td>{i.number}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Card>
      </Stack>
    </Container>
  );
}
