import type { Me } from '@renkei/api';
import { Button, Menu } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

/**
 * The header's one way to administration: 端末管理, 利用者管理, 参加機関管理,
 * 利用料 and DICOM接続先 for an administrator (the operator the network, a facility
 * administrator their own facility), 要確認 for the operator, and 個人設定 for everyone.
 */
export function AdminMenu({ me }: { me: Me }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const item = (path: string, label: string, testId: string) => (
    <Menu.Item onClick={() => navigate(path)} data-testid={testId}>
      {t(label)}
    </Menu.Item>
  );
  return (
    <Menu position="bottom-end">
      <Menu.Target>
        <Button size="xs" variant="default" data-testid="nav-admin">
          {t('admin.nav.menu')}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        {me.canAdminister && (
          <>
            {item('/admin/terminals', 'admin.nav.terminals', 'nav-terminals')}
            {item('/admin/users', 'admin.nav.users', 'nav-users')}
            {item('/admin/participants', 'admin.nav.participants', 'nav-participants')}
            {item('/admin/fees', 'admin.nav.fees', 'nav-fees')}
            {item('/admin/dicom-peers', 'admin.nav.dicomPeers', 'nav-dicom-peers')}
            {me.user.role === 'operator' && item('/admin/reviews', 'admin.nav.reviews', 'nav-reviews')}
            <Menu.Divider />
          </>
        )}
        {item('/settings', 'admin.nav.settings', 'nav-settings')}
      </Menu.Dropdown>
    </Menu>
  );
}
