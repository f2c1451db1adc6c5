import type { Me } from '@renkei/api';
import { Button } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

/** The header's way to the console: the operator administers and bills, a facility administrator sees their own facility and statement. */
export function AdministrationLinks({ role }: { role: Me['user']['role'] }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  if (role !== 'operator' && role !== 'facility-admin') return null;
  return (
    <>
      <Button size="xs" variant="default" onClick={() => navigate('/admin/participants')} data-testid="nav-participants">
        {t('admin.nav.participants')}
      </Button>
      <Button size="xs" variant="default" onClick={() => navigate('/admin/fees')} data-testid="nav-fees">
        {t('admin.nav.fees')}
      </Button>
    </>
  );
}
