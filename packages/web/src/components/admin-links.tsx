import type { Me } from '@renkei/api';
import { Button } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

/** The header's way to 端末管理 and 利用者管理 (administrators) and 個人設定 (everyone). */
export function AdminLinks({ me }: { me: Me }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <>
      {me.canAdminister && (
        <>
          <Button size="xs" variant="subtle" onClick={() => navigate('/admin/terminals')} data-testid="nav-terminals">
            {t('admin.nav.terminals')}
          </Button>
          <Button size="xs" variant="subtle" onClick={() => navigate('/admin/users')} data-testid="nav-users">
            {t('admin.nav.users')}
          </Button>
        </>
      )}
      <Button size="xs" variant="subtle" onClick={() => navigate('/settings')} data-testid="nav-settings">
        {t('admin.nav.settings')}
      </Button>
    </>
  );
}
