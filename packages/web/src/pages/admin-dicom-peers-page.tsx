import type { DicomPeerItem, DicomPeerList } from '@renkei/api';
import { Alert, Button, Card, Code, Group, NativeSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { AdminPage, type AdminMessage } from '../components/admin-page.js';
import { api } from '../api.js';
import { errorText } from '../refusal-text.js';

interface Saved {
  aeTitle: string;
  created: boolean;
}

/**
 * DICOM接続先: the AE titles of the PACS and modalities of the facilities this
 * administrator looks after, the address each connects from, and where studies
 * are sent back to. Registering a title again changes its address and export.
 * The AE title itself is checked by the server (PS3.5's repertoire), whose
 * refusal is shown as it words it.
 */
export function AdminDicomPeersPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: ['admin', 'dicom-peers'], queryFn: () => api<DicomPeerList>('GET', '/api/admin/dicom-peers') });
  const [facilityCode, setFacilityCode] = useState('');
  const [aeTitle, setAeTitle] = useState('');
  const [address, setAddress] = useState('');
  const [exportHost, setExportHost] = useState('');
  const [exportPort, setExportPort] = useState('');
  const [message, setMessage] = useState<AdminMessage | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const facilities = list.data?.facilities ?? [];
  const chosenFacility = facilityCode || facilities[0]?.code || '';

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setMessage(null);
    try {
      await work();
      await queryClient.invalidateQueries({ queryKey: ['admin', 'dicom-peers'] });
    } catch (e) {
      setMessage({ color: 'red', text: errorText(e) });
    } finally {
      setBusy(false);
      setConfirming(null);
    }
  };

  const register = (event: FormEvent) => {
    event.preventDefault();
    return run(async () => {
      const host = exportHost.trim();
      const body = {
        facilityCode: chosenFacility,
        aeTitle,
        address: address.trim() || null,
        exportTo: host ? { host, port: Number(exportPort) } : null,
      };
      const saved = await api<Saved>('POST', '/api/admin/dicom-peers', body);
      setMessage({ color: 'teal', text: t(saved.created ? 'admin.dicomPeers.registered' : 'admin.dicomPeers.changed', { aeTitle: saved.aeTitle }) });
      setAeTitle('');
      setAddress('');
      setExportHost('');
      setExportPort('');
    });
  };
  const edit = (peer: DicomPeerItem) => {
    setFacilityCode(peer.facilityCode);
    setAeTitle(peer.aeTitle);
    setAddress(peer.address ?? '');
    setExportHost(peer.exportTo?.host ?? '');
    setExportPort(peer.exportTo ? String(peer.exportTo.port) : '');
    setMessage(null);
  };
  const remove = (title: string) =>
    run(async () => {
      await api('POST', `/api/admin/dicom-peers/${encodeURIComponent(title)}/remove`);
      setMessage({ color: 'teal', text: t('admin.dicomPeers.removed', { aeTitle: title }) });
    });

  return (
    <AdminPage
      title={t('admin.dicomPeers.title')}
      help={
        <>
          {t('admin.dicomPeers.help')}
          {list.data && (
            <>
              {' '}
              {t('admin.dicomPeers.gateway')} <Code>{list.data.gatewayAeTitle}</Code>
            </>
          )}
        </>
      }
      message={message}
    >
      <Card withBorder p="md">
        <form onSubmit={register}>
          <Stack gap="xs">
            <Title order={5}>{t('admin.dicomPeers.registerTitle')}</Title>
            {list.isSuccess && facilities.length === 0 && <Text size="sm">{t('admin.noFacilities')}</Text>}
            <Group align="end" grow>
              <NativeSelect
                label={t('admin.facility')}
                value={chosenFacility}
                onChange={(e) => setFacilityCode(e.currentTarget.value)}
                data={facilities.map((f) => ({ value: f.code, label: `${f.name}（${f.code}）` }))}
              />
              <TextInput label={t('admin.dicomPeers.aeTitle')} value={aeTitle} onChange={(e) => setAeTitle(e.currentTarget.value)} required maxLength={16} ff="monospace" />
              <TextInput label={t('admin.dicomPeers.address')} value={address} onChange={(e) => setAddress(e.currentTarget.value)} maxLength={64} placeholder="192.0.2.10" />
              <TextInput label={t('admin.dicomPeers.exportHost')} value={exportHost} onChange={(e) => setExportHost(e.currentTarget.value)} maxLength={253} />
              <TextInput
                label={t('admin.dicomPeers.exportPort')}
                value={exportPort}
                onChange={(e) => setExportPort(e.currentTarget.value)}
                type="number"
                min={1}
                max={65535}
                required={exportHost.trim() !== ''}
                placeholder="104"
              />
              <Button type="submit" loading={busy} disabled={!chosenFacility} data-testid="dicom-peer-register">
                {t('admin.dicomPeers.register')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Card>
      <Card withBorder p="sm">
        {list.isError && <Alert color="red">{errorText(list.error)}</Alert>}
        {list.data && list.data.peers.length === 0 && <Text data-testid="dicom-peer-none">{t('admin.dicomPeers.none')}</Text>}
        {list.data && list.data.peers.length > 0 && (
          <Table striped className="dense-table" data-testid="dicom-peer-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('admin.dicomPeers.aeTitle')}</Table.Th>
                <Table.Th>{t('admin.facility')}</Table.Th>
                <Table.Th>{t('admin.dicomPeers.addressColumn')}</Table.Th>
                <Table.Th>{t('admin.dicomPeers.exportColumn')}</Table.Th>
                <Table.Th>{t('admin.dicomPeers.registeredAt')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.peers.map((peer) => (
                <Table.Tr key={peer.aeTitle} data-testid={`dicom-peer-${peer.aeTitle}`}>
                  <Table.Td>
                    <Text size="xs" ff="monospace">
                      {peer.aeTitle}
                    </Text>
                  </Table.Td>
                  <Table.Td>{peer.facilityName}</Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace">
                      {peer.address ?? t('admin.dicomPeers.anyAddress')}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace">
                      {peer.exportTo ? `${peer.exportTo.host}:${peer.exportTo.port}` : t('admin.dicomPeers.noExport')}
                    </Text>
                  </Table.Td>
                  <Table.Td>{day(peer.registeredAt)}</Table.Td>
                  <Table.Td>
                    {confirming === peer.aeTitle ? (
                      <Group gap={4} wrap="nowrap">
                        <Button size="compact-xs" color="red" onClick={() => remove(peer.aeTitle)} data-testid="dicom-peer-confirm">
                          {t('admin.confirm', { action: t('admin.dicomPeers.remove') })}
                        </Button>
                        <Button size="compact-xs" variant="default" onClick={() => setConfirming(null)}>
                          {t('admin.cancel')}
                        </Button>
                      </Group>
                    ) : (
                      <Group gap={4} wrap="nowrap">
                        <Button size="compact-xs" variant="light" onClick={() => edit(peer)} data-testid="dicom-peer-edit">
                          {t('admin.dicomPeers.edit')}
                        </Button>
                        <Button size="compact-xs" variant="light" color="red" onClick={() => setConfirming(peer.aeTitle)} data-testid="dicom-peer-remove">
                          {t('admin.dicomPeers.remove')}
                        </Button>
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>
    </AdminPage>
  );
}

const day = (iso: string) => new Date(iso).toLocaleDateString('ja-JP', { timeZone: 'Asia/Tokyo' });
